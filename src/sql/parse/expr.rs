//! Converts sqlparser's expression tree into ours, applying ksqlDB's rules on the way:
//! unquoted names upper-cased, `a->b` as a struct field access, `STRUCT(f := v)` and
//! `MAP(k := v)` constructors, number literals typed by their form.

use super::types::convert_data_type;
use crate::sql::ast::{BinaryOperator, Expr, Ident, Literal};
use crate::sql::error::{Span, SqlError};
use sqlparser::ast as sp;
use std::borrow::Cow;

pub(crate) fn convert_expr(expr: &sp::Expr) -> Result<Expr, SqlError> {
    Ok(match expr {
        sp::Expr::Identifier(ident) => Expr::Column {
            qualifier: None,
            name: ident_of(ident),
        },
        sp::Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [name] => Expr::Column {
                qualifier: None,
                name: ident_of(name),
            },
            [qualifier, name] => Expr::Column {
                qualifier: Some(ident_of(qualifier)),
                name: ident_of(name),
            },
            _ => {
                let span = parts.first().and_then(|p| span_of(p.span));
                let text: Vec<String> = parts.iter().map(|p| p.value.clone()).collect();
                return Err(SqlError::parse(
                    format!("Syntax error: '{}' has too many parts", text.join(".")),
                    span,
                )
                .with_hint(
                    "refer to a column as `name` or `source.name`; use `->` for struct fields",
                ));
            }
        },
        sp::Expr::Value(value) => convert_value(value)?,
        sp::Expr::Nested(inner) => convert_expr(inner)?,
        sp::Expr::UnaryOp { op, expr } => {
            let inner = convert_expr(expr)?;
            match op {
                sp::UnaryOperator::Not => Expr::Not(Box::new(inner)),
                sp::UnaryOperator::Plus => inner,
                sp::UnaryOperator::Minus => match inner {
                    Expr::Literal {
                        value: Literal::Integer(digits),
                        span,
                    } if !digits.starts_with('-') => Expr::Literal {
                        value: Literal::Integer(format!("-{digits}")),
                        span,
                    },
                    Expr::Literal {
                        value: Literal::Decimal(digits),
                        span,
                    } if !digits.starts_with('-') => Expr::Literal {
                        value: Literal::Decimal(format!("-{digits}")),
                        span,
                    },
                    Expr::Literal {
                        value: Literal::Double(digits),
                        span,
                    } if !digits.starts_with('-') => Expr::Literal {
                        value: Literal::Double(format!("-{digits}")),
                        span,
                    },
                    other => Expr::Negate(Box::new(other)),
                },
                other => return Err(unsupported(&format!("the operator {other}"), inner.span())),
            }
        }
        sp::Expr::BinaryOp { left, op, right } => convert_binary(left, op, right)?,
        sp::Expr::IsNull(inner) => Expr::IsNull {
            expr: Box::new(convert_expr(inner)?),
            negated: false,
        },
        sp::Expr::IsNotNull(inner) => Expr::IsNull {
            expr: Box::new(convert_expr(inner)?),
            negated: true,
        },
        sp::Expr::IsDistinctFrom(left, right) => Expr::IsDistinctFrom {
            left: Box::new(convert_expr(left)?),
            right: Box::new(convert_expr(right)?),
            negated: false,
        },
        sp::Expr::IsNotDistinctFrom(left, right) => Expr::IsDistinctFrom {
            left: Box::new(convert_expr(left)?),
            right: Box::new(convert_expr(right)?),
            negated: true,
        },
        sp::Expr::Like {
            negated,
            any,
            expr,
            pattern,
            escape_char,
        } => {
            let expr = convert_expr(expr)?;
            if *any {
                return Err(unsupported("LIKE ANY", expr.span()));
            }
            let escape = match escape_char {
                None => None,
                Some(escape) => match &**escape {
                sp::Expr::Value(sp::ValueWithSpan { value: sp::Value::SingleQuotedString(text), .. }) => {
                    let mut chars = text.chars();
                    match (chars.next(), chars.next()) {
                        (Some(ch), None) => Some(ch),
                        _ => {
                            return Err(SqlError::parse(
                                format!("Syntax error: the ESCAPE of LIKE must be a single character, found '{text}'"),
                                expr.span(),
                            ))
                        }
                    }
                }
                other => {
                    return Err(SqlError::parse(format!("Syntax error: the ESCAPE of LIKE must be a quoted character, found {other}"), expr.span()))
                }
                },
            };
            Expr::Like {
                expr: Box::new(expr),
                pattern: Box::new(convert_expr(pattern)?),
                escape,
                negated: *negated,
            }
        }
        sp::Expr::Between {
            expr,
            negated,
            low,
            high,
        } => Expr::Between {
            expr: Box::new(convert_expr(expr)?),
            low: Box::new(convert_expr(low)?),
            high: Box::new(convert_expr(high)?),
            negated: *negated,
        },
        sp::Expr::In {
            expr,
            target: sp::InTarget::List(list),
            negated,
            global: false,
        } => Expr::InList {
            expr: Box::new(convert_expr(expr)?),
            list: list.iter().map(convert_expr).collect::<Result<_, _>>()?,
            negated: *negated,
        },
        sp::Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => Expr::Case {
            operand: operand
                .as_ref()
                .map(|o| convert_expr(o).map(Box::new))
                .transpose()?,
            branches: conditions
                .iter()
                .map(|when| Ok((convert_expr(&when.condition)?, convert_expr(&when.result)?)))
                .collect::<Result<_, SqlError>>()?,
            else_result: else_result
                .as_ref()
                .map(|e| convert_expr(e).map(Box::new))
                .transpose()?,
        },
        sp::Expr::Cast {
            kind,
            expr,
            data_type,
            ..
        } => {
            let inner = convert_expr(expr)?;
            if !matches!(kind, sp::CastKind::Cast) {
                return Err(unsupported(
                    "this form of cast (use CAST(x AS type))",
                    inner.span(),
                ));
            }
            let span = inner.span();
            Expr::Cast {
                expr: Box::new(inner),
                ty: convert_data_type(data_type).map_err(|e| e.at(span))?,
            }
        }
        sp::Expr::Function(function) => convert_function(function)?,
        sp::Expr::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => {
            let mut args = vec![convert_expr(expr)?];
            if let Some(from) = substring_from {
                args.push(convert_expr(from)?);
            }
            if let Some(length) = substring_for {
                args.push(convert_expr(length)?);
            }
            let span = args.first().and_then(Expr::span);
            Expr::Function {
                name: "SUBSTRING".into(),
                args,
                star: false,
                span,
            }
        }
        sp::Expr::Trim {
            expr,
            trim_where,
            trim_what,
            trim_characters,
        } => {
            let inner = convert_expr(expr)?;
            if trim_where.is_some() || trim_what.is_some() || trim_characters.is_some() {
                return Err(unsupported(
                    "TRIM with BOTH/LEADING/TRAILING (use TRIM, LTRIM or RTRIM)",
                    inner.span(),
                ));
            }
            let span = inner.span();
            Expr::Function {
                name: "TRIM".into(),
                args: vec![inner],
                star: false,
                span,
            }
        }
        sp::Expr::Ceil { expr, field } => convert_ceil_floor("CEIL", expr, field)?,
        sp::Expr::Floor { expr, field } => convert_ceil_floor("FLOOR", expr, field)?,
        sp::Expr::CompoundFieldAccess { root, access_chain } => {
            let mut result = convert_expr(root)?;
            let mut chain = access_chain.as_slice();
            // `tt.id[1]`: a qualified column, as `tt.id` alone is.
            if let (
                Expr::Column {
                    qualifier: None,
                    name,
                },
                Some((sp::AccessExpr::Dot(sp::Expr::Identifier(field)), rest)),
            ) = (&result, chain.split_first())
            {
                result = Expr::Column {
                    qualifier: Some(name.clone()),
                    name: ident_of(field),
                };
                chain = rest;
            }
            for access in chain {
                result = match access {
                    sp::AccessExpr::Subscript(sp::Subscript::Index { index }) => Expr::Subscript {
                        expr: Box::new(result),
                        index: Box::new(convert_expr(index)?),
                    },
                    sp::AccessExpr::Dot(sp::Expr::Identifier(field)) => Expr::Dereference {
                        expr: Box::new(result),
                        field: ident_of(field).name,
                    },
                    _ => return Err(unsupported("array slices", result.span())),
                };
            }
            result
        }
        sp::Expr::Array(array) => Expr::ArrayLiteral(
            array
                .elem
                .iter()
                .map(convert_expr)
                .collect::<Result<_, _>>()?,
        ),
        other => {
            let text = other.to_string();
            return Err(SqlError::parse(
                format!("Syntax error: '{text}' is not a ksqlDB expression"),
                None,
            ));
        }
    })
}

