//! The sandbox's demo deck: with no lesson on screen, a speaker's "steps" are the statements of
//! the demo script (the deep link's SQL, or the editor's text when typing starts). → types the
//! next statement into the console and runs it; ← and Home/End move where the next one is.

use super::speaker::DeckState;
use crate::sql::parse::parse_script;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoDeck {
    pub statements: Vec<String>,
    /// How many statements have been typed: the next to type is `statements[position]`.
    pub position: usize,
}

impl DemoDeck {
    /// Splits a script into its statements with streamlab's parser; a script that does not
    /// parse is split at semicolons, so a typo still types (and shows its error when run).
    pub fn from_sql(sql: &str) -> DemoDeck {
        let statements = match parse_script(sql) {
            Ok(parsed) => parsed.into_iter().map(|p| format!("{};", p.text.trim().trim_end_matches(';').trim_end())).collect(),
            Err(_) => sql.split_inclusive(';').map(str::trim).filter(|s| !s.is_empty() && *s != ";").map(str::to_string).collect(),
        };
        DemoDeck { statements, position: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The statement to type next, moving past it; `None` at the end.
    pub fn take_next(&mut self) -> Option<String> {
        let next = self.statements.get(self.position)?.clone();
        self.position += 1;
        Some(next)
    }

    pub fn previous(&mut self) {
        self.position = self.position.saturating_sub(1);
    }

    pub fn first(&mut self) {
        self.position = 0;
    }

    /// Ready to type the last statement.
    pub fn last(&mut self) {
        self.position = self.statements.len().saturating_sub(1);
    }

    /// What the speaker view shows: the statement just typed is the current step.
    pub fn state(&self) -> DeckState {
        let title_of = |i: usize| self.statements.get(i).map(|s| first_line(s));
        DeckState {
            title: "Sandbox demo".into(),
            step: self.position.checked_sub(1).map(|i| i as u32),
            n_steps: self.statements.len() as u32,
            current_title: self.position.checked_sub(1).and_then(title_of).unwrap_or_else(|| "Not started: → types the first statement".into()),
            next_title: title_of(self.position),
            notes_markdown: self.statements.get(self.position).map(|s| format!("Next:\n\n```\n{s}\n```")).unwrap_or_default(),
            presenting: false,
            blackout: false,
        }
    }
}

fn first_line(statement: &str) -> String {
    let line = statement.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("--")).unwrap_or("");
    let mut out: String = line.chars().take(80).collect();
    if line.chars().count() > 80 || statement.trim().lines().count() > 1 {
        out.push_str(" …");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_becomes_steps() {
        let mut deck = DemoDeck::from_sql("-- demo\nSHOW TOPICS;\nCREATE STREAM s (k STRING KEY, v INT)\n  WITH (kafka_topic='t', value_format='JSON', partitions=1);\nSELECT * FROM s EMIT CHANGES;");
        assert_eq!(deck.statements.len(), 3);
        assert_eq!(deck.statements[0], "SHOW TOPICS;");
        let state = deck.state();
        assert_eq!((state.step, state.n_steps, state.next_title.as_deref()), (None, 3, Some("SHOW TOPICS;")));
        assert_eq!(deck.take_next().as_deref(), Some("SHOW TOPICS;"));
        let state = deck.state();
        assert_eq!(state.step, Some(0));
        assert_eq!(state.current_title, "SHOW TOPICS;");
        assert_eq!(state.next_title.as_deref(), Some("CREATE STREAM s (k STRING KEY, v INT) …"));
        deck.last();
        assert!(deck.take_next().unwrap().starts_with("SELECT"));
        assert_eq!(deck.take_next(), None);
        deck.previous();
        deck.previous();
        assert_eq!(deck.position, 1);
        deck.first();
        assert_eq!(deck.position, 0);
    }

    #[test]
    fn a_script_with_a_typo_still_splits() {
        let deck = DemoDeck::from_sql("SHOW TOPICS;\nSELEC oops;\n");
        assert_eq!(deck.statements, vec!["SHOW TOPICS;".to_string(), "SELEC oops;".to_string()]);
        assert!(DemoDeck::from_sql("  ").is_empty());
    }
}
