//! Component tests of the sandbox: mount the app, open the sandbox, act, assert on the DOM.
//! Run with `make test-web`.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Types into the SQL editor as an input event would deliver it.
async fn type_sql(root: &Element, sql: &str) {
    let editor: HtmlTextAreaElement = query(root, "textarea[aria-label=SQL]").dyn_into().expect("a textarea");
    editor.set_value(sql);
    let _ = editor.set_selection_range(sql.encode_utf16().count() as u32, sql.encode_utf16().count() as u32);
    editor.dispatch_event(&web_sys::InputEvent::new("input").expect("event")).expect("dispatch");
    settle().await;
}

async fn run_sql(root: &Element, sql: &str) {
    type_sql(root, sql).await;
    click(&query(root, "button[aria-label=Run]")).await;
}

#[wasm_bindgen_test]
async fn the_sandbox_starts_with_topics_lanes_and_producers() {
    let root = mount_sandbox().await;
    for topic in ["account_transactions", "clickstream", "users"] {
        assert!(count(&root, &format!(".topic[data-topic={topic}]")) == 1, "topic {topic} is drawn");
    }
    assert_eq!(count(&root, ".topic[data-topic=account_transactions] .lane"), 3, "one lane per partition");
    assert!(count(&root, ".cell") > 0, "the default world has history");
    assert_eq!(count(&root, ".producer"), 2);
    assert!(text(&root, ".virtual-clock").starts_with("2018-03-01"));
}

#[wasm_bindgen_test]
async fn lanes_stay_virtualised_and_follow_a_running_producer() {
    let root = mount_sandbox().await;
    click(&query(&root, ".producer[data-producer=account_transactions] .producer-toggle")).await;
    assert!(count(&root, ".producer.running") == 1);
    click(&query(&root, ".speed-button:last-child")).await; // 1000×
    yew::platform::time::sleep(Duration::from_millis(600)).await;
    let lanes = root.query_selector_all(".topic[data-topic=account_transactions] .lane-cells").unwrap();
    let mut newest_offsets = Vec::new();
    for index in 0..lanes.length() {
        let lane: Element = lanes.item(index).unwrap().dyn_into().unwrap();
        assert!(count(&lane, ".cell") <= 16, "a lane holds at most a page of cells");
        newest_offsets.push(text(&lane, ".cell-offset").parse::<u64>().unwrap_or(0));
    }
    assert!(newest_offsets.iter().sum::<u64>() > 60, "hundreds of virtual seconds passed: {newest_offsets:?}");
    click(&query(&root, ".producer[data-producer=account_transactions] .producer-toggle")).await;
    assert_eq!(count(&root, ".producer.running"), 0, "stop works");
}

