//! Scripted typing in the browser: follows `share::typing::typing_plan` with a chain of
//! timeouts, writing into the SQL console's textarea as the learner's own typing would (an
//! `input` event per frame, so the console's state and highlighting follow), then clicks Run.
//!
//! The console keeps its text in its own state; these functions go through the DOM on purpose,
//! so any screen with the console (sandbox, lesson) gets scripted typing without new props.
//! In the sandbox's two-pane layout, a push query types into the push-query pane and anything
//! else into the statement console (`share::layout::pane_for_sql`).

use crate::share::layout::{pane_for_sql, Pane};
use crate::share::typing::{typing_plan, PAUSE_BEFORE_RUN_MS};
use crate::ui::demo_layout::PUSH_PANE_CLASS;
use gloo::timers::callback::Timeout;
use std::cell::Cell;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventInit, HtmlElement, HtmlTextAreaElement};

const EDITOR_SELECTOR: &str = "textarea.editor-input";
/// The Run button, looked up from the editor's own console.
const CONSOLE_SELECTOR: &str = ".console";
const RUN_SELECTOR: &str = "button.run";

thread_local! {
    /// Bumped by every new typing: a scheduled frame of an older one finds a newer number and
    /// stops (timeouts are forgotten, never dropped while they run).
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    static TYPING: Cell<bool> = const { Cell::new(false) };
}

/// The first editor on the page, or the first inside the element with class `pane`. The
/// statement console comes first in the two-pane layout, so "the first" is where statements go.
fn editor_in(pane: Option<&str>) -> Option<HtmlTextAreaElement> {
    let selector = match pane {
        Some(class) => format!(".{class} {EDITOR_SELECTOR}"),
        None => EDITOR_SELECTOR.to_string(),
    };
    web_sys::window()?.document()?.query_selector(&selector).ok()??.dyn_into().ok()
}

fn editor() -> Option<HtmlTextAreaElement> {
    editor_in(None)
}

/// Is there a console to type into?
pub fn has_console() -> bool {
    editor().is_some()
}

/// The console's current text (the statement console's, in the two-pane layout).
pub fn console_text() -> Option<String> {
    editor().map(|e| e.value())
}

/// Replaces the console's text at once (a deep link's SQL).
pub fn set_console_text(text: &str) -> bool {
    set_pane_text(None, text)
}

/// Replaces the text of the editor in `pane` (a class; `None`: the first editor) at once.
pub fn set_pane_text(pane: Option<&str>, text: &str) -> bool {
    let Some(editor) = editor_in(pane) else { return false };
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

/// Clicks the Run button of the console `editor` belongs to.
fn click_run(editor: &HtmlTextAreaElement) {
    let button = editor
        .closest(CONSOLE_SELECTOR)
        .ok()
        .flatten()
        .and_then(|console| console.query_selector(RUN_SELECTOR).ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(button) = button {
        button.click();
    }
}

pub fn is_typing() -> bool {
    TYPING.with(Cell::get)
}

/// Stops typing in progress (its scheduled frames find a newer generation and do nothing).
pub fn cancel() {
    GENERATION.with(|g| g.set(g.get().wrapping_add(1)));
    TYPING.with(|t| t.set(false));
}

/// Types `sql` into the console at a readable pace, then runs it: into the push-query pane when
/// it is on screen and `sql` is a push query, else into the (statement) console. Returns false
/// when no console is on screen. A new call cancels typing in progress.
pub fn type_and_run(sql: &str) -> bool {
    let push_pane = (pane_for_sql(sql) == Pane::PushQuery).then(|| editor_in(Some(PUSH_PANE_CLASS))).flatten();
    let Some(editor) = push_pane.or_else(editor) else { return false };
    let _ = editor.focus();
    write(&editor, "");
    cancel();
    let generation = GENERATION.with(Cell::get);
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
            click_run(&editor);
            return;
        }
        if let Some(shown) = frames.get(index).and_then(|f| text.get(..f.end)) {
            write(&editor, shown);
        }
        schedule(editor, text, frames, index + 1, generation);
    })
    .forget();
}
