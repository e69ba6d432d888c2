//! The app's root: state in a reducer, screens that render it and dispatch actions.

use super::header::Header;
use super::home::Home;
use super::lesson::LessonScreen;
use super::progress;
use super::sandbox::Sandbox;
use super::theme::{self, Theme};
use crate::lessons::Progress;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    Home,
    Sandbox,
    /// A lesson, by id.
    Lesson(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppState {
    pub screen: Screen,
    pub theme: Theme,
    /// Lesson progress, saved to localStorage whenever it changes.
    pub progress: Rc<Progress>,
    /// A notice for the learner (stored progress that had to be reset).
    pub notice: Option<String>,
}

pub enum Action {
    Open(Screen),
    ToggleTheme,
    /// A step's goal was met.
    StepDone { lesson: String, step: usize },
    /// The learner is on this step (a lesson opens there next time).
    OnStep { lesson: String, step: usize },
    DismissNotice,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Open(screen) => Rc::new(AppState { screen, ..(*self).clone() }),
            Action::ToggleTheme => Rc::new(AppState { theme: self.theme.toggled(), ..(*self).clone() }),
            Action::StepDone { lesson, step } => self.with_progress(|p| p.mark_done(&lesson, step)),
            Action::OnStep { lesson, step } => self.with_progress(|p| p.set_step(&lesson, step)),
            Action::DismissNotice => Rc::new(AppState { notice: None, ..(*self).clone() }),
        }
    }
}

impl AppState {
    /// The state after `change`, or the same state when nothing changed (no redraw, no save).
    fn with_progress(self: Rc<Self>, change: impl FnOnce(&mut Progress) -> bool) -> Rc<Self> {
        let mut progress = (*self.progress).clone();
        if !change(&mut progress) {
            return self;
        }
        Rc::new(AppState { progress: Rc::new(progress), ..(*self).clone() })
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let (progress, notice) = progress::load();
        AppState { screen: Screen::Home, theme: theme::initial_theme(), progress: Rc::new(progress), notice }
    });
    {
        let current_theme = state.theme;
        use_effect_with(current_theme, move |theme| theme::apply_and_store(*theme));
    }
    use_effect_with(state.progress.clone(), |progress| progress::save(progress));
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    let body = match &state.screen {
        Screen::Home => html! { <Home progress={state.progress.clone()} dispatch={dispatch.clone()} /> },
        Screen::Sandbox => html! { <Sandbox dispatch={dispatch.clone()} /> },
        Screen::Lesson(id) => html! { <LessonScreen key={id.clone()} id={id.clone()} progress={state.progress.clone()} dispatch={dispatch.clone()} /> },
    };
    let dismiss = dispatch.reform(|_: MouseEvent| Action::DismissNotice);
    html! {
        <div class="app">
            <Header theme={state.theme} dispatch={dispatch} />
            if let Some(notice) = &state.notice {
                <div class="notice" role="status">
                    <span class="notice-text">{ notice.clone() }</span>
                    <button class="notice-dismiss" onclick={dismiss}>{ "Dismiss" }</button>
                </div>
            }
            <main class="main">{ body }</main>
        </div>
    }
}
