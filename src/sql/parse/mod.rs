//! The ksqlDB parser: a thin wrapper over sqlparser, as DataFusion's `DFParser` is.
//!
//! The script is tokenized once, with locations, by sqlparser's tokenizer. Our own grammar (in
//! `statement.rs` and `query.rs`) reads ksqlDB's statements from that token stream and hands every
//! expression to sqlparser's expression parser, whose tree is converted into ours at once
//! (`expr.rs`). So ksqlDB-only syntax (`CREATE STREAM ... WITH`, `PRINT`, `WINDOW` right after
//! `FROM`, `EMIT CHANGES`, `PARTITION BY`) never reaches sqlparser, and a sqlparser upgrade only
//! touches this module.

pub mod complete;
pub mod highlight;
mod connector;
mod cursor;
pub mod dialect;
mod expr;
mod query;
mod statement;
mod types;

use super::ast::ParsedStatement;
use super::error::{Span, SqlError};
use dialect::KsqlDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

pub use types::parse_type;

/// Parses a whole script into its statements, or returns the first syntax error.
pub fn parse_script(sql: &str) -> Result<Vec<ParsedStatement>, SqlError> {
    let tokens = tokenize(sql)?;
    let mut statements = Vec::new();
    for statement_tokens in split_statements(tokens) {
        check_complexity(&statement_tokens)?;
        statements.push(statement::parse_statement(sql, statement_tokens)?);
    }
    Ok(statements)
}

/// Parses exactly one expression (used by tests and by tools that evaluate a single expression).
pub fn parse_expression(sql: &str) -> Result<super::ast::Expr, SqlError> {
    let tokens = tokenize(sql)?;
    let mut cursor = cursor::Cursor::new(tokens);
    let expr = cursor.expr()?;
    cursor.expect_end()?;
    Ok(expr)
}

fn tokenize(sql: &str) -> Result<Vec<TokenWithSpan>, SqlError> {
    let tokens = Tokenizer::new(&KsqlDialect, sql)
        .tokenize_with_location()
        .map_err(|error| {
            SqlError::parse(
                format!("Syntax error: {}", error.message),
                Span::from_location(error.location),
            )
        })?;
    Ok(split_double_angle_brackets(tokens))
}

/// ksqlDB has no shift operators, but sqlparser reads the `>>` that closes `ARRAY<ARRAY<INT>>`
/// as one: split it into two `>` tokens.
fn split_double_angle_brackets(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut result = Vec::with_capacity(tokens.len());
    for token in tokens {
        if token.token == Token::ShiftRight {
            result.push(TokenWithSpan::new(Token::Gt, token.span));
            result.push(TokenWithSpan::new(Token::Gt, token.span));
        } else {
            result.push(token);
        }
    }
    result
}

/// Splits the token stream at top-level semicolons, dropping empty statements.
fn split_statements(tokens: Vec<TokenWithSpan>) -> Vec<Vec<TokenWithSpan>> {
    let mut statements = Vec::new();
    let mut current = Vec::new();
    for token in tokens {
        if token.token == Token::SemiColon {
            if current.iter().any(is_significant) {
                statements.push(std::mem::take(&mut current));
            } else {
                current.clear();
            }
        } else {
            current.push(token);
        }
    }
    if current.iter().any(is_significant) {
        statements.push(current);
    }
    statements
}

/// More operators than this in one statement are refused. A chain like `1 + 1 + ... + 1`
/// becomes a tree as deep as it is long, and walking (or dropping) a very deep tree would
/// overflow the stack; real statements stay far below this.
const MAX_OPERATORS_PER_STATEMENT: usize = 400;

fn check_complexity(tokens: &[TokenWithSpan]) -> Result<(), SqlError> {
    let is_operator = |token: &Token| match token {
        Token::Plus
        | Token::Minus
        | Token::Mul
        | Token::Div
        | Token::Mod
        | Token::Eq
        | Token::Neq
        | Token::Lt
        | Token::Gt
        | Token::LtEq
        | Token::GtEq
        | Token::Arrow
        | Token::LBracket
        | Token::LParen => true,
        Token::Word(word) if word.quote_style.is_none() => {
            ["AND", "OR", "NOT", "IS", "LIKE", "BETWEEN", "IN", "WHEN"]
                .iter()
                .any(|op| word.value.eq_ignore_ascii_case(op))
        }
        _ => false,
    };
    let mut n_operators = 0usize;
    for token in tokens {
        if is_operator(&token.token) {
            n_operators += 1;
            if n_operators > MAX_OPERATORS_PER_STATEMENT {
                return Err(SqlError::parse(
                    format!("This statement has more than {MAX_OPERATORS_PER_STATEMENT} operators; streamlab refuses statements this large"),
                    Span::from_location(token.span.start),
                )
                .with_hint("split the expression, e.g. use IN (...) instead of a long chain of OR"));
            }
        }
    }
    Ok(())
}

fn is_significant(token: &TokenWithSpan) -> bool {
    !matches!(token.token, Token::Whitespace(_) | Token::EOF)
}

/// The text between two positions of the script (1-based line and column, end exclusive).
fn text_between(sql: &str, start: Span, end: Span) -> String {
    let start_byte = byte_offset(sql, start).unwrap_or(0);
    let end_byte = byte_offset(sql, end).unwrap_or(sql.len());
    sql.get(start_byte..end_byte.max(start_byte))
        .unwrap_or("")
        .trim()
        .to_string()
}

fn byte_offset(sql: &str, position: Span) -> Option<usize> {
    let mut line = 1u32;
    let mut column = 1u32;
    for (byte_idx, ch) in sql.char_indices() {
        if line == position.line && column == position.column {
            return Some(byte_idx);
        }
        if ch == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line == position.line && column == position.column).then_some(sql.len())
}

#[cfg(test)]
mod tests;
