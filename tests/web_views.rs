//! Component tests of the sandbox's views (Log | Stream ⇄ Table | Windows | Race | Topology):
//! each tab renders with data from the world. Run with `make test-web`.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use wasm_bindgen_test::*;
use web_sys::Element;

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn open_tab(root: &Element, slug: &str) {
    click(&query(root, &format!("#view-tab-{slug}"))).await;
    assert_eq!(query(root, &format!("#view-tab-{slug}")).get_attribute("aria-selected").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
async fn the_log_tab_is_open_first_and_tabs_switch_views() {
    let root = mount_sandbox().await;
    assert_eq!(count(&root, "[role=tab]"), 5);
    assert_eq!(text(&root, "[role=tab][aria-selected=true]"), "Log");
    assert!(count(&root, ".lane .cell") > 0, "the log shows its lanes");
    open_tab(&root, "topology").await;
    assert_eq!(count(&root, ".lane"), 0, "the log is not drawn behind another tab");
    open_tab(&root, "log").await;
    assert!(count(&root, ".lane .cell") > 0);
}

#[wasm_bindgen_test]
async fn stream_table_shows_each_record_s_effect_and_provenance() {
    let root = mount_sandbox().await;
    open_tab(&root, "duality").await;
    assert!(text(&root, ".view-empty").contains("No table yet"));
    click(&query(&root, ".view-empty button")).await;
    settle().await;
    assert!(count(&root, ".duality-table tbody tr") >= 1, "the balances table has rows");
    assert!(count(&root, ".incoming .duality-item") >= 10, "the stream's recent records");
    assert!(count(&root, ".incoming .effect.insert") >= 1);
    assert!(text(&root, ".incoming").contains("update"), "a later record of an account updates its balance");
    assert!(count(&root, ".changelog .duality-item") >= 1);
    // Select the first row: its source records light up, with a "●".
    click(&query(&root, ".duality-table tbody tr .duality-pick")).await;
    assert!(text(&root, ".provenance").contains("was built by"));
    assert!(count(&root, ".incoming .duality-item.lit") >= 1);
    assert_eq!(count(&root, ".duality-table tr.lit"), 1);
    assert!(text(&root, ".incoming .duality-item.lit").contains('●'));
    // The same selection in the log: the records that built the row and its versions are lit.
    open_tab(&root, "log").await;
    assert!(text(&root, ".log-provenance").contains("of BALANCES"));
    assert!(count(&root, ".topic[data-topic=account_transactions] .cell.lit") >= 1, "a source record is lit");
    assert!(count(&root, ".topic[data-topic=BALANCES] .cell.lit-derived") >= 1, "a version of the row is lit");
}

#[wasm_bindgen_test]
async fn windows_are_drawn_as_bands_with_their_counts() {
    let root = mount_sandbox().await;
    open_tab(&root, "windows").await;
    click(&query(&root, ".view-empty button")).await;
    settle().await;
    assert!(count(&root, ".windows-chart .band") >= 2, "windows of the ten seconds of history");
    assert!(text(&root, ".windows-summary").starts_with("TUMBLING windows of 10.0 s, grace 2.0 s"));
    assert!(text(&root, ".windows-summary").contains("late records dropped"));
    assert!(text(&root, ".windows-list").contains("N="), "each window with its count");
}

#[wasm_bindgen_test]
async fn the_race_shows_two_freshness_meters_and_a_chart() {
    let root = mount_sandbox().await;
    open_tab(&root, "race").await;
    click(&query(&root, ".race-start")).await;
    click(&query(&root, ".producer[data-producer=account_transactions] .producer-toggle")).await;
    click(&query(&root, ".speed-button:last-child")).await; // 1000×
    yew::platform::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(count(&root, ".freshness"), 2);
    assert!(text(&root, ".freshness.stream .freshness-age").ends_with("s old"));
    assert!(text(&root, ".freshness.batch .freshness-age").contains("old"));
    assert!(count(&root, ".race-chart polyline.batch") == 1);
    assert!(query(&root, ".race-chart polyline.stream").get_attribute("points").is_some_and(|p| p.contains(',')));
    click(&query(&root, ".race-mark")).await;
    yew::platform::time::sleep(Duration::from_millis(300)).await;
    assert!(text(&root, ".race-event").contains("stream saw it"), "{}", text(&root, ".race-event"));
}

#[wasm_bindgen_test]
async fn topology_draws_producers_topics_and_consumers_with_rates() {
    let root = mount_sandbox().await;
    click(&query(&root, ".producer[data-producer=account_transactions] .producer-toggle")).await;
    yew::platform::time::sleep(Duration::from_millis(600)).await;
    open_tab(&root, "topology").await;
    assert_eq!(count(&root, ".topology-chart .node.producer"), 2);
    assert!(count(&root, ".topology-chart .node.topic") >= 3);
    assert_eq!(count(&root, ".topology-chart [data-node='group:ledger']"), 1);
    let edge = query(&root, ".topology-chart .edge[data-from='topic:account_transactions'][data-to='group:ledger']");
    assert!(edge.text_content().unwrap_or_default().contains("lag"), "consumer edges show lag");
    assert!(text(&root, ".topology-chart").contains("/s"));
}
