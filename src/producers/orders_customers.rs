//! Orders and customers as database change events (change data capture): each row insert, update
//! or delete in the source database becomes a record keyed by the row's primary key. Values are
//! the row after the change (Debezium's "new record state"), the operation travels in the `__op`
//! header (`c` create, `u` update, `d` delete), and a delete is a tombstone, so the compacted
//! `customers` topic converges to the table's current contents.

use super::json::{json_record, pick, tombstone, with_header, JsonObject};
use super::Emitted;
use crate::clock::Millis;
use crate::log::{CleanupPolicy, ProducerRecord, TopicConfig};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

pub const ORDERS_TOPIC: &str = "orders";
pub const CUSTOMERS_TOPIC: &str = "customers";
pub const TIERS: &[&str] = &["Platinum", "Gold", "Silver", "Bronze"];

pub fn topics() -> Vec<(&'static str, TopicConfig)> {
    let customers = TopicConfig {
        partitions: 1,
        cleanup_policy: CleanupPolicy::Compact,
        segment_ms: 60_000,
        ..TopicConfig::default()
    };
    vec![(ORDERS_TOPIC, TopicConfig::with_partitions(2)), (CUSTOMERS_TOPIC, customers)]
}

/// Open orders at most: a shop's order book has a working size, it does not grow for ever. When
/// it is full, a new-order event moves an open order on instead (its next status, or delivered
/// and deleted), so the producer's state, and a table of orders built downstream, stay bounded
/// however long the talk runs. Until then the feed is as without the bound.
pub const MAX_OPEN_ORDERS: usize = 1_000;

