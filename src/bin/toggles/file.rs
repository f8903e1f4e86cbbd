//! Which toggles file, and reading it through the library.

use std::io;
use std::path::{Path, PathBuf};

use toggles::Snapshot;

use crate::fail::Fail;

/// The file given with `--file` or `$TOGGLES_FILE` (clap reads both), else
/// `./toggles.toml`.
pub fn resolve(file: Option<PathBuf>) -> PathBuf {
    file.unwrap_or_else(|| PathBuf::from("toggles.toml"))
}

/// Reads and validates the file: a missing or invalid file is an error.
pub fn load(path: &Path) -> Result<Snapshot, Fail> {
    let bytes = std::fs::read(path).map_err(|e| read_error(path, e))?;
    Ok(Snapshot::parse(path, &bytes)?)
}

/// The error for a file that cannot be read, with what to do.
pub fn read_error(path: &Path, error: io::Error) -> Fail {
    if error.kind() == io::ErrorKind::NotFound {
        Fail::error(format!("no toggles file at {}", path.display())).help(
            "run in the folder that holds toggles.toml, pass --file PATH or set TOGGLES_FILE; \
             `toggles add NAME` starts a new file",
        )
    } else {
        Fail::error(format!("{}: cannot read the file: {error}", path.display()))
    }
}

/// `path:line`, for pointing at a definition.
pub fn at(path: &Path, line: usize) -> String {
    format!("{}:{line}", path.display())
}
