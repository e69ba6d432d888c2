//! Playing a lesson: the runner knows which step the learner is on and applies the lesson's
//! actions to a world the caller owns. Every state a step starts from can be rebuilt from the
//! seed: setup, then each earlier step's actions and solution, then this step's actions. That is
//! "reset step", and it makes a speaker's demo the same every time.

use super::actions::apply_action;
use super::checks::{check_goal, GoalStatus};
use super::model::{Action, Lesson, Step, Syntax};
use crate::sql::StatementResult;
use crate::world::World;
use std::fmt;

/// An action of a lesson failed (a lesson bug, or the learner changed the world so that a
/// scripted action no longer applies, e.g. they dropped a topic the step writes to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonRunError {
    pub lesson: String,
    /// `None`: in the setup.
    pub step: Option<usize>,
    /// Which action of the list (0-based) and in which list.
    pub action: usize,
    pub in_solution: bool,
    pub message: String,
}

impl fmt::Display for LessonRunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match (self.step, self.in_solution) {
            (None, _) => "setup".to_string(),
            (Some(step), false) => format!("step {}", step + 1),
            (Some(step), true) => format!("solution of step {}", step + 1),
        };
        write!(f, "lesson {}, {place}, action {}: {}", self.lesson, self.action + 1, self.message)
    }
}

impl std::error::Error for LessonRunError {}

/// A lesson being played. The caller owns the [`World`] and passes it in, so the UI can keep it
/// behind its own handle and the learner can change it freely between calls.
#[derive(Clone, Debug)]
pub struct LessonRun {
    lesson: Lesson,
    seed: u64,
    step_index: usize,
}

impl LessonRun {
    /// A fresh world for `seed`, the setup applied and the first step entered.
    pub fn start(lesson: &Lesson, seed: u64) -> Result<(World, LessonRun), LessonRunError> {
        let mut run = LessonRun { lesson: lesson.clone(), seed, step_index: 0 };
        let world = run.world_at_step(0)?;
        Ok((world, run))
    }

    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn step_index(&self) -> usize {
        self.step_index
    }

    pub fn n_steps(&self) -> usize {
        self.lesson.steps.len()
    }

    pub fn step(&self) -> Option<&Step> {
        self.lesson.steps.get(self.step_index)
    }

    pub fn is_last_step(&self) -> bool {
        self.step_index.saturating_add(1) >= self.n_steps()
    }

    /// Moves to step `index` on the learner's current world, running the step's scripted
    /// actions (what the learner did so far stays). Returns the SQL results to show.
    pub fn enter_step(&mut self, world: &mut World, index: usize) -> Result<Vec<StatementResult>, LessonRunError> {
        let step = self.step_at(index)?;
        let results = run_actions(&self.lesson.id, world, &step.actions, Some(index), false)?;
        self.step_index = index;
        Ok(results)
    }

    /// "Reset step" (or jump to a step from a URL): a new world in the state step `index`
    /// starts from, rebuilt deterministically. The run moves to that step.
    pub fn world_at_step(&mut self, index: usize) -> Result<World, LessonRunError> {
        self.step_at(index)?;
        let mut world = World::new(self.seed);
        run_actions(&self.lesson.id, &mut world, &self.lesson.setup, None, false)?;
        for (i, step) in self.lesson.steps.iter().enumerate().take(index) {
            run_actions(&self.lesson.id, &mut world, &step.actions, Some(i), false)?;
            run_actions(&self.lesson.id, &mut world, &step.solution, Some(i), true)?;
        }
        self.enter_step(&mut world, index)?;
        Ok(world)
    }

    /// Is the current step's goal met by the world?
    pub fn check(&self, world: &World) -> GoalStatus {
        match self.step() {
            Some(step) => check_goal(world, &step.goal),
            None => GoalStatus { done: false, detail: "this lesson has no such step".into() },
        }
    }

    /// Runs the current step's solution on the world (the "show me" button).
    pub fn apply_solution(&self, world: &mut World) -> Result<Vec<StatementResult>, LessonRunError> {
        let step = self.step_at(self.step_index)?;
        run_actions(&self.lesson.id, world, &step.solution, Some(self.step_index), true)
    }

    /// Runs the current step's solution with its SQL in `syntax` (lesson 11's toggle).
    pub fn apply_solution_in(&self, world: &mut World, syntax: Syntax) -> Result<Vec<StatementResult>, LessonRunError> {
        let step = self.step_at(self.step_index)?;
        run_actions(&self.lesson.id, world, &step.solution_in(syntax), Some(self.step_index), true)
    }

