//! Guided lessons from the talk "Embrace the Anarchy". A lesson is a data file in `lessons/`
//! (TOML, documented in lessons/README.md), embedded at build time: setup, then steps, each
//! with a narrative, scripted actions, a task, a goal checked on the world's state, hints, a
//! one-click solution and speaker notes.
//!
//! **API boundary:** the UI uses [`LessonCatalogue`], [`LessonRun`], [`GoalStatus`] and the
//! plain model structs; it owns the [`crate::world::World`] and passes it in.
//! **Invariant:** for every step and every declared test seed, the goal is not met when the step
//! starts and is met once its solution has run (tests/lessons.rs).

pub mod actions;
pub mod checks;
mod files;
pub mod load;
pub mod markdown;
pub mod model;
pub mod navigation;
pub mod progress;
pub mod runner;

pub use checks::{format_age, freshness_ms, group_lag, GoalStatus};
pub use files::LESSON_FILES;
pub use load::{parse_lesson, LessonError};
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
    /// Parses the embedded lesson files. An error names the file, line and column.
    pub fn load() -> Result<LessonCatalogue, LessonError> {
        let mut lessons = Vec::with_capacity(LESSON_FILES.len());
        for (file, text) in LESSON_FILES {
            let lesson = parse_lesson(file, text)?;
            if let Some(other) = lessons.iter().find(|l: &&Lesson| l.id == lesson.id) {
                return Err(LessonError {
                    file: file.to_string(),
                    line: 0,
                    column: 0,
                    message: format!("id '{}' is already used by {}", lesson.id, other.file),
                });
            }
            lessons.push(lesson);
        }
        lessons.sort_by_key(|l| l.number);
        Ok(LessonCatalogue { lessons })
    }

    pub fn get(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }
}
