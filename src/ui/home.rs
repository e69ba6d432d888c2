//! The first screen: the lessons, with the learner's progress, and the way into the sandbox.

use super::app::{Action, Screen};
use super::lesson::catalogue;
use crate::lessons::{render_markdown, Progress};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HomeProps {
    pub progress: Rc<Progress>,
    pub dispatch: Callback<Action>,
}

#[function_component(Home)]
pub fn home(props: &HomeProps) -> Html {
    let open_sandbox = props.dispatch.reform(|_: MouseEvent| Action::Open(Screen::Sandbox));
    let lessons = match &*catalogue() {
        Ok(catalogue) => catalogue
            .lessons
            .iter()
            .map(|lesson| {
                let n_steps = lesson.steps.len();
                let n_done = props.progress.n_done(&lesson.id, n_steps);
                let finished = props.progress.is_finished(&lesson.id, n_steps);
                let open = {
                    let id = lesson.id.clone();
                    props.dispatch.reform(move |_: MouseEvent| Action::Open(Screen::Lesson(id.clone())))
                };
                html! {
                    <li class={classes!("lesson-item", finished.then_some("finished"))} data-lesson={lesson.id.clone()}>
                        <button class="lesson-open" onclick={open}>
                            <span class="lesson-number">{ lesson.number }</span>
                            <span class="lesson-title">{ &lesson.title }</span>
                        </button>
                        <span class="lesson-progress" title={format!("{n_done} of {n_steps} steps done")}>
                            if finished { <span class="lesson-finished" aria-label="finished">{ "✓ " }</span> }
                            { format!("{n_done} / {n_steps}") }
                        </span>
                        // The lesson files' Markdown, rendered to safe HTML by the engine's renderer
                        // (raw HTML in the source becomes text).
                        <div class="lesson-summary">{ Html::from_html_unchecked(render_markdown(&lesson.summary).into()) }</div>
                    </li>
                }
            })
            .collect::<Html>(),
        Err(error) => html! { <li class="lesson-error" role="alert">{ format!("The lessons could not be loaded: {error}") }</li> },
    };
    html! {
        <div class="home">
            <section class="hero">
                <h1>{ "Embrace the anarchy" }</h1>
                <p>{ "A commit log, producers and a ksqlDB-style streaming SQL engine run right here in the page. \
                      Watch a stream become a table, and a batch job lose the race to a stream." }</p>
            </section>
            <div class="home-grid">
                <section class="card lessons" aria-labelledby="lessons-title">
                    <h2 id="lessons-title">{ "Lessons" }</h2>
                    <p class="muted">{ "Twelve guided lessons from the talk, each checked on what the simulated system actually does." }</p>
                    <ol class="lesson-list">{ lessons }</ol>
                </section>
                <section class="card sandbox-entry" aria-labelledby="sandbox-title">
                    <h2 id="sandbox-title">{ "Sandbox" }</h2>
                    <p>{ "Free play: topics, producers and streaming SQL, with nothing to install." }</p>
                    <button class="primary" onclick={open_sandbox}>{ "Open the sandbox" }</button>
                </section>
            </div>
        </div>
    }
}
