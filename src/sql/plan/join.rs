//! Plans a stream-table join: the `ON` condition, the joined row's columns, and the SELECT over
//! them.
//!
//! As in ksqlDB, every column of the joined row is named `<ALIAS>_<COLUMN>` (`SELECT *` shows
//! `C_USERID`, `U_LEVEL`), and a reference such as `u.level` or an unambiguous `level` resolves
//! to it; an unaliased column keeps its own name in the output. The result is keyed by the join
//! key: when that is not the stream's key, ksqlDB repartitions the stream by it first.

use super::select::{plan_select, SelectPlan, SelectPurpose};
use crate::sql::ast::{BinaryOperator, Expr, Ident, Query, SelectItem};
use crate::sql::error::{SqlError, SqlErrorKind};
use crate::sql::format::Field;

/// One input of a join.
#[derive(Clone, Debug)]
pub struct JoinSide {
    pub name: String,
    /// The alias (or the source name) that qualifies its columns.
    pub alias: String,
    pub key_columns: Vec<Field>,
    pub value_columns: Vec<Field>,
}

impl JoinSide {
    fn columns(&self) -> impl Iterator<Item = &Field> {
        self.key_columns.iter().chain(self.value_columns.iter())
    }

    fn has(&self, column: &str) -> bool {
        self.columns().any(|f| f.name == column)
    }

    fn prefixed(&self, column: &str) -> String {
        format!("{}_{column}", self.alias)
    }
}

#[derive(Clone, Debug)]
pub struct StreamTableJoinPlan {
    pub left_join: bool,
    /// The join column's position in the stream row.
    pub stream_key_idx: usize,
    /// Positions of the other stream columns, in joined-row order.
    pub stream_columns: Vec<usize>,
    pub n_table_columns: usize,
    /// The join column's position in the right (table) row.
    pub table_key_idx: usize,
    /// The projection and WHERE over the joined row.
    pub select: SelectPlan,
    /// True when the join key is not the stream's key (ksqlDB repartitions the stream).
    pub rekeyed: bool,
}

/// Plans a table-table join on both primary keys. The result is keyed by the join key, named
/// after the left key column (`ROWKEY` for FULL OUTER joins, where either side may be missing).
pub fn plan_table_table_join(
    query: &Query,
    left: &JoinSide,
    right: &JoinSide,
    sink_name: Option<&str>,
) -> Result<(String, StreamTableJoinPlan), SqlError> {
    let kind = query
        .joins
        .first()
        .map(|j| j.kind.clone())
        .unwrap_or_default();
    let plan = plan_join(query, left, right, sink_name, true, false)?;
    Ok((kind, plan))
}

pub fn plan_stream_table_join(
    query: &Query,
    stream: &JoinSide,
    table: &JoinSide,
    sink_name: Option<&str>,
) -> Result<StreamTableJoinPlan, SqlError> {
    plan_join(query, stream, table, sink_name, false, false)
}

/// Plans a stream-stream join (`WITHIN`): either side may join on any column; the result is
/// keyed by the join key.
pub fn plan_stream_stream_join(
    query: &Query,
    left: &JoinSide,
    right: &JoinSide,
    sink_name: Option<&str>,
) -> Result<(String, StreamTableJoinPlan), SqlError> {
    let kind = query
        .joins
        .first()
        .map(|j| j.kind.clone())
        .unwrap_or_default();
    let plan = plan_join(query, left, right, sink_name, true, true)?;
    Ok((kind, plan))
}