const NAMES: &[&str] = &["Ada", "Brian", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hugo", "Iris", "Jamal"];
const CITIES: &[&str] = &["London", "Leeds", "Paris", "Berlin", "Lisbon", "Dublin"];
const STATUSES: &[&str] = &["PLACED", "PAID", "SHIPPED", "DELIVERED"];

#[derive(Clone, Debug)]
pub struct OrdersCustomers {
    n_customers: u32,
    /// Rows present in the source `customers` table: id -> tier.
    customers: BTreeMap<u32, String>,
    /// Open orders: id -> (customer id, status index, amount in cents).
    orders: BTreeMap<u64, (u32, usize, i64)>,
    next_order_id: u64,
}

fn change(record: ProducerRecord, op: &str) -> ProducerRecord {
    with_header(record, "__op", op)
}

impl OrdersCustomers {
    pub fn new(n_customers: u32) -> Self {
        OrdersCustomers { n_customers: n_customers.max(1), customers: BTreeMap::new(), orders: BTreeMap::new(), next_order_id: 1 }
    }

    fn customer_row(id: u32, tier: &str, event_time_ms: Millis, rng: &mut ChaCha8Rng, op: &str) -> Emitted {
        let key = id.to_string();
        let value = JsonObject::new()
            .str("id", &key)
            .str("name", NAMES.get(id as usize % NAMES.len()).copied().unwrap_or("Anon"))
            .str("city", pick(rng, CITIES))
            .str("tier", tier)
            .int("ts", event_time_ms);
        Emitted { topic: CUSTOMERS_TOPIC, record: change(json_record(&key, value), op) }
    }

    /// The source table's rows at snapshot time (Debezium's initial snapshot, `op` = `r`).
    pub fn initial_records(&mut self, rng: &mut ChaCha8Rng, now_ms: Millis) -> Vec<Emitted> {
        (1..=self.n_customers)
            .map(|id| {
                let tier = pick(rng, TIERS).to_string();
                self.customers.insert(id, tier.clone());
                let mut row = Self::customer_row(id, &tier, now_ms, rng, "r");
                row.record.timestamp = Some(now_ms);
                row
            })
            .collect()
    }

    pub fn next_event(&mut self, rng: &mut ChaCha8Rng, event_time_ms: Millis, out: &mut Vec<Emitted>) {
        let roll = rng.gen_range(0..20);
        let book_full = self.orders.len() >= MAX_OPEN_ORDERS;
        let emitted = match roll {
            // A customer row changes: insert if missing, else mostly update, sometimes delete.
            0 | 1 => {
                let id = rng.gen_range(1..=self.n_customers);
                let tier = pick(rng, TIERS).to_string();
                match self.customers.get(&id) {
                    None => {
                        self.customers.insert(id, tier.clone());
                        Some(Self::customer_row(id, &tier, event_time_ms, rng, "c"))
                    }
                    Some(_) if rng.gen_range(0..5) == 0 => {
                        self.customers.remove(&id);
                        let record = change(tombstone(&id.to_string()), "d");
                        Some(Emitted { topic: CUSTOMERS_TOPIC, record })
                    }
                    Some(_) => {
                        self.customers.insert(id, tier.clone());
                        Some(Self::customer_row(id, &tier, event_time_ms, rng, "u"))
                    }
                }
            }
            // An existing order moves on to its next status (or is deleted once delivered); also
            // instead of a new order when the book is full.
            2..=7 if !self.orders.is_empty() => self.advance_order(rng, event_time_ms),
            _ if book_full => self.advance_order(rng, event_time_ms),
            // A new order by an existing customer.
            _ => {
                let order_id = self.next_order_id;
                self.next_order_id += 1;
                let customer_id = rng.gen_range(1..=self.n_customers);
                let cents = rng.gen_range(500..30_000);
                self.orders.insert(order_id, (customer_id, 0, cents));
                Some(Self::order_row(order_id, customer_id, 0, cents, event_time_ms, "c"))
            }
        };
        out.extend(emitted);
    }

    /// Open orders (see [`MAX_OPEN_ORDERS`]).
    #[cfg(test)]
    fn open_orders(&self) -> usize {
        self.orders.len()
    }

    /// A random open order moves on to its next status, or is deleted once delivered.
    fn advance_order(&mut self, rng: &mut ChaCha8Rng, event_time_ms: Millis) -> Option<Emitted> {
        if self.orders.is_empty() {
            return None;
        }
        let index = rng.gen_range(0..self.orders.len());
        let (&order_id, &(customer_id, status, cents)) = self.orders.iter().nth(index)?;
        let key = order_id.to_string();
        let next = status + 1;
        if next >= STATUSES.len() {
            self.orders.remove(&order_id);
            return Some(Emitted { topic: ORDERS_TOPIC, record: change(tombstone(&key), "d") });
        }
        self.orders.insert(order_id, (customer_id, next, cents));
        Some(Self::order_row(order_id, customer_id, next, cents, event_time_ms, "u"))
    }

    fn order_row(order_id: u64, customer_id: u32, status: usize, cents: i64, event_time_ms: Millis, op: &str) -> Emitted {
        let key = order_id.to_string();
        let value = JsonObject::new()
            .str("order_id", &key)
            .str("customer_id", &customer_id.to_string())
            .fixed("amount", cents, 2)
            .str("status", STATUSES.get(status).copied().unwrap_or("PLACED"))
            .int("ts", event_time_ms);
        Emitted { topic: ORDERS_TOPIC, record: change(json_record(&key, value), op) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The order book stays at most [`MAX_OPEN_ORDERS`] however long the producer runs, and
    /// orders keep being placed and delivered once it is full.
    #[test]
    fn open_orders_stay_bounded() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut shop = OrdersCustomers::new(100);
        let _ = shop.initial_records(&mut rng, 0);
        let (mut created, mut deleted) = (0, 0);
        let ops = |shop: &mut OrdersCustomers, rng: &mut ChaCha8Rng, n: i64, created: &mut u32, deleted: &mut u32| {
            let mut events = Vec::new();
            for at in 0..n {
                events.clear();
                shop.next_event(rng, at, &mut events);
                for emitted in &events {
                    let op = emitted.record.headers.iter().find(|h| h.key == "__op").and_then(|h| h.value.as_ref()).map(|v| v.to_vec());
                    match (emitted.topic, op.as_deref()) {
                        (ORDERS_TOPIC, Some(b"c")) => *created += 1,
                        (ORDERS_TOPIC, Some(b"d")) => *deleted += 1,
                        _ => {}
                    }
                }
                assert!(shop.open_orders() <= MAX_OPEN_ORDERS, "{} open orders", shop.open_orders());
            }
        };
        ops(&mut shop, &mut rng, 20_000, &mut created, &mut deleted);
        assert_eq!(shop.open_orders(), MAX_OPEN_ORDERS, "the book fills up first");
        let (created_before, deleted_before) = (created, deleted);
        ops(&mut shop, &mut rng, 50_000, &mut created, &mut deleted);
        assert!(created - created_before > 1_000, "new orders once full: {}", created - created_before);
        assert!(deleted - deleted_before > 1_000, "deliveries once full: {}", deleted - deleted_before);
        assert!(shop.open_orders() + 10 >= MAX_OPEN_ORDERS, "it stays near full: {}", shop.open_orders());
    }
}
