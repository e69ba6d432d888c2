//! Kafka's partition assignors for consumer groups. Both sort member ids first, so the same
//! members and topics always give the same assignment.

use std::collections::BTreeMap;

/// A partition of a topic, the unit a consumer group assigns and commits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: u32,
}

impl TopicPartition {
    pub fn new(topic: &str, partition: u32) -> Self {
        TopicPartition { topic: topic.to_string(), partition }
    }
}

/// `partition.assignment.strategy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Assignor {
    /// `RangeAssignor`, Kafka's historical default: per topic, consecutive ranges of partitions;
    /// the first `n_partitions % n_members` members get one extra.
    #[default]
    Range,
    /// `RoundRobinAssignor`: all partitions of all topics dealt out one by one.
    RoundRobin,
}

/// Member id -> subscribed topics, and topic -> number of partitions (topics missing from it do
/// not exist and get no assignment).
pub fn assign(
    assignor: Assignor,
    subscriptions: &BTreeMap<String, Vec<String>>,
    partitions_per_topic: &BTreeMap<String, u32>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    let mut assignment: BTreeMap<String, Vec<TopicPartition>> =
        subscriptions.keys().map(|member| (member.clone(), Vec::new())).collect();
    match assignor {
        Assignor::Range => {
            for (topic, &n_partitions) in partitions_per_topic {
                // BTreeMap iteration is sorted by member id, as Kafka sorts consumers.
                let members: Vec<&String> =
                    subscriptions.iter().filter(|(_, topics)| topics.contains(topic)).map(|(m, _)| m).collect();
                if members.is_empty() {
                    continue;
                }
                let n_members = members.len() as u32;
                let per_member = n_partitions / n_members;
                let extra = n_partitions % n_members;
                for (index, member) in members.iter().enumerate() {
                    let index = index as u32;
                    let start = per_member * index + index.min(extra);
                    let length = per_member + u32::from(index < extra);
                    if let Some(owned) = assignment.get_mut(*member) {
                        owned.extend((start..start + length).map(|p| TopicPartition::new(topic, p)));
                    }
                }
            }
        }
        Assignor::RoundRobin => {
            let members: Vec<&String> = subscriptions.keys().collect();
            let mut cursor = 0usize;
            for (topic, &n_partitions) in partitions_per_topic {
                for partition in 0..n_partitions {
                    // Next member (circularly) subscribed to this topic.
                    for step in 0..members.len() {
                        let index = (cursor + step) % members.len();
                        let Some(member) = members.get(index) else { continue };
                        let subscribed = subscriptions.get(*member).is_some_and(|t| t.contains(topic));
                        if subscribed {
                            if let Some(owned) = assignment.get_mut(*member) {
                                owned.push(TopicPartition::new(topic, partition));
                            }
                            cursor = index + 1;
                            break;
                        }
                    }
                }
            }
        }
    }
    assignment
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subs(members: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        members.iter().map(|(m, t)| (m.to_string(), t.iter().map(|s| s.to_string()).collect())).collect()
    }

    fn topics(topics: &[(&str, u32)]) -> BTreeMap<String, u32> {
        topics.iter().map(|(t, n)| (t.to_string(), *n)).collect()
    }

    fn names(tps: &[TopicPartition]) -> Vec<String> {
        tps.iter().map(|tp| format!("{}-{}", tp.topic, tp.partition)).collect()
    }

    #[test]
    fn range_gives_leading_members_the_extra_partitions_per_topic() {
        // Kafka's documented example: C0, C1 on t0 and t1 with 3 partitions each.
        let a = assign(Assignor::Range, &subs(&[("C1", &["t0", "t1"]), ("C0", &["t0", "t1"])]), &topics(&[("t0", 3), ("t1", 3)]));
        assert_eq!(names(&a["C0"]), ["t0-0", "t0-1", "t1-0", "t1-1"]);
        assert_eq!(names(&a["C1"]), ["t0-2", "t1-2"]);
    }

    #[test]
    fn round_robin_deals_partitions_across_topics() {
        let a = assign(Assignor::RoundRobin, &subs(&[("C0", &["t0", "t1"]), ("C1", &["t0", "t1"])]), &topics(&[("t0", 3), ("t1", 3)]));
        assert_eq!(names(&a["C0"]), ["t0-0", "t0-2", "t1-1"]);
        assert_eq!(names(&a["C1"]), ["t0-1", "t1-0", "t1-2"]);
    }

    #[test]
    fn round_robin_skips_members_not_subscribed() {
        let a = assign(
            Assignor::RoundRobin,
            &subs(&[("C0", &["t0"]), ("C1", &["t0", "t1"]), ("C2", &["t0", "t1", "t2"])]),
            &topics(&[("t0", 1), ("t1", 2), ("t2", 3)]),
        );
        // Kafka's RoundRobinAssignor javadoc example.
        assert_eq!(names(&a["C0"]), ["t0-0"]);
        assert_eq!(names(&a["C1"]), ["t1-0"]);
        assert_eq!(names(&a["C2"]), ["t1-1", "t2-0", "t2-1", "t2-2"]);
    }
}
