//! Leader election, as Kafka's controller does it: when a leader's broker goes down, the first
//! live replica of the in-sync set (in assignment order) takes over; if none is alive, the
//! partition goes offline until one returns, unless `unclean.leader.election.enable` lets an
//! out-of-sync replica lead, losing the committed records it lacks. A broker that comes back
//! truncates to the high watermark it knew and catches up as a follower.

use super::acks::{LossReason, LostRecord};
use super::partition_state::PartitionState;
use super::{BrokerId, Ctx};

/// The controller notices `broker` is gone (at once; Kafka waits `broker.session.timeout.ms`).
pub(crate) fn on_broker_down(ps: &mut PartitionState, ctx: &mut Ctx<'_>, broker: BrokerId) {
    let high_watermark = ps.high_watermark;
    let Some(replica) = ps.replica_mut(broker) else { return };
    replica.truncate_on_return = Some(replica.truncate_on_return.unwrap_or(high_watermark).min(high_watermark));
    if ps.leader == Some(broker) {
        ps.leader = None;
        let live_isr: Vec<BrokerId> = ps.isr.iter().copied().filter(|&b| b != broker && ctx.is_up(b)).collect();
        if !live_isr.is_empty() {
            ps.isr = live_isr;
        }
        if !elect(ps, ctx, &format!("broker {broker}, its leader, went down")) {
            ctx.event(format!(
                "{}-{}: OFFLINE, broker {broker} (the leader) went down and no in-sync replica is alive; waiting for ISR {:?}",
                ctx.topic, ps.id, ps.isr
            ));
        }
    } else if ps.leader.is_some() && ps.in_isr(broker) {
        ps.isr.retain(|&b| b != broker);
        ctx.event(format!("{}-{}: ISR shrank to {:?} (broker {broker} went down)", ctx.topic, ps.id, ps.isr));
    }
}

/// Elects a leader for an offline partition, cleanly if an in-sync replica is alive, else
/// uncleanly if the topic allows it. Returns whether a leader was elected.
pub(crate) fn elect(ps: &mut PartitionState, ctx: &mut Ctx<'_>, why: &str) -> bool {
    if ps.leader.is_some() {
        return false;
    }
    let clean = ps.replicas.iter().find(|r| ps.isr.contains(&r.broker) && ctx.is_up(r.broker)).map(|r| r.broker);
    if let Some(broker) = clean {
        become_leader(ps, ctx, broker, false, why);
        return true;
    }
    if ctx.replication.unclean_leader_election {
        if let Some(broker) = ps.replicas.iter().find(|r| ctx.is_up(r.broker)).map(|r| r.broker) {
            become_leader(ps, ctx, broker, true, why);
            return true;
        }
    }
    false
}

/// `broker` is back: if it was the last in-sync replica of an offline partition it leads again
/// with everything it had; otherwise it truncates and follows.
pub(crate) fn on_broker_up(ps: &mut PartitionState, ctx: &mut Ctx<'_>, broker: BrokerId) {
    let offline = ps.leader.is_none();
    let in_isr = ps.in_isr(broker);
    let Some(replica) = ps.replica_mut(broker) else { return };
    if offline && in_isr {
        replica.truncate_on_return = None;
        become_leader(ps, ctx, broker, false, &format!("broker {broker} came back"));
        return;
    }
    let target = replica.truncate_on_return.take().unwrap_or(replica.leo);
    let before = replica.leo;
    if before > target {
        replica.leo = target;
    }
    replica.known_leo = replica.leo;
    let after = replica.leo;
    if before > after {
        ctx.event(format!(
            "{}-{}: broker {broker} came back and truncated its log from {before} to {after} (the high watermark it knew), then follows",
            ctx.topic, ps.id
        ));
    }
    if offline {
        elect(ps, ctx, &format!("broker {broker} came back"));
    }
}

