//! Which toggles file, and reading it through the library.

use std::fs::{self, File, FileType, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use toggles::Snapshot;

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

/// Reads the file and hands its bytes to `parse`, once; where they do not
/// parse, lets the library complete an append a killed process left
/// unfinished (see [`complete_interrupted_append`]), then reads and parses
/// once more. The value, with the bytes it was parsed from.
pub fn load<T>(
    path: &Path,
    parse: impl Fn(&[u8]) -> Result<T, Fail>,
) -> Result<(T, Vec<u8>), Fail> {
    let (bytes, _) = read(path).map_err(|e| e.fail(path))?;
    if let Ok(value) = parse(&bytes) {
        return Ok((value, bytes));
    }
    complete_interrupted_append(path);
    let (bytes, _) = read(path).map_err(|e| e.fail(path))?;
    Ok((parse(&bytes)?, bytes))
}

// TODO(#22 library): the library completes an interrupted append in
// memory; a read command must not write (opening a store here does).
/// If the file does not parse, lets the library complete an append that a
/// process killed mid-write left unfinished: opening a store does that
/// (from the record the append left beside the file, only if the file is
/// exactly what was appended to, and not with `TOGGLES_APPEND=off`). A file
/// broken any other way is left as it is, for the caller to report. Call it
/// before taking the lock.
pub fn complete_interrupted_append(path: &Path) {
    let Ok((bytes, _)) = read(path) else { return };
    if Snapshot::parse(path, &bytes).is_err() {
        // The store reads the file, completes the append, and is dropped:
        // no watch, and no thread unless it appends, which it does not here.
        let _ = toggles::Store::builder(path).watch(false).open();
    }
}

/// Why the file could not be read.
pub enum Unreadable {
    Io(io::Error),
    /// Not a regular file: what it is instead.
    NotAFile(&'static str),
}

impl Unreadable {
    pub fn is_not_found(&self) -> bool {
        matches!(self, Unreadable::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }

    /// The error, with what to do.
    pub fn fail(self, path: &Path) -> Fail {
        match self {
            Unreadable::Io(e) => read_error(path, e),
            Unreadable::NotAFile("a folder") => {
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
            Unreadable::NotAFile(what) => Fail::error(format!(
                "{}: cannot read the file: it is {what}, not a regular file",
                path.display()
            ))
            .help(EXPECTED),
        }
    }
}

impl From<io::Error> for Unreadable {
    fn from(e: io::Error) -> Self {
        Unreadable::Io(e)
    }
}

// TODO(#22 library): one public function to read the file (the 64 MiB
// cap, `NotAFile`/`TooLarge`); this copies `read::open_regular`.
/// The bytes of the file at `path` and its metadata (of the handle read).
///
/// A regular file only, after symlinks, as the library reads it: a FIFO, a
/// socket, a device or a folder is refused, and never waited on. The type
/// is looked at first (a device is not even opened), the file is opened
/// with `O_NONBLOCK` (it may have been replaced since), and the type of the
/// opened handle is checked again before anything is read.
pub fn read(path: &Path) -> Result<(Vec<u8>, Metadata), Unreadable> {
    if let Ok(metadata) = fs::metadata(path)
        && let Some(what) = not_a_file(&metadata.file_type())
    {
        return Err(Unreadable::NotAFile(what));
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file: File = options.open(path).map_err(|e| {
        // A socket cannot be opened at all (ENXIO): say what it is.
        match fs::metadata(path)
            .ok()
            .and_then(|m| not_a_file(&m.file_type()))
        {
            Some(what) => Unreadable::NotAFile(what),
            None => Unreadable::Io(e),
        }
    })?;
    let metadata = file.metadata()?;
    if let Some(what) = not_a_file(&metadata.file_type()) {
        return Err(Unreadable::NotAFile(what));
    }
    // A hint only: a sparse file can claim any size.
    let mut bytes = Vec::with_capacity(metadata.len().min(64 << 20) as usize);
    file.read_to_end(&mut bytes)?;
    Ok((bytes, metadata))
}

/// What a file of this type is, if it is not a regular file.
fn not_a_file(file_type: &FileType) -> Option<&'static str> {
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
