//! The connectors panel: the database (rows visible and editable), the files sources tail, and
//! each connector with its state, lag or source position, its target's contents, and buttons to
//! stop, restart and replay it. Connectors are created in the SQL console (`CREATE SOURCE|SINK
//! CONNECTOR`); examples are shown here as text. Everything is rendered as text, never HTML.

use super::store::StoreHandle;
use crate::connect::view::{ConnectView, ConnectorView, TableView};
use crate::world::World;
use serde_json::json;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The file the syslog example tails.
const SYSLOG_PATH: &str = "/var/log/syslog";
/// Rows of a target shown under a connector.
const TARGET_ROWS: usize = 8;

const EXAMPLES: &[&str] = &[
    "CREATE SOURCE CONNECTOR orders_cdc WITH ('connector.class'='io.debezium.connector.postgresql.PostgresConnector', 'topic.prefix'='dbserver1', 'table.include.list'='public.orders');",
    "CREATE SINK CONNECTOR orders_search WITH ('connector.class'='io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', 'topics'='dbserver1.public.orders', 'behavior.on.null.values'='delete');",
    "CREATE SINK CONNECTOR orders_lake WITH ('connector.class'='io.confluent.connect.s3.S3SinkConnector', 'topics'='dbserver1.public.orders', 's3.bucket.name'='lake', 'flush.size'='3', 'partitioner.class'='io.confluent.connect.storage.partitioner.HourlyPartitioner');",
    "CREATE SOURCE CONNECTOR syslog WITH ('connector.class'='org.apache.kafka.connect.file.FileStreamSourceConnector', 'file'='/var/log/syslog', 'topic'='syslog_lines');",
];

#[derive(Properties, PartialEq)]
pub struct ConnectorsPanelProps {
    pub view: ConnectView,
    pub store: StoreHandle,
    /// Called after every change, so the panels redraw.
    pub on_change: Callback<()>,
}

/// A change to the world through the store; `on_change` redraws.
fn with_world(store: &StoreHandle, on_change: &Callback<()>, change: impl FnOnce(&mut World) -> Result<(), String>) -> Result<(), String> {
    let result = match store.0.try_borrow_mut() {
        Ok(mut state) => change(&mut state.world),
        Err(_) => Err("busy, try again".to_string()),
    };
    on_change.emit(());
    result
}

