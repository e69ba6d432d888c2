//! `CREATE STREAM name AS SELECT ... FROM stream [LEFT] JOIN table ON ...`: a persistent query
//! with two inputs. The stream drives the output; the table's changelog is read alongside (a
//! [`SideInput`]) and kept as state by the join operator. Records of both topics are processed
//! in timestamp order, the table first on ties, as Kafka Streams picks the input with the
//! smallest next timestamp.

use super::catalog::SourceInfo;
use super::ddl::{make_sink, validate_formats};
use super::pipeline::{OffsetReset, Pipeline};
use super::properties::WithClause;
use super::queries::PersistentQuery;
use super::{Engine, StatementResult, OUTPUT_TOPIC_PREFIX, WRAP_SINGLE_VALUES};
use crate::log::{Log, TopicConfig};
use crate::sql::ast::{CreateAsSelect, SourceKind};
use crate::sql::error::SqlError;
use crate::sql::format::FormatKind;
use crate::sql::operators::filter::Filter;
use crate::sql::operators::project::Project;
use crate::sql::operators::source::SourceDecoder;
use crate::sql::operators::stream_stream_join::{parse_within, StreamStreamJoin};
use crate::sql::operators::stream_table_join::StreamTableJoin;
use crate::sql::operators::table_table_join::{
    DropUnneededTombstones, TableJoinKind, TableTableJoin,
};
use crate::sql::operators::Operator;
use crate::sql::plan::join::{
    plan_stream_stream_join, plan_stream_table_join, plan_table_table_join, JoinSide,
};
use crate::sql::plan::CompiledExpr;
use std::collections::{BTreeMap, HashMap};

/// A join's second input topic and where the query is in it.
#[derive(Debug)]
pub struct SideInput {
    pub topic: String,
    pub decoder: SourceDecoder,
    pub positions: BTreeMap<u32, u64>,
}

impl SideInput {
    pub fn new(source: &SourceInfo, log: &Log, reset: OffsetReset) -> Result<SideInput, SqlError> {
        let topic = log
            .topic(&source.topic)
            .map_err(|e| SqlError::execution(e.to_string()))?;
        let positions = topic
            .partitions()
            .iter()
            .map(|p| {
                (
                    p.id(),
                    if reset == OffsetReset::Earliest {
                        p.log_start_offset()
                    } else {
                        p.log_end_offset()
                    },
                )
            })
            .collect();
        let decoder = SourceDecoder {
            kind: source.kind,
            key_format: source.key_format.clone(),
            value_format: source.value_format.clone(),
            key_columns: source.key_columns.clone(),
            value_columns: source.value_columns.clone(),
            timestamp: None,
        };
        Ok(SideInput {
            topic: source.topic.clone(),
            decoder,
            positions,
        })
    }
}

fn side_of(source: &SourceInfo, alias: Option<&crate::sql::ast::Ident>) -> JoinSide {
    JoinSide {
        name: source.name.clone(),
        alias: alias.map_or_else(|| source.name.clone(), |a| a.name.clone()),
        key_columns: source.key_columns.clone(),
        value_columns: source.value_columns.clone(),
    }
}

