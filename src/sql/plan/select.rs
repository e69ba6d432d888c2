//! Plans a stateless SELECT: which rows pass (WHERE), which columns come out (projection), how
//! they are named, and which of them form the output key.
//!
//! ksqlDB's key rules for a persistent query without GROUP BY or PARTITION BY: the output key is
//! the source key, so every source key column must appear in the projection exactly once
//! (possibly renamed), and at least one value column must remain.

use super::expr::{CompiledExpr, ExprCompiler};
use super::schema::{Namespace, RowSchema};
use crate::sql::ast::{Expr, Query, SelectItem};
use crate::sql::error::{SqlError, SqlErrorKind};
use crate::sql::format::Field;
use crate::sql::types::SqlType;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectPurpose<'a> {
    /// `CREATE STREAM|TABLE AS SELECT` or `INSERT INTO ... SELECT`: ksqlDB's key rules apply.
    /// `allow_missing_key` is the new planner's leniency (`ksql.new.query.planner.enabled`): a
    /// stream whose key columns are not selected becomes keyless.
    Persistent {
        sink_name: &'a str,
        allow_missing_key: bool,
    },
    /// A transient push query: any projection, in order.
    Transient,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutputColumn {
    pub name: String,
    pub ty: SqlType,
    pub expr: CompiledExpr,
    pub key: bool,
}

/// A planned stateless query over one source.
#[derive(Clone, Debug, PartialEq)]
pub struct SelectPlan {
    pub source_name: String,
    pub schema: RowSchema,
    pub filter: Option<CompiledExpr>,
    /// In projection order; `key` marks the output key columns.
    pub columns: Vec<OutputColumn>,
}

/// The output schema of a projection: its key columns (`key`) or its value columns, in order.
/// Every planner (select, aggregate, join, partition) builds its sink schema with it.
pub fn output_fields(columns: &[OutputColumn], key: bool) -> Vec<Field> {
    columns
        .iter()
        .filter(|c| c.key == key)
        .map(|c| Field::new(c.name.clone(), c.ty.clone()))
        .collect()
}

impl SelectPlan {
    pub fn key_fields(&self) -> Vec<Field> {
        output_fields(&self.columns, true)
    }

    pub fn value_fields(&self) -> Vec<Field> {
        output_fields(&self.columns, false)
    }

    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }
}

/// Rejects what needs state (joins, windows, aggregation, re-keying) with a clear message.
pub fn check_stateless(query: &Query) -> Result<(), SqlError> {
    if let Some(join) = query.joins.first() {
        return Err(SqlError::unsupported("Joins are not supported yet: streamlab runs stateless queries only (filters and projections)").at(join.span));
    }
    if let Some(window) = &query.window {
        return Err(SqlError::unsupported(format!(
            "{} is not supported yet: windowed aggregation is part of a later release",
            window.text
        ))
        .at(window.span));
    }
    if let Some(expr) = query.group_by.first() {
        return Err(SqlError::unsupported("GROUP BY is not supported yet: streamlab runs stateless queries only (filters and projections)").at(expr.span()));
    }
    if let Some(expr) = query.partition_by.first() {
        return Err(SqlError::unsupported(
            "PARTITION BY is not supported yet: re-keying a stream is part of a later release",
        )
        .at(expr.span()));
    }
    if let Some(expr) = &query.having {
        return Err(
            SqlError::unsupported("HAVING is not supported yet: it needs GROUP BY").at(expr.span()),
        );
    }
    Ok(())
}

pub fn plan_select(
    query: &Query,
    source_name: &str,
    key_columns: &[Field],
    value_columns: &[Field],
    purpose: SelectPurpose<'_>,
) -> Result<SelectPlan, SqlError> {
    plan_select_over(
        query,
        source_name,
        key_columns,
        RowSchema::new(key_columns, value_columns),
        purpose,
    )
}

