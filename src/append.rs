//! Appending unknown toggle names to the end of the file.
//!
//! The only write the library ever makes. Under the [`FileLock`] it re-reads
//! the file, skips names that are now present (another thread or process got
//! there first), and appends one table per name with a single `write` to a
//! file opened for appending. Existing bytes are never touched.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::date::Date;
use crate::error::Error;
use crate::format;
use crate::lock::FileLock;
use crate::name::is_name_byte;
use crate::read;

/// Why names could not be appended.
#[derive(Debug)]
pub(crate) enum AppendError {
    /// The file does not parse right now (perhaps mid-save): try again after
    /// the next good version.
    Invalid(Error),
    /// Reading, locking or writing failed (read-only, permissions, …).
    Io(Error),
    /// Someone may be writing the file in place right now (it was just
    /// modified, or it is empty while the last good version was not): an
    /// append now could be overwritten by the rest of their write. Try again
    /// in a moment.
    Busy,
    /// Another writer holds the lock: try again in a moment.
    Locked,
    /// The file is not the version in use (it changed and the store has not
    /// published that yet, or a save is in progress): appending now could
    /// interleave with a writer, or react to a half-written version. Reload,
    /// then try again.
    Unpublished,
}

/// When an append holds back, because the file may be mid-save.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caution {
    /// Hold back if the file was modified less than this long ago.
    pub(crate) quiet_for: Option<std::time::Duration>,
    /// Hold back if the file is empty: the last good version was not, so an
    /// editor has just truncated it to write it again.
    pub(crate) refuse_empty: bool,
    /// The modification time our own last append left: a file modified
    /// just now, but by us, is not mid-save.
    pub(crate) ours: Option<SystemTime>,
    /// The [`content_hash`](read::content_hash) of the version in use
    /// (`None`: it came from no file). The append is made only if the file
    /// holds exactly that version: never to a version the store has not
    /// published (a save in progress, most likely).
    pub(crate) published: Option<u64>,
}

/// What an append did: the names it appended, and the file's modification
/// time after it (for [`Caution::ours`]).
#[derive(Debug)]
pub(crate) struct Appended {
    pub(crate) names: Vec<Box<str>>,
    pub(crate) modified: Option<SystemTime>,
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
    caution: Caution,
) -> Result<Appended, AppendError> {
    let real = real_path(path);
    // Never wait for the lock: the caller's thread also reloads the file.
    let _lock = FileLock::try_acquire(&real)
        .map_err(AppendError::Io)?
        .ok_or(AppendError::Locked)?;
    // Check and append through one handle: if an editor replaces the file
    // meanwhile, the append lands in the version that was checked (and the
    // next reload finds the names missing and queues them again).
    let mut file = read::open_regular(
        &real,
        OpenOptions::new().read(true).append(true).create(true),
    )
    .map_err(|e| AppendError::Io(e.into_error(&real, "open the file for appending")))?;
    let current = read::read_from(&file)
        .map_err(|e| AppendError::Io(e.into_error(&real, "read the file")))?;
    if may_be_mid_save(&file, &current, caution) {
        return Err(AppendError::Busy);
    }
    let is_published = match caution.published {
        Some(hash) => read::content_hash(&current) == hash,
        None => format::is_blank(&current),
    };
    if !is_published && format::parse(path, &current).is_ok() {
        return Err(AppendError::Unpublished);
    }
    let (defined, repair) = match format::parse(path, &current) {
        Ok(defined) => (defined, String::new()),
        Err(error) => {
            // A writer killed mid-append can leave a torn table at the end;
            // appending the rest of it is the one repair that touches no byte.
            let Some(repair) = completion_of_torn_append(&current, created) else {
                return Err(AppendError::Invalid(error));
            };
            let mut repaired = current.clone();
            repaired.extend_from_slice(repair.as_bytes());
            let defined =
                format::parse(path, &repaired).map_err(|_| AppendError::Invalid(error))?;
            log::warn!(
                "{}: completing a torn append at the end of the file: {repair:?}",
                real.display()
            );
            (defined, repair)
        }
    };
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
    if missing.is_empty() && repair.is_empty() {
        return Ok(Appended {
            names: missing,
            modified: None,
        });
    }
    let mut text = repair;
    let mut with_repair = current.clone();
    with_repair.extend_from_slice(text.as_bytes());
    text.push_str(&tables_for(&with_repair, &missing, created));
    // The new tables are valid on their own, but a file can be laid out so
    // that they cannot follow it (an inline `toggles = { … }` table): then
    // appending would break the file, and we do not.
    let mut after = current;
    after.extend_from_slice(text.as_bytes());
    if let Err(e) = format::parse(path, &after) {
        return Err(AppendError::Invalid(e));
    }
    file.write_all(text.as_bytes())
        .map_err(|e| AppendError::Io(Error::io(&real, "append to the file", e)))?;
    let modified = file.metadata().and_then(|m| m.modified()).ok();
    Ok(Appended {
        names: missing,
        modified,
    })
}

