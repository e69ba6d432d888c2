//! Statements that create and drop streams, tables and queries.

use super::catalog::SourceInfo;
use super::join_query::select_operators;
use super::pipeline::Pipeline;
use super::properties::WithClause;
use super::queries::{PersistentQuery, PushQuery};
use super::{Engine, StatementResult, NEW_QUERY_PLANNER, OUTPUT_TOPIC_PREFIX, WRAP_SINGLE_VALUES};
use crate::log::{Log, TopicConfig};
use crate::sql::ast::{CreateAsSelect, CreateSource, Emit, Ident, Property, Query, SourceKind};
use crate::sql::error::{closest_names, SqlError, SqlErrorKind};
use crate::sql::format::{self, Field, FormatKind, FormatSpec};
use crate::sql::operators::aggregate::PushRow;
use crate::sql::operators::filter::Filter;
use crate::sql::operators::project::Project;
use crate::sql::operators::sink::{Sink, WindowKeyKind};
use crate::sql::operators::Operator;
use crate::sql::plan::aggregate::{is_aggregate_query, plan_aggregate};
use crate::sql::plan::partition::plan_partition_by;
use crate::sql::plan::schema::PSEUDO_COLUMNS;
use crate::sql::plan::select::plan_select_over;
use crate::sql::plan::window::WindowSpec;
use crate::sql::plan::CompiledExpr;
use crate::sql::plan::{plan_select, schema_text, SelectPlan, SelectPurpose};
use crate::sql::types::SqlType;

impl Engine {
    /// `CREATE STREAM|TABLE name (columns) WITH (...)`: registers a source over a topic.
    pub(super) fn create_source(
        &mut self,
        log: &mut Log,
        create: &CreateSource,
        sql: &str,
    ) -> Result<StatementResult, SqlError> {
        let kind_word = if create.kind == SourceKind::Stream {
            "Stream"
        } else {
            "Table"
        };
        let with = match self.begin_create(
            &create.name,
            create.kind,
            (create.or_replace, create.if_not_exists),
            &create.properties,
        )? {
            Ok(with) => with,
            Err(done) => return Ok(done),
        };
        if create.columns.is_empty() {
            return Err(SqlError::unsupported(
                "The statement does not define any columns. Reading the columns from a Schema Registry is not possible in streamlab.",
            )
            .at(create.name.span)
            .with_hint(format!("list the columns: CREATE {} {} (id INT KEY, name STRING) WITH (...)", create.kind.word(), create.name.name)));
        }
        let mut key_columns = Vec::new();
        let mut value_columns = Vec::new();
        for column in &create.columns {
            let at = |e: SqlError| e.at(column.span);
            if PSEUDO_COLUMNS
                .iter()
                .any(|(name, _)| *name == column.name.name)
                || column.name.name == "WINDOWSTART"
                || column.name.name == "WINDOWEND"
            {
                return Err(at(SqlError::invalid(format!(
                    "`{}` is a reserved column name. You cannot use it as a name for a column.",
                    column.name.name
                ))));
            }
            if key_columns
                .iter()
                .chain(value_columns.iter())
                .any(|f: &Field| f.name == column.name.name)
            {
                return Err(at(SqlError::invalid(format!(
                    "Duplicate column names: `{}`",
                    column.name.name
                ))));
            }
            match (create.kind, column.key, column.primary_key) {
                (SourceKind::Table, true, false) => {
                    return Err(at(SqlError::invalid(format!("Column `{}` is a 'KEY' column: please use 'PRIMARY KEY' for tables.", column.name.name))
                        .with_hint("tables have PRIMARY KEYs, which are unique and NON NULL; streams have KEYs")));
                }
                (SourceKind::Stream, true, true) => {
                    return Err(at(SqlError::invalid(format!("Column `{}` is a 'PRIMARY KEY' column: please use 'KEY' for streams.", column.name.name))
                        .with_hint("Tables have PRIMARY KEYs, which are unique and NON NULL. Streams have KEYs, which have no uniqueness or NON NULL constraints.")));
                }
                _ => {}
            }
            let field = Field::new(column.name.name.clone(), column.ty.clone());
            if column.key {
                key_columns.push(field);
            } else {
                value_columns.push(field);
            }
        }
        if create.kind == SourceKind::Table && key_columns.is_empty() {
            return Err(SqlError::invalid(
                "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.",
            )
            .at(create.name.span)
            .with_hint(format!(
                "e.g. CREATE TABLE {} (id INT PRIMARY KEY, ...)",
                create.name.name
            )));
        }
        let Some(topic) = with.kafka_topic.clone() else {
            return Err(SqlError::invalid("Missing required property \"KAFKA_TOPIC\" in the WITH clause.")
                .at(create.name.span)
                .with_hint(format!(
                    "say which topic holds the data: CREATE {} {} (...) WITH (kafka_topic='{}', value_format='JSON', partitions=1)",
                    create.kind.word(),
                    create.name.name,
                    create.name.name.to_ascii_lowercase()
                )));
        };
        let Some(value_kind) = with.value_format else {
            return Err(SqlError::invalid(
                "Statement is missing the 'VALUE_FORMAT' property from the WITH clause.",
            )
            .at(create.name.span)
            .with_hint("add value_format='JSON' (or 'DELIMITED', 'KAFKA') to the WITH clause"));
        };
        let key_kind = with.key_format.unwrap_or(FormatKind::Kafka);
        let (key_format, value_format) =
            with.format_specs(key_kind, value_kind, self.flag(WRAP_SINGLE_VALUES, true))?;
        validate_formats(
            &key_format,
            &key_columns,
            &value_format,
            &value_columns,
            with.wrap_single_value,
        )?;
        check_timestamp_column(&with, &key_columns, &value_columns)?;
        if !value_format.wrap_single
            && value_columns.len() > 1
            && with.wrap_single_value == Some(false)
        {
            return Err(SqlError::invalid(
                "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas.",
            ));
        }
        let window = with.source_window().map_err(|e| e.at(create.name.span))?;
        ensure_topic(log, &topic, with.partitions, create.kind)?;
        self.catalog.insert(SourceInfo {
            name: create.name.name.clone(),
            kind: create.kind,
            topic,
            key_format,
            value_format,
            key_columns,
            value_columns,
            timestamp_column: with.timestamp.clone(),
            timestamp_format: with.timestamp_format.clone(),
            sql: sql.to_string(),
            is_source: true,
            window,
        });
        Ok(StatementResult::Ack {
            message: format!("{kind_word} created"),
        })
    }

