//! Plans `GROUP BY` queries: the grouping expressions (the output key), the aggregate calls,
//! `HAVING`, the optional `WINDOW`, and the projection over the aggregated row.
//!
//! The aggregated row is laid out as: group key columns, one `KSQL_AGG_VARIABLE_n` per distinct
//! aggregate call, `WINDOWSTART`, `WINDOWEND`, then the pseudo-columns. The SELECT items and
//! HAVING are rewritten to read that row: an aggregate call becomes its variable, an expression
//! equal to a grouping expression becomes the key column. Any other column reference is an
//! error, as in ksqlDB ("Non-aggregate SELECT expression(s) not part of GROUP BY").

use super::expr::{CompiledExpr, ExprCompiler};
use super::join::column;
use super::schema::RowSchema;
use super::select::{output_fields, OutputColumn};
use super::window::{parse_window, WindowSpec};
use crate::sql::ast::{Emit, Expr, Ident, Literal, Query, SelectItem, SourceKind};
use crate::sql::error::{SqlError, SqlErrorKind};
use crate::sql::format::Field;
use crate::sql::functions::aggregate::{self, Accumulator};
use crate::sql::types::SqlType;
use crate::sql::value::Value;

/// One aggregate call, e.g. `SUM(price * qty)`.
#[derive(Clone, Debug)]
pub struct AggregateCall {
    pub function: String,
    /// The column arguments, evaluated on the input row (none for `COUNT(*)`).
    pub args: Vec<CompiledExpr>,
    /// A fresh aggregate: `template.initialize()` starts each group or window.
    pub template: Accumulator,
    pub return_type: SqlType,
}

#[derive(Clone, Debug)]
pub struct AggregatePlan {
    pub source_kind: SourceKind,
    pub filter: Option<CompiledExpr>,
    /// Evaluated on the input row; their values are the output key.
    pub group_by: Vec<CompiledExpr>,
    pub group_fields: Vec<Field>,
    pub calls: Vec<AggregateCall>,
    pub window: Option<WindowSpec>,
    pub emit_final: bool,
    /// On the aggregated row.
    pub having: Option<CompiledExpr>,
    /// On the aggregated row, in projection order; `key` marks the output key columns.
    pub columns: Vec<OutputColumn>,
}

impl AggregatePlan {
    pub fn key_fields(&self) -> Vec<Field> {
        output_fields(&self.columns, true)
    }

    pub fn value_fields(&self) -> Vec<Field> {
        output_fields(&self.columns, false)
    }
}

/// Does this query aggregate (GROUP BY, WINDOW, or an aggregate call in SELECT)?
pub fn is_aggregate_query(query: &Query) -> bool {
    !query.group_by.is_empty()
        || query.window.is_some()
        || query
            .items
            .iter()
            .any(|item| matches!(item, SelectItem::Expr { expr, .. } if contains_aggregate(expr)))
}

