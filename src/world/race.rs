//! The batch-vs-stream race: one topic read by two consumers on the same virtual clock.
//!
//! - The **batch** job (group [`RACE_BATCH_GROUP`]) runs on a schedule: at every multiple of its
//!   cadence (24 h, 1 h or 15 min, aligned to midnight UTC) it reads everything the topic holds,
//!   then sleeps. It also runs once when the race starts.
//! - The **stream** consumer (group [`RACE_STREAM_GROUP`]) reads what arrived at every tick.
//!
//! Each side's **freshness** is the age of the newest data it reflects: now minus the largest
//! timestamp it has read (the same meter as lesson 3's `group_freshness`). Sampled on the
//! virtual clock into a bounded ring buffer, the batch side draws a saw-tooth whose period is
//! the cadence and the stream side a flat line near zero. A marked event shows when each side
//! first saw it.
//!
//! Both sides are ordinary consumer groups, so their cursors and lag show in the log view.
//!
//! A batch job needs its topic to keep at least one cadence of records (the sandbox broker
//! keeps 15 minutes, [`crate::log::BROKER_RETENTION_MS`]): starting the race, or changing its
//! cadence, raises the topic's `retention.ms` to [`Cadence::retention_needed_ms`] when it is
//! shorter, as an operator would before scheduling the job. The change shows in the topic's
//! config (the log view's "retention"); it is never lowered again.

use super::{World, WorldError};
use crate::clock::Millis;
use crate::log::{ConsumerRecord, GroupConfig, Log, OffsetReset};
use std::collections::{BTreeMap, VecDeque};

pub const RACE_BATCH_GROUP: &str = "race-batch";
pub const RACE_STREAM_GROUP: &str = "race-stream";
/// Samples kept: the chart shows [`CADENCES_SHOWN`] cadences in this many points.
pub const RACE_SAMPLES: usize = 240;
/// How many batch periods the chart spans.
pub const CADENCES_SHOWN: i64 = 4;
/// Records read per poll; a batch run polls until it has read everything.
const MAX_POLL: usize = 2_000;

const MINUTE_MS: Millis = 60_000;

/// How often the batch job runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    Daily,
    Hourly,
    QuarterHour,
}

impl Cadence {
    pub const ALL: [Cadence; 3] = [Cadence::Daily, Cadence::Hourly, Cadence::QuarterHour];

    pub fn ms(self) -> Millis {
        match self {
            Cadence::Daily => 24 * 60 * MINUTE_MS,
            Cadence::Hourly => 60 * MINUTE_MS,
            Cadence::QuarterHour => 15 * MINUTE_MS,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Cadence::Daily => "24 h",
            Cadence::Hourly => "1 h",
            Cadence::QuarterHour => "15 min",
        }
    }

    /// The `retention.ms` the race's topic needs: a whole cadence (every run reads everything
    /// since the previous one) plus an hour's margin for a late run.
    pub fn retention_needed_ms(self) -> Millis {
        self.ms() + 60 * MINUTE_MS
    }

    /// Virtual time between two samples of the chart.
    pub fn sample_interval_ms(self) -> Millis {
        (self.ms() * CADENCES_SHOWN / RACE_SAMPLES as i64).max(1)
    }
}

/// One point of the freshness chart: each side's age of data at `at_ms` (`None` before that
/// side has read anything).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FreshnessSample {
    pub at_ms: Millis,
    pub batch_ms: Option<Millis>,
    pub stream_ms: Option<Millis>,
}

/// Event X: the first record read beyond the mark, and when each side first read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkedEvent {
    pub partition: u32,
    pub offset: u64,
    pub timestamp: Millis,
    pub key: Option<String>,
    pub batch_seen_ms: Option<Millis>,
    pub stream_seen_ms: Option<Millis>,
}

#[derive(Clone, Debug)]
struct Mark {
    marked_at_ms: Millis,
    /// The log end of each partition when the mark was set: X is the first record beyond.
    after: BTreeMap<u32, u64>,
    event: Option<MarkedEvent>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Batch,
    Stream,
}

