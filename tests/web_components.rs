//! Component tests: mount the app in headless Chromium and assert on the DOM.
//! Run with `make test-web` (wasm-bindgen-test-runner + ChromeDriver).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use streamlab::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// Mounts a fresh App in its own container and waits for Yew's asynchronous render.
async fn mount_app() -> Element {
    let container = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&container).expect("append");
    yew::Renderer::<App>::with_root(container.clone()).render();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    container
}

fn query(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).ok().flatten().unwrap_or_else(|| panic!("no element matches {selector}"))
}

async fn click(element: &Element) {
    element.dyn_ref::<HtmlElement>().expect("an HTML element").click();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
}

#[wasm_bindgen_test]
async fn first_screen_shows_product_lessons_and_sandbox_entry() {
    let root = mount_app().await;
    assert_eq!(query(&root, ".brand-name").text_content().as_deref(), Some("streamlab"));
    assert!(query(&root, "#lessons-title").text_content().unwrap_or_default().contains("Lessons"));
    assert!(query(&root, ".sandbox-entry button").text_content().unwrap_or_default().contains("sandbox"));
}

#[wasm_bindgen_test]
async fn sandbox_entry_opens_the_sandbox_and_brand_returns_home() {
    let root = mount_app().await;
    click(&query(&root, ".sandbox-entry button")).await;
    assert!(root.query_selector(".sandbox").ok().flatten().is_some(), "sandbox screen is shown");
    assert!(root.query_selector(".home").ok().flatten().is_none(), "home screen is gone");
    click(&query(&root, ".brand")).await;
    assert!(root.query_selector(".home").ok().flatten().is_some(), "back on the home screen");
}

#[wasm_bindgen_test]
async fn theme_toggle_switches_and_remembers_the_theme() {
    let root = mount_app().await;
    let html = document().document_element().expect("html element");
    let before = html.get_attribute("data-theme").expect("a theme is applied on mount");
    click(&query(&root, ".theme-toggle")).await;
    let after = html.get_attribute("data-theme").expect("a theme after toggling");
    assert_ne!(before, after);
    let stored = web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("streamlab.theme").unwrap();
    assert_eq!(stored.as_deref(), Some(after.as_str()));
}

#[wasm_bindgen_test]
fn panic_panel_shows_message_as_text_with_a_reload_button() {
    streamlab::ui::panic_panel::show_panel("<img src=x onerror=alert(1)> went wrong");
    let panel = document().get_element_by_id(streamlab::ui::panic_panel::PANEL_ID).expect("panel shown");
    let detail = panel.query_selector("pre").unwrap().unwrap();
    assert!(detail.text_content().unwrap().contains("<img src=x"), "message is shown as text");
    assert!(panel.query_selector("img").unwrap().is_none(), "no markup injected");
    let reload = panel.query_selector("button").unwrap().unwrap();
    assert_eq!(reload.get_attribute("onclick").as_deref(), Some("location.reload()"));
}
