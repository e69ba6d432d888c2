//! Turns a rate in events per virtual second into exact arrival times, with integer arithmetic so
//! the result does not depend on how time is chunked (nor on floating-point rounding).

use super::ProducerError;
use crate::clock::Millis;

pub const MAX_EVENTS_PER_SECOND: f64 = 10_000.0;

/// One event costs this much credit; a rate of r events/s earns `r * 1000` credit per ms.
const CREDIT_PER_EVENT: u64 = 1_000_000;

#[derive(Clone, Debug)]
pub(crate) struct RateSchedule {
    /// Events per 1000 virtual seconds (i.e. credit earned per millisecond).
    milli_events_per_second: u64,
    /// Credit carried over, always below `CREDIT_PER_EVENT`.
    credit: u64,
}

impl RateSchedule {
    pub(crate) fn new(events_per_second: f64) -> Result<Self, ProducerError> {
        let mut schedule = RateSchedule { milli_events_per_second: 0, credit: 0 };
        schedule.set_events_per_second(events_per_second)?;
        Ok(schedule)
    }

    pub(crate) fn events_per_second(&self) -> f64 {
        self.milli_events_per_second as f64 / 1000.0
    }

    pub(crate) fn set_events_per_second(&mut self, events_per_second: f64) -> Result<(), ProducerError> {
        if !events_per_second.is_finite() || !(0.0..=MAX_EVENTS_PER_SECOND).contains(&events_per_second) {
            return Err(ProducerError::InvalidRate { rate: events_per_second.to_string() });
        }
        self.milli_events_per_second = (events_per_second * 1000.0).round() as u64;
        Ok(())
    }

    /// How many events are due in `(from_ms, to_ms]`.
    pub(crate) fn count(&mut self, from_ms: Millis, to_ms: Millis) -> usize {
        let mut n = 0;
        self.for_each_arrival(from_ms, to_ms, |_| n += 1);
        n
    }

    /// Arrival times of the events due in `(from_ms, to_ms]`.
    #[cfg(test)]
    pub(crate) fn arrivals(&mut self, from_ms: Millis, to_ms: Millis) -> Vec<Millis> {
        let mut out = Vec::new();
        self.arrivals_into(from_ms, to_ms, &mut out);
        out
    }

    /// [`RateSchedule::arrivals`] appended to `out`, a buffer the caller reuses (the world asks
    /// at every tick).
    pub(crate) fn arrivals_into(&mut self, from_ms: Millis, to_ms: Millis, out: &mut Vec<Millis>) {
        self.for_each_arrival(from_ms, to_ms, |arrival_ms| out.push(arrival_ms));
    }

    fn for_each_arrival(&mut self, from_ms: Millis, to_ms: Millis, mut on_arrival: impl FnMut(Millis)) {
        let rate = self.milli_events_per_second;
        let span = u64::try_from(to_ms.saturating_sub(from_ms)).unwrap_or(0);
        if rate == 0 || span == 0 {
            return;
        }
        let mut elapsed: u64 = 0;
        loop {
            // Milliseconds until the credit reaches one event (at least 1: an event at `from_ms`
            // belonged to the previous interval).
            let wait = (CREDIT_PER_EVENT - self.credit).div_ceil(rate).max(1);
            if elapsed + wait > span {
                self.credit += (span - elapsed) * rate;
                return;
            }
            elapsed += wait;
            self.credit += wait * rate;
            while self.credit >= CREDIT_PER_EVENT {
                self.credit -= CREDIT_PER_EVENT;
                on_arrival(from_ms.saturating_add(elapsed as Millis));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_per_second_arrive_every_200_ms() {
        let mut schedule = RateSchedule::new(5.0).unwrap();
        assert_eq!(schedule.arrivals(0, 1_000), vec![200, 400, 600, 800, 1_000]);
        assert_eq!(schedule.arrivals(1_000, 1_300), vec![1_200]);
        assert_eq!(schedule.arrivals(1_300, 1_400), vec![1_400]);
    }

    #[test]
    fn counting_agrees_with_the_arrivals() {
        let mut counted = RateSchedule::new(7.5).unwrap();
        let mut listed = RateSchedule::new(7.5).unwrap();
        for (from, to) in [(0, 130), (130, 1_000), (1_000, 1_001), (1_001, 4_000)] {
            assert_eq!(counted.count(from, to), listed.arrivals(from, to).len(), "({from}, {to}]");
        }
        assert_eq!(counted.count(4_000, 5_000), 7, "30 events by 4 s, 37 by 5 s");
        let mut buffer = vec![1];
        counted.arrivals_into(5_000, 5_400, &mut buffer);
        assert_eq!(buffer, [1, 5_067, 5_200, 5_334], "events 38 to 40, every 133.3 ms");
    }

    #[test]
    fn fast_rates_put_several_events_in_one_millisecond() {
        let mut schedule = RateSchedule::new(2_500.0).unwrap();
        assert_eq!(schedule.arrivals(0, 1_000).len(), 2_500);
        let mut slow = RateSchedule::new(0.5).unwrap();
        assert_eq!(slow.arrivals(0, 10_000), vec![2_000, 4_000, 6_000, 8_000, 10_000]);
    }
}
