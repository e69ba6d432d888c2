//! Lesson progress in localStorage (key [`STORAGE_KEY`]). The format and its validation are
//! engine-side and tested natively ([`crate::lessons::progress`]); this is only the glue.
//! Storage that cannot be read or written (private mode, quota, disabled) loses the memory of
//! progress, never the page.

use crate::lessons::Progress;

pub const STORAGE_KEY: &str = "streamlab.progress";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The stored progress, or fresh progress with a notice when what is stored cannot be used; the
/// unusable text is replaced at once, so the notice shows once.
pub fn load() -> (Progress, Option<String>) {
    let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let (progress, notice) = Progress::parse(stored.as_deref());
    if notice.is_some() {
        save(&progress);
    }
    (progress, notice)
}

pub fn save(progress: &Progress) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, &progress.to_json());
    }
}