    /// `Ok(Some(..))`: the source exists and `IF NOT EXISTS` makes that fine.
    pub(super) fn check_name_free(
        &mut self,
        name: &Ident,
        kind: SourceKind,
        or_replace: bool,
        if_not_exists: bool,
    ) -> Result<Option<StatementResult>, SqlError> {
        let Some(existing) = self.catalog.get(&name.name) else {
            return Ok(None);
        };
        let existing_kind = existing.kind;
        if if_not_exists {
            return Ok(Some(StatementResult::Ack {
                message: format!(
                    "Cannot add {} {}: it already exists.",
                    kind.word().to_lowercase(),
                    name.name
                ),
            }));
        }
        if or_replace && existing_kind == kind {
            if self.queries.iter().any(|q| q.sink == name.name) {
                return Err(SqlError::unsupported(format!("CREATE OR REPLACE of {}, which a running query writes, is not supported yet: TERMINATE the query and DROP it first", name.name)).at(name.span));
            }
            return Ok(None);
        }
        Err(SqlError::invalid(format!(
            "Cannot add {} '{}': A {} with the same name already exists",
            kind.word().to_lowercase(),
            name.name,
            existing_kind.word().to_lowercase()
        ))
        .at(name.span)
        .with_hint(format!(
            "DROP {} {} first, or use CREATE OR REPLACE",
            existing_kind.word(),
            name.name
        )))
    }

    pub(super) fn lookup(&self, name: &Ident) -> Result<&SourceInfo, SqlError> {
        if let Some(source) = self.catalog.get(&name.name) {
            return Ok(source);
        }
        let error = SqlError::new(
            SqlErrorKind::UnknownSource,
            format!("Source `{}` does not exist.", name.name),
        )
        .at(name.span);
        Err(self.source_hint(error, name))
    }

