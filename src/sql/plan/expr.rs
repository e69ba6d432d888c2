//! Expression planning and evaluation: names resolved to row positions, types checked with
//! ksqlDB's rules, literals typed as ksqlDB types them.
//!
//! A planned expression may still fail for one row (integer division by zero, a bad CAST): as
//! in ksqlDB, the caller then uses NULL for it (a filter drops the row) and logs the error.

use super::schema::RowSchema;
use crate::sql::ast::{BinaryOperator, Expr, Ident, Literal};
use crate::sql::error::{closest_names, Span, SqlError, SqlErrorKind};
use crate::sql::functions;
use crate::sql::ops::{self, BinaryOp, EvalError};
use crate::sql::types::SqlType;
use crate::sql::value::{Decimal, Value};
use std::borrow::Cow;

/// An expression ready to run on a row laid out as its [`RowSchema`].
#[derive(Clone, Debug, PartialEq)]
pub enum CompiledExpr {
    Column(usize),
    Literal(Value),
    Binary {
        op: BinaryOp,
        left: Box<CompiledExpr>,
        right: Box<CompiledExpr>,
        result_type: Option<SqlType>,
    },
    And(Box<CompiledExpr>, Box<CompiledExpr>),
    Or(Box<CompiledExpr>, Box<CompiledExpr>),
    Not(Box<CompiledExpr>),
    Negate(Box<CompiledExpr>),
    IsNull {
        expr: Box<CompiledExpr>,
        negated: bool,
    },
    IsDistinctFrom {
        left: Box<CompiledExpr>,
        right: Box<CompiledExpr>,
        negated: bool,
    },
    Like {
        expr: Box<CompiledExpr>,
        pattern: Box<CompiledExpr>,
        escape: Option<char>,
        negated: bool,
    },
    Between {
        expr: Box<CompiledExpr>,
        low: Box<CompiledExpr>,
        high: Box<CompiledExpr>,
        negated: bool,
    },
    InList {
        expr: Box<CompiledExpr>,
        list: Vec<CompiledExpr>,
        negated: bool,
    },
    Case {
        branches: Vec<(CompiledExpr, CompiledExpr)>,
        else_result: Option<Box<CompiledExpr>>,
    },
    Cast {
        expr: Box<CompiledExpr>,
        ty: SqlType,
    },
    Function {
        name: String,
        args: Vec<CompiledExpr>,
    },
    Dereference {
        expr: Box<CompiledExpr>,
        field: String,
    },
    Subscript {
        expr: Box<CompiledExpr>,
        index: Box<CompiledExpr>,
    },
    Array(Vec<CompiledExpr>),
    Map(Vec<(CompiledExpr, CompiledExpr)>),
    Struct(Vec<(String, CompiledExpr)>),
}

impl CompiledExpr {
    /// [`CompiledExpr::eval`] that borrows a column or a literal instead of copying it: the
    /// operands of comparisons, LIKE and logic are only looked at (a filter then allocates
    /// nothing per row).
    pub fn eval_ref<'a>(&'a self, row: &'a [Value]) -> Result<Cow<'a, Value>, EvalError> {
        match self {
            CompiledExpr::Column(idx) => Ok(row.get(*idx).map_or(Cow::Owned(Value::Null), Cow::Borrowed)),
            CompiledExpr::Literal(value) => Ok(Cow::Borrowed(value)),
            _ => self.eval(row).map(Cow::Owned),
        }
    }