/// sqlparser gives CEIL and FLOOR their own nodes; to ksqlDB they are plain functions.
fn convert_ceil_floor(
    name: &str,
    expr: &sp::Expr,
    field: &sp::CeilFloorKind,
) -> Result<Expr, SqlError> {
    let inner = convert_expr(expr)?;
    let span = inner.span();
    let mut args = vec![inner];
    match field {
        sp::CeilFloorKind::DateTimeField(sp::DateTimeField::NoDateTime) => {}
        sp::CeilFloorKind::Scale(scale) => args.push(convert_value(scale)?),
        sp::CeilFloorKind::DateTimeField(_) => {
            return Err(unsupported(&format!("{name}(x TO unit)"), span))
        }
    }
    Ok(Expr::Function {
        name: name.to_string(),
        args,
        star: false,
        span,
    })
}

fn convert_binary(
    left: &sp::Expr,
    op: &sp::BinaryOperator,
    right: &sp::Expr,
) -> Result<Expr, SqlError> {
    if *op == sp::BinaryOperator::Arrow {
        let base = convert_expr(left)?;
        let field = match right {
            sp::Expr::Identifier(ident) => ident_of(ident).name,
            other => {
                return Err(SqlError::parse(
                    format!("Syntax error: expected a field name after '->', found '{other}'"),
                    base.span(),
                ))
            }
        };
        return Ok(Expr::Dereference {
            expr: Box::new(base),
            field,
        });
    }
    let left = convert_expr(left)?;
    let right = convert_expr(right)?;
    let op = match op {
        sp::BinaryOperator::Plus => BinaryOperator::Add,
        sp::BinaryOperator::Minus => BinaryOperator::Subtract,
        sp::BinaryOperator::Multiply => BinaryOperator::Multiply,
        sp::BinaryOperator::Divide => BinaryOperator::Divide,
        sp::BinaryOperator::Modulo => BinaryOperator::Modulo,
        sp::BinaryOperator::Eq => BinaryOperator::Eq,
        sp::BinaryOperator::NotEq => BinaryOperator::NotEq,
        sp::BinaryOperator::Lt => BinaryOperator::Lt,
        sp::BinaryOperator::LtEq => BinaryOperator::LtEq,
        sp::BinaryOperator::Gt => BinaryOperator::Gt,
        sp::BinaryOperator::GtEq => BinaryOperator::GtEq,
        sp::BinaryOperator::And => BinaryOperator::And,
        sp::BinaryOperator::Or => BinaryOperator::Or,
        sp::BinaryOperator::Assignment => {
            return Err(SqlError::parse(
                "Syntax error: ':=' names a field only inside STRUCT(...) or MAP(...)",
                left.span(),
            ))
        }
        other => return Err(unsupported(&format!("the operator {other}"), left.span())),
    };
    Ok(Expr::Binary {
        op,
        left: Box::new(left),
        right: Box::new(right),
    })
}

