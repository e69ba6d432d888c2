//! The estate around Kafka that connectors read: a simulated relational database whose tables a
//! learner can see and edit (every change lands in its write-ahead log, which change data
//! capture reads), and simulated files that grow line by line (a syslog a file source tails).

use crate::clock::Millis;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// A row: column name → JSON value.
pub type Row = Map<String, Value>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeOp {
    Insert,
    Update,
    Delete,
}

/// One entry of the database's write-ahead log (what Debezium reads).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Log sequence number: position in the write-ahead log, from 1.
    pub lsn: u64,
    pub ts_ms: Millis,
    pub table: String,
    pub op: ChangeOp,
    pub before: Option<Row>,
    pub after: Option<Row>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseError {
    UnknownTable { table: String },
    TableExists { table: String },
    NotAnObject { table: String },
    DuplicateKey { table: String, key: String },
    UnknownRow { table: String, key: String },
    UnknownFile { path: String },
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseError::UnknownTable { table } => write!(f, "Table '{table}' does not exist"),
            DatabaseError::TableExists { table } => write!(f, "Table '{table}' already exists"),
            DatabaseError::NotAnObject { table } => write!(f, "A row of '{table}' must be a JSON object"),
            DatabaseError::DuplicateKey { table, key } => write!(f, "Table '{table}' already has a row with key {key}"),
            DatabaseError::UnknownRow { table, key } => write!(f, "Table '{table}' has no row with key {key}"),
            DatabaseError::UnknownFile { path } => write!(f, "File '{path}' does not exist"),
        }
    }
}

impl std::error::Error for DatabaseError {}

/// A table with a primary key column; rows kept in key order.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub primary_key: String,
    /// Primary key (as text) → row.
    pub rows: BTreeMap<String, Row>,
    /// The next id given to an inserted row without a key (an identity column).
    next_id: i64,
}

/// Every column named like this is set to the change's time, as an `ON UPDATE` trigger would
/// (the JDBC source's timestamp mode needs it).
pub const UPDATED_AT_COLUMN: &str = "updated_at";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Database {
    tables: BTreeMap<String, Table>,
    /// The write-ahead log, oldest first.
    wal: Vec<Change>,
}

impl Database {
    /// Creates a table in schema `public`; `columns` includes `primary_key`.
    pub fn create_table(&mut self, name: &str, columns: &[&str], primary_key: &str) -> Result<(), DatabaseError> {
        if self.tables.contains_key(name) {
            return Err(DatabaseError::TableExists { table: name.to_string() });
        }
        let mut columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        if !columns.iter().any(|c| c == primary_key) {
            columns.insert(0, primary_key.to_string());
        }
        let table = Table { name: name.to_string(), columns, primary_key: primary_key.to_string(), rows: BTreeMap::new(), next_id: 1 };
        self.tables.insert(name.to_string(), table);
        Ok(())
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.values()
    }

    pub fn table(&self, name: &str) -> Result<&Table, DatabaseError> {
        self.tables.get(name).ok_or_else(|| DatabaseError::UnknownTable { table: name.to_string() })
    }

    /// The write-ahead log from position `from_lsn` (exclusive) on.
    pub fn changes_after(&self, from_lsn: u64) -> &[Change] {
        let start = self.wal.partition_point(|c| c.lsn <= from_lsn);
        self.wal.get(start..).unwrap_or(&[])
    }

    pub fn last_lsn(&self) -> u64 {
        self.wal.last().map_or(0, |c| c.lsn)
    }

    /// `INSERT`: a row without its primary key gets the next id. Returns the key.
    pub fn insert(&mut self, table: &str, row: Value, now_ms: Millis) -> Result<String, DatabaseError> {
        let t = self.tables.get_mut(table).ok_or_else(|| DatabaseError::UnknownTable { table: table.to_string() })?;
        let Value::Object(mut row) = row else { return Err(DatabaseError::NotAnObject { table: table.to_string() }) };
        let key_value = match row.get(&t.primary_key) {
            Some(v) if !v.is_null() => v.clone(),
            _ => Value::from(t.next_id),
        };
        if let Some(id) = key_value.as_i64() {
            t.next_id = t.next_id.max(id.saturating_add(1));
        }
        row.insert(t.primary_key.clone(), key_value.clone());
        if t.columns.iter().any(|c| c == UPDATED_AT_COLUMN) {
            row.insert(UPDATED_AT_COLUMN.to_string(), Value::from(now_ms));
        }
        let key = key_text(&key_value);
        if t.rows.contains_key(&key) {
            return Err(DatabaseError::DuplicateKey { table: table.to_string(), key });
        }
        t.rows.insert(key.clone(), row.clone());
        self.log_change(now_ms, table, ChangeOp::Insert, None, Some(row));
        Ok(key)
    }

