//! The columns a query can refer to, in the layout of the rows the operators pass around:
//! key columns, then value columns, then the pseudo-columns ROWTIME, ROWPARTITION, ROWOFFSET.

use crate::sql::format::Field;
use crate::sql::types::SqlType;

/// Which part of a Kafka record a column comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespace {
    Key,
    Value,
    /// ROWTIME, ROWPARTITION, ROWOFFSET: the record's timestamp, partition and offset.
    Pseudo,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: SqlType,
    pub namespace: Namespace,
}

/// The pseudo-columns every stream and table has, with ksqlDB's types.
pub const PSEUDO_COLUMNS: [(&str, SqlType); 3] = [
    ("ROWTIME", SqlType::BigInt),
    ("ROWPARTITION", SqlType::Int),
    ("ROWOFFSET", SqlType::BigInt),
];

/// A source's columns in row layout.
#[derive(Clone, Debug, PartialEq)]
pub struct RowSchema {
    pub columns: Vec<Column>,
    pub n_keys: usize,
    pub n_values: usize,
}

impl RowSchema {
    pub fn new(key_columns: &[Field], value_columns: &[Field]) -> RowSchema {
        let mut columns =
            Vec::with_capacity(key_columns.len() + value_columns.len() + PSEUDO_COLUMNS.len());
        columns.extend(key_columns.iter().map(|f| Column {
            name: f.name.clone(),
            ty: f.ty.clone(),
            namespace: Namespace::Key,
        }));
        columns.extend(value_columns.iter().map(|f| Column {
            name: f.name.clone(),
            ty: f.ty.clone(),
            namespace: Namespace::Value,
        }));
        columns.extend(PSEUDO_COLUMNS.iter().map(|(name, ty)| Column {
            name: (*name).to_string(),
            ty: ty.clone(),
            namespace: Namespace::Pseudo,
        }));
        RowSchema {
            columns,
            n_keys: key_columns.len(),
            n_values: value_columns.len(),
        }
    }

    /// A windowed source's schema: WINDOWSTART and WINDOWEND follow the other pseudo-columns
    /// (the decoder appends them from the record's windowed key).
    pub fn with_window_bounds(mut self) -> RowSchema {
        for name in ["WINDOWSTART", "WINDOWEND"] {
            self.columns.push(Column {
                name: name.to_string(),
                ty: SqlType::BigInt,
                namespace: Namespace::Pseudo,
            });
        }
        self
    }

    /// A schema with no columns at all (for `INSERT ... VALUES`, whose expressions see none).
    pub fn empty() -> RowSchema {
        RowSchema {
            columns: Vec::new(),
            n_keys: 0,
            n_values: 0,
        }
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn column(&self, idx: usize) -> Option<&Column> {
        self.columns.get(idx)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }
}

/// Writes columns as ksqlDB prints a schema: `` `K` STRING KEY, `V` INTEGER ``.
pub fn schema_text(key_columns: &[Field], value_columns: &[Field]) -> String {
    let keys = key_columns
        .iter()
        .map(|f| format!("`{}` {} KEY", f.name, f.ty));
    let values = value_columns
        .iter()
        .map(|f| format!("`{}` {}", f.name, f.ty));
    keys.chain(values).collect::<Vec<_>>().join(", ")
}
