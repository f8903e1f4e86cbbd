//! Appending unknown toggle names to the end of the file.
//!
//! The only write the library ever makes. Under the [`FileLock`] it re-reads
//! the file, skips names that are now present (another thread or process got
//! there first), and appends one table per name with a single `write` to a
//! file opened for appending. Existing bytes are never touched.
//!
//! A process killed during that `write` can leave any prefix of it on disk.
//! So the appender never has to guess which bytes are its own: before the
//! `write`, it records its intent beside the file (the *append record*,
//! `.NAME.append` for a file `NAME`: where the append starts, a checksum of
//! the bytes before it, the exact bytes, and a checksum of the record
//! itself), `fsync`ed; after the `write` is `fsync`ed, it removes the record.
//! A record still there means an append was cut short. [`recover`] (the
//! first load of a store) and every later append, under the same lock,
//! compare the file with it: if the file is exactly the version that was
//! checked followed by a prefix of the recorded bytes, the missing rest is
//! appended — the only repair that touches no existing byte and yields
//! exactly the names that were asked for. Anything else is someone else's
//! write: reported, never repaired.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::date::Date;
use crate::deferred::{DeferredLog, defer_log};
use crate::error::Error;
use crate::format;
use crate::lock::FileLock;
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
    /// The version the file must hold for the append to go ahead: a store
    /// appends only to the version it has published, never to one it has not
    /// seen (a save in progress, most likely).
    pub(crate) expected: Expected,
}

/// What the file must hold for an append to go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    /// Bytes whose [`content_hash`](read::content_hash) is this.
    Hash(u64),
    /// Nothing: the version in use came from no file, so only an empty (or
    /// blank) file is that version.
    NoFile,
    /// Whatever it holds, as long as it parses: for the unit tests of the
    /// write and its recovery, which have no version in use.
    #[cfg(test)]
    Anything,
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
    append_with(path, names, created, caution, |file, bytes| {
        file.write_all(bytes)
    })
}

/// [`append_missing`], writing the new bytes to the file with `write` (a
/// test cuts that write short, as a `SIGKILL` can).
fn append_with(
    path: &Path,
    names: &[Box<str>],
    created: Date,
    caution: Caution,
    write: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
) -> Result<Appended, AppendError> {
    let real = real_path(path);
    // Logged on return, after the lock (declared first, dropped last).
    let mut lines = DeferredLog::new();
    // Never wait for the lock: the caller's thread also reloads the file.
    let _lock = FileLock::try_acquire(&real)
        .map_err(AppendError::Io)?
        .ok_or(AppendError::Locked)?;
    // Check and append through one handle: if an editor replaces the file
    // meanwhile, the append lands in the version that was checked (and the
    // next reload finds the names missing and queues them again).
    let opened = read::open_regular(&real, OpenOptions::new().read(true).append(true));
    let mut file = match opened {
        Ok(file) => file,
        Err(e) if e.is_not_found() => {
            return create_with(&real, names, created, caution, write, &mut lines);
        }
        Err(e) => {
            return Err(AppendError::Io(
                e.into_error(&real, "open the file for appending"),
            ));
        }
    };
    let mut current = read::read_from(&file)
        .map_err(|e| AppendError::Io(e.into_error(&real, "read the file")))?;
    if may_be_mid_save(&file, &current, caution) {
        return Err(AppendError::Busy);
    }
    // An append that a killed process left unfinished is completed first
    // (or, if the file is no longer what it appended to, reported).
    let recovered =
        recover_locked(&real, &mut file, &mut current, &mut lines).map_err(AppendError::Io)?;
    // Only to the version the store has published (after a completed
    // recovery, that is the next version: the store reloads first).
    let is_published = match caution.expected {
        Expected::Hash(hash) => read::content_hash(&current) == hash,
        Expected::NoFile => format::is_blank(&current),
        #[cfg(test)]
        Expected::Anything => true,
    };
    if !is_published && format::parse(path, &current).is_ok() {
        return Err(AppendError::Unpublished);
    }
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
        let modified = match recovered {
            Recovered::Completed { .. } => file.metadata().and_then(|m| m.modified()).ok(),
            Recovered::Nothing | Recovered::Foreign => None,
        };
        return Ok(Appended {
            names: missing,
            modified,
        });
    }
    let intent = Intent::new(&current, tables_for(&current, &missing, created).into());
    // The new tables are valid on their own, but a file can be laid out so
    // that they cannot follow it (an inline `toggles = { … }` table): then
    // appending would break the file, and we do not.
    let mut after = current;
    after.extend_from_slice(&intent.bytes);
    if let Err(e) = format::parse(path, &after) {
        return Err(AppendError::Invalid(e));
    }
    // The record first, durably: whatever part of the append reaches the
    // disk, the record says it is ours, and what the rest is.
    write_record(&real, &intent, &mut lines).map_err(AppendError::Io)?;
    // If the write or its `fsync` fails, the record stays: the next appender
    // or load completes the append from it.
    write(&mut file, &intent.bytes)
        .and_then(|()| file.sync_data())
        .map_err(|e| AppendError::Io(Error::io(&real, "append to the file", e)))?;
    remove_record(&real, &mut lines);
    let modified = file.metadata().and_then(|m| m.modified()).ok();
    Ok(Appended {
        names: missing,
        modified,
    })
}