fn plan_join(
    query: &Query,
    stream: &JoinSide,
    table: &JoinSide,
    sink_name: Option<&str>,
    table_table: bool,
    stream_stream: bool,
) -> Result<StreamTableJoinPlan, SqlError> {
    let Some(join) = query.joins.first() else {
        return Err(SqlError::invalid("Expected a JOIN"));
    };
    if query.joins.len() > 1 {
        return Err(
            SqlError::unsupported("Joins of more than two sources are not supported yet")
                .at(join.span),
        );
    }
    let left_join = match join.kind.as_str() {
        "INNER" => false,
        "LEFT" => true,
        "RIGHT" | "FULL" if table_table => true,
        other => {
            return Err(SqlError::invalid(format!("Invalid join type: {} join not supported for stream-table join. Only INNER and LEFT joins are supported.", other.to_ascii_lowercase()))
                .at(join.span))
        }
    };
    let resolve = |qualifier: Option<&Ident>, name: &Ident| -> Result<(bool, String), SqlError> {
        let on_stream = match qualifier.map(|q| q.name.as_str()) {
            Some(q) if q == stream.alias || q == stream.name => true,
            Some(q) if q == table.alias || q == table.name => false,
            Some(q) => {
                return Err(SqlError::new(
                    SqlErrorKind::UnknownSource,
                    format!("'{q}' is not a valid stream/table name or alias."),
                )
                .at(name.span))
            }
            None => match (stream.has(&name.name), table.has(&name.name)) {
                (true, true) => {
                    return Err(SqlError::invalid(format!(
                        "Column '{0}' is ambiguous. Could be {1}.{0} or {2}.{0}.",
                        name.name, stream.alias, table.alias
                    ))
                    .at(name.span))
                }
                (true, false) => true,
                (false, true) => false,
                (false, false) => {
                    return Err(SqlError::new(
                        SqlErrorKind::UnknownColumn,
                        format!("Column '{}' cannot be resolved.", name.name),
                    )
                    .at(name.span))
                }
            },
        };
        let side = if on_stream { stream } else { table };
        if !side.has(&name.name) {
            return Err(SqlError::new(
                SqlErrorKind::UnknownColumn,
                format!("Column '{}.{}' cannot be resolved.", side.alias, name.name),
            )
            .at(name.span));
        }
        Ok((on_stream, name.name.clone()))
    };

    // ON stream_column = table_key (either way round).
    let Some(Expr::Binary {
        op: BinaryOperator::Eq,
        left,
        right,
    }) = &join.on
    else {
        return Err(SqlError::unsupported(
            "Only equality join conditions (ON a.x = b.y) are supported",
        )
        .at(join.span));
    };
    let (
        Expr::Column {
            qualifier: lq,
            name: ln,
        },
        Expr::Column {
            qualifier: rq,
            name: rn,
        },
    ) = (left.as_ref(), right.as_ref())
    else {
        return Err(SqlError::unsupported(
            "Joins on expressions are not supported yet: join on columns",
        )
        .at(join.span));
    };
    let (left_side, left_name) = resolve(lq.as_ref(), ln)?;
    let (right_side, right_name) = resolve(rq.as_ref(), rn)?;
    let (stream_column, table_column) = match (left_side, right_side) {
        (true, false) => (left_name, right_name),
        (false, true) => (right_name, left_name),
        _ => {
            return Err(SqlError::invalid(
                "Each side of the join condition must refer to a different source",
            )
            .at(join.span))
        }
    };
    if table_table
        && !stream_stream
        && (stream.key_columns.len() != 1
            || stream
                .key_columns
                .first()
                .is_none_or(|k| k.name != stream_column))
    {
        return Err(SqlError::unsupported(format!(
            "Foreign-key table-table joins are not supported yet: join on the primary key of {} ({stream_column} is not its key)",
            stream.alias
        ))
        .at(join.span));
    }
    let table_key_idx = table
        .columns()
        .position(|f| f.name == table_column)
        .unwrap_or(0);
    let table_key_type = table.columns().nth(table_key_idx).map(|f| f.ty.clone());
    if !stream_stream
        && (table.key_columns.len() != 1
            || table
                .key_columns
                .first()
                .is_none_or(|k| k.name != table_column))
    {
        return Err(SqlError::invalid(format!(
            "Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column {} instead of {table_column}",
            table.key_columns.iter().map(|k| k.name.clone()).collect::<Vec<_>>().join(", ")
        ))
        .at(join.span));
    }
    let stream_fields: Vec<&Field> = stream.columns().collect();
    let stream_key_idx = stream_fields
        .iter()
        .position(|f| f.name == stream_column)
        .unwrap_or(0);
    let key_type = stream_fields
        .get(stream_key_idx)
        .map(|f| f.ty.clone())
        .unwrap_or(crate::sql::types::SqlType::String);
    if table_key_type.as_ref() != Some(&key_type) {
        return Err(SqlError::type_error(format!(
            "Invalid comparison expression '{}.{stream_column} = {}.{table_column}' in join. Joins must only compare columns of the same type.",
            stream.alias, table.alias
        ))
        .at(join.span));
    }

    // The joined row's columns.
    let full_outer = table_table && join.kind == "FULL";
    let key_name = if full_outer {
        "ROWKEY".to_string()
    } else {
        stream.prefixed(&stream_column)
    };
    let key_fields = vec![Field::new(key_name, key_type)];
    let mut value_fields = Vec::new();
    let mut stream_columns = Vec::new();
    for (idx, field) in stream_fields.iter().enumerate() {
        if idx != stream_key_idx || full_outer {
            stream_columns.push(idx);
            value_fields.push(Field::new(stream.prefixed(&field.name), field.ty.clone()));
        }
    }
    for field in table.columns() {
        value_fields.push(Field::new(table.prefixed(&field.name), field.ty.clone()));
    }

    // The query over the joined row.
    let mut items = Vec::new();
    for item in &query.items {
        match item {
            SelectItem::Wildcard { qualifier } => {
                let sides: Vec<&JoinSide> = match qualifier.as_ref().map(|q| q.name.as_str()) {
                    None => vec![stream, table],
                    Some(q) if q == stream.alias || q == stream.name => vec![stream],
                    Some(q) if q == table.alias || q == table.name => vec![table],
                    Some(q) => {
                        return Err(SqlError::new(
                            SqlErrorKind::UnknownSource,
                            format!("'{q}' is not a valid stream/table name or alias."),
                        ))
                    }
                };
                for side in sides {
                    for field in side.columns() {
                        items.push(SelectItem::Expr {
                            expr: column(&side.prefixed(&field.name)),
                            alias: None,
                        });
                    }
                }
            }
            SelectItem::Expr { expr, alias } => {
                let rewritten = map_columns(expr, &|q, n| {
                    if full_outer && q.is_none() && n.name == "ROWKEY" {
                        return Ok(column("ROWKEY"));
                    }
                    let (on_stream, name) = resolve(q, n)?;
                    Ok(column(&if on_stream {
                        stream.prefixed(&name)
                    } else {
                        table.prefixed(&name)
                    }))
                })?;
                // ksqlDB names a column by itself, or `ALIAS_COLUMN` when it is qualified and both
                // sources have a column of that name.
                let alias = match (alias, expr) {
                    (Some(alias), _) => Some(alias.clone()),
                    (None, Expr::Column { qualifier, name })
                        if qualifier.is_none()
                            || !(stream.has(&name.name) && table.has(&name.name)) =>
                    {
                        Some(Ident {
                            name: name.name.clone(),
                            quoted: true,
                            span: name.span,
                        })
                    }
                    _ => None,
                };
                items.push(SelectItem::Expr {
                    expr: rewritten,
                    alias,
                });
            }
        }
    }
    let where_clause = match &query.where_clause {
        Some(predicate) => Some(map_columns(predicate, &|q, n| {
            if full_outer && q.is_none() && n.name == "ROWKEY" {
                return Ok(column("ROWKEY"));
            }
            let (on_stream, name) = resolve(q, n)?;
            Ok(column(&if on_stream {
                stream.prefixed(&name)
            } else {
                table.prefixed(&name)
            }))
        })?),
        None => None,
    };
    // The result key: the left join column, else the right one if only that is selected; a
    // FULL OUTER join's ROWKEY is added when not selected.
    let key_name = key_fields
        .first()
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let is_bare = |item: &SelectItem, column_name: &str| matches!(item, SelectItem::Expr { expr: Expr::Column { qualifier: None, name }, .. } if name.name == column_name);
    if !items.iter().any(|i| is_bare(i, &key_name)) {
        let right_key = table.prefixed(&table_column);
        if full_outer {
            items.insert(
                0,
                SelectItem::Expr {
                    expr: column("ROWKEY"),
                    alias: None,
                },
            );
        } else if let Some(SelectItem::Expr { expr, alias }) =
            items.iter_mut().find(|i| is_bare(i, &right_key))
        {
            *alias = Some(alias.clone().unwrap_or(Ident {
                name: right_key.clone(),
                quoted: true,
                span: None,
            }));
            *expr = column(&key_name);
        }
    }
    let mut joined = query.clone();
    joined.items = items;
    joined.where_clause = where_clause;
    joined.joins = Vec::new();
    joined.from.alias = None;
    let purpose = match sink_name {
        Some(sink_name) => SelectPurpose::Persistent {
            sink_name,
            allow_missing_key: false,
        },
        None => SelectPurpose::Transient,
    };
    let select = plan_select(&joined, &stream.name, &key_fields, &value_fields, purpose)?;
    let rekeyed = stream
        .key_columns
        .first()
        .is_none_or(|k| k.name != stream_column)
        || stream.key_columns.len() != 1;
    Ok(StreamTableJoinPlan {
        left_join,
        stream_key_idx,
        stream_columns,
        n_table_columns: table.key_columns.len() + table.value_columns.len(),
        table_key_idx,
        select,
        rekeyed,
    })
}