    pub(super) fn source_hint(&self, error: SqlError, name: &Ident) -> SqlError {
        if let Some(other) = self.catalog.case_insensitive(&name.name) {
            let hint = if name.quoted {
                format!(
                    "Did you mean {}? Hint: try removing double quotes from the source name.",
                    other.name
                )
            } else {
                format!("Did you mean \"{}\"? Hint: wrap the source name in double quotes to make it case-sensitive.", other.name)
            };
            return error.with_hint(hint);
        }
        let names = closest_names(&name.name, self.catalog.names());
        if names.is_empty() {
            let all: Vec<&str> = self.catalog.names().collect();
            if all.is_empty() {
                error.with_hint(
                    "no stream or table exists yet: CREATE STREAM ... WITH (kafka_topic=...) first",
                )
            } else {
                error.with_hint(format!(
                    "the known streams and tables are {}",
                    all.join(", ")
                ))
            }
        } else {
            error.with_hint(format!("did you mean {}?", names.join(" or ")))
        }
    }

    /// `CREATE STREAM|TABLE name [WITH (...)] AS SELECT ...`: a persistent query and its sink.
    pub(super) fn create_as_select(
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
        if create.query.emit == Some(Emit::Final) {
            return Err(SqlError::unsupported(
                "EMIT FINAL is not supported yet: it needs windowed aggregation",
            )
            .at(create.query.span));
        }
        if !create.query.partition_by.is_empty() {
            return self.create_partition_by(log, create, sql, &with, &source);
        }
        let allow_missing_key =
            self.flag(NEW_QUERY_PLANNER, false) && source.kind == SourceKind::Stream;
        let plan = plan_select_on(
            &create.query,
            &source,
            SelectPurpose::Persistent {
                sink_name: &create.name.name,
                allow_missing_key,
            },
        )?;
        match (source.kind, create.kind) {
            (SourceKind::Table, SourceKind::Stream) => {
                return Err(SqlError::invalid("Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.").at(create.name.span))
            }
            (SourceKind::Stream, SourceKind::Table) => {
                return Err(SqlError::invalid("Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.")
                    .at(create.name.span)
                    .with_hint("a table from a stream needs GROUP BY"))
            }
            _ => {}
        }
        let pipeline = Pipeline::new(&source, &plan, log, self.offset_reset())?;
        let sink = NewSink {
            create,
            sql,
            with: &with,
            input: &source,
            kind: create.kind,
            key_fields: plan.key_fields(),
            value_fields: plan.value_fields(),
            window: source.window,
        };
        self.register_persistent_query(log, sink, pipeline)
    }

    /// `CREATE STREAM name AS SELECT ... PARTITION BY expression`: re-keys a stream (see
    /// [`crate::sql::plan::partition`]).
    fn create_partition_by(
        &mut self,
        log: &mut Log,
        create: &CreateAsSelect,
        sql: &str,
        with: &WithClause,
        source: &SourceInfo,
    ) -> Result<StatementResult, SqlError> {
        let plan = plan_partition_by(
            &create.query,
            &source.name,
            source.kind,
            &source.key_columns,
            &source.value_columns,
            &create.name.name,
        )?;
        if create.kind == SourceKind::Table {
            return Err(SqlError::invalid("Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.")
                .at(create.name.span));
        }
        let mut operators: Vec<Box<dyn Operator>> = Vec::new();
        if let Some(predicate) = &plan.filter {
            operators.push(Box::new(Filter {
                predicate: predicate.clone(),
                on_table: false,
            }));
        }
        operators.push(Box::new(Project::new(
            vec![plan.key.clone()],
            plan.value_names
                .iter()
                .zip(&plan.value_columns)
                .map(|(name, idx)| (name.clone(), CompiledExpr::Column(*idx)))
                .collect(),
        )));
        operators.extend(select_operators(&plan.select, false));
        let pipeline = Pipeline::with_operators(source, operators, log, self.offset_reset())?;
        let sink = NewSink {
            create,
            sql,
            with,
            input: source,
            kind: SourceKind::Stream,
            key_fields: plan.select.key_fields(),
            value_fields: plan.select.value_fields(),
            window: None,
        };
        self.register_persistent_query(log, sink, pipeline)
    }