impl Side {
    fn group(self) -> &'static str {
        match self {
            Side::Batch => RACE_BATCH_GROUP,
            Side::Stream => RACE_STREAM_GROUP,
        }
    }

    fn member(self) -> &'static str {
        match self {
            Side::Batch => "race-batch-1",
            Side::Stream => "race-stream-1",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Race {
    topic: String,
    cadence: Cadence,
    started_ms: Millis,
    last_batch_ms: Option<Millis>,
    n_batch_runs: u64,
    newest_batch_ts: Option<Millis>,
    newest_stream_ts: Option<Millis>,
    samples: VecDeque<FreshnessSample>,
    next_sample_ms: Millis,
    mark: Option<Mark>,
}

/// The race as the UI draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaceView {
    pub topic: String,
    pub cadence: Cadence,
    pub now_ms: Millis,
    pub started_ms: Millis,
    pub batch_freshness_ms: Option<Millis>,
    pub stream_freshness_ms: Option<Millis>,
    pub last_batch_ms: Option<Millis>,
    pub next_batch_ms: Millis,
    pub n_batch_runs: u64,
    /// Oldest first, at most [`RACE_SAMPLES`].
    pub samples: Vec<FreshnessSample>,
    /// When the learner marked "the next event", and the event once a side has read it.
    pub marked_at_ms: Option<Millis>,
    pub marked: Option<MarkedEvent>,
}

impl Race {
    fn new(topic: &str, cadence: Cadence, now_ms: Millis) -> Race {
        Race {
            topic: topic.to_string(),
            cadence,
            started_ms: now_ms,
            last_batch_ms: None,
            n_batch_runs: 0,
            newest_batch_ts: None,
            newest_stream_ts: None,
            samples: VecDeque::with_capacity(RACE_SAMPLES),
            next_sample_ms: now_ms,
            mark: None,
        }
    }

    /// The last schedule point at or before `now_ms`.
    fn boundary(&self, now_ms: Millis) -> Millis {
        now_ms - now_ms.rem_euclid(self.cadence.ms())
    }

    fn freshness(newest: Option<Millis>, now_ms: Millis) -> Option<Millis> {
        newest.map(|ts| now_ms.saturating_sub(ts).max(0))
    }

    /// One tick: the stream side reads what arrived, the batch side runs if a schedule point
    /// passed, then the chart is sampled if due.
    pub(crate) fn on_tick(&mut self, log: &mut Log, now_ms: Millis) {
        self.read(log, Side::Stream, now_ms);
        let due = self.last_batch_ms.is_none_or(|last| last < self.boundary(now_ms));
        if due {
            self.read(log, Side::Batch, now_ms);
            self.last_batch_ms = Some(now_ms);
            self.n_batch_runs += 1;
        }
        if now_ms >= self.next_sample_ms {
            if self.samples.len() >= RACE_SAMPLES {
                self.samples.pop_front();
            }
            self.samples.push_back(FreshnessSample {
                at_ms: now_ms,
                batch_ms: Self::freshness(self.newest_batch_ts, now_ms),
                stream_ms: Self::freshness(self.newest_stream_ts, now_ms),
            });
            let interval = self.cadence.sample_interval_ms();
            self.next_sample_ms = now_ms - now_ms.rem_euclid(interval) + interval;
        }
    }

    /// Polls `side`'s group until it has read everything it may (a paused group reads nothing),
    /// commits, and notes the newest timestamp and the marked event.
    fn read(&mut self, log: &mut Log, side: Side, now_ms: Millis) {
        loop {
            let Ok(records) = log.poll(side.group(), side.member(), MAX_POLL) else { return };
            if records.is_empty() {
                break;
            }
            for consumer_record in &records {
                self.saw(side, consumer_record, now_ms);
            }
            if log.commit(side.group(), side.member()).is_err() {
                return;
            }
        }
    }

    fn saw(&mut self, side: Side, consumer_record: &ConsumerRecord, now_ms: Millis) {
        let record = &consumer_record.record;
        let newest = match side {
            Side::Batch => &mut self.newest_batch_ts,
            Side::Stream => &mut self.newest_stream_ts,
        };
        *newest = Some(newest.map_or(record.timestamp, |ts| ts.max(record.timestamp)));
        let Some(mark) = &mut self.mark else { return };
        let event = match &mut mark.event {
            Some(event) if event.partition == record.partition && event.offset == record.offset => event,
            Some(_) => return,
            None => {
                let beyond = mark.after.get(&record.partition).is_none_or(|after| record.offset >= *after);
                if !beyond {
                    return;
                }
                mark.event.insert(MarkedEvent {
                    partition: record.partition,
                    offset: record.offset,
                    timestamp: record.timestamp,
                    key: record.key.as_ref().map(|k| String::from_utf8_lossy(k).into_owned()),
                    batch_seen_ms: None,
                    stream_seen_ms: None,
                })
            }
        };
        let seen = match side {
            Side::Batch => &mut event.batch_seen_ms,
            Side::Stream => &mut event.stream_seen_ms,
        };
        seen.get_or_insert(now_ms);
    }

