//! Light and dark themes. The page follows the system (`prefers-color-scheme`) until the learner
//! picks one; the choice is stored in localStorage and applied as `data-theme` on `<html>`.

const STORAGE_KEY: &str = "streamlab.theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }

    fn parse(name: &str) -> Option<Theme> {
        match name {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// The stored choice if there is a valid one, else what the system prefers. Anything unreadable
/// (no storage, a corrupt entry) falls back to the system preference.
pub fn initial_theme() -> Theme {
    stored_theme().unwrap_or_else(system_theme)
}

fn stored_theme() -> Option<Theme> {
    let storage = web_sys::window()?.local_storage().ok()??;
    Theme::parse(&storage.get_item(STORAGE_KEY).ok()??)
}

fn system_theme() -> Theme {
    let prefers_dark = web_sys::window()
        .and_then(|window| window.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .map(|query| query.matches())
        .unwrap_or(false);
    if prefers_dark {
        Theme::Dark
    } else {
        Theme::Light
    }
}

/// Applies the theme to the document and remembers it. Storage failures (private mode, quota)
/// only lose the memory of the choice, never the choice itself.
pub fn apply_and_store(theme: Theme) {
    let Some(window) = web_sys::window() else { return };
    if let Some(root) = window.document().and_then(|document| document.document_element()) {
        let _ = root.set_attribute("data-theme", theme.name());
    }
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.set_item(STORAGE_KEY, theme.name());
    }
}
