//! Byte strings seen lately, so that an equal one shares their allocation: a partition's keys
//! repeat (accounts, cards, users), and so do an aggregate's short output values (`{"N":3}`).
//! Equal bytes, so no reader sees a difference; the set is emptied when full, so a stream of
//! unique byte strings keeps at most its capacity of them beyond what the records hold.

use super::record::Bytes;
use std::collections::HashSet;

#[derive(Clone, Debug)]
pub struct RecentBytes {
    /// Hashed with a fixed seed: the set is never iterated, so its order matters nowhere.
    seen: HashSet<Bytes, foldhash::fast::FixedState>,
    capacity: usize,
}

impl RecentBytes {
    pub fn new(capacity: usize) -> Self {
        RecentBytes { seen: HashSet::default(), capacity }
    }

    /// The remembered bytes equal to `owned`, or `owned` itself, remembered.
    // Inlined: it runs on every append (and the native `tool` profile has no LTO).
    #[inline]
    pub fn share(&mut self, owned: Bytes) -> Bytes {
        match self.seen.get(&*owned) {
            Some(shared) => shared.clone(),
            None => self.remember(owned),
        }
    }

    /// The remembered bytes equal to `bytes`, or a new allocation of them, remembered (the
    /// allocation is made only when none is).
    #[inline]
    pub fn share_bytes(&mut self, bytes: &[u8]) -> Bytes {
        match self.seen.get(bytes) {
            Some(shared) => shared.clone(),
            None => self.remember(Bytes::from(bytes)),
        }
    }

    fn remember(&mut self, owned: Bytes) -> Bytes {
        if self.seen.len() >= self.capacity {
            self.seen.clear();
        }
        self.seen.insert(owned.clone());
        owned
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Equal byte strings share one allocation, however they come; a full set starts again.
    #[test]
    fn equal_bytes_share_one_allocation_and_the_set_stays_bounded() {
        let mut recent = RecentBytes::new(4);
        let first = recent.share_bytes(b"card-1");
        assert!(Arc::ptr_eq(&first, &recent.share_bytes(b"card-1")));
        assert!(Arc::ptr_eq(&first, &recent.share(Bytes::from(&b"card-1"[..]))));
        assert!(!Arc::ptr_eq(&first, &recent.share_bytes(b"card-2")));
        for n in 0..20 {
            let text = format!("order-{n}");
            assert_eq!(&*recent.share_bytes(text.as_bytes()), text.as_bytes());
            assert!(recent.len() <= 4, "{} remembered", recent.len());
        }
    }
}
