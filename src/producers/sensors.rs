//! Sensor readings (temperature and humidity), keyed by sensor id; each sensor's values drift as a
//! random walk, so charts look like real readings.

use super::json::{bytes, json_record_with_key, JsonObject};
use super::Emitted;
use crate::clock::Millis;
use crate::log::{Bytes, TopicConfig};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub const TOPIC: &str = "sensor_readings";

pub fn topics() -> Vec<(&'static str, TopicConfig)> {
    vec![(TOPIC, TopicConfig::with_partitions(2))]
}

#[derive(Clone, Debug)]
pub struct Sensors {
    /// Per sensor: temperature and humidity in tenths.
    state: Vec<(i64, i64)>,
    /// Sensor ids and their keys, made once: every reading shares its sensor's key bytes.
    ids: Vec<(String, Bytes)>,
}

impl Sensors {
    pub fn new(n_sensors: u32) -> Self {
        let n = n_sensors.clamp(1, 10_000) as usize;
        let ids = (0..n)
            .map(|i| {
                let id = format!("sensor-{:02}", i + 1);
                let key = bytes(&id);
                (id, key)
            })
            .collect();
        Sensors { state: (0..n).map(|i| (200 + (i as i64 % 7) * 5, 450 + (i as i64 % 5) * 20)).collect(), ids }
    }

    pub fn next_event(&mut self, rng: &mut ChaCha8Rng, event_time_ms: Millis, out: &mut Vec<Emitted>) {
        let index = rng.gen_range(0..self.state.len().max(1));
        let Some((temperature, humidity)) = self.state.get_mut(index) else { return };
        *temperature = (*temperature + rng.gen_range(-3..=3)).clamp(-200, 600);
        *humidity = (*humidity + rng.gen_range(-5..=5)).clamp(0, 1000);
        let Some((sensor_id, key)) = self.ids.get(index) else { return };
        let value = JsonObject::new()
            .str("sensor_id", sensor_id)
            .fixed("temperature", *temperature, 1)
            .fixed("humidity", *humidity, 1)
            .int("ts", event_time_ms);
        out.push(Emitted { topic: TOPIC, record: json_record_with_key(key.clone(), value) });
    }
}
