//! The hash maps stateful operators key their state by (groups, windows, join sides).
//!
//! A fixed, fast hasher (foldhash; keys come from the sandbox's own topics, so flooding is no
//! concern) instead of std's SipHash with a random seed: the same speed on every run. **Rule:**
//! no operator's output may depend on a map's iteration order; they iterate only to forget
//! state (`retain`) or to compute a minimum.

pub type StateMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// An empty [`StateMap`].
pub fn state_map<K, V>() -> StateMap<K, V> {
    StateMap::default()
}
