//! The names a store has seen missing from its file: each is handled (logged
//! or queued for appending) once.
//!
//! Checks of a name the file lacks look here on every call, so the common
//! answer — "seen before" — comes from a published set without a lock. New
//! names go to a small locked set first and are merged into a new published
//! set when that has grown as large as the published one: inserts cost
//! amortized O(1) copies, not a copy of the whole set each.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use crate::store::lock;

/// How many distinct names one store remembers.
pub(crate) const MAX_SEEN: usize = 10_000;

/// What [`SeenNames::insert`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Seen {
    /// The name was seen before: nothing to do.
    Before,
    /// The name is new, and now remembered.
    New,
    /// The name is new, but the set is full; `first` the first time this happens.
    Full { first: bool },
}

#[derive(Default)]
pub(crate) struct SeenNames {
    published: ArcSwap<HashSet<Box<str>>>,
    recent: Mutex<Recent>,
}

#[derive(Default)]
struct Recent {
    names: HashSet<Box<str>>,
    full_reported: bool,
}

impl SeenNames {
    /// Remembers `name`, saying whether it is new.
    pub(crate) fn insert(&self, name: &str) -> Seen {
        if self.published.load().contains(name) {
            return Seen::Before;
        }
        let mut recent = lock(&self.recent);
        // Merges happen under this lock: a name merged meanwhile is here now.
        let published = self.published.load_full();
        if recent.names.contains(name) || published.contains(name) {
            return Seen::Before;
        }
        if published.len() + recent.names.len() >= MAX_SEEN {
            let first = !std::mem::replace(&mut recent.full_reported, true);
            return Seen::Full { first };
        }
        recent.names.insert(name.into());
        if recent.names.len() >= published.len().max(16) {
            let mut merged = HashSet::with_capacity(published.len() + recent.names.len());
            merged.extend(published.iter().cloned());
            merged.extend(recent.names.drain());
            self.published.store(Arc::new(merged));
        }
        Seen::New
    }

    /// Every name remembered, that `keep` accepts.
    pub(crate) fn filtered(&self, keep: impl Fn(&str) -> bool) -> Vec<Box<str>> {
        let recent = lock(&self.recent);
        let published = self.published.load();
        published
            .iter()
            .chain(recent.names.iter())
            .filter(|n| keep(n))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_is_new_once_up_to_the_limit() {
        let seen = SeenNames::default();
        for i in 0..MAX_SEEN {
            assert_eq!(seen.insert(&format!("n{i}")), Seen::New);
        }
        for i in (0..MAX_SEEN).step_by(7) {
            assert_eq!(seen.insert(&format!("n{i}")), Seen::Before, "n{i}");
        }
        assert_eq!(seen.insert("one_more"), Seen::Full { first: true });
        assert_eq!(seen.insert("and_another"), Seen::Full { first: false });
        assert_eq!(seen.filtered(|n| n.ends_with('7')).len(), MAX_SEEN / 10);
    }
}