    /// `INSERT INTO stream SELECT ...` (a projection or a join): a persistent query writing into
    /// an existing stream.
    pub(super) fn insert_select(
        &mut self,
        log: &mut Log,
        target: &Ident,
        query: &Query,
        sql: &str,
    ) -> Result<StatementResult, SqlError> {
        let sink_source = self.lookup(target)?.clone();
        if sink_source.kind == SourceKind::Table {
            return Err(SqlError::invalid(format!(
                "INSERT INTO can only be used to insert into a stream. {} is a table.",
                sink_source.name
            ))
            .at(target.span));
        }
        let source = self.lookup(&query.from.name)?.clone();
        let (select, pipeline, result_kind) = if query.joins.is_empty() {
            let plan = plan_select(
                query,
                &source.name,
                &source.key_columns,
                &source.value_columns,
                SelectPurpose::Persistent {
                    sink_name: &sink_source.name,
                    allow_missing_key: self.flag(NEW_QUERY_PLANNER, false),
                },
            )?;
            let pipeline = Pipeline::new(&source, &plan, log, self.offset_reset())?;
            (plan, pipeline, source.kind)
        } else {
            let built = self.build_join(log, query, Some(&sink_source.name))?;
            (built.select, built.pipeline, built.kind)
        };
        if result_kind == SourceKind::Table {
            return Err(SqlError::invalid(format!(
                "INSERT INTO can only read from a stream. {} is a table.",
                source.name
            ))
            .at(query.from.name.span));
        }
        let key_fields = select.key_fields();
        let value_fields = select.value_fields();
        if key_fields != sink_source.key_columns || value_fields != sink_source.value_columns {
            return Err(SqlError::type_error(format!(
                "Incompatible schema between results and sink.\nResult schema is {}\nSink schema is {}",
                schema_text(&key_fields, &value_fields),
                sink_source.schema_text()
            ))
            .at(query.span));
        }
        let id = format!("INSERTQUERY_{}", self.next_query_number);
        let sink = make_sink(
            &sink_source.topic,
            &sink_source.key_format,
            &sink_source.value_format,
            &key_fields,
            &value_fields,
            sink_source.timestamp_column.as_deref(),
        );
        self.next_query_number += 1;
        self.queries.push(PersistentQuery {
            id: id.clone(),
            sql: sql.to_string(),
            source: source.name.clone(),
            sink: sink_source.name.clone(),
            pipeline,
            sink_writer: sink,
            n_records_written: 0,
        });
        Ok(StatementResult::Ack {
            message: format!("Created query with ID {id}"),
        })
    }

    /// A transient query: a push query (`EMIT CHANGES`, or a stream in the 2018 form without
    /// it) streams its rows so far and (for the world) subscribes; a pull query (a table without
    /// `EMIT CHANGES`) returns the table's current rows once.
    pub(super) fn transient_query(
        &mut self,
        log: &mut Log,
        query: &Query,
        sql: &str,
    ) -> Result<StatementResult, SqlError> {
        let source = self.lookup(&query.from.name)?.clone();
        let push = query.emit.is_some() || source.kind == SourceKind::Stream;
        if !push && (is_aggregate_query(query) || !query.joins.is_empty()) {
            return Err(SqlError::unsupported(
                "Pull queries don't support GROUP BY, WINDOW or JOIN: query the table they build instead",
            )
            .at(query.span)
            .with_hint("add EMIT CHANGES for a push query"));
        }
        if push && is_aggregate_query(query) {
            // A push query over an aggregation (of one source or of a join's rows): every
            // update of every group.
            let (plan, mut pipeline) = if query.joins.is_empty() {
                let plan = plan_aggregate(
                    query,
                    &source.name,
                    source.kind,
                    &source.key_columns,
                    &source.value_columns,
                    None,
                )?;
                let pipeline = self.aggregate_pipeline(log, &source, &plan)?;
                (plan, pipeline)
            } else {
                let (plan, pipeline, _) = self.build_join_aggregate(log, query, None)?;
                (plan, pipeline)
            };
            let mut columns: Vec<String> = plan.key_fields().into_iter().map(|f| f.name).collect();
            if plan.window.is_some() {
                columns.extend(["WINDOWSTART".to_string(), "WINDOWEND".to_string()]);
            }
            columns.extend(plan.value_fields().into_iter().map(|f| f.name));
            pipeline.operators.push(Box::new(PushRow { windowed: plan.window.is_some() }));
            return self.push_query(log, query, sql, &source.name, columns, pipeline);
        }
        if push && !query.joins.is_empty() {
            let built = self.build_join(log, query, None)?;
            let columns = built.select.column_names();
            return self.push_query(log, query, sql, &source.name, columns, built.pipeline);
        }
        if query.emit == Some(Emit::Final) {
            return Err(SqlError::unsupported(
                "EMIT FINAL needs a windowed aggregation (WINDOW ... GROUP BY)",
            )
            .at(query.span));
        }
        let plan = plan_select_on(query, &source, SelectPurpose::Transient)?;
        if query.emit.is_none() && source.kind == SourceKind::Table {
            return self.pull_query(log, query, &source, &plan);
        }
        let pipeline = Pipeline::new(&source, &plan, log, self.offset_reset())?;
        self.push_query(log, query, sql, &source.name, plan.column_names(), pipeline)
    }