fn column(name: &str) -> Expr {
    Expr::Column {
        qualifier: None,
        name: Ident {
            name: name.to_string(),
            quoted: true,
            span: None,
        },
    }
}

type ColumnMap<'a> = dyn Fn(Option<&Ident>, &Ident) -> Result<Expr, SqlError> + 'a;

/// Rebuilds an expression with every column reference replaced by `f`.
pub fn map_columns(expr: &Expr, f: &ColumnMap<'_>) -> Result<Expr, SqlError> {
    let m = |e: &Expr| map_columns(e, f).map(Box::new);
    let all = |list: &[Expr]| {
        list.iter()
            .map(|e| map_columns(e, f))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(match expr {
        Expr::Column { qualifier, name } => f(qualifier.as_ref(), name)?,
        Expr::Literal { .. } => expr.clone(),
        Expr::Binary { op, left, right } => Expr::Binary {
            op: *op,
            left: m(left)?,
            right: m(right)?,
        },
        Expr::Not(inner) => Expr::Not(m(inner)?),
        Expr::Negate(inner) => Expr::Negate(m(inner)?),
        Expr::IsNull { expr, negated } => Expr::IsNull {
            expr: m(expr)?,
            negated: *negated,
        },
        Expr::IsDistinctFrom {
            left,
            right,
            negated,
        } => Expr::IsDistinctFrom {
            left: m(left)?,
            right: m(right)?,
            negated: *negated,
        },
        Expr::Like {
            expr,
            pattern,
            escape,
            negated,
        } => Expr::Like {
            expr: m(expr)?,
            pattern: m(pattern)?,
            escape: *escape,
            negated: *negated,
        },
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => Expr::Between {
            expr: m(expr)?,
            low: m(low)?,
            high: m(high)?,
            negated: *negated,
        },
        Expr::InList {
            expr,
            list,
            negated,
        } => Expr::InList {
            expr: m(expr)?,
            list: all(list)?,
            negated: *negated,
        },
        Expr::Case {
            operand,
            branches,
            else_result,
        } => Expr::Case {
            operand: operand.as_ref().map(|o| m(o)).transpose()?,
            branches: branches
                .iter()
                .map(|(c, r)| Ok((map_columns(c, f)?, map_columns(r, f)?)))
                .collect::<Result<_, SqlError>>()?,
            else_result: else_result.as_ref().map(|e| m(e)).transpose()?,
        },
        Expr::Cast { expr, ty } => Expr::Cast {
            expr: m(expr)?,
            ty: ty.clone(),
        },
        Expr::Function {
            name,
            args,
            star,
            span,
        } => Expr::Function {
            name: name.clone(),
            args: all(args)?,
            star: *star,
            span: *span,
        },
        Expr::Dereference { expr, field } => Expr::Dereference {
            expr: m(expr)?,
            field: field.clone(),
        },
        Expr::Subscript { expr, index } => Expr::Subscript {
            expr: m(expr)?,
            index: m(index)?,
        },
        Expr::ArrayLiteral(items) => Expr::ArrayLiteral(all(items)?),
        Expr::MapLiteral(entries) => Expr::MapLiteral(
            entries
                .iter()
                .map(|(k, v)| Ok((map_columns(k, f)?, map_columns(v, f)?)))
                .collect::<Result<_, SqlError>>()?,
        ),
        Expr::StructLiteral(fields) => Expr::StructLiteral(
            fields
                .iter()
                .map(|(n, e)| Ok((n.clone(), map_columns(e, f)?)))
                .collect::<Result<_, SqlError>>()?,
        ),
    })
}
