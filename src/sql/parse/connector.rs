//! Kafka Connect statements as ksqlDB writes them:
//! `CREATE SOURCE|SINK CONNECTOR [IF NOT EXISTS] name WITH ("connector.class"='...', ...)`,
//! `SHOW|LIST CONNECTORS`, `DESCRIBE CONNECTOR name`, `DROP CONNECTOR [IF EXISTS] name`.
//! Connector names and config keys are case-sensitive in Connect, so both are kept as written.

use super::cursor::Cursor;
use crate::sql::ast::ConnectorStatement;
use crate::sql::error::SqlError;
use sqlparser::tokenizer::Token;

/// The connector statement at the cursor, or `None` (cursor untouched) for any other statement.
pub(super) fn connector_statement(cursor: &mut Cursor) -> Result<Option<ConnectorStatement>, SqlError> {
    let is_create = cursor.peek_word("CREATE")
        && (cursor.peek_nth_word(1, "SOURCE") || cursor.peek_nth_word(1, "SINK"))
        && cursor.peek_nth_word(2, "CONNECTOR");
    if is_create {
        cursor.next();
        let source = cursor.eat_word("SOURCE");
        if !source {
            cursor.expect_word("SINK")?;
        }
        cursor.expect_word("CONNECTOR")?;
        let if_not_exists = cursor.eat_words(&["IF", "NOT", "EXISTS"]);
        let span = cursor.span();
        let name = name(cursor)?;
        cursor.expect_word("WITH")?;
        let config = config(cursor)?;
        return Ok(Some(ConnectorStatement::Create { source, name, if_not_exists, config, span }));
    }
    if (cursor.peek_word("SHOW") || cursor.peek_word("LIST")) && cursor.peek_nth_word(1, "CONNECTORS") {
        cursor.next();
        cursor.next();
        return Ok(Some(ConnectorStatement::Show));
    }
    if cursor.peek_word("DESCRIBE") && cursor.peek_nth_word(1, "CONNECTOR") {
        cursor.next();
        cursor.next();
        let span = cursor.span();
        return Ok(Some(ConnectorStatement::Describe { name: name(cursor)?, span }));
    }
    if cursor.peek_word("DROP") && cursor.peek_nth_word(1, "CONNECTOR") {
        cursor.next();
        cursor.next();
        let if_exists = cursor.eat_words(&["IF", "EXISTS"]);
        let span = cursor.span();
        return Ok(Some(ConnectorStatement::Drop { name: name(cursor)?, if_exists, span }));
    }
    Ok(None)
}

/// A connector name: a word (kept as written, as Connect does) or a quoted string.
fn name(cursor: &mut Cursor) -> Result<String, SqlError> {
    match &cursor.peek().token {
        Token::Word(word) => {
            let name = word.value.clone();
            cursor.next();
            Ok(name)
        }
        Token::SingleQuotedString(text) => {
            let name = text.clone();
            cursor.next();
            Ok(name)
        }
        _ => Err(cursor.unexpected("a connector name")),
    }
}

/// `("key"='value', 'key'='value', key=42, ...)`: keys as written, values as their text.
fn config(cursor: &mut Cursor) -> Result<Vec<(String, String)>, SqlError> {
    cursor.expect_token(&Token::LParen)?;
    let mut config = Vec::new();
    if cursor.eat_token(&Token::RParen) {
        return Ok(config);
    }
    loop {
        let key = match &cursor.peek().token {
            Token::Word(word) => word.value.clone(),
            Token::SingleQuotedString(text) => text.clone(),
            _ => return Err(cursor.unexpected("a connector config key such as \"connector.class\"")),
        };
        cursor.next();
        cursor.expect_token(&Token::Eq)?;
        let value = match &cursor.peek().token {
            Token::SingleQuotedString(text) => text.clone(),
            Token::Number(digits, _) => digits.clone(),
            Token::Word(word) if word.quote_style.is_none() => word.value.to_ascii_lowercase(),
            _ => return Err(cursor.unexpected(&format!("a value for '{key}'"))),
        };
        cursor.next();
        config.push((key, value));
        if cursor.eat_token(&Token::RParen) {
            return Ok(config);
        }
        if !cursor.eat_token(&Token::Comma) {
            return Err(cursor.unexpected("',' or ')'"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sql::ast::{ConnectorStatement, Statement};
    use crate::sql::parse::parse_script;

    fn one(sql: &str) -> ConnectorStatement {
        match parse_script(sql).unwrap().remove(0).statement {
            Statement::Connector(c) => c,
            other => panic!("not a connector statement: {other:?}"),
        }
    }

    #[test]
    fn create_keeps_keys_and_names_as_written() {
        let sql = r#"CREATE SOURCE CONNECTOR `pg-orders` WITH ("connector.class"='io.debezium.connector.postgresql.PostgresConnector', 'table.include.list'='public.orders', "tasks.max"=1, "tombstones.on.delete"=false);"#;
        let ConnectorStatement::Create { source, name, config, if_not_exists, .. } = one(sql) else { panic!() };
        assert!(source && !if_not_exists);
        assert_eq!(name, "pg-orders");
        assert_eq!(config[0], ("connector.class".to_string(), "io.debezium.connector.postgresql.PostgresConnector".to_string()));
        assert_eq!(config[1].0, "table.include.list");
        assert_eq!(config[2], ("tasks.max".to_string(), "1".to_string()));
        assert_eq!(config[3], ("tombstones.on.delete".to_string(), "false".to_string()));
        let ConnectorStatement::Create { source, if_not_exists, .. } = one("create sink connector if not exists s with ('topics'='t')") else { panic!() };
        assert!(!source && if_not_exists);
    }

    #[test]
    fn show_describe_drop() {
        assert_eq!(one("SHOW CONNECTORS"), ConnectorStatement::Show);
        assert_eq!(one("list connectors;"), ConnectorStatement::Show);
        assert!(matches!(one("DESCRIBE CONNECTOR lake"), ConnectorStatement::Describe { name, .. } if name == "lake"));
        assert!(matches!(one("DROP CONNECTOR IF EXISTS lake"), ConnectorStatement::Drop { name, if_exists: true, .. } if name == "lake"));
    }

    #[test]
    fn malformed_statements_are_errors_with_positions() {
        for sql in ["CREATE SINK CONNECTOR s", "CREATE SINK CONNECTOR s WITH ('a')", "CREATE SINK CONNECTOR s WITH ('a'='b' 'c'='d')", "DROP CONNECTOR"] {
            let error = parse_script(sql).unwrap_err();
            assert!(error.span.is_some(), "{sql}: {error:?}");
        }
        // Other statements still parse as before.
        assert!(matches!(parse_script("SHOW STREAMS").unwrap()[0].statement, Statement::Show { .. }));
        assert!(matches!(parse_script("DROP STREAM s").unwrap()[0].statement, Statement::Drop { .. }));
    }
}
