//! Which toggles file, and reading it through the library.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use toggles::FileContents;

use crate::fail::Fail;

/// The file given with `--file`, else by `$TOGGLES_FILE`, else
/// `./toggles.toml`. A `TOGGLES_FILE` that is set but empty is an error
/// naming it: the library would take it as a path and read no file, so
/// falling back to `./toggles.toml` would show a file the application
/// does not use.
pub fn resolve(flag: Option<PathBuf>) -> Result<PathBuf, Fail> {
    if let Some(path) = flag {
        return Ok(path);
    }
    match std::env::var_os(toggles::FILE_ENV) {
        Some(value) if value.is_empty() => Err(Fail::usage(format!(
            "{} is set but empty, so it names no file",
            toggles::FILE_ENV
        ))
        .help(format!(
            "set it to the toggles file's path, or unset it (`unset {}`) to use ./toggles.toml; \
             --file PATH overrides it",
            toggles::FILE_ENV
        ))),
        Some(value) => Ok(PathBuf::from(value)),
        None => Ok(PathBuf::from("toggles.toml")),
    }
}

/// Reads the file for a command that only reads it, as the library does
/// ([`toggles::read_file`]), and hands its bytes to `parse`, once. The value,
/// with the bytes it was parsed from.
///
/// A read command never writes: an append of new toggles a killed process
/// left unfinished is read as completing it would give the file, in memory,
/// and one line on stderr says it is pending and what completes it.
pub fn load<T>(
    path: &Path,
    parse: impl FnOnce(&[u8]) -> Result<T, Fail>,
) -> Result<(T, Vec<u8>), Fail> {
    let contents = read(path)?;
    if let Some(pending) = contents.pending_append() {
        eprintln!(
            "note: {}: {pending}; any edit command completes it too",
            path.display()
        );
    }
    let bytes = contents.into_bytes();
    Ok((parse(&bytes)?, bytes))
}

/// Lets the library complete, on disk, an append of new toggles that a
/// process killed mid-write left unfinished: opening a store that appends
/// does that (from the record the append left beside the file, only if the
/// file is exactly what was appended to; not with `TOGGLES_APPEND=off`).
/// For the edit commands, before they edit; call it without the lock (the
/// store takes it itself).
pub fn complete_interrupted_append(path: &Path) {
    // The store reads the file, completes the append, and is dropped: no
    // watch, and no thread unless it appends, which it does not here.
    let _ = toggles::Store::builder(path).watch(false).open();
}

/// The file at `path` as the library reads it ([`toggles::read_file`]: a
/// regular file only, never waited on, at most 64 MiB; a pending append
/// read as completed, nothing written), its errors said with what to do.
pub fn read(path: &Path) -> Result<FileContents, Fail> {
    toggles::read_file(path).map_err(|e| read_fail(path, e))
}

/// Whether reading failed because there is no file at the path.
pub fn is_not_found(error: &toggles::Error) -> bool {
    matches!(error, toggles::Error::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
}

/// [`toggles::read_file`]'s error for `path`, with what to do: the CLI's
/// own words about the file (`check` reports them as they are).
pub fn read_fail(path: &Path, error: toggles::Error) -> Fail {
    match error {
        toggles::Error::Io { source, .. } => read_error(path, source),
        toggles::Error::NotAFile {
            what: "a folder", ..
        } => {
            let inside = path.join("toggles.toml");
            let help = if fs::metadata(&inside).is_ok_and(|m| m.is_file()) {
                format!(
                    "the folder holds a toggles file: pass `--file {}`",
                    inside.display()
                )
            } else {
                EXPECTED.to_owned()
            };
            Fail::error(format!(
                "{}: cannot read the file: it is a folder, not a toggles file",
                path.display()
            ))
            .help(help)
        }
        toggles::Error::NotAFile { what, .. } => Fail::error(format!(
            "{}: cannot read the file: it is {what}, not a regular file",
            path.display()
        ))
        .help(EXPECTED),
        toggles::Error::TooLarge { limit, .. } => Fail::error(format!(
            "{}: cannot read the file: it is larger than {} MiB, the most a toggles file may be",
            path.display(),
            limit >> 20
        ))
        .help(EXPECTED),
        other => Fail::from(other),
    }
}

/// What `--file` and `TOGGLES_FILE` must name.
const EXPECTED: &str = "--file and TOGGLES_FILE name the toggles file itself, \
                        a regular file you can read, e.g. `--file path/to/toggles.toml`";

/// The error for a file that cannot be read, with what to do.
pub fn read_error(path: &Path, error: io::Error) -> Fail {
    if error.kind() == io::ErrorKind::NotFound
        && let Some((targets, missing)) = dangling_link(path)
    {
        let targets: Vec<String> = targets.iter().map(|t| t.display().to_string()).collect();
        Fail::error(format!(
            "{} is a symlink to {}, which does not exist",
            path.display(),
            targets.join(" → ")
        ))
        .help(format!(
            "create {} (the link's target), or point the link, --file or TOGGLES_FILE at an \
             existing toggles file",
            missing.display()
        ))
    } else if error.kind() == io::ErrorKind::NotFound {
        Fail::error(format!("no toggles file at {}", path.display())).help(
            "run in the folder that holds toggles.toml, pass --file PATH or set TOGGLES_FILE; \
             `toggles add NAME` starts a new file",
        )
    } else {
        Fail::error(format!("{}: cannot read the file: {error}", path.display())).help(EXPECTED)
    }
}

/// If `path` is a symlink, or a chain of them, whose last target is missing:
/// the targets as written in the links, and the missing path.
fn dangling_link(path: &Path) -> Option<(Vec<PathBuf>, PathBuf)> {
    let mut current = path.to_path_buf();
    let mut targets = Vec::new();
    // The kernel follows at most 40 links.
    for _ in 0..40 {
        if !fs::symlink_metadata(&current)
            .ok()?
            .file_type()
            .is_symlink()
        {
            return None;
        }
        let target = fs::read_link(&current).ok()?;
        // A relative target is relative to the link's folder.
        let next = match current.parent() {
            Some(dir) => dir.join(&target),
            None => target.clone(),
        };
        targets.push(target);
        match fs::symlink_metadata(&next) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Some((targets, next)),
            Err(_) => return None,
            Ok(_) => current = next,
        }
    }
    None
}

/// `path:line`, for pointing at a definition.
pub fn at(path: &Path, line: usize) -> String {
    format!("{}:{line}", path.display())
}
