//! Reading the file: a regular file, at most [`MAX_FILE_SIZE`] bytes.
//!
//! Every read the library makes goes through here, so the limits hold for
//! the first load, each reload and each append alike.

use std::fs::File;
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
    read_from(&File::open(path)?)
}

/// The bytes of an open file, from its start, as [`read`] gives them.
pub(crate) fn read_from(file: &File) -> Result<Vec<u8>, ReadError> {
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Err(ReadError::NotAFile("a folder"));
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