impl Engine {
    pub(super) fn create_join_as_select(
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
        let query = &create.query;
        let left = self.lookup(&query.from.name)?.clone();
        let Some(join) = query.joins.first() else {
            return Err(SqlError::invalid("Expected a JOIN"));
        };
        let right = self.lookup(&join.right.name)?.clone();
        if left.name == right.name {
            return Err(SqlError::invalid(format!(
                "Can not join '{0}' to '{0}': self joins are not yet supported.",
                left.name
            ))
            .at(join.span));
        }
        let kafka: Vec<&str> = [&left, &right]
            .iter()
            .filter(|s| s.value_format.kind == FormatKind::Kafka)
            .map(|s| s.name.as_str())
            .collect();
        if !kafka.is_empty() {
            return Err(SqlError::invalid(format!("Source(s) {} are using the 'KAFKA' value format. This format does not yet support JOIN.", kafka.join(", ")))
                .at(join.span));
        }
        match (left.kind, right.kind) {
            (SourceKind::Stream, SourceKind::Table) => {}
            (SourceKind::Table, SourceKind::Table) => return self.create_two_way_join_as_select(log, create, sql, &with, left.clone(), right.clone()),
            (SourceKind::Stream, SourceKind::Stream) => return self.create_two_way_join_as_select(log, create, sql, &with, left.clone(), right.clone()),
            (SourceKind::Table, SourceKind::Stream) => {
                return Err(SqlError::invalid("Invalid join order: table-stream joins are not supported; only stream-table joins. Got TABLE JOIN STREAM.")
                    .at(join.span)
                    .with_hint("put the stream first: FROM stream s JOIN table t ON ..."))
            }
        }
        if create.kind == SourceKind::Table {
            return Err(SqlError::invalid("Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.")
                .at(create.name.span));
        }
        let stream_side = side_of(&left, query.from.alias.as_ref());
        let table_side = side_of(&right, join.right.alias.as_ref());
        let plan =
            plan_stream_table_join(query, &stream_side, &table_side, Some(&create.name.name))?;
        let topic = match &with.kafka_topic {
            Some(topic) => topic.clone(),
            None => format!(
                "{}{}",
                self.property(OUTPUT_TOPIC_PREFIX).unwrap_or(""),
                create.name.name
            ),
        };
        let key_fields = plan.select.key_fields();
        let value_fields = plan.select.value_fields();
        let key_kind = with.key_format.unwrap_or(left.key_format.kind);
        let value_kind = with.value_format.unwrap_or(left.value_format.kind);
        let (key_format, value_format) =
            with.format_specs(key_kind, value_kind, self.flag(WRAP_SINGLE_VALUES, true))?;
        validate_formats(
            &key_format,
            &key_fields,
            &value_format,
            &value_fields,
            with.wrap_single_value,
        )?;
        let partitions = match with.partitions {
            Some(partitions) => partitions,
            None => log
                .topic(&left.topic)
                .map(|t| t.n_partitions())
                .unwrap_or(1),
        };
        if !log.has_topic(&topic) {
            log.create_topic(&topic, TopicConfig::with_partitions(partitions))
                .map_err(|e| SqlError::execution(e.to_string()))?;
        }
        let id = format!(
            "CSAS_{}_{}",
            create.name.name.to_ascii_uppercase(),
            self.next_query_number
        );
        let sink = make_sink(
            &topic,
            &key_format,
            &value_format,
            &key_fields,
            &value_fields,
            with.timestamp.as_deref(),
        );
        let mut operators: Vec<Box<dyn Operator>> = vec![Box::new(StreamTableJoin {
            left_join: plan.left_join,
            stream_key: CompiledExpr::Column(plan.stream_key_idx),
            stream_columns: plan.stream_columns.clone(),
            n_table_columns: plan.n_table_columns,
            table: HashMap::new(),
        })];
        if let Some(predicate) = &plan.select.filter {
            operators.push(Box::new(Filter {
                predicate: predicate.clone(),
                on_table: false,
            }));
        }
        operators.push(Box::new(Project::new(
            plan
                .select
                .columns
                .iter()
                .filter(|c| c.key)
                .map(|c| c.expr.clone())
                .collect(),
            plan
                .select
                .columns
                .iter()
                .filter(|c| !c.key)
                .map(|c| (c.name.clone(), c.expr.clone()))
                .collect(),
        )));
        let reset = self.offset_reset();
        let mut pipeline = Pipeline::with_operators(&left, operators, log, reset)?;
        // The table is state: it is always read from the beginning of its changelog.
        pipeline.side = Some(SideInput::new(&right, log, OffsetReset::Earliest)?);
        self.next_query_number += 1;
        self.catalog.insert(SourceInfo {
            name: create.name.name.clone(),
            kind: SourceKind::Stream,
            topic,
            key_format,
            value_format,
            key_columns: key_fields,
            value_columns: value_fields,
            timestamp_column: with.timestamp.clone(),
            timestamp_format: with.timestamp_format.clone(),
            sql: sql.to_string(),
            is_source: false,
            window: None,
        });
        self.queries.push(PersistentQuery {
            id: id.clone(),
            sql: sql.to_string(),
            source: left.name.clone(),
            sink: create.name.name.clone(),
            pipeline,
            sink_writer: sink,
            n_records_written: 0,
        });
        Ok(StatementResult::Ack {
            message: format!("Created query with ID {id}"),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn create_two_way_join_as_select(
        &mut self,
        log: &mut Log,
        create: &CreateAsSelect,
        sql: &str,
        with: &WithClause,
        left: SourceInfo,
        right: SourceInfo,
    ) -> Result<StatementResult, SqlError> {
        let query = &create.query;
        let Some(join) = query.joins.first() else {
            return Err(SqlError::invalid("Expected a JOIN"));
        };
        let streams = left.kind == SourceKind::Stream;
        let result_kind = if streams {
            SourceKind::Stream
        } else {
            SourceKind::Table
        };
        if create.kind != result_kind {
            return Err(SqlError::invalid(format!(
                "Invalid result type. Your SELECT query produces a {0}. Please use CREATE {0} AS SELECT statement instead.",
                result_kind.word()
            ))
            .at(create.name.span));
        }
        if streams && join.within.is_empty() {
            return Err(SqlError::invalid("Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select").at(join.span));
        }
        let left_side = side_of(&left, query.from.alias.as_ref());
        let right_side = side_of(&right, join.right.alias.as_ref());
        let (kind, plan) = if streams {
            plan_stream_stream_join(query, &left_side, &right_side, Some(&create.name.name))?
        } else {
            plan_table_table_join(query, &left_side, &right_side, Some(&create.name.name))?
        };
        let kind = match kind.as_str() {
            "LEFT" => TableJoinKind::Left,
            "RIGHT" => TableJoinKind::Right,
            "FULL" => TableJoinKind::Full,
            _ => TableJoinKind::Inner,
        };
        let topic = match &with.kafka_topic {
            Some(topic) => topic.clone(),
            None => format!(
                "{}{}",
                self.property(OUTPUT_TOPIC_PREFIX).unwrap_or(""),
                create.name.name
            ),
        };
        let key_fields = plan.select.key_fields();
        let value_fields = plan.select.value_fields();
        let key_kind = with.key_format.unwrap_or(left.key_format.kind);
        let value_kind = with.value_format.unwrap_or(left.value_format.kind);
        let (key_format, value_format) =
            with.format_specs(key_kind, value_kind, self.flag(WRAP_SINGLE_VALUES, true))?;
        validate_formats(
            &key_format,
            &key_fields,
            &value_format,
            &value_fields,
            with.wrap_single_value,
        )?;
        let partitions = match with.partitions {
            Some(partitions) => partitions,
            None => log
                .topic(&left.topic)
                .map(|t| t.n_partitions())
                .unwrap_or(1),
        };
        if !log.has_topic(&topic) {
            log.create_topic(&topic, TopicConfig::with_partitions(partitions))
                .map_err(|e| SqlError::execution(e.to_string()))?;
        }
        let id = format!(
            "{}_{}_{}",
            if streams { "CSAS" } else { "CTAS" },
            create.name.name.to_ascii_uppercase(),
            self.next_query_number
        );
        let sink = make_sink(
            &topic,
            &key_format,
            &value_format,
            &key_fields,
            &value_fields,
            with.timestamp.as_deref(),
        );
        let mut operators: Vec<Box<dyn Operator>> = Vec::new();
        if streams {
            let (before, after, grace) = parse_within(&join.within)
                .map_err(|message| SqlError::invalid(message).at(join.span))?;
            operators.push(Box::new(StreamStreamJoin::new(
                kind,
                CompiledExpr::Column(plan.stream_key_idx),
                CompiledExpr::Column(plan.table_key_idx),
                plan.stream_columns.clone(),
                plan.n_table_columns,
                before,
                after,
                grace,
            )));
        } else {
            operators.push(Box::new(TableTableJoin::new(
                kind,
                plan.stream_columns.clone(),
                plan.n_table_columns,
            )));
        }
        if let Some(predicate) = &plan.select.filter {
            operators.push(Box::new(Filter {
                predicate: predicate.clone(),
                on_table: !streams,
            }));
            if !streams {
                operators.push(Box::new(DropUnneededTombstones::default()));
            }
        }
        operators.push(Box::new(Project::new(
            plan
                .select
                .columns
                .iter()
                .filter(|c| c.key)
                .map(|c| c.expr.clone())
                .collect(),
            plan
                .select
                .columns
                .iter()
                .filter(|c| !c.key)
                .map(|c| (c.name.clone(), c.expr.clone()))
                .collect(),
        )));
        let mut pipeline = Pipeline::with_operators(&left, operators, log, self.offset_reset())?;
        pipeline.side = Some(SideInput::new(&right, log, self.offset_reset())?);
        self.next_query_number += 1;
        self.catalog.insert(SourceInfo {
            name: create.name.name.clone(),
            kind: result_kind,
            topic,
            key_format,
            value_format,
            key_columns: key_fields,
            value_columns: value_fields,
            timestamp_column: with.timestamp.clone(),
            timestamp_format: with.timestamp_format.clone(),
            sql: sql.to_string(),
            is_source: false,
            window: None,
        });
        self.queries.push(PersistentQuery {
            id: id.clone(),
            sql: sql.to_string(),
            source: left.name.clone(),
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
