//! One step of a lesson: the step list, narrative, task, the goal's status, hints one at a
//! time, the solution (shown, or run with one click), reset, previous/next and the speaker notes.
//! It redraws only when what it shows changes, not on every frame of the world.
//!
//! Narrative, task, hints and notes are the lesson file's Markdown rendered by the engine's
//! `markdown.rs`, which makes raw HTML text and keeps only safe links; everything else is text.

use crate::lessons::{describe_action, render_markdown, Lesson, Syntax};
use std::rc::Rc;
use yew::prelude::*;

/// The goal's status as the card shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalView {
    pub step: usize,
    pub done: bool,
    pub detail: String,
}

#[derive(Properties, PartialEq)]
pub struct StepCardProps {
    pub lesson: Rc<Lesson>,
    pub step: usize,
    pub goal: GoalView,
    /// Per step: done in the learner's progress.
    pub done_steps: Vec<bool>,
    pub hints_shown: usize,
    pub solution_shown: bool,
    pub on_go: Callback<usize>,
    pub on_hint: Callback<()>,
    pub on_toggle_solution: Callback<()>,
    pub on_run_solution: Callback<()>,
    /// Runs the solution in one syntax of lesson 11's toggle.
    pub on_run_syntax: Callback<Syntax>,
    pub on_reset: Callback<()>,
    pub on_finish: Callback<()>,
}

/// Markdown from the lesson file, rendered safely by the engine.
fn markdown(text: &str) -> Html {
    Html::from_html_unchecked(render_markdown(text).into())
}

#[function_component(StepCard)]
pub fn step_card(props: &StepCardProps) -> Html {
    let lesson = &props.lesson;
    let n_steps = lesson.steps.len();
    let Some(step) = lesson.steps.get(props.step) else { return html! {} };
    let is_last = props.step + 1 >= n_steps;
    let n_hints = step.hints.len();
    let click = |callback: &Callback<()>| callback.reform(|_: MouseEvent| ());
    let go = |target: usize| props.on_go.reform(move |_: MouseEvent| target);
    let lesson_finished = props.done_steps.iter().all(|&d| d) && !props.done_steps.is_empty();
    // As on stage first: the toggle shows what the talk showed, then what ksqlDB writes today.
    let syntax = use_state_eq(|| Syntax::Ksql2018);
    let syntax_toggle = step.syntax.as_ref().map(|variants| {
        let option = |choice: Syntax, label: &'static str| {
            let set = syntax.setter();
            html! {
                <button class={classes!("syntax-option", (*syntax == choice).then_some("selected"))}
                        aria-pressed={(*syntax == choice).to_string()} onclick={move |_: MouseEvent| set.set(choice)}>{ label }</button>
            }
        };
        let chosen = *syntax;
        html! {
            <div class="syntax-variants">
                <div class="syntax-toggle" role="group" aria-label="Syntax">
                    { option(Syntax::Ksql2018, "KSQL, as on stage (2018)") }
                    { option(Syntax::KsqlDb, "ksqlDB today") }
                </div>
                <pre class="syntax-sql" aria-label="This step's SQL in the chosen syntax">{ variants.sql(chosen).trim().to_string() }</pre>
                <button class="run-syntax" onclick={props.on_run_syntax.reform(move |_: MouseEvent| chosen)}>{ "Run this version" }</button>
            </div>
        }
    });

    html! {
        <section class="card step-card" aria-labelledby="step-title">
            <nav class="step-nav" aria-label="Steps">
                <ol class="step-list">
                    { for lesson.steps.iter().enumerate().map(|(i, s)| {
                        let done = props.done_steps.get(i).copied().unwrap_or(false);
                        let current = i == props.step;
                        html! {
                            <li>
                                <button class={classes!("step-link", current.then_some("current"), done.then_some("done"))}
                                        aria-current={current.then_some("step")} title={s.title.clone()}
                                        onclick={go(i)}>
                                    <span class="step-link-number">{ i + 1 }</span>
                                    <span class="step-link-title">{ &s.title }</span>
                                    if done { <span class="step-link-done" aria-label="done">{ "✓" }</span> }
                                </button>
                            </li>
                        }
                    }) }
                </ol>
            </nav>
            <div class="step-body">
                <div class="step-main">
                    <p class="step-count muted">{ format!("Step {} of {n_steps}", props.step + 1) }</p>
                    <h2 id="step-title" class="step-title">{ &step.title }</h2>
                    <div class="narrative">{ markdown(&step.narrative) }</div>
                </div>
                <div class="step-side">
                    <div class="task">
                        <h3>{ "Your task" }</h3>
                        { markdown(&step.task) }
                    </div>
                    <div class={classes!("goal", if props.goal.done { "met" } else { "pending" })} role="status" aria-live="polite">
                        <span class="goal-mark" aria-hidden="true">{ if props.goal.done { "✓" } else { "✗" } }</span>
                        <span class="goal-text">
                            <strong>{ if props.goal.done { "Goal met" } else { "Goal not met yet" } }</strong>
                            <span class="goal-detail">{ &props.goal.detail }</span>
                        </span>
                    </div>
                    if props.hints_shown > 0 {
                        <ol class="hints" aria-label="Hints">
                            { for step.hints.iter().take(props.hints_shown).map(|hint| html! { <li class="hint-item">{ markdown(hint) }</li> }) }
                        </ol>
                    }
                    if props.solution_shown {
                        <pre class="solution" aria-label="Solution">{ step.solution.iter().map(describe_action).collect::<Vec<_>>().join("\n") }</pre>
                    }
                    { syntax_toggle.unwrap_or_default() }
                    <div class="step-actions">
                        if n_hints > 0 {
                            <button class="hint-button" onclick={click(&props.on_hint)} disabled={props.hints_shown >= n_hints}>
                                { match (props.hints_shown >= n_hints, n_hints) {
                                    (true, 1) => "Hint shown".to_string(),
                                    (true, _) => format!("All {n_hints} hints shown"),
                                    (false, _) => format!("Hint ({} of {n_hints})", props.hints_shown + 1),
                                } }
                            </button>
                        }
                        <button class="show-solution" onclick={click(&props.on_toggle_solution)} aria-expanded={props.solution_shown.to_string()}>
                            { if props.solution_shown { "Hide solution" } else { "Show solution" } }
                        </button>
                        <button class="run-solution" onclick={click(&props.on_run_solution)}>{ "Run solution" }</button>
                        <button class="reset-step" onclick={click(&props.on_reset)} title="Start this step again from its own starting state">{ "Reset step" }</button>
                    </div>
                    <div class="step-pager">
                        <button class="step-previous" onclick={go(props.step.saturating_sub(1))} disabled={props.step == 0}>{ "← Previous" }</button>
                        if is_last {
                            <button class={classes!("step-finish", lesson_finished.then_some("primary"))} onclick={click(&props.on_finish)}>
                                { if lesson_finished { "✓ Lesson complete: back to lessons" } else { "Back to lessons" } }
                            </button>
                        } else {
                            <button class={classes!("step-next", props.goal.done.then_some("primary"))} onclick={go(props.step + 1)}>{ "Next →" }</button>
                        }
                        <span class="muted key-hint">{ "← → or Space · Alt+← → from the editor · Esc leaves the editor" }</span>
                    </div>
                </div>
            </div>
            if !step.notes.trim().is_empty() {
                <details class="speaker-notes">
                    <summary>{ "Speaker notes" }</summary>
                    <div class="notes-body">{ markdown(&step.notes) }</div>
                </details>
            }
        </section>
    }
}
