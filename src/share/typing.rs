//! Scripted typing: how a statement types itself into the console at a readable pace. Pure, so
//! the browser part (a chain of timeouts in src/ui/presenter/typing.rs) only follows the plan.

/// Characters per second a room can follow.
pub const CHARS_PER_SECOND: f64 = 40.0;
/// Typing never takes longer than this, however long the statement: a long one goes faster.
pub const MAX_TYPING_MS: f64 = 6_000.0;
/// The pause after the last character, before the statement runs.
pub const PAUSE_BEFORE_RUN_MS: u32 = 400;

/// One frame of typing: show the text up to byte `end`, `delay_ms` after the previous frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypingFrame {
    pub end: usize,
    pub delay_ms: u32,
}

/// The frames that type `text`: one per character (on char boundaries), a line break a little
/// slower (a typist's pause), whitespace runs at once. The last frame shows the whole text.
pub fn typing_plan(text: &str) -> Vec<TypingFrame> {
    let n_chars = text.chars().count().max(1) as f64;
    let chars_per_second = CHARS_PER_SECOND.max(n_chars * 1000.0 / MAX_TYPING_MS);
    let per_char_ms = (1000.0 / chars_per_second).round() as u32;
    let mut frames = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let end = at + c.len_utf8();
        // Spaces go out with the next visible character.
        if c == ' ' && chars.peek().is_some() {
            continue;
        }
        let delay_ms = if c == '\n' { per_char_ms.saturating_mul(4) } else { per_char_ms };
        frames.push(TypingFrame { end, delay_ms });
    }
    frames
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_every_character_in_order_on_boundaries() {
        let text = "SELECT *\nFROM s — ü;";
        let plan = typing_plan(text);
        assert_eq!(plan.last().map(|f| f.end), Some(text.len()));
        assert!(plan.windows(2).all(|w| w[0].end < w[1].end));
        assert!(plan.iter().all(|f| text.is_char_boundary(f.end)));
        // "SELECT *" has one space: 8 characters, 7 frames.
        assert_eq!(plan.iter().filter(|f| f.end <= 8).count(), 7);
        assert_eq!(plan.get(7).map(|f| f.delay_ms), Some(100), "the line break pauses");
    }

    #[test]
    fn readable_speed_and_bounded_time() {
        let short: u32 = typing_plan("SHOW TOPICS;").iter().map(|f| f.delay_ms).sum();
        assert_eq!(short, 11 * 25);
        let long_text = "x".repeat(5_000);
        let long: u32 = typing_plan(&long_text).iter().map(|f| f.delay_ms).sum();
        assert!(long as f64 <= MAX_TYPING_MS * 1.2, "{long} ms");
        assert!(typing_plan("").is_empty());
    }
}
