//! Reading the file: a regular file, at most [`MAX_FILE_SIZE`] bytes.
//!
//! Every open and read of the file the library makes goes through here, so
//! the rules hold for the first load, each reload and each append alike:
//!
//! - **Regular files only**, after following symlinks. A FIFO, a socket, a
//!   device or a folder in the file's place is refused with
//!   [`ReadError::NotAFile`], *without blocking*: opening a FIFO for reading
//!   waits for a writer (forever, if none comes), and reading one waits for
//!   data. So [`open_regular`] looks at the path's type first (a device is
//!   not even opened), opens with `O_NONBLOCK` (the path may be replaced
//!   between the look and the open), and checks the type of the handle it
//!   got. On a regular file, `O_NONBLOCK` changes nothing.
//! - **At most [`MAX_FILE_SIZE`] bytes.**

use std::fs::{self, File, FileType, OpenOptions};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, Read};
use std::path::Path;

use crate::error::Error;

/// The largest file the library reads: far beyond any real toggles file
/// (100 000 toggles take about 6 MiB), small enough to bound memory.
pub(crate) const MAX_FILE_SIZE: u64 = 64 << 20;

/// Why a file could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The operating system's error (the file is missing, a permission, …).
    Io(io::Error),
    /// Not a regular file: what it is instead.
    NotAFile(&'static str),
    /// Larger than [`MAX_FILE_SIZE`].
    TooLarge,
}

impl ReadError {
    /// Whether the file does not exist.
    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }

    /// Whether something other than a regular file is in the file's place.
    pub(crate) fn is_not_a_file(&self) -> bool {
        matches!(self, ReadError::NotAFile(_))
    }

    /// The public error, naming `path` and what the library was doing.
    pub(crate) fn into_error(self, path: &Path, action: &'static str) -> Error {
        let path = path.to_path_buf();
        match self {
            ReadError::Io(source) => Error::Io {
                path,
                action,
                source,
            },
            ReadError::NotAFile(what) => Error::NotAFile { path, action, what },
            ReadError::TooLarge => Error::TooLarge {
                path,
                action,
                limit: MAX_FILE_SIZE,
            },
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// The bytes of the file at `path`.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_from(&open_regular(path, OpenOptions::new().read(true))?)
}

/// What a read of the file gave, and whether the file held still meanwhile.
#[derive(Debug)]
pub(crate) struct Contents {
    /// The bytes, from the file's start to its end.
    pub(crate) bytes: Vec<u8>,
    /// Whether the file was seen to change while it was read: its size or
    /// its modification or change time differed after the read from before
    /// it, or the bytes read were not as many as its size said. The bytes
    /// may then be pieces of different versions (the start of one save and
    /// the end of the next): no more than a first look.
    pub(crate) written_during: bool,
}

/// The bytes of the file at `path`, and whether the file was written while
/// they were read or, if `since` is given (a [`stamp`] taken when a writer
/// said it was done), since then (see [`Contents`]).
pub(crate) fn read_watching(path: &Path, since: Option<&Stamp>) -> Result<Contents, ReadError> {
    let file = open_regular(path, OpenOptions::new().read(true))?;
    let before = file.metadata()?;
    let bytes = read_checked(&file, &before)?;
    let after = file.metadata()?;
    let (before, after) = (Stamp::of(&before), Stamp::of(&after));
    let written_during = before != after
        || since.is_some_and(|since| *since != before)
        || bytes.len() as u64 != before.len
        || bytes.len() as u64 != after.len;
    Ok(Contents {
        bytes,
        written_during,
    })
}

/// The [`Stamp`] of the file at `path` now (after symlinks), if it can be
/// looked at.
pub(crate) fn stamp(path: &Path) -> Option<Stamp> {
    fs::metadata(path).ok().map(|m| Stamp::of(&m))
}

/// What tells a file written since an earlier look: which file it is, its
/// size, and its modification and change times. Linux gives a write that
/// follows a look at them a time of its own, however close the two are, on
/// file systems with fine-grained timestamps (ext4, XFS, Btrfs, tmpfs since
/// 6.13); elsewhere two writes within one clock tick can share a time, and
/// the size and the file events must tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
    #[cfg(unix)]
    changed: (i64, i64),
}

impl Stamp {
    fn of(metadata: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            #[cfg(unix)]
            inode: (metadata.dev(), metadata.ino()),
            #[cfg(unix)]
            changed: (metadata.ctime(), metadata.ctime_nsec()),
        }
    }
}

/// The bytes of an open file, from its start, as [`read`] gives them.
pub(crate) fn read_from(file: &File) -> Result<Vec<u8>, ReadError> {
    read_checked(file, &file.metadata()?)
}

/// The bytes of `file`, whose metadata is `metadata`.
fn read_checked(file: &File, metadata: &fs::Metadata) -> Result<Vec<u8>, ReadError> {
    if let Some(what) = not_a_file(&metadata.file_type()) {
        return Err(ReadError::NotAFile(what));
    }
    let mut bytes = Vec::with_capacity(metadata.len().min(MAX_FILE_SIZE) as usize);
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// A hash of a file's content: how the store tells versions apart, and how
/// an append makes sure it writes after the version in use.
pub(crate) fn content_hash(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// Opens `path` with `options` if it is a regular file (after symlinks),
/// without ever blocking on what is not one (see the module's docs).
pub(crate) fn open_regular(path: &Path, options: &mut OpenOptions) -> Result<File, ReadError> {
    // Refuse what is plainly not a file without opening it: opening a
    // device can do something of its own (a tape rewinds, a modem dials).
    // A path that cannot be looked at is left to `open`, which says why.
    if let Ok(metadata) = fs::metadata(path)
        && let Some(what) = not_a_file(&metadata.file_type())
    {
        return Err(ReadError::NotAFile(what));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The path may have been replaced since the look above.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| {
        // Opening a FIFO without a reader for writing, or a socket, fails
        // (ENXIO), and a folder for writing too (EISDIR): say what it is.
        match fs::metadata(path)
            .ok()
            .and_then(|m| not_a_file(&m.file_type()))
        {
            Some(what) => ReadError::NotAFile(what),
            None => ReadError::Io(e),
        }
    })?;
    if let Some(what) = not_a_file(&file.metadata()?.file_type()) {
        return Err(ReadError::NotAFile(what));
    }
    Ok(file)
}

/// What a file of type `file_type` is, if it is not a regular file: `"a
/// FIFO"`, `"a socket"`, `"a device"`, `"a folder"`.
pub(crate) fn not_a_file(file_type: &FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
    }
    Some("a special file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_without_reading_it() {
        // Reading /dev/zero would never end; `/dev/null` would read as empty.
        for device in ["/dev/zero", "/dev/null"] {
            let error = read(Path::new(device)).unwrap_err();
            assert!(
                matches!(error, ReadError::NotAFile("a device")),
                "{error:?}"
            );
            let opened = open_regular(Path::new(device), OpenOptions::new().append(true));
            assert!(matches!(opened, Err(ReadError::NotAFile("a device"))));
        }
    }

    #[test]
    fn a_folder_is_refused_for_reading_and_for_appending() {
        let dir = std::env::temp_dir();
        assert!(matches!(read(&dir), Err(ReadError::NotAFile("a folder"))));
        let opened = open_regular(&dir, OpenOptions::new().read(true).append(true));
        assert!(matches!(opened, Err(ReadError::NotAFile("a folder"))));
    }
}
