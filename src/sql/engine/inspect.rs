//! Statements that look without touching: SHOW/LIST, DESCRIBE, EXPLAIN.

use super::{Engine, StatementResult};
use crate::log::Log;
use crate::sql::ast::{DescribeTarget, ExplainTarget, ShowTarget, SourceKind, Statement};
use crate::sql::error::{SqlError, SqlErrorKind};
use crate::sql::functions;

impl Engine {
    pub(super) fn show(&self, log: &Log, what: ShowTarget, _extended: bool) -> StatementResult {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        match what {
            ShowTarget::Streams | ShowTarget::Tables => {
                let kind = if what == ShowTarget::Streams {
                    SourceKind::Stream
                } else {
                    SourceKind::Table
                };
                let title = if kind == SourceKind::Stream {
                    "Stream Name"
                } else {
                    "Table Name"
                };
                let rows = self
                    .catalog
                    .iter()
                    .filter(|s| s.kind == kind)
                    .map(|s| {
                        vec![
                            s.name.clone(),
                            s.topic.clone(),
                            s.key_format.kind.name().to_string(),
                            s.value_format.kind.name().to_string(),
                            "false".into(),
                        ]
                    })
                    .collect();
                StatementResult::Table {
                    columns: strings(&[
                        title,
                        "Kafka Topic",
                        "Key Format",
                        "Value Format",
                        "Windowed",
                    ]),
                    rows,
                }
            }
            ShowTarget::Topics => {
                let rows = log
                    .topics()
                    .map(|t| {
                        vec![
                            t.name().to_string(),
                            t.n_partitions().to_string(),
                            "1".into(),
                        ]
                    })
                    .collect();
                StatementResult::Table {
                    columns: strings(&["Kafka Topic", "Partitions", "Partition Replicas"]),
                    rows,
                }
            }
            ShowTarget::Queries => {
                let mut rows: Vec<Vec<String>> = self
                    .queries
                    .iter()
                    .map(|q| {
                        let topic = self
                            .catalog
                            .get(&q.sink)
                            .map(|s| s.topic.clone())
                            .unwrap_or_default();
                        vec![
                            q.id.clone(),
                            "PERSISTENT".into(),
                            "RUNNING:1".into(),
                            q.sink.clone(),
                            topic,
                            q.sql.clone(),
                        ]
                    })
                    .collect();
                rows.extend(self.push_queries.iter().map(|q| {
                    vec![
                        q.id.clone(),
                        "PUSH".into(),
                        "RUNNING:1".into(),
                        String::new(),
                        String::new(),
                        q.sql.clone(),
                    ]
                }));
                StatementResult::Table {
                    columns: strings(&[
                        "Query ID",
                        "Query Type",
                        "Status",
                        "Sink Name",
                        "Sink Kafka Topic",
                        "Query String",
                    ]),
                    rows,
                }
            }
            ShowTarget::Properties => {
                let rows = self
                    .properties
                    .iter()
                    .map(|(k, v)| vec![k.clone(), "SESSION".into(), v.clone()])
                    .collect();
                StatementResult::Table {
                    columns: strings(&["Property", "Scope", "Value"]),
                    rows,
                }
            }
            ShowTarget::Functions => {
                let mut names = functions::scalar_names();
                names.sort_unstable();
                let rows = names
                    .into_iter()
                    .map(|n| vec![n.to_string(), "SCALAR".into()])
                    .collect();
                StatementResult::Table {
                    columns: strings(&["Function Name", "Type"]),
                    rows,
                }
            }
        }
    }