    /// `UPDATE ... SET` the given columns of the row with primary key `key`.
    pub fn update(&mut self, table: &str, key: &str, changes: Value, now_ms: Millis) -> Result<(), DatabaseError> {
        let t = self.tables.get_mut(table).ok_or_else(|| DatabaseError::UnknownTable { table: table.to_string() })?;
        let Value::Object(changes) = changes else { return Err(DatabaseError::NotAnObject { table: table.to_string() }) };
        let primary_key = t.primary_key.clone();
        let has_updated_at = t.columns.iter().any(|c| c == UPDATED_AT_COLUMN);
        let row = t.rows.get_mut(key).ok_or_else(|| DatabaseError::UnknownRow { table: table.to_string(), key: key.to_string() })?;
        let before = row.clone();
        for (column, value) in changes {
            if column != primary_key {
                row.insert(column, value);
            }
        }
        if has_updated_at {
            row.insert(UPDATED_AT_COLUMN.to_string(), Value::from(now_ms));
        }
        let after = row.clone();
        self.log_change(now_ms, table, ChangeOp::Update, Some(before), Some(after));
        Ok(())
    }

    /// `DELETE` the row with primary key `key`.
    pub fn delete(&mut self, table: &str, key: &str, now_ms: Millis) -> Result<(), DatabaseError> {
        let t = self.tables.get_mut(table).ok_or_else(|| DatabaseError::UnknownTable { table: table.to_string() })?;
        let before = t.rows.remove(key).ok_or_else(|| DatabaseError::UnknownRow { table: table.to_string(), key: key.to_string() })?;
        self.log_change(now_ms, table, ChangeOp::Delete, Some(before), None);
        Ok(())
    }

    fn log_change(&mut self, ts_ms: Millis, table: &str, op: ChangeOp, before: Option<Row>, after: Option<Row>) {
        let lsn = self.last_lsn().saturating_add(1);
        self.wal.push(Change { lsn, ts_ms, table: table.to_string(), op, before, after });
    }
}

/// A key as text: strings without quotes, anything else as JSON.
pub fn key_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Simulated files, each a list of lines that only grows (a log file being written).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files {
    files: BTreeMap<String, Vec<String>>,
}

impl Files {
    /// Appends a line (creating the file).
    pub fn append_line(&mut self, path: &str, line: &str) {
        self.files.entry(path.to_string()).or_default().push(line.to_string());
    }

    pub fn lines(&self, path: &str) -> &[String] {
        self.files.get(path).map_or(&[], Vec::as_slice)
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn edits_are_logged_in_order_with_before_and_after() {
        let mut db = Database::default();
        db.create_table("orders", &["id", "item", "updated_at"], "id").unwrap();
        let key = db.insert("orders", json!({"item": "book"}), 10).unwrap();
        assert_eq!(key, "1");
        db.update("orders", "1", json!({"item": "pen"}), 20).unwrap();
        db.delete("orders", "1", 30).unwrap();
        let ops: Vec<_> = db.changes_after(0).iter().map(|c| (c.lsn, c.op)).collect();
        assert_eq!(ops, vec![(1, ChangeOp::Insert), (2, ChangeOp::Update), (3, ChangeOp::Delete)]);
        let update = &db.changes_after(1)[0];
        assert_eq!(update.before.as_ref().unwrap()["item"], json!("book"));
        assert_eq!(update.after.as_ref().unwrap()["item"], json!("pen"));
        assert_eq!(update.after.as_ref().unwrap()["updated_at"], json!(20));
        assert!(db.table("orders").unwrap().rows.is_empty());
        assert!(matches!(db.delete("orders", "1", 40), Err(DatabaseError::UnknownRow { .. })));
        assert!(matches!(db.insert("nope", json!({}), 0), Err(DatabaseError::UnknownTable { .. })));
        assert!(matches!(db.insert("orders", json!([1]), 0), Err(DatabaseError::NotAnObject { .. })));
    }
}
