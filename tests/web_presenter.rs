//! Component tests of presenter mode, deep links and the two-pane demo layout: mount the app with
//! a fragment, press keys on the document, assert on the DOM. Run with `make test-web`.
#![cfg(target_arch = "wasm32")]

mod web_support;

use streamlab::share::fragment::{encode, DemoLink};
use streamlab::share::layout::Layout;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};
use web_support::{click, count, document, find, mount_app_with, query, settle, sleep, text, Mounted};

wasm_bindgen_test_configure!(run_in_browser);

/// What a presenter test changes outside its container: the fragment and presenter mode.
fn leave_presenter_mode() {
    web_support::clear_fragment();
    if let Some(root) = document().document_element() {
        let _ = root.class_list().remove_1("projector");
    }
}

async fn mount_link(link: &DemoLink) -> Mounted {
    mount_hash(&encode(link).unwrap()).await
}

async fn mount_hash(hash: &str) -> Mounted {
    let mounted = mount_app_with(hash, Some(leave_presenter_mode)).await;
    settle().await;
    mounted
}

fn press(key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    let target: web_sys::EventTarget = document().active_element().map(Into::into).unwrap_or_else(|| document().into());
    target.dispatch_event(&event).unwrap();
}

fn is_projector() -> bool {
    document().document_element().unwrap().class_list().contains("projector")
}

fn editor(root: &Element, selector: &str) -> HtmlTextAreaElement {
    query(root, selector).dyn_into().unwrap()
}