    /// Runs a push query over what is in the log so far and, for the world, keeps it open.
    fn push_query(
        &mut self,
        log: &mut Log,
        query: &Query,
        sql: &str,
        source: &str,
        columns: Vec<String>,
        pipeline: Pipeline,
    ) -> Result<StatementResult, SqlError> {
        let id = format!("transient_{source}_{}", self.next_push_query_number);
        self.next_push_query_number += 1;
        let mut push = PushQuery {
            id,
            sql: sql.to_string(),
            source: source.to_string(),
            columns,
            pipeline,
            limit: query.limit,
            n_rows_emitted: 0,
            pending: Vec::new(),
        };
        while push.step(log, &mut self.processing_log) {}
        let rows = push.take_rows();
        let columns = push.columns.clone();
        if self.keep_push_queries_open && !push.is_done() {
            self.push_queries.push(push);
        }
        Ok(StatementResult::Rows { columns, rows })
    }

    /// `DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC]`.
    pub(super) fn drop_source(
        &mut self,
        log: &mut Log,
        kind: SourceKind,
        name: &Ident,
        if_exists: bool,
        delete_topic: bool,
    ) -> Result<StatementResult, SqlError> {
        let Some(source) = self.catalog.get(&name.name) else {
            if if_exists {
                return Ok(StatementResult::Ack {
                    message: format!("Source `{}` does not exist.", name.name),
                });
            }
            return Err(self
                .lookup(name)
                .err()
                .unwrap_or_else(|| SqlError::invalid("unknown source")));
        };
        if source.kind != kind {
            return Err(SqlError::invalid(format!(
                "Incompatible data source type is {}, but statement was DROP {}",
                source.kind.word(),
                kind.word()
            ))
            .at(name.span));
        }
        let readers: Vec<&str> = self
            .queries
            .iter()
            .filter(|q| q.source == name.name)
            .map(|q| q.id.as_str())
            .collect();
        let writers: Vec<&str> = self
            .queries
            .iter()
            .filter(|q| q.sink == name.name)
            .map(|q| q.id.as_str())
            .collect();
        if !readers.is_empty() || !writers.is_empty() {
            return Err(SqlError::invalid(format!(
                "Cannot drop {0}.\nThe following queries read from this source: [{1}].\nThe following queries write into this source: [{2}].\nYou need to terminate them before dropping {0}.",
                name.name,
                readers.join(", "),
                writers.join(", ")
            ))
            .at(name.span)
            .with_hint("TERMINATE <query id> first (SHOW QUERIES lists them)"));
        }
        let topic = source.topic.clone();
        self.catalog.remove(&name.name);
        if delete_topic {
            let shared = self.catalog.iter().any(|s| s.topic == topic);
            if !shared {
                log.delete_topic(&topic)
                    .map_err(|e| SqlError::execution(e.to_string()))?;
            }
        }
        Ok(StatementResult::Ack {
            message: format!("Source `{}` (topic: {topic}) was dropped.", name.name),
        })
    }
}

/// `ksql.persistence.default.format.key`: the key format of a sink whose input had none.
const DEFAULT_KEY_FORMAT: &str = "ksql.persistence.default.format.key";

/// A `CREATE STREAM|TABLE ... AS SELECT` once planned: what its sink holds.
pub(super) struct NewSink<'a> {
    pub create: &'a CreateAsSelect,
    pub sql: &'a str,
    pub with: &'a WithClause,
    /// The (left) input: the sink's formats and partition count default to its.
    pub input: &'a SourceInfo,
    pub kind: SourceKind,
    pub key_fields: Vec<Field>,
    pub value_fields: Vec<Field>,
    /// A windowed result: keys carry the window.
    pub window: Option<WindowSpec>,
}

