//! Followers fetching from leaders, once per tick of virtual time; the in-sync replica set
//! shrinking (`replica.lag.time.max.ms`) and growing again; the high watermark advancing to the
//! smallest end offset the leader knows of in the ISR, which commits records into the `Log`.

use super::acks::Ack;
use super::partition_state::PartitionState;
use super::{BrokerId, Ctx};
use crate::clock::Millis;

pub(crate) struct FetchLimits {
    pub(crate) max_records_per_fetch: usize,
    pub(crate) replica_lag_time_max_ms: Millis,
}

/// One fetch round for one partition at `ctx.now_ms`. `budgets` are what each broker may still
/// copy this tick (its throttle), shared by the partitions it follows.
pub(crate) fn replicate(ps: &mut PartitionState, ctx: &mut Ctx<'_>, budgets: &mut Vec<(BrokerId, usize)>, limits: &FetchLimits) {
    let Some(leader) = ps.leader else { return };
    ps.sync_leader(ctx.now_ms);
    // The leader alone with nothing pending (replication factor 1, the default): nobody
    // fetches and nothing is left to commit, so the round ends here.
    if ps.replicas.len() <= 1 && ps.pending.is_empty() {
        return;
    }
    let leader_leo = ps.leader_leo();
    let high_watermark = ps.high_watermark;
    // Looked up by name only when a follower fetches (never with replication factor 1).
    let mut log_start: Option<u64> = None;
    let now_ms = ctx.now_ms;
    let mut shrunk = Vec::new();
    let mut rejoined = Vec::new();
    for replica in ps.replicas.iter_mut() {
        if replica.broker == leader || !ctx.brokers.iter().any(|b| b.id == replica.broker && b.up) {
            continue;
        }
        // Below the leader's log start, a follower starts again from the log start.
        let log_start = *log_start.get_or_insert_with(|| ctx.log.log_start_offset(ctx.topic, ps.id).unwrap_or(0));
        replica.leo = replica.leo.max(log_start).min(leader_leo);
        // The fetch request carries the follower's end offset: that is what the leader learns.
        replica.known_leo = replica.leo;
        let slot = match budgets.iter().position(|(b, _)| *b == replica.broker) {
            Some(slot) => slot,
            None => {
                budgets.push((replica.broker, limits.max_records_per_fetch));
                budgets.len() - 1
            }
        };
        let Some((_, budget)) = budgets.get_mut(slot) else { continue };
        let wanted = usize::try_from(leader_leo.saturating_sub(replica.leo)).unwrap_or(usize::MAX);
        let n = wanted.min(limits.max_records_per_fetch).min(*budget);
        *budget -= n;
        replica.leo = replica.leo.saturating_add(n as u64);
        if replica.leo >= leader_leo {
            replica.last_caught_up_ms = now_ms;
        }
        let in_isr = ps.isr.contains(&replica.broker);
        if in_isr && now_ms.saturating_sub(replica.last_caught_up_ms) > limits.replica_lag_time_max_ms {
            shrunk.push(replica.broker);
        } else if !in_isr && replica.known_leo >= high_watermark {
            rejoined.push(replica.broker);
        }
    }
    for broker in shrunk {
        ps.isr.retain(|&b| b != broker);
        ctx.event(format!(
            "{}-{}: broker {broker} fell out of the ISR (not caught up for {} ms); ISR is {:?}",
            ctx.topic, ps.id, limits.replica_lag_time_max_ms, ps.isr
        ));
    }
    for broker in rejoined {
        ps.isr.push(broker);
        ctx.event(format!("{}-{}: broker {broker} caught up and rejoined the ISR {:?}", ctx.topic, ps.id, ps.isr));
    }
    let new_high_watermark = ps
        .isr
        .iter()
        .filter_map(|&b| ps.replica(b).map(|r| if b == leader { leader_leo } else { r.known_leo }))
        .min()
        .unwrap_or(high_watermark)
        .min(leader_leo);
    commit(ps, ctx, new_high_watermark);
}

/// Moves the high watermark up to `new_high_watermark`: the leader's records below it become
/// committed, appended to the `Log` where consumers can read them; acks=all sends are answered.
pub(crate) fn commit(ps: &mut PartitionState, ctx: &mut Ctx<'_>, new_high_watermark: u64) {
    while ps.high_watermark < new_high_watermark {
        let Some(pending) = ps.pending.pop_front() else { break };
        let write_id = pending.write_id;
        let acks = pending.acks;
        let acknowledged = pending.acknowledged;
        match ctx.log.append(ctx.topic, pending.record, ctx.now_ms) {
            Ok(metadata) => {
                ps.high_watermark = metadata.offset.saturating_add(1);
                if !acknowledged && (ps.isr.len() as u32) < ctx.replication.min_insync_replicas {
                    // Kafka's NOT_ENOUGH_REPLICAS_AFTER_APPEND: committed, but on fewer replicas
                    // than min.insync.replicas by now, so the acks=all producer gets an error.
                    ps.stats.failed_after_append += 1;
                } else if !acknowledged {
                    ps.stats.acknowledged += 1;
                    ctx.journal.ack(Ack { write_id, topic: String::new(), partition: ps.id, offset: metadata.offset, acks }, ctx.topic);
                }
            }
            // The topic was deleted under the leader: nothing left to commit.
            Err(_) => {
                ps.pending.clear();
                break;
            }
        }
    }
    ps.sync_leader(ctx.now_ms);
}
