//! The lesson player: a lesson's steps over the same workspace as the sandbox (log lanes,
//! producers, SQL console). The engine's [`LessonRun`] knows the steps; this screen owns the
//! world (in a [`SandboxStore`]), re-checks the step's goal at most every [`CHECK_EVERY_MS`]
//! when the world changed, and moves between steps by keyboard or buttons.
//!
//! Moving on: "Next" after the goal was met runs the next step's script on the learner's own
//! world (what they built stays); any other move (back, a jump, Next before the goal, "Reset
//! step") rebuilds the target step's starting state from the seed (`world_at_step`), so a demo is
//! the same every time. If a step's script no longer applies to the learner's world (they
//! dropped what it needs), the step starts from its own state, with a notice.

mod keyboard;
mod step_card;

use super::app::{Action, Screen};
use super::sandbox::{use_live_store, Controls, Workspace};
use super::store::{SandboxStore, StoreHandle};
use super::{deep_link, presenter};
use crate::share::keys::Command;
use crate::share::speaker::DeckState;
use crate::lessons::navigation::{target_step, NavKey};
use crate::lessons::{describe_action, Lesson, LessonCatalogue, LessonError, LessonRun, Progress, Syntax};
use crate::world::World;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use step_card::{GoalView, StepCard};
use yew::prelude::*;

/// The goal is re-checked at most this often (and only when the world changed since).
pub const CHECK_EVERY_MS: u32 = 250;

/// The embedded lessons, parsed once.
pub struct Lessons {
    pub lessons: Vec<Rc<Lesson>>,
}

thread_local! {
    static CATALOGUE: Rc<Result<Lessons, LessonError>> =
        Rc::new(LessonCatalogue::load().map(|c| Lessons { lessons: c.lessons.into_iter().map(Rc::new).collect() }));
}

pub fn catalogue() -> Rc<Result<Lessons, LessonError>> {
    CATALOGUE.with(Rc::clone)
}

/// Whether a lesson with this id is embedded (a deep link may name one that is not).
pub fn lesson_exists(id: &str) -> bool {
    catalogue().as_ref().as_ref().is_ok_and(|c| c.lessons.iter().any(|l| l.id == id))
}

#[derive(Properties, PartialEq)]
pub struct LessonScreenProps {
    pub id: String,
    pub progress: Rc<Progress>,
    pub dispatch: Callback<Action>,
}

/// A lesson by id, or a way back when there is no such lesson.
#[function_component(LessonScreen)]
pub fn lesson_screen(props: &LessonScreenProps) -> Html {
    let catalogue = catalogue();
    let lesson = catalogue.as_ref().as_ref().ok().and_then(|c| c.lessons.iter().find(|l| l.id == props.id)).cloned();
    match lesson {
        Some(lesson) => html! { <LessonPlayer lesson={lesson} progress={props.progress.clone()} dispatch={props.dispatch.clone()} /> },
        None => {
            let back = props.dispatch.reform(|_: MouseEvent| Action::Open(Screen::Home));
            html! {
                <div class="lesson lesson-missing">
                    <p role="alert">{ format!("There is no lesson '{}'.", props.id) }</p>
                    <button class="primary" onclick={back}>{ "← Lessons" }</button>
                </div>
            }
        }
    }
}

#[derive(Properties, PartialEq)]
struct PlayerProps {
    lesson: Rc<Lesson>,
    progress: Rc<Progress>,
    dispatch: Callback<Action>,
}

/// A step index and the store's `world_changed()`.
type CheckStamp = (usize, (u64, u64));

/// What the player's handlers share: the store, the run, and the setters of what the step card
/// shows. Every field is a stable handle, so a copy made at the first render stays good.
#[derive(Clone)]
struct Player {
    lesson_id: String,
    store: StoreHandle,
    run: Rc<RefCell<Option<LessonRun>>>,
    /// The current step's goal was met (it stays met for this step).
    goal_met: Rc<Cell<bool>>,
    /// The last check's step and world: nothing changed, nothing to check.
    last_checked: Rc<Cell<Option<CheckStamp>>>,
    goal: UseStateSetter<GoalView>,
    hints_shown: UseStateSetter<usize>,
    solution_shown: UseStateSetter<bool>,
    notice: UseStateSetter<Option<String>>,
    announcement: UseStateSetter<String>,
    app: Callback<Action>,
    redraw: Callback<()>,
}