/// The file is missing: creates it holding the tables for `names`, never
/// empty. The record comes first, as for any append, then the file is
/// created (only if it still does not exist) and written in one `write`: a
/// crash at any moment leaves no file, or a file that the record completes.
fn create_with(
    real: &Path,
    names: &[Box<str>],
    created: Date,
    caution: Caution,
    write: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
    lines: &mut DeferredLog,
) -> Result<Appended, AppendError> {
    if let Expected::Hash(_) = caution.expected {
        // The file the version in use came from is gone: there is no version
        // to append to until one is saved again.
        let gone = io::Error::from(io::ErrorKind::NotFound);
        return Err(AppendError::Invalid(Error::io(
            real,
            "append to the file",
            gone,
        )));
    }
    let mut missing = names.to_vec();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        return Ok(Appended {
            names: missing,
            modified: None,
        });
    }
    // A link to a file not created yet is created through: its target.
    let real = &link_target(real);
    let intent = Intent::new(b"", tables_for(b"", &missing, created).into());
    write_record(real, &intent, lines).map_err(AppendError::Io)?;
    let created_file = OpenOptions::new()
        .read(true)
        .append(true)
        .create_new(true)
        .open(real);
    let mut file = match created_file {
        Ok(file) => file,
        Err(e) => {
            remove_record(real, lines);
            return Err(match e.kind() {
                // Someone created it meanwhile: read that version first.
                io::ErrorKind::AlreadyExists
                    if fs::symlink_metadata(real).is_ok_and(|m| m.is_file()) =>
                {
                    AppendError::Unpublished
                }
                _ => AppendError::Io(Error::io(real, "create the file", e)),
            });
        }
    };
    write(&mut file, &intent.bytes)
        .and_then(|()| file.sync_data())
        .map_err(|e| AppendError::Io(Error::io(real, "write the new file", e)))?;
    remove_record(real, lines);
    if let Some(folder) = real.parent()
        && let Err(e) = File::open(folder).and_then(|folder| folder.sync_all())
    {
        let folder = folder.display();
        defer_log!(
            lines,
            log::Level::Debug,
            "{folder}: cannot sync the folder: {e}"
        );
    }
    let modified = file.metadata().and_then(|m| m.modified()).ok();
    Ok(Appended {
        names: missing,
        modified,
    })
}

/// Where a chain of symbolic links starting at `path` ends (at most 40
/// links, as the kernel allows), whether or not that file exists.
fn link_target(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        let Ok(target) = fs::read_link(&path) else {
            break;
        };
        path = match path.parent() {
            Some(folder) => folder.join(target),
            None => target,
        };
    }
    path
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

/// What [`recover`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recovered {
    /// No append was left unfinished: no record, or a record torn while it
    /// was being written (its append never began; it is removed).
    Nothing,
    /// An append left unfinished was completed: `missing` bytes were
    /// appended (0 if it had reached the file whole), the record removed.
    Completed { missing: usize },
    /// A record that does not describe the file: someone else has written
    /// to it since. Nothing was written; it is logged, and the record stays
    /// while the file does not parse.
    Foreign,
}

/// The append record of the toggles file at `real` (symlinks resolved):
/// `.NAME.append` beside it. Not `..`-prefixed (unless `NAME` starts with a
/// dot, when it is `NAME.append`), so the watcher never takes it for the
/// file or a ConfigMap swap.
fn record_path(real: &Path) -> PathBuf {
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let record = if name.starts_with('.') {
        format!("{name}.append")
    } else {
        format!(".{name}.append")
    };
    real.with_file_name(record)
}

