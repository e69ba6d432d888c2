//! Component tests of presenter mode and deep links: mount the app with a fragment, press keys
//! on the document, assert on the DOM. Run with `make test-web`.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use streamlab::share::fragment::{encode, DemoLink};
use streamlab::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(100)).await;
}

fn set_hash(hash: &str) {
    let history = web_sys::window().expect("window").history().expect("history");
    let url = if hash.is_empty() { web_sys::window().unwrap().location().pathname().unwrap() } else { format!("#{hash}") };
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)).expect("replaceState");
}

struct Mounted {
    root: Element,
    handle: Option<yew::AppHandle<App>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
        set_hash("");
        let root = document().document_element().unwrap();
        let _ = root.class_list().remove_1("projector");
    }
}

async fn mount_with_hash(hash: &str) -> Mounted {
    set_hash(hash);
    let container = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&container).expect("append");
    let handle = yew::Renderer::<App>::with_root(container.clone()).render();
    settle().await;
    settle().await;
    Mounted { root: container, handle: Some(handle) }
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
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

#[wasm_bindgen_test]
async fn a_link_opens_the_sandbox_with_its_sql_and_a_bad_one_the_start_page_with_a_notice() {
    let link = DemoLink::sandbox(99, 10, "SHOW TOPICS;\nSHOW STREAMS;");
    let app = mount_with_hash(&encode(&link).unwrap()).await;
    assert!(find(&app.root, ".sandbox").is_some(), "the sandbox opens");
    let editor: HtmlTextAreaElement = find(&app.root, "textarea.editor-input").unwrap().dyn_into().unwrap();
    assert_eq!(editor.value(), "SHOW TOPICS;\nSHOW STREAMS;");
    let active_speed = find(&app.root, ".speed-button.active").unwrap().text_content().unwrap();
    assert_eq!(active_speed, "10×");
    assert!(find(&app.root, ".control-play").unwrap().text_content().unwrap().contains("Play"), "a linked demo starts paused");
    drop(app);

    let app = mount_with_hash("v1/not-a-real-link").await;
    assert!(find(&app.root, ".home").is_some(), "the start page");
    let notice = find(&app.root, ".notice").expect("a notice").text_content().unwrap();
    assert!(notice.contains("could not be opened"), "{notice}");
}

#[wasm_bindgen_test]
async fn keys_toggle_the_overlay_and_blackout_but_not_inside_the_editor() {
    let app = mount_with_hash(&encode(&DemoLink::sandbox(1, 1, "SHOW TOPICS;")).unwrap()).await;
    press("?");
    settle().await;
    assert!(find(&app.root, ".presenter-help").is_some(), "? opens the overlay");
    press("Escape");
    settle().await;
    assert!(find(&app.root, ".presenter-help").is_none(), "Esc closes it");

    press("b");
    settle().await;
    assert!(find(&app.root, ".presenter-blackout").is_some());
    press("x");
    settle().await;
    assert!(find(&app.root, ".presenter-blackout").is_none(), "any key lifts the blackout");

    // In the editor, f is a letter.
    let editor: HtmlElement = find(&app.root, "textarea.editor-input").unwrap().dyn_into().unwrap();
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