impl Player {
    /// Checks the goal if the step or the world changed since the last check.
    fn check(&self) {
        let (Ok(store), Ok(run)) = (self.store.0.try_borrow(), self.run.try_borrow()) else { return };
        let Some(run) = run.as_ref() else { return };
        let step = run.step_index();
        let stamp = (step, store.world_changed());
        if self.last_checked.get() == Some(stamp) {
            return;
        }
        self.last_checked.set(Some(stamp));
        let status = run.check(&store.world);
        if status.done && !self.goal_met.get() {
            self.goal_met.set(true);
            self.app.emit(Action::StepDone { lesson: self.lesson_id.clone(), step });
            self.announcement.set(format!("Goal met: step {} of {}", step + 1, run.n_steps()));
        }
        let done = self.goal_met.get();
        let detail = if done && !status.done { format!("Met earlier in this step. Now: {}", status.detail) } else { status.detail };
        self.goal.set(GoalView { step, done, detail });
    }

    fn navigate(&self, nav: NavKey) {
        let position = self.run.borrow().as_ref().map(|run| (run.step_index(), run.n_steps()));
        if let Some(target) = position.and_then(|(current, n_steps)| target_step(nav, current, n_steps)) {
            self.go_to(target);
        }
    }

    /// Moves to step `target` (see the module's comment for which world it starts from).
    fn go_to(&self, target: usize) {
        {
            let mut guard = self.run.borrow_mut();
            let Some(run) = guard.as_mut() else { return };
            if target == run.step_index() {
                return;
            }
            let Some((title, label)) = run.lesson().steps.get(target).map(|s| (s.title.clone(), script_label(&s.actions))) else { return };
            let mut store = self.store.0.borrow_mut();
            let continue_here = target == run.step_index().saturating_add(1) && self.goal_met.get();
            let mut entered = false;
            if continue_here {
                entered = store.run_on_world(label, |world| run.enter_step(world, target));
                if !entered {
                    self.notice.set(Some(format!(
                        "Step {}'s script could not run on your world, so the step starts from its own state.",
                        target + 1
                    )));
                }
            } else {
                self.notice.set(None);
            }
            if !entered {
                match run.world_at_step(target) {
                    Ok(world) => store.replace_world(world),
                    Err(error) => {
                        self.notice.set(Some(format!("This step could not be prepared: {error}")));
                        return;
                    }
                }
            }
            self.announcement.set(format!("Step {} of {}: {}", target + 1, run.n_steps(), title));
        }
        self.after_step_change(target);
    }

    /// "Reset step": the current step's starting state, rebuilt from the seed.
    fn reset_step(&self) {
        let current = self.run.borrow().as_ref().map(LessonRun::step_index);
        let Some(current) = current else { return };
        {
            let mut guard = self.run.borrow_mut();
            let Some(run) = guard.as_mut() else { return };
            match run.world_at_step(current) {
                Ok(world) => self.store.0.borrow_mut().replace_world(world),
                Err(error) => {
                    self.notice.set(Some(format!("This step could not be reset: {error}")));
                    return;
                }
            }
        }
        self.notice.set(None);
        self.announcement.set(format!("Step {} reset", current + 1));
        self.after_step_change(current);
    }

    /// "Run this version" of lesson 11's toggle: the solution with its SQL in `syntax`.
    fn run_solution_in(&self, syntax: Syntax) {
        {
            let guard = self.run.borrow();
            let Some(run) = guard.as_ref() else { return };
            let label = run.step().map(|s| script_label(&s.solution_in(syntax))).unwrap_or_default();
            self.store.0.borrow_mut().run_on_world(label, |world| run.apply_solution_in(world, syntax));
        }
        self.solution_shown.set(true);
        self.check();
        self.redraw.emit(());
    }

    /// "Run solution": the step's solution on the learner's world, shown in the console.
    fn run_solution(&self) {
        {
            let guard = self.run.borrow();
            let Some(run) = guard.as_ref() else { return };
            let label = run.step().map(|s| script_label(&s.solution)).unwrap_or_default();
            self.store.0.borrow_mut().run_on_world(label, |world| run.apply_solution(world));
        }
        self.solution_shown.set(true);
        self.check();
        self.redraw.emit(());
    }