    /// Evaluates on one row. NULL propagates as in ksqlDB; AND/OR use three-valued logic.
    pub fn eval(&self, row: &[Value]) -> Result<Value, EvalError> {
        match self {
            CompiledExpr::Column(idx) => Ok(row.get(*idx).cloned().unwrap_or_default()),
            CompiledExpr::Literal(value) => Ok(value.clone()),
            CompiledExpr::Binary {
                op,
                left,
                right,
                result_type,
            } => {
                let left = left.eval_ref(row)?;
                let right = right.eval_ref(row)?;
                match result_type {
                    Some(ty) if !op.is_comparison() => {
                        ops::binary_with_type(*op, &left, &right, ty)
                    }
                    _ => ops::binary(*op, &left, &right),
                }
            }
            CompiledExpr::And(left, right) => {
                let left = left.eval_ref(row)?;
                if matches!(*left, Value::Boolean(false)) {
                    return Ok(left.into_owned());
                }
                ops::and(&left, &*right.eval_ref(row)?)
            }
            CompiledExpr::Or(left, right) => {
                let left = left.eval_ref(row)?;
                if matches!(*left, Value::Boolean(true)) {
                    return Ok(left.into_owned());
                }
                ops::or(&left, &*right.eval_ref(row)?)
            }
            CompiledExpr::Not(inner) => ops::not(&*inner.eval_ref(row)?),
            CompiledExpr::Negate(inner) => ops::negate(&*inner.eval_ref(row)?),
            CompiledExpr::IsNull { expr, negated } => {
                Ok(Value::Boolean(expr.eval_ref(row)?.is_null() != *negated))
            }
            CompiledExpr::IsDistinctFrom {
                left,
                right,
                negated,
            } => {
                let distinct =
                    ops::is_distinct_from(&*left.eval_ref(row)?, &*right.eval_ref(row)?);
                Ok(Value::Boolean(distinct != *negated))
            }
            CompiledExpr::Like {
                expr,
                pattern,
                escape,
                negated,
            } => {
                let value = expr.eval_ref(row)?;
                let pattern = pattern.eval_ref(row)?;
                match (&*value, &*pattern) {
                    (Value::String(value), Value::String(pattern)) => Ok(Value::Boolean(
                        ops::like(value, pattern, *escape) != *negated,
                    )),
                    _ => Ok(Value::Null),
                }
            }
            CompiledExpr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let value = expr.eval_ref(row)?;
                let above_low = ops::binary(BinaryOp::GtEq, &value, &*low.eval_ref(row)?)?;
                let below_high = ops::binary(BinaryOp::LtEq, &value, &*high.eval_ref(row)?)?;
                let inside = ops::and(&above_low, &below_high)?;
                if *negated {
                    ops::not(&inside)
                } else {
                    Ok(inside)
                }
            }
            CompiledExpr::InList {
                expr,
                list,
                negated,
            } => {
                let value = expr.eval_ref(row)?;
                if value.is_null() {
                    return Ok(Value::Null);
                }
                let mut saw_null = false;
                for item in list {
                    let item = item.eval_ref(row)?;
                    match ops::binary(BinaryOp::Eq, &value, &item)? {
                        Value::Boolean(true) => return Ok(Value::Boolean(!*negated)),
                        Value::Null => saw_null = true,
                        _ => {}
                    }
                }
                Ok(if saw_null {
                    Value::Null
                } else {
                    Value::Boolean(*negated)
                })
            }
            CompiledExpr::Case {
                branches,
                else_result,
            } => {
                for (condition, result) in branches {
                    if *condition.eval_ref(row)? == Value::Boolean(true) {
                        return result.eval(row);
                    }
                }
                match else_result {
                    Some(else_result) => else_result.eval(row),
                    None => Ok(Value::Null),
                }
            }
            CompiledExpr::Cast { expr, ty } => ops::cast(&*expr.eval_ref(row)?, ty),
            // One argument (UCASE, LEN, ABS...) is borrowed, not copied.
            CompiledExpr::Function { name, args } => match args.as_slice() {
                [arg] => functions::call_scalar(name, std::slice::from_ref(&*arg.eval_ref(row)?)),
                _ => {
                    let values = args
                        .iter()
                        .map(|arg| arg.eval(row))
                        .collect::<Result<Vec<_>, _>>()?;
                    functions::call_scalar(name, &values)
                }
            },
            CompiledExpr::Dereference { expr, field } => match expr.eval(row)? {
                Value::Struct(fields) => Ok(fields
                    .into_iter()
                    .find(|(name, _)| name == field)
                    .map(|(_, value)| value)
                    .unwrap_or_default()),
                _ => Ok(Value::Null),
            },
            CompiledExpr::Subscript { expr, index } => {
                let container = expr.eval(row)?;
                let index = index.eval(row)?;
                Ok(subscript(container, &index))
            }
            CompiledExpr::Array(items) => Ok(Value::Array(
                items
                    .iter()
                    .map(|i| i.eval(row))
                    .collect::<Result<_, _>>()?,
            )),
            CompiledExpr::Map(entries) => {
                let mut map: Vec<(Value, Value)> = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let key = key.eval(row)?;
                    let value = value.eval(row)?;
                    match map.iter_mut().find(|(existing, _)| *existing == key) {
                        Some(entry) => entry.1 = value,
                        None => map.push((key, value)),
                    }
                }
                Ok(Value::Map(map))
            }
            CompiledExpr::Struct(fields) => Ok(Value::Struct(
                fields
                    .iter()
                    .map(|(name, e)| Ok((name.clone(), e.eval(row)?)))
                    .collect::<Result<_, EvalError>>()?,
            )),
        }
    }

    /// Evaluates a predicate: only TRUE keeps a row (NULL and errors do not).
    pub fn is_true(&self, row: &[Value]) -> bool {
        matches!(self.truth(row), Ok(Some(true)))
    }

    /// A predicate's value as three-valued logic (`None` for NULL): what [`CompiledExpr::eval`]
    /// gives, with AND and comparisons read as truth values rather than built as values.
    fn truth(&self, row: &[Value]) -> Result<Option<bool>, EvalError> {
        match self {
            CompiledExpr::And(left, right) => {
                let left = left.truth(row)?;
                if left == Some(false) {
                    return Ok(left);
                }
                Ok(match (left, right.truth(row)?) {
                    (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                })
            }
            CompiledExpr::Binary { op, left, right, .. } if op.is_comparison() => {
                match (left.operand(row), right.operand(row)) {
                    (Some(left), Some(right)) => ops::compare_truth(*op, left, right),
                    _ => ops::compare_truth(*op, &*left.eval_ref(row)?, &*right.eval_ref(row)?),
                }
            }
            _ => truth_of(&*self.eval_ref(row)?),
        }
    }

    /// A column of the row or a literal, borrowed (`None` for every other kind, and a column
    /// the row does not have): the common operands of a comparison, read without a `Cow`.
    fn operand<'a>(&'a self, row: &'a [Value]) -> Option<&'a Value> {
        match self {
            CompiledExpr::Column(idx) => row.get(*idx),
            CompiledExpr::Literal(value) => Some(value),
            _ => None,
        }
    }
}

