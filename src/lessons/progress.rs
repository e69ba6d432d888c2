//! The learner's progress through the lessons, as the page stores it (localStorage, key
//! `streamlab.progress`): which steps of which lesson are done, and where they were.
//!
//! The stored text is versioned (`{"version":1,"lessons":{...}}`). Stored state is input like
//! any other: [`Progress::parse`] accepts only what it can fully understand, and anything else
//! (not JSON, another shape, an unknown version, more than [`MAX_PROGRESS_BYTES`]) gives fresh
//! progress plus a sentence the UI shows, never a panic.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The format this code writes and reads.
pub const PROGRESS_VERSION: u32 = 1;
/// More than this is not something we wrote (twelve lessons take well under a kilobyte).
pub const MAX_PROGRESS_BYTES: usize = 64 * 1024;
/// No lesson has this many steps; a larger index is damage, not progress.
pub const MAX_STEP_INDEX: usize = 999;
/// Lesson ids are short words (`duality`); a longer key is damage.
const MAX_LESSON_ID_LEN: usize = 64;

/// One lesson's progress: the steps whose goal the learner reached (0-based) and the step they
/// were on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonProgress {
    #[serde(default)]
    pub done: BTreeSet<usize>,
    #[serde(default)]
    pub step: usize,
}

/// Every lesson's progress, by lesson id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub lessons: BTreeMap<String, LessonProgress>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredProgress {
    version: u32,
    #[serde(default)]
    lessons: BTreeMap<String, LessonProgress>,
}

/// Only the version, read first so that a newer format is reported as such.
#[derive(Deserialize)]
struct VersionOnly {
    version: Option<serde_json::Value>,
}

impl Progress {
    /// Reads stored progress. `None` (nothing stored) is fresh progress without a notice; text
    /// we cannot fully use is fresh progress with the reason, for the learner.
    pub fn parse(stored: Option<&str>) -> (Progress, Option<String>) {
        let Some(text) = stored else { return (Progress::default(), None) };
        match Progress::parse_text(text) {
            Ok(progress) => (progress, None),
            Err(reason) => (Progress::default(), Some(format!("Your saved lesson progress could not be read ({reason}), so it was reset."))),
        }
    }

