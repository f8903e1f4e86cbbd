//! The text as `toml_edit` reads it, with its lines: for what is compared
//! as written (`toggles check`'s redundant environment values). Where a
//! deciding value is written (`env.E.rollout`, line 7) is not found here:
//! the library's reader says it (`Snapshot::written`, `Release::written`),
//! by the rule its states come from.

use toml_edit::Document;

/// The document `toml_edit` reads from a text, and where its lines start.
pub struct KeyLines<'t> {
    /// `None` if `toml_edit` cannot read a text the library accepted.
    document: Option<Document<&'t str>>,
    /// The byte offset where each line starts.
    line_starts: Vec<usize>,
    /// The text's length in bytes.
    len: usize,
}

impl<'t> KeyLines<'t> {
    /// Reads `text` once.
    pub fn new(text: &'t str) -> KeyLines<'t> {
        // `toml_edit` does not take a byte-order mark; it holds no newline,
        // so the lines are the same without it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        KeyLines {
            document: Document::parse(text).ok(),
            line_starts,
            len: text.len(),
        }
    }

    /// The document, if `toml_edit` reads it.
    pub fn document(&self) -> Option<&Document<&'t str>> {
        self.document.as_ref()
    }

    /// The 1-based line of a byte offset (in `O(log lines)`: a file may
    /// have a key per environment per toggle).
    pub fn line_at(&self, offset: usize) -> Option<usize> {
        (offset <= self.len).then(|| self.line_starts.partition_point(|&start| start <= offset))
    }
}