    fn view(&self, now_ms: Millis) -> RaceView {
        RaceView {
            topic: self.topic.clone(),
            cadence: self.cadence,
            now_ms,
            started_ms: self.started_ms,
            batch_freshness_ms: Self::freshness(self.newest_batch_ts, now_ms),
            stream_freshness_ms: Self::freshness(self.newest_stream_ts, now_ms),
            last_batch_ms: self.last_batch_ms,
            next_batch_ms: self.boundary(now_ms).saturating_add(self.cadence.ms()),
            n_batch_runs: self.n_batch_runs,
            samples: self.samples.iter().copied().collect(),
            marked_at_ms: self.mark.as_ref().map(|m| m.marked_at_ms),
            marked: self.mark.as_ref().and_then(|m| m.event.clone()),
        }
    }
}

impl World {
    /// Starts the race on `topic` (replacing a running one): both groups read from the log
    /// start, and the batch job runs once now.
    pub fn start_race(&mut self, topic: &str, cadence: Cadence) -> Result<(), WorldError> {
        self.log.topic(topic)?;
        self.stop_race();
        self.log.topic_mut(topic)?.keep_at_least(cadence.retention_needed_ms())?;
        for side in [Side::Batch, Side::Stream] {
            let config = GroupConfig {
                auto_offset_reset: OffsetReset::Earliest,
                enable_auto_commit: false,
                ..GroupConfig::default()
            };
            // A previous race's committed offsets would make this one start late.
            if self.log.has_group(side.group()) {
                self.log.delete_group(side.group())?;
            }
            self.log.join_group(side.group(), side.member(), &[topic], config)?;
        }
        let now_ms = self.now_ms();
        let mut race = Race::new(topic, cadence, now_ms);
        race.on_tick(&mut self.log, now_ms);
        self.race = Some(race);
        self.generation += 1;
        Ok(())
    }

    /// Ends the race; its groups leave (their offsets stay, as in Kafka).
    pub fn stop_race(&mut self) {
        if self.race.take().is_some() {
            for side in [Side::Batch, Side::Stream] {
                let _ = self.log.leave_group(side.group(), side.member());
            }
            self.generation += 1;
        }
    }

    /// A new schedule for the batch job; the chart starts again at the new time scale.
    pub fn set_race_cadence(&mut self, cadence: Cadence) {
        let now_ms = self.now_ms();
        if let Some(race) = &mut self.race {
            // The topic may have been deleted under the race: then there is nothing to keep.
            if let Ok(topic) = self.log.topic_mut(&race.topic) {
                let _ = topic.keep_at_least(cadence.retention_needed_ms());
            }
            race.cadence = cadence;
            race.samples.clear();
            race.next_sample_ms = now_ms;
            self.generation += 1;
        }
    }

    /// Marks "the next event": the first record either side reads beyond the topic's current
    /// end becomes event X.
    pub fn mark_race_event(&mut self) {
        let now_ms = self.now_ms();
        let Some(race) = &mut self.race else { return };
        let after = self
            .log
            .topic(&race.topic)
            .map(|t| t.partitions().iter().map(|p| (p.id(), p.log_end_offset())).collect())
            .unwrap_or_default();
        race.mark = Some(Mark { marked_at_ms: now_ms, after, event: None });
        self.generation += 1;
    }

