//! Plans a two-source join (stream-table, stream-stream, table-table): the `ON` condition, the
//! joined row's columns, and the SELECT over them.
//!
//! As in ksqlDB, every column of the joined row is named `<ALIAS>_<COLUMN>` (`SELECT *` shows
//! `C_USERID`, `U_LEVEL`), and a reference such as `u.level` or an unambiguous `level` resolves
//! to it; an unaliased column keeps its own name in the output. The result is keyed by the join
//! key: when that is not the stream's key, ksqlDB repartitions the stream by it first. Either
//! side of `ON` may be an expression over one source (`ON t.id = SUBSTRING(tt.id, 2)`); the key
//! is then named after the side that is a bare column, else it is a synthetic `ROWKEY`.

use super::aggregate::{plan_aggregate, AggregatePlan};
use super::expr::{CompiledExpr, ExprCompiler};
use super::schema::RowSchema;
use super::select::{plan_select, SelectPlan, SelectPurpose};
use crate::sql::ast::{BinaryOperator, Expr, Ident, Query, SelectItem, SourceKind};
use crate::sql::error::{SqlError, SqlErrorKind};
use crate::sql::format::Field;
use crate::sql::types::SqlType;

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

    fn n_columns(&self) -> usize {
        self.key_columns.len() + self.value_columns.len()
    }

    /// Is `expr` (compiled over this side's row) exactly this side's only key column?
    fn is_key(&self, expr: &CompiledExpr) -> bool {
        self.key_columns.len() == 1 && matches!(expr, CompiledExpr::Column(0))
    }
}

/// Where a join's result key comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKeyColumn {
    /// A left column (its position in the left row): the key takes its `ALIAS_COLUMN` name.
    Left(usize),
    /// A right column, when the left side joins on an expression.
    Right(usize),
    /// No side joins on a bare column, or a FULL OUTER join (either side may be missing):
    /// ksqlDB adds a synthetic key column, `ROWKEY` (or `ROWKEY_n` if a source has that name).
    Synthetic,
}

/// A planned two-source join. The joined row is laid out as
/// [`crate::sql::operators::join_row::JoinLayout`] builds it: the key, the left columns, the
/// right columns, `<LEFT>_ROWTIME`, `<RIGHT>_ROWTIME`, then ROWTIME, ROWPARTITION, ROWOFFSET.
/// `Output` is what runs over the joined rows: a projection ([`SelectPlan`]) or, for a join
/// with GROUP BY, an aggregation ([`AggregatePlan`]).
#[derive(Clone, Debug)]
pub struct JoinPlan<Output = SelectPlan> {
    /// `INNER`, `LEFT`, `RIGHT` or `FULL`.
    pub kind: String,
    /// The join expression on each side, over that side's row.
    pub left_key: CompiledExpr,
    pub right_key: CompiledExpr,
    pub key: JoinKeyColumn,
    /// Positions of the left (right) columns copied into the joined row after the key.
    pub left_columns: Vec<usize>,
    pub right_columns: Vec<usize>,
    /// The projection and WHERE (or the aggregation) over the joined row.
    pub output: Output,
    /// True when a side's join expression is not its key: ksqlDB repartitions that side.
    pub left_rekeyed: bool,
    pub right_rekeyed: bool,
}

