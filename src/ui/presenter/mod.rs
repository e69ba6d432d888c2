//! Presenter mode: one keydown dispatcher for the whole page, the projector theme, type size,
//! the shortcut overlay, blackout, full screen, scripted typing and the speaker view's channel.
//!
//! The mapping from keys to commands is pure and tested natively (`share::keys`); this module
//! only reads the event, asks the mapping, and carries the command out.
//!
//! **Who handles navigation (→ ← Home End, T):** the screen that shows steps registers itself as
//! the [`Host`] ([`set_host`] on every step change, [`clear_host`] when it goes away) — the
//! lesson screen does. With no host, the sandbox's [`DemoDeck`] is the host: its steps are the
//! statements of the demo script, typed into the console one by one.

mod channel;
pub mod speaker;
pub mod typing;

use super::app::{Action, Screen};
use crate::share::deck::DemoDeck;
use crate::share::keys::{key_to_command, Command, Effect, Modifiers, PresenterState, SHORTCUTS};
use crate::share::speaker::{DeckState, SpeakerMessage, SPEAKER_QUERY};
use channel::Channel;
use gloo::events::{EventListener, EventListenerOptions};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// A screen with steps: what the speaker view shows and who carries out navigation.
#[derive(Clone)]
pub struct Host {
    pub state: DeckState,
    /// Receives Next, Previous, First, Last and TypeSql.
    pub on_command: Callback<Command>,
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
    /// The sandbox's demo script (used when no host is registered).
    static DEMO: RefCell<DemoDeck> = RefCell::new(DemoDeck::default());
    /// Called when the host or the demo deck changed, to tell the speaker view.
    static ANNOUNCE: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
    /// What D does: the sandbox registers its demo-layout toggle while it is on screen.
    static LAYOUT_TOGGLE: RefCell<Option<Callback<()>>> = const { RefCell::new(None) };
}

/// The sandbox's demo layout toggle, for D (and the speaker view's D).
pub fn set_layout_toggle(toggle: Callback<()>) {
    LAYOUT_TOGGLE.with(|t| *t.borrow_mut() = Some(toggle));
}

/// The sandbox went away: forget its toggle, unless a newer sandbox registered its own since.
pub fn clear_layout_toggle(toggle: &Callback<()>) {
    LAYOUT_TOGGLE.with(|t| {
        let mut current = t.borrow_mut();
        if current.as_ref() == Some(toggle) {
            *current = None;
        }
    });
}

/// A screen with steps takes over navigation; call again whenever its step changes.
pub fn set_host(host: Host) {
    HOST.with(|h| *h.borrow_mut() = Some(host));
    announce();
}

pub fn clear_host() {
    HOST.with(|h| h.borrow_mut().take());
    announce();
}

/// The sandbox's demo script: a deep link's SQL, typed statement by statement with →.
pub fn set_demo_script(sql: &str) {
    DEMO.with(|d| *d.borrow_mut() = DemoDeck::from_sql(sql));
    announce();
}

fn announce() {
    if let Some(announce) = ANNOUNCE.with(|a| a.borrow().clone()) {
        announce();
    }
}

fn deck_state(presenter: &PresenterState) -> DeckState {
    let mut state = HOST.with(|h| h.borrow().as_ref().map(|host| host.state.clone())).unwrap_or_else(|| DEMO.with(|d| d.borrow().state()));
    state.presenting = presenter.presenting;
    state.blackout = presenter.blackout;
    state
}

/// Carries out a navigation or typing command: on the host if there is one, else on the demo.
fn forward(command: Command, dispatch: &Callback<Action>) {
    if command == Command::GoToLesson {
        dispatch.emit(Action::Open(Screen::Home));
        return;
    }
    if command == Command::OpenSpeakerView {
        open_speaker_window();
        return;
    }
    if command == Command::ToggleDemoLayout {
        // Only the sandbox has a demo layout; elsewhere D does nothing.
        if let Some(toggle) = LAYOUT_TOGGLE.with(|t| t.borrow().clone()) {
            toggle.emit(());
        }
        return;
    }
    if let Some(host) = HOST.with(|h| h.borrow().clone()) {
        host.on_command.emit(command);
        return;
    }
    if !typing::has_console() {
        return;
    }
    let to_type = DEMO.with(|d| {
        let mut deck = d.borrow_mut();
        if deck.is_empty() || (deck.position >= deck.statements.len() && command == Command::TypeSql) {
            // No script yet (or it is done): the editor's text becomes the script.
            *deck = DemoDeck::from_sql(&typing::console_text().unwrap_or_default());
        }
        match command {
            Command::Next | Command::TypeSql => deck.take_next(),
            Command::Previous => {
                deck.previous();
                None
            }
            Command::First => {
                deck.first();
                None
            }
            Command::Last => {
                deck.last();
                None
            }
            _ => None,
        }
    });
    if let Some(sql) = to_type {
        typing::type_and_run(&sql);
    }
    announce();
}

