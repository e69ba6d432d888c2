//! `CREATE STREAM name AS SELECT ... FROM stream [LEFT] JOIN table ON ...`: a persistent query
//! with two inputs. The stream drives the output; the table's changelog is read alongside (a
//! [`SideInput`]) and kept as state by the join operator. Records of both topics are processed
//! in timestamp order, the table first on ties, as Kafka Streams picks the input with the
//! smallest next timestamp.

use super::catalog::SourceInfo;
use super::ddl::NewSink;
use super::pipeline::{decoder_of, values_at, values_read_by, OffsetReset, Pipeline};
use super::read_position::Positions;
use super::{Engine, StatementResult};
use crate::log::Log;
use crate::sql::ast::{CreateAsSelect, Join, Query, SourceKind};
use crate::sql::error::SqlError;
use crate::sql::format::FormatKind;
use crate::sql::operators::filter::Filter;
use crate::sql::operators::join_row::JoinLayout;
use crate::sql::operators::project::{count_column_uses, Project};
use crate::sql::operators::source::SourceDecoder;
use crate::sql::operators::stream_stream_join::{parse_within, StreamStreamJoin};
use crate::sql::operators::stream_table_join::StreamTableJoin;
use crate::sql::operators::table_table_join::{
    DropUnneededTombstones, TableJoinKind, TableTableJoin,
};
use crate::sql::operators::aggregate::Aggregate;
use crate::sql::operators::Operator;
use crate::sql::plan::aggregate::AggregatePlan;
use crate::sql::plan::join::{
    plan_join_aggregate, plan_stream_stream_join, plan_stream_table_join, plan_table_table_join, JoinPlan,
    JoinShape, JoinSide,
};
use crate::sql::plan::window::WindowSpec;
use crate::sql::plan::SelectPlan;

/// A join's second input topic and where the query is in it.
#[derive(Debug)]
pub struct SideInput {
    pub topic: String,
    pub decoder: SourceDecoder,
    pub positions: Positions,
    /// The value columns the join reads of this side (see `Pipeline::needed_values`).
    pub needed_values: u64,
}

impl SideInput {
    pub fn new(source: &SourceInfo, log: &Log, reset: OffsetReset) -> Result<SideInput, SqlError> {
        let topic = log
            .topic(&source.topic)
            .map_err(|e| SqlError::execution(e.to_string()))?;
        let positions = Positions::of_topic(topic, reset);
        let decoder = decoder_of(source);
        Ok(SideInput {
            topic: source.topic.clone(),
            decoder,
            positions,
            needed_values: u64::MAX,
        })
    }
}