/// Completes an append that a killed process left unfinished, if its record
/// is beside the file at `path`: the first load of a store calls this
/// before it reads the file. Takes the lock only if a record exists, so a
/// read-only folder (which can hold none) costs one `stat`. What it logs
/// goes into `lines`, for the caller to log after its own locks.
pub(crate) fn recover(path: &Path, lines: &mut DeferredLog) -> Result<Recovered, Error> {
    let real = real_path(path);
    let record = record_path(&real);
    match fs::symlink_metadata(&record) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Recovered::Nothing),
        _ => {}
    }
    // Never wait: another writer holding the lock may be completing it
    // right now; the caller then reads the file as it was before the append.
    let Some(_lock) = FileLock::try_acquire(&real)? else {
        defer_log!(
            lines,
            log::Level::Debug,
            "{}: another writer holds the lock; not completing an interrupted append now",
            real.display()
        );
        return Ok(Recovered::Nothing);
    };
    // A missing file is left to the next append, which creates it.
    if fs::symlink_metadata(&real).is_err() {
        return Ok(Recovered::Nothing);
    }
    // Only a regular file is appended to, opened without ever blocking.
    let mut file = read::open_regular(&real, OpenOptions::new().read(true).append(true))
        .map_err(|e| e.into_error(&real, "open the file to complete an interrupted append"))?;
    let mut current = read::read_from(&file).map_err(|e| e.into_error(&real, "read the file"))?;
    recover_locked(&real, &mut file, &mut current, lines)
}

/// Where the append that a record beside the file at `path` describes
/// begins, if that append was cut short and `current` is exactly the
/// version it was appended to plus part of its bytes. `current[..offset]`
/// is then the file as its owner left it: what a store that may not write
/// loads instead of failing.
pub(crate) fn interrupted_append_at(path: &Path, current: &[u8]) -> Option<usize> {
    let intent = read_record(&record_path(&real_path(path)))
        .ok()
        .flatten()
        .flatten()?;
    match intent.progress(current) {
        Progress::Partial { written } if written < intent.bytes.len() => {
            usize::try_from(intent.offset).ok()
        }
        Progress::Partial { .. } | Progress::Foreign => None,
    }
}

/// What completing an interrupted append would make of the file: what a
/// read that must not write (the `toggles` command's reading commands)
/// takes instead of the torn file.
#[derive(Debug)]
pub(crate) struct Completion {
    /// The file's bytes with the recorded rest appended: exactly what
    /// [`recover`] would leave on disk.
    pub(crate) bytes: Vec<u8>,
    /// How many bytes of the append are missing from the file.
    pub(crate) missing: usize,
    /// The append record that describes it.
    pub(crate) record: PathBuf,
}

/// The file `current` (read from `path`) as completing the append its
/// record describes would give it, without writing anything: `None` unless a
/// record beside the file describes an append cut short of exactly this
/// version (the rule of [`recover`]), and the completed file parses (as
/// [`recover`] requires before it writes). A record that cannot be read is
/// no completion: the file is read as it is.
pub(crate) fn completion(path: &Path, current: &[u8]) -> Option<Completion> {
    let record = record_path(&real_path(path));
    let intent = read_record(&record).ok().flatten().flatten()?;
    let Progress::Partial { written } = intent.progress(current) else {
        return None;
    };
    let rest = &intent.bytes[written..];
    if rest.is_empty() {
        return None;
    }
    let bytes = [current, rest].concat();
    format::parse(path, &bytes).ok()?;
    Some(Completion {
        bytes,
        missing: rest.len(),
        record,
    })
}

/// [`append_missing`] of `asked` to the file at `path` by a process that
/// "dies" after `cut` bytes of the write reached the file (as a `SIGKILL`
/// between pages leaves it), for the tests of other modules. Returns the
/// bytes it meant to write.
#[cfg(test)]
pub(crate) fn killed_append(path: &Path, asked: &[&str], cut: usize) -> Vec<u8> {
    let asked: Vec<Box<str>> = asked.iter().map(|&name| name.into()).collect();
    let caution = Caution {
        quiet_for: None,
        refuse_empty: false,
        ours: None,
        expected: Expected::Anything,
    };
    let date = Date::new(2026, 11, 25).expect("a valid date");
    let mut meant = Vec::new();
    let result = append_with(path, &asked, date, caution, |file, bytes| {
        meant = bytes.to_vec();
        file.write_all(&bytes[..cut.min(bytes.len())])?;
        Err(io::Error::other("killed"))
    });
    assert!(matches!(result, Err(AppendError::Io(_))), "{result:?}");
    meant
}

