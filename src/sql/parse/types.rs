//! ksqlDB's type syntax: `BIGINT`, `DECIMAL(4, 2)`, `ARRAY<STRING>`, `MAP<STRING, INT>`,
//! `STRUCT<name STRING, age INT>`, and the conversion of sqlparser's types inside `CAST`.

use super::cursor::Cursor;
use crate::sql::error::SqlError;
use crate::sql::types::SqlType;
use sqlparser::ast::{ArrayElemTypeDef, DataType, ExactNumberInfo, StructBracketKind};
use sqlparser::tokenizer::Token;

/// Parses a type written alone (`"ARRAY<INT>"`), e.g. from a lesson file.
pub fn parse_type(text: &str) -> Result<SqlType, SqlError> {
    let tokens = super::tokenize(text)?;
    let mut cursor = Cursor::new(tokens);
    let ty = sql_type(&mut cursor)?;
    cursor.expect_end()?;
    Ok(ty)
}

/// Types nested deeper than this are refused, so that no input can overflow the stack.
const MAX_TYPE_DEPTH: usize = 32;

pub(crate) fn sql_type(cursor: &mut Cursor) -> Result<SqlType, SqlError> {
    nested_type(cursor, 0)
}

fn nested_type(cursor: &mut Cursor, depth: usize) -> Result<SqlType, SqlError> {
    if depth > MAX_TYPE_DEPTH {
        return Err(SqlError::parse(
            format!("Syntax error: types nested more than {MAX_TYPE_DEPTH} deep are not supported"),
            cursor.span(),
        ));
    }
    let span = cursor.span();
    let word = match &cursor.peek().token {
        Token::Word(word) if word.quote_style.is_none() => word.value.to_ascii_uppercase(),
        _ => return Err(cursor.unexpected("a type")),
    };
    cursor.next();
    let ty = match word.as_str() {
        "BOOLEAN" | "BOOL" => SqlType::Boolean,
        "INT" | "INTEGER" => SqlType::Int,
        "BIGINT" => SqlType::BigInt,
        "DOUBLE" => SqlType::Double,
        "STRING" => SqlType::String,
        "VARCHAR" => {
            skip_length(cursor)?;
            SqlType::String
        }
        "BYTES" => SqlType::Bytes,
        "TIMESTAMP" => SqlType::Timestamp,
        "DATE" => SqlType::Date,
        "TIME" => SqlType::Time,
        "DECIMAL" => {
            cursor.expect_token(&Token::LParen)?;
            let precision = small_number(cursor)?;
            cursor.expect_token(&Token::Comma)?;
            let scale = small_number(cursor)?;
            cursor.expect_token(&Token::RParen)?;
            check_decimal(precision, scale).map_err(|error| error.at(span))?
        }
        "ARRAY" => {
            cursor.expect_token(&Token::Lt)?;
            let element = nested_type(cursor, depth + 1)?;
            cursor.expect_token(&Token::Gt)?;
            SqlType::Array(Box::new(element))
        }
        "MAP" => {
            cursor.expect_token(&Token::Lt)?;
            let key = nested_type(cursor, depth + 1)?;
            cursor.expect_token(&Token::Comma)?;
            let value = nested_type(cursor, depth + 1)?;
            cursor.expect_token(&Token::Gt)?;
            SqlType::Map(Box::new(key), Box::new(value))
        }
        "STRUCT" => {
            let mut fields = Vec::new();
            if !cursor.eat_token(&Token::Neq) {
                cursor.expect_token(&Token::Lt)?;
                if !cursor.eat_token(&Token::Gt) {
                    loop {
                        let name = cursor.ident()?;
                        let field_type = nested_type(cursor, depth + 1)?;
                        fields.push((name.name, field_type));
                        if !cursor.eat_token(&Token::Comma) {
                            break;
                        }
                    }
                    cursor.expect_token(&Token::Gt)?;
                }
            }
            SqlType::Struct(fields)
        }
        other => {
            return Err(SqlError::parse(format!("Unknown type: {other}"), span).with_hint(
                "ksqlDB's types are BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), STRING, BYTES, TIMESTAMP, DATE, TIME, ARRAY<T>, MAP<K, V> and STRUCT<name T, ...>",
            ))
        }
    };
    Ok(ty)
}