    /// Tells presenter mode (speaker view, → and scripted typing) and deep links where we are.
    fn publish(&self, step: usize) {
        let guard = self.run.borrow();
        let Some(run) = guard.as_ref() else { return };
        let lesson = run.lesson();
        let title_of = |i: usize| lesson.steps.get(i).map(|s| s.title.clone());
        let state = DeckState {
            title: lesson.title.clone(),
            step: u32::try_from(step).ok(),
            n_steps: u32::try_from(run.n_steps()).unwrap_or(u32::MAX),
            current_title: title_of(step).unwrap_or_default(),
            next_title: title_of(step + 1),
            notes_markdown: lesson.steps.get(step).map(|s| s.notes.clone()).unwrap_or_default(),
            presenting: false,
            blackout: false,
        };
        let player = self.clone();
        presenter::set_host(presenter::Host { state, on_command: Callback::from(move |command| player.on_command(command)) });
        let link_step = u32::try_from(step).unwrap_or(0);
        deep_link::register(deep_link::Registered { store: self.store.clone(), seed: lesson.seed, lesson: Some((lesson.id.clone(), link_step)) });
    }

    /// A presenter command (from this window's keys or the speaker view).
    fn on_command(&self, command: Command) {
        match command {
            Command::Next => self.navigate(NavKey::Next),
            Command::Previous => self.navigate(NavKey::Previous),
            Command::First => self.navigate(NavKey::First),
            Command::Last => self.navigate(NavKey::Last),
            Command::TypeSql => {
                let sql: Vec<String> = self.run.borrow().as_ref().and_then(LessonRun::step).map_or_else(Vec::new, |s| {
                    s.solution.iter().filter_map(|a| if let crate::lessons::Action::Sql { sql } = a { Some(sql.clone()) } else { None }).collect()
                });
                if !sql.is_empty() {
                    presenter::typing::type_and_run(&sql.join("\n"));
                }
            }
            _ => {}
        }
    }

    fn after_step_change(&self, step: usize) {
        self.publish(step);
        self.goal_met.set(false);
        self.last_checked.set(None);
        self.hints_shown.set(0);
        self.solution_shown.set(false);
        self.app.emit(Action::OnStep { lesson: self.lesson_id.clone(), step });
        self.check();
        self.redraw.emit(());
    }
}

