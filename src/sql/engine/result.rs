//! What a statement returns, as plain data for the CLI and the UI to render.

/// The outcome of one statement.
#[derive(Clone, Debug, PartialEq)]
pub enum StatementResult {
    /// An acknowledgement: "Stream created", "Created query with ID CSAS_S_0" ...
    Ack { message: String },
    /// A listing (`SHOW STREAMS`, `SHOW QUERIES` ...).
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Rows of a push query (or, later, a pull query).
    Rows {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Lines of `PRINT`.
    Printed { lines: Vec<String> },
    /// Free text: `DESCRIBE`, `EXPLAIN`.
    Text { lines: Vec<String> },
    /// `INSERT ... VALUES` wrote one record (the ksqlDB CLI prints nothing).
    Inserted {
        topic: String,
        partition: u32,
        offset: u64,
    },
}
