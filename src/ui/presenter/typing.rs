//! Scripted typing in the browser: follows `share::typing::typing_plan` with a chain of
//! timeouts, writing into the SQL console's textarea as the learner's own typing would (an
//! `input` event per frame, so the console's state and highlighting follow), then clicks Run.
//!
//! The console keeps its text in its own state; these functions go through the DOM on purpose,
//! so any screen with the console (sandbox, lesson) gets scripted typing without new props.

use crate::share::typing::{typing_plan, PAUSE_BEFORE_RUN_MS};
use gloo::timers::callback::Timeout;
use std::cell::Cell;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventInit, HtmlElement, HtmlTextAreaElement};

const EDITOR_SELECTOR: &str = "textarea.editor-input";
const RUN_SELECTOR: &str = ".console button.run";

thread_local! {
    /// Bumped by every new typing: a scheduled frame of an older one finds a newer number and
    /// stops (timeouts are forgotten, never dropped while they run).
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    static TYPING: Cell<bool> = const { Cell::new(false) };
}

fn editor() -> Option<HtmlTextAreaElement> {
    web_sys::window()?.document()?.query_selector(EDITOR_SELECTOR).ok()??.dyn_into().ok()
}

/// Is there a console to type into?
pub fn has_console() -> bool {
    editor().is_some()
}

/// The console's current text.
pub fn console_text() -> Option<String> {
    editor().map(|e| e.value())
}

/// Replaces the console's text at once (a deep link's SQL).
pub fn set_console_text(text: &str) -> bool {
    let Some(editor) = editor() else { return false };
    write(&editor, text);
    true
}

fn write(editor: &HtmlTextAreaElement, text: &str) {
    editor.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    if let Ok(event) = Event::new_with_event_init_dict("input", &init) {
        let _ = editor.dispatch_event(&event);
    }
}

fn click_run() {
    let button = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(RUN_SELECTOR).ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(button) = button {
        button.click();
    }
}

pub fn is_typing() -> bool {
    TYPING.with(Cell::get)
}

/// Types `sql` into the console at a readable pace, then runs it. Returns false when no console
/// is on screen. A new call cancels typing in progress.
pub fn type_and_run(sql: &str) -> bool {
    let Some(editor) = editor() else { return false };
    let _ = editor.focus();
    write(&editor, "");
    let generation = GENERATION.with(|g| {
        g.set(g.get().wrapping_add(1));
        g.get()
    });
    TYPING.with(|t| t.set(true));
    schedule(editor, sql.to_string(), typing_plan(sql), 0, generation);
    true
}

fn schedule(editor: HtmlTextAreaElement, text: String, frames: Vec<crate::share::typing::TypingFrame>, index: usize, generation: u64) {
    let (delay, is_done) = match frames.get(index) {
        Some(frame) => (frame.delay_ms, false),
        None => (PAUSE_BEFORE_RUN_MS, true),
    };
    Timeout::new(delay, move || {
        if GENERATION.with(Cell::get) != generation {
            return;
        }
        if is_done {
            TYPING.with(|t| t.set(false));
            // Navigation keys work again once the statement has run.
            let _ = editor.blur();
            click_run();
            return;
        }
        if let Some(shown) = frames.get(index).and_then(|f| text.get(..f.end)) {
            write(&editor, shown);
        }
        schedule(editor, text, frames, index + 1, generation);
    })
    .forget();
}
