//! Deep links: the URL fragment that reopens a demo exactly as it was. It carries the lesson (and
//! step) or the sandbox, the world's seed, the speed, the editor's SQL and (optionally, since
//! the two-pane demo layout) the sandbox's layout.
//!
//! Format: `#v1/` followed by base64url (no padding) of the raw-deflate compression of a small JSON
//! object, e.g. `{"seed":7,"speed":10,"sql":"SHOW TOPICS;"}`. The version prefix comes first so a
//! later format can be told apart (and an old link still names its version in the error).
//!
//! **Invariant:** decoding is total. Whatever the fragment (typed, truncated by a chat client,
//! from a later version), [`decode`] returns a [`DemoLink`] or a [`FragmentError`] that says what
//! is wrong; it never panics and never inflates more than [`MAX_DECODED_BYTES`].
//! **Invariant:** `decode(&encode(link)?) == Ok(link)` for every valid link (property-tested).

use super::layout::Layout;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The only version this build writes and reads.
pub const VERSION: &str = "v1";
/// The longest fragment accepted (characters after `#`): far above what a demo needs, below
/// what browsers and chat clients keep.
pub const MAX_FRAGMENT_LEN: usize = 16_384;
/// The most bytes the compressed part may inflate to (a zip bomb stops here).
pub const MAX_DECODED_BYTES: usize = 65_536;
/// The longest SQL a link carries.
pub const MAX_SQL_BYTES: usize = 32_768;
/// Lesson ids are short slugs (`duality`, `ksql-examples`).
pub const MAX_LESSON_ID_LEN: usize = 64;
/// Virtual milliseconds per wall millisecond, as the sandbox's speed buttons offer.
pub const MIN_SPEED: u32 = 1;
pub const MAX_SPEED: u32 = 1000;

/// What a deep link reopens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoLink {
    /// A lesson id; `None` opens the sandbox.
    #[serde(rename = "lesson", default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<String>,
    /// 0-based step of the lesson (only with a lesson).
    #[serde(rename = "step", default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
    /// The world's seed: same seed, same records and offsets.
    pub seed: u64,
    /// Speed of virtual time: virtual milliseconds per wall millisecond (1 to 1000).
    pub speed: u32,
    /// What the SQL editor holds.
    #[serde(default)]
    pub sql: String,
    /// The sandbox's layout. Optional: links made before it existed open the standard layout,
    /// and a standard-layout link is written without it (byte for byte as before).
    #[serde(default, skip_serializing_if = "Layout::is_standard")]
    pub layout: Layout,
}

/// Why a fragment could not be opened. Each says what is wrong, in words for the notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FragmentError {
    Empty,
    /// Not of the form `v<N>/...`.
    NotALink,
    UnknownVersion { version: String },
    TooLong { length: usize, max: usize },
    /// Not base64url at this character (0-based, after the version prefix).
    NotBase64 { detail: String },
    /// The compressed data ends early or is corrupt (a truncated link).
    Corrupt,
    /// It inflates to more than [`MAX_DECODED_BYTES`].
    TooLarge { max: usize },
    /// The decompressed text is not UTF-8 (byte offset of the first bad byte).
    NotUtf8 { at: usize },
    /// The JSON inside does not describe a demo.
    BadContent { detail: String },
    /// A field has a value no demo can have.
    BadField { field: &'static str, detail: String },
}

impl fmt::Display for FragmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FragmentError::Empty => write!(f, "the link has no demo in it (the part after # is empty)"),
            FragmentError::NotALink => write!(f, "the part after # is not a streamlab demo link (it should start with {VERSION}/)"),
            FragmentError::UnknownVersion { version } => {
                write!(f, "the link is in format {version}, which this version of streamlab cannot read (it reads {VERSION})")
            }
            FragmentError::TooLong { length, max } => write!(f, "the link is {length} characters long; at most {max} are accepted"),
            FragmentError::NotBase64 { detail } => write!(f, "the link is damaged ({detail}); was it copied completely?"),
            FragmentError::Corrupt => write!(f, "the link is damaged or cut short; was it copied completely?"),
            FragmentError::TooLarge { max } => write!(f, "the link's content is larger than {max} bytes"),
            FragmentError::NotUtf8 { at } => write!(f, "the link's content is not text (invalid UTF-8 at byte {at})"),
            FragmentError::BadContent { detail } => write!(f, "the link does not describe a demo: {detail}"),
            FragmentError::BadField { field, detail } => write!(f, "the link's {field} is not valid: {detail}"),
        }
    }
}

