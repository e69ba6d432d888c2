//! `CREATE TABLE name AS SELECT ... [WINDOW ...] GROUP BY ...`: a persistent aggregation whose
//! sink is a table keyed by the grouping expressions (plus the window, for windowed tables).

use super::catalog::SourceInfo;
use super::ddl::{check_timestamp_column, make_sink, validate_formats};
use super::pipeline::Pipeline;
use super::properties::WithClause;
use super::queries::PersistentQuery;
use super::{Engine, StatementResult, OUTPUT_TOPIC_PREFIX, WRAP_SINGLE_VALUES};
use crate::log::{Log, TopicConfig};
use crate::sql::ast::{CreateAsSelect, SourceKind};
use crate::sql::error::SqlError;
use crate::sql::format::FormatKind;
use crate::sql::operators::aggregate::Aggregate;
use crate::sql::operators::sink::WindowKeyKind;
use crate::sql::operators::Operator;
use crate::sql::plan::aggregate::plan_aggregate;

impl Engine {
    pub(super) fn create_aggregate_as_select(
        &mut self,
        log: &mut Log,
        create: &CreateAsSelect,
        sql: &str,
    ) -> Result<StatementResult, SqlError> {
        if let Some(result) = self.check_name_free(
            &create.name,
            create.kind,
            create.or_replace,
            create.if_not_exists,
        )? {
            return Ok(result);
        }
        let with = WithClause::parse(&create.properties)?;
        let source = self.lookup(&create.query.from.name)?.clone();
        let plan = plan_aggregate(
            &create.query,
            &source.name,
            source.kind,
            &source.key_columns,
            &source.value_columns,
            Some(&create.name.name),
        )?;
        if source.value_format.kind == FormatKind::Kafka {
            return Err(SqlError::invalid(format!(
                "Source(s) {} are using the 'KAFKA' value format. This format does not yet support GROUP BY.",
                source.name
            ))
            .at(create.query.span));
        }
        if create.kind == SourceKind::Stream {
            return Err(SqlError::invalid("Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.")
                .at(create.name.span));
        }
        if source.kind == SourceKind::Table && plan.window.is_some() {
            return Err(SqlError::invalid(
                "Windowed aggregation of a table is not supported: WINDOW needs a stream source",
            )
            .at(create.query.span));
        }
        let topic = match &with.kafka_topic {
            Some(topic) => topic.clone(),
            None => format!(
                "{}{}",
                self.property(OUTPUT_TOPIC_PREFIX).unwrap_or(""),
                create.name.name
            ),
        };
        let key_fields = plan.key_fields();
        let value_fields = plan.value_fields();
        let key_kind = with.key_format.unwrap_or(source.key_format.kind);
        let value_kind = with.value_format.unwrap_or(source.value_format.kind);
        let (mut key_format, mut value_format) =
            with.format_specs(key_kind, value_kind, self.flag(WRAP_SINGLE_VALUES, true))?;
        if with.key_delimiter.is_none() && key_kind == source.key_format.kind {
            key_format.delimiter = source.key_format.delimiter;
        }
        if with.value_delimiter.is_none() && value_kind == source.value_format.kind {
            value_format.delimiter = source.value_format.delimiter;
        }
        validate_formats(
            &key_format,
            &key_fields,
            &value_format,
            &value_fields,
            with.wrap_single_value,
        )?;
        check_timestamp_column(&with, &key_fields, &value_fields)?;
        let partitions = match with.partitions {
            Some(partitions) => partitions,
            None => log
                .topic(&source.topic)
                .map(|t| t.n_partitions())
                .unwrap_or(1),
        };
        if !log.has_topic(&topic) {
            log.create_topic(&topic, TopicConfig::with_partitions(partitions))
                .map_err(|e| SqlError::execution(e.to_string()))?;
        }
        let id = format!(
            "CTAS_{}_{}",
            create.name.name.to_ascii_uppercase(),
            self.next_query_number
        );
        let mut sink = make_sink(
            &topic,
            &key_format,
            &value_format,
            &key_fields,
            &value_fields,
            with.timestamp.as_deref(),
        );
        let window = plan.window;
        sink.window_key = window.map(|w| {
            if w.is_session() {
                WindowKeyKind::Session
            } else {
                WindowKeyKind::Time
            }
        });
        let operators: Vec<Box<dyn Operator>> = vec![Box::new(Aggregate::new(plan))];
        let pipeline = Pipeline::with_operators(&source, operators, log, self.offset_reset())?;
        self.next_query_number += 1;
        self.catalog.insert(SourceInfo {
            name: create.name.name.clone(),
            kind: SourceKind::Table,
            topic,
            key_format,
            value_format,
            key_columns: key_fields,
            value_columns: value_fields,
            timestamp_column: with.timestamp.clone(),
            timestamp_format: with.timestamp_format.clone(),
            sql: sql.to_string(),
            is_source: false,
            window,
        });
        self.queries.push(PersistentQuery {
            id: id.clone(),
            sql: sql.to_string(),
            source: source.name.clone(),
            sink: create.name.name.clone(),
            pipeline,
            sink_writer: sink,
            n_records_written: 0,
        });
        Ok(StatementResult::Ack {
            message: format!("Created query with ID {id}"),
        })
    }
}
