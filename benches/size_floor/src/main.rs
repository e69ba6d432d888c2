// Size floor: a yew app (one input and one list) that parses what is typed with sqlparser.
use yew::prelude::*;

#[cfg(feature = "parser")]
fn parse(sql: &str) -> String {
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;
    match Parser::new(&GenericDialect {}).try_with_sql(sql).and_then(|mut p| p.parse_expr()) {
        Ok(expr) => matches!(expr, sqlparser::ast::Expr::Identifier(_)).to_string(),
        Err(e) => e.to_string(),
    }
}
#[cfg(not(feature = "parser"))]
fn parse(sql: &str) -> String { sql.len().to_string() }

#[function_component]
fn App() -> Html {
    let text = use_state(String::new);
    let items = use_state(Vec::<String>::new);
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            text.set(input.value());
        })
    };
    let onclick = {
        let text = text.clone();
        let items = items.clone();
        Callback::from(move |_| {
            let mut next = (*items).clone();
            next.push(parse(&text));
            items.set(next);
        })
    };
    html! {
        <div>
            <input {oninput} />
            <button {onclick}>{"Run"}</button>
            <ul>{ for items.iter().map(|i| html! { <li>{ i }</li> }) }</ul>
        </div>
    }
}


fn main() {
    yew::Renderer::<App>::new().render();
}
