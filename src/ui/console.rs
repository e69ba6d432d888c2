//! The SQL console: a textarea laid over a `<pre>` coloured by the engine's own tokenizer
//! (`sql::parse::highlight`), autocompletion from the catalog (`sql::parse::complete`), history,
//! and the results of every statement. Everything typed or returned is rendered as text.
//!
//! Keys: Ctrl/Cmd-Enter runs; ↑/↓ walk the history when the caret is on the first/last line;
//! with the completion list open, ↑/↓ choose, Tab/Enter accept, Esc closes.

use super::store::{ConsoleEntry, ErrorView, ResultView, SandboxAction};
use crate::sql::parse::complete::{completions, Completion, CompletionContext};
use crate::sql::parse::highlight::{highlight, HighlightClass};
use std::cell::Cell;
use std::rc::Rc;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SqlConsoleProps {
    pub entries: Rc<Vec<Rc<ConsoleEntry>>>,
    pub history: Rc<Vec<String>>,
    pub completion_context: Rc<CompletionContext>,
    pub dispatch: Callback<SandboxAction>,
    /// The editor's accessible name (two consoles side by side need two names).
    #[prop_or(AttrValue::Static("SQL"))]
    pub label: AttrValue,
    /// What the editor holds when it appears.
    #[prop_or(AttrValue::Static(EXAMPLE_SQL))]
    pub initial_text: AttrValue,
    /// What the results area says before anything ran.
    #[prop_or(AttrValue::Static(EMPTY_RESULTS))]
    pub empty_hint: AttrValue,
}

#[derive(Clone, Debug, PartialEq)]
struct Popup {
    /// Byte where the word being completed starts.
    start: usize,
    items: Vec<Completion>,
    selected: usize,
}

thread_local! {
    static CONSOLES_MOUNTED: Cell<u32> = const { Cell::new(0) };
}

/// A number no other console on the page has (consoles mount on the one UI thread).
fn next_console_number() -> u32 {
    CONSOLES_MOUNTED.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    })
}

pub const EXAMPLE_SQL: &str = "-- Ctrl+Enter runs. Try:\nSHOW TOPICS;";
const EMPTY_RESULTS: &str = "Results appear here. Try CREATE STREAM … WITH (kafka_topic='clickstream', value_format='JSON'); then SELECT … EMIT CHANGES;";

