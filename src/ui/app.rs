//! The app's root: state in a reducer, screens that render it and dispatch actions.

use super::deep_link::{self, InitialRoute};
use super::header::Header;
use super::home::Home;
use super::sandbox::Sandbox;
use super::presenter::PresenterLayer;
use super::theme::{self, Theme};
use crate::share::fragment::DemoLink;
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
    /// The deep link the sandbox opens with (seed, speed, SQL), if the page was opened by one.
    pub link: Option<Rc<DemoLink>>,
    /// A sentence shown above the screen until dismissed (a bad link).
    pub notice: Option<String>,
}

pub enum Action {
    Open(Screen),
    ToggleTheme,
    /// Open a deep link. A link with a lesson should open `Screen::Lesson` at its step (to be
    /// connected when the lesson screen lands); until then it opens the sandbox with the seed.
    OpenLink(Rc<DemoLink>),
    DismissNotice,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Open(screen) => Rc::new(AppState { screen, ..(*self).clone() }),
            Action::ToggleTheme => Rc::new(AppState { theme: self.theme.toggled(), ..(*self).clone() }),
            Action::OpenLink(link) => Rc::new(AppState { screen: Screen::Sandbox, link: Some(link), notice: None, ..(*self).clone() }),
            Action::DismissNotice => Rc::new(AppState { notice: None, ..(*self).clone() }),
        }
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let (screen, link, notice) = match deep_link::initial_route() {
            InitialRoute::Home => (Screen::Home, None, None),
            InitialRoute::Link(link) => (Screen::Sandbox, Some(link), None),
            InitialRoute::BadLink(notice) => (Screen::Home, None, Some(notice)),
        };
        AppState { screen, theme: theme::initial_theme(), link, notice }
    });
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
        Screen::Sandbox => html! { <Sandbox dispatch={dispatch.clone()} link={state.link.clone()} /> },
    };
    html! {
        <div class="app">
            <Header theme={state.theme} dispatch={dispatch.clone()} sharing={state.screen == Screen::Sandbox} />
            if let Some(notice) = state.notice.clone() {
                <div class="notice" role="alert">
                    <span class="notice-text">{ notice }</span>
                    <button class="link notice-dismiss" onclick={dispatch.reform(|_: MouseEvent| Action::DismissNotice)}>{ "Dismiss" }</button>
                </div>
            }
            <main class="main">{ body }</main>
            <PresenterLayer dispatch={dispatch} />
        </div>
    }
}