/// What a script does, as the console shows it: SQL as written, other actions as comments.
fn script_label(actions: &[crate::lessons::Action]) -> String {
    actions
        .iter()
        .map(|action| match action {
            crate::lessons::Action::Sql { sql } => sql.trim().to_string(),
            other => format!("-- {}", describe_action(other)),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The world and run a lesson opens with: at the step the learner was on, else the first.
fn open_lesson(lesson: &Lesson, step: usize) -> Result<(World, LessonRun), String> {
    let (world, mut run) = LessonRun::start(lesson, lesson.seed).map_err(|e| e.to_string())?;
    if step == 0 {
        return Ok((world, run));
    }
    match run.world_at_step(step) {
        Ok(world) => Ok((world, run)),
        Err(_) => LessonRun::start(lesson, lesson.seed).map_err(|e| e.to_string()),
    }
}

#[function_component(LessonPlayer)]
fn lesson_player(props: &PlayerProps) -> Html {
    let lesson = props.lesson.clone();
    let run_ref: Rc<RefCell<Option<LessonRun>>> = use_mut_ref(|| None);
    let start_error = use_mut_ref(|| None::<String>);
    let live = {
        let (lesson, run_ref, start_error) = (lesson.clone(), run_ref.clone(), start_error.clone());
        let resume = props.progress.resume_step(&lesson.id, lesson.steps.len());
        use_live_store(move || match open_lesson(&lesson, resume) {
            Ok((world, run)) => {
                *run_ref.borrow_mut() = Some(run);
                StoreHandle::new(SandboxStore::new(world))
            }
            Err(error) => {
                *start_error.borrow_mut() = Some(error);
                StoreHandle::new(SandboxStore::new(World::new(lesson.seed)))
            }
        })
    };
    let goal = use_state_eq(|| GoalView { step: usize::MAX, done: false, detail: String::new() });
    let hints_shown = use_state_eq(|| 0usize);
    let solution_shown = use_state_eq(|| false);
    let notice = use_state_eq(|| None::<String>);
    let announcement = use_state_eq(String::new);
    let goal_met = (*use_state(|| Rc::new(Cell::new(false)))).clone();
    let last_checked = (*use_state(|| Rc::new(Cell::new(None)))).clone();
    let redraw = {
        let force = use_force_update();
        Callback::from(move |()| force.force_update())
    };
    let player = Player {
        lesson_id: lesson.id.clone(),
        store: live.store.clone(),
        run: run_ref.clone(),
        goal_met,
        last_checked,
        goal: goal.setter(),
        hints_shown: hints_shown.setter(),
        solution_shown: solution_shown.setter(),
        notice: notice.setter(),
        announcement: announcement.setter(),
        app: props.dispatch.clone(),
        redraw,
    };
    // The goal, re-checked at most every CHECK_EVERY_MS when the world changed; the keyboard.
    {
        let player = player.clone();
        use_effect_with((), move |_| {
            player.check();
            if let Some(step) = player.run.borrow().as_ref().map(LessonRun::step_index) {
                player.publish(step);
            }
            let store = player.store.clone();
            let checker = {
                let player = player.clone();
                gloo::timers::callback::Interval::new(CHECK_EVERY_MS, move || player.check())
            };
            let keys = keyboard::listen(move |nav| player.navigate(nav));
            move || {
                presenter::clear_host();
                deep_link::unregister(&store);
                drop(checker);
                drop(keys);
            }
        });
    }

    let back = props.dispatch.reform(|_: MouseEvent| Action::Open(Screen::Home));
    let state = live.store.0.borrow();
    let (step_index, n_steps) = run_ref.borrow().as_ref().map_or((0, lesson.steps.len()), |r| (r.step_index(), r.n_steps()));
    let done_steps: Vec<bool> = (0..n_steps).map(|i| props.progress.is_step_done(&lesson.id, i)).collect();
    let on_go = {
        let player = player.clone();
        Callback::from(move |target: usize| player.go_to(target))
    };
    let on_hint = {
        let (hints_shown, n_hints) = (hints_shown.clone(), lesson.steps.get(step_index).map_or(0, |s| s.hints.len()));
        Callback::from(move |()| hints_shown.set((*hints_shown + 1).min(n_hints)))
    };
    let on_toggle_solution = {
        let solution_shown = solution_shown.clone();
        Callback::from(move |()| solution_shown.set(!*solution_shown))
    };
    let on_run_solution = {
        let player = player.clone();
        Callback::from(move |()| player.run_solution())
    };
    let on_run_syntax = {
        let player = player.clone();
        Callback::from(move |syntax: Syntax| player.run_solution_in(syntax))
    };
    let on_reset = {
        let player = player.clone();
        Callback::from(move |()| player.reset_step())
    };
    let on_finish = props.dispatch.reform(|()| Action::Open(Screen::Home));
    let goal_view = if goal.step == step_index { (*goal).clone() } else { GoalView { step: step_index, done: false, detail: "Checking…".into() } };

    html! {
        <div class="lesson" data-lesson={lesson.id.clone()}>
            <div class="sandbox-bar lesson-bar">
                <button class="link" onclick={back}>{ "← Lessons" }</button>
                <h1 class="lesson-heading">
                    <span class="lesson-number">{ lesson.number }</span>
                    { &lesson.title }
                </h1>
                <Controls playing={state.playing} speed={state.speed} now_ms={state.world.now_ms()} dispatch={live.dispatch.clone()} />
            </div>
            <div class="sr-only" aria-live="polite">{ (*announcement).clone() }</div>
            if let Some(error) = start_error.borrow().as_ref() {
                <div class="notice lesson-notice" role="alert">{ format!("This lesson could not start: {error}") }</div>
            }
            if let Some(text) = notice.as_ref() {
                <div class="notice lesson-notice" role="alert">{ text.clone() }</div>
            }
            <StepCard lesson={lesson.clone()} step={step_index} goal={goal_view} done_steps={done_steps}
                      hints_shown={*hints_shown} solution_shown={*solution_shown}
                      {on_go} {on_hint} {on_toggle_solution} {on_run_solution} {on_run_syntax} {on_reset} {on_finish} />
            <Workspace store={live.store.clone()} version={state.version()} dispatch={live.dispatch.clone()} />
        </div>
    }
}