/// [`recover`] under the lock, on the file opened for appending and its
/// bytes `current` (extended by what it appends).
fn recover_locked(
    real: &Path,
    file: &mut File,
    current: &mut Vec<u8>,
    lines: &mut DeferredLog,
) -> Result<Recovered, Error> {
    let record = record_path(real);
    let intent = match read_record(&record)? {
        None => return Ok(Recovered::Nothing),
        Some(None) => {
            // Torn while it was written: the append it announces never began.
            let shown = record.display();
            defer_log!(
                lines,
                log::Level::Debug,
                "{shown}: removing a torn append record"
            );
            remove_record(real, lines);
            return Ok(Recovered::Nothing);
        }
        Some(Some(intent)) => intent,
    };
    let written = match intent.progress(current) {
        Progress::Partial { written } => written,
        Progress::Foreign => {
            if format::parse(real, current).is_ok() {
                // The file was replaced or edited since, and is good: the
                // record describes nothing that is left.
                let shown = record.display();
                defer_log!(
                    lines,
                    log::Level::Debug,
                    "{shown}: removing an outdated append record"
                );
                remove_record(real, lines);
            } else {
                defer_log!(
                    lines,
                    log::Level::Warn,
                    "{}: an append by this library was interrupted, and the file has been \
                     changed since, so it is not repaired; fix the end of the file by hand \
                     (the bytes that were being appended are in {}; delete that file after)",
                    real.display(),
                    record.display()
                );
            }
            return Ok(Recovered::Foreign);
        }
    };
    let rest = &intent.bytes[written..];
    let mut completed = current.clone();
    completed.extend_from_slice(rest);
    if let Err(e) = format::parse(real, &completed) {
        // Cannot happen for a record this library wrote (its bytes were
        // checked against exactly this version); never write a bad file.
        defer_log!(
            lines,
            log::Level::Warn,
            "{}: not completing an interrupted append: the result would not be valid: {e}",
            real.display()
        );
        return Ok(Recovered::Foreign);
    }
    file.write_all(rest)
        .and_then(|()| file.sync_data())
        .map_err(|e| Error::io(real, "complete an interrupted append", e))?;
    remove_record(real, lines);
    *current = completed;
    if rest.is_empty() {
        defer_log!(
            lines,
            log::Level::Info,
            "{}: an append interrupted by a crash had reached the file whole",
            real.display()
        );
    } else {
        defer_log!(
            lines,
            log::Level::Warn,
            "{}: completed an append interrupted by a crash: {written} of its {} bytes were \
             in the file, appended the other {}",
            real.display(),
            intent.bytes.len(),
            rest.len()
        );
    }
    Ok(Recovered::Completed {
        missing: rest.len(),
    })
}

/// The record at `record`: `None` if there is none, `Some(None)` if it is
/// torn or corrupt. Anything but a regular file there is not ours: an error.
#[allow(clippy::option_option)] // none, torn, or one: three distinct cases
fn read_record(record: &Path) -> Result<Option<Option<Intent>>, Error> {
    const ACTION: &str = "read the append record";
    match fs::symlink_metadata(record) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(record, ACTION, e)),
        Ok(metadata) if !metadata.is_file() => {
            let what = io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is not a regular file, so not the library's: remove it",
            );
            return Err(Error::io(record, ACTION, what));
        }
        Ok(_) => {}
    }
    match read::read(record) {
        Ok(bytes) => Ok(Some(Intent::decode(&bytes))),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into_error(record, ACTION)),
    }
}

/// Writes the record of `intent` beside `real` and makes it durable (its
/// bytes and its name), before the append begins.
fn write_record(real: &Path, intent: &Intent, lines: &mut DeferredLog) -> Result<(), Error> {
    let record = record_path(real);
    let fail = |e| Error::io(&record, "write the append record beside the file", e);
    // Whatever is there (an outdated record) goes first, so that
    // `create_new` can refuse to follow a link planted in its place.
    match fs::remove_file(&record) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(fail(e)),
        _ => {}
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&record)
        .map_err(fail)?;
    if let Err(e) = file
        .write_all(&intent.encode())
        .and_then(|()| file.sync_data())
    {
        remove_record(real, lines);
        return Err(fail(e));
    }
    // The record's name in its folder, too. Not every platform can open a
    // folder to sync it; there, the file's own sync is what there is.
    if let Some(folder) = record.parent() {
        let synced = File::open(folder).and_then(|folder| folder.sync_all());
        if let Err(e) = synced {
            let folder = folder.display();
            defer_log!(
                lines,
                log::Level::Debug,
                "{folder}: cannot sync the folder: {e}"
            );
        }
    }
    Ok(())
}

