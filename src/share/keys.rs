//! Presenter keys: one pure mapping from a key press to a [`Command`], so the browser's single
//! keydown dispatcher (src/ui/presenter) stays thin and every rule is tested natively.
//!
//! **Focus arbitration:** while an input or the SQL editor has focus, every key belongs to it
//! (typing `f` in a query never goes full screen); only Esc is ours, and it hands focus back to
//! navigation. Keys with Ctrl, Alt or Meta are the browser's and the editor's (Ctrl+Enter runs).

use serde::{Deserialize, Serialize};

/// What a presenter key asks for. Navigation commands go to whatever screen shows steps (a
/// lesson; in the sandbox, the statements of the demo script).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Next,
    Previous,
    First,
    Last,
    /// Open the lesson list to go to another lesson.
    GoToLesson,
    /// Full screen and the projector theme, together.
    TogglePresenterMode,
    TypeLarger,
    TypeSmaller,
    TypeReset,
    ToggleHelp,
    ToggleBlackout,
    OpenSpeakerView,
    /// Scripted typing: the current step's (or the demo's next) SQL types itself, then runs.
    TypeSql,
    /// The sandbox's two-pane demo layout (statements left, a running push query right) on or off.
    ToggleDemoLayout,
    /// In the editor: give focus back to navigation. Elsewhere: close the overlay or blackout.
    Escape,
}

impl Command {
    /// Step navigation: only taken from the page when something has steps (a lesson, a demo
    /// script) or presenter mode is on; otherwise Space and the arrows keep scrolling the page.
    pub fn is_navigation(self) -> bool {
        matches!(self, Command::Next | Command::Previous | Command::First | Command::Last)
    }
}

/// Modifier keys held with a key press.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    pub ctrl: bool,
    pub alt: bool,
    pub meta: bool,
    pub shift: bool,
}

/// `key` is `KeyboardEvent.key` ("ArrowRight", " ", "f", "F", "?", "+").
pub fn key_to_command(key: &str, modifiers: Modifiers, focus_in_editor: bool) -> Option<Command> {
    if modifiers.ctrl || modifiers.alt || modifiers.meta {
        return None;
    }
    if key == "Escape" {
        return Some(Command::Escape);
    }
    if focus_in_editor {
        return None;
    }
    let command = match key {
        // Presentation remotes send PageDown and PageUp. ↑ and ↓ stay the page's (scrolling).
        "ArrowRight" | " " | "PageDown" => Command::Next,
        "ArrowLeft" | "PageUp" => Command::Previous,
        "Home" => Command::First,
        "End" => Command::Last,
        "g" | "G" => Command::GoToLesson,
        "f" | "F" => Command::TogglePresenterMode,
        "+" | "=" => Command::TypeLarger,
        "-" | "_" => Command::TypeSmaller,
        "0" => Command::TypeReset,
        "?" => Command::ToggleHelp,
        // Presentation remotes send "." (PowerPoint's blackout key) as well as "b".
        "b" | "B" | "." => Command::ToggleBlackout,
        "p" | "P" => Command::OpenSpeakerView,
        "t" | "T" => Command::TypeSql,
        "d" | "D" => Command::ToggleDemoLayout,
        _ => return None,
    };
    Some(command)
}

/// The shortcut overlay's rows: keys as shown, what they do, and a key that triggers it (the
/// test checks each row against [`key_to_command`], so the overlay cannot lie).
pub const SHORTCUTS: &[(&str, &str, &str, Command)] = &[
    ("→ / Space", "next step", "ArrowRight", Command::Next),
    ("←", "previous step", "ArrowLeft", Command::Previous),
    ("Home / End", "first / last step", "Home", Command::First),
    ("G", "go to a lesson", "g", Command::GoToLesson),
    ("F", "presenter mode: full screen, projector theme", "f", Command::TogglePresenterMode),
    ("+ / −", "larger / smaller type", "+", Command::TypeLarger),
    ("0", "normal type size", "0", Command::TypeReset),
    ("T", "type the step's SQL into the console, then run it", "t", Command::TypeSql),
    ("D", "demo layout: statements left, a running push query right (sandbox)", "d", Command::ToggleDemoLayout),
    ("B", "blackout (any key returns)", "b", Command::ToggleBlackout),
    ("P", "open the speaker view in a new window", "p", Command::OpenSpeakerView),
    ("?", "this overlay", "?", Command::ToggleHelp),
    ("Esc", "leave the SQL editor; close this overlay", "Escape", Command::Escape),
];

/// Type scale steps of presenter mode (1.0 = the page's own size).
pub const TYPE_SCALES: [f64; 9] = [0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5];
const NORMAL_SCALE_INDEX: usize = 2;

/// What presenter mode shows, apart from the screen underneath. Pure: the UI applies
/// [`PresenterState::apply`] and then mirrors the state into the DOM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PresenterState {
    /// Full screen and the projector theme.
    pub presenting: bool,
    pub help: bool,
    pub blackout: bool,
    /// Index into [`TYPE_SCALES`].
    pub scale_index: usize,
}

impl Default for PresenterState {
    fn default() -> Self {
        PresenterState { presenting: false, help: false, blackout: false, scale_index: NORMAL_SCALE_INDEX }
    }
}

/// What the UI must do beyond re-rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    None,
    /// The command changed the overlay state only.
    Redraw,
    /// Blur the focused editor.
    BlurEditor,
    EnterFullscreen,
    ExitFullscreen,
    /// Navigation, typing, speaker view, lesson list: for the screen or the window to carry out.
    Forward(Command),
}

