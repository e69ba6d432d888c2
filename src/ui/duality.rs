//! Stream ⇄ table: the source stream's recent records with what each did to the table, the
//! table's rows, and the table's changelog read as a stream. Selecting a row lights up the
//! records that built it; selecting a record lights up its row. Lit items carry a "●" as well
//! as a colour. Everything from the log is rendered as text.

use super::store::{key_hue, SandboxAction};
use crate::world::duality::{ChangeOp, DualityView, Effect, IncomingRecord, Selection};
use yew::prelude::*;

/// The talk's example, offered when no table exists yet.
pub const EXAMPLE_SQL: &str = "CREATE STREAM IF NOT EXISTS transactions (account_id STRING KEY, amount INT)
  WITH (kafka_topic='account_transactions', value_format='JSON');
SET 'auto.offset.reset' = 'earliest';
CREATE TABLE balances AS
  SELECT account_id, SUM(amount) AS balance FROM transactions GROUP BY account_id EMIT CHANGES;";

#[derive(Properties, PartialEq)]
pub struct DualityPanelProps {
    pub tables: Vec<String>,
    pub chosen: Option<String>,
    pub view: Option<Result<DualityView, String>>,
    pub on_choose: Callback<String>,
    pub on_select: Callback<Option<Selection>>,
    pub dispatch: Callback<SandboxAction>,
}

/// Buttons to pick one of several names (tables), the current one pressed.
pub fn choice_chips(label: &str, names: &[String], chosen: Option<&String>, on_choose: &Callback<String>) -> Html {
    html! {
        <div class="view-choices" role="group" aria-label={label.to_string()}>
            <span class="muted">{ format!("{label}:") }</span>
            { for names.iter().map(|name| {
                let pressed = chosen == Some(name);
                let onclick = { let name = name.clone(); on_choose.reform(move |_: MouseEvent| name.clone()) };
                html! { <button class={classes!("chip", pressed.then_some("active"))} aria-pressed={pressed.to_string()} {onclick}>{ name }</button> }
            }) }
        </div>
    }
}

/// An empty state: what the view needs, and a button that runs an example.
pub fn try_example(message: &str, button: &str, sql: &'static str, dispatch: &Callback<SandboxAction>) -> Html {
    let onclick = dispatch.reform(move |_: MouseEvent| SandboxAction::RunSql(sql.to_string()));
    html! {
        <div class="view-empty">
            <p>{ message }</p>
            <pre class="view-example">{ sql }</pre>
            <button class="primary" {onclick}>{ button }</button>
        </div>
    }
}