#[wasm_bindgen_test]
async fn a_record_opens_its_details_as_text() {
    let root = mount_sandbox().await;
    let value: HtmlTextAreaElement = query(&root, "#produce-value").dyn_into().unwrap();
    value.set_value(r#"{"note": "<img src=x onerror=alert(1)>"}"#);
    let key: HtmlInputElement = query(&root, "#produce-key").dyn_into().unwrap();
    key.set_value("alice");
    click(&query(&root, ".produce-form button[type=submit]")).await;
    assert_eq!(text(&root, "#produce-error"), "", "a valid record is accepted");
    // Find the new cell by its key.
    let cell = root.query_selector_all(".cell").unwrap();
    let mut found = None;
    for index in 0..cell.length() {
        let element: Element = cell.item(index).unwrap().dyn_into().unwrap();
        if element.query_selector(".cell-key").unwrap().unwrap().text_content().as_deref() == Some("alice") {
            found = Some(element);
        }
    }
    let cell = found.expect("the produced record is in a lane");
    assert!(cell.text_content().unwrap().contains("<img src=x"), "the value preview is text");
    click(&cell).await;
    let details = query(&root, ".record-details");
    assert!(text(&details, ".record-value").contains("\"note\": \"<img src=x onerror=alert(1)>\""), "pretty-printed");
    assert_eq!(text(&details, ".record-key"), "alice");
    assert_eq!(count(&root, "img"), 0, "nothing the learner typed becomes markup");
    click(&query(&details, ".close")).await;
    assert_eq!(count(&root, ".record-details"), 0);
}

#[wasm_bindgen_test]
async fn invalid_json_is_refused_inline() {
    let root = mount_sandbox().await;
    let value: HtmlTextAreaElement = query(&root, "#produce-value").dyn_into().unwrap();
    value.set_value("{not json");
    click(&query(&root, ".produce-form button[type=submit]")).await;
    assert!(text(&root, "#produce-error").contains("not valid JSON"), "{}", text(&root, "#produce-error"));
    assert_eq!(query(&root, "#produce-value").get_attribute("aria-invalid").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
async fn the_editor_is_highlighted_by_the_engine_tokenizer_and_completes_names() {
    let root = mount_sandbox().await;
    type_sql(&root, "SELECT amount FROM t WHERE x = 'a' -- note").await;
    assert_eq!(text(&root, ".editor-highlight .tok-keyword"), "SELECT");
    assert_eq!(text(&root, ".editor-highlight .tok-string"), "'a'");
    assert_eq!(text(&root, ".editor-highlight .tok-comment"), "-- note");
    type_sql(&root, "SEL").await;
    assert_eq!(text(&root, ".completions .completion.selected .completion-label"), "SELECT");
    // The editor names the list it controls, by an id no other console on the page has.
    let controls = query(&root, ".editor-input").get_attribute("aria-controls").unwrap_or_default();
    assert_eq!(query(&root, ".completions").id(), controls);
    assert_eq!(root.query_selector_all(&format!("#{controls}")).unwrap().length(), 1);
}

#[wasm_bindgen_test]
async fn statements_show_acks_tables_and_errors_with_position_and_hint() {
    let root = mount_sandbox().await;
    run_sql(&root, "CREATE STREAM txns (account_id STRING KEY, amount DOUBLE) WITH (kafka_topic='account_transactions', value_format='JSON');").await;
    assert!(text(&root, ".results .result-ack").to_lowercase().contains("created"), "{}", text(&root, ".results"));
    run_sql(&root, "SHOW STREAMS;").await;
    assert!(text(&root, ".results .result-table").contains("TXNS"));
    run_sql(&root, "SHOW STREAMS;\nSELEC 1;").await;
    assert!(text(&root, ".sql-error-at").contains("Line 2, column 1"), "{}", text(&root, ".sql-error"));
    assert_eq!(count(&root, ".editor-highlight mark.error-at"), 1, "the position is marked in the editor");
    // The catalog now completes the stream's columns.
    type_sql(&root, "SELECT amo").await;
    assert_eq!(text(&root, ".completions .completion.selected .completion-label"), "AMOUNT");
}

#[wasm_bindgen_test]
async fn a_push_query_streams_rows_and_stops() {
    let root = mount_sandbox().await;
    run_sql(&root, "SET 'auto.offset.reset' = 'earliest';").await;
    run_sql(&root, "CREATE STREAM clicks (user_id STRING KEY, page STRING) WITH (kafka_topic='clickstream', value_format='JSON');").await;
    run_sql(&root, "SELECT user_id, page FROM clicks EMIT CHANGES;").await;
    assert_eq!(count(&root, ".result-push.running"), 1);
    let rows_before = count(&root, ".result-push tbody tr");
    assert!(rows_before > 0, "the history already in the topic");
    click(&query(&root, ".producer[data-producer=clickstream] .producer-produce, .producer[data-producer=clickstream] .produce-one")).await;
    yew::platform::time::sleep(Duration::from_millis(400)).await;
    assert!(count(&root, ".result-push tbody tr") > rows_before, "a new record streams in");
    click(&query(&root, ".push-stop")).await;
    assert_eq!(count(&root, ".push-status.ended"), 1);
}

#[wasm_bindgen_test]
async fn a_consumer_group_goes_offline_and_comes_back() {
    let root = mount_sandbox().await;
    assert_eq!(count(&root, ".group[data-group=ledger]"), 1, "the default world has a consumer group");
    assert!(count(&root, ".cursor") > 0, "its cursor is drawn on the lanes");
    click(&query(&root, ".group[data-group=ledger] .group-toggle")).await;
    assert_eq!(count(&root, ".group.paused"), 1);
    assert!(text(&root, ".group[data-group=ledger] .group-lag").contains("offline"));
    assert!(count(&root, ".cursor.paused") > 0, "the cursors say so too");
    click(&query(&root, ".group[data-group=ledger] .group-toggle")).await;
    assert_eq!(count(&root, ".group.paused"), 0);
}
