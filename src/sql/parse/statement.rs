//! ksqlDB's statements: CREATE, INSERT, SELECT, PRINT, SHOW/LIST, DESCRIBE, EXPLAIN, DROP,
//! TERMINATE, SET and UNSET.

use super::cursor::Cursor;
use super::query::parse_query;
use super::types::sql_type;
use crate::sql::ast::{
    ColumnDef, CreateAsSelect, CreateSource, DescribeTarget, ExplainTarget, ParsedStatement,
    Property, PropertyValue, ShowTarget, SourceKind, Statement,
};
use crate::sql::error::{Span, SqlError};
use sqlparser::tokenizer::{Token, TokenWithSpan};

pub(crate) fn parse_statement(
    sql: &str,
    tokens: Vec<TokenWithSpan>,
) -> Result<ParsedStatement, SqlError> {
    let significant =
        |token: &&TokenWithSpan| !matches!(token.token, Token::Whitespace(_) | Token::EOF);
    let start = tokens
        .iter()
        .find(significant)
        .and_then(|t| Span::from_location(t.span.start));
    let end = tokens
        .iter()
        .rev()
        .find(significant)
        .and_then(|t| Span::from_location(t.span.end));
    let text = match (start, end) {
        (Some(start), Some(end)) => super::text_between(sql, start, end),
        _ => String::new(),
    };
    let mut cursor = Cursor::new(tokens);
    let statement = statement(sql, &mut cursor)?;
    cursor.expect_end()?;
    Ok(ParsedStatement {
        statement,
        span: start,
        text,
    })
}

fn statement(sql: &str, cursor: &mut Cursor) -> Result<Statement, SqlError> {
    if let Some(connector) = super::connector::connector_statement(cursor)? {
        return Ok(Statement::Connector(connector));
    }
    let word = match &cursor.peek().token {
        Token::Word(word) if word.quote_style.is_none() => word.value.to_ascii_uppercase(),
        _ => return Err(cursor.unexpected("a statement")),
    };
    match word.as_str() {
        "CREATE" => create(cursor),
        "INSERT" => insert(cursor),
        "SELECT" => Ok(Statement::Select(parse_query(cursor)?)),
        "PRINT" => print(cursor),
        "SHOW" | "LIST" => show(cursor),
        "DESCRIBE" => describe(cursor),
        "EXPLAIN" => explain(sql, cursor),
        "DROP" => drop(cursor),
        "TERMINATE" => {
            cursor.next();
            if cursor.eat_word("ALL") {
                Ok(Statement::Terminate { query_id: None })
            } else {
                Ok(Statement::Terminate { query_id: Some(cursor.ident()?) })
            }
        }
        "SET" => {
            cursor.next();
            let name = cursor.string()?;
            cursor.expect_token(&Token::Eq)?;
            let value = cursor.string()?;
            Ok(Statement::Set { name, value })
        }
        "UNSET" => {
            cursor.next();
            Ok(Statement::Unset { name: cursor.string()? })
        }
        other => Err(SqlError::parse(format!("Syntax error: unknown statement {other}"), cursor.span()).with_hint(
            "ksqlDB statements start with CREATE, INSERT, SELECT, PRINT, SHOW, LIST, DESCRIBE, EXPLAIN, DROP, TERMINATE, SET or UNSET",
        )),
    }
}

fn source_kind(cursor: &mut Cursor) -> Result<SourceKind, SqlError> {
    if cursor.eat_word("STREAM") {
        Ok(SourceKind::Stream)
    } else if cursor.eat_word("TABLE") {
        Ok(SourceKind::Table)
    } else {
        Err(cursor.unexpected("STREAM or TABLE"))
    }
}

fn create(cursor: &mut Cursor) -> Result<Statement, SqlError> {
    cursor.expect_word("CREATE")?;
    let or_replace = cursor.eat_words(&["OR", "REPLACE"]);
    if cursor.peek_word("SOURCE") {
        return Err(
            SqlError::unsupported("CREATE SOURCE STREAM|TABLE is not supported yet")
                .at(cursor.span()),
        );
    }
    let kind = source_kind(cursor)?;
    let if_not_exists = cursor.eat_words(&["IF", "NOT", "EXISTS"]);
    let name = cursor.ident()?;
    let columns = if cursor.peek().token == Token::LParen {
        column_defs(cursor)?
    } else {
        Vec::new()
    };
    let properties = if cursor.eat_word("WITH") {
        properties(cursor)?
    } else {
        Vec::new()
    };
    if cursor.eat_word("AS") {
        if !columns.is_empty() {
            return Err(SqlError::parse("Syntax error: CREATE ... AS SELECT takes its columns from the query, not from a column list", name.span));
        }
        let query = parse_query(cursor)?;
        return Ok(Statement::CreateAsSelect(CreateAsSelect {
            kind,
            or_replace,
            if_not_exists,
            name,
            properties,
            query,
        }));
    }
    Ok(Statement::CreateSource(CreateSource {
        kind,
        or_replace,
        if_not_exists,
        name,
        columns,
        properties,
    }))
}