fn skip_length(cursor: &mut Cursor) -> Result<(), SqlError> {
    if cursor.eat_token(&Token::LParen) {
        cursor.unsigned()?;
        cursor.expect_token(&Token::RParen)?;
    }
    Ok(())
}

fn small_number(cursor: &mut Cursor) -> Result<u32, SqlError> {
    let span = cursor.span();
    let n = cursor.unsigned()?;
    u32::try_from(n).map_err(|_| SqlError::parse(format!("{n} is too large"), span))
}

fn check_decimal(precision: u32, scale: u32) -> Result<SqlType, SqlError> {
    if precision == 0 {
        return Err(SqlError::type_error("DECIMAL precision must be >= 1"));
    }
    if scale > precision {
        return Err(SqlError::type_error(format!(
            "DECIMAL scale must be equal to or less than precision. precision:{precision}, scale:{scale}"
        )));
    }
    Ok(SqlType::Decimal { precision, scale })
}

/// Converts the type sqlparser read inside `CAST(x AS type)`.
pub(crate) fn convert_data_type(data_type: &DataType) -> Result<SqlType, SqlError> {
    Ok(match data_type {
        DataType::Boolean | DataType::Bool => SqlType::Boolean,
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => SqlType::Int,
        DataType::BigInt(_) | DataType::Int8(_) | DataType::Int64 => SqlType::BigInt,
        DataType::Double(_) | DataType::DoublePrecision | DataType::Float8 | DataType::Float64 => {
            SqlType::Double
        }
        DataType::String(_) | DataType::Varchar(_) | DataType::Text => SqlType::String,
        DataType::Bytes(_) | DataType::Bytea => SqlType::Bytes,
        DataType::Timestamp(..) => SqlType::Timestamp,
        DataType::Date => SqlType::Date,
        DataType::Time(..) => SqlType::Time,
        DataType::Decimal(info) | DataType::Numeric(info) | DataType::Dec(info) => match info {
            ExactNumberInfo::PrecisionAndScale(precision, scale) => {
                let precision = u32::try_from(*precision)
                    .map_err(|_| SqlError::type_error("DECIMAL precision is too large"))?;
                let scale = u32::try_from(*scale)
                    .map_err(|_| SqlError::type_error("DECIMAL scale is out of range"))?;
                check_decimal(precision, scale)?
            }
            _ => {
                return Err(SqlError::type_error(
                    "DECIMAL needs a precision and a scale: DECIMAL(p, s)",
                ))
            }
        },
        DataType::Array(ArrayElemTypeDef::AngleBracket(element)) => {
            SqlType::Array(Box::new(convert_data_type(element)?))
        }
        DataType::Map(key, value, _) => SqlType::Map(
            Box::new(convert_data_type(key)?),
            Box::new(convert_data_type(value)?),
        ),
        DataType::Struct(fields, StructBracketKind::AngleBrackets) => {
            let mut converted = Vec::with_capacity(fields.len());
            for field in fields {
                let name = match &field.field_name {
                    Some(ident) if ident.quote_style.is_some() => ident.value.clone(),
                    Some(ident) => ident.value.to_ascii_uppercase(),
                    None => {
                        return Err(SqlError::type_error(
                            "STRUCT fields need names: STRUCT<name TYPE>",
                        ))
                    }
                };
                converted.push((name, convert_data_type(&field.field_type)?));
            }
            SqlType::Struct(converted)
        }
        other => return Err(SqlError::type_error(format!("Unknown type: {other}"))),
    })
}