impl PresenterState {
    pub fn type_scale(&self) -> f64 {
        TYPE_SCALES.get(self.scale_index).copied().unwrap_or(1.0)
    }

    /// Carries out `command`; `focus_in_editor` decides what Esc does.
    pub fn apply(&mut self, command: Command, focus_in_editor: bool) -> Effect {
        // A blacked-out screen comes back on any key, and does nothing else.
        if self.blackout {
            self.blackout = false;
            return Effect::Redraw;
        }
        match command {
            Command::Escape if focus_in_editor => Effect::BlurEditor,
            Command::Escape => {
                if self.help {
                    self.help = false;
                    Effect::Redraw
                } else {
                    Effect::None
                }
            }
            Command::ToggleHelp => {
                self.help = !self.help;
                Effect::Redraw
            }
            Command::ToggleBlackout => {
                self.blackout = true;
                self.help = false;
                Effect::Redraw
            }
            Command::TypeLarger => {
                self.scale_index = (self.scale_index + 1).min(TYPE_SCALES.len() - 1);
                Effect::Redraw
            }
            Command::TypeSmaller => {
                self.scale_index = self.scale_index.saturating_sub(1);
                Effect::Redraw
            }
            Command::TypeReset => {
                self.scale_index = NORMAL_SCALE_INDEX;
                Effect::Redraw
            }
            Command::TogglePresenterMode => {
                self.presenting = !self.presenting;
                if self.presenting {
                    Effect::EnterFullscreen
                } else {
                    Effect::ExitFullscreen
                }
            }
            other => {
                self.help = false;
                Effect::Forward(other)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Modifiers = Modifiers { ctrl: false, alt: false, meta: false, shift: false };

    fn check(key: &str, in_editor: bool, expected: Option<Command>) {
        assert_eq!(key_to_command(key, NONE, in_editor), expected, "key {key:?}, in editor: {in_editor}");
    }

    #[test]
    fn navigation_and_presenter_keys() {
        check("ArrowRight", false, Some(Command::Next));
        check(" ", false, Some(Command::Next));
        check("ArrowLeft", false, Some(Command::Previous));
        check("Home", false, Some(Command::First));
        check("End", false, Some(Command::Last));
        check("F", false, Some(Command::TogglePresenterMode));
        check("?", false, Some(Command::ToggleHelp));
        check("b", false, Some(Command::ToggleBlackout));
        check(".", false, Some(Command::ToggleBlackout));
        check("P", false, Some(Command::OpenSpeakerView));
        check("d", false, Some(Command::ToggleDemoLayout));
        check("D", false, Some(Command::ToggleDemoLayout));
        check("x", false, None);
        check("ArrowDown", false, None);
        assert!(Command::Next.is_navigation() && !Command::TypeSql.is_navigation());
        check("Enter", false, None);
    }

    #[test]
    fn the_editor_keeps_every_key_but_escape() {
        for key in ["f", "F", " ", "ArrowRight", "ArrowLeft", "Home", "End", "b", "?", "+", "-", "p", "t", "g", "d", "D"] {
            check(key, true, None);
        }
        check("Escape", true, Some(Command::Escape));
    }

    #[test]
    fn modified_keys_belong_to_the_browser() {
        let ctrl = Modifiers { ctrl: true, ..NONE };
        let meta = Modifiers { meta: true, ..NONE };
        assert_eq!(key_to_command("f", ctrl, false), None);
        assert_eq!(key_to_command("ArrowRight", meta, false), None);
        assert_eq!(key_to_command("+", Modifiers { alt: true, ..NONE }, false), None);
        // Shift is how "?" and "+" are typed on most layouts.
        assert_eq!(key_to_command("?", Modifiers { shift: true, ..NONE }, false), Some(Command::ToggleHelp));
    }

    #[test]
    fn the_overlay_lists_keys_that_work() {
        for (shown, _, key, command) in SHORTCUTS {
            assert_eq!(key_to_command(key, NONE, false), Some(*command), "overlay row {shown}");
        }
    }

    #[test]
    fn state_changes() {
        let mut state = PresenterState::default();
        assert_eq!(state.type_scale(), 1.0);
        assert_eq!(state.apply(Command::TogglePresenterMode, false), Effect::EnterFullscreen);
        assert!(state.presenting);
        for _ in 0..20 {
            state.apply(Command::TypeLarger, false);
        }
        assert_eq!(state.type_scale(), 2.5);
        state.apply(Command::TypeReset, false);
        state.apply(Command::TypeSmaller, false);
        state.apply(Command::TypeSmaller, false);
        state.apply(Command::TypeSmaller, false);
        assert_eq!(state.type_scale(), 0.8);
        assert_eq!(state.apply(Command::ToggleHelp, false), Effect::Redraw);
        assert!(state.help);
        assert_eq!(state.apply(Command::Escape, false), Effect::Redraw);
        assert!(!state.help);
        assert_eq!(state.apply(Command::Escape, true), Effect::BlurEditor);
        assert_eq!(state.apply(Command::TogglePresenterMode, false), Effect::ExitFullscreen);
    }

    #[test]
    fn blackout_returns_on_any_key_and_swallows_it() {
        let mut state = PresenterState::default();
        state.apply(Command::ToggleBlackout, false);
        assert!(state.blackout);
        assert_eq!(state.apply(Command::Next, false), Effect::Redraw, "the first key only lifts the blackout");
        assert!(!state.blackout);
        assert_eq!(state.apply(Command::Next, false), Effect::Forward(Command::Next));
    }
}
