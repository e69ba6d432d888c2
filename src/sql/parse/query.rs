//! ksqlDB's SELECT: `SELECT items FROM source [alias] [JOIN ...] [WINDOW ...] [WHERE ...]
//! [GROUP BY ...] [PARTITION BY ...] [HAVING ...] [EMIT CHANGES|FINAL] [LIMIT n]`.
//!
//! The clauses are read here; each expression is read by sqlparser. `WINDOW` sits right after
//! `FROM` in ksqlDB, where sqlparser would not expect it, which is why the clause grammar is ours.

use super::cursor::Cursor;
use crate::sql::ast::{Emit, FromItem, Join, Query, SelectItem, WindowClause};
use crate::sql::error::SqlError;
use sqlparser::tokenizer::Token;

/// Words that end a clause, so they are never read as an alias.
const CLAUSE_WORDS: &[&str] = &[
    "FROM",
    "WHERE",
    "GROUP",
    "PARTITION",
    "HAVING",
    "EMIT",
    "LIMIT",
    "WINDOW",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "OUTER",
    "ON",
    "WITHIN",
    "AS",
    "ORDER",
    "UNION",
];

pub(crate) fn parse_query(cursor: &mut Cursor) -> Result<Query, SqlError> {
    let span = cursor.span();
    cursor.expect_word("SELECT")?;
    let items = select_items(cursor)?;
    if !cursor.peek_word("FROM") {
        return Err(cursor
            .unexpected("FROM")
            .with_hint("a ksqlDB query reads from a stream or table: SELECT ... FROM name"));
    }
    cursor.next();
    let from = from_item(cursor)?;
    let mut joins = Vec::new();
    loop {
        let join_span = cursor.span();
        let kind = if cursor.eat_word("JOIN") {
            "INNER".to_string()
        } else if cursor.peek_word("INNER")
            || cursor.peek_word("LEFT")
            || cursor.peek_word("RIGHT")
            || cursor.peek_word("FULL")
        {
            let kind = match &cursor.next().token {
                Token::Word(word) => word.value.to_ascii_uppercase(),
                _ => String::new(),
            };
            cursor.eat_word("OUTER");
            cursor.expect_word("JOIN")?;
            kind
        } else {
            break;
        };
        let right = from_item(cursor)?;
        let mut within = Vec::new();
        if cursor.eat_word("WITHIN") {
            while !cursor.at_end() && !cursor.peek_word("ON") {
                within.push(cursor.next().token.to_string());
            }
        }
        cursor.expect_word("ON")?;
        let on = cursor.expr()?;
        joins.push(Join {
            kind,
            right,
            span: join_span,
            on: Some(on),
            within,
        });
    }
    let window = if cursor.peek_word("WINDOW") {
        let window_span = cursor.span();
        let start = cursor.index();
        cursor.next();
        let mut words = vec!["WINDOW".to_string()];
        if let Token::Word(word) = &cursor.peek().token {
            words.push(word.value.to_ascii_uppercase());
        }
        let mut tokens = Vec::new();
        while !cursor.at_end()
            && !["WHERE", "GROUP", "PARTITION", "HAVING", "EMIT", "LIMIT"]
                .iter()
                .any(|w| cursor.peek_word(w))
        {
            tokens.push(cursor.next().token.to_string());
        }
        let _ = start;
        Some(WindowClause {
            text: words.join(" "),
            span: window_span,
            tokens,
        })
    } else {
        None
    };
    let where_clause = if cursor.eat_word("WHERE") {
        Some(cursor.expr()?)
    } else {
        None
    };
    let group_by = if cursor.eat_words(&["GROUP", "BY"]) {
        let mut exprs = cursor.expr_or_tuple()?;
        while cursor.eat_token(&Token::Comma) {
            exprs.extend(cursor.expr_or_tuple()?);
        }
        exprs
    } else {
        Vec::new()
    };
    let partition_by = if cursor.eat_words(&["PARTITION", "BY"]) {
        expr_list(cursor)?
    } else {
        Vec::new()
    };
    let having = if cursor.eat_word("HAVING") {
        Some(cursor.expr()?)
    } else {
        None
    };
    let emit = if cursor.eat_word("EMIT") {
        if cursor.eat_word("CHANGES") {
            Some(Emit::Changes)
        } else if cursor.eat_word("FINAL") {
            Some(Emit::Final)
        } else {
            return Err(cursor.unexpected("CHANGES or FINAL after EMIT"));
        }
    } else {
        None
    };
    let limit = if cursor.eat_word("LIMIT") {
        Some(cursor.unsigned()?)
    } else {
        None
    };
    Ok(Query {
        items,
        from,
        joins,
        window,
        where_clause,
        group_by,
        partition_by,
        having,
        emit,
        limit,
        span,
    })
}

fn select_items(cursor: &mut Cursor) -> Result<Vec<SelectItem>, SqlError> {
    let mut items = Vec::new();
    loop {
        if cursor.eat_token(&Token::Mul) {
            items.push(SelectItem::Wildcard { qualifier: None });
        } else if matches!(cursor.peek().token, Token::Word(_))
            && cursor.peek_nth(1).token == Token::Period
            && cursor.peek_nth(2).token == Token::Mul
        {
            let qualifier = cursor.ident()?;
            cursor.next();
            cursor.next();
            items.push(SelectItem::Wildcard {
                qualifier: Some(qualifier),
            });
        } else {
            let expr = cursor.expr()?;
            let alias = alias(cursor)?;
            items.push(SelectItem::Expr { expr, alias });
        }
        if !cursor.eat_token(&Token::Comma) {
            return Ok(items);
        }
    }
}

fn alias(cursor: &mut Cursor) -> Result<Option<crate::sql::ast::Ident>, SqlError> {
    if cursor.eat_word("AS") {
        return cursor.ident().map(Some);
    }
    match &cursor.peek().token {
        Token::Word(word)
            if word.quote_style.is_some()
                || !CLAUSE_WORDS
                    .iter()
                    .any(|w| word.value.eq_ignore_ascii_case(w)) =>
        {
            cursor.ident().map(Some)
        }
        _ => Ok(None),
    }
}

fn from_item(cursor: &mut Cursor) -> Result<FromItem, SqlError> {
    if cursor.peek().token == Token::LParen {
        return Err(
            SqlError::unsupported("subqueries are not supported in ksqlDB").at(cursor.span()),
        );
    }
    let name = cursor.ident()?;
    let alias = alias(cursor)?;
    Ok(FromItem { name, alias })
}

fn expr_list(cursor: &mut Cursor) -> Result<Vec<crate::sql::ast::Expr>, SqlError> {
    let mut exprs = vec![cursor.expr()?];
    while cursor.eat_token(&Token::Comma) {
        exprs.push(cursor.expr()?);
    }
    Ok(exprs)
}
