use super::*;
use crate::log::TopicConfig;

const TICK: Millis = 100;

fn setup(rf: u32, min_insync: u32, unclean: bool) -> (Cluster, Log) {
    let mut log = Log::new();
    log.create_topic("t", TopicConfig::with_partitions(1)).unwrap();
    let mut cluster = Cluster::default();
    cluster
        .set_topic_replication(&log, "t", TopicReplication { replication_factor: rf, min_insync_replicas: min_insync, unclean_leader_election: unclean }, 0)
        .unwrap();
    (cluster, log)
}

fn send(cluster: &mut Cluster, log: &mut Log, value: &str, acks: Acks, now: Millis) -> Result<ProduceOutcome, ClusterError> {
    cluster.produce(log, "t", ProducerRecord { partition: Some(0), ..ProducerRecord::keyed("k", value) }, acks, now)
}

fn values(log: &Log) -> Vec<String> {
    let end = log.log_end_offset("t", 0).unwrap();
    let start = log.log_start_offset("t", 0).unwrap();
    log.fetch("t", 0, start, end as usize + 1)
        .unwrap()
        .into_iter()
        .map(|r| String::from_utf8(r.value.unwrap().to_vec()).unwrap())
        .collect()
}

fn ticks(cluster: &mut Cluster, log: &mut Log, from: Millis, n: i64) -> Millis {
    let mut now = from;
    for _ in 0..n {
        now += TICK;
        cluster.tick(log, now);
    }
    now
}

#[test]
fn replication_factor_one_commits_at_once_with_the_bare_logs_offsets() {
    let (mut cluster, mut log) = setup(1, 1, false);
    let mut bare = Log::new();
    bare.create_topic("t", TopicConfig::with_partitions(1)).unwrap();
    for i in 0..5 {
        let outcome = send(&mut cluster, &mut log, &i.to_string(), Acks::All, i).unwrap();
        let metadata = bare.append("t", ProducerRecord { partition: Some(0), ..ProducerRecord::keyed("k", i.to_string()) }, i).unwrap();
        assert!(outcome.acknowledged);
        assert_eq!(outcome.offset, Some(metadata.offset));
    }
    assert_eq!(log.fetch("t", 0, 0, 10).unwrap(), bare.fetch("t", 0, 0, 10).unwrap());
    assert_eq!(cluster.high_watermark("t", 0), Some(5));
    assert!(!cluster.needs_ticks());
}

#[test]
fn acks_all_is_answered_when_the_high_watermark_passes_the_record() {
    let (mut cluster, mut log) = setup(3, 2, false);
    let outcome = send(&mut cluster, &mut log, "a", Acks::All, 10).unwrap();
    assert!(!outcome.acknowledged);
    assert_eq!(log.log_end_offset("t", 0).unwrap(), 0, "uncommitted records are not readable");
    assert_eq!(cluster.leader_end_offset("t", 0), Some(1));
    // First fetch: the followers copy it; the leader learns so at their next fetch.
    cluster.tick(&mut log, 100);
    assert_eq!(cluster.replica_end_offsets("t", 0), vec![(1, 1), (2, 1), (3, 1)]);
    assert_eq!(cluster.high_watermark("t", 0), Some(0));
    assert!(cluster.take_acks().is_empty());
    cluster.tick(&mut log, 200);
    assert_eq!(cluster.high_watermark("t", 0), Some(1));
    assert_eq!(values(&log), vec!["a"]);
    let acks = cluster.take_acks();
    assert_eq!(acks.len(), 1);
    assert_eq!((acks[0].write_id, acks[0].offset), (outcome.write_id, 0));
}