pub fn plan_aggregate(
    query: &Query,
    source_name: &str,
    source_kind: SourceKind,
    key_columns: &[Field],
    value_columns: &[Field],
    sink_name: Option<&str>,
) -> Result<AggregatePlan, SqlError> {
    if let Some(join) = query.joins.first() {
        // A join's rows are aggregated by `plan_join_aggregate`, which plans this over them.
        return Err(SqlError::invalid("A join is aggregated over its joined rows: plan it with plan_join_aggregate").at(join.span));
    }
    if let Some(expr) = query.partition_by.first() {
        return Err(SqlError::invalid(
            "PARTITION BY and GROUP BY in the same statement is not supported.",
        )
        .at(expr.span()));
    }
    if query.group_by.is_empty() {
        return Err(SqlError::invalid("Aggregate functions need a GROUP BY clause in ksqlDB: add GROUP BY with the key columns")
            .at(query.span));
    }
    let schema = RowSchema::new(key_columns, value_columns);
    let mut qualifiers = vec![source_name.to_string()];
    if let Some(alias) = &query.from.alias {
        qualifiers.push(alias.name.clone());
    }
    let source_compiler = ExprCompiler {
        schema: &schema,
        qualifiers: qualifiers.clone(),
        clause: "WHERE",
    };
    let filter = match &query.where_clause {
        Some(predicate) => {
            if contains_aggregate(predicate) {
                return Err(SqlError::invalid(
                    "Aggregate functions can not be used in the WHERE clause: use HAVING",
                )
                .at(predicate.span()));
            }
            Some(source_compiler.compile(predicate)?.0)
        }
        None => None,
    };
    let window = query.window.as_ref().map(parse_window).transpose()?;

    // The grouping expressions and their names.
    let group_compiler = ExprCompiler {
        schema: &schema,
        qualifiers: qualifiers.clone(),
        clause: "GROUP BY",
    };
    let stripped_groups: Vec<Expr> = query.group_by.iter().map(strip).collect();
    let mut group_by = Vec::new();
    let mut group_fields: Vec<Field> = Vec::new();
    let mut taken: Vec<String> = query
        .items
        .iter()
        .filter_map(|i| match i {
            SelectItem::Expr {
                alias: Some(alias), ..
            } => Some(alias.name.clone()),
            _ => None,
        })
        .collect();
    let mut generated = 0usize;
    let mut next_generated = |taken: &Vec<String>| loop {
        let candidate = format!("KSQL_COL_{generated}");
        generated += 1;
        if !taken.contains(&candidate) {
            break candidate;
        }
    };
    // `SELECT *` is allowed when every column is grouped: it lists them.
    let all_grouped = key_columns.iter().chain(value_columns).all(|field| {
        stripped_groups
            .iter()
            .any(|g| matches!(g, Expr::Column { name, .. } if name.name == field.name))
    });
    let mut select_items: Vec<SelectItem> = Vec::new();
    for item in &query.items {
        match item {
            SelectItem::Wildcard { .. } if all_grouped => {
                select_items.extend(key_columns.iter().chain(value_columns).map(|field| {
                    SelectItem::Expr {
                        expr: column(&field.name),
                        alias: None,
                    }
                }))
            }
            other => select_items.push(other.clone()),
        }
    }
    // ksqlDB numbers the unnamed expressions of the projection in SELECT order; a grouping
    // expression takes the name of its unnamed projection.
    let item_names: Vec<Option<String>> = select_items
        .iter()
        .map(|item| match item {
            SelectItem::Expr { expr, alias: None }
                if !matches!(expr, Expr::Column { .. } | Expr::Dereference { .. }) =>
            {
                let name = next_generated(&taken);
                taken.push(name.clone());
                Some(name)
            }
            _ => None,
        })
        .collect();
    for (idx, expr) in query.group_by.iter().enumerate() {
        if contains_aggregate(expr) {
            return Err(
                SqlError::invalid("GROUP BY does not support aggregate functions").at(expr.span()),
            );
        }
        let (compiled, ty) = group_compiler.compile(expr)?;
        let ty = ty.ok_or_else(|| {
            SqlError::type_error("GROUP BY NULL is not valid: cast it to a type").at(expr.span())
        })?;
        let aliased = query.items.iter().find_map(|item| match item {
            SelectItem::Expr {
                expr: item_expr,
                alias: Some(alias),
            } if stripped_groups.get(idx) == Some(&strip(item_expr)) => Some(alias.name.clone()),
            _ => None,
        });
        let projected_name = select_items
            .iter()
            .zip(&item_names)
            .find_map(|(item, name)| match (item, name) {
                (
                    SelectItem::Expr {
                        expr: item_expr, ..
                    },
                    Some(name),
                ) if stripped_groups.get(idx) == Some(&strip(item_expr)) => Some(name.clone()),
                _ => None,
            });
        let name = match (aliased, expr, projected_name) {
            (Some(alias), _, _) => alias,
            (None, Expr::Column { name, .. }, _) => name.name.clone(),
            (None, Expr::Dereference { field, .. }, _) => field.clone(),
            (None, _, Some(name)) => name,
            (None, _, None) => {
                let name = next_generated(&taken);
                taken.push(name.clone());
                name
            }
        };
        group_by.push(compiled);
        group_fields.push(Field::new(name, ty));
    }

    // Rewrite SELECT items and HAVING over the aggregated row.
    let mut calls_ast: Vec<Expr> = Vec::new();
    let mut items = Vec::new();
    for (item, generated_name) in select_items.iter().zip(&item_names) {
        match item {
            SelectItem::Wildcard { .. } => {
                return Err(SqlError::invalid(
                    "SELECT * is not valid with GROUP BY: list the key and the aggregates",
                )
                .at(query.span));
            }
            SelectItem::Expr { expr, alias } => {
                let group_idx = stripped_groups.iter().position(|g| *g == strip(expr));
                let rewritten = rewrite(
                    expr,
                    &stripped_groups,
                    &group_fields,
                    &mut calls_ast,
                    "SELECT",
                )?;
                items.push((expr, alias, group_idx, rewritten, generated_name));
            }
        }
    }
    let having_ast = match &query.having {
        Some(having) => Some(rewrite(
            having,
            &stripped_groups,
            &group_fields,
            &mut calls_ast,
            "HAVING",
        )?),
        None => None,
    };

    // The aggregate calls.
    let call_compiler = ExprCompiler {
        schema: &schema,
        qualifiers,
        clause: "SELECT",
    };
    let mut calls = Vec::new();
    for call in &calls_ast {
        let Expr::Function {
            name,
            args,
            star,
            span,
        } = call
        else {
            continue;
        };
        let n_columns = if *star {
            0
        } else {
            aggregate::column_arg_count(args.len())
        };
        let mut compiled_args = Vec::new();
        let mut arg_types = Vec::new();
        for arg in args.iter().take(n_columns) {
            let (compiled, ty) = call_compiler.compile(arg)?;
            compiled_args.push(compiled);
            arg_types.push(ty.unwrap_or(SqlType::String));
        }
        let mut params = Vec::new();
        for (position, arg) in args.iter().enumerate().skip(n_columns) {
            match arg {
                Expr::Literal { value, .. } => params.push(literal_value(value)),
                Expr::Negate(inner) => match inner.as_ref() {
                    Expr::Literal {
                        value: Literal::Integer(digits),
                        ..
                    } => params.push(literal_value(&Literal::Integer(format!("-{digits}")))),
                    _ => {
                        return Err(SqlError::invalid(aggregate::literal_param_error(
                            name,
                            position + 1,
                            "expression",
                        ))
                        .at(*span))
                    }
                },
                other => {
                    let text = match other {
                        Expr::Column { name: column, .. } => column.name.clone(),
                        _ => "expression".to_string(),
                    };
                    return Err(SqlError::invalid(aggregate::literal_param_error(
                        name,
                        position + 1,
                        &text,
                    ))
                    .at(*span));
                }
            }
        }
        let return_type = aggregate::aggregate_return_type(name, &arg_types, &params)
            .map_err(|message| SqlError::new(SqlErrorKind::Type, message).at(*span))?;
        let template = aggregate::new_accumulator(name, &arg_types, &params)
            .map_err(|message| SqlError::new(SqlErrorKind::Type, message).at(*span))?;
        calls.push(AggregateCall {
            function: name.clone(),
            args: compiled_args,
            template,
            return_type,
        });
    }
    if source_kind == SourceKind::Table {
        let names: Vec<&str> = calls.iter().map(|c| c.function.as_str()).collect();
        if let Some(message) = aggregate::table_aggregation_error(&names) {
            return Err(SqlError::invalid(message).at(query.span));
        }
    }

    // The aggregated row's schema.
    let mut agg_values: Vec<Field> = calls
        .iter()
        .enumerate()
        .map(|(n, c)| Field::new(format!("KSQL_AGG_VARIABLE_{n}"), c.return_type.clone()))
        .collect();
    agg_values.push(Field::new("WINDOWSTART", SqlType::BigInt));
    agg_values.push(Field::new("WINDOWEND", SqlType::BigInt));
    let agg_schema = RowSchema::new(&group_fields, &agg_values);
    let agg_compiler = ExprCompiler {
        schema: &agg_schema,
        qualifiers: vec![source_name.to_string()],
        clause: "SELECT",
    };
    let having = match &having_ast {
        Some(having) => Some(agg_compiler.compile(having)?.0),
        None => None,
    };
    let mut columns = Vec::new();
    let mut key_seen = vec![false; group_fields.len()];
    for (original, alias, group_idx, rewritten, generated_name) in items {
        let (compiled, ty) = agg_compiler.compile(&rewritten)?;
        let is_key = match group_idx {
            Some(idx) if !key_seen.get(idx).copied().unwrap_or(true) => {
                if let Some(seen) = key_seen.get_mut(idx) {
                    *seen = true;
                }
                true
            }
            _ => false,
        };
        let name = match (alias, group_idx, original) {
            (Some(alias), _, _) => alias.name.clone(),
            (None, Some(idx), _) if is_key => group_fields
                .get(idx)
                .map(|f| f.name.clone())
                .unwrap_or_default(),
            (None, _, Expr::Column { name, .. }) => name.name.clone(),
            (None, _, Expr::Dereference { field, .. }) => field.clone(),
            _ => match generated_name {
                Some(name) => name.clone(),
                None => {
                    let name = next_generated(&taken);
                    taken.push(name.clone());
                    name
                }
            },
        };
        if columns.iter().any(|c: &OutputColumn| c.name == name) {
            return Err(SqlError::invalid(format!("Duplicate column name in the projection: `{name}`. Give one of them another name with AS.")).at(original.span()));
        }
        let ty = ty.ok_or_else(|| {
            SqlError::type_error(format!(
                "Can't infer a type of null for column `{name}`: cast it"
            ))
            .at(original.span())
        })?;
        columns.push(OutputColumn {
            name,
            ty,
            expr: compiled,
            key: is_key,
        });
    }
    // The output key lists the grouping expressions in GROUP BY order.
    let mut keyed: Vec<(usize, OutputColumn)> = Vec::new();
    let mut values = Vec::new();
    for column in columns {
        if column.key {
            let position = group_fields
                .iter()
                .position(|f| f.name == column.name)
                .unwrap_or(usize::MAX);
            keyed.push((position, column));
        } else {
            values.push(column);
        }
    }
    keyed.sort_by_key(|(position, _)| *position);
    let mut columns: Vec<OutputColumn> = keyed.into_iter().map(|(_, c)| c).collect();
    columns.extend(values);
    if let Some(sink_name) = sink_name {
        let missing: Vec<&Expr> = query
            .group_by
            .iter()
            .enumerate()
            .filter(|(idx, _)| !key_seen.get(*idx).copied().unwrap_or(false))
            .map(|(_, e)| e)
            .collect();
        if let Some(first) = missing.first() {
            let names: Vec<String> = query.group_by.iter().map(expr_text).collect();
            return Err(SqlError::invalid(format!(
                "Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build `{sink_name}` must include the grouping expression{} {} in its projection (eg, SELECT {}...).",
                if names.len() > 1 { "s" } else { "" },
                names.join(", "),
                names.join(", ")
            ))
            .at(first.span()));
        }
        if !columns.iter().any(|c| !c.key) {
            return Err(SqlError::invalid(
                "The projection contains no value columns.",
            ));
        }
    }
    Ok(AggregatePlan {
        source_kind,
        filter,
        group_by,
        group_fields,
        calls,
        window,
        emit_final: query.emit == Some(Emit::Final),
        having,
        columns,
    })
}

fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::Null => Value::Null,
        Literal::Boolean(flag) => Value::Boolean(*flag),
        Literal::Integer(digits) => match digits.parse::<i32>() {
            Ok(small) => Value::Int(small),
            Err(_) => digits
                .parse::<i64>()
                .map(Value::BigInt)
                .unwrap_or_default(),
        },
        Literal::Decimal(text) | Literal::Double(text) => text
            .parse::<f64>()
            .map(Value::Double)
            .unwrap_or_default(),
        Literal::String(text) => Value::String(text.clone().into()),
    }
}

/// A short text of an expression for messages: a column's name, else "expression".
fn expr_text(expr: &Expr) -> String {
    match expr {
        Expr::Column { name, .. } => name.name.clone(),
        Expr::Literal {
            value: Literal::Integer(digits),
            ..
        } => digits.clone(),
        Expr::Function { name, .. } => format!("{name}(...)"),
        _ => "the expression".to_string(),
    }
}

pub fn contains_aggregate(expr: &Expr) -> bool {
    let mut found = false;
    visit(expr, &mut |e| {
        if let Expr::Function { name, .. } = e {
            if aggregate::is_aggregate(name) {
                found = true;
            }
        }
    });
    found
}

fn visit(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(expr);
    for child in children(expr) {
        visit(child, f);
    }
}

