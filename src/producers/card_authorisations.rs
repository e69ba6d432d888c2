//! Card authorisation attempts (card number, amount, merchant), keyed by card number. Normal
//! traffic spreads over many cards; an injected fraud burst fires several attempts on one card
//! within a few seconds, which the talk's `WINDOW TUMBLING (SIZE 5 SECONDS) ... HAVING count(*) > 3`
//! query detects.

use super::json::{json_record, pick, JsonObject};
use super::{Emitted, ProducerError, Scheduled};
use crate::clock::Millis;
use crate::log::TopicConfig;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub const TOPIC: &str = "authorization_attempts";

pub fn topics() -> Vec<(&'static str, TopicConfig)> {
    vec![(TOPIC, TopicConfig::with_partitions(2))]
}

const MERCHANTS: &[&str] =
    &["Coffee Corner", "Book Nook", "Fuel Stop", "Grocer & Co", "Rail Tickets", "Online Games", "Electro Mart"];

#[derive(Clone, Debug)]
pub struct CardAuthorisations {
    n_cards: u32,
}

/// A 16-digit card number derived from the card's index (not a real card).
pub fn card_number(index: u32) -> String {
    format!("4000{:012}", u64::from(index).wrapping_mul(7_919_000_013) % 1_000_000_000_000)
}

impl CardAuthorisations {
    pub fn new(n_cards: u32) -> Self {
        CardAuthorisations { n_cards: n_cards.max(1) }
    }

    fn attempt(rng: &mut ChaCha8Rng, card: &str, event_time_ms: Millis) -> Emitted {
        let value = JsonObject::new()
            .str("card_number", card)
            .fixed("amount", rng.gen_range(150..25_000), 2)
            .str("merchant", pick(rng, MERCHANTS))
            .int("ts", event_time_ms);
        Emitted { topic: TOPIC, record: json_record(card, value) }
    }

    pub fn next_event(&mut self, rng: &mut ChaCha8Rng, event_time_ms: Millis, out: &mut Vec<Emitted>) {
        let card = card_number(rng.gen_range(0..self.n_cards));
        out.push(Self::attempt(rng, &card, event_time_ms));
    }

    /// `attempts` attempts on one card, evenly spread so that all arrive within `within_ms`.
    pub fn fraud_burst(
        &mut self,
        rng: &mut ChaCha8Rng,
        now_ms: Millis,
        card: Option<&str>,
        attempts: u32,
        within_ms: Millis,
    ) -> Result<Vec<Scheduled>, ProducerError> {
        if attempts == 0 || attempts > 1_000 || within_ms < 0 {
            return Err(ProducerError::InvalidInjection {
                message: format!("a fraud burst needs 1 to 1000 attempts and a non-negative duration (got {attempts} in {within_ms} ms)"),
            });
        }
        let card = match card {
            Some(card) => card.to_string(),
            None => card_number(rng.gen_range(0..self.n_cards)),
        };
        let gap = within_ms / Millis::from(attempts);
        Ok((0..attempts)
            .map(|i| {
                let arrival_ms = now_ms.saturating_add(gap.saturating_mul(Millis::from(i)));
                let mut emitted = Self::attempt(rng, &card, arrival_ms);
                emitted.record.timestamp = Some(arrival_ms);
                Scheduled { arrival_ms, emitted }
            })
            .collect())
    }
}
