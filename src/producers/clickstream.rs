//! Clickstream events (userid, page, action) keyed by user id, and the `users` changelog: a
//! compacted topic holding each user's level (Platinum, Gold, Silver, Bronze), which changes now
//! and then. The talk's streaming-ETL query joins the two to keep only Platinum users' actions.
//! User ids are strings in both keys and values, so the join needs no cast.

use super::json::{pick, JsonObject};
use super::{Emitted, ProducerError, Scheduled};
use crate::clock::Millis;
use crate::log::{Bytes, CleanupPolicy, ProducerRecord, TopicConfig};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;

pub const CLICKSTREAM_TOPIC: &str = "clickstream";
pub const USERS_TOPIC: &str = "users";
pub const LEVELS: &[&str] = &["Platinum", "Gold", "Silver", "Bronze"];

pub fn topics() -> Vec<(&'static str, TopicConfig)> {
    let users = TopicConfig {
        partitions: 1,
        cleanup_policy: CleanupPolicy::Compact,
        // Small segments so the cleaner visibly compacts within a lesson.
        segment_ms: 60_000,
        ..TopicConfig::default()
    };
    vec![(CLICKSTREAM_TOPIC, TopicConfig::with_partitions(2)), (USERS_TOPIC, users)]
}

const PAGES: &[&str] = &["/", "/products", "/products/42", "/basket", "/checkout", "/help", "/account"];
const ACTIONS: &[&str] = &["view", "view", "view", "click", "add_to_basket", "purchase"];
const NAMES: &[&str] = &["Alice", "Bob", "Chandra", "Dmitri", "Eve", "Fatima", "Gus", "Hana", "Ivan", "Jo"];

/// Users whose ids are made once (their text and key shared by every event); the ids of
/// users past it, in a key space a learner made that large, are made per event.
const SHARED_IDS: u32 = 1_000;

#[derive(Clone, Debug)]
pub struct Clickstream {
    n_users: u32,
    /// The ids of users 1, 2, ... (at most [`SHARED_IDS`]): an event's `userid` text and its
    /// key's bytes, one allocation shared by every event of the user.
    ids: Vec<Arc<str>>,
    /// The JSON text of the event being written (kept to reuse its allocation).
    text: String,
}

impl Clickstream {
    pub fn new(n_users: u32) -> Self {
        let n_users = n_users.max(1);
        let ids = (1..=n_users.min(SHARED_IDS)).map(|user_id| Arc::from(user_id.to_string())).collect();
        Clickstream { n_users, ids, text: String::new() }
    }

    fn id(&self, user_id: u32) -> Arc<str> {
        match user_id.checked_sub(1).and_then(|index| self.ids.get(index as usize)) {
            Some(id) => id.clone(),
            None => Arc::from(user_id.to_string()),
        }
    }

    fn user_record(&mut self, user_id: u32, level: &str, event_time_ms: Millis) -> Emitted {
        let id = self.id(user_id);
        let name = NAMES.get(user_id as usize % NAMES.len()).copied().unwrap_or("Anon");
        let value = JsonObject::reusing(&mut self.text)
            .str("user_id", &id)
            .str("name", name)
            .str("level", level)
            .int("ts", event_time_ms)
            .finish_bytes(&mut self.text);
        let record = ProducerRecord { key: Some(Bytes::from(id)), value: Some(value), timestamp: Some(event_time_ms), ..ProducerRecord::default() };
        Emitted { topic: USERS_TOPIC, record }
    }

    /// Every user's first level, written once when the producer is added.
    pub fn initial_records(&mut self, rng: &mut ChaCha8Rng, now_ms: Millis) -> Vec<Emitted> {
        (1..=self.n_users).map(|user_id| self.user_record(user_id, pick(rng, LEVELS), now_ms)).collect()
    }

    /// Mostly clicks; one event in twenty is a user changing level.
    pub fn next_event(&mut self, rng: &mut ChaCha8Rng, event_time_ms: Millis, out: &mut Vec<Emitted>) {
        let user_id = rng.gen_range(1..=self.n_users);
        if rng.gen_range(0..20) == 0 {
            let level = pick(rng, LEVELS);
            out.push(self.user_record(user_id, level, event_time_ms));
            return;
        }
        let id = self.id(user_id);
        let value = JsonObject::reusing(&mut self.text)
            .str("userid", &id)
            .str("page", pick(rng, PAGES))
            .str("action", pick(rng, ACTIONS))
            .int("ts", event_time_ms)
            .finish_bytes(&mut self.text);
        let record = ProducerRecord { key: Some(Bytes::from(id)), value: Some(value), ..ProducerRecord::default() };
        out.push(Emitted { topic: CLICKSTREAM_TOPIC, record });
    }

    /// A lesson's "upgrade a user to Platinum mid-stream".
    pub fn set_user_level(&mut self, now_ms: Millis, user_id: u32, level: &str) -> Result<Vec<Scheduled>, ProducerError> {
        let Some(level) = LEVELS.iter().find(|l| l.eq_ignore_ascii_case(level)) else {
            return Err(ProducerError::InvalidInjection {
                message: format!("unknown level '{level}': use one of {}", LEVELS.join(", ")),
            });
        };
        Ok(vec![Scheduled { arrival_ms: now_ms, emitted: self.user_record(user_id, level, now_ms) }])
    }
}
