//! The lesson model, as a lesson file spells it (see lessons/README.md). Plain data: the UI
//! reads it, the runner applies its actions, the checks look at the world.

use crate::clock::Millis;
use serde::Deserialize;
use std::fmt;

/// One lesson: a start state (its setup) and steps the learner goes through.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Stable id, used in URLs and in stored progress (`duality`, `ksql-examples`).
    pub id: String,
    /// Position in the talk's order (1 to 12).
    pub number: u32,
    pub title: String,
    /// One or two sentences for the lesson list (Markdown).
    pub summary: String,
    /// The seed a lesson starts with unless the URL gives another.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The seeds every step is tested with: each must give a passing solution and a start
    /// state that does not already pass. The lesson is deterministic for each of them.
    #[serde(default = "default_test_seeds")]
    pub test_seeds: Vec<u64>,
    /// Actions run on a fresh world before the first step.
    #[serde(default)]
    pub setup: Vec<Action>,
    pub steps: Vec<Step>,
    /// The file it came from (filled in by the loader).
    #[serde(skip)]
    pub file: String,
}

fn default_seed() -> u64 {
    1
}

fn default_test_seeds() -> Vec<u64> {
    vec![1, 2, 3]
}

/// One step: what the learner reads, what happens, what they must do, and how we know.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// Markdown; render it with [`Step::narrative_html`].
    #[serde(default)]
    pub narrative: String,
    /// Actions run when the step is entered (the demo part).
    #[serde(default)]
    pub actions: Vec<Action>,
    /// What the learner is asked to do (Markdown).
    pub task: String,
    /// The state the world must reach.
    pub goal: Check,
    /// Shown one at a time, in order.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Runs with one click, and in the tests: it must reach the goal.
    pub solution: Vec<Action>,
    /// For the speaker only (Markdown).
    #[serde(default)]
    pub notes: String,
    /// The same solution in the syntax shown on stage in 2018 and in today's ksqlDB (lesson
    /// 11's toggle); either replaces the solution's SQL.
    #[serde(default)]
    pub syntax: Option<SyntaxVariants>,
}

/// A step's SQL as KSQL was written on stage in 2018 and as ksqlDB writes it today.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SyntaxVariants {
    pub ksql_2018: String,
    pub ksqldb: String,
}

/// Which of a step's [`SyntaxVariants`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Ksql2018,
    KsqlDb,
}

impl SyntaxVariants {
    pub fn sql(&self, syntax: Syntax) -> &str {
        match syntax {
            Syntax::Ksql2018 => &self.ksql_2018,
            Syntax::KsqlDb => &self.ksqldb,
        }
    }
}

impl Step {
    /// The solution with its SQL in `syntax`: the first SQL action becomes the variant's text,
    /// later ones go (the variant holds the whole script); other actions stay. Without variants,
    /// the solution as written.
    pub fn solution_in(&self, syntax: Syntax) -> Vec<Action> {
        let Some(variants) = &self.syntax else { return self.solution.clone() };
        let mut replaced = false;
        self.solution
            .iter()
            .filter_map(|action| match action {
                Action::Sql { .. } if replaced => None,
                Action::Sql { .. } => {
                    replaced = true;
                    Some(Action::Sql { sql: variants.sql(syntax).to_string() })
                }
                other => Some(other.clone()),
            })
            .collect()
    }
}

