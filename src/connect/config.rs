//! A connector's configuration: Connect's string keys and values, read with Connect's
//! defaults, and the connector classes streamlab simulates (named after the real ones).

use std::fmt;

/// A configuration problem, said as Connect's validation would.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectError {
    pub connector: String,
    pub message: String,
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Connector '{}': {}", self.connector, self.message)
    }
}

impl std::error::Error for ConnectError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectorClass {
    /// Debezium change data capture (PostgreSQL flavour; the MySQL class works the same here).
    Debezium,
    JdbcSource,
    FileSource,
    JdbcSink,
    Elasticsearch,
    Redis,
    S3,
    /// streamlab's own: loads a topic into a warehouse table once a day (batch, for contrast).
    NightlyBatch,
}

/// `(class name, class, is a source)`.
pub const CLASSES: &[(&str, ConnectorClass, bool)] = &[
    ("io.debezium.connector.postgresql.PostgresConnector", ConnectorClass::Debezium, true),
    ("io.debezium.connector.mysql.MySqlConnector", ConnectorClass::Debezium, true),
    ("io.confluent.connect.jdbc.JdbcSourceConnector", ConnectorClass::JdbcSource, true),
    ("org.apache.kafka.connect.file.FileStreamSourceConnector", ConnectorClass::FileSource, true),
    ("io.confluent.connect.jdbc.JdbcSinkConnector", ConnectorClass::JdbcSink, false),
    ("io.confluent.connect.elasticsearch.ElasticsearchSinkConnector", ConnectorClass::Elasticsearch, false),
    ("com.github.jcustenborder.kafka.connect.redis.RedisSinkConnector", ConnectorClass::Redis, false),
    ("io.confluent.connect.s3.S3SinkConnector", ConnectorClass::S3, false),
    ("streamlab.connect.NightlyBatchSinkConnector", ConnectorClass::NightlyBatch, false),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub(crate) name: String,
    pub(crate) entries: Vec<(String, String)>,
}

impl Config {
    pub fn new(name: &str, entries: Vec<(String, String)>) -> Self {
        Config { name: name.to_string(), entries }
    }

    pub fn entries(&self) -> &[(String, String)] {
        &self.entries
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> ConnectError {
        ConnectError { connector: self.name.clone(), message: message.into() }
    }

    /// The last value given for `key` (Connect keys are case-sensitive).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub(crate) fn required(&self, key: &str) -> Result<&str, ConnectError> {
        match self.get(key) {
            Some(value) if !value.trim().is_empty() => Ok(value.trim()),
            _ => Err(self.error(format!("Missing required configuration \"{key}\" which has no default value."))),
        }
    }

    pub(crate) fn text_or<'a>(&'a self, key: &str, default: &'a str) -> &'a str {
        self.get(key).map_or(default, str::trim)
    }

    pub(crate) fn u64_or(&self, key: &str, default: u64) -> Result<u64, ConnectError> {
        match self.get(key) {
            None => Ok(default),
            Some(text) => text.trim().parse::<u64>().map_err(|_| {
                self.error(format!("Invalid value {text} for configuration {key}: Not a number of type LONG"))
            }),
        }
    }

    pub(crate) fn bool_or(&self, key: &str, default: bool) -> Result<bool, ConnectError> {
        match self.get(key).map(|t| t.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(text) if text == "true" => Ok(true),
            Some(text) if text == "false" => Ok(false),
            Some(text) => Err(self.error(format!("Invalid value {text} for configuration {key}: Expected value to be either true or false"))),
        }
    }

    /// One of `allowed` (lower-cased), or the default.
    pub(crate) fn choice_or(&self, key: &str, allowed: &[&str], default: &str) -> Result<String, ConnectError> {
        let value = self.text_or(key, default).to_ascii_lowercase();
        if allowed.contains(&value.as_str()) {
            Ok(value)
        } else {
            Err(self.error(format!("Invalid value {value} for configuration {key}: must be one of {}", allowed.join(", "))))
        }
    }

    /// A comma-separated list (`topics`, `table.include.list`).
    pub(crate) fn list(&self, key: &str) -> Vec<String> {
        self.get(key)
            .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect())
            .unwrap_or_default()
    }

    pub(crate) fn class(&self) -> Result<(&'static str, ConnectorClass, bool), ConnectError> {
        let class = self.required("connector.class")?;
        CLASSES
            .iter()
            .find(|(name, _, _)| *name == class || name.rsplit('.').next() == Some(class))
            .copied()
            .ok_or_else(|| {
                let known: Vec<&str> = CLASSES.iter().map(|(n, _, _)| *n).collect();
                self.error(format!("Unknown connector.class {class}; this Connect cluster has: {}", known.join(", ")))
            })
    }
}
