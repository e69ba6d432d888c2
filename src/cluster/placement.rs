//! Where replicas go: Kafka's rack-unaware assignment spreads leaders round-robin over the
//! brokers and puts the followers on the next brokers along.

use super::BrokerId;

/// Replicas of `partition` for the `topic_index`-th topic placed, first one the preferred leader.
/// Brokers are numbered from 1. `replication_factor` is at most `n_brokers` (checked by callers).
pub(crate) fn assign_replicas(topic_index: u32, partition: u32, replication_factor: u32, n_brokers: u32) -> Vec<BrokerId> {
    let n = n_brokers.max(1);
    let start = topic_index.wrapping_add(partition) % n;
    (0..replication_factor.min(n)).map(|i| (start + i) % n + 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaders_spread_and_replicas_are_distinct() {
        assert_eq!(assign_replicas(0, 0, 3, 3), vec![1, 2, 3]);
        assert_eq!(assign_replicas(0, 1, 3, 3), vec![2, 3, 1]);
        assert_eq!(assign_replicas(1, 1, 2, 3), vec![3, 1]);
        assert_eq!(assign_replicas(0, 0, 5, 3), vec![1, 2, 3]);
    }
}
