//! `CREATE TABLE name AS SELECT ... [WINDOW ...] GROUP BY ...`: a persistent aggregation whose
//! sink is a table keyed by the grouping expressions (plus the window, for windowed tables).

use super::ddl::NewSink;
use super::pipeline::{values_read_by, Pipeline};
use super::catalog::SourceInfo;
use super::{Engine, StatementResult};
use crate::log::Log;
use crate::sql::ast::{CreateAsSelect, SourceKind};
use crate::sql::error::SqlError;
use crate::sql::format::FormatKind;
use crate::sql::operators::aggregate::Aggregate;
use crate::sql::operators::Operator;
use crate::sql::plan::aggregate::{plan_aggregate, AggregatePlan};

impl Engine {
    pub(super) fn create_aggregate_as_select(
        &mut self,
        log: &mut Log,
        create: &CreateAsSelect,
        sql: &str,
    ) -> Result<StatementResult, SqlError> {
        let with = match self.begin_create_as_select(create)? {
            Ok(with) => with,
            Err(done) => return Ok(done),
        };
        let (plan, source, pipeline) = if create.query.joins.is_empty() {
            self.aggregate_one_source(log, create)?
        } else {
            // ksqlDB aggregates a join's output: the join, then GROUP BY over the joined rows.
            let (plan, pipeline, source) = self.build_join_aggregate(log, &create.query, Some(&create.name.name))?;
            check_result(create, &plan, plan.source_kind)?;
            (plan, source, pipeline)
        };
        let sink = NewSink {
            create,
            sql,
            with: &with,
            input: &source,
            kind: SourceKind::Table,
            key_fields: plan.key_fields(),
            value_fields: plan.value_fields(),
            window: plan.window,
        };
        self.register_persistent_query(log, sink, pipeline)
    }

    /// The plan and pipeline of an aggregation of one source, and that source.
    fn aggregate_one_source(
        &mut self,
        log: &mut Log,
        create: &CreateAsSelect,
    ) -> Result<(AggregatePlan, SourceInfo, Pipeline), SqlError> {
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
        check_result(create, &plan, source.kind)?;
        let pipeline = self.aggregate_pipeline(log, &source, &plan)?;
        Ok((plan, source, pipeline))
    }

    /// The pipeline aggregating `source` by `plan` (a persistent or a push query's).
    pub(super) fn aggregate_pipeline(&self, log: &Log, source: &SourceInfo, plan: &AggregatePlan) -> Result<Pipeline, SqlError> {
        // Over a stream, the aggregate reads the input row only through its WHERE, GROUP BY and
        // the aggregates' arguments (a table's rows are kept whole, to be subtracted later).
        let needed = (source.kind == SourceKind::Stream).then(|| {
            let args = plan.calls.iter().flat_map(|call| call.args.iter());
            let exprs = plan.filter.iter().chain(plan.group_by.iter()).chain(args);
            values_read_by(exprs, source.key_columns.len(), source.value_columns.len())
        });
        let operators: Vec<Box<dyn Operator>> = vec![Box::new(Aggregate::new(plan.clone()))];
        let mut pipeline = Pipeline::with_operators(source, operators, log, self.offset_reset())?;
        if let Some(needed) = needed {
            pipeline.needed_values = needed;
        }
        Ok(pipeline)
    }
}

/// An aggregation makes a table, and a windowed one needs a stream (here `input`: the source,
/// or what a join makes of its sources).
fn check_result(create: &CreateAsSelect, plan: &AggregatePlan, input: SourceKind) -> Result<(), SqlError> {
    if create.kind == SourceKind::Stream {
        return Err(SqlError::invalid("Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.")
            .at(create.name.span));
    }
    if input == SourceKind::Table && plan.window.is_some() {
        return Err(SqlError::invalid(
            "Windowed aggregation of a table is not supported: WINDOW needs a stream source",
        )
        .at(create.query.span));
    }
    Ok(())
}