#[function_component(SqlConsole)]
pub fn sql_console(props: &SqlConsoleProps) -> Html {
    let text = use_state(|| props.initial_text.to_string());
    let popup = use_state(|| None::<Popup>);
    let history_position = use_mut_ref(|| None::<usize>);
    let pending_caret = use_mut_ref(|| None::<usize>);
    let editor_ref = use_node_ref();
    let results_ref = use_node_ref();
    // Two consoles side by side (presenter's two-pane mode) need two list ids for aria-controls.
    let completions_id = use_memo((), |_| format!("sql-completions-{}", next_console_number()));

    // Put the caret where an accepted completion or a history entry ends.
    {
        let editor_ref = editor_ref.clone();
        let pending_caret = pending_caret.clone();
        use_effect(move || {
            if let (Some(byte), Some(editor)) = (pending_caret.borrow_mut().take(), editor_ref.cast::<HtmlTextAreaElement>()) {
                let position = byte_to_utf16(&editor.value(), byte);
                let _ = editor.set_selection_range(position, position);
            }
        });
    }
    // Keep the newest result in view.
    {
        let results_ref = results_ref.clone();
        use_effect_with(props.entries.clone(), move |_| {
            if let Some(results) = results_ref.cast::<web_sys::Element>() {
                results.set_scroll_top(results.scroll_height());
            }
        });
    }

    let run = {
        let text = text.clone();
        let dispatch = props.dispatch.clone();
        let popup = popup.clone();
        let history_position = history_position.clone();
        Rc::new(move || {
            popup.set(None);
            *history_position.borrow_mut() = None;
            dispatch.emit(SandboxAction::RunSql((*text).clone()));
        })
    };
    let accept = {
        let text = text.clone();
        let popup = popup.clone();
        let pending_caret = pending_caret.clone();
        let editor_ref = editor_ref.clone();
        Rc::new(move |choice: &Popup| {
            let Some(item) = choice.items.get(choice.selected) else { return };
            let caret = editor_ref.cast::<HtmlTextAreaElement>().map_or(text.len(), |e| caret_byte(&e));
            let current = (*text).clone();
            let (Some(before), Some(after)) = (current.get(..choice.start), current.get(caret..)) else { return };
            let new_text = format!("{before}{}{after}", item.label);
            *pending_caret.borrow_mut() = Some(choice.start + item.label.len());
            text.set(new_text);
            popup.set(None);
        })
    };

    let oninput = {
        let text = text.clone();
        let popup = popup.clone();
        let context = props.completion_context.clone();
        Callback::from(move |event: InputEvent| {
            let editor: HtmlTextAreaElement = event.target_unchecked_into();
            let value = editor.value();
            let caret = caret_byte(&editor);
            let (start, items) = completions(&value, caret, &context);
            popup.set((!items.is_empty()).then_some(Popup { start, items, selected: 0 }));
            text.set(value);
        })
    };
    let onkeydown = {
        let text = text.clone();
        let popup = popup.clone();
        let history = props.history.clone();
        let history_position = history_position.clone();
        let pending_caret = pending_caret.clone();
        let run = run.clone();
        let accept = accept.clone();
        Callback::from(move |event: KeyboardEvent| {
            let key = event.key();
            if key == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                run();
                return;
            }
            if let Some(open) = (*popup).clone() {
                let n_items = open.items.len().max(1);
                match key.as_str() {
                    "ArrowDown" | "ArrowUp" => {
                        event.prevent_default();
                        let selected = if key == "ArrowDown" { (open.selected + 1) % n_items } else { (open.selected + n_items - 1) % n_items };
                        popup.set(Some(Popup { selected, ..open }));
                    }
                    "Tab" | "Enter" => {
                        event.prevent_default();
                        accept(&open);
                    }
                    "Escape" => {
                        event.prevent_default();
                        popup.set(None);
                    }
                    _ => {}
                }
                return;
            }
            if key != "ArrowUp" && key != "ArrowDown" || history.is_empty() {
                return;
            }
            let editor: HtmlTextAreaElement = event.target_unchecked_into();
            let value = editor.value();
            let caret = caret_byte(&editor);
            let on_first_line = !value.get(..caret).unwrap_or("").contains('\n');
            let on_last_line = !value.get(caret..).unwrap_or("").contains('\n');
            let mut position = history_position.borrow_mut();
            let next = match (key.as_str(), *position) {
                ("ArrowUp", _) if !on_first_line => return,
                ("ArrowDown", _) if !on_last_line => return,
                ("ArrowUp", None) => Some(history.len() - 1),
                ("ArrowUp", Some(p)) => Some(p.saturating_sub(1)),
                ("ArrowDown", Some(p)) if p + 1 < history.len() => Some(p + 1),
                ("ArrowDown", _) => None,
                _ => return,
            };
            event.prevent_default();
            *position = next;
            let new_text = next.and_then(|p| history.get(p).cloned()).unwrap_or_default();
            *pending_caret.borrow_mut() = Some(new_text.len());
            text.set(new_text);
        })
    };
    let onblur = {
        let popup = popup.clone();
        Callback::from(move |_: FocusEvent| popup.set(None))
    };
    let onclick_run = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run())
    };
    let clear = props.dispatch.reform(|_: MouseEvent| SandboxAction::ClearConsole);

    // The error of the last run marks its position while the text is unchanged.
    let error_at = props
        .entries
        .last()
        .filter(|entry| entry.sql == *text)
        .and_then(|entry| entry.error.as_ref())
        .and_then(|error| error.line_column)
        .and_then(|(line, column)| byte_of(&text, line, column));
    let caret_line_column = editor_ref.cast::<HtmlTextAreaElement>().map(|e| line_column_of(&text, caret_byte(&e)));
    let n_lines = text.lines().count().max(1) + usize::from(text.ends_with('\n'));

    html! {
        <div class="console">
            <div class="editor-wrap">
                <div class="editor" style={format!("--editor-lines: {}", n_lines.clamp(3, 12))}>
                  <div class="editor-layers">
                    <pre class="editor-highlight" aria-hidden="true">{ highlighted(&text, error_at) }</pre>
                    <textarea ref={editor_ref} class="editor-input" aria-label={props.label.clone()} spellcheck="false"
                              autocapitalize="off" autocomplete="off" wrap="soft"
                              aria-autocomplete="list" aria-controls={(*completions_id).clone()}
                              aria-expanded={popup.is_some().to_string()}
                              value={(*text).clone()} {oninput} {onkeydown} {onblur} />
                  </div>
                </div>
                    if let Some(open) = (*popup).clone() {
                        <ul id={(*completions_id).clone()} class="completions" role="listbox" aria-label="Completions"
                            style={caret_line_column.map(|(line, column)| format!("--caret-line: {line}; --caret-column: {}", column.min(60))).unwrap_or_default()}>
                            { for open.items.iter().enumerate().map(|(index, item)| {
                                let choose = {
                                    let accept = accept.clone();
                                    let open = open.clone();
                                    Callback::from(move |event: MouseEvent| {
                                        event.prevent_default();
                                        accept(&Popup { selected: index, ..open.clone() });
                                    })
                                };
                                html! {
                                    <li role="option" aria-selected={(index == open.selected).to_string()}
                                        class={classes!("completion", (index == open.selected).then_some("selected"))}
                                        onmousedown={choose}>
                                        <span class="completion-label">{ &item.label }</span>
                                        <span class={classes!("completion-kind", item.kind.name())}>{ &item.detail }</span>
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                <div class="editor-actions">
                    <button class="primary run" onclick={onclick_run} aria-label="Run" title="Run (Ctrl+Enter)">{ "▶ Run" }</button>
                    <span class="muted hint">{ "Ctrl+Enter runs · ↑↓ history · Tab completes" }</span>
                    <button class="link clear" onclick={clear}>{ "Clear results" }</button>
                </div>
            </div>
            <div class="results" ref={results_ref} aria-live="polite" aria-label="Results">
                if props.entries.is_empty() {
                    <p class="muted results-empty">{ props.empty_hint.clone() }</p>
                }
                { for props.entries.iter().map(|entry| html! {
                    <Entry key={entry.id} entry={entry.clone()} dispatch={props.dispatch.clone()} />
                }) }
            </div>
        </div>
    }
}

/// The text as coloured spans; the character at `error_at` (or a space at the end) is marked.
fn highlighted(text: &str, error_at: Option<usize>) -> Html {
    let mut pieces: Vec<Html> = Vec::new();
    for span in highlight(text) {
        let class = format!("tok-{}", span.class.name());
        let piece = text.get(span.start..span.end).unwrap_or("");
        match error_at.filter(|at| (span.start..span.end).contains(at)) {
            Some(at) => {
                let at_end = text.get(at..).and_then(|rest| rest.chars().next()).map_or(at, |ch| at + ch.len_utf8()).min(span.end);
                pieces.push(html! { <span class={class.clone()}>{ text.get(span.start..at).unwrap_or("") }</span> });
                pieces.push(html! { <mark class={classes!(class.clone(), "error-at")}>{ text.get(at..at_end).unwrap_or("") }</mark> });
                pieces.push(html! { <span class={class}>{ text.get(at_end..span.end).unwrap_or("") }</span> });
            }
            None if span.class == HighlightClass::Whitespace => pieces.push(html! { { piece } }),
            None => pieces.push(html! { <span class={class}>{ piece }</span> }),
        }
    }
    if error_at == Some(text.len()) {
        pieces.push(html! { <mark class="error-at">{ " " }</mark> });
    }
    // A trailing newline needs a character after it, or the pre is one line short of the textarea.
    pieces.push(html! { { "\n" } });
    pieces.into_iter().collect::<Html>()
}

#[derive(Properties, PartialEq)]
struct EntryProps {
    entry: Rc<ConsoleEntry>,
    dispatch: Callback<SandboxAction>,
}

#[function_component(Entry)]
fn entry(props: &EntryProps) -> Html {
    let entry = &props.entry;
    html! {
        <div class="entry">
            if !entry.sql.is_empty() {
                <pre class="entry-sql">{ &entry.sql }</pre>
            }
            { for entry.results.iter().map(|result| result_html(entry.id, result, &props.dispatch)) }
            if let Some(error) = &entry.error {
                { error_html(error) }
            }
        </div>
    }
}

fn error_html(error: &ErrorView) -> Html {
    html! {
        <div class="sql-error" role="alert">
            <div class="sql-error-message">
                if let Some((line, column)) = error.line_column {
                    <span class="sql-error-at">{ format!("Line {line}, column {column}: ") }</span>
                }
                { &error.message }
            </div>
            if let Some(hint) = &error.hint {
                <div class="sql-error-hint">{ format!("Hint: {hint}") }</div>
            }
        </div>
    }
}

fn result_html(entry_id: u64, result: &ResultView, dispatch: &Callback<SandboxAction>) -> Html {
    match result {
        ResultView::Ack(message) => html! { <div class="result-ack">{ format!("✓ {message}") }</div> },
        ResultView::Lines(lines) => html! { <pre class="result-lines">{ lines.join("\n") }</pre> },
        ResultView::Table { columns, rows } => html! {
            <div class="result-table-wrap">
                { table(columns, rows) }
                <div class="result-count muted">{ format!("{} row{}", rows.len(), if rows.len() == 1 { "" } else { "s" }) }</div>
            </div>
        },
        ResultView::Push { columns, rows, n_rows, paused, running, .. } => {
            let pause = dispatch.reform(move |_: MouseEvent| SandboxAction::PausePush(entry_id));
            let stop = dispatch.reform(move |_: MouseEvent| SandboxAction::StopPush(entry_id));
            let status = match (running, paused) {
                (false, _) => "ended",
                (true, true) => "paused",
                (true, false) => "streaming",
            };
            html! {
                <div class={classes!("result-push", running.then_some("running"))}>
                    <div class="push-head">
                        <span class={classes!("push-status", status)}>{ format!("● Push query {status} · {n_rows} row{}", if *n_rows == 1 { "" } else { "s" }) }</span>
                        if *running {
                            <button class="push-pause" onclick={pause}>{ if *paused { "▶ Resume" } else { "❚❚ Pause" } }</button>
                            <button class="push-stop" onclick={stop}>{ "■ Stop" }</button>
                        }
                    </div>
                    { table(columns, rows) }
                </div>
            }
        }
    }
}

fn table(columns: &[String], rows: &[Vec<String>]) -> Html {
    html! {
        <table class="result-table">
            <thead><tr>{ for columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }</tr></thead>
            <tbody>
                { for rows.iter().map(|row| html! { <tr>{ for row.iter().map(|cell| html! { <td>{ cell }</td> }) }</tr> }) }
            </tbody>
        </table>
    }
}

/// The caret as a byte offset (the DOM counts UTF-16 code units).
fn caret_byte(editor: &HtmlTextAreaElement) -> usize {
    let value = editor.value();
    let position = editor.selection_start().ok().flatten().unwrap_or(0) as usize;
    utf16_to_byte(&value, position)
}

fn utf16_to_byte(text: &str, utf16_position: usize) -> usize {
    let counted = Cell::new(0usize);
    text.char_indices()
        .find(|(_, ch)| {
            let before = counted.get();
            counted.set(before + ch.len_utf16());
            before >= utf16_position
        })
        .map_or(text.len(), |(byte_idx, _)| byte_idx)
}

fn byte_to_utf16(text: &str, byte: usize) -> u32 {
    text.get(..byte).unwrap_or(text).encode_utf16().count() as u32
}

/// The byte of a 1-based line and column (columns count chars, as the engine reports them).
fn byte_of(text: &str, line: u32, column: u32) -> Option<usize> {
    let (mut current_line, mut current_column) = (1u32, 1u32);
    for (byte_idx, ch) in text.char_indices() {
        if current_line == line && current_column == column {
            return Some(byte_idx);
        }
        if ch == '\n' {
            current_line += 1;
            current_column = 1;
        } else {
            current_column += 1;
        }
    }
    (current_line == line && current_column == column).then_some(text.len())
}

/// 0-based line and column of a byte offset, for placing the completion list.
fn line_column_of(text: &str, byte: usize) -> (usize, usize) {
    let before = text.get(..byte).unwrap_or(text);
    let line = before.matches('\n').count();
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, column)
}
