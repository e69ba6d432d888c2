//! `CREATE TABLE name AS SELECT ... [WINDOW ...] GROUP BY ...`: a persistent aggregation whose
//! sink is a table keyed by the grouping expressions (plus the window, for windowed tables).

use super::ddl::NewSink;
use super::pipeline::Pipeline;
use super::{Engine, StatementResult};
use crate::log::Log;
use crate::sql::ast::{CreateAsSelect, SourceKind};
use crate::sql::error::SqlError;
use crate::sql::format::FormatKind;
use crate::sql::operators::aggregate::Aggregate;
use crate::sql::operators::Operator;
use crate::sql::plan::aggregate::plan_aggregate;

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
        let operators: Vec<Box<dyn Operator>> = vec![Box::new(Aggregate::new(plan))];
        let pipeline = Pipeline::with_operators(&source, operators, log, self.offset_reset())?;
        self.register_persistent_query(log, sink, pipeline)
    }
}
