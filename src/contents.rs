//! Reading the file as the library does, for tools: [`read_file`].
//!
//! The store's own reads go through `read`; this is the same
//! read for a program that only looks at the file (the `toggles` command's
//! `list`, `show`, `check`, `diff`, `export`): the same rules (regular files
//! only, never blocking, at most 64 MiB), and an append the library left
//! unfinished read as completed, in memory, without writing anything.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::append;
use crate::error::Error;
use crate::read;

/// The bytes of a toggles file, read by [`read_file`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileContents {
    bytes: Vec<u8>,
    pending: Option<PendingAppend>,
}

impl FileContents {
    /// The file's bytes, as completing a [pending append](Self::pending_append)
    /// would leave them (without one: the bytes on disk).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes of [`bytes`](Self::bytes), owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// An append of unknown names by this library that a crash cut short,
    /// if there is one: the file on disk lacks its last bytes, and
    /// [`bytes`](Self::bytes) holds them.
    pub fn pending_append(&self) -> Option<&PendingAppend> {
        self.pending.as_ref()
    }
}

/// An append the library began and a crash (a `SIGKILL`, a power cut) cut
/// short, which the append record beside the file describes exactly.
///
/// Opening a [`Store`](crate::Store) that appends (the default; not with
/// [`Builder::append_unknown(false)`](crate::Builder::append_unknown) or
/// `TOGGLES_APPEND=off`) completes it on disk. `Display` says so in one
/// line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAppend {
    missing: usize,
    record: PathBuf,
}

impl PendingAppend {
    /// How many bytes of the append are missing from the file on disk.
    pub fn missing(&self) -> usize {
        self.missing
    }

    /// The append record: `.NAME.append` beside the file (its symlinks
    /// resolved), which holds the bytes of the append.
    pub fn record(&self) -> &Path {
        &self.record
    }
}

impl fmt::Display for PendingAppend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an append of new toggles was interrupted ({} bytes missing, recorded in {}); \
             read as completed: the next store that appends completes it on disk",
            self.missing,
            self.record.display()
        )
    }
}

/// Reads the toggles file at `path` as a store does, and writes nothing.
///
/// - **Regular files only**, after symlinks: a FIFO, a socket, a device or a
///   folder is [`Error::NotAFile`], and never waited on (a device is not
///   even opened).
/// - **At most 64 MiB**: a larger file (a sparse one too) is
///   [`Error::TooLarge`], and no more than that is read.
/// - A missing file is [`Error::Io`] whose source's kind is
///   [`NotFound`](std::io::ErrorKind::NotFound).
/// - **An interrupted append is read as completed.** If an append of this
///   library was cut short, and the record beside the file describes it
///   exactly (the file is the version it was appended to, then part of
///   it), [`FileContents::bytes`] holds the file with the rest appended —
///   what a store would load after completing it — and
///   [`FileContents::pending_append`] says so. The file and the record are
///   left as they are.
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("toggles.toml");
/// std::fs::write(&path, "[toggles.a]\nenabled = true\n")?;
/// let contents = toggles::read_file(&path)?;
/// assert_eq!(contents.bytes(), b"[toggles.a]\nenabled = true\n");
/// assert!(contents.pending_append().is_none());
/// let error = toggles::read_file(dir.path()).unwrap_err();
/// assert!(matches!(error, toggles::Error::NotAFile { what: "a folder", .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_file(path: impl AsRef<Path>) -> Result<FileContents, Error> {
    let path = path.as_ref();
    let bytes = read::read(path).map_err(|e| e.into_error(path, "read the file"))?;
    Ok(match append::completion(path, &bytes) {
        Some(completion) => FileContents {
            bytes: completion.bytes,
            pending: Some(PendingAppend {
                missing: completion.missing,
                record: completion.record,
            }),
        },
        None => FileContents {
            bytes,
            pending: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format;

    /// An append cut at any byte reads as the completed file, the file on
    /// disk and its record untouched; once a store completes it, there is
    /// nothing pending.
    #[test]
    fn a_torn_append_reads_as_completed_and_nothing_is_written() {
        let user = b"# mine\n[toggles.kept]\nenabled = true\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("toggles.toml");
        let record = dir.path().join(".toggles.toml.append");
        for cut in [0, 1, 17, 30] {
            std::fs::write(&path, user).unwrap();
            let _ = std::fs::remove_file(&record); // the last cut's
            let meant = append::killed_append(&path, &["new_one", "z"], cut);
            assert!(cut < meant.len());
            let torn = std::fs::read(&path).unwrap();
            assert_eq!(torn, [&user[..], &meant[..cut]].concat());
            let recorded = std::fs::read(&record).unwrap();

            let contents = read_file(&path).unwrap();
            assert_eq!(contents.bytes(), [&user[..], &meant].concat(), "cut {cut}");
            let pending = contents.pending_append().expect("an append is pending");
            assert_eq!(pending.missing(), meant.len() - cut);
            assert_eq!(pending.record(), std::fs::canonicalize(&record).unwrap());
            assert!(pending.to_string().contains("interrupted"), "{pending}");
            let names: Vec<_> = format::parse(&path, contents.bytes())
                .unwrap()
                .toggles
                .iter()
                .map(|t| t.name().to_owned())
                .collect();
            assert_eq!(names, ["kept", "new_one", "z"]);
            // Nothing was written: the torn file and its record are as left.
            assert_eq!(std::fs::read(&path).unwrap(), torn);
            assert_eq!(std::fs::read(&record).unwrap(), recorded);
        }
        // Completed on disk (what a store that appends does at open): the
        // file reads as it is, with nothing pending.
        crate::append::recover(&path, &mut crate::deferred::DeferredLog::new()).unwrap();
        let contents = read_file(&path).unwrap();
        assert!(contents.pending_append().is_none());
        assert_eq!(contents.bytes(), std::fs::read(&path).unwrap());
    }

    /// A file someone else wrote to since the append is read as it is: the
    /// record does not describe it.
    #[test]
    fn a_record_that_does_not_describe_the_file_is_not_applied() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("toggles.toml");
        std::fs::write(&path, "[toggles.kept]\n").unwrap();
        append::killed_append(&path, &["new_one"], 5);
        let edited = b"[toggles.kept]\nenabled = true\n[toggl";
        std::fs::write(&path, edited).unwrap();
        let contents = read_file(&path).unwrap();
        assert_eq!(contents.bytes(), edited);
        assert!(contents.pending_append().is_none());
    }
}
