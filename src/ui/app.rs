//! The app's root: state in a reducer, screens that render it and dispatch actions.

use super::deep_link::{self, InitialRoute};
use super::header::Header;
use super::home::Home;
use super::lesson::LessonScreen;
use super::progress;
use super::presenter::PresenterLayer;
use super::sandbox::Sandbox;
use super::theme::{self, Theme};
use crate::lessons::Progress;
use crate::share::fragment::DemoLink;
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
    /// The deep link the sandbox opens with (seed, speed, SQL), if the page was opened by one.
    pub link: Option<Rc<DemoLink>>,
    /// A notice for the learner until dismissed (stored progress that had to be reset, a bad link).
    pub notice: Option<String>,
}

pub enum Action {
    Open(Screen),
    ToggleTheme,
    /// A step's goal was met.
    StepDone { lesson: String, step: usize },
    /// The learner is on this step (a lesson opens there next time).
    OnStep { lesson: String, step: usize },
    /// Open a deep link: a lesson link opens the lesson at its step, any other the sandbox
    /// with the link's seed, speed and SQL.
    OpenLink(Rc<DemoLink>),
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
            Action::OpenLink(link) => self.open_link(link),
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

    /// A link naming a known lesson opens it at the link's step (through the remembered step,
    /// so the lesson screen needs no second way in); anything else opens the sandbox.
    fn open_link(self: Rc<Self>, link: Rc<DemoLink>) -> Rc<Self> {
        let lesson = link.lesson.clone().filter(|id| super::lesson::lesson_exists(id));
        match lesson {
            Some(id) => {
                let step = link.step.unwrap_or(0) as usize;
                let mut progress = (*self.progress).clone();
                progress.set_step(&id, step);
                Rc::new(AppState { screen: Screen::Lesson(id), progress: Rc::new(progress), notice: None, ..(*self).clone() })
            }
            None => Rc::new(AppState { screen: Screen::Sandbox, link: Some(link), notice: None, ..(*self).clone() }),
        }
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let (progress, progress_notice) = progress::load();
        let initial = AppState { screen: Screen::Home, theme: theme::initial_theme(), progress: Rc::new(progress), link: None, notice: progress_notice };
        match deep_link::initial_route() {
            InitialRoute::Home => initial,
            InitialRoute::Link(link) => (*Rc::new(initial).open_link(link)).clone(),
            InitialRoute::BadLink(notice) => AppState { notice: Some(notice), ..initial },
        }
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
        Screen::Sandbox => {
            // Keyed by seed: a link with another seed mounts a new world.
            let seed = state.link.as_ref().map_or(super::sandbox::DEFAULT_SEED, |l| l.seed);
            html! { <Sandbox key={seed.to_string()} dispatch={dispatch.clone()} link={state.link.clone()} /> }
        }
        Screen::Lesson(id) => html! { <LessonScreen key={id.clone()} id={id.clone()} progress={state.progress.clone()} dispatch={dispatch.clone()} /> },
    };
    let dismiss = dispatch.reform(|_: MouseEvent| Action::DismissNotice);
    html! {
        <div class="app">
            <Header theme={state.theme} dispatch={dispatch.clone()} sharing={matches!(state.screen, Screen::Sandbox | Screen::Lesson(_))} />
            if let Some(notice) = &state.notice {
                <div class="notice" role="status">
                    <span class="notice-text">{ notice.clone() }</span>
                    <button class="notice-dismiss" onclick={dismiss}>{ "Dismiss" }</button>
                </div>
            }
            <main class="main">{ body }</main>
            <PresenterLayer dispatch={dispatch} />
        </div>
    }
}
