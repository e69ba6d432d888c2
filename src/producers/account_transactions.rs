//! Account transactions, keyed by account id. The first three are the talk's: account 12345
//! receives +50, +25 and -60, so its balance goes 50 -> 75 -> 15. Later ones are random.

use super::json::{json_record, JsonObject};
use super::Emitted;
use crate::clock::Millis;
use crate::log::TopicConfig;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub const TOPIC: &str = "account_transactions";
pub const TALK_ACCOUNT: &str = "12345";
pub const TALK_AMOUNTS: [i64; 3] = [50, 25, -60];

pub fn topics() -> Vec<(&'static str, TopicConfig)> {
    vec![(TOPIC, TopicConfig::with_partitions(3))]
}

#[derive(Clone, Debug)]
pub struct AccountTransactions {
    n_accounts: u32,
    n_emitted: u64,
}

impl AccountTransactions {
    pub fn new(n_accounts: u32) -> Self {
        AccountTransactions { n_accounts: n_accounts.max(1), n_emitted: 0 }
    }

    pub fn next_event(&mut self, rng: &mut ChaCha8Rng, event_time_ms: Millis, out: &mut Vec<Emitted>) {
        let talk_amount = usize::try_from(self.n_emitted).ok().and_then(|i| TALK_AMOUNTS.get(i).copied());
        self.n_emitted += 1;
        let (account, amount) = match talk_amount {
            Some(amount) => (TALK_ACCOUNT.to_string(), amount),
            None => {
                // Account 12345 and its neighbours; amounts in whole euros, mostly small.
                let account = 12_345 + rng.gen_range(0..self.n_accounts);
                let amount = if rng.gen_bool(0.6) { rng.gen_range(1..=200) } else { -rng.gen_range(1..=150) };
                (account.to_string(), amount)
            }
        };
        let value = JsonObject::new().str("account_id", &account).int("amount", amount).int("ts", event_time_ms);
        out.push(Emitted { topic: TOPIC, record: json_record(&account, value) });
    }
}