fn column_defs(cursor: &mut Cursor) -> Result<Vec<ColumnDef>, SqlError> {
    cursor.expect_token(&Token::LParen)?;
    let mut columns = Vec::new();
    if cursor.eat_token(&Token::RParen) {
        return Ok(columns);
    }
    loop {
        let span = cursor.span();
        let name = cursor.ident()?;
        let ty = sql_type(cursor)?;
        let (key, primary_key) = if cursor.eat_words(&["PRIMARY", "KEY"]) {
            (true, true)
        } else if cursor.eat_word("KEY") {
            (true, false)
        } else if cursor.peek_word("HEADERS") || cursor.peek_word("HEADER") {
            return Err(
                SqlError::unsupported("HEADERS columns are not supported yet").at(cursor.span()),
            );
        } else {
            (false, false)
        };
        columns.push(ColumnDef {
            name,
            ty,
            key,
            primary_key,
            span,
        });
        if cursor.eat_token(&Token::RParen) {
            return Ok(columns);
        }
        if !cursor.eat_token(&Token::Comma) {
            return Err(cursor.unexpected("',' or ')' after a column"));
        }
    }
}

fn properties(cursor: &mut Cursor) -> Result<Vec<Property>, SqlError> {
    cursor.expect_token(&Token::LParen)?;
    let mut properties = Vec::new();
    if cursor.eat_token(&Token::RParen) {
        return Ok(properties);
    }
    loop {
        let span = cursor.span();
        let name = match &cursor.peek().token {
            Token::Word(word) => word.value.to_ascii_uppercase(),
            Token::SingleQuotedString(text) => text.to_ascii_uppercase(),
            _ => return Err(cursor.unexpected("a property name")),
        };
        cursor.next();
        cursor.expect_token(&Token::Eq)?;
        let value = match cursor.next().token {
            Token::SingleQuotedString(text) => PropertyValue::String(text),
            Token::Number(digits, _) => PropertyValue::Number(digits),
            Token::Minus => match cursor.next().token {
                Token::Number(digits, _) => PropertyValue::Number(format!("-{digits}")),
                _ => {
                    return Err(SqlError::parse(
                        "Syntax error: expected a number after '-'",
                        span,
                    ))
                }
            },
            Token::Word(word)
                if word.quote_style.is_none() && word.value.eq_ignore_ascii_case("true") =>
            {
                PropertyValue::Boolean(true)
            }
            Token::Word(word)
                if word.quote_style.is_none() && word.value.eq_ignore_ascii_case("false") =>
            {
                PropertyValue::Boolean(false)
            }
            Token::Word(word) => PropertyValue::Identifier(word.value),
            other => {
                return Err(SqlError::parse(
                    format!("Syntax error: expected a value for {name}, found '{other}'"),
                    span,
                )
                .with_hint(format!("quote text values: {name}='value'")))
            }
        };
        properties.push(Property { name, value, span });
        if cursor.eat_token(&Token::RParen) {
            return Ok(properties);
        }
        if !cursor.eat_token(&Token::Comma) {
            return Err(cursor.unexpected("',' or ')' after a property"));
        }
    }
}

fn insert(cursor: &mut Cursor) -> Result<Statement, SqlError> {
    cursor.expect_word("INSERT")?;
    cursor.expect_word("INTO")?;
    let target = cursor.ident()?;
    if cursor.eat_word("WITH") {
        properties(cursor)?;
    }
    if cursor.peek_word("SELECT") {
        return Ok(Statement::InsertSelect {
            target,
            query: parse_query(cursor)?,
        });
    }
    let columns = if cursor.eat_token(&Token::LParen) {
        let mut columns = vec![cursor.ident()?];
        while cursor.eat_token(&Token::Comma) {
            columns.push(cursor.ident()?);
        }
        cursor.expect_token(&Token::RParen)?;
        Some(columns)
    } else {
        None
    };
    if !cursor.eat_word("VALUES") {
        return Err(cursor.unexpected("VALUES or SELECT"));
    }
    cursor.expect_token(&Token::LParen)?;
    let mut values = Vec::new();
    if !cursor.eat_token(&Token::RParen) {
        values.push(cursor.expr()?);
        while cursor.eat_token(&Token::Comma) {
            values.push(cursor.expr()?);
        }
        cursor.expect_token(&Token::RParen)?;
    }
    Ok(Statement::InsertValues {
        target,
        columns,
        values,
    })
}

