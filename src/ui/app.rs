//! The app's root: state in a reducer, screens that render it and dispatch actions.

use super::header::Header;
use super::home::Home;
use super::sandbox::Sandbox;
use super::theme::{self, Theme};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Home,
    Sandbox,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppState {
    pub screen: Screen,
    pub theme: Theme,
}

pub enum Action {
    Open(Screen),
    ToggleTheme,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Open(screen) => Rc::new(AppState { screen, ..(*self).clone() }),
            Action::ToggleTheme => Rc::new(AppState { theme: self.theme.toggled(), ..(*self).clone() }),
        }
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState { screen: Screen::Home, theme: theme::initial_theme() });
    {
        let current_theme = state.theme;
        use_effect_with(current_theme, move |theme| theme::apply_and_store(*theme));
    }
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    let body = match state.screen {
        Screen::Home => html! { <Home dispatch={dispatch.clone()} /> },
        Screen::Sandbox => html! { <Sandbox dispatch={dispatch.clone()} /> },
    };
    html! {
        <div class="app">
            <Header theme={state.theme} dispatch={dispatch} />
            <main class="main">{ body }</main>
        </div>
    }
}