/// Removes the append record beside `real`, if any. A failure is logged:
/// the next append replaces the record, and a record that describes a
/// complete append is only removed by the next recovery.
fn remove_record(real: &Path, lines: &mut DeferredLog) {
    let record = record_path(real);
    match fs::remove_file(&record) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            let record = record.display();
            defer_log!(
                lines,
                log::Level::Warn,
                "{record}: cannot remove the append record: {e}"
            );
        }
        _ => {}
    }
}

/// What an append is about to write, recorded beside the file before it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Intent {
    /// The file's length before the append: where its bytes begin.
    offset: u64,
    /// The checksum of the file's bytes before `offset`: the version that
    /// the append was checked against.
    before: u64,
    /// The exact bytes appended.
    bytes: Vec<u8>,
}

/// How a file stands against an [`Intent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Progress {
    /// The version checked, then the first `written` bytes of the append.
    Partial { written: usize },
    /// Anything else: someone else has written to the file.
    Foreign,
}

/// The first line of a record: what it is, and its format's version.
const RECORD_MAGIC: &str = "toggles append record, version 1";

impl Intent {
    /// The intent of appending `bytes` to the file `current`.
    fn new(current: &[u8], bytes: Vec<u8>) -> Intent {
        Intent {
            offset: current.len() as u64,
            before: checksum(&[current]),
            bytes,
        }
    }

    /// How far `current` got: the version checked and a prefix of ours.
    fn progress(&self, current: &[u8]) -> Progress {
        let Ok(offset) = usize::try_from(self.offset) else {
            return Progress::Foreign;
        };
        if current.len() < offset || current.len() - offset > self.bytes.len() {
            return Progress::Foreign;
        }
        let (before, written) = current.split_at(offset);
        if !self.bytes.starts_with(written) || checksum(&[before]) != self.before {
            return Progress::Foreign;
        }
        Progress::Partial {
            written: written.len(),
        }
    }

    /// The record: four lines of text a person can read, a line with the
    /// checksum of those lines and the bytes, then the bytes.
    fn encode(&self) -> Vec<u8> {
        let header = format!(
            "{RECORD_MAGIC}\noffset {}\nlength {}\nbefore {:016x}\n",
            self.offset,
            self.bytes.len(),
            self.before
        );
        let sum = checksum(&[header.as_bytes(), &self.bytes]);
        let mut record = header.into_bytes();
        record.extend_from_slice(format!("checksum {sum:016x}\n").as_bytes());
        record.extend_from_slice(&self.bytes);
        record
    }

    /// The intent in `record`, unless it is torn or corrupt.
    fn decode(record: &[u8]) -> Option<Intent> {
        let mut lines: [&[u8]; 5] = [&[]; 5];
        let mut rest = record;
        for line in &mut lines {
            let end = rest.iter().position(|&b| b == b'\n')?;
            *line = &rest[..end];
            rest = &rest[end + 1..];
        }
        let field = |line: &[u8], key: &str| {
            std::str::from_utf8(line)
                .ok()?
                .strip_prefix(key)?
                .strip_prefix(' ')
                .map(str::to_owned)
        };
        let hex = |text: String| u64::from_str_radix(&text, 16).ok();
        if lines[0] != RECORD_MAGIC.as_bytes() {
            return None;
        }
        let offset = field(lines[1], "offset")?.parse().ok()?;
        let length: usize = field(lines[2], "length")?.parse().ok()?;
        let before = hex(field(lines[3], "before")?)?;
        let sum = hex(field(lines[4], "checksum")?)?;
        let header = &record[..record.len() - rest.len() - lines[4].len() - 1];
        if rest.len() != length || checksum(&[header, rest]) != sum {
            return None;
        }
        let intent = Intent {
            offset,
            before,
            bytes: rest.to_vec(),
        };
        // Only the exact text `encode` writes (no `+1`, `0x`, `ABC`).
        (intent.encode() == record).then_some(intent)
    }
}