fn open_speaker_window() {
    if let Some(window) = web_sys::window() {
        // Relative: the same page under whatever path it is served from.
        let _ = window.open_with_url_and_target_and_features(&format!("?{SPEAKER_QUERY}"), "streamlab-speaker", "width=1100,height=760");
    }
}

/// Is there something to navigate: a screen with steps, a demo script, or presenter mode?
fn navigation_active(presenter: &PresenterState) -> bool {
    presenter.presenting || HOST.with(|h| h.borrow().is_some()) || DEMO.with(|d| !d.borrow().is_empty())
}

/// Is a button or link focused (Space and Enter activate it)?
fn focus_on_button() -> bool {
    let Some(active) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element()) else { return false };
    matches!(active.tag_name().to_ascii_uppercase().as_str(), "BUTTON" | "A" | "SUMMARY")
}

/// Is focus in something that takes typing (the SQL editor, a form field)?
fn focus_in_editor() -> bool {
    let Some(active) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element()) else { return false };
    let tag = active.tag_name().to_ascii_uppercase();
    matches!(tag.as_str(), "TEXTAREA" | "INPUT" | "SELECT") || active.dyn_ref::<HtmlElement>().is_some_and(|e| e.is_content_editable())
}

fn blur_focused() {
    if let Some(active) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element()) {
        if let Some(element) = active.dyn_ref::<HtmlElement>() {
            let _ = element.blur();
        }
    }
}

/// Mirrors presenter mode and type size on `<html>` (class `projector`, `--type-scale`).
fn apply_to_document(state: &PresenterState) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let _ = root.class_list().toggle_with_force("projector", state.presenting);
    if let Some(root) = root.dyn_ref::<HtmlElement>() {
        let style = root.style();
        let scale = state.type_scale();
        if (scale - 1.0).abs() < f64::EPSILON {
            let _ = style.remove_property("--type-scale");
        } else {
            let _ = style.set_property("--type-scale", &format!("{scale}"));
        }
    }
}