/// Writes into a console's editor as typing does (the console keeps its text from `input`).
fn type_into(editor: &HtmlTextAreaElement, text: &str) {
    editor.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    editor.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

/// Types `sql` into the console inside `pane` and clicks its Run.
async fn run_in(root: &Element, pane: &str, sql: &str) {
    type_into(&editor(root, &format!("{pane} textarea.editor-input")), sql);
    settle().await;
    click(&query(root, &format!("{pane} button.run"))).await;
}

const STATEMENTS: &str = ".demo-pane-statements";
const PUSH: &str = ".demo-pane-push";

#[wasm_bindgen_test]
async fn a_link_opens_the_sandbox_with_its_sql_and_a_bad_one_the_start_page_with_a_notice() {
    let link = DemoLink::sandbox(99, 10, "SHOW TOPICS;\nSHOW STREAMS;");
    let app = mount_link(&link).await;
    assert!(find(&app, ".sandbox").is_some(), "the sandbox opens");
    assert_eq!(editor(&app, "textarea.editor-input").value(), "SHOW TOPICS;\nSHOW STREAMS;");
    assert_eq!(text(&app, ".speed-button.active"), "10×");
    assert!(text(&app, ".control-play").contains("Play"), "a linked demo starts paused");
    assert_eq!(count(&app, ".sandbox-grid.two-pane"), 0, "a link without a layout opens the standard one");
    drop(app);

    let app = mount_hash("v1/not-a-real-link").await;
    assert!(find(&app, ".home").is_some(), "the start page");
    let notice = text(&app, ".notice");
    assert!(notice.contains("could not be opened"), "{notice}");
}

#[wasm_bindgen_test]
async fn keys_toggle_the_overlay_and_blackout_but_not_inside_the_editor() {
    let app = mount_link(&DemoLink::sandbox(1, 1, "SHOW TOPICS;")).await;
    press("?");
    settle().await;
    assert!(find(&app, ".presenter-help").is_some(), "? opens the overlay");
    assert!(text(&app, ".presenter-help").contains("demo layout"), "the overlay lists D");
    press("Escape");
    settle().await;
    assert!(find(&app, ".presenter-help").is_none(), "Esc closes it");

    press("b");
    settle().await;
    assert!(find(&app, ".presenter-blackout").is_some());
    press("x");
    settle().await;
    assert!(find(&app, ".presenter-blackout").is_none(), "any key lifts the blackout");

    // In the editor, f is a letter.
    let editor: HtmlElement = query(&app, "textarea.editor-input").dyn_into().unwrap();
    editor.focus().unwrap();
    press("f");
    settle().await;
    assert!(!is_projector(), "typing f in the editor must not start presenter mode");
    press("Escape");
    settle().await;
    assert_ne!(document().active_element().map(|e| e.tag_name()), Some("TEXTAREA".to_string()), "Esc leaves the editor");
    press("f");
    settle().await;
    assert!(is_projector(), "outside the editor, f starts presenter mode");
    press("+");
    settle().await;
    let scale = document().document_element().unwrap().dyn_into::<HtmlElement>().unwrap().style().get_property_value("--type-scale").unwrap();
    assert_eq!(scale, "1.15");
    press("f");
    settle().await;
    assert!(!is_projector());
}

#[wasm_bindgen_test]
async fn d_toggles_the_two_pane_layout_except_in_the_editor_and_a_link_carries_it() {
    let app = mount_link(&DemoLink::sandbox(3, 1, "SHOW TOPICS;")).await;
    press("d");
    settle().await;
    assert_eq!(count(&app, ".sandbox-grid.two-pane"), 1, "D opens the two-pane layout");
    assert_eq!(count(&app, ".console"), 2, "two consoles");
    assert_eq!(editor(&app, &format!("{STATEMENTS} textarea")).value(), "SHOW TOPICS;", "the console becomes the statement pane, its text kept");
    assert_eq!(query(&app, ".demo-layout-toggle").get_attribute("aria-pressed").as_deref(), Some("true"));

    // In an editor, d is a letter and the layout stays.
    let push_editor = editor(&app, &format!("{PUSH} textarea"));
    push_editor.focus().unwrap();
    press("d");
    settle().await;
    assert_eq!(count(&app, ".sandbox-grid.two-pane"), 1, "d typed in the editor must not toggle the layout");
    press("Escape");
    press("D");
    settle().await;
    assert_eq!(count(&app, ".sandbox-grid.two-pane"), 0, "D again: the standard layout");
    click(&query(&app, ".demo-layout-toggle")).await;
    assert_eq!(count(&app, ".sandbox-grid.two-pane"), 1, "the button toggles it too");
    drop(app);

    let app = mount_link(&DemoLink { layout: Layout::TwoPane, ..DemoLink::sandbox(3, 1, "") }).await;
    assert_eq!(count(&app, ".sandbox-grid.two-pane"), 1, "a two-pane link opens two panes");
}

#[wasm_bindgen_test]
async fn the_push_pane_streams_what_statements_on_the_left_insert() {
    let app = mount_link(&DemoLink { layout: Layout::TwoPane, ..DemoLink::sandbox(4, 1, "") }).await;
    run_in(&app, STATEMENTS, "CREATE STREAM readings (sensor STRING KEY, reading INT) WITH (kafka_topic='readings', value_format='JSON', partitions=1);").await;
    assert!(text(&app, STATEMENTS).contains("Stream created"), "{}", text(&app, STATEMENTS));
    run_in(&app, PUSH, "SELECT * FROM readings EMIT CHANGES;").await;
    assert_eq!(count(&app, &format!("{PUSH} .result-push.running")), 1, "the push query runs in the right pane");
    run_in(&app, STATEMENTS, "INSERT INTO readings (sensor, reading) VALUES ('s-1', 42);").await;
    sleep(300).await;
    let rows = text(&app, &format!("{PUSH} .result-table tbody"));
    assert!(rows.contains("s-1") && rows.contains("42"), "the inserted row arrives on the right: {rows:?}");
    assert_eq!(count(&app, &format!("{STATEMENTS} .result-push")), 0, "the left shows no push query");
    assert_eq!(count(&app, &format!("{PUSH} .entry")), 1);

    // One push query at a time: another replaces it.
    run_in(&app, PUSH, "SELECT sensor FROM readings EMIT CHANGES;").await;
    assert_eq!(count(&app, &format!("{PUSH} .entry")), 1, "the pane keeps one push query");
    run_in(&app, STATEMENTS, "SHOW QUERIES;").await;
    let queries = text(&app, STATEMENTS);
    assert_eq!(queries.matches("PUSH").count(), 1, "the first push query was stopped: {queries}");
}

#[wasm_bindgen_test]
async fn reset_demo_brings_back_the_start() {
    let sql = "SHOW TOPICS;";
    let app = mount_link(&DemoLink::sandbox(5, 1, sql)).await;
    let clock = text(&app, ".virtual-clock");
    let lanes = text(&app, ".log-view");
    click(&query(&app, ".control-play")).await;
    sleep(400).await;
    run_in(&app, ".console-panel", "CREATE STREAM gone (k STRING KEY, v INT) WITH (kafka_topic='gone', value_format='JSON', partitions=1);").await;
    assert_ne!(text(&app, ".virtual-clock"), clock, "time ran");
    assert_eq!(count(&app, ".entry"), 1);

    click(&query(&app, ".demo-reset")).await;
    settle().await;
    assert_eq!(text(&app, ".virtual-clock"), clock, "the clock is back at the start");
    assert!(text(&app, ".control-play").contains("Play"), "paused, as the link opened");
    assert_eq!(count(&app, ".entry"), 0, "the results of the old world are gone");
    assert_eq!(editor(&app, "textarea.editor-input").value(), sql, "the editor holds the demo's SQL again");
    assert_eq!(text(&app, ".log-view"), lanes, "the same records");
    run_in(&app, ".console-panel", "SHOW STREAMS;").await;
    assert!(!text(&app, ".entry").to_lowercase().contains("gone"), "the stream created before the reset is gone");
}
