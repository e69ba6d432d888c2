//! The log's topics by name: a list in name order (the order every listing shows) with a hash
//! index beside it, so a lookup by name (every append, every read of a query) hashes the name
//! once instead of comparing it with several others down a tree.

use super::topic::Topic;
use std::collections::HashMap;

#[derive(Clone, Debug, Default)]
pub(crate) struct Topics {
    /// In name order.
    list: Vec<Topic>,
    /// Each topic's position in `list` (rebuilt when a topic comes or goes, which is rare).
    index: HashMap<String, usize, foldhash::fast::FixedState>,
}

impl Topics {
    pub(crate) fn get(&self, name: &str) -> Option<&Topic> {
        self.list.get(*self.index.get(name)?)
    }

    pub(crate) fn get_mut(&mut self, name: &str) -> Option<&mut Topic> {
        self.list.get_mut(*self.index.get(name)?)
    }

    pub(crate) fn contains_key(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// In name order.
    pub(crate) fn values(&self) -> std::slice::Iter<'_, Topic> {
        self.list.iter()
    }

    pub(crate) fn values_mut(&mut self) -> std::slice::IterMut<'_, Topic> {
        self.list.iter_mut()
    }

    /// Adds `topic` in its place by name, replacing a topic of the same name.
    pub(crate) fn insert(&mut self, topic: Topic) {
        match self.list.binary_search_by(|held| held.name().cmp(topic.name())) {
            Ok(position) => {
                if let Some(held) = self.list.get_mut(position) {
                    *held = topic;
                }
            }
            Err(position) => {
                self.list.insert(position, topic);
                self.reindex();
            }
        }
    }

    pub(crate) fn remove(&mut self, name: &str) -> Option<Topic> {
        let position = self.index.remove(name)?;
        let topic = (position < self.list.len()).then(|| self.list.remove(position));
        self.reindex();
        topic
    }

    fn reindex(&mut self) {
        self.index.clear();
        for (position, topic) in self.list.iter().enumerate() {
            self.index.insert(topic.name().to_string(), position);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::TopicConfig;

    fn names(topics: &Topics) -> Vec<&str> {
        topics.values().map(Topic::name).collect()
    }

    #[test]
    fn topics_are_listed_in_name_order_and_found_by_name_after_any_change() {
        let mut topics = Topics::default();
        for name in ["orders", "b", "users", "a", "clickstream"] {
            topics.insert(Topic::new(name, TopicConfig::default()).unwrap());
        }
        assert_eq!(names(&topics), ["a", "b", "clickstream", "orders", "users"]);
        assert!(topics.remove("b").is_some());
        assert!(topics.remove("b").is_none());
        topics.insert(Topic::new("users", TopicConfig::with_partitions(3)).unwrap());
        assert_eq!(names(&topics), ["a", "clickstream", "orders", "users"]);
        for name in ["a", "clickstream", "orders", "users"] {
            assert_eq!(topics.get(name).map(Topic::name), Some(name));
            assert_eq!(topics.get_mut(name).map(|t| t.name().to_string()).as_deref(), Some(name));
        }
        assert_eq!(topics.get("users").map(Topic::n_partitions), Some(3), "replaced");
        assert!(topics.get("b").is_none() && !topics.contains_key("b") && topics.contains_key("a"));
    }
}
