//! Deep links in the browser: reading the fragment when the page loads, opening what it names,
//! and "Copy link", which writes the current demo into the fragment and the clipboard.
//!
//! The codec is `share::fragment` (native, tested); this module is the glue. The screen on view
//! registers what a link needs ([`register`]): the sandbox its store and seed, the lesson screen
//! also its lesson id and step.

use super::store::{SandboxStore, StoreHandle};
use crate::share::fragment::{decode, encode, DemoLink, FragmentError};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What the page opens with.
#[derive(Clone, Debug, PartialEq)]
pub enum InitialRoute {
    /// No fragment: the start page.
    Home,
    Link(Rc<DemoLink>),
    /// A fragment that is not a good link: the start page, with this notice.
    BadLink(String),
}

/// Reads `location.hash`.
pub fn initial_route() -> InitialRoute {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    route_for_hash(&hash)
}

pub fn route_for_hash(hash: &str) -> InitialRoute {
    match decode(hash) {
        Ok(link) => InitialRoute::Link(Rc::new(link)),
        Err(FragmentError::Empty) => InitialRoute::Home,
        Err(error) => InitialRoute::BadLink(format!("This link could not be opened: {error}. Here is the start page instead.")),
    }
}

/// What the current screen contributes to a link.
#[derive(Clone)]
pub struct Registered {
    pub store: StoreHandle,
    pub seed: u64,
    /// Lesson id and 0-based step, on the lesson screen.
    pub lesson: Option<(String, u32)>,
}

thread_local! {
    static CURRENT: RefCell<Option<Registered>> = const { RefCell::new(None) };
}

/// The screen on view says what a link to it needs (call again when the step changes).
pub fn register(registered: Registered) {
    CURRENT.with(|c| *c.borrow_mut() = Some(registered));
}

/// The screen went away.
pub fn unregister(store: &StoreHandle) {
    CURRENT.with(|c| {
        let mut current = c.borrow_mut();
        if current.as_ref().is_some_and(|r| r.store == *store) {
            *current = None;
        }
    });
}

pub fn current() -> Option<Registered> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Applies a link to a freshly made sandbox store: its speed, paused (so the demo starts from
/// the same state every time, whenever the speaker presses play) — the seed was used to make
/// the world. The SQL goes into the editor once it is on screen ([`fill_editor`]); the sandbox
/// sets the link's layout.
pub fn apply_to_store(store: &mut SandboxStore, link: &DemoLink) {
    store.speed = f64::from(link.speed);
    store.playing = false;
}

/// Puts the link's SQL in the console and makes it the demo script (→ types it statement by
/// statement).
pub fn fill_editor(link: &DemoLink) {
    if !link.sql.is_empty() {
        super::presenter::typing::set_console_text(&link.sql);
    }
    super::presenter::set_demo_script(&link.sql);
}

/// The link to what is on screen now: seed, speed, the editor's SQL, the lesson and step.
pub fn current_link() -> Option<DemoLink> {
    let registered = current()?;
    let (speed, layout) = {
        let store = registered.store.0.borrow();
        (store.speed.round().clamp(1.0, 1000.0) as u32, store.demo.layout)
    };
    let sql = super::presenter::typing::console_text().unwrap_or_default();
    let (lesson, step) = match registered.lesson {
        Some((id, step)) => (Some(id), Some(step)),
        None => (None, None),
    };
    Some(DemoLink { lesson, step, seed: registered.seed, speed, sql, layout })
}

/// Writes the current demo into the address bar and the clipboard; the message says what
/// happened.
pub fn copy_current_link() -> Result<String, String> {
    let link = current_link().ok_or("Open the sandbox or a lesson first: a link reopens a demo.")?;
    let fragment = encode(&link).map_err(|error| format!("No link: {error}"))?;
    let window = web_sys::window().ok_or("no window")?;
    let history = window.history().map_err(|_| "no history")?;
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{fragment}"))).map_err(|_| "the address bar refused the link")?;
    let url = window.location().href().map_err(|_| "no location")?;
    let _promise = window.navigator().clipboard().write_text(&url);
    Ok(url)
}

/// "Copy link": the address bar then holds the link (also when the clipboard is refused).
#[function_component(CopyLinkButton)]
pub fn copy_link_button() -> Html {
    let message = use_state(|| None::<String>);
    let onclick = {
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            message.set(Some(match copy_current_link() {
                Ok(_) => "Link copied: it reopens this demo with the same seed, speed and SQL.".to_string(),
                Err(error) => error,
            }));
        })
    };
    html! {
        <>
            <button class="header-button copy-link" {onclick} title="Copy a link that reopens this demo exactly">{ "Copy link" }</button>
            if let Some(text) = (*message).clone() {
                <span class="header-status" role="status">{ text }</span>
            }
        </>
    }
}
