//! Reading a lesson file: TOML into the model, then the checks serde cannot do (a known
//! scenario, at least one step, unique ids). Every error names the file, line and column.

use super::model::{Action, Lesson};
use crate::producers::ScenarioKind;
use std::fmt;

/// More would freeze the page: a lesson that needs a flood should start a producer instead.
const MAX_PRODUCE_ONE: u32 = 10_000;

/// A lesson file that cannot be used, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    pub file: String,
    /// 1-based; 0 when the problem is not at one place in the file.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for LessonError {}

/// Parses one lesson file. `file` is only used in messages.
pub fn parse_lesson(file: &str, text: &str) -> Result<Lesson, LessonError> {
    let mut lesson: Lesson = toml::from_str(text).map_err(|error| {
        let (line, column) = error.span().map_or((0, 0), |span| line_column(text, span.start));
        LessonError { file: file.to_string(), line, column, message: error.message().trim().to_string() }
    })?;
    lesson.file = file.to_string();
    validate(&lesson, text)?;
    Ok(lesson)
}

/// Parses every lesson file (`(file name, text)`), refuses a repeated id, and orders the lessons
/// by number. build.rs runs it on lessons/ at build time; the tests run it again.
pub fn parse_lessons(files: &[(&str, &str)]) -> Result<Vec<Lesson>, LessonError> {
    let mut lessons: Vec<Lesson> = Vec::with_capacity(files.len());
    for (file, text) in files {
        let lesson = parse_lesson(file, text)?;
        if let Some(other) = lessons.iter().find(|l| l.id == lesson.id) {
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
    Ok(lessons)
}

fn validate(lesson: &Lesson, text: &str) -> Result<(), LessonError> {
    // Find the line of a word, for errors serde could not place.
    let error_at = |needle: &str, message: String| {
        let (line, column) = text.find(needle).map_or((0, 0), |at| line_column(text, at));
        LessonError { file: lesson.file.clone(), line, column, message }
    };
    if lesson.id.is_empty() || !lesson.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(error_at("id", format!("id '{}' must be lower-case letters, digits and '-' (it goes in URLs)", lesson.id)));
    }
    if lesson.steps.is_empty() {
        return Err(error_at("title", "a lesson needs at least one [[steps]]".to_string()));
    }
    if lesson.test_seeds.is_empty() {
        return Err(error_at("test_seeds", "test_seeds must list at least one seed".to_string()));
    }
    let step_actions = lesson.steps.iter().flat_map(|s| s.actions.iter().chain(s.solution.iter()));
    for action in lesson.setup.iter().chain(step_actions) {
        if let Action::ProduceOne { count, .. } = action {
            if *count > MAX_PRODUCE_ONE {
                return Err(error_at("produce_one", format!("produce_one count {count} is too many: at most {MAX_PRODUCE_ONE}")));
            }
        }
        if let Action::AddProducer { scenario, rate, .. } = action {
            if ScenarioKind::from_name(scenario).is_none() {
                let known: Vec<&str> = ScenarioKind::ALL.iter().map(|k| k.name()).collect();
                return Err(error_at(
                    &format!("\"{scenario}\""),
                    format!("unknown scenario '{scenario}': use one of {}", known.join(", ")),
                ));
            }
            if !rate.is_finite() || *rate < 0.0 {
                return Err(error_at(&format!("\"{scenario}\""), format!("rate {rate} must be 0 or more events per second")));
            }
        }
    }
    Ok(())
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, byte_offset: usize) -> (usize, usize) {
    let mut offset = byte_offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}