fn become_leader(ps: &mut PartitionState, ctx: &mut Ctx<'_>, new_leader: BrokerId, unclean: bool, why: &str) {
    let Some(new_leo) = ps.replica(new_leader).map(|r| r.leo) else { return };
    let mut n_lost_acknowledged = 0u64;
    let mut n_lost = 0u64;
    // Committed records the new leader lacks (only an unclean election can get here).
    if new_leo < ps.high_watermark {
        let removed = match ctx.log.topic_mut(ctx.topic).and_then(|t| t.partition_mut(ps.id)) {
            Ok(partition) => partition.truncate_to(new_leo),
            Err(_) => Vec::new(),
        };
        for record in removed {
            n_lost += 1;
            n_lost_acknowledged += 1;
            ps.stats.lost_acknowledged += 1;
            ctx.journal.lose(LostRecord {
                at_ms: ctx.now_ms,
                topic: ctx.topic.to_string(),
                partition: ps.id,
                offset: Some(record.offset),
                key: record.key,
                value: record.value,
                acknowledged: true,
                acks: None,
                reason: LossReason::UncleanElection,
            });
        }
        ps.high_watermark = new_leo;
    }
    // The old leader's uncommitted tail beyond the new leader's end.
    let keep = usize::try_from(new_leo.saturating_sub(ps.high_watermark)).unwrap_or(usize::MAX);
    if ps.pending.len() > keep {
        let reason = if unclean { LossReason::UncleanElection } else { LossReason::UncommittedTruncated };
        let base = ps.high_watermark;
        let dropped: Vec<_> = ps.pending.drain(keep..).collect();
        for (index, pending) in dropped.into_iter().enumerate() {
            n_lost += 1;
            if pending.acknowledged {
                n_lost_acknowledged += 1;
                ps.stats.lost_acknowledged += 1;
            } else {
                ps.stats.lost_unacknowledged += 1;
            }
            ctx.journal.lose(LostRecord {
                at_ms: ctx.now_ms,
                topic: ctx.topic.to_string(),
                partition: ps.id,
                offset: Some(base.saturating_add(keep as u64).saturating_add(index as u64)),
                key: pending.record.key,
                value: pending.record.value,
                acknowledged: pending.acknowledged,
                acks: Some(pending.acks),
                reason,
            });
        }
    }
    ps.leader = Some(new_leader);
    ps.leader_epoch = ps.leader_epoch.saturating_add(1);
    if unclean {
        ps.isr = vec![new_leader];
    } else {
        let live: Vec<BrokerId> = ps.isr.iter().copied().filter(|&b| ctx.is_up(b)).collect();
        ps.isr = live;
        if !ps.isr.contains(&new_leader) {
            ps.isr.push(new_leader);
        }
    }
    // Followers whose logs run past the new leader's end truncate to it (leader epochs).
    let leader_leo = ps.leader_leo();
    for replica in ps.replicas.iter_mut().filter(|r| r.broker != new_leader) {
        if ctx.brokers.iter().any(|b| b.id == replica.broker && b.up) {
            replica.leo = replica.leo.min(leader_leo);
            replica.known_leo = replica.known_leo.min(replica.leo);
        } else if replica.leo > leader_leo {
            replica.truncate_on_return = Some(replica.truncate_on_return.unwrap_or(leader_leo).min(leader_leo));
        }
    }
    ps.sync_leader(ctx.now_ms);
    let kind = if unclean { "UNCLEAN election of out-of-sync replica" } else { "elected from the ISR" };
    let loss = match (n_lost, n_lost_acknowledged) {
        (0, _) => String::new(),
        (n, 0) => format!("; {n} uncommitted record(s) truncated (never acknowledged)"),
        (n, a) => format!("; {n} record(s) LOST, {a} of them acknowledged to the producer"),
    };
    ctx.event(format!(
        "{}-{}: broker {new_leader} is the leader (epoch {}, {kind}) because {why}{loss}",
        ctx.topic, ps.id, ps.leader_epoch
    ));
}