impl std::error::Error for FragmentError {}

impl DemoLink {
    /// A sandbox demo.
    pub fn sandbox(seed: u64, speed: u32, sql: impl Into<String>) -> DemoLink {
        DemoLink { lesson: None, step: None, seed, speed, sql: sql.into(), layout: Layout::Standard }
    }

    /// Checks what serde cannot: ranges, lengths and the lesson id's characters.
    pub fn validate(&self) -> Result<(), FragmentError> {
        if !(MIN_SPEED..=MAX_SPEED).contains(&self.speed) {
            return Err(FragmentError::BadField { field: "speed", detail: format!("{} is not between {MIN_SPEED} and {MAX_SPEED}", self.speed) });
        }
        if self.sql.len() > MAX_SQL_BYTES {
            return Err(FragmentError::BadField { field: "SQL", detail: format!("{} bytes, at most {MAX_SQL_BYTES}", self.sql.len()) });
        }
        match &self.lesson {
            Some(id) if !is_lesson_id(id) => {
                return Err(FragmentError::BadField {
                    field: "lesson",
                    detail: format!("'{}' is not a lesson id (lower-case letters, digits, '-' and '_', at most {MAX_LESSON_ID_LEN})", truncate_chars(id, 40)),
                });
            }
            None if self.step.is_some() => {
                return Err(FragmentError::BadField { field: "step", detail: "a step needs a lesson".into() });
            }
            _ => {}
        }
        Ok(())
    }
}

fn is_lesson_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_LESSON_ID_LEN && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn truncate_chars(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().count() > n {
        out.push('…');
    }
    out
}

/// The fragment (without `#`) for a link. Fails only for a link [`DemoLink::validate`] rejects,
/// or whose SQL does not compress below [`MAX_FRAGMENT_LEN`]: a link that encodes always decodes.
pub fn encode(link: &DemoLink) -> Result<String, FragmentError> {
    link.validate()?;
    let json = serde_json::to_vec(link).map_err(|error| FragmentError::BadContent { detail: error.to_string() })?;
    let compressed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    let fragment = format!("{VERSION}/{}", URL_SAFE_NO_PAD.encode(compressed));
    if fragment.len() > MAX_FRAGMENT_LEN {
        return Err(FragmentError::TooLong { length: fragment.len(), max: MAX_FRAGMENT_LEN });
    }
    Ok(fragment)
}

