//! Injection: XSS payloads fed through everything a learner types or the log holds (record keys
//! and values, topic names, SQL text, SQL errors, push-query rows) and through the lesson
//! Markdown renderer. Every payload tries to set `window.__xss` and carries a `data-xss`
//! attribute; after each round the flag must still be unset and no element of a payload may
//! exist in the DOM. Run with `make test-web`.
#![cfg(target_arch = "wasm32")]

mod web_support;

use streamlab::lessons::render_markdown;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};
use web_support::{click, document, mount_sandbox, query, settle, sleep};

wasm_bindgen_test_configure!(run_in_browser);

/// Classic payloads: each would set `window.__xss` if it were parsed as HTML (or followed as a
/// link), and each element it would create carries `data-xss`.
const PAYLOADS: &[&str] = &[
    r#"<img data-xss src=x onerror="window.__xss=1">"#,
    r#"<script data-xss>window.__xss=1</script>"#,
    r#"<svg data-xss onload="window.__xss=1"></svg>"#,
    r#""><iframe data-xss srcdoc="<script>parent.__xss=1</script>"></iframe>"#,
    r#"<details data-xss open ontoggle="window.__xss=1"></details>"#,
    r#"<a data-xss href="javascript:window.__xss=1">click</a>"#,
    r#"<body data-xss onload="window.__xss=1">"#,
    r#"<math><mtext><table><mglyph><style><img data-xss src=x onerror="window.__xss=1">"#,
    r#"<input data-xss autofocus onfocus="window.__xss=1">"#,
    r#"javascript:window.__xss=1//"#,
    r#"{{constructor.constructor('window.__xss=1')()}}"#,
];

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

fn reset_flag() {
    js_sys::Reflect::set(&window(), &JsValue::from_str("__xss"), &JsValue::UNDEFINED).expect("set flag");
}

/// Nothing ran and nothing of a payload became an element (or a `javascript:` link).
fn assert_nothing_executed(context: &str) {
    let flag = js_sys::Reflect::get(&window(), &JsValue::from_str("__xss")).expect("read flag");
    assert!(flag.is_undefined(), "{context}: a payload executed");
    let injected = document().query_selector_all("[data-xss]").map(|l| l.length()).unwrap_or(0);
    assert_eq!(injected, 0, "{context}: a payload became markup");
    let links = document().query_selector_all("a[href]").expect("links");
    for index in 0..links.length() {
        let link: Element = links.item(index).expect("a link").dyn_into().expect("an element");
        let href = link.get_attribute("href").unwrap_or_default();
        assert!(!href.trim().to_ascii_lowercase().starts_with("javascript:"), "{context}: a javascript: link {href}");
    }
}

async fn run_sql(root: &Element, sql: &str) {
    let editor: HtmlTextAreaElement = query(root, "textarea[aria-label=SQL]").dyn_into().expect("a textarea");
    editor.set_value(sql);
    editor.dispatch_event(&web_sys::InputEvent::new("input").expect("event")).expect("dispatch");
    settle().await;
    click(&query(root, "button[aria-label=Run]")).await;
}

/// `'` doubled, so a payload fits in a SQL string literal.
fn sql_string(text: &str) -> String {
    text.replace('\'', "''")
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a JSON string")
}

#[wasm_bindgen_test]
async fn payloads_in_records_topics_and_sql_stay_text() {
    reset_flag();
    let root = mount_sandbox().await;
    run_sql(&root, "SET 'auto.offset.reset' = 'earliest';").await;
    for (n, payload) in PAYLOADS.iter().enumerate() {
        // A record by hand: the payload as key and inside the JSON value.
        let key: HtmlInputElement = query(&root, "#produce-key").dyn_into().expect("key input");
        key.set_value(payload);
        let value: HtmlTextAreaElement = query(&root, "#produce-value").dyn_into().expect("value input");
        value.set_value(&format!(r#"{{"note": {}, "n": {n}}}"#, json_string(payload)));
        click(&query(&root, ".produce-form button[type=submit]")).await;
        // Open the newest record's details (key and pretty-printed value).
        if let Some(cell) = root.query_selector(".cell").ok().flatten() {
            click(&cell).await;
        }
        // A topic named by the payload (refused or created: either way its name is shown).
        run_sql(
            &root,
            &format!(
                "CREATE STREAM s{n} (id STRING KEY, note STRING) WITH (kafka_topic='{}', value_format='JSON', partitions=1);",
                sql_string(payload)
            ),
        )
        .await;
        // SQL text with the payload in a string, an identifier and an error message.
        run_sql(&root, &format!("SELECT '{}' AS x FROM \"{}\" EMIT CHANGES;", sql_string(payload), payload.replace('"', ""))).await;
        run_sql(&root, &format!("INSERT INTO no_such_stream VALUES ('{}');", sql_string(payload))).await;
        run_sql(&root, payload).await;
        sleep(50).await;
        assert_nothing_executed(&format!("sandbox, payload {n}"));
    }
    // A push query whose rows carry the payloads the records hold.
    run_sql(&root, "CREATE STREAM tx (account_id STRING KEY, note STRING) WITH (kafka_topic='account_transactions', value_format='JSON');").await;
    run_sql(&root, "SELECT account_id, note FROM tx EMIT CHANGES;").await;
    sleep(300).await;
    let shown = root.text_content().unwrap_or_default();
    assert!(shown.contains("onerror=\"window.__xss=1\""), "the payloads are on screen, as text");
    assert_nothing_executed("sandbox, push query rows");
    // Dropping `root` unmounts the app.
}

#[wasm_bindgen_test]
async fn lesson_markdown_renders_payloads_inert() {
    reset_flag();
    let container = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&container).expect("append");
    for (n, payload) in PAYLOADS.iter().enumerate() {
        let markdown = format!(
            "# {payload}\n\n{payload}\n\n*{payload}*\n\n[link]({payload})\n\n[js](javascript:window.__xss=1)\n\n![img](javascript:window.__xss=1)\n\n`{payload}`\n\n```\n{payload}\n```\n\n> {payload}\n\n- {payload}\n"
        );
        // As the lesson player shows a narrative: the renderer's HTML, set as markup.
        container.set_inner_html(&render_markdown(&markdown));
        sleep(60).await;
        assert_nothing_executed(&format!("markdown, payload {n}"));
        assert!(container.text_content().unwrap_or_default().contains("__xss=1"), "payload {n} is shown as text");
    }
    container.remove();
}
