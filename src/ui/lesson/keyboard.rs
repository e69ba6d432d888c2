//! The lesson player's keys, listened for on the window. Which key does what, and when a text
//! field keeps its keys, is decided by [`crate::lessons::navigation::nav_key`] (tested natively);
//! this only reads the event and the focused element.

use crate::lessons::navigation::{nav_key, Focus, Modifiers, NavKey};
use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

/// Calls `on_nav` for each navigation key while the returned listener lives. Esc in a text field
/// leaves it (keys return to navigation); a key something else already handled (the editor's
/// completion list closing on Esc) is left alone.
pub fn listen(on_nav: impl Fn(NavKey) + 'static) -> Option<EventListener> {
    let window = web_sys::window()?;
    Some(EventListener::new_with_options(&window, "keydown", EventListenerOptions::enable_prevent_default(), move |event| {
        let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
        if event.default_prevented() || event.is_composing() {
            return;
        }
        let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
        let modifiers = Modifiers { alt: event.alt_key(), ctrl_or_meta: event.ctrl_key() || event.meta_key(), shift: event.shift_key() };
        let Some(nav) = nav_key(&event.key(), modifiers, focus_of(target.as_ref())) else { return };
        event.prevent_default();
        match nav {
            NavKey::Blur => {
                if let Some(element) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                    let _ = element.blur();
                }
            }
            other => on_nav(other),
        }
    }))
}

fn focus_of(element: Option<&Element>) -> Focus {
    let Some(element) = element else { return Focus::Page };
    match element.tag_name().to_ascii_uppercase().as_str() {
        "TEXTAREA" | "SELECT" => Focus::Text,
        "INPUT" => match element.get_attribute("type").unwrap_or_default().to_ascii_lowercase().as_str() {
            "button" | "submit" | "reset" | "checkbox" | "radio" => Focus::Control,
            _ => Focus::Text,
        },
        "BUTTON" | "A" | "SUMMARY" => Focus::Control,
        _ if element.dyn_ref::<HtmlElement>().is_some_and(HtmlElement::is_content_editable) => Focus::Text,
        _ => Focus::Page,
    }
}