fn set_fullscreen(on: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if on {
        if let Some(root) = document.document_element() {
            // Refused without a user gesture (a key from the speaker window) or in some embeds:
            // the projector theme still applies, and the refusal is not an error to report.
            let request = js_sys::Reflect::get(&root, &"requestFullscreen".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
            if let Some(promise) = request.and_then(|f| f.call0(&root).ok()).and_then(|p| p.dyn_into::<js_sys::Promise>().ok()) {
                let ignore = wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(|_| {});
                let _ = promise.catch(&ignore);
                // One small closure per request, kept for the promise (it settles once).
                ignore.forget();
            }
        }
    } else if document.fullscreen_element().is_some() {
        document.exit_fullscreen();
    }
}

#[derive(Properties, PartialEq)]
pub struct PresenterLayerProps {
    pub dispatch: Callback<Action>,
}

/// Mounted once by the app: listens to keys and to the speaker view, and draws the overlays.
#[function_component(PresenterLayer)]
pub fn presenter_layer(props: &PresenterLayerProps) -> Html {
    let state = use_mut_ref(PresenterState::default);
    let redraw = use_force_update();
    let channel = use_mut_ref(|| None::<Channel>);

    // One command path for keys, buttons and the speaker window.
    let run: Rc<dyn Fn(Command, bool)> = {
        let state = state.clone();
        let redraw = redraw.clone();
        let dispatch = props.dispatch.clone();
        let channel = channel.clone();
        Rc::new(move |command: Command, in_editor: bool| {
            let effect = state.borrow_mut().apply(command, in_editor);
            match effect {
                Effect::None => return,
                Effect::Redraw => {}
                Effect::BlurEditor => blur_focused(),
                Effect::EnterFullscreen => set_fullscreen(true),
                Effect::ExitFullscreen => set_fullscreen(false),
                Effect::Forward(command) => forward(command, &dispatch),
            }
            let snapshot = *state.borrow();
            apply_to_document(&snapshot);
            if let Some(channel) = channel.borrow().as_ref() {
                channel.send(&SpeakerMessage::State { state: deck_state(&snapshot) });
            }
            redraw.force_update();
        })
    };

    {
        let run = run.clone();
        let state = state.clone();
        let channel = channel.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let keys = document.map(|document| {
                let run = run.clone();
                let state = state.clone();
                // Bubbling phase: the editor's own handlers (completions' Esc) run first and
                // mark what they used with preventDefault.
                EventListener::new_with_options(&document, "keydown", EventListenerOptions::enable_prevent_default(), move |event| {
                    let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
                    if event.default_prevented() || event.is_composing() {
                        return;
                    }
                    let modifiers = Modifiers { ctrl: event.ctrl_key(), alt: event.alt_key(), meta: event.meta_key(), shift: event.shift_key() };
                    let in_editor = focus_in_editor();
                    let key = event.key();
                    if state.borrow().blackout && !matches!(key.as_str(), "Shift" | "Control" | "Alt" | "Meta") {
                        // Any key lifts the blackout, and does nothing else.
                        event.prevent_default();
                        run(Command::ToggleBlackout, in_editor);
                        return;
                    }
                    let Some(command) = key_to_command(&key, modifiers, in_editor) else { return };
                    if command.is_navigation() && (!navigation_active(&state.borrow()) || (key == " " && focus_on_button())) {
                        return;
                    }
                    // Space and arrows would scroll the page; Esc is handled here.
                    event.prevent_default();
                    run(command, in_editor);
                })
            });
            let opened = Channel::open({
                let run = run.clone();
                let state = state.clone();
                let channel = channel.clone();
                move |message| match message {
                    SpeakerMessage::Hello => {
                        if let Some(channel) = channel.borrow().as_ref() {
                            channel.send(&SpeakerMessage::State { state: deck_state(&state.borrow()) });
                        }
                    }
                    SpeakerMessage::Command { command } if command != Command::OpenSpeakerView => run(command, false),
                    _ => {}
                }
            });
            *channel.borrow_mut() = opened;
            let announce_state = state.clone();
            let announce_channel = channel.clone();
            ANNOUNCE.with(|a| {
                *a.borrow_mut() = Some(Rc::new(move || {
                    if let Some(channel) = announce_channel.borrow().as_ref() {
                        channel.send(&SpeakerMessage::State { state: deck_state(&announce_state.borrow()) });
                    }
                }))
            });
            move || {
                drop(keys);
                ANNOUNCE.with(|a| a.borrow_mut().take());
                channel.borrow_mut().take();
            }
        });
    }

    let snapshot = *state.borrow();
    let close_help = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run(Command::ToggleHelp, false))
    };
    let lift_blackout = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run(Command::ToggleBlackout, false))
    };
    html! {
        <>
            if snapshot.help {
                <div class="presenter-help-backdrop" onclick={close_help.clone()}>
                    <section class="presenter-help" role="dialog" aria-modal="true" aria-labelledby="presenter-help-title"
                             onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                        <h2 id="presenter-help-title">{ "Keyboard shortcuts" }</h2>
                        <table class="shortcut-table">
                            <tbody>
                                { for SHORTCUTS.iter().map(|(keys, what, _, _)| html! {
                                    <tr><th scope="row"><kbd>{ *keys }</kbd></th><td>{ *what }</td></tr>
                                }) }
                            </tbody>
                        </table>
                        <p class="muted">{ "Keys go to the SQL editor while it has focus; Esc hands them back." }</p>
                        <button class="primary" onclick={close_help}>{ "Close" }</button>
                    </section>
                </div>
            }
            if snapshot.blackout {
                <div class="presenter-blackout" role="presentation" aria-label="Blackout: press any key" onclick={lift_blackout}></div>
            }
        </>
    }
}

/// The header's "Present" button: the same as pressing F.
#[function_component(PresentButton)]
pub fn present_button() -> Html {
    let onclick = Callback::from(|_: MouseEvent| {
        // Through the keyboard path, so the state machine stays in one place.
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let init = web_sys::KeyboardEventInit::new();
            init.set_key("f");
            init.set_bubbles(true);
            if let Ok(event) = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init) {
                let _ = document.dispatch_event(&event);
            }
        }
    });
    html! {
        <button class="header-button present-button" {onclick} title="Presenter mode: full screen, projector theme (F); ? lists the keys">
            { "▶ Present" }
        </button>
    }
}
