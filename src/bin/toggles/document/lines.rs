//! Where a key is written: `toml_edit` spans over the text, read once for
//! every environment, with the library's rule for an environment
//! (`env.E.enabled`/`env.E.rollout` replace the base slot, `env.E.allow`
//! the base list).

use std::rc::Rc;

use toggles::{Release, ToggleInfo};
use toml_edit::{Document, Item, TableLike};

/// The lines of keys, found in the text through `toml_edit`'s spans: the
/// library's `line()` is the first line of a table, and a key may be
/// anywhere in it (or a dotted key, or in an inline table).
pub struct KeyLines<'t> {
    /// The text read once, shared by the [`KeyLines`] of every environment.
    parsed: Rc<Parsed<'t>>,
    /// The environment [`find`](Self::find) looks in.
    environment: Option<String>,
}

struct Parsed<'t> {
    /// `None` if `toml_edit` cannot read a text the library accepted: the
    /// tables' first lines are used then.
    document: Option<Document<&'t str>>,
    /// The byte offset where each line starts.
    line_starts: Vec<usize>,
    /// The text's length in bytes.
    len: usize,
}

impl<'t> KeyLines<'t> {
    /// `find` then reads the file as `environment` does.
    pub fn new(text: &'t str, environment: Option<&str>) -> KeyLines<'t> {
        // `toml_edit` does not take a byte-order mark; it holds no newline,
        // so the lines are the same without it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        let parsed = Parsed {
            document: Document::parse(text).ok(),
            line_starts,
            len: text.len(),
        };
        KeyLines {
            parsed: Rc::new(parsed),
            environment: environment.map(str::to_owned),
        }
    }

    /// The same text, read as `environment` does: parsed once for all.
    pub fn in_environment(&self, environment: Option<&str>) -> KeyLines<'t> {
        KeyLines {
            parsed: Rc::clone(&self.parsed),
            environment: environment.map(str::to_owned),
        }
    }

    /// The toggle's effective `field` line, else its table's first line.
    pub fn toggle(&self, toggle: &ToggleInfo, field: &str) -> usize {
        self.find("toggles", toggle.name(), field)
            .unwrap_or_else(|| toggle.line())
    }

    /// The release's effective `field` line, else its table's first line.
    pub fn release(&self, release: &Release, field: &str) -> usize {
        self.find("releases", release.name(), field)
            .unwrap_or_else(|| release.line())
    }

    /// The 1-based line of the key that gives `SECTION.NAME` its `field`
    /// in this environment, however it is written.
    pub fn find(&self, section: &str, name: &str, field: &str) -> Option<usize> {
        self.locate(section, name, field, self.environment.as_deref())
            .map(|(_, line)| line)
    }

    /// How the key that gives `SECTION.NAME` its `field` in this
    /// environment is written: `env.production.rollout`, else `field`.
    pub fn written(&self, section: &str, name: &str, field: &str) -> String {
        self.locate(section, name, field, self.environment.as_deref())
            .map_or_else(|| field.to_owned(), |(written, _)| written)
    }

    // TODO(#22 library): where each deciding value is written, from the
    // library's reader, instead of this copy of the `env.E` slot rule.
    /// The key that gives `SECTION.NAME` its `field` in `environment`, as
    /// written (`env.production.enabled`, `enabled`) and its line, by the
    /// library's rule: an `env.E.enabled` or `env.E.rollout` replaces both
    /// base keys (one slot), an `env.E.allow` the base `allow`.
    pub fn locate(
        &self,
        section: &str,
        name: &str,
        field: &str,
        environment: Option<&str>,
    ) -> Option<(String, usize)> {
        let table = self.table(section, name)?;
        if let Some(environment) = environment
            && let Some(values) = env_table(table, environment)
        {
            if let Some(line) = self.line_of(values, field) {
                return Some((format!("env.{environment}.{field}"), line));
            }
            let slot = ["enabled", "rollout"];
            if slot.contains(&field) && slot.iter().any(|f| values.contains_key(f)) {
                return None;
            }
        }
        self.line_of(table, field)
            .map(|line| (field.to_owned(), line))
    }

    /// The 1-based line of `SECTION.NAME.env.ENVIRONMENT.FIELD` as written.
    pub fn env_line(
        &self,
        section: &str,
        name: &str,
        environment: &str,
        field: &str,
    ) -> Option<usize> {
        self.line_of(env_table(self.table(section, name)?, environment)?, field)
    }

    /// The document, if `toml_edit` reads it.
    pub fn document(&self) -> Option<&Document<&'t str>> {
        self.parsed.document.as_ref()
    }

    fn table(&self, section: &str, name: &str) -> Option<&dyn TableLike> {
        self.parsed
            .document
            .as_ref()?
            .as_item()
            .as_table_like()?
            .get(section)?
            .as_table_like()?
            .get(name)?
            .as_table_like()
    }

    fn line_of(&self, table: &dyn TableLike, field: &str) -> Option<usize> {
        let (key, value) = table.get_key_value(field)?;
        self.line_at(value.span().or_else(|| key.span())?.start)
    }

    /// The 1-based line of a byte offset (in `O(log lines)`: a file may
    /// have a key per environment per toggle).
    pub fn line_at(&self, offset: usize) -> Option<usize> {
        let starts = &self.parsed.line_starts;
        (offset <= self.parsed.len).then(|| starts.partition_point(|&start| start <= offset))
    }
}

/// A table's `env.ENVIRONMENT` values, however they are written.
pub fn env_table<'a>(table: &'a dyn TableLike, environment: &str) -> Option<&'a dyn TableLike> {
    table
        .get("env")
        .and_then(Item::as_table_like)?
        .get(environment)
        .and_then(Item::as_table_like)
}