#[test]
fn acks_all_is_refused_below_min_insync_replicas_but_acks_1_is_taken() {
    let (mut cluster, mut log) = setup(3, 2, false);
    let leader = cluster.leader("t", 0).unwrap();
    let followers: Vec<BrokerId> = (1..=3).filter(|&b| b != leader).collect();
    cluster.fail_broker(&mut log, followers[0], 0).unwrap();
    assert!(send(&mut cluster, &mut log, "ok", Acks::All, 1).is_ok(), "ISR of 2 meets min.insync.replicas=2");
    cluster.fail_broker(&mut log, followers[1], 2).unwrap();
    assert_eq!(cluster.isr("t", 0), vec![leader]);
    let refused = send(&mut cluster, &mut log, "no", Acks::All, 3);
    assert!(matches!(refused, Err(ClusterError::NotEnoughReplicas { isr: 1, min_insync_replicas: 2, .. })), "{refused:?}");
    let taken = send(&mut cluster, &mut log, "yes", Acks::Leader, 4).unwrap();
    assert!(taken.acknowledged);
    ticks(&mut cluster, &mut log, 0, 2);
    assert_eq!(values(&log), vec!["ok", "yes"]);
    assert_eq!(cluster.partition_stats("t", 0).unwrap().refused, 1);
}

#[test]
fn a_leader_failure_elects_from_the_isr_keeps_committed_records_and_the_broker_rejoins() {
    let (mut cluster, mut log) = setup(3, 2, false);
    for i in 0..4 {
        send(&mut cluster, &mut log, &format!("c{i}"), Acks::All, i).unwrap();
    }
    let now = ticks(&mut cluster, &mut log, 0, 2);
    assert_eq!(cluster.high_watermark("t", 0), Some(4));
    let old_leader = cluster.leader("t", 0).unwrap();
    cluster.fail_broker(&mut log, old_leader, now).unwrap();
    let new_leader = cluster.leader("t", 0).unwrap();
    assert_ne!(new_leader, old_leader);
    assert!(!cluster.isr("t", 0).contains(&old_leader));
    assert!(cluster.events().any(|e| e.message.contains("elected from the ISR")));
    send(&mut cluster, &mut log, "after", Acks::All, now + 1).unwrap();
    let now = ticks(&mut cluster, &mut log, now, 2);
    assert_eq!(values(&log), vec!["c0", "c1", "c2", "c3", "after"]);
    cluster.restore_broker(&mut log, old_leader, now).unwrap();
    let now = ticks(&mut cluster, &mut log, now, 2);
    assert!(cluster.isr("t", 0).contains(&old_leader), "the returning broker caught up and rejoined");
    assert_eq!(cluster.replica_end_offsets("t", 0).iter().find(|(b, _)| *b == old_leader).unwrap().1, 5);
    assert_eq!(cluster.leader("t", 0), Some(new_leader), "leadership does not move back by itself");
    let _ = now;
    assert_eq!(cluster.n_lost_acknowledged(), 0);
}

#[test]
fn acks_1_records_not_yet_copied_are_lost_with_the_leader_and_reported() {
    let (mut cluster, mut log) = setup(3, 1, false);
    send(&mut cluster, &mut log, "safe", Acks::All, 0).unwrap();
    let now = ticks(&mut cluster, &mut log, 0, 2);
    let outcome = send(&mut cluster, &mut log, "fragile", Acks::Leader, now + 1).unwrap();
    assert!(outcome.acknowledged);
    let leader = cluster.leader("t", 0).unwrap();
    cluster.fail_broker(&mut log, leader, now + 2).unwrap();
    assert_eq!(cluster.n_lost_acknowledged(), 1);
    let lost: Vec<_> = cluster.lost_records().collect();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].value.as_deref(), Some(&b"fragile"[..]));
    assert_eq!(lost[0].reason, LossReason::UncommittedTruncated);
    ticks(&mut cluster, &mut log, now + 2, 3);
    assert_eq!(values(&log), vec!["safe"]);
}

