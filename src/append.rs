//! Appending unknown toggle names to the end of the file.
//!
//! The only write the library ever makes. Under the [`FileLock`] it re-reads
//! the file, skips names that are now present (another thread or process got
//! there first), and appends one table per name with a single `write` to a
//! file opened for appending. Existing bytes are never touched.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::error::Error;
use crate::format;
use crate::lock::FileLock;

/// Why names could not be appended.
#[derive(Debug)]
pub(crate) enum AppendError {
    /// The file does not parse right now (perhaps mid-save): try again after
    /// the next good version.
    Invalid(Error),
    /// Reading, locking or writing failed (read-only, permissions, …).
    Io(Error),
}

/// The file the library writes: `path` with its symlinks resolved, so that an
/// append through a symlink lands in the link's target.
pub(crate) fn real_path(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Appends a table for each of `names` that the file does not define yet.
/// Returns the names it appended.
pub(crate) fn append_missing(
    path: &Path,
    names: &[Box<str>],
    created: Date,
) -> Result<Vec<Box<str>>, AppendError> {
    let real = real_path(path);
    let _lock = FileLock::acquire(&real).map_err(AppendError::Io)?;
    let current = match fs::read(&real) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(AppendError::Io(Error::io(&real, "read the file", e))),
    };
    let defined = format::parse(path, &current).map_err(AppendError::Invalid)?;
    let mut missing: Vec<Box<str>> = names
        .iter()
        .filter(|name| {
            defined
                .toggles
                .binary_search_by(|t| t.name().cmp(name))
                .is_err()
        })
        .cloned()
        .collect();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        return Ok(missing);
    }
    let text = tables_for(&current, &missing, created);
    // The new tables are valid on their own, but a file can be laid out so
    // that they cannot follow it (an inline `toggles = { … }` table): then
    // appending would break the file, and we do not.
    let mut after = current;
    after.extend_from_slice(text.as_bytes());
    if let Err(e) = format::parse(path, &after) {
        return Err(AppendError::Invalid(e));
    }
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(&real)
        .map_err(|e| AppendError::Io(Error::io(&real, "open the file for appending", e)))?;
    file.write_all(text.as_bytes())
        .map_err(|e| AppendError::Io(Error::io(&real, "append to the file", e)))?;
    Ok(missing)
}

/// The text appended for `names` after `current`.
fn tables_for(current: &[u8], names: &[Box<str>], created: Date) -> String {
    let newline = if current.windows(2).any(|w| w == b"\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut text = String::new();
    if !current.is_empty() && !current.ends_with(b"\n") {
        text.push_str(newline);
    }
    for name in names {
        text.push_str(newline);
        for line in [
            &format!("[toggles.{name}]"),
            "enabled = false",
            &format!("created = {created}"),
        ] {
            text.push_str(line);
            text.push_str(newline);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_exactly_one_table_per_name() {
        let date = Date::new(2026, 11, 25).unwrap();
        let names: Vec<Box<str>> = vec!["a".into(), "b-2".into()];
        assert_eq!(
            tables_for(b"# x\n", &names, date),
            "\n[toggles.a]\nenabled = false\ncreated = 2026-11-25\n\n[toggles.b-2]\nenabled = false\ncreated = 2026-11-25\n"
        );
        assert!(
            tables_for(b"# no final newline", &names[..1], date).starts_with("\n\n[toggles.a]\n")
        );
        assert!(tables_for(b"", &names[..1], date).starts_with("\n[toggles.a]\n"));
        assert!(
            tables_for(b"# crlf\r\n", &names[..1], date)
                .starts_with("\r\n[toggles.a]\r\nenabled = false\r\n")
        );
    }
}
