//! Applying a lesson's actions to the world. Actions are what a step scripts and what a
//! solution's one click does; each goes through the same public `World` methods the UI uses.

use super::model::{Action, StartFrom};
use crate::clock::Millis;
use crate::log::{CleanupPolicy, OffsetReset, ProducerRecord, TopicConfig};
use crate::producers::{Injection, ScenarioKind};
use crate::sql::StatementResult;
use crate::world::World;
use std::sync::Arc;

const DAY_MS: Millis = 86_400_000;

/// Runs one action. SQL results come back so the UI can show them (a push query's rows, a
/// `PRINT`); any error is a sentence for the learner or the lesson's author.
pub fn apply_action(world: &mut World, action: &Action) -> Result<Vec<StatementResult>, String> {
    let world_error = |e: crate::world::WorldError| e.to_string();
    match action {
        Action::Sql { sql } => {
            let outcome = world.execute_sql(sql);
            match outcome.error {
                None => Ok(outcome.results),
                Some(error) => Err(format!("SQL failed: {error}")),
            }
        }
        Action::Produce { topic, key, value, partition } => {
            let record = ProducerRecord {
                partition: *partition,
                key: key.as_deref().map(|k| Arc::from(k.as_bytes())),
                value: value.as_deref().map(|v| Arc::from(v.as_bytes())),
                ..ProducerRecord::default()
            };
            world.produce(topic, record).map_err(world_error)?;
            Ok(Vec::new())
        }
        Action::ProduceOne { producer, count } => {
            for _ in 0..*count {
                world.produce_one(producer).map_err(world_error)?;
            }
            Ok(Vec::new())
        }
        Action::Advance { by } => {
            world.step(by.0);
            Ok(Vec::new())
        }
        Action::AdvanceTo { time } => {
            let now = world.now_ms();
            let today = now.rem_euclid(DAY_MS);
            let wait = (time.ms - today).rem_euclid(DAY_MS);
            world.step(wait);
            Ok(Vec::new())
        }
        Action::AddProducer { scenario, rate, start, key_space } => {
            let kind = ScenarioKind::from_name(scenario).ok_or_else(|| format!("unknown scenario '{scenario}'"))?;
            let name = world.add_producer(kind, *rate).map_err(world_error)?;
            if let Some(key_space) = key_space {
                world.set_producer_key_space(&name, *key_space).map_err(world_error)?;
            }
            if *start {
                world.start_producer(&name).map_err(world_error)?;
            }
            Ok(Vec::new())
        }
        Action::StartProducer { producer } => world.start_producer(producer).map(|_| Vec::new()).map_err(world_error),
        Action::StopProducer { producer } => world.stop_producer(producer).map(|_| Vec::new()).map_err(world_error),
        Action::SetRate { producer, rate } => world.set_producer_rate(producer, *rate).map(|_| Vec::new()).map_err(world_error),
        Action::FraudBurst { producer, card_number, attempts, within } => {
            let injection = Injection::FraudBurst { card_number: card_number.clone(), attempts: *attempts, within_ms: within.0 };
            world.inject(producer, &injection).map(|_| Vec::new()).map_err(world_error)
        }
        Action::SetUserLevel { producer, user_id, level } => {
            let injection = Injection::SetUserLevel { user_id: *user_id, level: level.clone() };
            world.inject(producer, &injection).map(|_| Vec::new()).map_err(world_error)
        }
        Action::CreateTopic { topic, partitions, compact, retention } => {
            // Without `retention`, the broker's default, as for a topic created without one.
            let defaults = TopicConfig::with_partitions(*partitions);
            let config = TopicConfig {
                cleanup_policy: if *compact { CleanupPolicy::Compact } else { CleanupPolicy::Delete },
                retention_ms: retention.map_or(defaults.retention_ms, |r| Some(r.0)),
                ..defaults
            };
            world.log_mut().create_topic(topic, config).map(|_| Vec::new()).map_err(|e| e.to_string())
        }
        Action::AddPartitions { topic, partitions } => {
            world.log_mut().add_partitions(topic, *partitions).map(|_| Vec::new()).map_err(|e| e.to_string())
        }
        Action::AddSink { name, topics, rate, from } => {
            let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
            let reset = match from {
                StartFrom::Earliest => OffsetReset::Earliest,
                StartFrom::Latest => OffsetReset::Latest,
            };
            world.add_sink(name, &topics, *rate, reset).map(|_| Vec::new()).map_err(world_error)
        }
        Action::RemoveSink { name } => world.remove_sink(name).map(|_| Vec::new()).map_err(world_error),
        Action::PauseGroup { group } => world.pause_group(group).map(|_| Vec::new()).map_err(world_error),
        Action::ResumeGroup { group } => world.resume_group(group).map(|_| Vec::new()).map_err(world_error),
        Action::ResetOffset { group, topic, partition, offset } => {
            let log = world.log_mut();
            log.seek(group, topic, *partition, *offset).map_err(|e| e.to_string())?;
            log.commit_offset(group, topic, *partition, *offset).map_err(|e| e.to_string())?;
            Ok(Vec::new())
        }
    }
}