fn convert_function(function: &sp::Function) -> Result<Expr, SqlError> {
    let (name, span) = match function.name.0.as_slice() {
        [sp::ObjectNamePart::Identifier(ident)] => {
            (ident.value.to_ascii_uppercase(), span_of(ident.span))
        }
        _ => {
            return Err(SqlError::parse(
                format!("Syntax error: unknown function {}", function.name),
                None,
            ))
        }
    };
    if function.over.is_some() || function.filter.is_some() || !function.within_group.is_empty() {
        return Err(unsupported(
            "window functions (OVER, FILTER, WITHIN GROUP)",
            span,
        ));
    }
    let list: &[sp::FunctionArg] = match &function.args {
        sp::FunctionArguments::None => &[],
        sp::FunctionArguments::List(list) => {
            if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
                return Err(unsupported(
                    "DISTINCT or ORDER BY inside a function call",
                    span,
                ));
            }
            &list.args
        }
        sp::FunctionArguments::Subquery(_) => return Err(unsupported("subqueries", span)),
    };
    let mut args = Vec::with_capacity(list.len());
    // Borrowed where it can be: cloning a sqlparser `Expr` links its whole tree's Clone (~100 KB of wasm).
    let mut named: Vec<(Cow<'_, sp::Expr>, &sp::Expr)> = Vec::new();
    let mut star = false;
    for arg in list {
        match arg {
            sp::FunctionArg::Unnamed(sp::FunctionArgExpr::Expr(sp::Expr::BinaryOp {
                left,
                op: sp::BinaryOperator::Assignment,
                right,
            })) => named.push((Cow::Borrowed(&**left), &**right)),
            sp::FunctionArg::Unnamed(sp::FunctionArgExpr::Expr(expr)) => {
                args.push(convert_expr(expr)?)
            }
            sp::FunctionArg::Unnamed(sp::FunctionArgExpr::Wildcard) => star = true,
            sp::FunctionArg::Named {
                name,
                arg: sp::FunctionArgExpr::Expr(arg),
                ..
            } => named.push((Cow::Owned(sp::Expr::Identifier(name.clone())), arg)),
            sp::FunctionArg::ExprNamed {
                name,
                arg: sp::FunctionArgExpr::Expr(arg),
                ..
            } => named.push((Cow::Borrowed(name), arg)),
            _ => {
                return Err(SqlError::parse(
                    format!("Syntax error: unexpected argument of {name}"),
                    span,
                ))
            }
        }
    }
    match name.as_str() {
        "STRUCT" if args.is_empty() && !star => {
            let mut fields = Vec::with_capacity(named.len());
            for (field, value) in named {
                let field = match &*field {
                    sp::Expr::Identifier(ident) => ident_of(ident).name,
                    other => {
                        return Err(SqlError::parse(format!("Syntax error: expected a field name before ':=', found '{other}'"), span))
                    }
                };
                fields.push((field, convert_expr(value)?));
            }
            Ok(Expr::StructLiteral(fields))
        }
        "MAP" if args.is_empty() && !star => {
            let mut entries = Vec::with_capacity(named.len());
            for (key, value) in named {
                entries.push((convert_expr(&key)?, convert_expr(value)?));
            }
            Ok(Expr::MapLiteral(entries))
        }
        _ if !named.is_empty() => Err(SqlError::parse(
            format!("Syntax error: ':=' names a field only inside STRUCT(...) or MAP(...), not in {name}(...)"),
            span,
        )),
        _ => Ok(Expr::Function { name, args, star, span }),
    }
}