/// ksqlDB's rules for joining windowed sources: both windowed or neither, session with session,
/// time windows of the same size (anything else would need a repartition).
fn check_windows(left: &SourceInfo, right: &SourceInfo) -> Result<(), SqlError> {
    match (&left.window, &right.window) {
        (None, None) => Ok(()),
        (Some(l), Some(r)) if l.is_session() != r.is_session() => Err(SqlError::invalid(format!(
            "Incompatible windowed sources.\nLeft source: {}\nRight source: {}\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources",
            l.type_name(),
            r.type_name()
        ))),
        (Some(l), Some(r)) if l.size() != r.size() => Err(SqlError::invalid(
            "Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.",
        )),
        (Some(_), Some(_)) => Ok(()),
        (l, _) => {
            let describe = |source: &SourceInfo| match &source.window {
                Some(w) => format!("`{}` is {} windowed", source.name, w.type_name()),
                None => format!("`{}` is not windowed", source.name),
            };
            let (windowed, plain) = if l.is_some() { (left, right) } else { (right, left) };
            Err(SqlError::invalid(format!(
                "Can not join windowed source to non-windowed source.\n{}\n{}",
                describe(windowed),
                describe(plain)
            )))
        }
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

/// A planned join query: its projection, its pipeline (both inputs) and what it produces.
pub(super) struct BuiltJoin {
    pub select: SelectPlan,
    pub pipeline: Pipeline,
    pub input: SourceInfo,
    /// A stream, except for table-table joins.
    pub kind: SourceKind,
    pub window: Option<WindowSpec>,
}

impl Engine {
    pub(super) fn create_join_as_select(
        &mut self,
        log: &mut Log,
        create: &CreateAsSelect,
        sql: &str,
    ) -> Result<StatementResult, SqlError> {
        let with = match self.begin_create_as_select(create)? {
            Ok(with) => with,
            Err(done) => return Ok(done),
        };
        let built = self.build_join(log, &create.query, Some(&create.name.name))?;
        if create.kind != built.kind {
            return Err(SqlError::invalid(format!(
                "Invalid result type. Your SELECT query produces a {0}. Please use CREATE {0} AS SELECT statement instead.",
                built.kind.word()
            ))
            .at(create.name.span));
        }
        let sink = NewSink {
            create,
            sql,
            with: &with,
            input: &built.input,
            kind: built.kind,
            key_fields: built.select.key_fields(),
            value_fields: built.select.value_fields(),
            window: built.window,
        };
        self.register_persistent_query(log, sink, built.pipeline)
    }

    /// Plans a two-source join writing into `sink_name` (none for a push query: ksqlDB's key
    /// rules do not apply) and builds its pipeline: stream-table
    /// (the table read from the start of its changelog, as state), stream-stream (`WITHIN`) or
    /// table-table.
    pub(super) fn build_join(
        &mut self,
        log: &Log,
        query: &Query,
        sink_name: Option<&str>,
    ) -> Result<BuiltJoin, SqlError> {
        let inputs = self.join_inputs(query)?;
        let (left, right) = (&inputs.left_side, &inputs.right_side);
        let plan = match inputs.shape {
            JoinShape::StreamTable => plan_stream_table_join(query, left, right, sink_name)?,
            JoinShape::StreamStream => plan_stream_stream_join(query, left, right, sink_name)?,
            JoinShape::TableTable => plan_table_table_join(query, left, right, sink_name)?,
        };
        // The value columns of each side a stream-table join reads (all for the other joins).
        let needed = match inputs.shape {
            JoinShape::StreamTable => stream_table_needs(&plan, &inputs.left, &inputs.right),
            _ => (u64::MAX, u64::MAX),
        };
        let kind = inputs.output_kind();
        let mut operators = vec![inputs.operator(&plan, Some(&plan.output))?];
        operators.extend(select_operators(&plan.output, kind == SourceKind::Table));
        let pipeline = inputs.pipeline(log, operators, needed, self.offset_reset())?;
        Ok(BuiltJoin {
            select: plan.output,
            pipeline,
            window: inputs.left.window,
            input: inputs.left,
            kind,
        })
    }

    /// Plans a join whose rows are aggregated (`FROM s JOIN t ... GROUP BY ...`) and builds its
    /// pipeline: the join, then the aggregation over the joined rows (a stream's, or a
    /// table-table join's changelog). Returns the aggregation's plan, the pipeline and the left
    /// source (the query's input, as ksqlDB names it).
    pub(super) fn build_join_aggregate(
        &mut self,
        log: &Log,
        query: &Query,
        sink_name: Option<&str>,
    ) -> Result<(AggregatePlan, Pipeline, SourceInfo), SqlError> {
        let inputs = self.join_inputs(query)?;
        let plan = plan_join_aggregate(query, &inputs.left_side, &inputs.right_side, sink_name, inputs.shape)?;
        let operators: Vec<Box<dyn Operator>> = vec![
            inputs.operator(&plan, None)?,
            Box::new(Aggregate::new(plan.output.clone())),
        ];
        let pipeline = inputs.pipeline(log, operators, (u64::MAX, u64::MAX), self.offset_reset())?;
        Ok((plan.output, pipeline, inputs.left))
    }

    /// The two sources of the query's join, checked as ksqlDB checks them before planning.
    fn join_inputs<'q>(&self, query: &'q Query) -> Result<JoinInputs<'q>, SqlError> {
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
        check_windows(&left, &right).map_err(|e| e.at(join.span))?;
        let shape = match (left.kind, right.kind) {
            (SourceKind::Stream, SourceKind::Table) => JoinShape::StreamTable,
            (SourceKind::Stream, SourceKind::Stream) => {
                if join.within.is_empty() {
                    return Err(SqlError::invalid("Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select").at(join.span));
                }
                JoinShape::StreamStream
            }
            (SourceKind::Table, SourceKind::Table) => JoinShape::TableTable,
            (SourceKind::Table, SourceKind::Stream) => {
                return Err(SqlError::invalid("Invalid join order: table-stream joins are not supported; only stream-table joins. Got TABLE JOIN STREAM.")
                    .at(join.span)
                    .with_hint("put the stream first: FROM stream s JOIN table t ON ..."))
            }
        };
        Ok(JoinInputs {
            left_side: side_of(&left, query.from.alias.as_ref()),
            right_side: side_of(&right, join.right.alias.as_ref()),
            left,
            right,
            join,
            shape,
        })
    }
}

/// The checked inputs of a join query (see [`Engine::join_inputs`]).
struct JoinInputs<'q> {
    left: SourceInfo,
    right: SourceInfo,
    left_side: JoinSide,
    right_side: JoinSide,
    join: &'q Join,
    shape: JoinShape,
}

