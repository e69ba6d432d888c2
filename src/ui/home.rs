//! The first screen: the lessons area and the way into the sandbox.

use super::app::{Action, Screen};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HomeProps {
    pub dispatch: Callback<Action>,
}

#[function_component(Home)]
pub fn home(props: &HomeProps) -> Html {
    let open_sandbox = props.dispatch.reform(|_: MouseEvent| Action::Open(Screen::Sandbox));
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
                    <p class="muted">{ "Guided lessons from the talk, from decoupling to the table–stream duality, appear here." }</p>
                    <ol class="lesson-list"></ol>
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