/// [`plan_select`] over a given row schema (a windowed source's has WINDOWSTART and WINDOWEND).
pub fn plan_select_over(
    query: &Query,
    source_name: &str,
    key_columns: &[Field],
    schema: RowSchema,
    purpose: SelectPurpose<'_>,
) -> Result<SelectPlan, SqlError> {
    check_stateless(query)?;
    let mut qualifiers = vec![source_name.to_string()];
    if let Some(alias) = &query.from.alias {
        qualifiers.push(alias.name.clone());
    }
    let where_compiler = ExprCompiler {
        schema: &schema,
        qualifiers: qualifiers.clone(),
        clause: "WHERE",
    };
    let filter = match &query.where_clause {
        Some(predicate) => {
            let (compiled, ty) = where_compiler.compile(predicate)?;
            if !matches!(ty, None | Some(SqlType::Boolean)) {
                let ty = ty.map(|t| t.to_string()).unwrap_or_default();
                return Err(SqlError::type_error(format!("Type error in WHERE expression: Should evaluate to boolean but is {ty} instead.")).at(predicate.span()));
            }
            Some(compiled)
        }
        None => None,
    };
    let compiler = ExprCompiler {
        schema: &schema,
        qualifiers,
        clause: "SELECT",
    };

    // Expand `*` and plan every item, remembering which items are plain key-column references.
    struct Item {
        alias: Option<String>,
        implicit_name: Option<String>,
        expr: CompiledExpr,
        ty: Option<SqlType>,
        key_column: Option<usize>,
        span: Option<crate::sql::error::Span>,
    }
    let mut items = Vec::new();
    for item in &query.items {
        match item {
            SelectItem::Wildcard { qualifier } => {
                if let Some(qualifier) = qualifier {
                    if !compiler.qualifiers.contains(&qualifier.name) {
                        return Err(SqlError::new(
                            SqlErrorKind::UnknownSource,
                            format!(
                                "'{}' is not a valid stream/table name or alias.",
                                qualifier.name
                            ),
                        )
                        .at(qualifier.span));
                    }
                }
                for (idx, column) in schema.columns.iter().enumerate() {
                    if column.namespace == Namespace::Pseudo {
                        continue;
                    }
                    let key_column = (column.namespace == Namespace::Key).then_some(idx);
                    items.push(Item {
                        alias: None,
                        implicit_name: Some(column.name.clone()),
                        expr: CompiledExpr::Column(idx),
                        ty: Some(column.ty.clone()),
                        key_column,
                        span: None,
                    });
                }
            }
            SelectItem::Expr { expr, alias } => {
                let (compiled, ty) = compiler.compile(expr)?;
                let key_column = match &compiled {
                    CompiledExpr::Column(idx)
                        if schema
                            .column(*idx)
                            .is_some_and(|c| c.namespace == Namespace::Key) =>
                    {
                        Some(*idx)
                    }
                    _ => None,
                };
                let implicit_name = match expr {
                    Expr::Column { name, .. } => Some(name.name.clone()),
                    Expr::Dereference { field, .. } => Some(field.clone()),
                    _ => None,
                };
                items.push(Item {
                    alias: alias.as_ref().map(|a| a.name.clone()),
                    implicit_name,
                    expr: compiled,
                    ty,
                    key_column,
                    span: expr.span(),
                });
            }
        }
    }

    // Name the columns: alias, else the column or field name, else KSQL_COL_n.
    let mut taken: Vec<String> = schema.names().map(str::to_string).collect();
    taken.extend(items.iter().filter_map(|i| i.alias.clone()));
    let mut generated = 0usize;
    let mut columns = Vec::with_capacity(items.len());
    let mut used_names: Vec<String> = Vec::new();
    for item in &items {
        let name = match (&item.alias, &item.implicit_name) {
            (Some(alias), _) => alias.clone(),
            (None, Some(name)) => name.clone(),
            (None, None) => loop {
                let candidate = format!("KSQL_COL_{generated}");
                generated += 1;
                if !taken.contains(&candidate) {
                    break candidate;
                }
            },
        };
        if used_names.contains(&name) {
            return Err(SqlError::invalid(format!("Duplicate column name in the projection: `{name}`. Give one of them another name with AS.")).at(item.span));
        }
        used_names.push(name.clone());
        let ty = match &item.ty {
            Some(ty) => ty.clone(),
            None => return Err(SqlError::type_error(format!("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR) (column `{name}`).")).at(item.span)),
        };
        columns.push(OutputColumn {
            name,
            ty,
            expr: item.expr.clone(),
            key: false,
        });
    }

    if let SelectPurpose::Persistent {
        sink_name,
        allow_missing_key,
    } = purpose
    {
        let mut missing = Vec::new();
        for (key_idx, key_column) in key_columns.iter().enumerate() {
            let uses: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(_, i)| i.key_column == Some(key_idx))
                .map(|(n, _)| n)
                .collect();
            match uses.as_slice() {
                [] => missing.push(key_column.name.clone()),
                [only] => {
                    if let Some(column) = columns.get_mut(*only) {
                        column.key = true;
                    }
                }
                [_, ..] => {
                    let aliases: Vec<String> = uses
                        .iter()
                        .filter_map(|n| columns.get(*n).map(|c| c.name.clone()))
                        .collect();
                    return Err(SqlError::invalid(format!(
                        "The projection contains a key column (`{}`) more than once, aliased as: {}.",
                        key_column.name,
                        aliases.join(" and ")
                    )));
                }
            }
        }
        if !missing.is_empty() && !allow_missing_key {
            // ksqlDB names every key column, not only the missing ones.
            let all_keys: Vec<String> = key_columns.iter().map(|f| f.name.clone()).collect();
            let (noun, listed) = match all_keys.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    ("columns", format!("{} and {last}", rest.join(", ")))
                }
                _ => ("column", all_keys.join("")),
            };
            return Err(SqlError::invalid(format!(
                "The query used to build `{sink_name}` must include the key {noun} {listed} in its projection (eg, SELECT {}...).",
                all_keys.join(", ")
            ))
            .with_hint("a persistent query keeps the source's key: select every key column (you may rename it with AS)"));
        }
        if !columns.iter().any(|c| !c.key) {
            return Err(SqlError::invalid(
                "The projection contains no value columns.",
            ));
        }
    }
    Ok(SelectPlan {
        source_name: source_name.to_string(),
        schema,
        filter,
        columns,
    })
}