/// FNV-1a (64 bits) over `parts`, in order: stable across versions and
/// platforms, and enough to recognize a torn or damaged record (it guards
/// against accidents, not against someone who can write the folder).
fn checksum(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in *part {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
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
    for (i, name) in names.iter().enumerate() {
        // A blank line between tables, and before the first one unless it
        // starts the file.
        if i > 0 || !current.is_empty() {
            text.push_str(newline);
        }
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

    fn date() -> Date {
        Date::new(2026, 11, 25).unwrap()
    }

    fn names(list: &[&str]) -> Vec<Box<str>> {
        list.iter().map(|&name| name.into()).collect()
    }

    const CALM: Caution = Caution {
        quiet_for: None,
        refuse_empty: false,
        ours: None,
        expected: Expected::Anything,
    };

    /// The toggle names that `bytes` defines, sorted; panics unless they parse.
    fn defined(bytes: &[u8]) -> Vec<String> {
        format::parse(Path::new("toggles.toml"), bytes)
            .unwrap_or_else(|e| panic!("{e}\n{:?}", String::from_utf8_lossy(bytes)))
            .toggles
            .iter()
            .map(|t| t.name().to_owned())
            .collect()
    }

    /// A folder with `toggles.toml` holding `user`: in memory where there
    /// is a RAM disk, as these tests are about bytes, not durability (each
    /// append `fsync`s three times, milliseconds on a disk).
    fn user_file(user: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::tempdir_in(shm)
        } else {
            tempfile::tempdir()
        }
        .unwrap();
        let path = dir.path().join("toggles.toml");
        fs::write(&path, user).unwrap();
        (dir, path)
    }

    /// Appends `asked` to the file at `path` as the library does, but the
    /// process "dies" after `cut` bytes of the write reached the file (as a
    /// `SIGKILL` between pages leaves it). Returns the bytes it meant to write.
    fn killed_append(path: &Path, asked: &[Box<str>], cut: usize) -> Vec<u8> {
        let mut meant = Vec::new();
        let result = append_with(path, asked, date(), CALM, |file, bytes| {
            meant = bytes.to_vec();
            file.write_all(&bytes[..cut.min(bytes.len())])?;
            Err(io::Error::other("killed"))
        });
        assert!(matches!(result, Err(AppendError::Io(_))), "{result:?}");
        meant
    }

    fn count(text: &[u8], needle: &str) -> usize {
        String::from_utf8_lossy(text).matches(needle).count()
    }

    #[test]
    fn appends_exactly_one_table_per_name() {
        let date = date();
        let names: Vec<Box<str>> = vec!["a".into(), "b-2".into()];
        assert_eq!(
            tables_for(b"# x\n", &names, date),
            "\n[toggles.a]\nenabled = false\ncreated = 2026-11-25\n\n[toggles.b-2]\nenabled = false\ncreated = 2026-11-25\n"
        );
        assert!(
            tables_for(b"# no final newline", &names[..1], date).starts_with("\n\n[toggles.a]\n")
        );
        assert!(tables_for(b"", &names[..1], date).starts_with("[toggles.a]\n"));
        assert!(
            tables_for(b"# crlf\r\n", &names[..1], date)
                .starts_with("\r\n[toggles.a]\r\nenabled = false\r\n")
        );
    }

    /// (a) the file opens again, (b) it holds exactly the names asked for,
    /// each once, after every user byte, (c) and no other name — wherever
    /// the write was cut, whether the next load or the next append repairs it.
    #[test]
    fn an_append_cut_at_any_byte_is_completed_exactly() {
        let asked = names(&["new_one", "b-2", "z"]);
        let users = [
            "# mine\n[toggles.kept]\nenabled = true\n",
            "[toggles.kept]\nenabled = true # no final newline",
            "# crlf\r\n[toggles.kept]\r\nenabled = true\r\n",
            "",
        ];
        for user in users {
            let user = user.as_bytes();
            let mut expected: Vec<String> = defined(user);
            expected.extend(asked.iter().map(|n| n.to_string()));
            let full = tables_for(user, &asked, date()).len();
            for cut in 0..=full {
                let (_dir, path) = user_file(user);
                let record = record_path(&real_path(&path));
                let meant = killed_append(&path, &asked, cut);
                assert_eq!(meant.len(), full);
                let torn = fs::read(&path).unwrap();
                assert_eq!(torn, [user, &meant[..cut]].concat(), "cut at {cut}");
                assert!(record.exists(), "the record outlives the kill");
                // A store that may not write reads the user's file as it was.
                let offset = interrupted_append_at(&path, &torn);
                assert_eq!(offset, (cut < full).then_some(user.len()), "cut at {cut}");
                let mut expected = expected.clone();
                if cut % 2 == 0 {
                    // The next store's first load.
                    let recovered = recover(&path, &mut DeferredLog::new()).unwrap();
                    let missing = full - cut;
                    assert_eq!(recovered, Recovered::Completed { missing }, "cut at {cut}");
                } else {
                    // The next appender, with a name of its own.
                    let appended = append_missing(&path, &names(&["later"]), date(), CALM);
                    assert_eq!(appended.unwrap().names, names(&["later"]), "cut at {cut}");
                    expected.push("later".into());
                }
                expected.sort();
                let text = fs::read(&path).unwrap();
                assert!(text.starts_with(&[user, &meant].concat()), "cut at {cut}");
                assert_eq!(defined(&text), expected, "cut at {cut}");
                for name in &expected {
                    let header = format!("[toggles.{name}]");
                    assert_eq!(count(&text, &header), 1, "cut at {cut}");
                }
                assert!(!record.exists(), "cut at {cut}: the record is removed");
            }
        }
    }

    #[test]
    fn a_record_that_does_not_match_the_file_is_not_applied() {
        let user = b"# mine\n[toggles.kept]\nenabled = true\n";
        let asked = names(&["new_one", "other"]);
        let cut = 20;
        type Edit = fn(Vec<u8>) -> Vec<u8>;
        let someone_else: [(&str, Edit); 4] = [
            ("wrote after our bytes", |mut torn| {
                torn.extend_from_slice(b"x = 1\n");
                torn
            }),
            ("changed one of our bytes", |mut torn| {
                *torn.last_mut().unwrap() ^= 0x20;
                torn
            }),
            ("changed a byte of the user's", |mut torn| {
                torn[2] = b'M';
                torn
            }),
            ("cut the file before the append", |mut torn| {
                torn.truncate(30); // inside the user's bytes
                torn
            }),
        ];
        for (what, edit) in someone_else {
            let (_dir, path) = user_file(user);
            let record = record_path(&real_path(&path));
            killed_append(&path, &asked, cut);
            let theirs = edit(fs::read(&path).unwrap());
            fs::write(&path, &theirs).unwrap();
            assert_eq!(interrupted_append_at(&path, &theirs), None, "{what}");
            assert_eq!(
                recover(&path, &mut DeferredLog::new()).unwrap(),
                Recovered::Foreign,
                "{what}"
            );
            let appended = append_missing(&path, &names(&["later"]), date(), CALM);
            assert!(matches!(appended, Err(AppendError::Invalid(_))), "{what}");
            assert_eq!(fs::read(&path).unwrap(), theirs, "{what}: untouched");
            assert!(record.exists(), "{what}: the record stays for the user");
        }

        // A good file saved over the torn one: the record is outdated.
        let (_dir, path) = user_file(user);
        let record = record_path(&real_path(&path));
        killed_append(&path, &asked, cut);
        let saved = b"[toggles.saved]\nenabled = true\n";
        fs::write(&path, saved).unwrap();
        assert_eq!(
            recover(&path, &mut DeferredLog::new()).unwrap(),
            Recovered::Foreign
        );
        assert_eq!(fs::read(&path).unwrap(), saved, "untouched");
        assert!(!record.exists(), "an outdated record is removed");
        append_missing(&path, &names(&["later"]), date(), CALM).unwrap();
        assert_eq!(defined(&fs::read(&path).unwrap()), ["later", "saved"]);
    }

    #[test]
    fn a_torn_or_damaged_record_is_ignored() {
        let intent = Intent::new(b"# mine\n", b"\n[toggles.a]\nenabled = false\n".to_vec());
        let record = intent.encode();
        assert_eq!(Intent::decode(&record), Some(intent.clone()));
        for cut in 0..record.len() {
            assert_eq!(Intent::decode(&record[..cut]), None, "torn at {cut}");
        }
        for at in 0..record.len() {
            for flip in [0x01, 0x20, 0x80] {
                let mut damaged = record.clone();
                damaged[at] ^= flip;
                assert_eq!(Intent::decode(&damaged), None, "byte {at} ^ {flip:#x}");
            }
        }
        let zero_filled = [&record[..], &[0; 16]].concat();
        assert_eq!(Intent::decode(&zero_filled), None);

        // Beside a file that its append would have matched: the append
        // never began, the torn tail is not ours, nothing is repaired.
        let torn = b"# mine\n\n[toggles.a]\nenab";
        for cut in [0, 10, record.len() - 1] {
            let (_dir, path) = user_file(torn);
            let record_file = record_path(&real_path(&path));
            fs::write(&record_file, &record[..cut]).unwrap();
            assert_eq!(interrupted_append_at(&path, torn), None);
            assert_eq!(
                recover(&path, &mut DeferredLog::new()).unwrap(),
                Recovered::Nothing
            );
            assert!(!record_file.exists(), "a torn record is removed");
            let appended = append_missing(&path, &names(&["later"]), date(), CALM);
            assert!(matches!(appended, Err(AppendError::Invalid(_))));
            assert_eq!(fs::read(&path).unwrap(), torn, "untouched");
        }
    }

    #[test]
    fn a_torn_tail_without_a_record_is_reported_not_repaired() {
        let user = "# mine\n[toggles.kept]\nenabled = true\n\n";
        for tail in [
            "[toggles.k",
            "[toggles.kept_2]\nenabled = fal",
            "[toggles.a]\nenabled = false\ncreated = 2026-",
            "[toggles.a]\r\ncre",
        ] {
            let torn = format!("{user}{tail}");
            let (_dir, path) = user_file(torn.as_bytes());
            assert_eq!(
                recover(&path, &mut DeferredLog::new()).unwrap(),
                Recovered::Nothing,
                "{tail:?}"
            );
            match append_missing(&path, &names(&["later"]), date(), CALM) {
                Err(AppendError::Invalid(e)) => assert!(e.location().is_some(), "{e}"),
                other => panic!("{tail:?}: {other:?}"),
            }
            assert_eq!(fs::read_to_string(&path).unwrap(), torn, "untouched");
        }
    }

    #[test]
    fn a_successful_append_leaves_no_record() {
        let (dir, path) = user_file(b"# mine\n");
        // Through a link from another folder: the record is the target's.
        let elsewhere = tempfile::tempdir().unwrap();
        let link = elsewhere.path().join("toggles.toml");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let appended = append_missing(&link, &names(&["a", "b"]), date(), CALM).unwrap();
        assert_eq!(appended.names, names(&["a", "b"]));
        assert_eq!(defined(&fs::read(&path).unwrap()), ["a", "b"]);
        for folder in [dir.path(), elsewhere.path()] {
            let left: Vec<_> = fs::read_dir(folder).unwrap().flatten().collect();
            assert_eq!(left.len(), 1, "{left:?}");
        }
    }

    #[test]
    fn a_record_that_cannot_be_written_fails_the_append_cleanly() {
        let (_dir, path) = user_file(b"# mine\n");
        // Something in the record's place that cannot be replaced: a folder.
        let record = record_path(&real_path(&path));
        fs::create_dir(&record).unwrap();
        fs::write(record.join("x"), "").unwrap();
        match append_missing(&path, &names(&["a"]), date(), CALM) {
            Err(AppendError::Io(e)) => {
                assert!(e.to_string().contains(".toggles.toml.append"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        assert!(recover(&path, &mut DeferredLog::new()).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"# mine\n", "untouched");
    }

    #[test]
    fn the_record_is_named_after_the_file_and_never_dot_dot() {
        let at = |file: &str| record_path(Path::new(file));
        assert_eq!(
            at("/etc/app/toggles.toml"),
            Path::new("/etc/app/.toggles.toml.append")
        );
        assert_eq!(at("/etc/app/.flags"), Path::new("/etc/app/.flags.append"));
        assert_eq!(at("flags.toml"), Path::new(".flags.toml.append"));
    }

    #[test]
    fn a_missing_file_is_created_whole_and_a_cut_creation_is_completed() {
        let (_dir, path) = user_file(b"");
        fs::remove_file(&path).unwrap();
        let asked = names(&["first", "second"]);
        let full = tables_for(b"", &asked, date()).into_bytes();
        for cut in 0..full.len() {
            let mut meant = Vec::new();
            let result = append_with(&path, &asked, date(), CALM, |file, bytes| {
                meant = bytes.to_vec();
                file.write_all(&bytes[..cut])?;
                Err(io::Error::other("killed"))
            });
            assert!(matches!(result, Err(AppendError::Io(_))), "{result:?}");
            assert_eq!(meant, full);
            // What the crash left is completed by the next load.
            assert_eq!(
                recover(&path, &mut DeferredLog::new()).unwrap(),
                Recovered::Completed {
                    missing: full.len() - cut
                }
            );
            assert_eq!(fs::read(&path).unwrap(), full, "cut at {cut}");
            assert!(!record_path(&path).exists());
            fs::remove_file(&path).unwrap();
        }
        // Uninterrupted: the file holds exactly the tables, never less.
        let done = append_missing(&path, &asked, date(), CALM).unwrap();
        assert_eq!(done.names, asked);
        assert_eq!(fs::read(&path).unwrap(), full);
    }
}