/// A follower throttled to nothing leaves the ISR; the leader then commits alone; when the leader
/// dies the partition waits offline, until unclean election lets the stale follower lead.
#[test]
fn unclean_election_loses_committed_records_and_reports_them() {
    let mut log = Log::new();
    log.create_topic("t", TopicConfig::with_partitions(1)).unwrap();
    let mut cluster = Cluster::new(ClusterConfig { replica_lag_time_max_ms: 1_000, ..ClusterConfig::default() });
    let replication = TopicReplication { replication_factor: 2, min_insync_replicas: 1, unclean_leader_election: false };
    cluster.set_topic_replication(&log, "t", replication, 0).unwrap();
    let leader = cluster.leader("t", 0).unwrap();
    let follower = cluster.replica_end_offsets("t", 0).into_iter().map(|(b, _)| b).find(|&b| b != leader).unwrap();
    send(&mut cluster, &mut log, "both", Acks::All, 0).unwrap();
    let now = ticks(&mut cluster, &mut log, 0, 2);
    cluster.set_broker_throttle(follower, Some(0)).unwrap();
    send(&mut cluster, &mut log, "leader-only-1", Acks::All, now + 1).unwrap();
    send(&mut cluster, &mut log, "leader-only-2", Acks::All, now + 2).unwrap();
    let now = ticks(&mut cluster, &mut log, now, 12);
    assert_eq!(cluster.isr("t", 0), vec![leader], "the stalled follower fell out of the ISR");
    assert_eq!(values(&log), vec!["both", "leader-only-1", "leader-only-2"], "committed by the leader alone");

    cluster.fail_broker(&mut log, leader, now).unwrap();
    assert_eq!(cluster.leader("t", 0), None, "no in-sync replica alive: offline");
    assert!(matches!(send(&mut cluster, &mut log, "x", Acks::Leader, now + 1), Err(ClusterError::LeaderNotAvailable { .. })));
    assert_eq!(values(&log), vec!["both", "leader-only-1", "leader-only-2"]);

    let unclean = TopicReplication { unclean_leader_election: true, ..replication };
    cluster.set_topic_replication(&log, "t", unclean, now + 2).unwrap();
    cluster.tick(&mut log, now + 100);
    assert_eq!(cluster.leader("t", 0), Some(follower));
    assert_eq!(values(&log), vec!["both"], "the log was truncated to the new leader's end");
    assert_eq!(cluster.n_lost_acknowledged(), 2);
    let lost: Vec<_> = cluster.lost_records().map(|l| (l.offset, l.reason)).collect();
    assert_eq!(lost, vec![(Some(1), LossReason::UncleanElection), (Some(2), LossReason::UncleanElection)]);

    // The old leader comes back as a follower: it truncates to the new leader's end.
    cluster.restore_broker(&mut log, leader, now + 150).unwrap();
    send(&mut cluster, &mut log, "new", Acks::All, now + 160).unwrap();
    cluster.set_broker_throttle(follower, None).unwrap();
    ticks(&mut cluster, &mut log, now + 100, 3);
    assert_eq!(values(&log), vec!["both", "new"]);
    assert_eq!(cluster.replica_end_offsets("t", 0).iter().find(|(b, _)| *b == leader).unwrap().1, 2);
}

#[test]
fn an_offline_partition_comes_back_with_its_last_in_sync_replica() {
    let (mut cluster, mut log) = setup(2, 1, false);
    send(&mut cluster, &mut log, "a", Acks::All, 0).unwrap();
    let now = ticks(&mut cluster, &mut log, 0, 2);
    let leader = cluster.leader("t", 0).unwrap();
    let follower = cluster.replica_end_offsets("t", 0).into_iter().map(|(b, _)| b).find(|&b| b != leader).unwrap();
    cluster.fail_broker(&mut log, follower, now).unwrap();
    send(&mut cluster, &mut log, "b", Acks::All, now + 1).unwrap();
    cluster.fail_broker(&mut log, leader, now + 2).unwrap();
    assert_eq!(cluster.leader("t", 0), None);
    cluster.restore_broker(&mut log, follower, now + 3).unwrap();
    assert_eq!(cluster.leader("t", 0), None, "the follower is not in the ISR: clean election waits");
    cluster.restore_broker(&mut log, leader, now + 4).unwrap();
    assert_eq!(cluster.leader("t", 0), Some(leader));
    ticks(&mut cluster, &mut log, now, 3);
    assert_eq!(values(&log), vec!["a", "b"]);
    assert_eq!(cluster.n_lost_acknowledged() + cluster.n_lost_unacknowledged(), 0);
}