/// Something that happens to the world: scripted by a step, or the solution's one click.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Runs ksqlDB statements; an error stops the lesson with the statement's message.
    Sql { sql: String },
    /// Appends one record by hand. No `value`: a tombstone.
    Produce {
        topic: String,
        key: Option<String>,
        value: Option<String>,
        partition: Option<u32>,
    },
    /// A scenario producer's next events, appended now.
    ProduceOne {
        producer: String,
        #[serde(default = "one")]
        count: u32,
    },
    /// Lets virtual time pass: producers produce, sinks and queries consume.
    Advance { by: Duration },
    /// Lets time pass until the clock shows this time of day (`"13:42"`), today or tomorrow.
    AdvanceTo { time: TimeOfDay },
    /// Adds a scenario producer (stopped unless `start`), creating its topics.
    AddProducer {
        scenario: String,
        rate: f64,
        #[serde(default)]
        start: bool,
        key_space: Option<u32>,
    },
    StartProducer { producer: String },
    StopProducer { producer: String },
    SetRate { producer: String, rate: f64 },
    /// Card authorisations: `attempts` on one card within `within`.
    FraudBurst {
        #[serde(default = "default_producer_cards")]
        producer: String,
        card_number: Option<String>,
        attempts: u32,
        within: Duration,
    },
    /// Clickstream: a users-changelog event moving `user_id` to `level`.
    SetUserLevel {
        #[serde(default = "default_producer_clicks")]
        producer: String,
        user_id: u32,
        level: String,
    },
    CreateTopic {
        topic: String,
        #[serde(default = "one")]
        partitions: u32,
        #[serde(default)]
        compact: bool,
        retention: Option<Duration>,
    },
    AddPartitions { topic: String, partitions: u32 },
    /// A consumer application (search index, lake loader) in its own consumer group named
    /// like the sink.
    AddSink {
        name: String,
        topics: Vec<String>,
        /// Records per second it can write; none: as fast as they come.
        rate: Option<f64>,
        #[serde(default)]
        from: StartFrom,
    },
    RemoveSink { name: String },
    /// The group's consumers stop reading (a sink goes offline); the log keeps everything.
    PauseGroup { group: String },
    ResumeGroup { group: String },
    /// Moves a consumer group's position on one partition and commits it (the group
    /// re-reads from there), as `kafka-consumer-groups --reset-offsets` does.
    ResetOffset { group: String, topic: String, partition: u32, offset: u64 },
}

fn one() -> u32 {
    1
}

fn default_producer_cards() -> String {
    "card_authorisations".into()
}

fn default_producer_clicks() -> String {
    "clickstream".into()
}

/// Where a new consumer group starts: Kafka's `auto.offset.reset`.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StartFrom {
    #[default]
    Earliest,
    Latest,
}

/// A goal: a question about the world's state, never about what the learner typed.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// Every one of `of` holds.
    All { of: Vec<Check> },
    /// At least one of `of` holds.
    Any { of: Vec<Check> },
    /// `of` does not hold (a query was terminated, a sink removed).
    Not { of: Box<Check> },
    TopicExists { topic: String },
    /// At least `min` records, optionally only those with this key or whose value contains
    /// this text.
    TopicHasRecords {
        topic: String,
        #[serde(default = "one_u64")]
        min: u64,
        key: Option<String>,
        value_contains: Option<String>,
    },
    /// At least `min` records, and every record's JSON value has `field` `op` `value`.
    TopicOnlyMatches {
        topic: String,
        field: String,
        op: CompareOp,
        value: Scalar,
        #[serde(default = "one_u64")]
        min: u64,
    },
    TopicPartitions { topic: String, min: u32 },
    /// A ksqlDB stream or table of this name (case-insensitive), of this kind if given.
    SourceExists { name: String, kind: Option<SourceKindName> },
    SourceAbsent { name: String },
    /// A persistent query writes the stream or table `sink`.
    QueryRunning { sink: String },
    /// How many persistent queries run (at least `min`).
    QueriesRunning { min: u64 },
    /// The stream or table `sink` has at least `min_rows` records in its topic.
    QueryEmitted {
        sink: String,
        #[serde(default = "one_u64")]
        min_rows: u64,
    },
    /// The table's current row for `key` has `column` = `value` (the latest record per key of
    /// the table's topic, as a pull query would read it).
    TableHasRow { table: String, key: String, column: String, value: Scalar },
    /// The group's total lag is within `min`..=`max`.
    GroupLag { group: String, min: Option<u64>, max: Option<u64> },
    /// The group's committed offset on one partition.
    GroupOffset { group: String, topic: String, partition: u32, offset: u64 },
    GroupPaused { group: String, paused: bool },
    /// The group has read (committed past) a record whose value contains this text.
    GroupRead { group: String, value_contains: String },
    /// The newest record the group has read is at most `max` old (the freshness meter).
    GroupFreshness { group: String, max: Duration },
    SinkExists { sink: String },
    SinkConsumed { sink: String, min: u64 },
    /// Lag 0 and as many records written as its topics hold: nothing lost.
    SinkCaughtUp { sink: String },
    ProducerRunning { producer: String, running: bool },
    /// The virtual clock has gone at least this far past the lesson's start.
    ClockPast { elapsed: Duration },
}

