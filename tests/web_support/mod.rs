//! What the browser component tests share: mounting the app (unmounted on drop, so its frame
//! loop, timers and key listeners stop and the next test runs alone) and small DOM helpers.
//! Each `tests/web_*.rs` file includes it with `mod web_support;` and uses what it needs.
#![allow(dead_code)]

use std::time::Duration;
use streamlab::ui::App;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

pub fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

pub async fn sleep(ms: u64) {
    yew::platform::time::sleep(Duration::from_millis(ms)).await;
}

/// Long enough for a render and the effects it schedules.
pub async fn settle() {
    sleep(80).await;
}

/// A mounted app; dropping it unmounts it, then runs its `teardown`.
pub struct Mounted {
    pub root: Element,
    handle: Option<yew::AppHandle<App>>,
    /// Undoes what the test changed outside its container (the fragment, classes on `<html>`).
    teardown: Option<fn()>,
}

impl std::ops::Deref for Mounted {
    type Target = Element;
    fn deref(&self) -> &Element {
        &self.root
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
        if let Some(teardown) = self.teardown.take() {
            teardown();
        }
    }
}

/// The test runner's page carries a fragment of its own (`#wbg_style=...`), which the app would
/// rightly refuse as a demo link, with a notice: tests start from a page without one.
pub fn clear_fragment() {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let path = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

/// Mounts a fresh App in its own container, on its start page.
pub async fn mount_app() -> Mounted {
    mount_app_with("", None).await
}

/// Mounts a fresh App in its own container, opened with `fragment` in the address (without
/// `#`; empty: none, the start page). `teardown` runs after the app is unmounted.
pub async fn mount_app_with(fragment: &str, teardown: Option<fn()>) -> Mounted {
    clear_fragment();
    if !fragment.is_empty() {
        let history = web_sys::window().expect("window").history().expect("history");
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{fragment}"))).expect("replaceState");
    }
    let container = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&container).expect("append");
    let handle = yew::Renderer::<App>::with_root(container.clone()).render();
    settle().await;
    Mounted { root: container, handle: Some(handle), teardown }
}

/// Mounts a fresh App and opens the sandbox.
pub async fn mount_sandbox() -> Mounted {
    let mounted = mount_app().await;
    click(&query(&mounted, ".sandbox-entry button")).await;
    mounted
}

pub fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

pub fn query(root: &Element, selector: &str) -> Element {
    find(root, selector).unwrap_or_else(|| panic!("no element matches {selector}"))
}

pub fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).map(|list| list.length()).unwrap_or(0)
}

pub fn text(root: &Element, selector: &str) -> String {
    query(root, selector).text_content().unwrap_or_default()
}

pub async fn click(element: &Element) {
    element.dyn_ref::<HtmlElement>().expect("an HTML element").click();
    settle().await;
}