fn children(expr: &Expr) -> Vec<&Expr> {
    match expr {
        Expr::Column { .. } | Expr::Literal { .. } => Vec::new(),
        Expr::Binary { left, right, .. } | Expr::IsDistinctFrom { left, right, .. } => {
            vec![left, right]
        }
        Expr::Not(inner) | Expr::Negate(inner) => vec![inner],
        Expr::IsNull { expr, .. } | Expr::Cast { expr, .. } | Expr::Dereference { expr, .. } => {
            vec![expr]
        }
        Expr::Like { expr, pattern, .. } => vec![expr, pattern],
        Expr::Between {
            expr, low, high, ..
        } => vec![expr, low, high],
        Expr::InList { expr, list, .. } => {
            std::iter::once(expr.as_ref()).chain(list.iter()).collect()
        }
        Expr::Case {
            operand,
            branches,
            else_result,
        } => operand
            .iter()
            .map(|o| o.as_ref())
            .chain(branches.iter().flat_map(|(c, r)| [c, r]))
            .chain(else_result.iter().map(|e| e.as_ref()))
            .collect(),
        Expr::Function { args, .. } | Expr::ArrayLiteral(args) => args.iter().collect(),
        Expr::Subscript { expr, index } => vec![expr, index],
        Expr::MapLiteral(entries) => entries.iter().flat_map(|(k, v)| [k, v]).collect(),
        Expr::StructLiteral(fields) => fields.iter().map(|(_, e)| e).collect(),
    }
}