impl Engine {
    /// Starts a `CREATE`: `Ok(Err(ack))` when `IF NOT EXISTS` finds the name taken (nothing
    /// more to do), else the checked `WITH` clause. `replace` is (`OR REPLACE`, `IF NOT EXISTS`).
    pub(super) fn begin_create(
        &mut self,
        name: &Ident,
        kind: SourceKind,
        replace: (bool, bool),
        properties: &[Property],
    ) -> Result<Result<WithClause, StatementResult>, SqlError> {
        if let Some(result) = self.check_name_free(name, kind, replace.0, replace.1)? {
            return Ok(Err(result));
        }
        WithClause::parse(properties).map(Ok)
    }

    /// [`Engine::begin_create`] for a `CREATE ... AS SELECT`.
    pub(super) fn begin_create_as_select(
        &mut self,
        create: &CreateAsSelect,
    ) -> Result<Result<WithClause, StatementResult>, SqlError> {
        self.begin_create(
            &create.name,
            create.kind,
            (create.or_replace, create.if_not_exists),
            &create.properties,
        )
    }

    /// Registers a persistent query: the sink's formats (checked), its topic (created with the
    /// input's partition count unless `PARTITIONS` says otherwise), the catalog entry and the
    /// query `CSAS_<NAME>_<n>` / `CTAS_<NAME>_<n>` reading through `pipeline`.
    pub(super) fn register_persistent_query(
        &mut self,
        log: &mut Log,
        sink: NewSink<'_>,
        pipeline: Pipeline,
    ) -> Result<StatementResult, SqlError> {
        let NewSink {
            create,
            sql,
            with,
            input,
            kind,
            key_fields,
            value_fields,
            window,
        } = sink;
        let topic = match &with.kafka_topic {
            Some(topic) => topic.clone(),
            None => format!(
                "{}{}",
                self.property(OUTPUT_TOPIC_PREFIX).unwrap_or(""),
                create.name.name
            ),
        };
        let mut key_kind = with.key_format.unwrap_or(input.key_format.kind);
        if key_kind == FormatKind::None && with.key_format.is_none() && !key_fields.is_empty() {
            // A keyless input re-keyed (by a join): the key takes the default key format.
            key_kind = self
                .property(DEFAULT_KEY_FORMAT)
                .and_then(|name| FormatKind::parse(name).ok())
                .unwrap_or(FormatKind::Kafka);
        }
        let value_kind = with.value_format.unwrap_or(input.value_format.kind);
        let (mut key_format, mut value_format) =
            with.format_specs(key_kind, value_kind, self.flag(WRAP_SINGLE_VALUES, true))?;
        if with.key_delimiter.is_none() && key_kind == input.key_format.kind {
            key_format.delimiter = input.key_format.delimiter;
        }
        if with.value_delimiter.is_none() && value_kind == input.value_format.kind {
            value_format.delimiter = input.value_format.delimiter;
        }
        validate_formats(
            &key_format,
            &key_fields,
            &value_format,
            &value_fields,
            with.wrap_single_value,
        )?;
        check_timestamp_column(with, &key_fields, &value_fields)?;
        let partitions = match with.partitions {
            Some(partitions) => partitions,
            None => log
                .topic(&input.topic)
                .map(|t| t.n_partitions())
                .unwrap_or(1),
        };
        if !log.has_topic(&topic) {
            log.create_topic(&topic, TopicConfig::with_partitions(partitions))
                .map_err(|e| SqlError::execution(e.to_string()))?;
        }
        let prefix = if kind == SourceKind::Stream {
            "CSAS"
        } else {
            "CTAS"
        };
        let id = format!(
            "{prefix}_{}_{}",
            create.name.name.to_ascii_uppercase(),
            self.next_query_number
        );
        let mut sink_writer = make_sink(
            &topic,
            &key_format,
            &value_format,
            &key_fields,
            &value_fields,
            with.timestamp.as_deref(),
        );
        sink_writer.window_key = window.map(|w| {
            if w.is_session() {
                WindowKeyKind::Session
            } else {
                WindowKeyKind::Time
            }
        });
        self.next_query_number += 1;
        self.catalog.insert(SourceInfo {
            name: create.name.name.clone(),
            kind,
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
            source: input.name.clone(),
            sink: create.name.name.clone(),
            pipeline,
            sink_writer,
            n_records_written: 0,
        });
        Ok(StatementResult::Ack {
            message: format!("Created query with ID {id}"),
        })
    }
}

/// Plans a stateless SELECT over a source, with WINDOWSTART and WINDOWEND when it is windowed.
fn plan_select_on(
    query: &Query,
    source: &SourceInfo,
    purpose: SelectPurpose<'_>,
) -> Result<SelectPlan, SqlError> {
    plan_select_over(
        query,
        &source.name,
        &source.key_columns,
        source.row_schema(),
        purpose,
    )
}

