//! What one version of the file defines: toggles, releases, and where each
//! toggle's state comes from. Plain values shared by the reader
//! ([`format`](crate::format)) and the published [`Snapshot`](crate::Snapshot);
//! this module knows neither.

use std::fmt;
use std::sync::Arc;

use crate::date::Date;
use crate::name::MAX_NAME_LEN;

/// The validated content of one version of the file, sorted by name.
#[derive(Debug, Default)]
pub(crate) struct Definitions {
    pub(crate) toggles: Vec<ToggleInfo>,
    pub(crate) releases: Vec<Release>,
}

impl Definitions {
    /// Whether this version defines no toggle and no release.
    pub(crate) fn is_empty(&self) -> bool {
        self.toggles.is_empty() && self.releases.is_empty()
    }
}

/// Where a toggle's state comes from, in the order of precedence.
///
/// A test override (see [`toggle_as`](crate::toggle_as)) comes before all of
/// these; it is not part of any snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// The toggle's own `enabled` field.
    Own,
    /// The `enabled` field of the toggle's release (`false` if the release has none).
    Release,
    /// Neither is set: the toggle is off.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Own => "own",
            Source::Release => "release",
            Source::Default => "default",
        })
    }
}

/// One toggle as a version of the file defines it.
///
/// 48 bytes and one heap block for the name and description together (a
/// block costs malloc 8 to 24 bytes more than asked): a 10 000-toggle
/// snapshot stays under 2 MB.
#[derive(Clone, PartialEq, Eq)]
pub struct ToggleInfo {
    /// The name, then the description if there is one.
    text: Box<str>,
    /// Where the name ends in `text` (a name is at most 255 bytes).
    name_len: u16,
    has_description: bool,
    pub(crate) enabled: bool,
    pub(crate) source: Source,
    /// Shared with the release's own name.
    pub(crate) release: Option<Arc<str>>,
    pub(crate) created: Option<Date>,
    pub(crate) line: u32,
}

impl ToggleInfo {
    pub(crate) fn new(
        name: &str,
        description: Option<&str>,
        enabled: bool,
        source: Source,
        release: Option<Arc<str>>,
        created: Option<Date>,
        line: u32,
    ) -> ToggleInfo {
        debug_assert!(name.len() <= MAX_NAME_LEN);
        let mut text = String::with_capacity(name.len() + description.map_or(0, str::len));
        text.push_str(name);
        text.push_str(description.unwrap_or(""));
        ToggleInfo {
            text: text.into_boxed_str(),
            name_len: name.len() as u16,
            has_description: description.is_some(),
            enabled,
            source,
            release,
            created,
            line,
        }
    }

    /// The toggle's name.
    #[inline]
    pub fn name(&self) -> &str {
        &self.text[..usize::from(self.name_len)]
    }

    /// Whether the toggle is named `name` (for lookups).
    #[inline]
    pub(crate) fn is_named(&self, name: &str) -> bool {
        usize::from(self.name_len) == name.len()
            && self.text.as_bytes().starts_with(name.as_bytes())
    }

    /// The effective state from the file, without test overrides.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Where [`is_enabled`](Self::is_enabled) comes from.
    pub fn source(&self) -> Source {
        self.source
    }

    /// The release the toggle belongs to, if any.
    pub fn release(&self) -> Option<&str> {
        self.release.as_deref()
    }

    /// The `description` field, if any.
    pub fn description(&self) -> Option<&str> {
        self.has_description
            .then(|| &self.text[usize::from(self.name_len)..])
    }

    /// The `created` field's date, if any.
    pub fn created(&self) -> Option<Date> {
        self.created
    }

    /// The 1-based line of the toggle's table header in the file.
    pub fn line(&self) -> usize {
        self.line as usize
    }
}

impl fmt::Debug for ToggleInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToggleInfo")
            .field("name", &self.name())
            .field("enabled", &self.enabled)
            .field("source", &self.source)
            .field("release", &self.release)
            .field("description", &self.description())
            .field("created", &self.created)
            .field("line", &self.line)
            .finish()
    }
}

/// A release: a named group of toggles switched on or off together.
///
/// `Display` gives the seed's summary line, e.g. `checkout-v2: 2 of 5 enabled`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// Shared with its members' [`ToggleInfo`]s.
    pub(crate) name: Arc<str>,
    pub(crate) enabled: bool,
    pub(crate) description: Option<Box<str>>,
    pub(crate) line: u32,
    /// Member names with their effective states, sorted by name.
    pub(crate) members: Vec<(Box<str>, bool)>,
}

impl Release {
    /// The release's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The release's own `enabled` field (`false` when absent).
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The `description` field, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The 1-based line of the release's table header in the file.
    pub fn line(&self) -> usize {
        self.line as usize
    }

    /// The member toggles with their effective states, sorted by name.
    pub fn toggles(&self) -> impl ExactSizeIterator<Item = (&str, bool)> {
        self.members.iter().map(|(name, on)| (&**name, *on))
    }

    /// `(enabled, total)`: how many member toggles are on, of how many.
    ///
    /// A member with its own `enabled` counts by that, so a release can be
    /// on with some members held off, or off with some let through.
    pub fn counts(&self) -> (usize, usize) {
        let on = self.members.iter().filter(|(_, on)| *on).count();
        (on, self.members.len())
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (on, total) = self.counts();
        write!(f, "{}: {on} of {total} enabled", self.name)
    }
}
