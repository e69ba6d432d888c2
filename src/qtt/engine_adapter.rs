//! Connects the runner to streamlab's SQL engine ([`crate::sql::Engine`]).
//!
//! Records are written and read with the formats of the stream or table on their topic (see
//! [`codec`](super::codec)); a topic no source declares falls back to
//! [`super::schemaless`]. When several sources share a topic, inputs use the first
//! one created and outputs the last one (the sink).

use super::codec::TopicSchema;
use super::compare::Actual;
use super::json::Json;
use super::run::{CaseEngine, EncodedRecord};
use super::schemaless;
use crate::clock::Millis;
use crate::log::Log;
use crate::sql::Engine;

/// The engine the `qtt` binary runs cases on.
#[derive(Debug, Default)]
pub struct EngineAdapter {
    engine: Engine,
}

impl EngineAdapter {
    pub fn new() -> Self {
        EngineAdapter {
            engine: Engine::new(),
        }
    }

    /// The schema of the first (`last == false`) or last source on `topic`.
    fn schema_of(&self, topic: &str, last: bool) -> Option<TopicSchema> {
        let mut matching = self.engine.sources().filter(|source| source.topic == topic);
        let source = if last {
            matching.last()
        } else {
            matching.next()
        }?;
        Some(TopicSchema {
            key_format: source.key_format.clone(),
            key_columns: source.key_columns.clone(),
            value_format: source.value_format.clone(),
            value_columns: source.value_columns.clone(),
        })
    }
}

impl CaseEngine for EngineAdapter {
    fn set_property(&mut self, name: &str, value: &str) -> Result<(), String> {
        self.engine
            .set_property(name, value)
            .map_err(|e| e.to_string())
    }

    fn execute_script(&mut self, log: &mut Log, now_ms: Millis, sql: &str) -> Result<(), String> {
        self.engine
            .execute_script(log, now_ms, sql)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn run_until_idle(&mut self, log: &mut Log, now_ms: Millis) -> Result<(), String> {
        self.engine
            .run_until_idle(log, now_ms)
            .map_err(|e| e.to_string())
    }

    fn encode_input(&self, topic: &str, key: &Json, value: &Json) -> Result<EncodedRecord, String> {
        match self.schema_of(topic, false) {
            Some(schema) => schema.encode(key, value),
            None => Ok(schemaless::encode_record(key, value)),
        }
    }

    fn decode_output(
        &self,
        topic: &str,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        exact_numeric: bool,
    ) -> Result<(Actual, Actual), String> {
        match self.schema_of(topic, true) {
            Some(schema) => schema.decode(key, value, exact_numeric),
            None => Ok((
                schemaless::decode_field(key, exact_numeric),
                schemaless::decode_field(value, exact_numeric),
            )),
        }
    }
}
