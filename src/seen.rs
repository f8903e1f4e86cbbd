//! The names a store has seen missing from its file: each is handled (logged
//! or queued for appending) once.
//!
//! Checks of a name the file lacks look here on every call (a production
//! service with appending off may check a missing name on every request), so
//! the common answer — "seen before" — comes from a published set without a
//! lock. New names go to a small locked set first, which is merged into a new
//! published set once it holds half as many names as that set (so a flood of
//! new names costs amortized O(1) copies each), or as soon as one of its
//! names is checked again (so names checked repeatedly are soon lock-free).
//! Names are shared (`Arc<str>`): a merge copies pointers, not strings.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use foldhash::fast::RandomState;

use crate::sync::lock;

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

/// A set of names, hashed like the snapshot's index (foldhash).
type Names = HashSet<Arc<str>, RandomState>;

#[derive(Default)]
pub(crate) struct SeenNames {
    published: ArcSwap<Names>,
    recent: Mutex<Recent>,
}

#[derive(Default)]
struct Recent {
    names: Names,
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
        if published.contains(name) {
            return Seen::Before;
        }
        if recent.names.contains(name) {
            // Checked again: publish, so that later checks take no lock.
            self.merge(&published, &mut recent);
            return Seen::Before;
        }
        if published.len() + recent.names.len() >= MAX_SEEN {
            let first = !std::mem::replace(&mut recent.full_reported, true);
            return Seen::Full { first };
        }
        recent.names.insert(name.into());
        if recent.names.len() * 2 >= published.len() {
            self.merge(&published, &mut recent);
        }
        Seen::New
    }

    /// Publishes `published` ∪ the recent names; the caller holds `recent`.
    fn merge(&self, published: &Names, recent: &mut Recent) {
        let mut merged = Names::with_capacity_and_hasher(
            published.len() + recent.names.len(),
            RandomState::default(),
        );
        merged.extend(published.iter().cloned());
        merged.extend(recent.names.drain());
        self.published.store(Arc::new(merged));
    }

    /// Every name remembered, that `keep` accepts.
    pub(crate) fn filtered(&self, keep: impl Fn(&str) -> bool) -> Vec<Box<str>> {
        let recent = lock(&self.recent);
        let published = self.published.load();
        published
            .iter()
            .chain(recent.names.iter())
            .filter(|n| keep(n))
            .map(|n| Box::from(&**n))
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
        assert!(
            seen.recent.lock().unwrap().names.len() < MAX_SEEN,
            "merged as it grew"
        );
        assert_eq!(seen.insert("and_another"), Seen::Full { first: false });
        assert_eq!(seen.filtered(|n| n.ends_with('7')).len(), MAX_SEEN / 10);
    }
}

#[cfg(test)]
mod promote {
    use super::*;

    #[test]
    fn a_name_checked_again_is_published() {
        let seen = SeenNames::default();
        for i in 0..100 {
            seen.insert(&format!("n{i}"));
        }
        assert_eq!(seen.insert("again"), Seen::New);
        assert_eq!(seen.insert("again"), Seen::Before);
        assert!(
            seen.published.load().contains("again"),
            "lock-free from now on"
        );
        assert!(seen.recent.lock().unwrap().names.is_empty());
    }
}
