use super::*;
use crate::sql::ast::*;

fn parse_one(sql: &str) -> Statement {
    let mut statements = parse_script(sql).unwrap();
    assert_eq!(statements.len(), 1);
    statements.remove(0).statement
}

#[test]
fn create_stream_with_key_and_properties() {
    let statement = parse_one("CREATE STREAM pageviews (page_id BIGINT KEY, `viewTime` BIGINT, tags ARRAY<ARRAY<STRING>>) WITH (kafka_topic='pv', value_format='JSON', partitions=2);");
    let Statement::CreateSource(create) = statement else {
        panic!("not a create: {statement:?}")
    };
    assert_eq!(create.name.name, "PAGEVIEWS");
    assert_eq!(create.columns.len(), 3);
    assert!(create.columns[0].key);
    assert_eq!(create.columns[1].name.name, "viewTime");
    assert_eq!(create.columns[2].ty.to_string(), "ARRAY<ARRAY<STRING>>");
    assert_eq!(
        create.properties[2].value,
        PropertyValue::Number("2".into())
    );
}

#[test]
fn create_as_select_with_window_and_emit() {
    let statement = parse_one("CREATE TABLE t AS SELECT id, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 HOUR) WHERE x > 1 GROUP BY id EMIT CHANGES;");
    let Statement::CreateAsSelect(create) = statement else {
        panic!()
    };
    let query = create.query;
    assert_eq!(query.window.unwrap().text, "WINDOW TUMBLING");
    assert!(query.where_clause.is_some());
    assert_eq!(query.group_by.len(), 1);
    assert_eq!(query.emit, Some(Emit::Changes));
}

#[test]
fn push_query_with_limit_and_struct_access() {
    let statement = parse_one("SELECT s->`END` AS e, a[1], m['k'] FROM t EMIT CHANGES LIMIT 3");
    let Statement::Select(query) = statement else {
        panic!()
    };
    assert_eq!(query.limit, Some(3));
    assert!(
        matches!(&query.items[0], SelectItem::Expr { expr: Expr::Dereference { field, .. }, .. } if field == "END")
    );
}

#[test]
fn errors_carry_line_and_column() {
    let error =
        parse_script("CREATE STREAM s (id INT) WITH (kafka_topic='t');\nSELECT FROM;").unwrap_err();
    assert_eq!(error.span.map(|s| s.line), Some(2), "{error}");
    let error = parse_script("CREATE STREM s (id INT);").unwrap_err();
    assert_eq!(error.span, Some(Span::new(1, 8)), "{error}");
}

#[test]
fn statement_text_is_kept() {
    let statements = parse_script(
        "SET 'auto.offset.reset' = 'earliest';\n  PRINT 'topic' FROM BEGINNING LIMIT 2;",
    )
    .unwrap();
    assert_eq!(statements[1].text, "PRINT 'topic' FROM BEGINNING LIMIT 2");
    assert!(matches!(
        statements[1].statement,
        Statement::Print {
            from_beginning: true,
            limit: Some(2),
            ..
        }
    ));
}

#[test]
fn insert_values_with_struct_and_map() {
    let statement = parse_one("INSERT INTO s (ROWTIME, v, m) VALUES (1234, STRUCT(FOO := 2.1, `bar` := ARRAY['x']), MAP('a' := -1))");
    let Statement::InsertValues {
        columns, values, ..
    } = statement
    else {
        panic!()
    };
    assert_eq!(columns.unwrap().len(), 3);
    assert!(matches!(&values[1], Expr::StructLiteral(fields) if fields[1].0 == "bar"));
    assert!(
        matches!(&values[2], Expr::MapLiteral(entries) if matches!(&entries[0].1, Expr::Literal { value: Literal::Integer(d), .. } if d == "-1"))
    );
}