    pub(super) fn describe(
        &self,
        log: &Log,
        target: &DescribeTarget,
        extended: bool,
    ) -> Result<StatementResult, SqlError> {
        let sources: Vec<&super::SourceInfo> = match target {
            DescribeTarget::Source(name) => vec![self.lookup(name)?],
            DescribeTarget::Streams => self
                .catalog
                .iter()
                .filter(|s| s.kind == SourceKind::Stream)
                .collect(),
            DescribeTarget::Tables => self
                .catalog
                .iter()
                .filter(|s| s.kind == SourceKind::Table)
                .collect(),
            DescribeTarget::Function(name) => {
                if functions::scalar_names().contains(&name.as_str()) {
                    return Ok(StatementResult::Text {
                        lines: vec![
                            format!("Name        : {name}"),
                            "Type        : SCALAR".into(),
                        ],
                    });
                }
                return Err(SqlError::new(
                    SqlErrorKind::Invalid,
                    format!("Can't find any functions with the name '{name}'"),
                ));
            }
        };
        let mut lines = Vec::new();
        for source in sources {
            lines.push(String::new());
            lines.push(format!("Name                 : {}", source.name));
            if extended {
                lines.push(format!("Type                 : {}", source.kind.word()));
                lines.push(format!(
                    "Timestamp field      : {}",
                    source
                        .timestamp_column
                        .clone()
                        .unwrap_or_else(|| "Not set - using <ROWTIME>".into())
                ));
                lines.push(format!(
                    "Key format           : {}",
                    source.key_format.kind.name()
                ));
                lines.push(format!(
                    "Value format         : {}",
                    source.value_format.kind.name()
                ));
                let partitions = log
                    .topic(&source.topic)
                    .map(|t| t.n_partitions().to_string())
                    .unwrap_or_else(|_| "-".into());
                lines.push(format!(
                    "Kafka topic          : {} (partitions: {partitions}, replication: 1)",
                    source.topic
                ));
                lines.push(format!("Statement            : {}", source.sql));
            }
            let rows: Vec<(String, String)> = source
                .key_columns
                .iter()
                .map(|f| {
                    let marker = if source.kind == SourceKind::Table {
                        "(primary key)"
                    } else {
                        "(key)"
                    };
                    (f.name.clone(), format!("{:<16} {marker}", f.ty.to_string()))
                })
                .chain(
                    source
                        .value_columns
                        .iter()
                        .map(|f| (f.name.clone(), f.ty.to_string())),
                )
                .collect();
            let name_width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(5).max(5);
            let type_width = rows.iter().map(|(_, t)| t.len()).max().unwrap_or(4).max(4);
            lines.push(format!(" {:<name_width$} | {}", "Field", "Type"));
            let rule = "-".repeat(name_width + type_width + 5);
            lines.push(rule.clone());
            for (name, ty) in rows {
                lines.push(
                    format!(" {name:<name_width$} | {ty}")
                        .trim_end()
                        .to_string(),
                );
            }
            lines.push(rule);
            if extended {
                let readers: Vec<&str> = self
                    .queries
                    .iter()
                    .filter(|q| q.source == source.name)
                    .map(|q| q.id.as_str())
                    .collect();
                let writers: Vec<&str> = self
                    .queries
                    .iter()
                    .filter(|q| q.sink == source.name)
                    .map(|q| q.id.as_str())
                    .collect();
                lines.push(String::new());
                lines.push(format!(
                    "Queries that read from this {}: {}",
                    source.kind.word(),
                    readers.join(", ")
                ));
                lines.push(format!(
                    "Queries that write from this {}: {}",
                    source.kind.word(),
                    writers.join(", ")
                ));
            } else {
                lines.push("For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;".into());
            }
        }
        Ok(StatementResult::Text { lines })
    }

    pub(super) fn explain(
        &self,
        log: &Log,
        target: &ExplainTarget,
    ) -> Result<StatementResult, SqlError> {
        match target {
            ExplainTarget::QueryId(id) => {
                let Some(query) = self
                    .queries
                    .iter()
                    .find(|q| q.id.eq_ignore_ascii_case(&id.name))
                else {
                    return Err(SqlError::invalid(format!("Query with id:{} does not exist, use SHOW QUERIES to view the full set of queries.", id.name)).at(id.span));
                };
                let mut lines = vec![
                    format!("ID                   : {}", query.id),
                    "Query Type           : PERSISTENT".to_string(),
                    format!("SQL                  : {}", query.sql),
                    String::new(),
                    "Execution plan".to_string(),
                    "--------------".to_string(),
                    format!(
                        " > [ SINK ] | topic: {} | records written: {}",
                        query.sink_writer.topic, query.n_records_written
                    ),
                ];
                for operator in query.pipeline.operators.iter().rev() {
                    lines.push(format!("\t\t > [ {} ]", operator.describe()));
                }
                lines.push(format!(
                    "\t\t\t\t > [ SOURCE ] | topic: {} | records read: {}",
                    query.pipeline.source_topic, query.pipeline.n_records_read
                ));
                Ok(StatementResult::Text { lines })
            }
            ExplainTarget::Statement(parsed) => {
                let query = match &parsed.statement {
                    Statement::Select(query) => query,
                    Statement::CreateAsSelect(create) => &create.query,
                    Statement::InsertSelect { query, .. } => query,
                    _ => return Err(SqlError::unsupported("EXPLAIN works on queries: SELECT, CREATE ... AS SELECT, INSERT INTO ... SELECT")),
                };
                let (source, plan) = self.plan_transient_for_explain(query)?;
                let mut lines = vec!["Execution plan".to_string(), "--------------".to_string()];
                lines.push(format!(
                    " > [ PROJECT ] | columns: {}",
                    plan.column_names().join(", ")
                ));
                if plan.filter.is_some() {
                    lines.push("\t\t > [ FILTER ] (WHERE)".to_string());
                }
                let partitions = log
                    .topic(&source.topic)
                    .map(|t| t.n_partitions())
                    .unwrap_or(0);
                lines.push(format!(
                    "\t\t\t\t > [ SOURCE ] | {} {} | topic: {} ({partitions} partitions)",
                    source.kind.word(),
                    source.name,
                    source.topic
                ));
                Ok(StatementResult::Text { lines })
            }
        }
    }

    fn plan_transient_for_explain(
        &self,
        query: &crate::sql::ast::Query,
    ) -> Result<(super::SourceInfo, crate::sql::plan::SelectPlan), SqlError> {
        let source = self.lookup(&query.from.name)?.clone();
        let plan = crate::sql::plan::plan_select(
            query,
            &source.name,
            &source.key_columns,
            &source.value_columns,
            crate::sql::plan::SelectPurpose::Transient,
        )?;
        Ok((source, plan))
    }
}