/// The expression without positions or qualifiers, so that `T.ID` in SELECT equals `id` in
/// GROUP BY.
pub fn strip(expr: &Expr) -> Expr {
    let b = |e: &Expr| Box::new(strip(e));
    match expr {
        Expr::Column { name, .. } => Expr::Column {
            qualifier: None,
            name: Ident {
                name: name.name.clone(),
                quoted: false,
                span: None,
            },
        },
        Expr::Literal { value, .. } => Expr::Literal {
            value: value.clone(),
            span: None,
        },
        Expr::Binary { op, left, right } => Expr::Binary {
            op: *op,
            left: b(left),
            right: b(right),
        },
        Expr::Not(inner) => Expr::Not(b(inner)),
        Expr::Negate(inner) => Expr::Negate(b(inner)),
        Expr::IsNull { expr, negated } => Expr::IsNull {
            expr: b(expr),
            negated: *negated,
        },
        Expr::IsDistinctFrom {
            left,
            right,
            negated,
        } => Expr::IsDistinctFrom {
            left: b(left),
            right: b(right),
            negated: *negated,
        },
        Expr::Like {
            expr,
            pattern,
            escape,
            negated,
        } => Expr::Like {
            expr: b(expr),
            pattern: b(pattern),
            escape: *escape,
            negated: *negated,
        },
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => Expr::Between {
            expr: b(expr),
            low: b(low),
            high: b(high),
            negated: *negated,
        },
        Expr::InList {
            expr,
            list,
            negated,
        } => Expr::InList {
            expr: b(expr),
            list: list.iter().map(strip).collect(),
            negated: *negated,
        },
        Expr::Case {
            operand,
            branches,
            else_result,
        } => Expr::Case {
            operand: operand.as_ref().map(|o| b(o)),
            branches: branches.iter().map(|(c, r)| (strip(c), strip(r))).collect(),
            else_result: else_result.as_ref().map(|e| b(e)),
        },
        Expr::Cast { expr, ty } => Expr::Cast {
            expr: b(expr),
            ty: ty.clone(),
        },
        Expr::Function {
            name, args, star, ..
        } => Expr::Function {
            name: name.clone(),
            args: args.iter().map(strip).collect(),
            star: *star,
            span: None,
        },
        Expr::Dereference { expr, field } => Expr::Dereference {
            expr: b(expr),
            field: field.clone(),
        },
        Expr::Subscript { expr, index } => Expr::Subscript {
            expr: b(expr),
            index: b(index),
        },
        Expr::ArrayLiteral(items) => Expr::ArrayLiteral(items.iter().map(strip).collect()),
        Expr::MapLiteral(entries) => {
            Expr::MapLiteral(entries.iter().map(|(k, v)| (strip(k), strip(v))).collect())
        }
        Expr::StructLiteral(fields) => {
            Expr::StructLiteral(fields.iter().map(|(n, e)| (n.clone(), strip(e))).collect())
        }
    }
}

