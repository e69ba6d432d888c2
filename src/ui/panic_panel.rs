//! A panic must never leave a dead page in front of an audience. The hook draws a plain-DOM panel
//! (no Yew, no wasm callbacks: the wasm instance may be unusable after a panic) with the message
//! and a reload button, and logs the panic to the console.

use std::panic::PanicHookInfo;

pub const PANEL_ID: &str = "panic-panel";

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = describe(info);
        web_sys::console::error_1(&format!("streamlab crashed: {message}").into());
        show_panel(&message);
    }));
}

fn describe(info: &PanicHookInfo<'_>) -> String {
    let payload = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown error".to_string());
    match info.location() {
        Some(location) => format!("{payload} (at {}:{})", location.file(), location.line()),
        None => payload,
    }
}

/// Builds the panel with DOM calls only; the text goes in as text, never as HTML.
pub fn show_panel(message: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    let Some(body) = document.body() else { return };
    if document.get_element_by_id(PANEL_ID).is_some() {
        return;
    }
    let build = || -> Result<(), wasm_bindgen::JsValue> {
        let panel = document.create_element("div")?;
        panel.set_id(PANEL_ID);
        panel.set_attribute("role", "alertdialog")?;
        panel.set_attribute("class", "panic-panel")?;
        let title = document.create_element("h2")?;
        title.set_text_content(Some("streamlab hit a bug and stopped"));
        let detail = document.create_element("pre")?;
        detail.set_text_content(Some(message));
        let advice = document.create_element("p")?;
        advice.set_text_content(Some("Reloading starts the page afresh. Please report what you were doing."));
        let reload = document.create_element("button")?;
        reload.set_text_content(Some("Reload"));
        // A JS attribute handler, because wasm callbacks may be unusable after the panic.
        reload.set_attribute("onclick", "location.reload()")?;
        for child in [&title, &detail, &advice, &reload] {
            panel.append_child(child)?;
        }
        body.append_child(&panel)?;
        Ok(())
    };
    let _ = build();
}