fn print(cursor: &mut Cursor) -> Result<Statement, SqlError> {
    cursor.expect_word("PRINT")?;
    let span = cursor.span();
    let (topic, _quoted) = cursor.ident_or_string()?;
    let from_beginning = cursor.eat_words(&["FROM", "BEGINNING"]);
    let mut interval = None;
    let mut limit = None;
    loop {
        if cursor.eat_word("INTERVAL") || cursor.eat_word("SAMPLE") {
            interval = Some(cursor.unsigned()?);
        } else if cursor.eat_word("LIMIT") {
            limit = Some(cursor.unsigned()?);
        } else {
            break;
        }
    }
    Ok(Statement::Print {
        topic,
        span,
        from_beginning,
        interval,
        limit,
    })
}

fn show(cursor: &mut Cursor) -> Result<Statement, SqlError> {
    cursor.next();
    cursor.eat_word("ALL");
    let what = if cursor.eat_word("STREAMS") {
        ShowTarget::Streams
    } else if cursor.eat_word("TABLES") {
        ShowTarget::Tables
    } else if cursor.eat_word("TOPICS") {
        ShowTarget::Topics
    } else if cursor.eat_word("QUERIES") {
        ShowTarget::Queries
    } else if cursor.eat_word("PROPERTIES") {
        ShowTarget::Properties
    } else if cursor.eat_word("FUNCTIONS") {
        ShowTarget::Functions
    } else {
        return Err(cursor.unexpected("STREAMS, TABLES, TOPICS, QUERIES, PROPERTIES or FUNCTIONS"));
    };
    let extended = cursor.eat_word("EXTENDED");
    Ok(Statement::Show { what, extended })
}

fn describe(cursor: &mut Cursor) -> Result<Statement, SqlError> {
    cursor.expect_word("DESCRIBE")?;
    if cursor.eat_word("FUNCTION") {
        let name = cursor.ident()?;
        return Ok(Statement::Describe {
            target: DescribeTarget::Function(name.name.to_ascii_uppercase()),
            extended: false,
        });
    }
    let mut extended = cursor.eat_word("EXTENDED");
    let target = if cursor.peek_word("STREAMS") && cursor.peek_nth(1).token == Token::EOF
        || cursor.peek_word("STREAMS") && cursor.peek_nth_word(1, "EXTENDED")
    {
        cursor.next();
        DescribeTarget::Streams
    } else if cursor.peek_word("TABLES")
        && (cursor.peek_nth(1).token == Token::EOF || cursor.peek_nth_word(1, "EXTENDED"))
    {
        cursor.next();
        DescribeTarget::Tables
    } else {
        DescribeTarget::Source(cursor.ident()?)
    };
    extended |= cursor.eat_word("EXTENDED");
    Ok(Statement::Describe { target, extended })
}

fn explain(sql: &str, cursor: &mut Cursor) -> Result<Statement, SqlError> {
    cursor.expect_word("EXPLAIN")?;
    let is_statement = ["SELECT", "CREATE", "INSERT"]
        .iter()
        .any(|word| cursor.peek_word(word));
    if !is_statement {
        return Ok(Statement::Explain(ExplainTarget::QueryId(cursor.ident()?)));
    }
    let start = cursor.span();
    let inner = statement(sql, cursor)?;
    Ok(Statement::Explain(ExplainTarget::Statement(Box::new(
        ParsedStatement {
            statement: inner,
            span: start,
            text: String::new(),
        },
    ))))
}

fn drop(cursor: &mut Cursor) -> Result<Statement, SqlError> {
    cursor.expect_word("DROP")?;
    let kind = source_kind(cursor)?;
    let if_exists = cursor.eat_words(&["IF", "EXISTS"]);
    let name = cursor.ident()?;
    let delete_topic = cursor.eat_words(&["DELETE", "TOPIC"]);
    Ok(Statement::Drop {
        kind,
        name,
        if_exists,
        delete_topic,
    })
}
