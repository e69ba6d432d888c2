//! streamlab's own SQL syntax tree for the ksqlDB dialect.
//!
//! The parser converts sqlparser's tree into this one at once, so the rest of the engine never
//! sees sqlparser types and an upgrade of sqlparser touches `parse/` only.

use super::error::Span;
use super::types::SqlType;

/// A name as ksqlDB stores it: unquoted names are upper-cased, quoted ones (`` `name` `` or
/// `"name"`) are kept exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub quoted: bool,
    pub span: Option<Span>,
}

impl Ident {
    pub fn new(name: impl Into<String>) -> Ident {
        Ident {
            name: name.into(),
            quoted: false,
            span: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Stream,
    Table,
}

impl SourceKind {
    pub fn word(self) -> &'static str {
        match self {
            SourceKind::Stream => "STREAM",
            SourceKind::Table => "TABLE",
        }
    }
}

/// One statement of a script, with where it starts and its own text (for `SHOW QUERIES`,
/// `DESCRIBE EXTENDED` and `EXPLAIN`).
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedStatement {
    pub statement: Statement,
    pub span: Option<Span>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// `CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name (columns) WITH (...)`
    CreateSource(CreateSource),
    /// `CREATE [OR REPLACE] STREAM|TABLE name [WITH (...)] AS SELECT ...`
    CreateAsSelect(CreateAsSelect),
    /// `INSERT INTO name SELECT ...`
    InsertSelect { target: Ident, query: Query },
    /// `INSERT INTO name [(columns)] VALUES (...)`
    InsertValues {
        target: Ident,
        columns: Option<Vec<Ident>>,
        values: Vec<Expr>,
    },
    /// A transient query: `SELECT ... [EMIT CHANGES] [LIMIT n]`.
    Select(Query),
    /// `PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n]`
    Print {
        topic: String,
        span: Option<Span>,
        from_beginning: bool,
        interval: Option<u64>,
        limit: Option<u64>,
    },
    /// `SHOW|LIST STREAMS|TABLES|TOPICS|QUERIES|PROPERTIES|FUNCTIONS [EXTENDED]`
    Show { what: ShowTarget, extended: bool },
    /// `DESCRIBE [EXTENDED] name`, `DESCRIBE STREAMS|TABLES [EXTENDED]`
    Describe {
        target: DescribeTarget,
        extended: bool,
    },
    /// `EXPLAIN query_id` or `EXPLAIN statement`
    Explain(ExplainTarget),
    /// `DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC]`
    Drop {
        kind: SourceKind,
        name: Ident,
        if_exists: bool,
        delete_topic: bool,
    },
    /// `TERMINATE query_id` or `TERMINATE ALL` (`None`).
    Terminate { query_id: Option<Ident> },
    /// `SET 'name' = 'value'`
    Set { name: String, value: String },
    /// `UNSET 'name'`
    Unset { name: String },
    /// Kafka Connect: `CREATE SOURCE|SINK CONNECTOR`, `SHOW CONNECTORS`, `DESCRIBE CONNECTOR`,
    /// `DROP CONNECTOR`. The engine has no connectors: the world runs these (`crate::connect`).
    Connector(ConnectorStatement),
}

/// A Kafka Connect statement, as ksqlDB forwards it to its Connect cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectorStatement {
    /// `CREATE SOURCE|SINK CONNECTOR [IF NOT EXISTS] name WITH ("key"='value', ...)`; keys
    /// are kept as written (Connect's keys are case-sensitive), values as text.
    Create { source: bool, name: String, if_not_exists: bool, config: Vec<(String, String)>, span: Option<Span> },
    /// `SHOW|LIST CONNECTORS`
    Show,
    /// `DESCRIBE CONNECTOR name`
    Describe { name: String, span: Option<Span> },
    /// `DROP CONNECTOR [IF EXISTS] name`
    Drop { name: String, if_exists: bool, span: Option<Span> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowTarget {
    Streams,
    Tables,
    Topics,
    Queries,
    Properties,
    Functions,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DescribeTarget {
    Source(Ident),
    Streams,
    Tables,
    Function(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExplainTarget {
    QueryId(Ident),
    Statement(Box<ParsedStatement>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef {
    pub name: Ident,
    pub ty: SqlType,
    /// `KEY` (stream) or `PRIMARY KEY` (table).
    pub key: bool,
    pub primary_key: bool,
    pub span: Option<Span>,
}

/// One `WITH (name = value)` property. Names are upper-cased, as ksqlDB treats them.
#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    pub name: String,
    pub value: PropertyValue,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PropertyValue {
    String(String),
    Number(String),
    Boolean(bool),
    Identifier(String),
}

impl PropertyValue {
    /// The value as text, whatever its literal form.
    pub fn as_text(&self) -> String {
        match self {
            PropertyValue::String(text)
            | PropertyValue::Number(text)
            | PropertyValue::Identifier(text) => text.clone(),
            PropertyValue::Boolean(flag) => flag.to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateSource {
    pub kind: SourceKind,
    pub or_replace: bool,
    pub if_not_exists: bool,
    pub name: Ident,
    pub columns: Vec<ColumnDef>,
    pub properties: Vec<Property>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateAsSelect {
    pub kind: SourceKind,
    pub or_replace: bool,
    pub if_not_exists: bool,
    pub name: Ident,
    pub properties: Vec<Property>,
    pub query: Query,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    Changes,
    Final,
}

/// A ksqlDB query: `SELECT items FROM source [JOIN ...] [WINDOW ...] [WHERE ...] [GROUP BY ...]
/// [PARTITION BY ...] [HAVING ...] [EMIT CHANGES|FINAL] [LIMIT n]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub items: Vec<SelectItem>,
    pub from: FromItem,
    pub joins: Vec<Join>,
    pub window: Option<WindowClause>,
    pub where_clause: Option<Expr>,
    pub group_by: Vec<Expr>,
    pub partition_by: Vec<Expr>,
    pub having: Option<Expr>,
    pub emit: Option<Emit>,
    pub limit: Option<u64>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FromItem {
    pub name: Ident,
    pub alias: Option<Ident>,
}

/// A join, kept as syntax so that the planner can say it is not supported yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Join {
    pub kind: String,
    pub right: FromItem,
    pub span: Option<Span>,
    /// The `ON` condition.
    pub on: Option<Expr>,
    /// The `WITHIN ...` words of a stream-stream join, as tokens.
    pub within: Vec<String>,
}

/// A `WINDOW TUMBLING|HOPPING|SESSION (...)` clause, kept as its words so that the planner can
/// say it is not supported yet.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowClause {
    pub text: String,
    pub span: Option<Span>,
    /// The clause's tokens after `WINDOW`, as text (`TUMBLING`, `(`, `SIZE`, `30`, `SECONDS`, `)`),
    /// read by `plan::window`.
    pub tokens: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SelectItem {
    /// `*` or `alias.*`
    Wildcard {
        qualifier: Option<Ident>,
    },
    Expr {
        expr: Expr,
        alias: Option<Ident>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOperator {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
}

impl BinaryOperator {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOperator::Add => "+",
            BinaryOperator::Subtract => "-",
            BinaryOperator::Multiply => "*",
            BinaryOperator::Divide => "/",
            BinaryOperator::Modulo => "%",
            BinaryOperator::Eq => "=",
            BinaryOperator::NotEq => "<>",
            BinaryOperator::Lt => "<",
            BinaryOperator::LtEq => "<=",
            BinaryOperator::Gt => ">",
            BinaryOperator::GtEq => ">=",
            BinaryOperator::And => "AND",
            BinaryOperator::Or => "OR",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Null,
    Boolean(bool),
    /// An integer literal's digits; typed INT or BIGINT by its size, as ksqlDB does.
    Integer(String),
    /// A literal with a decimal point (`1.5`): a DECIMAL in ksqlDB.
    Decimal(String),
    /// A literal with an exponent (`1e3`): a DOUBLE in ksqlDB.
    Double(String),
    String(String),
}

/// An expression in the ksqlDB dialect.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A column, optionally qualified by a source name or alias (`I.NAME`).
    Column {
        qualifier: Option<Ident>,
        name: Ident,
    },
    Literal {
        value: Literal,
        span: Option<Span>,
    },
    Binary {
        op: BinaryOperator,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Not(Box<Expr>),
    Negate(Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    IsDistinctFrom {
        left: Box<Expr>,
        right: Box<Expr>,
        negated: bool,
    },
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        escape: Option<char>,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`
    Case {
        operand: Option<Box<Expr>>,
        branches: Vec<(Expr, Expr)>,
        else_result: Option<Box<Expr>>,
    },
    Cast {
        expr: Box<Expr>,
        ty: SqlType,
    },
    /// A function call; `star` marks `COUNT(*)`.
    Function {
        name: String,
        args: Vec<Expr>,
        star: bool,
        span: Option<Span>,
    },
    /// `struct->field`
    Dereference {
        expr: Box<Expr>,
        field: String,
    },
    /// `array[index]` (1-based, negative from the end) or `map[key]`.
    Subscript {
        expr: Box<Expr>,
        index: Box<Expr>,
    },
    ArrayLiteral(Vec<Expr>),
    MapLiteral(Vec<(Expr, Expr)>),
    StructLiteral(Vec<(String, Expr)>),
}

impl Expr {
    /// The first position known inside this expression, for error messages.
    pub fn span(&self) -> Option<Span> {
        match self {
            Expr::Column { qualifier, name } => {
                qualifier.as_ref().and_then(|q| q.span).or(name.span)
            }
            Expr::Literal { span, .. } | Expr::Function { span, .. } => *span,
            Expr::Binary { left, right, .. } => left.span().or_else(|| right.span()),
            Expr::Not(inner) | Expr::Negate(inner) => inner.span(),
            Expr::IsNull { expr, .. }
            | Expr::Like { expr, .. }
            | Expr::Between { expr, .. }
            | Expr::InList { expr, .. }
            | Expr::Cast { expr, .. }
            | Expr::Dereference { expr, .. }
            | Expr::Subscript { expr, .. } => expr.span(),
            Expr::IsDistinctFrom { left, .. } => left.span(),
            Expr::Case {
                operand, branches, ..
            } => operand
                .as_ref()
                .and_then(|o| o.span())
                .or_else(|| branches.first().and_then(|(condition, _)| condition.span())),
            Expr::ArrayLiteral(items) => items.iter().find_map(Expr::span),
            Expr::MapLiteral(entries) => entries.iter().find_map(|(k, _)| k.span()),
            Expr::StructLiteral(fields) => fields.iter().find_map(|(_, e)| e.span()),
        }
    }
}
