//! Virtual time. Nothing in the engine reads the wall clock: the world advances this clock by a
//! duration, and every timestamp (record timestamps, retention, windows) is measured on it.

/// Milliseconds since the Unix epoch on the virtual clock, as Kafka timestamps are.
pub type Millis = i64;

/// The world's clock. It only moves forward, and only when told to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VirtualClock {
    now_ms: Millis,
}

impl VirtualClock {
    /// A clock that reads `start_ms`.
    pub fn starting_at(start_ms: Millis) -> Self {
        VirtualClock { now_ms: start_ms }
    }

    /// The current virtual time.
    pub fn now(&self) -> Millis {
        self.now_ms
    }

    /// Moves the clock forward by `dt_ms` (negative durations are ignored: time never goes back).
    pub fn advance(&mut self, dt_ms: Millis) -> Millis {
        self.now_ms = self.now_ms.saturating_add(dt_ms.max(0));
        self.now_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_only_moves_forward() {
        let mut clock = VirtualClock::starting_at(1_000);
        assert_eq!(clock.advance(500), 1_500);
        assert_eq!(clock.advance(-10_000), 1_500);
        assert_eq!(clock.advance(Millis::MAX), Millis::MAX);
    }
}