impl JoinInputs<'_> {
    /// A stream, except for table-table joins.
    fn output_kind(&self) -> SourceKind {
        match self.shape {
            JoinShape::TableTable => SourceKind::Table,
            _ => SourceKind::Stream,
        }
    }

    /// The join operator of `plan`. A stream-table join given the `select` over its rows
    /// checks the WHERE's table conditions first and copies only the columns read.
    fn operator<Output>(&self, plan: &JoinPlan<Output>, select: Option<&SelectPlan>) -> Result<Box<dyn Operator>, SqlError> {
        let join = self.join;
        if self.left.window.is_some() && (plan.left_rekeyed || plan.right_rekeyed) {
            return Err(SqlError::invalid("Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.").at(join.span));
        }
        let layout = JoinLayout::new(plan.left_columns.clone(), plan.right_columns.clone());
        Ok(match self.shape {
            JoinShape::StreamTable => {
                let operator = StreamTableJoin::new(plan.left_join(), plan.left_key.clone(), layout);
                Box::new(match select {
                    Some(select) => operator
                        .checking_first(select.filter.as_ref())
                        .reading_only(select.filter.iter().chain(select.columns.iter().map(|c| &c.expr))),
                    None => operator,
                })
            }
            JoinShape::StreamStream => {
                let (before, after, grace) = parse_within(&join.within)
                    .map_err(|message| SqlError::invalid(message).at(join.span))?;
                Box::new(StreamStreamJoin::new(
                    join_kind(&plan.kind),
                    plan.left_key.clone(),
                    plan.right_key.clone(),
                    layout,
                    before,
                    after,
                    grace,
                ))
            }
            JoinShape::TableTable => Box::new(TableTableJoin::new(join_kind(&plan.kind), layout)),
        })
    }

    /// The pipeline reading the left source through `operators`, the right source alongside;
    /// `needed` are the value columns each side reads. A stream-table join reads its table from
    /// the start of its changelog (the table is state); the other joins start both sides at
    /// `reset`.
    fn pipeline(
        &self,
        log: &Log,
        operators: Vec<Box<dyn Operator>>,
        needed: (u64, u64),
        reset: OffsetReset,
    ) -> Result<Pipeline, SqlError> {
        let side_reset = match self.shape {
            JoinShape::StreamTable => OffsetReset::Earliest,
            _ => reset,
        };
        let mut pipeline = Pipeline::with_operators(&self.left, operators, log, reset)?;
        let mut side = SideInput::new(&self.right, log, side_reset)?;
        (pipeline.needed_values, side.needed_values) = needed;
        pipeline.side = Some(side);
        Ok(pipeline)
    }
}

/// The value columns of the stream (`left`) and of the table (`right`) a stream-table join
/// reads: the stream's join expression, and the columns the WHERE and projection over the joined
/// row read (laid out by [`JoinLayout`]: the key, the left columns, the right columns). The
/// others may stay NULL in the decoded rows and in the join's table state.
fn stream_table_needs(plan: &JoinPlan, left: &SourceInfo, right: &SourceInfo) -> (u64, u64) {
    let select = &plan.output;
    let mut uses = Vec::new();
    let exprs = select.filter.iter().chain(select.columns.iter().map(|c| &c.expr));
    let mut known = true;
    for expr in exprs {
        known &= count_column_uses(expr, &mut uses);
    }
    if !known {
        return (u64::MAX, u64::MAX);
    }
    let used = |position: usize| uses.get(position).is_some_and(|&n| n > 0);
    let n_left = plan.left_columns.len();
    let left_read = plan.left_columns.iter().enumerate().filter(|(idx, _)| used(1 + idx)).map(|(_, &p)| p);
    let right_read = plan.right_columns.iter().enumerate().filter(|(idx, _)| used(1 + n_left + idx)).map(|(_, &p)| p);
    let left_needed = values_at(left_read, left.key_columns.len(), left.value_columns.len())
        | values_read_by([&plan.left_key], left.key_columns.len(), left.value_columns.len());
    let right_needed = values_at(right_read, right.key_columns.len(), right.value_columns.len());
    (left_needed, right_needed)
}

fn join_kind(kind: &str) -> TableJoinKind {
    match kind {
        "LEFT" => TableJoinKind::Left,
        "RIGHT" => TableJoinKind::Right,
        "FULL" => TableJoinKind::Full,
        _ => TableJoinKind::Inner,
    }
}

/// The WHERE and projection over a joined row; on a table, a tombstone for a key never emitted
/// is dropped after the WHERE.
pub(super) fn select_operators(select: &SelectPlan, on_table: bool) -> Vec<Box<dyn Operator>> {
    let mut operators: Vec<Box<dyn Operator>> = Vec::new();
    if let Some(predicate) = &select.filter {
        operators.push(Box::new(Filter {
            predicate: predicate.clone(),
            on_table,
        }));
        if on_table {
            operators.push(Box::new(DropUnneededTombstones::default()));
        }
    }
    operators.push(Box::new(Project::new(
        select.columns.iter().filter(|c| c.key).map(|c| c.expr.clone()).collect(),
        select.columns.iter().filter(|c| !c.key).map(|c| (c.name.clone(), c.expr.clone())).collect(),
    )));
    operators
}
