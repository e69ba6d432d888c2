//! Plans `SELECT ... FROM stream [WHERE ...] PARTITION BY expression`: re-keying a stream.
//!
//! As in ksqlDB, the WHERE reads the source row; the row is then re-keyed: its key is the
//! `PARTITION BY` value and every source column (the old key columns included) becomes a value
//! column, except the partitioning column itself, which is now the key. The projection reads
//! that re-keyed row, so `SELECT *` shows the new key and, among the values, the old key. The
//! new key column keeps the column's name (`PARTITION BY name` → `NAME`); an expression's key
//! is named by its alias in the projection, else `KSQL_COL_0`. The sink topic is partitioned by
//! the new key, which is the point: records with the same new key land in the same partition.

use super::aggregate::strip;
use super::expr::{CompiledExpr, ExprCompiler};
use super::join::column;
use super::schema::RowSchema;
use super::select::{plan_select, SelectPlan, SelectPurpose};
use crate::sql::ast::{Query, SelectItem, SourceKind};
use crate::sql::error::SqlError;
use crate::sql::format::Field;

#[derive(Clone, Debug)]
pub struct PartitionPlan {
    /// The WHERE, on the source row.
    pub filter: Option<CompiledExpr>,
    /// The new key, on the source row.
    pub key: CompiledExpr,
    /// Positions in the source row of the columns the re-keyed row keeps as values.
    pub value_columns: Vec<usize>,
    /// The re-keyed row's value names (for the projection that builds it).
    pub value_names: Vec<String>,
    /// The projection over the re-keyed row.
    pub select: SelectPlan,
}

pub fn plan_partition_by(
    query: &Query,
    source_name: &str,
    source_kind: SourceKind,
    key_columns: &[Field],
    value_columns: &[Field],
    sink_name: &str,
) -> Result<PartitionPlan, SqlError> {
    let Some(partition) = query.partition_by.first() else {
        return Err(SqlError::invalid("Expected PARTITION BY"));
    };
    if query.partition_by.len() > 1 {
        return Err(
            SqlError::unsupported("PARTITION BY several expressions is not supported yet")
                .at(partition.span()),
        );
    }
    if source_kind == SourceKind::Table {
        return Err(SqlError::invalid(
            "Unsupported: PARTITION BY on a TABLE. A table is keyed by its PRIMARY KEY: re-key the stream it is built from, or GROUP BY the new key",
        )
        .at(partition.span()));
    }
    let schema = RowSchema::new(key_columns, value_columns);
    let mut qualifiers = vec![source_name.to_string()];
    if let Some(alias) = &query.from.alias {
        qualifiers.push(alias.name.clone());
    }
    let compiler = |clause| ExprCompiler {
        schema: &schema,
        qualifiers: qualifiers.clone(),
        clause,
    };
    let filter = match &query.where_clause {
        Some(predicate) => Some(compiler("WHERE").compile(predicate)?.0),
        None => None,
    };
    let (key, key_type) = compiler("PARTITION BY").compile(partition)?;
    let key_type = key_type.ok_or_else(|| {
        SqlError::unsupported("PARTITION BY NULL (a keyless stream) is not supported yet")
            .at(partition.span())
    })?;
    let n_columns = key_columns.len() + value_columns.len();
    let partition_column = match &key {
        CompiledExpr::Column(idx) if *idx < n_columns => Some(*idx),
        _ => None,
    };
    let stripped = strip(partition);
    let aliased = query.items.iter().find_map(|item| match item {
        SelectItem::Expr {
            expr,
            alias: Some(alias),
        } if strip(expr) == stripped => Some(alias.name.clone()),
        _ => None,
    });
    let key_name = match (partition_column, &aliased) {
        (_, Some(alias)) => alias.clone(),
        (Some(idx), None) => schema
            .column(idx)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        (None, None) => "KSQL_COL_0".to_string(),
    };

    // The re-keyed row: the new key, then every other source column.
    let mut value_fields = Vec::new();
    let mut kept = Vec::new();
    for (idx, field) in key_columns.iter().chain(value_columns).enumerate() {
        if Some(idx) != partition_column && field.name != key_name {
            kept.push(idx);
            value_fields.push(field.clone());
        }
    }
    let key_field = Field::new(key_name.clone(), key_type);

    // The projection over it: the partitioning expression reads the key.
    let key_column = column(&key_name);
    let mut rekeyed = query.clone();
    rekeyed.where_clause = None;
    rekeyed.partition_by = Vec::new();
    rekeyed.items = query
        .items
        .iter()
        .map(|item| match item {
            SelectItem::Expr { expr, alias } if strip(expr) == stripped => SelectItem::Expr {
                expr: key_column.clone(),
                alias: alias.clone(),
            },
            other => other.clone(),
        })
        .collect();
    let select = plan_select(
        &rekeyed,
        source_name,
        std::slice::from_ref(&key_field),
        &value_fields,
        SelectPurpose::Persistent {
            sink_name,
            allow_missing_key: false,
        },
    )
    .map_err(|error| {
        if error.message.contains("must include the key") {
            SqlError::invalid(format!(
                "Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build `{sink_name}` must include the partitioning expression {key_name} in its projection (eg, SELECT {key_name}...)."
            ))
            .at(partition.span())
        } else {
            error
        }
    })?;
    Ok(PartitionPlan {
        filter,
        key,
        value_names: value_fields.iter().map(|f| f.name.clone()).collect(),
        value_columns: kept,
        select,
    })
}
