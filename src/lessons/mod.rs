//! Guided lessons from the talk "Embrace the Anarchy". A lesson is a data file in `lessons/`
//! (TOML, documented in lessons/README.md), compiled into the crate by build.rs: setup, then
//! steps, each with a narrative, scripted actions, a task, a goal checked on the world's state,
//! hints, a one-click solution and speaker notes.
//!
//! **API boundary:** the UI uses [`LessonCatalogue`], [`LessonRun`], [`GoalStatus`] and the
//! plain model structs; it owns the [`crate::world::World`] and passes it in.
//! **Invariant:** for every step and every declared test seed, the goal is not met when the step
//! starts and is met once its solution has run (tests/lessons.rs).

pub mod actions;
pub mod checks;
pub mod compiled;
mod files;
pub mod load;
pub mod markdown;
pub mod model;
pub mod navigation;
pub mod progress;
pub mod runner;

pub use checks::{format_age, freshness_ms, group_lag, GoalStatus};
pub use files::LESSON_FILES;
pub use load::{parse_lesson, parse_lessons, LessonError};
pub use markdown::render_markdown;
pub use model::{Action, Check, Lesson, Step, Syntax, SyntaxVariants};
pub use progress::{LessonProgress, Progress};
pub use runner::{describe_action, export_script, LessonRun, LessonRunError};

/// Every lesson, in the talk's order.
#[derive(Clone, Debug)]
pub struct LessonCatalogue {
    pub lessons: Vec<Lesson>,
}

impl LessonCatalogue {
    /// The lessons as build.rs compiled them from lessons/ (see [`compiled`]): no lesson file is
    /// parsed at run time, so the TOML parser stays out of the wasm. build.rs refuses a bad
    /// file, so this does not fail; the `Result` is for callers written when it could.
    pub fn load() -> Result<LessonCatalogue, LessonError> {
        Ok(LessonCatalogue { lessons: compiled::lessons() })
    }

    /// Parses lesson files at run time (the tests, the fuzz targets), with file:line:column errors.
    pub fn parse(files: &[(&str, &str)]) -> Result<LessonCatalogue, LessonError> {
        Ok(LessonCatalogue { lessons: parse_lessons(files)? })
    }

    pub fn get(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }
}