    fn parse_text(text: &str) -> Result<Progress, String> {
        if text.len() > MAX_PROGRESS_BYTES {
            return Err(format!("it is {} bytes, more than the {MAX_PROGRESS_BYTES} expected", text.len()));
        }
        let version = serde_json::from_str::<VersionOnly>(text).map_err(|_| "it is not the JSON we write".to_string())?.version;
        match version {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(PROGRESS_VERSION)) => {}
            Some(other) => return Err(format!("it has version {other}, this page reads version {PROGRESS_VERSION}")),
            None => return Err("it has no version".to_string()),
        }
        let stored: StoredProgress = serde_json::from_str(text).map_err(|e| format!("it is damaged: {e}"))?;
        for (id, lesson) in &stored.lessons {
            if id.is_empty() || id.len() > MAX_LESSON_ID_LEN {
                return Err("it names a lesson that cannot exist".to_string());
            }
            if lesson.step > MAX_STEP_INDEX || lesson.done.iter().any(|&s| s > MAX_STEP_INDEX) {
                return Err(format!("lesson '{id}' has a step number out of range"));
            }
        }
        Ok(Progress { lessons: stored.lessons })
    }

    /// The text to store.
    pub fn to_json(&self) -> String {
        let stored = StoredProgress { version: PROGRESS_VERSION, lessons: self.lessons.clone() };
        serde_json::to_string(&stored).unwrap_or_else(|_| format!("{{\"version\":{PROGRESS_VERSION}}}"))
    }

    pub fn lesson(&self, id: &str) -> Option<&LessonProgress> {
        self.lessons.get(id)
    }

    /// Steps done out of `n_steps` (indices past the lesson's end, from an older lesson file,
    /// do not count).
    pub fn n_done(&self, id: &str, n_steps: usize) -> usize {
        self.lesson(id).map_or(0, |l| l.done.range(..n_steps).count())
    }

    pub fn is_finished(&self, id: &str, n_steps: usize) -> bool {
        n_steps > 0 && self.n_done(id, n_steps) == n_steps
    }

    pub fn is_step_done(&self, id: &str, step: usize) -> bool {
        self.lesson(id).is_some_and(|l| l.done.contains(&step))
    }

    /// The step to open a lesson at: where the learner was, within the lesson.
    pub fn resume_step(&self, id: &str, n_steps: usize) -> usize {
        self.lesson(id).map_or(0, |l| l.step.min(n_steps.saturating_sub(1)))
    }

    /// Marks a step done; returns whether anything changed.
    pub fn mark_done(&mut self, id: &str, step: usize) -> bool {
        step <= MAX_STEP_INDEX && self.lessons.entry(id.to_string()).or_default().done.insert(step)
    }

    /// Remembers the step the learner is on; returns whether anything changed.
    pub fn set_step(&mut self, id: &str, step: usize) -> bool {
        let lesson = self.lessons.entry(id.to_string()).or_default();
        let step = step.min(MAX_STEP_INDEX);
        let changed = lesson.step != step;
        lesson.step = step;
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Progress, Option<String>) {
        Progress::parse(Some(text))
    }

    #[test]
    fn nothing_stored_is_fresh_progress_without_a_notice() {
        assert_eq!(Progress::parse(None), (Progress::default(), None));
    }

    #[test]
    fn what_we_write_reads_back() {
        let mut progress = Progress::default();
        assert!(progress.mark_done("duality", 0));
        assert!(!progress.mark_done("duality", 0), "twice is once");
        progress.mark_done("duality", 2);
        progress.set_step("duality", 3);
        progress.mark_done("the-log", 1);
        let text = progress.to_json();
        assert!(text.starts_with("{\"version\":1,"), "{text}");
        assert_eq!(parse(&text), (progress.clone(), None));
        assert_eq!(progress.n_done("duality", 5), 2);
        assert_eq!(progress.resume_step("duality", 5), 3);
        assert!(progress.is_step_done("duality", 2) && !progress.is_step_done("duality", 1));
    }

    #[test]
    fn a_lesson_is_finished_when_every_step_is_done() {
        let mut progress = Progress::default();
        for step in 0..3 {
            assert!(!progress.is_finished("decoupling", 3));
            progress.mark_done("decoupling", step);
        }
        assert!(progress.is_finished("decoupling", 3));
        assert!(!progress.is_finished("decoupling", 4), "a lesson that grew a step is not finished");
        assert!(!progress.is_finished("unknown", 0), "nothing to finish");
        progress.mark_done("decoupling", 7);
        assert_eq!(progress.n_done("decoupling", 3), 3, "steps past the end do not count");
    }

    #[test]
    fn resume_step_stays_inside_the_lesson() {
        let (progress, notice) = parse(r#"{"version":1,"lessons":{"duality":{"done":[],"step":40}}}"#);
        assert_eq!(notice, None);
        assert_eq!(progress.resume_step("duality", 5), 4);
        assert_eq!(progress.resume_step("other", 5), 0);
    }

    #[test]
    fn damaged_text_resets_with_a_notice() {
        for (text, reason) in [
            ("{not json", "not the JSON"),
            ("", "not the JSON"),
            ("[1,2,3]", "not the JSON"),
            ("{}", "no version"),
            (r#"{"version":2,"lessons":{}}"#, "version 2"),
            (r#"{"version":"1","lessons":{}}"#, "version \"1\""),
            (r#"{"version":1,"lessons":{"duality":{"done":"all"}}}"#, "damaged"),
            (r#"{"version":1,"lessons":{"duality":{"done":[-1]}}}"#, "damaged"),
            (r#"{"version":1,"lessons":{"duality":{"done":[1],"extra":true}}}"#, "damaged"),
            (r#"{"version":1,"lessons":{"duality":{"done":[100000]}}}"#, "out of range"),
            (r#"{"version":1,"lessons":{"":{"done":[0]}}}"#, "cannot exist"),
        ] {
            let (progress, notice) = parse(text);
            assert_eq!(progress, Progress::default(), "{text}");
            let notice = notice.unwrap_or_default();
            assert!(notice.contains(reason) && notice.contains("reset"), "{text}: {notice}");
        }
    }

    #[test]
    fn oversized_text_resets_without_being_parsed() {
        let text = format!(r#"{{"version":1,"lessons":{{}},"pad":"{}"}}"#, "x".repeat(MAX_PROGRESS_BYTES));
        let (progress, notice) = parse(&text);
        assert_eq!(progress, Progress::default());
        assert!(notice.unwrap_or_default().contains("bytes"));
    }
}