#[function_component(ConnectorsPanel)]
pub fn connectors_panel(props: &ConnectorsPanelProps) -> Html {
    let row_text = use_state(String::new);
    let line_text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let store = props.store.clone();
    let create_demo = {
        let (store, error, on_change) = (store.clone(), error.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            let result = with_world(&store, &on_change, |world| {
                let now = world.now_ms();
                let db = &mut world.connect_mut().database;
                db.create_table("orders", &["id", "customer", "amount", "updated_at"], "id").map_err(|e| e.to_string())?;
                for (customer, amount) in [("ada", 50), ("grace", 25), ("linus", 60)] {
                    db.insert("orders", json!({"customer": customer, "amount": amount}), now).map_err(|e| e.to_string())?;
                }
                Ok(())
            });
            error.set(result.err());
        })
    };
    let on_row_input = {
        let row_text = row_text.clone();
        Callback::from(move |e: InputEvent| row_text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let upsert_row = {
        let (store, error, row_text, on_change) = (store.clone(), error.clone(), row_text.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            let text = (*row_text).clone();
            let result = with_world(&store, &on_change, |world| {
                let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
                let now = world.now_ms();
                let db = &mut world.connect_mut().database;
                let key = value.get("id").filter(|v| !v.is_null()).map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                let exists = key.as_ref().is_some_and(|k| db.table("orders").is_ok_and(|t| t.rows.contains_key(k)));
                match (key, exists) {
                    (Some(key), true) => db.update("orders", &key, value, now),
                    _ => db.insert("orders", value, now).map(|_| ()),
                }
                .map_err(|e| e.to_string())
            });
            error.set(result.err());
        })
    };
    let on_line_input = {
        let line_text = line_text.clone();
        Callback::from(move |e: InputEvent| line_text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let append_line = {
        let (store, error, line_text, on_change) = (store.clone(), error.clone(), line_text.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            let line = (*line_text).clone();
            error.set(with_world(&store, &on_change, |world| {
                world.connect_mut().files.append_line(SYSLOG_PATH, &line);
                Ok(())
            }).err());
        })
    };
    let has_orders = props.view.tables.iter().any(|t| t.title.ends_with(".orders"));
    html! {
        <section class="connectors-panel" aria-labelledby="connectors-title">
            <h2 id="connectors-title">{ "Connectors" }</h2>
            <div class="database">
                <h3>{ "Database" }</h3>
                if !has_orders {
                    <button class="create-demo-table" onclick={create_demo}>{ "Create table public.orders" }</button>
                }
                { for props.view.tables.iter().map(|t| database_table(t, &props.store, &props.on_change, &error)) }
                if has_orders {
                    <div class="row-form">
                        <input class="row-json" type="text" placeholder={r#"{"id": 4, "customer": "ken", "amount": 10}"#}
                               aria-label="Row as JSON (an existing id updates it)" value={(*row_text).clone()} oninput={on_row_input} />
                        <button class="row-upsert" onclick={upsert_row}>{ "Insert / update" }</button>
                    </div>
                }
                <div class="row-form">
                    <input class="file-line" type="text" placeholder="sshd[42]: Accepted publickey for ada" aria-label={format!("Line to append to {SYSLOG_PATH}")}
                           value={(*line_text).clone()} oninput={on_line_input} />
                    <button class="file-append" onclick={append_line}>{ format!("Append to {SYSLOG_PATH}") }</button>
                </div>
                { for props.view.files.iter().map(|(path, n)| html! { <p class="file">{ format!("{path}: {n} line(s)") }</p> }) }
                if let Some(message) = (*error).clone() {
                    <p class="form-error" role="alert">{ message }</p>
                }
            </div>
            <ul class="connector-list">
                { for props.view.connectors.iter().map(|c| connector_item(c, &props.store, &props.on_change)) }
            </ul>
            <details class="connector-examples">
                <summary>{ "Example statements (paste into the SQL console)" }</summary>
                { for EXAMPLES.iter().map(|e| html! { <pre class="example">{ *e }</pre> }) }
            </details>
        </section>
    }
}

fn database_table(table: &TableView, store: &StoreHandle, on_change: &Callback<()>, error: &UseStateHandle<Option<String>>) -> Html {
    let name = table.title.rsplit('.').next().unwrap_or_default().to_string();
    html! {
        <table class="db-table" data-table={name.clone()}>
            <caption>{ format!("{} ({} row(s))", table.title, table.n_rows) }</caption>
            <thead><tr>{ for table.columns.iter().map(|c| html! { <th>{ c }</th> }) }<th></th></tr></thead>
            <tbody>
                { for table.rows.iter().map(|row| {
                    let key = row.first().cloned().unwrap_or_default();
                    let delete = {
                        let (store, error, name, key, on_change) = (store.clone(), error.clone(), name.clone(), key.clone(), on_change.clone());
                        Callback::from(move |_: MouseEvent| {
                            error.set(with_world(&store, &on_change, |world| {
                                let now = world.now_ms();
                                world.connect_mut().database.delete(&name, &key, now).map_err(|e| e.to_string())
                            }).err());
                        })
                    };
                    html! {
                        <tr>
                            { for row.iter().map(|cell| html! { <td>{ cell }</td> }) }
                            <td><button class="row-delete" onclick={delete} title="DELETE this row">{ "✕" }</button></td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

fn connector_item(c: &ConnectorView, store: &StoreHandle, on_change: &Callback<()>) -> Html {
    let name = c.name.clone();
    let running = c.state == "RUNNING";
    let toggle = {
        let (store, name, on_change) = (store.clone(), name.clone(), on_change.clone());
        Callback::from(move |_: MouseEvent| {
            let _ = with_world(&store, &on_change, |world| {
                if running {
                    world.connect_mut().pause(&name).map_err(|e| e.to_string())
                } else {
                    world.resume_connector(&name).map_err(|e| e.to_string())
                }
            });
        })
    };
    let replay = {
        let (store, name, on_change) = (store.clone(), name.clone(), on_change.clone());
        Callback::from(move |_: MouseEvent| {
            let _ = with_world(&store, &on_change, |world| world.reset_connector(&name, 0).map_err(|e| e.to_string()));
        })
    };
    let class_short = c.class_name.rsplit('.').next().unwrap_or_default().to_string();
    let progress = match (&c.lag, &c.position) {
        (Some(lag), _) => format!("lag {lag}"),
        (None, Some(position)) => position.clone(),
        _ => String::new(),
    };
    html! {
        <li class={classes!("connector", c.state.to_lowercase())} data-connector={name.clone()}>
            <div class="connector-head">
                <span class="connector-name">{ &c.name }</span>
                <span class="connector-kind">{ if c.source { "source" } else { "sink" } }</span>
                <span class="connector-class" title={c.class_name.clone()}>{ class_short }</span>
                <span class="connector-state">{ &c.state }</span>
                <span class="connector-progress">{ format!("{} record(s) · {progress}", c.n_records) }</span>
                <button class="connector-toggle" onclick={toggle}>{ if running { "Stop" } else { "Restart" } }</button>
                <button class="connector-replay" onclick={replay} title="Reset offsets to 0 and replay">{ "Replay" }</button>
            </div>
            <div class="connector-topics">{ format!("topics: {}", c.topics.join(", ")) }</div>
            if let Some(trace) = &c.trace {
                <pre class="connector-trace">{ trace }</pre>
            }
            if let Some(target) = &c.target {
                <table class="target-table">
                    <caption>{ format!("{} — {} row(s)", target.title, target.n_rows) }</caption>
                    <thead><tr>{ for target.columns.iter().map(|col| html! { <th>{ col }</th> }) }</tr></thead>
                    <tbody>
                        { for target.rows.iter().take(TARGET_ROWS).map(|row| html! {
                            <tr>{ for row.iter().map(|cell| html! { <td>{ cell }</td> }) }</tr>
                        }) }
                    </tbody>
                </table>
            }
        </li>
    }
}