fn one_u64() -> u64 {
    1
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SourceKindName {
    Stream,
    Table,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum CompareOp {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "contains")]
    Contains,
}

/// A value in a check: text, a whole number, a decimal or a boolean.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Text(s) => write!(f, "{s}"),
        }
    }
}

/// A span of virtual time: a number of milliseconds, or text such as `"500ms"`, `"10s"`,
/// `"15m"`, `"24h"`, `"2d"`, `"1h30m"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "DurationText")]
pub struct Duration(pub Millis);

#[derive(Deserialize)]
#[serde(untagged)]
enum DurationText {
    Millis(i64),
    Text(String),
}

impl TryFrom<DurationText> for Duration {
    type Error = String;
    fn try_from(text: DurationText) -> Result<Self, String> {
        match text {
            DurationText::Millis(ms) if ms >= 0 => Ok(Duration(ms)),
            DurationText::Millis(ms) => Err(format!("a duration cannot be negative: {ms}")),
            DurationText::Text(text) => parse_duration(&text).map(Duration),
        }
    }
}

/// Parses `"1h30m"`, `"500ms"`, `"2d"`.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let bad = || format!("'{text}' is not a duration: write a number and a unit, e.g. \"500ms\", \"10s\", \"15m\", \"24h\", \"2d\"");
    let mut total: Millis = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let number: Millis = rest.get(..digits).and_then(|d| d.parse().ok()).ok_or_else(bad)?;
        rest = rest.get(digits..).unwrap_or("");
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let unit = rest.get(..unit_len).unwrap_or("").trim();
        rest = rest.get(unit_len..).unwrap_or("");
        let scale: Millis = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(bad()),
        };
        total = number.checked_mul(scale).and_then(|ms| total.checked_add(ms)).ok_or_else(bad)?;
    }
    Ok(total)
}

/// A time of day on the virtual clock (UTC), `"HH:MM"` or `"HH:MM:SS"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct TimeOfDay {
    /// Milliseconds after midnight.
    pub ms: Millis,
}

impl TryFrom<String> for TimeOfDay {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        let bad = || format!("'{text}' is not a time of day: write \"HH:MM\", e.g. \"13:42\"");
        let parts: Vec<&str> = text.trim().split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad());
        }
        let mut numbers = parts.iter().map(|p| p.parse::<Millis>().map_err(|_| bad()));
        let hours = numbers.next().ok_or_else(bad)??;
        let minutes = numbers.next().ok_or_else(bad)??;
        let seconds = numbers.next().transpose()?.unwrap_or(0);
        if !(0..24).contains(&hours) || !(0..60).contains(&minutes) || !(0..60).contains(&seconds) {
            return Err(bad());
        }
        Ok(TimeOfDay { ms: ((hours * 60 + minutes) * 60 + seconds) * 1_000 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_the_units_a_speaker_writes() {
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("10s"), Ok(10_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("2d"), Ok(172_800_000));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("ten minutes").is_err());
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }

    #[test]
    fn times_of_day() {
        assert_eq!(TimeOfDay::try_from("13:42".to_string()).map(|t| t.ms), Ok(49_320_000));
        assert!(TimeOfDay::try_from("24:00".to_string()).is_err());
        assert!(TimeOfDay::try_from("noon".to_string()).is_err());
    }
}
