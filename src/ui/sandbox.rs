//! The sandbox: free play with the whole world.

use super::app::{Action, Screen};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SandboxProps {
    pub dispatch: Callback<Action>,
}

#[function_component(Sandbox)]
pub fn sandbox(props: &SandboxProps) -> Html {
    let back = props.dispatch.reform(|_: MouseEvent| Action::Open(Screen::Home));
    html! {
        <div class="sandbox">
            <nav class="crumbs"><button class="link" onclick={back}>{ "← Lessons" }</button></nav>
            <h1>{ "Sandbox" }</h1>
        </div>
    }
}