    /// The current step's solution as ksqlDB text and action descriptions, to show before
    /// running it.
    pub fn solution_text(&self) -> Vec<String> {
        self.step().map(|s| s.solution.iter().map(describe_action).collect()).unwrap_or_default()
    }

    /// The current step's hint number `i` (0-based); hints are shown one at a time.
    pub fn hint(&self, i: usize) -> Option<&str> {
        self.step()?.hints.get(i).map(String::as_str)
    }

    fn step_at(&self, index: usize) -> Result<&Step, LessonRunError> {
        self.lesson.steps.get(index).ok_or_else(|| LessonRunError {
            lesson: self.lesson.id.clone(),
            step: Some(index),
            action: 0,
            in_solution: false,
            message: format!("the lesson has {} steps", self.lesson.steps.len()),
        })
    }
}

fn run_actions(
    lesson: &str,
    world: &mut World,
    actions: &[Action],
    step: Option<usize>,
    in_solution: bool,
) -> Result<Vec<StatementResult>, LessonRunError> {
    let mut results = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        let more = apply_action(world, action)
            .map_err(|message| LessonRunError { lesson: lesson.to_string(), step, action: i, in_solution, message })?;
        results.extend(more);
    }
    Ok(results)
}

/// One line per action: the SQL itself, or what the button does.
pub fn describe_action(action: &Action) -> String {
    match action {
        Action::Sql { sql } => sql.trim().to_string(),
        Action::Produce { topic, key, value, .. } => {
            format!("produce to {topic}: key {} value {}", key.as_deref().unwrap_or("(none)"), value.as_deref().unwrap_or("(tombstone)"))
        }
        Action::ProduceOne { producer, count } => format!("{producer}: produce {count} event(s) by hand"),
        Action::Advance { by } => format!("let {} of virtual time pass", super::checks::format_age(by.0)),
        Action::AdvanceTo { time } => format!("let time pass until {:02}:{:02}", time.ms / 3_600_000, (time.ms / 60_000) % 60),
        Action::AddProducer { scenario, rate, .. } => format!("add the {scenario} producer at {rate} events/s"),
        Action::StartProducer { producer } => format!("start producer {producer}"),
        Action::StopProducer { producer } => format!("stop producer {producer}"),
        Action::SetRate { producer, rate } => format!("set {producer} to {rate} events/s"),
        Action::FraudBurst { card_number, attempts, within, .. } => format!(
            "fire {attempts} authorisation attempts on card {} within {}",
            card_number.as_deref().unwrap_or("(random)"),
            super::checks::format_age(within.0)
        ),
        Action::SetUserLevel { user_id, level, .. } => format!("set user {user_id}'s level to {level}"),
        Action::CreateTopic { topic, partitions, .. } => format!("create topic {topic} with {partitions} partition(s)"),
        Action::AddPartitions { topic, partitions } => format!("grow {topic} to {partitions} partitions"),
        Action::AddSink { name, topics, .. } => format!("add sink {name} reading {}", topics.join(", ")),
        Action::RemoveSink { name } => format!("remove sink {name}"),
        Action::PauseGroup { group } => format!("take {group} offline (pause its consumer group)"),
        Action::ResumeGroup { group } => format!("bring {group} back online"),
        Action::ResetOffset { group, topic, partition, offset } => format!("move {group} to offset {offset} of {topic} partition {partition}"),
    }
}

/// The lesson as a script for a real Kafka + ksqlDB: every statement of the setup and of each
/// step's actions and solution, in order, with the other actions as comments.
pub fn export_script(lesson: &Lesson) -> String {
    let mut script = format!("-- {} (streamlab lesson '{}')\n", lesson.title, lesson.id);
    let mut add = |heading: String, actions: &[Action]| {
        if actions.is_empty() {
            return;
        }
        script.push_str(&format!("\n-- {heading}\n"));
        for action in actions {
            match action {
                Action::Sql { sql } => {
                    script.push_str(sql.trim());
                    script.push('\n');
                }
                other => script.push_str(&format!("-- {}\n", describe_action(other))),
            }
        }
    };
    add("Setup".to_string(), &lesson.setup);
    for (i, step) in lesson.steps.iter().enumerate() {
        add(format!("Step {}: {}", i + 1, step.title), &step.actions);
        add(format!("Step {} solution", i + 1), &step.solution);
    }
    script
}
