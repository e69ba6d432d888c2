use super::*;
use crate::log::TopicConfig;

fn dump(world: &World) -> Vec<u8> {
    let mut out = Vec::new();
    for topic in world.log().topics() {
        for partition in topic.partitions() {
            let records = partition.fetch(topic.name(), partition.log_start_offset(), usize::MAX).unwrap();
            for r in records {
                out.extend(format!("{}/{}/{}/{}/{:?}/{:?}/{:?}\n", topic.name(), r.partition, r.offset, r.timestamp, r.key, r.value, r.headers).bytes());
            }
        }
    }
    out
}

fn busy_world(seed: u64) -> World {
    let mut world = World::new(seed);
    for kind in ScenarioKind::ALL {
        world.add_producer(kind, 7.0).unwrap();
        world.start_producer(kind.name()).unwrap();
    }
    world.set_producer_lateness("sensors", Lateness { probability: 0.3, max_delay_ms: 5_000 }).unwrap();
    world
}

#[test]
fn same_seed_same_log_whatever_the_chunking() {
    let mut a = busy_world(42);
    let mut b = busy_world(42);
    a.step(30_000);
    for dt in [16, 17, 1_000, 3, 250, 28_714] {
        b.step(dt);
    }
    assert_eq!(a.now_ms(), b.now_ms());
    assert!(!dump(&a).is_empty());
    assert_eq!(dump(&a), dump(&b));
    let mut c = busy_world(43);
    c.step(30_000);
    assert_ne!(dump(&a), dump(&c));
}

#[test]
fn outage_makes_lag_grow_then_drain_and_nothing_is_lost() {
    let mut world = World::new(1);
    world.add_producer(ScenarioKind::Sensors, 10.0).unwrap();
    world.start_producer("sensors").unwrap();
    world.add_sink("lake", &["sensor_readings"], Some(50.0), OffsetReset::Earliest).unwrap();
    world.step(10_000);
    assert!(world.group_view("lake").unwrap().total_lag <= 10);
    world.pause_group("lake").unwrap();
    world.step(600_000);
    let lag_during_outage = world.group_view("lake").unwrap().total_lag;
    assert!(lag_during_outage >= 5_900, "lag {lag_during_outage}");
    world.resume_group("lake").unwrap();
    world.step(60_000);
    assert!(world.group_view("lake").unwrap().total_lag < lag_during_outage);
    world.stop_producer("sensors").unwrap();
    world.step(300_000);
    let view = world.group_view("lake").unwrap();
    assert_eq!(view.total_lag, 0);
    let n_in_topic: u64 = world.topic_views()[0].partitions.iter().map(|p| p.log_end).sum();
    assert_eq!(world.sink("lake").unwrap().records_consumed(), n_in_topic);
}

#[test]
fn fraud_burst_arrives_on_one_card_within_five_seconds() {
    let mut world = World::new(3);
    world.add_producer(ScenarioKind::CardAuthorisations, 0.0).unwrap();
    world
        .inject("card_authorisations", &Injection::FraudBurst { card_number: Some("4000111122223333".into()), attempts: 4, within_ms: 5_000 })
        .unwrap();
    world.step(10_000);
    let topic = world.log().topic("authorization_attempts").unwrap();
    let mut timestamps = Vec::new();
    for p in topic.partitions() {
        for r in p.fetch("authorization_attempts", 0, 100).unwrap() {
            assert_eq!(r.key.as_deref(), Some(&b"4000111122223333"[..]));
            timestamps.push(r.timestamp);
        }
    }
    assert_eq!(timestamps.len(), 4);
    assert!(timestamps.iter().max().unwrap() - timestamps.iter().min().unwrap() < 5_000);
}

