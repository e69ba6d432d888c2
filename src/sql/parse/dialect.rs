//! The sqlparser [`Dialect`] for ksqlDB expressions.
//!
//! ksqlDB quotes identifiers with backquotes (and double quotes), dereferences struct fields with
//! `->` (binding tighter than arithmetic), names struct fields and map entries with `:=`, and does
//! not treat a backslash in a string literal as an escape.

use sqlparser::dialect::{Dialect, Precedence};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

#[derive(Debug, Default, Clone, Copy)]
pub struct KsqlDialect;

impl Dialect for KsqlDialect {
    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        ch == '`' || ch == '"'
    }

    fn is_identifier_start(&self, ch: char) -> bool {
        ch.is_alphabetic() || ch == '_' || ch == '@'
    }

    fn is_identifier_part(&self, ch: char) -> bool {
        ch.is_alphanumeric() || ch == '_' || ch == '@' || ch == '$'
    }

    /// ksqlDB accepts names that start with a digit (`AS 1R`).
    fn supports_numeric_prefix(&self) -> bool {
        true
    }

    fn supports_named_fn_args_with_assignment_operator(&self) -> bool {
        true
    }

    fn supports_named_fn_args_with_expr_name(&self) -> bool {
        true
    }

    fn get_next_precedence(&self, parser: &Parser) -> Option<Result<u8, ParserError>> {
        // `a->b` is a field access in ksqlDB: it binds as tightly as a subscript.
        match parser.peek_token_ref().token {
            Token::Arrow => Some(Ok(self.prec_value(Precedence::DoubleColon))),
            _ => None,
        }
    }
}
