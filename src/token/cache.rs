//! A bounded cache of tokens whose signature and fixed claims have already been checked.
//!
//! Entries are keyed by the SHA-256 of the token text, so the cache keeps no token. A hit
//! skips only the checks whose outcome cannot change: signature, header, types, issuer,
//! audience and lifetime. Expiry, revocation, session binding and replay are checked again on
//! every use.

use std::collections::{HashMap, VecDeque};

use sha2::{Digest, Sha256};

/// Default number of cached tokens.
pub const DEFAULT_CACHE_CAPACITY: usize = 1024;

/// The SHA-256 of a token's text.
pub(crate) type TokenDigest = [u8; 32];

/// Returns the cache key of a token.
pub(crate) fn digest(token: &str) -> TokenDigest {
    Sha256::digest(token.as_bytes()).into()
}

/// A first-in, first-out cache of at most `capacity` entries.
#[derive(Debug)]
pub(crate) struct Cache<T> {
    capacity: usize,
    entries: HashMap<TokenDigest, T>,
    order: VecDeque<TokenDigest>,
}

impl<T: Clone> Cache<T> {
    pub(crate) fn new(capacity: usize) -> Cache<T> {
        Cache { capacity, entries: HashMap::new(), order: VecDeque::new() }
    }

    pub(crate) fn get(&self, key: &TokenDigest) -> Option<&T> {
        self.entries.get(key)
    }

    /// Adds an entry, evicting the oldest one when the cache is full.
    pub(crate) fn insert(&mut self, key: TokenDigest, value: T) {
        if self.capacity == 0 || self.entries.contains_key(&key) {
            return;
        }
        while self.entries.len() >= self.capacity {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.entries.remove(&oldest);
                }
                None => break,
            }
        }
        self.entries.insert(key, value);
        self.order.push_back(key);
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_evicts_oldest_first() {
        let mut cache = Cache::new(2);
        cache.insert(digest("a"), 1);
        cache.insert(digest("b"), 2);
        cache.insert(digest("c"), 3);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&digest("a")), None);
        assert_eq!(cache.get(&digest("b")), Some(&2));
        assert_eq!(cache.get(&digest("c")), Some(&3));
    }

    #[test]
    fn zero_capacity_cache_stays_empty() {
        let mut cache = Cache::new(0);
        cache.insert(digest("a"), 1);
        assert_eq!(cache.len(), 0);
    }
}