/// Whether an editor that writes in place (truncate, then write) may be in
/// the middle of it: appending now would put our table where the rest of
/// its write lands.
fn may_be_mid_save(file: &std::fs::File, current: &[u8], caution: Caution) -> bool {
    if caution.refuse_empty && format::is_blank(current) {
        return true;
    }
    let Some(quiet_for) = caution.quiet_for else {
        return false;
    };
    let Ok(modified) = file.metadata().and_then(|m| m.modified()) else {
        return false;
    };
    // A modification time in the future (clock skew) counts as just now.
    Some(modified) != caution.ours && modified.elapsed().unwrap_or_default() < quiet_for
}

/// If `current` ends in a torn append — a strict prefix of a table that
/// [`tables_for`] writes, cut short by a crash — the text that completes it.
///
/// The torn table must start a line, its name must have at least one
/// character, and if the date was cut, it must be today's (a repair never
/// guesses). Anything else is left for the user to fix.
fn completion_of_torn_append(current: &[u8], created: Date) -> Option<String> {
    const HEADER: &[u8] = b"[toggles.";
    let start = current
        .windows(HEADER.len())
        .rposition(|w| w == HEADER)
        .filter(|&i| i == 0 || current[i - 1] == b'\n')?;
    let tail = std::str::from_utf8(&current[start..]).ok()?;
    let name_len = tail[HEADER.len()..]
        .bytes()
        .take_while(|&b| is_name_byte(b))
        .count();
    if name_len == 0 {
        return None;
    }
    let name = &tail[HEADER.len()..HEADER.len() + name_len];
    let newline = if tail.contains('\r') {
        "\r\n"
    } else {
        newline_of(current)
    };
    let table = tables_for(b"\n", &[name.into()], created);
    let table = table
        .strip_prefix('\n')
        .unwrap_or(&table)
        .replace('\n', newline);
    let rest = table.strip_prefix(tail)?;
    (!rest.is_empty()).then(|| rest.to_owned())
}

/// The line ending of a file: `\r\n` if it has one anywhere, else `\n`.
fn newline_of(current: &[u8]) -> &'static str {
    if current.windows(2).any(|w| w == b"\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The text appended for `names` after `current`.
fn tables_for(current: &[u8], names: &[Box<str>], created: Date) -> String {
    let newline = newline_of(current);
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

    #[test]
    fn a_torn_append_is_completed_and_nothing_else_is() {
        let date = Date::new(2026, 11, 25).unwrap();
        let full = "# mine\n\n[toggles.torn_name]\nenabled = false\ncreated = 2026-11-25\n";
        let start = full.find("[toggles.").unwrap();
        for cut in start + "[toggles.t".len()..full.len() {
            let torn = &full[..cut];
            let rest = completion_of_torn_append(torn.as_bytes(), date)
                .unwrap_or_else(|| panic!("{torn:?} should be completed"));
            let completed = format!("{torn}{rest}");
            let name_end = cut.min(full.find(']').unwrap());
            let name = &full[start + "[toggles.".len()..name_end];
            assert_eq!(completed, full.replace("torn_name", name), "cut at {cut}");
        }
        for not_ours in [
            "# mine\n",
            "[toggles.a]\nenabled = true\n", // complete, not torn
            "[toggles.a]\nenabled = tru",    // the user's value, not ours
            "[toggles.",                     // no name to complete
            "x = 1 [toggles.a",              // not at the start of a line
            "[toggles.a]\nenabled = false\ncreated = 2025-", // another day
        ] {
            assert_eq!(
                completion_of_torn_append(not_ours.as_bytes(), date),
                None,
                "{not_ours:?}"
            );
        }
        let crlf = "[toggles.a]\r\nenabled = false\r\ncre";
        assert_eq!(
            completion_of_torn_append(crlf.as_bytes(), date).unwrap(),
            "ated = 2026-11-25\r\n"
        );
    }
}