#[test]
fn records_appended_to_the_log_directly_count_as_replicated() {
    let (mut cluster, mut log) = setup(3, 2, false);
    log.append("t", ProducerRecord::keyed("k", "direct"), 0).unwrap();
    send(&mut cluster, &mut log, "sent", Acks::All, 1).unwrap();
    assert_eq!(cluster.high_watermark("t", 0), Some(1));
    ticks(&mut cluster, &mut log, 0, 2);
    assert_eq!(values(&log), vec!["direct", "sent"]);
    assert!(cluster.replica_end_offsets("t", 0).iter().all(|&(_, leo)| leo == 2));
}

#[test]
fn acks_0_to_an_offline_partition_is_lost_silently_and_bad_settings_are_refused() {
    let (mut cluster, mut log) = setup(1, 1, false);
    let leader = cluster.leader("t", 0).unwrap();
    cluster.fail_broker(&mut log, leader, 0).unwrap();
    let outcome = send(&mut cluster, &mut log, "void", Acks::None, 1).unwrap();
    assert_eq!((outcome.offset, outcome.acknowledged), (None, true));
    assert_eq!(cluster.lost_records().next().map(|l| l.reason), Some(LossReason::NoLeader));
    let too_many = TopicReplication { replication_factor: 4, min_insync_replicas: 1, unclean_leader_election: false };
    assert!(matches!(cluster.set_topic_replication(&log, "t", too_many, 2), Err(ClusterError::InvalidReplication { .. })));
    assert!(matches!(cluster.fail_broker(&mut log, 9, 2), Err(ClusterError::UnknownBroker { broker: 9, .. })));
}

#[test]
fn a_tick_tracks_topics_created_and_deleted_around_the_known_ones_and_direct_writes() {
    let (mut cluster, mut log) = setup(1, 1, false);
    for name in ["a", "u", "z"] {
        log.create_topic(name, TopicConfig::with_partitions(2)).unwrap();
    }
    let direct = |log: &mut Log, topic: &str| {
        log.append(topic, ProducerRecord { partition: Some(1), ..ProducerRecord::keyed("k", "v") }, 0).unwrap();
    };
    direct(&mut log, "u");
    cluster.tick(&mut log, TICK);
    for name in ["a", "u", "z"] {
        assert!(cluster.leader(name, 1).is_some(), "{name} is tracked");
    }
    assert_eq!(cluster.high_watermark("u", 1), Some(1));
    assert_eq!(cluster.high_watermark("u", 0), Some(0));
    log.delete_topic("t").unwrap();
    log.delete_topic("u").unwrap();
    log.create_topic("b", TopicConfig::with_partitions(1)).unwrap();
    direct(&mut log, "z");
    direct(&mut log, "z");
    cluster.tick(&mut log, 2 * TICK);
    assert_eq!(cluster.leader("t", 0), None, "a deleted topic is forgotten");
    assert_eq!(cluster.high_watermark("u", 1), None);
    assert!(cluster.leader("b", 0).is_some(), "a new topic between known ones is tracked");
    assert_eq!(cluster.high_watermark("z", 1), Some(2), "records appended to the log directly count as committed");
    assert_eq!(cluster.high_watermark("a", 1), Some(0));
}

/// The cluster's whole state, once the stamps quiet ticks owe are paid.
fn state_after_paying(cluster: &Cluster) -> String {
    let mut paid = cluster.clone();
    paid.wake();
    format!("{:?}\n{:?}\n{:?}\n{:?}", paid.topics, paid.brokers, paid.journal, paid.next_write_id)
}

