//! Keyboard navigation through a lesson's steps, as plain logic the player calls with what a
//! key event says (so it is tested natively). Focus arbitration: while a text field has focus,
//! keys belong to it (the SQL editor needs arrows, Home, End and Space), except Alt+←/→, which
//! always move between steps, and Esc, which leaves the field and gives keys back to navigation.

/// What has the keyboard focus when a key is pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// A text field: input, textarea, select, anything editable.
    Text,
    /// A button, a link, a summary: Space and Enter activate it.
    Control,
    /// Nothing in particular (the page).
    Page,
}

/// What a key does in the lesson player.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NavKey {
    Next,
    Previous,
    First,
    Last,
    /// Leave the text field (Esc).
    Blur,
}

/// The modifier keys held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    pub alt: bool,
    pub ctrl_or_meta: bool,
    pub shift: bool,
}

/// The navigation a key press asks for, if any. `key` is the DOM's `KeyboardEvent.key`.
pub fn nav_key(key: &str, modifiers: Modifiers, focus: Focus) -> Option<NavKey> {
    if modifiers.ctrl_or_meta {
        // The browser's and the editor's shortcuts (Ctrl+Enter runs SQL).
        return None;
    }
    if modifiers.alt {
        return match key {
            "ArrowRight" => Some(NavKey::Next),
            "ArrowLeft" => Some(NavKey::Previous),
            _ => None,
        };
    }
    match (key, focus) {
        ("Escape", Focus::Text) => Some(NavKey::Blur),
        (_, Focus::Text) => None,
        ("ArrowRight", _) => Some(NavKey::Next),
        ("ArrowLeft", _) => Some(NavKey::Previous),
        ("Home", _) => Some(NavKey::First),
        ("End", _) => Some(NavKey::Last),
        // On a button, Space presses the button.
        (" ", Focus::Page) if !modifiers.shift => Some(NavKey::Next),
        _ => None,
    }
}

/// The step a navigation leads to from `current` in a lesson of `n_steps`; `None` when it
/// leads nowhere new (Next on the last step).
pub fn target_step(nav: NavKey, current: usize, n_steps: usize) -> Option<usize> {
    let last = n_steps.checked_sub(1)?;
    let target = match nav {
        NavKey::Next => current.checked_add(1).filter(|&t| t <= last)?,
        NavKey::Previous => current.checked_sub(1)?,
        NavKey::First => 0,
        NavKey::Last => last,
        NavKey::Blur => return None,
    };
    (target != current).then_some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Modifiers = Modifiers { alt: false, ctrl_or_meta: false, shift: false };
    const ALT: Modifiers = Modifiers { alt: true, ctrl_or_meta: false, shift: false };
    const CTRL: Modifiers = Modifiers { alt: false, ctrl_or_meta: true, shift: false };

    #[test]
    fn arrows_space_home_end_navigate_outside_text_fields() {
        assert_eq!(nav_key("ArrowRight", NONE, Focus::Page), Some(NavKey::Next));
        assert_eq!(nav_key(" ", NONE, Focus::Page), Some(NavKey::Next));
        assert_eq!(nav_key("ArrowLeft", NONE, Focus::Control), Some(NavKey::Previous));
        assert_eq!(nav_key("Home", NONE, Focus::Page), Some(NavKey::First));
        assert_eq!(nav_key("End", NONE, Focus::Control), Some(NavKey::Last));
        assert_eq!(nav_key("x", NONE, Focus::Page), None);
    }

    #[test]
    fn space_presses_a_focused_button_instead() {
        assert_eq!(nav_key(" ", NONE, Focus::Control), None);
        assert_eq!(nav_key(" ", Modifiers { shift: true, ..NONE }, Focus::Page), None);
    }

    #[test]
    fn text_fields_keep_their_keys_but_alt_arrows_and_escape() {
        for key in ["ArrowRight", "ArrowLeft", "Home", "End", " "] {
            assert_eq!(nav_key(key, NONE, Focus::Text), None, "{key} belongs to the editor");
        }
        assert_eq!(nav_key("ArrowRight", ALT, Focus::Text), Some(NavKey::Next));
        assert_eq!(nav_key("ArrowLeft", ALT, Focus::Text), Some(NavKey::Previous));
        assert_eq!(nav_key("Escape", NONE, Focus::Text), Some(NavKey::Blur));
        assert_eq!(nav_key("Escape", NONE, Focus::Page), None);
    }

    #[test]
    fn ctrl_and_cmd_shortcuts_are_left_alone() {
        assert_eq!(nav_key("Enter", CTRL, Focus::Text), None);
        assert_eq!(nav_key("ArrowRight", CTRL, Focus::Page), None);
    }

    #[test]
    fn targets_stay_inside_the_lesson() {
        assert_eq!(target_step(NavKey::Next, 0, 5), Some(1));
        assert_eq!(target_step(NavKey::Next, 4, 5), None);
        assert_eq!(target_step(NavKey::Previous, 0, 5), None);
        assert_eq!(target_step(NavKey::Previous, 3, 5), Some(2));
        assert_eq!(target_step(NavKey::First, 3, 5), Some(0));
        assert_eq!(target_step(NavKey::First, 0, 5), None);
        assert_eq!(target_step(NavKey::Last, 1, 5), Some(4));
        assert_eq!(target_step(NavKey::Last, 4, 5), None);
        assert_eq!(target_step(NavKey::Next, 0, 0), None);
        assert_eq!(target_step(NavKey::Blur, 1, 5), None);
        assert_eq!(target_step(NavKey::Next, usize::MAX, usize::MAX), None);
    }
}