/// Rewrites an expression over the aggregated row (see the module doc).
fn rewrite(
    expr: &Expr,
    groups: &[Expr],
    group_fields: &[Field],
    calls: &mut Vec<Expr>,
    clause: &str,
) -> Result<Expr, SqlError> {
    let stripped = strip(expr);
    if let Some(idx) = groups.iter().position(|g| *g == stripped) {
        if let Some(field) = group_fields.get(idx) {
            return Ok(column(&field.name));
        }
    }
    let recurse = |e: &Expr, calls: &mut Vec<Expr>| {
        rewrite(e, groups, group_fields, calls, clause).map(Box::new)
    };
    Ok(match expr {
        // AS_VALUE(key) copies a key column into the value.
        Expr::Function { name, args, .. } if name == "AS_VALUE" && args.len() == 1 => {
            match args.first() {
                Some(inner) => rewrite(inner, groups, group_fields, calls, clause)?,
                None => expr.clone(),
            }
        }
        Expr::Function { name, .. } if aggregate::is_aggregate(name) => {
            let idx = match calls.iter().position(|c| *c == stripped) {
                Some(idx) => idx,
                None => {
                    calls.push(stripped);
                    calls.len() - 1
                }
            };
            column(&format!("KSQL_AGG_VARIABLE_{idx}"))
        }
        Expr::Column { name, .. } => {
            if matches!(name.name.as_str(), "WINDOWSTART" | "WINDOWEND") {
                column(&name.name)
            } else {
                return Err(SqlError::invalid(format!("Non-aggregate {clause} expression(s) not part of GROUP BY: {}", name.name))
                    .at(name.span)
                    .with_hint("add the column to GROUP BY, or wrap it in an aggregate such as LATEST_BY_OFFSET"));
            }
        }
        Expr::Literal { .. } => expr.clone(),
        Expr::Binary { op, left, right } => Expr::Binary {
            op: *op,
            left: recurse(left, calls)?,
            right: recurse(right, calls)?,
        },
        Expr::Not(inner) => Expr::Not(recurse(inner, calls)?),
        Expr::Negate(inner) => Expr::Negate(recurse(inner, calls)?),
        Expr::IsNull { expr, negated } => Expr::IsNull {
            expr: recurse(expr, calls)?,
            negated: *negated,
        },
        Expr::IsDistinctFrom {
            left,
            right,
            negated,
        } => Expr::IsDistinctFrom {
            left: recurse(left, calls)?,
            right: recurse(right, calls)?,
            negated: *negated,
        },
        Expr::Like {
            expr,
            pattern,
            escape,
            negated,
        } => Expr::Like {
            expr: recurse(expr, calls)?,
            pattern: recurse(pattern, calls)?,
            escape: *escape,
            negated: *negated,
        },
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => Expr::Between {
            expr: recurse(expr, calls)?,
            low: recurse(low, calls)?,
            high: recurse(high, calls)?,
            negated: *negated,
        },
        Expr::InList {
            expr,
            list,
            negated,
        } => Expr::InList {
            expr: recurse(expr, calls)?,
            list: list
                .iter()
                .map(|e| rewrite(e, groups, group_fields, calls, clause))
                .collect::<Result<_, _>>()?,
            negated: *negated,
        },
        Expr::Case {
            operand,
            branches,
            else_result,
        } => Expr::Case {
            operand: operand.as_ref().map(|o| recurse(o, calls)).transpose()?,
            branches: branches
                .iter()
                .map(|(c, r)| {
                    Ok((
                        rewrite(c, groups, group_fields, calls, clause)?,
                        rewrite(r, groups, group_fields, calls, clause)?,
                    ))
                })
                .collect::<Result<_, SqlError>>()?,
            else_result: else_result
                .as_ref()
                .map(|e| recurse(e, calls))
                .transpose()?,
        },
        Expr::Cast { expr, ty } => Expr::Cast {
            expr: recurse(expr, calls)?,
            ty: ty.clone(),
        },
        Expr::Function {
            name,
            args,
            star,
            span,
        } => Expr::Function {
            name: name.clone(),
            args: args
                .iter()
                .map(|e| rewrite(e, groups, group_fields, calls, clause))
                .collect::<Result<_, _>>()?,
            star: *star,
            span: *span,
        },
        Expr::Dereference { expr, field } => Expr::Dereference {
            expr: recurse(expr, calls)?,
            field: field.clone(),
        },
        Expr::Subscript { expr, index } => Expr::Subscript {
            expr: recurse(expr, calls)?,
            index: recurse(index, calls)?,
        },
        Expr::ArrayLiteral(items) => Expr::ArrayLiteral(
            items
                .iter()
                .map(|e| rewrite(e, groups, group_fields, calls, clause))
                .collect::<Result<_, _>>()?,
        ),
        Expr::MapLiteral(entries) => Expr::MapLiteral(
            entries
                .iter()
                .map(|(k, v)| {
                    Ok((
                        rewrite(k, groups, group_fields, calls, clause)?,
                        rewrite(v, groups, group_fields, calls, clause)?,
                    ))
                })
                .collect::<Result<_, SqlError>>()?,
        ),
        Expr::StructLiteral(fields) => Expr::StructLiteral(
            fields
                .iter()
                .map(|(n, e)| Ok((n.clone(), rewrite(e, groups, group_fields, calls, clause)?)))
                .collect::<Result<_, SqlError>>()?,
        ),
    })
}