fn convert_value(value: &sp::ValueWithSpan) -> Result<Expr, SqlError> {
    let span = span_of(value.span);
    let literal = match &value.value {
        sp::Value::Null => Literal::Null,
        sp::Value::Boolean(flag) => Literal::Boolean(*flag),
        sp::Value::SingleQuotedString(text) => Literal::String(text.clone()),
        sp::Value::Number(digits, _) => {
            if digits.contains(['e', 'E']) {
                Literal::Double(digits.clone())
            } else if digits.contains('.') {
                Literal::Decimal(digits.clone())
            } else {
                Literal::Integer(digits.clone())
            }
        }
        other => {
            return Err(SqlError::parse(
                format!("Syntax error: unsupported literal {other}"),
                span,
            ))
        }
    };
    Ok(Expr::Literal {
        value: literal,
        span,
    })
}

pub(crate) fn ident_of(ident: &sp::Ident) -> Ident {
    let span = span_of(ident.span);
    match ident.quote_style {
        Some(_) => Ident {
            name: ident.value.clone(),
            quoted: true,
            span,
        },
        None => Ident {
            name: ident.value.to_ascii_uppercase(),
            quoted: false,
            span,
        },
    }
}

fn span_of(span: sqlparser::tokenizer::Span) -> Option<Span> {
    Span::from_location(span.start)
}

fn unsupported(what: &str, span: Option<Span>) -> SqlError {
    SqlError::unsupported(format!("{what} is not supported")).at(span)
}