/// A BOOLEAN or NULL as a truth value; anything else is an error, as for AND.
fn truth_of(value: &Value) -> Result<Option<bool>, EvalError> {
    match value {
        Value::Null => Ok(None),
        Value::Boolean(flag) => Ok(Some(*flag)),
        other => Err(EvalError::new(format!("a predicate must be BOOLEAN, got {other:?}"))),
    }
}

/// ksqlDB's subscript: arrays are 1-based, negative indexes count from the end, and an index out
/// of range gives NULL; maps are looked up by key.
fn subscript(container: Value, index: &Value) -> Value {
    match container {
        Value::Array(items) => {
            let position = match index {
                Value::Int(i) => i64::from(*i),
                Value::BigInt(i) => *i,
                _ => return Value::Null,
            };
            let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let zero_based = if position > 0 {
                position - 1
            } else {
                len + position
            };
            usize::try_from(zero_based)
                .ok()
                .and_then(|i| items.into_iter().nth(i))
                .unwrap_or_default()
        }
        Value::Map(entries) => entries
            .into_iter()
            .find(|(key, _)| key == index)
            .map(|(_, v)| v)
            .unwrap_or_default(),
        _ => Value::Null,
    }
}

/// Plans expressions against one source's columns.
pub struct ExprCompiler<'a> {
    pub schema: &'a RowSchema,
    /// Names a column may be qualified with: the source's name and its alias.
    pub qualifiers: Vec<String>,
    /// The clause being planned, for messages ("SELECT column 'X' cannot be resolved.").
    pub clause: &'static str,
}

/// A planned expression and its type (`None` for an untyped NULL literal).
pub type Typed = (CompiledExpr, Option<SqlType>);