/// Reads a fragment, with or without its leading `#`.
pub fn decode(fragment: &str) -> Result<DemoLink, FragmentError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment).trim();
    if fragment.is_empty() {
        return Err(FragmentError::Empty);
    }
    if fragment.len() > MAX_FRAGMENT_LEN {
        return Err(FragmentError::TooLong { length: fragment.len(), max: MAX_FRAGMENT_LEN });
    }
    let (version, payload) = fragment.split_once('/').ok_or(FragmentError::NotALink)?;
    let is_version = version.len() >= 2 && version.starts_with('v') && version.bytes().skip(1).all(|b| b.is_ascii_digit());
    if !is_version {
        return Err(FragmentError::NotALink);
    }
    if version != VERSION {
        return Err(FragmentError::UnknownVersion { version: version.to_string() });
    }
    let compressed = URL_SAFE_NO_PAD.decode(payload).map_err(|error| FragmentError::NotBase64 { detail: error.to_string() })?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_DECODED_BYTES).map_err(|error| match error.status {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => FragmentError::TooLarge { max: MAX_DECODED_BYTES },
        _ => FragmentError::Corrupt,
    })?;
    let text = std::str::from_utf8(&json).map_err(|error| FragmentError::NotUtf8 { at: error.valid_up_to() })?;
    let link: DemoLink = serde_json::from_str(text).map_err(|error| FragmentError::BadContent { detail: error.to_string() })?;
    link.validate()?;
    Ok(link)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn link() -> DemoLink {
        DemoLink {
            lesson: Some("duality".into()),
            step: Some(2),
            seed: 42,
            speed: 10,
            sql: "SELECT * FROM clicks EMIT CHANGES;\n-- ünïcödé ✓".into(),
            layout: Layout::Standard,
        }
    }

    fn fragment_of_bytes(bytes: &[u8]) -> String {
        format!("v1/{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(bytes, 6)))
    }

    #[test]
    fn round_trip_with_and_without_hash() {
        let fragment = encode(&link()).unwrap();
        assert!(fragment.starts_with("v1/"), "{fragment}");
        assert!(fragment.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_/".contains(&b)), "URL-safe: {fragment}");
        assert_eq!(decode(&fragment), Ok(link()));
        assert_eq!(decode(&format!("#{fragment}")), Ok(link()));
    }

    #[test]
    fn sql_is_compressed() {
        let sql = "SELECT ACCOUNT_ID, SUM(AMOUNT) FROM TRANSACTIONS GROUP BY ACCOUNT_ID EMIT CHANGES;\n".repeat(20);
        let fragment = encode(&DemoLink::sandbox(1, 1, sql.clone())).unwrap();
        assert!(fragment.len() < sql.len() / 5, "{} characters for {} bytes of SQL", fragment.len(), sql.len());
    }

    #[test]
    fn each_kind_of_damage_has_its_own_error() {
        let good = encode(&link()).unwrap();
        assert_eq!(decode(""), Err(FragmentError::Empty));
        assert_eq!(decode("#"), Err(FragmentError::Empty));
        assert_eq!(decode("hello"), Err(FragmentError::NotALink));
        assert_eq!(decode("section-2"), Err(FragmentError::NotALink));
        assert_eq!(decode("x1/abc"), Err(FragmentError::NotALink));
        assert_eq!(decode(&good.replacen("v1/", "v2/", 1)), Err(FragmentError::UnknownVersion { version: "v2".into() }));
        assert!(matches!(decode("v1/ab$cd"), Err(FragmentError::NotBase64 { .. })));
        // Cut short, as a chat client might.
        let cut = &good[..good.len() - 6];
        assert!(matches!(decode(cut), Err(FragmentError::Corrupt | FragmentError::NotBase64 { .. })), "{:?}", decode(cut));
        assert_eq!(decode(&"v1/".repeat(6000)), Err(FragmentError::TooLong { length: 18_000, max: MAX_FRAGMENT_LEN }));
        assert_eq!(decode(&fragment_of_bytes(&[b'{', 0xff, 0xfe, b'}'])), Err(FragmentError::NotUtf8 { at: 1 }));
        assert!(matches!(decode(&fragment_of_bytes(b"[1,2,3]")), Err(FragmentError::BadContent { .. })));
        assert!(matches!(decode(&fragment_of_bytes(br#"{"seed":-1,"speed":1}"#)), Err(FragmentError::BadContent { .. })));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_limit() {
        let bomb = fragment_of_bytes(&vec![b' '; MAX_DECODED_BYTES * 4]);
        assert!(bomb.len() < MAX_FRAGMENT_LEN);
        assert_eq!(decode(&bomb), Err(FragmentError::TooLarge { max: MAX_DECODED_BYTES }));
    }

    #[test]
    fn fields_are_validated_both_ways() {
        let fast = DemoLink { speed: 5000, ..link() };
        assert!(matches!(encode(&fast), Err(FragmentError::BadField { field: "speed", .. })));
        assert!(matches!(decode(&fragment_of_bytes(br#"{"seed":1,"speed":0}"#)), Err(FragmentError::BadField { field: "speed", .. })));
        assert!(matches!(decode(&fragment_of_bytes(br#"{"seed":1,"speed":1,"step":3}"#)), Err(FragmentError::BadField { field: "step", .. })));
        let script = br#"{"seed":1,"speed":1,"lesson":"<script>"}"#;
        assert!(matches!(decode(&fragment_of_bytes(script)), Err(FragmentError::BadField { field: "lesson", .. })));
        let huge_sql = DemoLink::sandbox(1, 1, "x".repeat(MAX_SQL_BYTES + 1));
        assert!(matches!(encode(&huge_sql), Err(FragmentError::BadField { field: "SQL", .. })));
        // Incompressible SQL below the SQL limit can still be too long for a fragment.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let noise: String = (0..MAX_SQL_BYTES)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'!' + (state % 90) as u8)
            })
            .collect();
        assert!(matches!(encode(&DemoLink::sandbox(1, 1, noise)), Err(FragmentError::TooLong { .. })));
    }

    #[test]
    fn the_layout_is_optional_and_old_links_still_open() {
        // A v1 link written before the layout existed (the bytes an older build wrote).
        let old = fragment_of_bytes(br#"{"seed":7,"speed":10,"sql":"SHOW TOPICS;"}"#);
        assert_eq!(decode(&old), Ok(DemoLink::sandbox(7, 10, "SHOW TOPICS;")));
        // A standard-layout link is written exactly as before: no layout field.
        let standard = DemoLink::sandbox(7, 10, "SHOW TOPICS;");
        assert!(!serde_json::to_string(&standard).unwrap().contains("layout"));
        let two_pane = DemoLink { layout: Layout::TwoPane, ..standard };
        assert!(serde_json::to_string(&two_pane).unwrap().contains(r#""layout":"two_pane""#));
        assert_eq!(decode(&encode(&two_pane).unwrap()), Ok(two_pane));
        let written_by_hand = fragment_of_bytes(br#"{"seed":7,"speed":10,"sql":"","layout":"two_pane"}"#);
        assert_eq!(decode(&written_by_hand).map(|l| l.layout), Ok(Layout::TwoPane));
        // A layout this build does not know is a bad link, said in words.
        let unknown = fragment_of_bytes(br#"{"seed":7,"speed":10,"layout":"three_pane"}"#);
        assert!(matches!(decode(&unknown), Err(FragmentError::BadContent { detail }) if detail.contains("three_pane")));
    }

    #[test]
    fn errors_read_as_sentences() {
        let message = decode("v9/abc").unwrap_err().to_string();
        assert!(message.contains("v9") && message.contains("v1"), "{message}");
        assert!(decode("v1/AAAA").unwrap_err().to_string().contains("damaged"));
    }

    proptest! {
        #[test]
        fn every_valid_link_round_trips(
            lesson in proptest::option::of("[a-z0-9_-]{1,64}"),
            step in any::<u32>(),
            seed in any::<u64>(),
            speed in 1u32..=1000,
            sql in "\\PC{0,400}",
            two_pane in any::<bool>(),
        ) {
            let step = lesson.as_ref().map(|_| step);
            let layout = if two_pane { Layout::TwoPane } else { Layout::Standard };
            let link = DemoLink { lesson, step, seed, speed, sql, layout };
            let fragment = encode(&link).unwrap();
            prop_assert_eq!(decode(&fragment), Ok(link));
        }

        #[test]
        fn garbage_never_panics(text in "\\PC{0,300}") {
            let _ = decode(&text);
            let _ = decode(&format!("v1/{text}"));
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&format!("v1/{}", URL_SAFE_NO_PAD.encode(&bytes)));
            let _ = decode(&fragment_of_bytes(&bytes));
        }

        #[test]
        fn every_truncation_of_a_good_link_is_an_error_or_the_link(cut in 0usize..200) {
            let good = encode(&link()).unwrap();
            let end = cut.min(good.len());
            match decode(&good[..end]) {
                Ok(decoded) => prop_assert_eq!(decoded, link()),
                Err(error) => prop_assert!(!error.to_string().is_empty()),
            }
        }
    }
}