#[test]
fn account_12345_gets_the_talks_transactions_first() {
    let mut world = World::new(9);
    world.add_producer(ScenarioKind::AccountTransactions, 1.0).unwrap();
    for _ in 0..3 {
        world.produce_one("account_transactions").unwrap();
    }
    let partition = crate::log::partitioner::partition_for_key(b"12345", 3);
    let page = world.record_page("account_transactions", partition, 0, 10).unwrap();
    let amounts: Vec<i64> = page
        .records
        .iter()
        .map(|r| serde_json::from_str::<serde_json::Value>(r.value.as_deref().unwrap()).unwrap()["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [50, 25, -60]);
}

#[test]
fn retention_keeps_a_long_run_bounded_and_pages_stay_small() {
    let mut world = World::new(5);
    let config = TopicConfig { retention_ms: Some(60_000), segment_ms: 10_000, ..TopicConfig::default() };
    world.log_mut().create_topic("sensor_readings", config).unwrap();
    world.add_producer(ScenarioKind::Sensors, 100.0).unwrap();
    world.start_producer("sensors").unwrap();
    world.step(3_600_000);
    let view = world.topic_views();
    let retained: usize = view[0].partitions.iter().map(|p| p.n_records).sum();
    let segments = &view[0].partitions[0].segments;
    assert!(segments.last().unwrap().is_active && !segments[0].is_active);
    assert_eq!(segments[0].base_offset, view[0].partitions[0].log_start, "retention cut at a segment boundary");
    assert!(retained <= 100 * 71, "retained {retained}");
    assert!(retained >= 100 * 59, "retained {retained}");
    let page = world.tail_page("sensor_readings", 0, 20).unwrap();
    assert_eq!(page.records.len(), 20);
    assert_eq!(page.next_offset, page.log_end);
    let old = world.record_page("sensor_readings", 0, 0, 5).unwrap();
    assert_eq!(old.from_offset, old.log_start);
}

#[test]
fn users_changelog_is_compacted_to_latest_level_per_user() {
    let mut world = World::new(11);
    world.add_producer(ScenarioKind::Clickstream, 50.0).unwrap();
    world.start_producer("clickstream").unwrap();
    world.inject("clickstream", &Injection::SetUserLevel { user_id: 3, level: "platinum".into() }).unwrap();
    world.step(600_000);
    let users = world.log().topic("users").unwrap().partition(0).unwrap();
    let records = users.fetch("users", users.log_start_offset(), usize::MAX).unwrap();
    let closed_end = users.first_dirty_offset;
    assert!(closed_end > 0, "the cleaner ran");
    let mut seen = std::collections::BTreeSet::new();
    for r in records.iter().filter(|r| r.offset < closed_end) {
        assert!(seen.insert(r.key.clone()), "key {:?} twice in the cleaned part", r.key);
    }
    assert!(users.len() < users.log_end_offset() as usize, "compaction removed something");
    assert!(matches!(world.inject("clickstream", &Injection::SetUserLevel { user_id: 3, level: "Gilded".into() }), Err(WorldError::Producer(_))));
}

/// A stand-in for the SQL engine: copies one topic to another through its own consumer group.
struct CopyProcessor;

impl StreamProcessor for CopyProcessor {
    fn name(&self) -> &str {
        "copy"
    }

    fn process(&mut self, log: &mut Log, now_ms: Millis) {
        if !log.has_group("copy") {
            log.create_topic("copy_of_sensors", TopicConfig::default()).unwrap();
            log.join_group("copy", "copy-1", &["sensor_readings"], GroupConfig::earliest()).unwrap();
        }
        for consumed in log.poll("copy", "copy-1", 1_000).unwrap() {
            let record = ProducerRecord { key: consumed.record.key, value: consumed.record.value, ..ProducerRecord::default() };
            log.append("copy_of_sensors", record, now_ms).unwrap();
        }
        log.commit("copy", "copy-1").unwrap();
    }
}

#[test]
fn processors_run_every_tick_and_keep_up() {
    let mut world = World::new(8);
    world.add_producer(ScenarioKind::Sensors, 20.0).unwrap();
    world.start_producer("sensors").unwrap();
    world.add_processor(Box::new(CopyProcessor));
    world.step(10_050);
    let copied: u64 = world.log().topic("copy_of_sensors").unwrap().partitions().iter().map(|p| p.log_end_offset()).sum();
    assert_eq!(copied, 200, "every reading up to the last tick was copied");
    assert_eq!(world.group_view("copy").unwrap().total_lag, 1, "the reading at 10.05 s waits for the next tick");
}

#[test]
fn absurd_steps_and_rates_are_refused_or_capped() {
    let mut world = World::new(0);
    world.add_producer(ScenarioKind::Syslog, 0.0).unwrap();
    assert!(matches!(world.set_producer_rate("syslog", f64::INFINITY), Err(WorldError::Producer(_))));
    assert!(matches!(world.start_producer("nope"), Err(WorldError::UnknownProducer { .. })));
    let start = world.now_ms();
    world.step(Millis::MAX);
    assert_eq!(world.now_ms(), start + MAX_STEP_MS);
}
