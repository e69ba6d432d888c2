//! The speaker view's protocol: two windows of the same page (the audience's and the speaker's)
//! talk over a BroadcastChannel named [`CHANNEL`]. Messages are JSON of [`SpeakerMessage`].
//!
//! The audience window is the source of truth: it announces where the presentation is
//! ([`DeckState`]) whenever that changes or a speaker window says [`SpeakerMessage::Hello`]; the
//! speaker window sends [`SpeakerMessage::Command`]s (next step, blackout, type the SQL) that the
//! audience window carries out as if its own key had been pressed, so it follows the speaker.

use super::keys::Command;
use serde::{Deserialize, Serialize};

/// The BroadcastChannel's name.
pub const CHANNEL: &str = "streamlab-presenter";
/// The query parameter that opens the speaker view (`index.html?speaker`): relative, so it
/// works under any sub-path.
pub const SPEAKER_QUERY: &str = "speaker";
/// A message longer than this is ignored (the channel is same-origin, but input is input).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// Where the presentation is: what the speaker view shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeckState {
    /// The screen's title ("Sandbox demo", a lesson's title).
    pub title: String,
    /// 0-based index of the current step, if any step is current.
    pub step: Option<u32>,
    pub n_steps: u32,
    pub current_title: String,
    pub next_title: Option<String>,
    /// Speaker notes as Markdown; the speaker window renders them itself (safe HTML).
    pub notes_markdown: String,
    /// Presenter mode and blackout of the audience window, so the speaker sees what the room sees.
    pub presenting: bool,
    pub blackout: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SpeakerMessage {
    /// A speaker window opened and asks for the state.
    Hello,
    State { state: DeckState },
    Command { command: Command },
}

impl SpeakerMessage {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<SpeakerMessage, String> {
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(format!("message of {} bytes, at most {MAX_MESSAGE_BYTES}", text.len()));
        }
        serde_json::from_str(text).map_err(|error| error.to_string())
    }
}

/// Is this `location.search` the speaker view's? (`?speaker`, `?speaker=1`, `?a=b&speaker`)
pub fn is_speaker_route(search: &str) -> bool {
    search.strip_prefix('?').unwrap_or(search).split('&').any(|pair| pair.split('=').next() == Some(SPEAKER_QUERY))
}

/// Elapsed time as a speaker reads it: `4:05`, `1:02:03`.
pub fn format_elapsed(ms: f64) -> String {
    let seconds = if ms.is_finite() && ms > 0.0 { (ms / 1000.0) as u64 } else { 0 };
    let (hours, minutes, seconds) = (seconds / 3600, (seconds / 60) % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_as_json() {
        let state = DeckState {
            title: "The duality".into(),
            step: Some(1),
            n_steps: 4,
            current_title: "A table is a stream".into(),
            next_title: None,
            notes_markdown: "Pause *here*".into(),
            presenting: true,
            blackout: false,
        };
        for message in [SpeakerMessage::Hello, SpeakerMessage::State { state }, SpeakerMessage::Command { command: Command::Next }] {
            assert_eq!(SpeakerMessage::from_json(&message.to_json()), Ok(message));
        }
        assert_eq!(SpeakerMessage::Command { command: Command::ToggleBlackout }.to_json(), r#"{"type":"command","command":"toggle_blackout"}"#);
    }

    #[test]
    fn bad_messages_are_errors() {
        assert!(SpeakerMessage::from_json("").is_err());
        assert!(SpeakerMessage::from_json(r#"{"type":"command","command":"self_destruct"}"#).is_err());
        assert!(SpeakerMessage::from_json(&" ".repeat(MAX_MESSAGE_BYTES + 1)).is_err());
    }

    #[test]
    fn speaker_route() {
        assert!(is_speaker_route("?speaker"));
        assert!(is_speaker_route("?x=1&speaker=1"));
        assert!(!is_speaker_route(""));
        assert!(!is_speaker_route("?speakers"));
    }

    #[test]
    fn elapsed() {
        assert_eq!(format_elapsed(0.0), "0:00");
        assert_eq!(format_elapsed(245_900.0), "4:05");
        assert_eq!(format_elapsed(3_723_000.0), "1:02:03");
        assert_eq!(format_elapsed(f64::NAN), "0:00");
    }
}