/// One script of changes, at given ticks, run on a cluster that skips its quiet ticks and on
/// one forced to tick in full every time: after every tick and change their states are equal
/// (throttle clocks, leaders' catch-up times, ISRs, acks, events), and so are their logs.
#[test]
fn quiet_ticks_skipped_leave_the_same_cluster_as_full_ticks() {
    let mut skipping = (Cluster::default(), Log::new());
    let mut full = (Cluster::default(), Log::new());
    let script = |(cluster, log): &mut (Cluster, Log), n: i64, now: Millis| {
        let keyed = |k: &str| ProducerRecord::keyed(k, format!("v{n}"));
        match n {
            0 => {
                log.create_topic("a", TopicConfig::with_partitions(2)).unwrap();
                log.create_topic("m", TopicConfig::with_partitions(1)).unwrap();
                cluster.set_broker_throttle(2, Some(7)).unwrap();
            }
            // Sends and direct appends while quiet.
            n if n < 40 && n % 3 == 0 => {
                cluster.produce(log, "a", keyed("k"), Acks::All, now).unwrap();
            }
            n if n < 40 && n % 7 == 0 => {
                log.append("m", keyed("d"), now).unwrap();
            }
            // Partitions added to a tracked topic, seen first by a send.
            41 => log.add_partitions("m", 3).unwrap(),
            42 => {
                cluster.produce(log, "m", ProducerRecord { partition: Some(2), ..keyed("p") }, Acks::All, now).unwrap();
            }
            // Replication starts after a long quiet: the throttled broker's clock matters now.
            60 => {
                let replication = TopicReplication { replication_factor: 3, min_insync_replicas: 2, unclean_leader_election: false };
                cluster.set_topic_replication(log, "a", replication, now).unwrap();
            }
            n if (61..90).contains(&n) => {
                let _ = cluster.produce(log, "a", keyed("r"), Acks::All, now);
            }
            95 => cluster.set_broker_throttle(2, None).unwrap(),
            // Back to replication factor 1: quiet again, then a leader's broker fails.
            130 => {
                let replication = TopicReplication { replication_factor: 1, min_insync_replicas: 1, unclean_leader_election: false };
                cluster.set_topic_replication(log, "a", replication, now).unwrap();
            }
            160 => {
                let leader = cluster.leader("m", 0).unwrap();
                cluster.fail_broker(log, leader, now).unwrap();
            }
            170 => {
                let down = cluster.brokers().iter().find(|b| !b.is_up()).map(Broker::id).unwrap();
                cluster.restore_broker(log, down, now).unwrap();
            }
            180 => log.create_topic("b", TopicConfig::with_partitions(1)).unwrap(),
            190 => log.delete_topic("m").unwrap(),
            _ => {}
        }
    };
    let mut now = 0;
    for n in 0..220 {
        script(&mut skipping, n, now);
        script(&mut full, n, now);
        assert_eq!(state_after_paying(&skipping.0), state_after_paying(&full.0), "after change {n}");
        now += TICK;
        skipping.0.tick(&mut skipping.1, now);
        full.0.quiet = None;
        full.0.tick(&mut full.1, now);
        assert_eq!(state_after_paying(&skipping.0), state_after_paying(&full.0), "after the tick at {now}");
    }
    let dump = |log: &Log| format!("{:?}", log.topics().collect::<Vec<_>>());
    assert_eq!(dump(&skipping.1), dump(&full.1));
    assert!(skipping.0.quiet.is_some(), "quiet again at the end");
    let rejoined = |broker: &str| skipping.0.journal.events.iter().find(|e| e.message.contains(&format!("broker {broker} caught up"))).map(|e| e.at_ms);
    assert!(rejoined("2") > rejoined("3"), "the throttled follower catches up later: {:?}", skipping.0.journal.events);
}