#[test]
fn names_may_start_with_a_digit_and_numbers_keep_their_form() {
    let Statement::Select(query) =
        parse_one("SELECT ROUND(v, -1) AS 1R, 1e3, 1.50, 4294967296 FROM s")
    else {
        panic!()
    };
    assert!(
        matches!(&query.items[0], SelectItem::Expr { alias: Some(alias), .. } if alias.name == "1R")
    );
    let literals: Vec<&Literal> = query.items[1..]
        .iter()
        .map(|item| match item {
            SelectItem::Expr {
                expr: Expr::Literal { value, .. },
                ..
            } => value,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        literals,
        vec![
            &Literal::Double("1e3".into()),
            &Literal::Decimal("1.50".into()),
            &Literal::Integer("4294967296".into())
        ]
    );
}

#[test]
fn other_statements() {
    assert!(matches!(
        parse_one("SHOW STREAMS"),
        Statement::Show {
            what: ShowTarget::Streams,
            extended: false
        }
    ));
    assert!(matches!(
        parse_one("LIST TOPICS EXTENDED"),
        Statement::Show {
            what: ShowTarget::Topics,
            extended: true
        }
    ));
    assert!(matches!(
        parse_one("DESCRIBE EXTENDED s"),
        Statement::Describe { extended: true, .. }
    ));
    assert!(matches!(
        parse_one("DROP TABLE IF EXISTS t DELETE TOPIC"),
        Statement::Drop {
            if_exists: true,
            delete_topic: true,
            ..
        }
    ));
    assert!(matches!(
        parse_one("TERMINATE ALL"),
        Statement::Terminate { query_id: None }
    ));
    assert!(matches!(
        parse_one("EXPLAIN CSAS_X_0"),
        Statement::Explain(ExplainTarget::QueryId(_))
    ));
    assert!(matches!(
        parse_one("UNSET 'auto.offset.reset'"),
        Statement::Unset { .. }
    ));
}

#[test]
fn backslash_is_not_an_escape_and_quotes_double() {
    let expr = parse_expression("CONCAT('''', 'a\\')").unwrap();
    let Expr::Function { args, .. } = expr else {
        panic!()
    };
    assert!(matches!(&args[0], Expr::Literal { value: Literal::String(s), .. } if s == "'"));
    assert!(matches!(&args[1], Expr::Literal { value: Literal::String(s), .. } if s == "a\\"));
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "CREATE",
        "STREAM",
        "TABLE",
        "AS",
        "SELECT",
        "*",
        "FROM",
        "WHERE",
        "WITH",
        "(",
        ")",
        ",",
        ";",
        "'t'",
        "x",
        "`q`",
        "KEY",
        "PRIMARY",
        "INT",
        "ARRAY",
        "<",
        ">",
        ">>",
        "MAP",
        "STRUCT",
        "EMIT",
        "CHANGES",
        "LIMIT",
        "1",
        "1.5",
        "-",
        "+",
        "->",
        "[",
        "]",
        ":=",
        "CASE",
        "WHEN",
        "THEN",
        "ELSE",
        "END",
        "INSERT",
        "INTO",
        "VALUES",
        "PRINT",
        "SHOW",
        "DROP",
        "WINDOW",
        "TUMBLING",
        "GROUP",
        "BY",
        "PARTITION",
        "NOT",
        "NULL",
        "IS",
        "LIKE",
        "BETWEEN",
        "AND",
        "OR",
        "CAST",
        "DESCRIBE",
        "EXPLAIN",
        "TERMINATE",
        "SET",
        "=",
        "\"",
        "'",
        "`",
        "\n",
    ];

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,80}") {
            let _ = parse_script(&text);
        }

        #[test]
        fn token_soup_never_panics(picks in proptest::collection::vec(0..WORDS.len(), 0..40)) {
            let text: Vec<&str> = picks.iter().map(|&i| WORDS[i]).collect();
            let _ = parse_script(&text.join(" "));
        }
    }

    #[test]
    fn deeply_nested_types_are_an_error_not_a_stack_overflow() {
        let sql = format!(
            "CREATE STREAM s (a {}INT{}) WITH (kafka_topic='t');",
            "ARRAY<".repeat(100_000),
            ">".repeat(100_000)
        );
        assert!(parse_script(&sql).is_err());
        assert!(parse_script(
            "CREATE STREAM s (a ARRAY<ARRAY<MAP<STRING, STRUCT<X INT>>>>) WITH (kafka_topic='t');"
        )
        .is_ok());
    }

    #[test]
    fn long_operator_chains_do_not_overflow_the_stack() {
        let sql = format!("SELECT 1{} FROM s;", " + 1".repeat(100_000));
        assert!(parse_script(&sql).is_err());
        let sql = format!("SELECT 1 FROM s WHERE {}TRUE;", "NOT ".repeat(100_000));
        assert!(parse_script(&sql).is_err());
        let sql = format!("SELECT 1 FROM s WHERE {}TRUE;", "NOT ".repeat(30));
        assert!(parse_script(&sql).is_err());
        // Just below the limit a chain parses. Unoptimised test builds use far bigger stack
        // frames than release and wasm builds (where 1 MiB suffices), hence the larger stack.
        let below_limit = std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn(|| parse_script(&format!("SELECT 1{} FROM s;", " + 1".repeat(399))).is_ok())
            .unwrap();
        assert!(below_limit.join().unwrap());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let sql = format!("SELECT {}1{} FROM s;", "(".repeat(5000), ")".repeat(5000));
        assert!(parse_script(&sql).is_err());
    }
}

#[test]
fn group_by_a_parenthesised_list_is_a_list_and_a_subscript_keeps_its_qualifier() {
    let statement =
        parse_one("SELECT t.a[1], COUNT(*) FROM s t GROUP BY (f3, f2), (f1 + 1) EMIT CHANGES;");
    let Statement::Select(query) = statement else {
        panic!("not a select: {statement:?}")
    };
    assert_eq!(query.group_by.len(), 3);
    assert!(matches!(&query.group_by[2], Expr::Binary { .. }));
    let Some(SelectItem::Expr {
        expr: Expr::Subscript { expr, .. },
        ..
    }) = query.items.first()
    else {
        panic!("not a subscript: {:?}", query.items.first())
    };
    assert!(
        matches!(expr.as_ref(), Expr::Column { qualifier: Some(q), name } if q.name == "T" && name.name == "A"),
        "{expr:?}"
    );
}