impl<Output> JoinPlan<Output> {
    pub fn left_join(&self) -> bool {
        self.kind != "INNER"
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinShape {
    StreamTable,
    StreamStream,
    TableTable,
}

/// Plans a table-table join on both primary keys. The result is keyed by the join key, named
/// after the left key column (a synthetic `ROWKEY` for FULL OUTER joins).
pub fn plan_table_table_join(
    query: &Query,
    left: &JoinSide,
    right: &JoinSide,
    sink_name: Option<&str>,
) -> Result<JoinPlan, SqlError> {
    plan_join(query, left, right, sink_name, JoinShape::TableTable)
}

/// Plans a stream-table join: the stream may join on any expression, the table on its key.
pub fn plan_stream_table_join(
    query: &Query,
    stream: &JoinSide,
    table: &JoinSide,
    sink_name: Option<&str>,
) -> Result<JoinPlan, SqlError> {
    plan_join(query, stream, table, sink_name, JoinShape::StreamTable)
}

/// Plans a stream-stream join (`WITHIN`): either side may join on any expression; the result
/// is keyed by the join key.
pub fn plan_stream_stream_join(
    query: &Query,
    left: &JoinSide,
    right: &JoinSide,
    sink_name: Option<&str>,
) -> Result<JoinPlan, SqlError> {
    plan_join(query, left, right, sink_name, JoinShape::StreamStream)
}

/// Plans a join whose joined rows are aggregated (`FROM s JOIN t ... [WINDOW ...] GROUP BY ...`):
/// the join of the given shape, then GROUP BY, HAVING and the SELECT over the joined row
/// (`u.level` is its `U_LEVEL`), as ksqlDB aggregates a join's output.
pub fn plan_join_aggregate(
    query: &Query,
    left: &JoinSide,
    right: &JoinSide,
    sink_name: Option<&str>,
    shape: JoinShape,
) -> Result<JoinPlan<AggregatePlan>, SqlError> {
    let (parts, joined) = plan_joined_row(query, left, right, shape)?;
    let kind = if shape == JoinShape::TableTable { SourceKind::Table } else { SourceKind::Stream };
    let aggregate = plan_aggregate(&joined.query, &left.name, kind, &joined.key_fields, &joined.value_fields, sink_name)?;
    Ok(parts.with_output(aggregate))
}

/// The query rewritten over the joined row, and that row's columns.
struct JoinedQuery {
    query: Query,
    key_name: String,
    synthetic: String,
    key_fields: Vec<Field>,
    value_fields: Vec<Field>,
    /// The right side's join column, when it joins on a bare column.
    right_bare: Option<usize>,
}

/// Column names a pseudo-column reference may use inside a join.
const PSEUDO_NAMES: [&str; 3] = ["ROWTIME", "ROWPARTITION", "ROWOFFSET"];

/// ksqlDB's synthetic key name: `ROWKEY`, else the first free `ROWKEY_n`.
fn synthetic_key_name(left: &JoinSide, right: &JoinSide) -> String {
    let taken = |name: &str| left.has(name) || right.has(name);
    if !taken("ROWKEY") {
        return "ROWKEY".to_string();
    }
    let mut n = 1usize;
    loop {
        let candidate = format!("ROWKEY_{n}");
        if !taken(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

fn plan_join(
    query: &Query,
    left: &JoinSide,
    right: &JoinSide,
    sink_name: Option<&str>,
    shape: JoinShape,
) -> Result<JoinPlan, SqlError> {
    let (parts, joined) = plan_joined_row(query, left, right, shape)?;
    let JoinedQuery { query: mut joined, key_name, synthetic, key_fields, value_fields, right_bare } = joined;
    let is_synthetic = parts.key == JoinKeyColumn::Synthetic;
    let items = &mut joined.items;
    let is_bare = |item: &SelectItem, column_name: &str| matches!(item, SelectItem::Expr { expr: Expr::Column { qualifier: None, name }, .. } if name.name == column_name);
    if !items.iter().any(|i| is_bare(i, &key_name)) {
        if is_synthetic {
            if let Some(sink_name) = sink_name {
                return Err(SqlError::invalid(format!(
                    "Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build `{sink_name}` must include the join expression {synthetic} in its projection (eg, SELECT {synthetic}...).\n{synthetic} was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased."
                ))
                .at(query.span));
            }
        } else if let (JoinKeyColumn::Left(_), Some(right_idx)) = (parts.key, right_bare) {
            // ON l.a = r.b: selecting r.b alone keys the result by it.
            let right_key = right
                .columns()
                .nth(right_idx)
                .map(|f| right.prefixed(&f.name))
                .unwrap_or_default();
            if let Some(SelectItem::Expr { expr, alias }) =
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
    }
    let purpose = match sink_name {
        Some(sink_name) => SelectPurpose::Persistent {
            sink_name,
            allow_missing_key: false,
        },
        None => SelectPurpose::Transient,
    };
    let select = plan_select(&joined, &left.name, &key_fields, &value_fields, purpose)?;
    Ok(parts.with_output(select))
}

/// The join itself (its ON keys and the joined row's columns) and the query's SELECT, WHERE,
/// GROUP BY and HAVING rewritten over the joined row.
fn plan_joined_row(
    query: &Query,
    left: &JoinSide,
    right: &JoinSide,
    shape: JoinShape,
) -> Result<(JoinPlan<()>, JoinedQuery), SqlError> {
    let Some(join) = query.joins.first() else {
        return Err(SqlError::invalid("Expected a JOIN"));
    };
    if query.joins.len() > 1 {
        return Err(
            SqlError::unsupported("Joins of more than two sources are not supported yet")
                .at(join.span),
        );
    }
    match (shape, join.kind.as_str()) {
        (_, "INNER" | "LEFT") | (JoinShape::TableTable | JoinShape::StreamStream, "RIGHT" | "FULL") => {}
        (_, other) => {
            return Err(SqlError::invalid(format!("Invalid join type: {} join not supported for stream-table join. Only INNER and LEFT joins are supported.", other.to_ascii_lowercase()))
                .at(join.span))
        }
    }
    // Which side a column reference is on, and its name there.
    let resolve = |qualifier: Option<&Ident>,
                   name: &Ident,
                   clause: &str|
     -> Result<(bool, String), SqlError> {
        let qualified_name = || match qualifier {
            Some(q) => format!("{}.{}", q.name, name.name),
            None => name.name.clone(),
        };
        let on_left = match qualifier.map(|q| q.name.as_str()) {
            Some(q) if q == left.alias || q == left.name => true,
            Some(q) if q == right.alias || q == right.name => false,
            Some(q) => {
                return Err(SqlError::new(
                    SqlErrorKind::UnknownSource,
                    format!("'{q}' is not a valid stream/table name or alias."),
                )
                .at(name.span))
            }
            None => match (left.has(&name.name), right.has(&name.name)) {
                (true, true) => {
                    return Err(SqlError::invalid(format!(
                        "Column '{0}' is ambiguous. Could be {1}.{0} or {2}.{0}.",
                        name.name, left.alias, right.alias
                    ))
                    .at(name.span))
                }
                (true, false) => true,
                (false, true) => false,
                (false, false) => {
                    return Err(SqlError::new(
                        SqlErrorKind::UnknownColumn,
                        format!("{clause} '{}' cannot be resolved.", qualified_name()),
                    )
                    .at(name.span))
                }
            },
        };
        let side = if on_left { left } else { right };
        // `S.ROWTIME`: the time of that side's record.
        let side_rowtime = qualifier.is_some() && name.name == "ROWTIME";
        if !side.has(&name.name) && !side_rowtime {
            return Err(SqlError::new(
                SqlErrorKind::UnknownColumn,
                format!(
                    "{clause} '{}.{}' cannot be resolved.",
                    side.alias, name.name
                ),
            )
            .at(name.span));
        }
        Ok((on_left, name.name.clone()))
    };

    // ON left_expression = right_expression, each over exactly one source.
    let Some(Expr::Binary {
        op: BinaryOperator::Eq,
        left: on_left_expr,
        right: on_right_expr,
    }) = &join.on
    else {
        return Err(SqlError::unsupported(
            "Invalid join condition: joins on multiple conditions are not yet supported. Only equality join conditions (ON a.x = b.y) are supported",
        )
        .at(join.span));
    };
    let side_of = |expr: &Expr| -> Result<Option<bool>, SqlError> {
        let sides = std::cell::RefCell::new(Vec::new());
        map_columns(expr, &|q, n| {
            let (on_left, _) = resolve(q, n, "JOIN ON column")?;
            sides.borrow_mut().push(on_left);
            Ok(column(&n.name))
        })?;
        let sides = sides.into_inner();
        Ok(match sides.first() {
            Some(first) if sides.iter().all(|s| s == first) => Some(*first),
            _ => None,
        })
    };
    let (a_side, b_side) = (side_of(on_left_expr)?, side_of(on_right_expr)?);
    let (left_expr, right_expr) = match (a_side, b_side) {
        (Some(true), Some(false)) => (on_left_expr, on_right_expr),
        (Some(false), Some(true)) => (on_right_expr, on_left_expr),
        (Some(_), Some(_)) => {
            return Err(SqlError::invalid(
                "Each side of the join condition must refer to a different source",
            )
            .at(join.span))
        }
        _ => {
            return Err(SqlError::invalid("Invalid comparison expression in join. Each side of the join comparision must contain references from exactly one source.")
                .at(join.span))
        }
    };
    let compile_on = |side: &JoinSide, expr: &Expr| -> Result<(CompiledExpr, SqlType), SqlError> {
        let key_columns = side.key_columns.clone();
        let schema = RowSchema::new(&key_columns, &side.value_columns);
        let compiler = ExprCompiler {
            schema: &schema,
            qualifiers: vec![side.name.clone(), side.alias.clone()],
            clause: "JOIN ON",
        };
        let (compiled, ty) = compiler.compile(expr)?;
        let ty = ty.ok_or_else(|| {
            SqlError::type_error("A join expression can not be NULL: cast it").at(join.span)
        })?;
        Ok((compiled, ty))
    };
    let (left_key, left_type) = compile_on(left, left_expr)?;
    let (right_key, right_type) = compile_on(right, right_expr)?;
    if left_type != right_type {
        return Err(SqlError::type_error(format!(
            "Invalid comparison expression in join: {left_type} = {right_type}. Joins must only compare columns of the same type."
        ))
        .at(join.span));
    }
    let bare = |side: &JoinSide, expr: &CompiledExpr| match expr {
        CompiledExpr::Column(idx) if *idx < side.n_columns() => Some(*idx),
        _ => None,
    };
    let (left_bare, right_bare) = (bare(left, &left_key), bare(right, &right_key));
    let key_list = |side: &JoinSide| {
        side.key_columns
            .iter()
            .map(|k| k.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let right_name = || {
        right_bare
            .and_then(|idx| right.columns().nth(idx))
            .map_or_else(|| "an expression".to_string(), |f| f.name.clone())
    };
    if shape != JoinShape::StreamStream && !right.is_key(&right_key) {
        return Err(SqlError::invalid(format!(
            "Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column {} instead of {}",
            key_list(right),
            right_name()
        ))
        .at(join.span));
    }
    if shape == JoinShape::TableTable && !left.is_key(&left_key) {
        return Err(SqlError::unsupported(format!(
            "Foreign-key table-table joins are not supported yet: join on the primary key of {}",
            left.alias
        ))
        .at(join.span));
    }

    // The joined row's columns.
    let key = match (join.kind.as_str(), left_bare, right_bare) {
        ("FULL", _, _) => JoinKeyColumn::Synthetic,
        (_, Some(idx), _) => JoinKeyColumn::Left(idx),
        (_, None, Some(idx)) => JoinKeyColumn::Right(idx),
        _ => JoinKeyColumn::Synthetic,
    };
    let synthetic = synthetic_key_name(left, right);
    let key_name = match key {
        JoinKeyColumn::Left(idx) => left.columns().nth(idx).map(|f| left.prefixed(&f.name)),
        JoinKeyColumn::Right(idx) => right.columns().nth(idx).map(|f| right.prefixed(&f.name)),
        JoinKeyColumn::Synthetic => None,
    }
    .unwrap_or_else(|| synthetic.clone());
    let key_fields = vec![Field::new(key_name.clone(), left_type)];
    let mut value_fields = Vec::new();
    let mut left_columns = Vec::new();
    for (idx, field) in left.columns().enumerate() {
        if key != JoinKeyColumn::Left(idx) {
            left_columns.push(idx);
            value_fields.push(Field::new(left.prefixed(&field.name), field.ty.clone()));
        }
    }
    let mut right_columns = Vec::new();
    for (idx, field) in right.columns().enumerate() {
        if key != JoinKeyColumn::Right(idx) {
            right_columns.push(idx);
            value_fields.push(Field::new(right.prefixed(&field.name), field.ty.clone()));
        }
    }
    value_fields.push(Field::new(left.prefixed("ROWTIME"), SqlType::BigInt));
    value_fields.push(Field::new(right.prefixed("ROWTIME"), SqlType::BigInt));

    // The query over the joined row.
    let is_synthetic = key == JoinKeyColumn::Synthetic;
    // A reference in `clause` (ksqlDB's errors name it: "SELECT column 'X' cannot be resolved").
    let rename_in = |clause: &'static str| {
        let (synthetic, resolve) = (&synthetic, &resolve);
        move |q: Option<&Ident>, n: &Ident| -> Result<Expr, SqlError> {
            if q.is_none() && !left.has(&n.name) && !right.has(&n.name) {
                if is_synthetic && n.name == *synthetic {
                    return Ok(column(synthetic));
                }
                if PSEUDO_NAMES.contains(&n.name.as_str()) {
                    return Ok(column(&n.name));
                }
            }
            let (on_left, name) = resolve(q, n, clause)?;
            Ok(column(&if on_left {
                left.prefixed(&name)
            } else {
                right.prefixed(&name)
            }))
        }
    };
    let mut items = Vec::new();
    for item in &query.items {
        match item {
            SelectItem::Wildcard { qualifier } => {
                let sides: Vec<&JoinSide> = match qualifier.as_ref().map(|q| q.name.as_str()) {
                    None => {
                        if is_synthetic {
                            items.push(SelectItem::Expr {
                                expr: column(&synthetic),
                                alias: None,
                            });
                        }
                        vec![left, right]
                    }
                    Some(q) if q == left.alias || q == left.name => vec![left],
                    Some(q) if q == right.alias || q == right.name => vec![right],
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
                let rewritten = map_columns(expr, &rename_in("SELECT column"))?;
                // ksqlDB names a column by itself, or `ALIAS_COLUMN` when it is qualified and both
                // sources have a column of that name (ROWTIME: every source has one).
                let in_both = |name: &str| (left.has(name) && right.has(name)) || name == "ROWTIME";
                let alias = match (alias, expr) {
                    (Some(alias), _) => Some(alias.clone()),
                    (None, Expr::Column { qualifier, name })
                        if qualifier.is_none() || !in_both(&name.name) =>
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
        Some(predicate) => Some(map_columns(predicate, &rename_in("WHERE column"))?),
        None => None,
    };
    let mut joined = query.clone();
    joined.items = items;
    joined.where_clause = where_clause;
    joined.group_by = query.group_by.iter().map(|e| map_columns(e, &rename_in("GROUP BY column"))).collect::<Result<_, _>>()?;
    joined.having = query.having.as_ref().map(|e| map_columns(e, &rename_in("HAVING column"))).transpose()?;
    joined.joins = Vec::new();
    joined.from.alias = None;
    let parts = JoinPlan {
        kind: join.kind.clone(),
        left_rekeyed: !left.is_key(&left_key),
        right_rekeyed: !right.is_key(&right_key),
        left_key,
        right_key,
        key,
        left_columns,
        right_columns,
        output: (),
    };
    let joined = JoinedQuery { query: joined, key_name, synthetic, key_fields, value_fields, right_bare };
    Ok((parts, joined))
}

impl JoinPlan<()> {
    fn with_output<Output>(self, output: Output) -> JoinPlan<Output> {
        JoinPlan {
            kind: self.kind,
            left_key: self.left_key,
            right_key: self.right_key,
            key: self.key,
            left_columns: self.left_columns,
            right_columns: self.right_columns,
            output,
            left_rekeyed: self.left_rekeyed,
            right_rekeyed: self.right_rekeyed,
        }
    }
}

/// An unqualified reference to a column of a planner's intermediate row.
pub(super) fn column(name: &str) -> Expr {
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