pub(super) fn make_sink(
    topic: &str,
    key_format: &FormatSpec,
    value_format: &FormatSpec,
    key_fields: &[Field],
    value_fields: &[Field],
    timestamp: Option<&str>,
) -> Sink {
    let timestamp_idx = timestamp.and_then(|column| {
        key_fields
            .iter()
            .chain(value_fields.iter())
            .position(|f| f.name == column)
    });
    Sink {
        window_key: None,
        topic: topic.to_string(),
        key_format: key_format.clone(),
        value_format: value_format.clone(),
        key_columns: key_fields.to_vec(),
        value_columns: value_fields.to_vec(),
        timestamp_idx,
        recent_values: Default::default(),
    }
}

/// Checks that the formats can carry the columns, with ksqlDB's messages.
pub(super) fn validate_formats(
    key_format: &FormatSpec,
    key_columns: &[Field],
    value_format: &FormatSpec,
    value_columns: &[Field],
    wrap: Option<bool>,
) -> Result<(), SqlError> {
    for column in key_columns {
        if contains_map(&column.ty) {
            return Err(SqlError::invalid(format!(
                "Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `{}`. Column type: {}. See https://github.com/confluentinc/ksql/issues/6621 for more.",
                column.name, column.ty
            )));
        }
    }
    if !key_columns.is_empty() {
        format::validate_schema(key_format, key_columns).map_err(|error| {
            SqlError::invalid(format!(
                "Key format does not support schema.\nformat: {}\nschema: Persistence{{columns=[{}], features=[]}}\nreason: {}",
                key_format.kind.name(),
                schema_text(key_columns, &[]),
                error.message
            ))
        })?;
    }
    format::validate_schema(value_format, value_columns)
        .map_err(|error| SqlError::invalid(error.message))?;
    if wrap == Some(false) && value_columns.len() > 1 {
        return Err(SqlError::invalid(
            "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas.",
        ));
    }
    Ok(())
}

fn contains_map(ty: &SqlType) -> bool {
    match ty {
        SqlType::Map(..) => true,
        SqlType::Array(element) => contains_map(element),
        SqlType::Struct(fields) => fields.iter().any(|(_, t)| contains_map(t)),
        _ => false,
    }
}

pub(super) fn check_timestamp_column(
    with: &WithClause,
    key_columns: &[Field],
    value_columns: &[Field],
) -> Result<(), SqlError> {
    let Some(column) = &with.timestamp else {
        return Ok(());
    };
    let field = key_columns.iter().chain(value_columns.iter()).find(|f| f.name == *column).ok_or_else(|| {
        SqlError::new(SqlErrorKind::UnknownColumn, format!("The TIMESTAMP column set in the WITH clause does not exist in the schema: '{column}'"))
    })?;
    match (&field.ty, &with.timestamp_format) {
        (SqlType::BigInt | SqlType::Timestamp, None) => Ok(()),
        (SqlType::String, _) => Ok(()),
        (ty, _) => Err(SqlError::type_error(format!(
            "Timestamp column, `{column}`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified, not {ty}"
        ))),
    }
}

/// Finds or creates a source's topic, as ksqlDB does: created only when PARTITIONS is given.
fn ensure_topic(
    log: &mut Log,
    topic: &str,
    partitions: Option<u32>,
    kind: SourceKind,
) -> Result<(), SqlError> {
    match (log.topic(topic), partitions) {
        (Ok(existing), Some(wanted)) if existing.n_partitions() != wanted => Err(SqlError::invalid(format!(
            "A Kafka topic with the name '{topic}' already exists, with different partition/replica configuration than required. KSQL expects {wanted} partitions (topic has {}), 1 replication factor (topic has 1).",
            existing.n_partitions()
        ))),
        (Ok(_), _) => Ok(()),
        (Err(_), Some(partitions)) => log.create_topic(topic, TopicConfig::with_partitions(partitions)).map_err(|e| SqlError::execution(e.to_string())),
        (Err(_), None) => Err(SqlError::invalid(format!(
            "Topic '{topic}' does not exist. If you want to create a new topic for the {} please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS').",
            kind.word().to_lowercase()
        ))
        .with_hint(format!("add partitions=1 to the WITH clause to create the topic '{topic}'"))),
    }
}