    pub fn race_view(&self) -> Option<RaceView> {
        self.race.as_ref().map(|race| race.view(self.now_ms()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::producers::ScenarioKind;

    fn racing_world(cadence: Cadence) -> World {
        let mut world = World::new(7);
        world.add_producer(ScenarioKind::AccountTransactions, 5.0).unwrap();
        world.start_producer("account_transactions").unwrap();
        world.step(2_000);
        world.start_race("account_transactions", cadence).unwrap();
        world
    }

    #[test]
    fn batch_freshness_is_a_saw_tooth_with_the_cadence_as_period_and_stream_stays_fresh() {
        let mut world = racing_world(Cadence::QuarterHour);
        let period = Cadence::QuarterHour.ms();
        world.step(3 * period);
        let view = world.race_view().unwrap();
        assert!(view.samples.len() >= 100, "{} samples", view.samples.len());
        // Stream: flat, under a second.
        for sample in &view.samples {
            let stream = sample.stream_ms.unwrap();
            assert!(stream < 1_000, "stream freshness {stream} at {}", sample.at_ms);
        }
        // Batch: climbs between runs, falls at each schedule point, never older than a period.
        let batch: Vec<(Millis, Millis)> = view.samples.iter().map(|s| (s.at_ms, s.batch_ms.unwrap())).collect();
        let drops: Vec<Millis> =
            batch.windows(2).filter(|w| w[1].1 < w[0].1).map(|w| w[1].0).collect();
        assert_eq!(drops.len(), 3, "one drop per schedule point: {drops:?}");
        for pair in drops.windows(2) {
            assert_eq!(pair[1] - pair[0], period, "drops {drops:?}");
        }
        for drop_ms in &drops {
            assert_eq!(drop_ms.rem_euclid(period), 0, "drop at a schedule point");
        }
        let peak = batch.iter().map(|(_, b)| *b).max().unwrap();
        assert!(peak > period * 9 / 10 && peak <= period + 1_000, "peak {peak}");
        assert!(view.batch_freshness_ms.unwrap() > view.stream_freshness_ms.unwrap());
        assert_eq!(view.n_batch_runs, 4, "at start and at three schedule points");
    }

    #[test]
    fn each_side_first_sees_the_marked_event_when_it_reads() {
        let mut world = racing_world(Cadence::Hourly);
        world.mark_race_event();
        world.step(60_000);
        let event = world.race_view().unwrap().marked.unwrap();
        let stream_seen = event.stream_seen_ms.unwrap();
        assert!(stream_seen >= event.timestamp && stream_seen - event.timestamp <= 100);
        assert_eq!(event.batch_seen_ms, None, "the batch job has not run since");
        world.step(Cadence::Hourly.ms());
        let event = world.race_view().unwrap().marked.unwrap();
        let batch_seen = event.batch_seen_ms.unwrap();
        assert_eq!(batch_seen.rem_euclid(Cadence::Hourly.ms()), 0, "seen at the hour");
        assert!(batch_seen - event.timestamp > 60_000);
    }

    /// The broker keeps an hour; a daily batch needs a day. Starting the race raises the
    /// topic's retention.ms (visible in its config), so the daily run still finds an event
    /// marked 24 hours earlier; a shorter cadence never lowers it.
    #[test]
    fn a_daily_race_keeps_a_day_of_its_topic() {
        let mut world = World::new(7);
        world.add_producer(ScenarioKind::AccountTransactions, 0.2).unwrap();
        world.start_producer("account_transactions").unwrap();
        world.step(2_000);
        let retention = |world: &World| world.log().topic("account_transactions").unwrap().config().retention_ms;
        assert_eq!(retention(&world), Some(crate::log::BROKER_RETENTION_MS));
        world.start_race("account_transactions", Cadence::Hourly).unwrap();
        assert_eq!(retention(&world), Some(Cadence::Hourly.retention_needed_ms()));
        world.set_race_cadence(Cadence::Daily);
        assert_eq!(retention(&world), Some(25 * 60 * MINUTE_MS));
        let marked_at = world.now_ms();
        world.mark_race_event();
        world.step(Cadence::Daily.ms());
        let event = world.race_view().unwrap().marked.unwrap();
        assert!(event.timestamp - marked_at < 60_000, "marked at the start: {}", event.timestamp - marked_at);
        let batch_seen = event.batch_seen_ms.unwrap();
        assert_eq!(batch_seen.rem_euclid(Cadence::Daily.ms()), 0, "seen at midnight");
        assert!(batch_seen - event.timestamp > 23 * 60 * MINUTE_MS, "the daily run read it, a day later");
        let partition = event.partition;
        let log_start = world.log().log_start_offset("account_transactions", partition).unwrap();
        assert!(log_start <= event.offset, "still in the log: start {log_start}, event {}", event.offset);
        world.set_race_cadence(Cadence::QuarterHour);
        assert_eq!(retention(&world), Some(25 * 60 * MINUTE_MS), "never lowered");
    }

    #[test]
    fn cadence_switch_restarts_the_chart_and_a_race_needs_a_topic() {
        let mut world = racing_world(Cadence::Daily);
        world.step(600_000);
        assert!(!world.race_view().unwrap().samples.is_empty());
        world.set_race_cadence(Cadence::QuarterHour);
        let view = world.race_view().unwrap();
        assert!(view.samples.is_empty());
        assert_eq!(view.cadence, Cadence::QuarterHour);
        assert!(world.start_race("no_such_topic", Cadence::Hourly).is_err());
        world.stop_race();
        assert!(world.race_view().is_none());
    }
}
