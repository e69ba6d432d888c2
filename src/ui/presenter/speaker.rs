//! The speaker view (`?speaker`, opened with P): a second window showing the current and next
//! step, the speaker notes, the elapsed time and the clock. Its keys and buttons drive the
//! audience window over the BroadcastChannel, so the room follows the speaker.

use super::channel::Channel;
use crate::lessons::render_markdown;
use crate::share::keys::{key_to_command, Command, Modifiers};
use crate::share::speaker::{format_elapsed, DeckState, SpeakerMessage};
use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// Mounts the speaker view instead of the app.
pub fn start() {
    super::super::panic_panel::install();
    yew::Renderer::<SpeakerView>::new().render();
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn clock_text() -> String {
    let date = js_sys::Date::new_0();
    format!("{:02}:{:02}:{:02}", date.get_hours(), date.get_minutes(), date.get_seconds())
}

#[function_component(SpeakerView)]
pub fn speaker_view() -> Html {
    let deck = use_state(|| None::<DeckState>);
    let started = use_state(now_ms);
    let redraw = use_force_update();
    let channel = use_mut_ref(|| None::<Channel>);

    {
        let deck = deck.clone();
        let channel = channel.clone();
        let redraw = redraw.clone();
        use_effect_with((), move |_| {
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                document.set_title("streamlab — speaker view");
                if let Some(root) = document.document_element() {
                    let _ = root.class_list().add_1("speaker-window");
                }
            }
            *channel.borrow_mut() = Channel::open(move |message| {
                if let SpeakerMessage::State { state } = message {
                    deck.set(Some(state));
                }
            });
            if let Some(channel) = channel.borrow().as_ref() {
                channel.send(&SpeakerMessage::Hello);
            }
            // Elapsed time and the clock move every second.
            let tick = Interval::new(1000, move || redraw.force_update());
            let send_channel = channel.clone();
            let keys = web_sys::window().and_then(|w| w.document()).map(|document| {
                EventListener::new(&document, "keydown", move |event| {
                    let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
                    let modifiers = Modifiers { ctrl: event.ctrl_key(), alt: event.alt_key(), meta: event.meta_key(), shift: event.shift_key() };
                    match key_to_command(&event.key(), modifiers, false) {
                        Some(Command::OpenSpeakerView | Command::TogglePresenterMode | Command::Escape) | None => {}
                        Some(command) => {
                            if let Some(channel) = send_channel.borrow().as_ref() {
                                channel.send(&SpeakerMessage::Command { command });
                            }
                        }
                    }
                })
            });
            move || {
                drop(tick);
                drop(keys);
                channel.borrow_mut().take();
            }
        });
    }

    let send: Rc<dyn Fn(Command) -> Callback<MouseEvent>> = {
        let channel = channel.clone();
        Rc::new(move |command: Command| {
            let channel = channel.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(channel) = channel.borrow().as_ref() {
                    channel.send(&SpeakerMessage::Command { command });
                }
            })
        })
    };
    let reset_timer = {
        let started = started.clone();
        Callback::from(move |_: MouseEvent| started.set(now_ms()))
    };
    let elapsed = format_elapsed(now_ms() - *started);

    let body = match &*deck {
        None => html! {
            <p class="speaker-waiting">{ "Waiting for the presentation window… (open streamlab in another window, then press P there)" }</p>
        },
        Some(state) => {
            let position = match state.step {
                Some(step) => format!("Step {} of {}", step + 1, state.n_steps),
                None => format!("{} step(s)", state.n_steps),
            };
            // Notes are rendered here from Markdown by the lessons' safe renderer (raw HTML
            // becomes text), whatever arrives on the channel.
            let notes = Html::from_html_unchecked(AttrValue::from(render_markdown(&state.notes_markdown)));
            html! {
                <>
                    <p class="speaker-deck-title">{ &state.title }
                        if state.blackout { <span class="speaker-flag">{ " · blacked out" }</span> }
                        if state.presenting { <span class="speaker-flag">{ " · presenting" }</span> }
                    </p>
                    <section class="speaker-current" aria-label="Current step">
                        <p class="speaker-position">{ position }</p>
                        <h1 class="speaker-current-title">{ &state.current_title }</h1>
                    </section>
                    <section class="speaker-next" aria-label="Next step">
                        <h2>{ "Next" }</h2>
                        <p class="speaker-next-title">{ state.next_title.clone().unwrap_or_else(|| "— end —".into()) }</p>
                    </section>
                    <section class="speaker-notes" aria-label="Speaker notes">
                        <h2>{ "Notes" }</h2>
                        <div class="speaker-notes-body">{ notes }</div>
                    </section>
                </>
            }
        }
    };

    html! {
        <div class="speaker-view">
            <header class="speaker-bar">
                <span class="brand-name">{ "streamlab · speaker view" }</span>
                <span class="speaker-elapsed" title="Elapsed since this window opened">{ elapsed }</span>
                <button class="link" onclick={reset_timer}>{ "Reset timer" }</button>
                <span class="speaker-clock" title="Clock">{ clock_text() }</span>
            </header>
            <main class="speaker-main">{ body }</main>
            <footer class="speaker-controls" role="toolbar" aria-label="Drive the presentation">
                <button class="speaker-prev" onclick={send(Command::Previous)}>{ "← Previous" }</button>
                <button class="primary speaker-next-button" onclick={send(Command::Next)}>{ "Next →" }</button>
                <button class="speaker-type" onclick={send(Command::TypeSql)}>{ "Type SQL (T)" }</button>
                <button class="speaker-blackout" onclick={send(Command::ToggleBlackout)}>{ "Blackout (B)" }</button>
                <button class="speaker-layout" onclick={send(Command::ToggleDemoLayout)}>{ "Demo layout (D)" }</button>
                <span class="muted">{ "Keys here drive the audience window: → ← Home End T B D + −" }</span>
            </footer>
        </div>
    }
}