impl<'a> ExprCompiler<'a> {
    pub fn compile(&self, expr: &Expr) -> Result<Typed, SqlError> {
        let span = expr.span();
        self.compile_inner(expr).map_err(|error| error.at(span))
    }

    fn compile_inner(&self, expr: &Expr) -> Result<Typed, SqlError> {
        match expr {
            Expr::Column { qualifier, name } => self.column(qualifier.as_ref(), name),
            Expr::Literal { value, span } => literal(value).map_err(|e| e.at(*span)),
            Expr::Binary { op, left, right } => self.binary(*op, left, right),
            Expr::Not(inner) => {
                let (inner, ty) = self.compile(inner)?;
                expect_boolean(&ty, "NOT")?;
                Ok((CompiledExpr::Not(Box::new(inner)), Some(SqlType::Boolean)))
            }
            Expr::Negate(inner) => {
                let (inner, ty) = self.compile(inner)?;
                if let Some(ty) = &ty {
                    if !is_numeric(ty) {
                        return Err(SqlError::type_error(format!(
                            "Cannot negate a value of type {ty}"
                        )));
                    }
                }
                Ok((CompiledExpr::Negate(Box::new(inner)), ty))
            }
            Expr::IsNull { expr, negated } => {
                let (inner, _) = self.compile(expr)?;
                Ok((
                    CompiledExpr::IsNull {
                        expr: Box::new(inner),
                        negated: *negated,
                    },
                    Some(SqlType::Boolean),
                ))
            }
            Expr::IsDistinctFrom {
                left,
                right,
                negated,
            } => {
                let (left_expr, left_ty) = self.compile(left)?;
                let (right_expr, right_ty) = self.compile(right)?;
                if let (Some(l), Some(r)) = (&left_ty, &right_ty) {
                    ops::binary_type(BinaryOp::Eq, l, r).map_err(SqlError::type_error)?;
                }
                Ok((
                    CompiledExpr::IsDistinctFrom {
                        left: Box::new(left_expr),
                        right: Box::new(right_expr),
                        negated: *negated,
                    },
                    Some(SqlType::Boolean),
                ))
            }
            Expr::Like {
                expr,
                pattern,
                escape,
                negated,
            } => {
                let (value, value_ty) = self.compile(expr)?;
                let (pattern, pattern_ty) = self.compile(pattern)?;
                for ty in [&value_ty, &pattern_ty].into_iter().flatten() {
                    if *ty != SqlType::String {
                        return Err(SqlError::type_error(format!(
                            "LIKE works on STRING values, not {ty}"
                        )));
                    }
                }
                Ok((
                    CompiledExpr::Like {
                        expr: Box::new(value),
                        pattern: Box::new(pattern),
                        escape: *escape,
                        negated: *negated,
                    },
                    Some(SqlType::Boolean),
                ))
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let (value, value_ty) = self.compile(expr)?;
                let (low, low_ty) = self.compile(low)?;
                let (high, high_ty) = self.compile(high)?;
                if let Some(value_ty) = &value_ty {
                    for bound in [&low_ty, &high_ty].into_iter().flatten() {
                        ops::binary_type(BinaryOp::GtEq, value_ty, bound)
                            .map_err(SqlError::type_error)?;
                    }
                }
                Ok((
                    CompiledExpr::Between {
                        expr: Box::new(value),
                        low: Box::new(low),
                        high: Box::new(high),
                        negated: *negated,
                    },
                    Some(SqlType::Boolean),
                ))
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                let (value, value_ty) = self.compile(expr)?;
                let mut items = Vec::with_capacity(list.len());
                for item in list {
                    let (item, item_ty) = self.compile(item)?;
                    if let (Some(v), Some(i)) = (&value_ty, &item_ty) {
                        ops::binary_type(BinaryOp::Eq, v, i).map_err(SqlError::type_error)?;
                    }
                    items.push(item);
                }
                Ok((
                    CompiledExpr::InList {
                        expr: Box::new(value),
                        list: items,
                        negated: *negated,
                    },
                    Some(SqlType::Boolean),
                ))
            }
            Expr::Case {
                operand,
                branches,
                else_result,
            } => self.case(operand.as_deref(), branches, else_result.as_deref()),
            Expr::Cast { expr, ty } => {
                let (inner, from) = self.compile(expr)?;
                if let Some(from) = &from {
                    if !ops::can_cast(from, ty) {
                        return Err(SqlError::type_error(format!(
                            "Cast of {from} to {ty} is not supported"
                        )));
                    }
                }
                Ok((
                    CompiledExpr::Cast {
                        expr: Box::new(inner),
                        ty: ty.clone(),
                    },
                    Some(ty.clone()),
                ))
            }
            Expr::Function {
                name,
                args,
                star,
                span,
            } => self.function(name, args, *star).map_err(|e| e.at(*span)),
            Expr::Dereference { expr, field } => {
                let (inner, ty) = self.compile(expr)?;
                let field_ty = match &ty {
                    Some(SqlType::Struct(fields)) => {
                        match fields.iter().find(|(name, _)| name == field) {
                            Some((_, field_ty)) => field_ty.clone(),
                            None => {
                                let names: Vec<&str> =
                                    fields.iter().map(|(n, _)| n.as_str()).collect();
                                return Err(hinted(
                                    SqlError::new(
                                        SqlErrorKind::UnknownColumn,
                                        format!("Could not find field '{field}' in struct."),
                                    ),
                                    closest_names(field, names),
                                ));
                            }
                        }
                    }
                    Some(other) => {
                        return Err(SqlError::type_error(format!(
                            "Can only dereference a STRUCT with '->', not {other}"
                        )))
                    }
                    None => return Err(SqlError::type_error("Can not dereference a NULL value")),
                };
                Ok((
                    CompiledExpr::Dereference {
                        expr: Box::new(inner),
                        field: field.clone(),
                    },
                    Some(field_ty),
                ))
            }
            Expr::Subscript { expr, index } => {
                let (container, container_ty) = self.compile(expr)?;
                let (index, index_ty) = self.compile(index)?;
                let result_ty = match &container_ty {
                    Some(SqlType::Array(element)) => {
                        if !matches!(index_ty, None | Some(SqlType::Int | SqlType::BigInt)) {
                            return Err(SqlError::type_error(
                                "An array index must be an INT or BIGINT",
                            ));
                        }
                        (**element).clone()
                    }
                    Some(SqlType::Map(_, value)) => (**value).clone(),
                    Some(other) => {
                        return Err(SqlError::type_error(format!(
                            "Only ARRAY and MAP values can be subscripted, not {other}"
                        )))
                    }
                    None => return Err(SqlError::type_error("Can not subscript a NULL value")),
                };
                Ok((
                    CompiledExpr::Subscript {
                        expr: Box::new(container),
                        index: Box::new(index),
                    },
                    Some(result_ty),
                ))
            }
            Expr::ArrayLiteral(items) => {
                let mut compiled = Vec::with_capacity(items.len());
                for item in items {
                    compiled.push(self.compile(item)?);
                }
                let element_ty = common_type(compiled.iter().map(|(_, ty)| ty.as_ref()))
                    .map_err(|e| SqlError::type_error(format!("Invalid array: {e}")))?
                    .unwrap_or(SqlType::String);
                let items = compiled
                    .into_iter()
                    .map(|(e, ty)| coerce(e, ty.as_ref(), &element_ty))
                    .collect();
                Ok((
                    CompiledExpr::Array(items),
                    Some(SqlType::Array(Box::new(element_ty))),
                ))
            }
            Expr::MapLiteral(entries) => {
                let mut keys = Vec::with_capacity(entries.len());
                let mut values = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    keys.push(self.compile(key)?);
                    values.push(self.compile(value)?);
                }
                let key_ty = common_type(keys.iter().map(|(_, ty)| ty.as_ref()))
                    .map_err(|e| SqlError::type_error(format!("Invalid map keys: {e}")))?
                    .unwrap_or(SqlType::String);
                let value_ty = common_type(values.iter().map(|(_, ty)| ty.as_ref()))
                    .map_err(|e| SqlError::type_error(format!("Invalid map values: {e}")))?
                    .unwrap_or(SqlType::String);
                let entries = keys
                    .into_iter()
                    .zip(values)
                    .map(|((k, kt), (v, vt))| {
                        (
                            coerce(k, kt.as_ref(), &key_ty),
                            coerce(v, vt.as_ref(), &value_ty),
                        )
                    })
                    .collect();
                Ok((
                    CompiledExpr::Map(entries),
                    Some(SqlType::Map(Box::new(key_ty), Box::new(value_ty))),
                ))
            }
            Expr::StructLiteral(fields) => {
                let mut compiled = Vec::with_capacity(fields.len());
                let mut types = Vec::with_capacity(fields.len());
                for (name, value) in fields {
                    let (value, ty) = self.compile(value)?;
                    types.push((name.clone(), ty.unwrap_or(SqlType::String)));
                    compiled.push((name.clone(), value));
                }
                Ok((CompiledExpr::Struct(compiled), Some(SqlType::Struct(types))))
            }
        }
    }

    fn column(&self, qualifier: Option<&Ident>, name: &Ident) -> Result<Typed, SqlError> {
        if let Some(qualifier) = qualifier {
            if !self.qualifiers.contains(&qualifier.name) {
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
        match self.schema.position(&name.name) {
            Some(idx) => {
                let ty = self.schema.column(idx).map(|c| c.ty.clone());
                Ok((CompiledExpr::Column(idx), ty))
            }
            None => {
                let shown = match qualifier {
                    Some(q) => format!("{}.{}", q.name, name.name),
                    None => name.name.clone(),
                };
                let error = SqlError::new(
                    SqlErrorKind::UnknownColumn,
                    format!("{} column '{shown}' cannot be resolved.", self.clause),
                )
                .at(qualifier.and_then(|q| q.span).or(name.span));
                Err(hinted(
                    error,
                    closest_names(&name.name, self.schema.names()),
                ))
            }
        }
    }

    fn binary(&self, op: BinaryOperator, left: &Expr, right: &Expr) -> Result<Typed, SqlError> {
        let (left_expr, left_ty) = self.compile(left)?;
        let (right_expr, right_ty) = self.compile(right)?;
        let op = match op {
            BinaryOperator::And | BinaryOperator::Or => {
                expect_boolean(&left_ty, op.symbol())?;
                expect_boolean(&right_ty, op.symbol())?;
                let (l, r) = (Box::new(left_expr), Box::new(right_expr));
                let expr = if op == BinaryOperator::And {
                    CompiledExpr::And(l, r)
                } else {
                    CompiledExpr::Or(l, r)
                };
                return Ok((expr, Some(SqlType::Boolean)));
            }
            BinaryOperator::Add => BinaryOp::Add,
            BinaryOperator::Subtract => BinaryOp::Subtract,
            BinaryOperator::Multiply => BinaryOp::Multiply,
            BinaryOperator::Divide => BinaryOp::Divide,
            BinaryOperator::Modulo => BinaryOp::Modulo,
            BinaryOperator::Eq => BinaryOp::Eq,
            BinaryOperator::NotEq => BinaryOp::NotEq,
            BinaryOperator::Lt => BinaryOp::Lt,
            BinaryOperator::LtEq => BinaryOp::LtEq,
            BinaryOperator::Gt => BinaryOp::Gt,
            BinaryOperator::GtEq => BinaryOp::GtEq,
        };
        let result_type = match (&left_ty, &right_ty) {
            (Some(l), Some(r)) => Some(ops::binary_type(op, l, r).map_err(SqlError::type_error)?),
            _ if op.is_comparison() => Some(SqlType::Boolean),
            (Some(known), None) | (None, Some(known)) => Some(known.clone()),
            (None, None) => None,
        };
        let planned_type = if op.is_comparison() {
            None
        } else {
            result_type.clone()
        };
        Ok((
            CompiledExpr::Binary {
                op,
                left: Box::new(left_expr),
                right: Box::new(right_expr),
                result_type: planned_type,
            },
            result_type,
        ))
    }

    fn case(
        &self,
        operand: Option<&Expr>,
        branches: &[(Expr, Expr)],
        else_result: Option<&Expr>,
    ) -> Result<Typed, SqlError> {
        let operand = operand.map(|o| self.compile(o)).transpose()?;
        let mut conditions = Vec::with_capacity(branches.len());
        let mut results = Vec::with_capacity(branches.len() + 1);
        for (condition, result) in branches {
            let (condition, condition_ty) = self.compile(condition)?;
            let condition = match &operand {
                Some((operand, _)) => CompiledExpr::Binary {
                    op: BinaryOp::Eq,
                    left: Box::new(operand.clone()),
                    right: Box::new(condition),
                    result_type: None,
                },
                None => {
                    if !matches!(condition_ty, None | Some(SqlType::Boolean)) {
                        return Err(SqlError::type_error("WHEN operand type should be boolean."));
                    }
                    condition
                }
            };
            conditions.push(condition);
            results.push(self.compile(result)?);
        }
        let else_result = else_result.map(|e| self.compile(e)).transpose()?;
        let all_types = results
            .iter()
            .chain(else_result.iter())
            .map(|(_, ty)| ty.as_ref());
        let result_ty = match common_type(all_types) {
            Ok(Some(ty)) => ty,
            Ok(None) => {
                return Err(SqlError::type_error(
                    "Invalid Case expression. All case branches have NULL type",
                ))
            }
            Err(_) => {
                return Err(SqlError::type_error(
                    "Invalid Case expression. Type for all 'THEN' clauses should be the same.",
                ))
            }
        };
        let branches = conditions
            .into_iter()
            .zip(results)
            .map(|(condition, (result, ty))| (condition, coerce(result, ty.as_ref(), &result_ty)))
            .collect();
        let else_result = else_result.map(|(e, ty)| Box::new(coerce(e, ty.as_ref(), &result_ty)));
        Ok((
            CompiledExpr::Case {
                branches,
                else_result,
            },
            Some(result_ty),
        ))
    }

    fn function(&self, name: &str, args: &[Expr], star: bool) -> Result<Typed, SqlError> {
        if is_aggregate(name) {
            return Err(SqlError::unsupported(format!(
                "Aggregate functions such as {name} are not supported yet: streamlab runs stateless queries only (filters and projections)"
            )));
        }
        if star {
            return Err(SqlError::type_error(format!(
                "{name}(*) is not valid: only COUNT(*) takes '*'"
            )));
        }
        let mut compiled = Vec::with_capacity(args.len());
        let mut types = Vec::with_capacity(args.len());
        for arg in args {
            let (arg, ty) = self.compile(arg)?;
            compiled.push(arg);
            types.push(ty);
        }
        let result_ty = function_type(name, &types)?;
        Ok((
            CompiledExpr::Function {
                name: name.to_string(),
                args: compiled,
            },
            Some(result_ty),
        ))
    }
}

/// Resolves a function's return type. ksqlDB lets a NULL literal stand for any parameter type,
/// so untyped arguments are tried as the other arguments' type, then as common types.
fn function_type(name: &str, types: &[Option<SqlType>]) -> Result<SqlType, SqlError> {
    let first_known = types.iter().flatten().next().cloned();
    let candidates: Vec<SqlType> = first_known
        .into_iter()
        .chain([
            SqlType::String,
            SqlType::Int,
            SqlType::BigInt,
            SqlType::Double,
            SqlType::Boolean,
            SqlType::Bytes,
        ])
        .collect();
    let mut first_error = None;
    for candidate in &candidates {
        let concrete: Vec<SqlType> = types
            .iter()
            .map(|ty| ty.clone().unwrap_or_else(|| candidate.clone()))
            .collect();
        match functions::scalar_return_type(name, &concrete) {
            Ok(ty) => return Ok(ty),
            Err(message) => {
                first_error.get_or_insert(message);
            }
        }
        if types.iter().all(Option::is_some) {
            break;
        }
    }
    let message =
        first_error.unwrap_or_else(|| format!("Can't find any functions with the name '{name}'"));
    let known = functions::scalar_names();
    let error = SqlError::new(SqlErrorKind::Type, message);
    if known.contains(&name) {
        Err(error)
    } else {
        Err(hinted(error, closest_names(name, known.iter().copied())))
    }
}

const AGGREGATES: &[&str] = &[
    "COUNT",
    "SUM",
    "MIN",
    "MAX",
    "AVG",
    "LATEST_BY_OFFSET",
    "EARLIEST_BY_OFFSET",
    "COLLECT_LIST",
    "COLLECT_SET",
    "TOPK",
    "TOPKDISTINCT",
    "COUNT_DISTINCT",
    "HISTOGRAM",
    "STDDEV_SAMP",
    "STDDEV_SAMPLE",
    "CORRELATION",
    "ATTR",
];

pub fn is_aggregate(name: &str) -> bool {
    AGGREGATES.contains(&name)
}

fn hinted(error: SqlError, names: Vec<String>) -> SqlError {
    if names.is_empty() {
        error
    } else {
        error.with_hint(format!("did you mean {}?", names.join(" or ")))
    }
}

fn expect_boolean(ty: &Option<SqlType>, operator: &str) -> Result<(), SqlError> {
    match ty {
        None | Some(SqlType::Boolean) => Ok(()),
        Some(other) => Err(SqlError::type_error(format!(
            "{operator} expects BOOLEAN operands, not {other}"
        ))),
    }
}

pub(crate) fn is_numeric(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Int | SqlType::BigInt | SqlType::Double | SqlType::Decimal { .. }
    )
}