/// A JSON object value as `FIELD=value, …` (shorter to read in a narrow column); anything else
/// as it is. Display only: the result is rendered as text.
pub fn compact(value: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(value) {
        Ok(serde_json::Value::Object(fields)) => fields
            .iter()
            .map(|(name, v)| match v {
                serde_json::Value::String(s) => format!("{name}={s}"),
                other => format!("{name}={other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => value.to_string(),
    }
}

fn effect_text(effect: &Effect) -> (&'static str, String) {
    match effect {
        Effect::Insert { new } => ("insert", format!("insert {}", compact(new))),
        Effect::Update { old, new } => ("update", format!("update {} → {}", compact(old), compact(new))),
        Effect::Delete { old: Some(old) } => ("delete", format!("delete {}", compact(old))),
        Effect::Delete { old: None } => ("delete", "delete".to_string()),
        Effect::Upsert { new } => ("update", format!("set {}", compact(new))),
        Effect::Pending => ("pending", "not read yet".to_string()),
        Effect::NoChange => ("none", "no change".to_string()),
    }
}

fn key_chip(key: Option<&str>) -> Html {
    match key {
        Some(key) => html! { <span class="cell-key" style={format!("--key-hue: {}", key_hue(key))}>{ key }</span> },
        None => html! { <span class="cell-key no-key">{ "no key" }</span> },
    }
}

fn lit_mark(lit: bool) -> Html {
    if lit {
        html! { <span class="lit-mark" aria-label="selected">{ "●" }</span> }
    } else {
        html! {}
    }
}

#[function_component(DualityPanel)]
pub fn duality_panel(props: &DualityPanelProps) -> Html {
    if props.tables.is_empty() {
        return try_example(
            "No table yet. A table is the latest value per key, folded from a stream: create one and watch each record update it.",
            "Create the balances table",
            EXAMPLE_SQL,
            &props.dispatch,
        );
    }
    let chips = choice_chips("Table", &props.tables, props.chosen.as_ref(), &props.on_choose);
    let view = match &props.view {
        Some(Ok(view)) => view,
        Some(Err(error)) => return html! { <div class="duality">{ chips }<p class="error">{ error }</p></div> },
        None => return html! { <div class="duality">{ chips }</div> },
    };
    let clear = props.on_select.reform(|_: MouseEvent| None);
    let lineage = match (&view.source, &view.query_id) {
        (Some(source), Some(query)) => format!("{} ⇐ {query} ⇐ {source} (topic {})", view.table, view.source_topic),
        _ => format!("{} over topic {}: each record is an upsert of its key", view.table, view.table_topic),
    };
    let provenance = match &view.selected_key {
        None => html! { <p class="muted provenance">{ "Select a record or a table row: the other side lights up (●)." }</p> },
        Some(key) => {
            let offsets: Vec<String> = view.provenance.iter().map(|(p, o)| format!("p{p}@{o}")).collect();
            let more = if view.provenance_complete { "" } else { " (in the recent part of the log)" };
            html! {
                <p class="provenance">
                    { format!("Row {key} was built by {} record{} of {}{more}: {}", view.n_provenance,
                              if view.n_provenance == 1 { "" } else { "s" }, view.source_topic, offsets.join(", ")) }
                    { " " }<button class="link" onclick={clear}>{ "clear" }</button>
                </p>
            }
        }
    };
    html! {
        <div class="duality">
            { chips }
            <p class="duality-lineage">{ lineage }
                if view.windowed { <span class="muted">{ " · windowed: see the Windows tab for its windows" }</span> }
            </p>
            { provenance }
            <div class="duality-grid">
                <section class="duality-col" aria-labelledby="duality-stream">
                    <h3 id="duality-stream">{ format!("Stream · {}", view.source.clone().unwrap_or_else(|| view.table_topic.clone())) }</h3>
                    <ol class="duality-list incoming">
                        { for view.incoming.iter().rev().map(|record| incoming_item(record, &props.on_select)) }
                    </ol>
                </section>
                <section class="duality-col" aria-labelledby="duality-table">
                    <h3 id="duality-table">{ format!("Table · {} ({} row{})", view.table, view.n_rows, if view.n_rows == 1 { "" } else { "s" }) }</h3>
                    { table_rows(view, &props.on_select) }
                </section>
                <section class="duality-col" aria-labelledby="duality-changelog">
                    <h3 id="duality-changelog">{ format!("Changelog · topic {}", view.table_topic) }</h3>
                    <ol class="duality-list changelog">
                        { for view.changelog.iter().rev().map(|entry| {
                            let (class, op) = match &entry.op {
                                ChangeOp::Insert => ("insert", "insert".to_string()),
                                ChangeOp::Update { old } => ("update", format!("update, was {}", compact(old))),
                                ChangeOp::Delete { .. } => ("delete", "tombstone: delete".to_string()),
                                ChangeOp::Upsert => ("update", "upsert".to_string()),
                            };
                            html! {
                                <li class={classes!("duality-item", entry.highlighted.then_some("lit"))}>
                                    { lit_mark(entry.highlighted) }
                                    <span class="cell-offset">{ format!("p{}@{}", entry.partition, entry.offset) }</span>
                                    { key_chip(entry.key.as_deref()) }
                                    <span class="item-value">{ entry.value.as_deref().map_or_else(|| "null".to_string(), compact) }</span>
                                    <span class={classes!("effect", class)}>{ op }</span>
                                </li>
                            }
                        }) }
                    </ol>
                </section>
            </div>
        </div>
    }
}

fn incoming_item(record: &IncomingRecord, on_select: &Callback<Option<Selection>>) -> Html {
    let (class, effect) = effect_text(&record.effect);
    let (partition, offset) = (record.partition, record.offset);
    let onclick = on_select.reform(move |_: MouseEvent| Some(Selection::Record { partition, offset }));
    html! {
        <li class={classes!("duality-item", record.highlighted.then_some("lit"))}>
            <button class="duality-pick" aria-pressed={record.highlighted.to_string()} {onclick}
                    title="Light up the table row this record feeds">
                { lit_mark(record.highlighted) }
                <span class="cell-offset">{ format!("p{partition}@{offset}") }</span>
                { key_chip(record.key.as_deref()) }
                <span class="item-value">{ record.value.as_deref().map_or_else(|| "null (tombstone)".to_string(), compact) }</span>
            </button>
            <span class={classes!("effect", class)}>{ effect }</span>
        </li>
    }
}

fn table_rows(view: &DualityView, on_select: &Callback<Option<Selection>>) -> Html {
    if view.rows.is_empty() {
        return html! { <p class="muted">{ "The table is empty." }</p> };
    }
    html! {
        <table class="duality-table">
            <thead><tr>
                { for view.key_columns.iter().map(|c| html! { <th scope="col">{ c }{ " (key)" }</th> }) }
                { for view.value_columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }
            </tr></thead>
            <tbody>
                { for view.rows.iter().map(|row| {
                    let key = row.key.clone();
                    let onclick = on_select.reform(move |_: MouseEvent| Some(Selection::Row { key: key.clone() }));
                    let mut key_values = row.key_values.iter();
                    let first = key_values.next().cloned().unwrap_or_default();
                    html! {
                        <tr class={classes!(row.highlighted.then_some("lit"))}>
                            <th scope="row">
                                <button class="duality-pick" aria-pressed={row.highlighted.to_string()} {onclick}
                                        title="Light up the records that built this row">
                                    { lit_mark(row.highlighted) }{ first }
                                </button>
                            </th>
                            { for key_values.map(|v| html! { <td>{ v }</td> }) }
                            { for row.values.iter().map(|v| html! { <td>{ v }</td> }) }
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}