/// The type several expressions share (CASE branches, array elements): NULLs fit anything,
/// numbers widen, anything else must be equal.
pub fn common_type<'t>(
    types: impl Iterator<Item = Option<&'t SqlType>>,
) -> Result<Option<SqlType>, String> {
    let mut result: Option<SqlType> = None;
    for ty in types.flatten() {
        result = Some(match result {
            None => ty.clone(),
            Some(current) if current == *ty => current,
            Some(current) => match ops::numeric_common_type(&current, ty) {
                Some(widened) => widened,
                None => return Err(format!("{current} and {ty} do not mix")),
            },
        });
    }
    Ok(result)
}

/// Wraps `expr` in a CAST when its type differs from `target` (numeric widening).
pub fn coerce(expr: CompiledExpr, from: Option<&SqlType>, target: &SqlType) -> CompiledExpr {
    match from {
        Some(from) if from != target => CompiledExpr::Cast {
            expr: Box::new(expr),
            ty: target.clone(),
        },
        _ => expr,
    }
}

/// Types a literal as ksqlDB does: integers are INT when they fit, else BIGINT; `1.5` is a
/// DECIMAL with the digits written; `1e3` is a DOUBLE.
pub fn literal(literal: &Literal) -> Result<Typed, SqlError> {
    let (value, ty) = match literal {
        Literal::Null => return Ok((CompiledExpr::Literal(Value::Null), None)),
        Literal::Boolean(flag) => (Value::Boolean(*flag), SqlType::Boolean),
        Literal::String(text) => (Value::String(text.clone().into()), SqlType::String),
        Literal::Integer(digits) => {
            if let Ok(small) = digits.parse::<i32>() {
                (Value::Int(small), SqlType::Int)
            } else if let Ok(big) = digits.parse::<i64>() {
                (Value::BigInt(big), SqlType::BigInt)
            } else {
                decimal_literal(digits)?
            }
        }
        Literal::Decimal(digits) => decimal_literal(digits)?,
        Literal::Double(digits) => match digits.parse::<f64>() {
            Ok(number) if number.is_finite() => (Value::Double(number), SqlType::Double),
            _ => {
                return Err(SqlError::type_error(format!(
                    "Invalid DOUBLE literal {digits}"
                )))
            }
        },
    };
    Ok((CompiledExpr::Literal(value), Some(ty)))
}

fn decimal_literal(digits: &str) -> Result<(Value, SqlType), SqlError> {
    match Decimal::parse(digits) {
        Some(decimal) => {
            let ty = SqlType::Decimal {
                precision: decimal.precision().max(decimal.scale).max(1),
                scale: decimal.scale,
            };
            Ok((Value::decimal(decimal), ty))
        }
        None => Err(SqlError::type_error(format!(
            "Invalid DECIMAL literal {digits}"
        ))),
    }
}

/// The position of an expression, for errors raised after planning.
pub fn span_of(expr: &Expr) -> Option<Span> {
    expr.span()
}
