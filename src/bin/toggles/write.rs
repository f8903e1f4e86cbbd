//! Replacing `toggles.toml` safely.
//!
//! Every edit goes through [`edit_file`]:
//!
//! 1. Resolve symlinks: the file written is the link's target, so a
//!    symlinked `toggles.toml` stays a link (a rename over the link would
//!    replace it with a plain file).
//! 2. Take [`toggles::FileLock`] on the real file's folder: the lock the
//!    library takes to append unknown names. A rename gives the file a new
//!    inode, so a lock on the file itself would protect nothing.
//! 3. Re-read and validate the file under the lock, and edit that text with
//!    `toml_edit`, which keeps every comment and all formatting it does not
//!    touch. A byte-order mark and CRLF line ends are put back as they were.
//! 4. Validate the new text with the library *before* replacing anything:
//!    the CLI never writes a file the library would reject.
//! 5. Refuse to replace a read-only file (its mode has no write bit for its
//!    owner) unless `--force`. Decided by the mode bits, not by `access(2)`:
//!    root may write anything, and a rename replaces a file whatever its
//!    mode, so only the mode says what its owner meant.
//! 6. Write a temporary file in the same folder with the original's
//!    permissions (and owner, where allowed), flush it to disk, and rename it
//!    over the real file: a reader (the application's hot reload) sees the
//!    old file or the new one, never half of one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use toggles::{FileLock, Snapshot};
use toml_edit::DocumentMut;

use crate::environments::{Choice, Views};
use crate::fail::Fail;
use crate::file;

/// The file before and after an edit.
pub struct Edited {
    /// In the environment edited (the base values without `--env`).
    pub before: Snapshot,
    pub after: Snapshot,
    /// Whether the file was written (false when the edit changed nothing).
    pub written: bool,
    /// The file after the edit as every environment sees it.
    pub views: Views,
    /// The text before and after the edit (without CRLF or BOM changes:
    /// for finding lines).
    pub text_before: String,
    pub text_after: String,
}

/// Applies `change` to the file at `path` and replaces it atomically, under
/// the library's lock. With `create`, a missing file is started empty; a
/// read-only file is replaced only with `force`.
///
/// `change` sees the validated current version and the document to edit; if
/// it fails, nothing is written.
pub fn edit_file(
    path: &Path,
    create: bool,
    force: bool,
    change: impl FnOnce(&Snapshot, &mut DocumentMut) -> Result<(), Fail>,
) -> Result<Edited, Fail> {
    edit_file_in(path, &Choice::base(), create, force, change)
}

/// [`edit_file`] in an environment: `change` sees the file as `choice`
/// reads it (refused if the file does not declare it), and the new text is
/// validated in the base values and in every declared environment.
pub fn edit_file_in(
    path: &Path,
    choice: &Choice,
    create: bool,
    force: bool,
    change: impl FnOnce(&Snapshot, &mut DocumentMut) -> Result<(), Fail>,
) -> Result<Edited, Fail> {
    file::complete_interrupted_append(path);
    let real = real_path(path, create)?;
    let _lock = FileLock::acquire(&real)?;
    let (bytes, metadata) = match file::read(&real) {
        Ok((bytes, metadata)) => (bytes, Some(metadata)),
        Err(e) if e.is_not_found() && create => (Vec::new(), None),
        Err(e) => return Err(e.fail(path)),
    };
    let before = Snapshot::parse(path, &bytes).map_err(|e| {
        Fail::from(e).help(
            "fix the file first: the CLI only edits a valid file, and never writes an invalid one",
        )
    })?;
    choice.check(path, &before)?;
    let before = match choice.name() {
        Some(environment) => Snapshot::parse_in(path, &bytes, Some(environment))?,
        None => before,
    };
    let text = std::str::from_utf8(&bytes).expect("the library accepts only UTF-8");
    let style = Style::of(text);
    let mut document: DocumentMut = style
        .strip(text)
        .parse()
        .map_err(|e| Fail::error(format!("{}: cannot edit the file: {e}", path.display())))?;

    change(&before, &mut document)?;

    let new_text = style.apply(&document.to_string());
    let invalid = |e: toggles::Error| {
        Fail::error(format!(
            "this edit would make the file invalid, so nothing was written:\n{e}"
        ))
        .help("this is a bug in the toggles CLI: please report it with the file")
    };
    // Every environment, base values first, from one parse: the edit is
    // written only if the file is valid in each.
    let views = Views::parse(path, new_text.as_bytes()).map_err(invalid)?;
    let after = Snapshot::parse_in(path, new_text.as_bytes(), choice.name()).map_err(invalid)?;
    if new_text.as_bytes() == bytes.as_slice() {
        return Ok(Edited {
            before,
            after,
            written: false,
            views,
            text_before: text.to_owned(),
            text_after: new_text,
        });
    }
    if let Some(metadata) = &metadata
        && !force
        && let Some(mode) = read_only(metadata)
    {
        return Err(Fail::error(format!(
            "{} is read-only ({mode}), so it was not changed",
            path.display()
        ))
        .help(format!(
            "pass --force to replace it anyway (it keeps its mode, and its owner where allowed), \
             or make it writable first: `chmod u+w {}`",
            path.display()
        )));
    }
    replace(&real, new_text.as_bytes(), metadata.as_ref())?;
    Ok(Edited {
        before,
        after,
        written: true,
        views,
        text_before: text.to_owned(),
        text_after: new_text,
    })
}

/// The file to write: `path` with every symlink resolved. For a missing file
/// (when creating), its folder resolved and its name.
fn real_path(path: &Path, create: bool) -> Result<PathBuf, Fail> {
    match fs::canonicalize(path) {
        Ok(real) => Ok(real),
        Err(e) if e.kind() == io::ErrorKind::NotFound && create => {
            if fs::symlink_metadata(path).is_ok() {
                // A dangling symlink: the same error as every command's.
                return Err(file::read_error(path, e));
            }
            let name = path
                .file_name()
                .ok_or_else(|| Fail::usage(format!("{} is not a file name", path.display())))?;
            let dir = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir,
                _ => Path::new("."),
            };
            let dir = fs::canonicalize(dir).map_err(|e| {
                Fail::error(format!("{}: cannot use the folder: {e}", dir.display()))
                    .help("create the folder first, or pass another --file")
            })?;
            Ok(dir.join(name))
        }
        Err(e) => Err(file::read_error(path, e)),
    }
}

/// If the file is read-only, how its mode says so: its mode has no write
/// bit for its owner (whoever runs the command, root included).
#[cfg(unix)]
fn read_only(metadata: &fs::Metadata) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o7777;
    (mode & 0o200 == 0).then(|| format!("its mode {mode:04o} has no write bit for its owner"))
}

#[cfg(not(unix))]
fn read_only(metadata: &fs::Metadata) -> Option<String> {
    metadata
        .permissions()
        .readonly()
        .then(|| "its read-only attribute is set".to_owned())
}

/// How the original text was laid out, beyond what `toml_edit` keeps.
struct Style {
    bom: bool,
    crlf: bool,
}

const BOM: &str = "\u{feff}";

impl Style {
    fn of(text: &str) -> Style {
        Style {
            bom: text.starts_with(BOM),
            crlf: text.contains("\r\n"),
        }
    }

    fn strip<'t>(&self, text: &'t str) -> &'t str {
        text.strip_prefix(BOM).unwrap_or(text)
    }

    /// `toml_edit` writes `\n` line ends outside strings: restore CRLF (a
    /// file of CRLF lines comes back byte for byte) and the BOM.
    fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 64);
        if self.bom {
            out.push_str(BOM);
        }
        if !self.crlf {
            out.push_str(text);
            return out;
        }
        let mut previous = '\0';
        for c in text.chars() {
            if c == '\n' && previous != '\r' {
                out.push('\r');
            }
            out.push(c);
            previous = c;
        }
        out
    }
}

/// Atomically replaces `real` with `bytes`: a temporary file in the same
/// folder, the original's permissions, `fsync`, rename, `fsync` of the folder.
/// Also `toggles export --out`'s write.
pub fn replace(real: &Path, bytes: &[u8], original: Option<&fs::Metadata>) -> Result<(), Fail> {
    let dir = real.parent().unwrap_or(Path::new("."));
    let name = real.file_name().unwrap_or_default().to_string_lossy();
    let (temp, mut file) = create_temp(dir, &name)?;
    let result = (|| {
        file.write_all(bytes)
            .map_err(|e| io_error(&temp, "write", e))?;
        if let Some(original) = original {
            copy_owner_and_permissions(&file, original)
                .map_err(|e| io_error(&temp, "set the permissions of", e))?;
        }
        file.sync_all().map_err(|e| io_error(&temp, "write", e))?;
        drop(file);
        fs::rename(&temp, real).map_err(|e| io_error(real, "replace", e))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
        return result;
    }
    // The rename is durable once the folder is on disk; where a folder
    // cannot be opened (or synced), the rename has still happened.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// A new hidden file beside the real one: `.toggles.toml.<pid>.<n>.tmp`.
fn create_temp(dir: &Path, name: &str) -> Result<(PathBuf, File), Fail> {
    let pid = std::process::id();
    for n in 0.. {
        let temp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => continue,
            Err(e) => {
                return Err(io_error(&temp, "create", e)
                    .help("the CLI writes a temporary file beside toggles.toml: the folder must be writable"));
            }
        }
    }
    unreachable!("the loop returns")
}

#[cfg(unix)]
fn copy_owner_and_permissions(file: &File, original: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let current = file.metadata()?;
    if (current.uid(), current.gid()) != (original.uid(), original.gid()) {
        // Only root (or the owner, for the group) may do this; otherwise the
        // new file belongs to whoever edits it, as with any editor's save.
        let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
    }
    file.set_permissions(original.permissions())
}

#[cfg(not(unix))]
fn copy_owner_and_permissions(file: &File, original: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(original.permissions())
}

fn io_error(path: &Path, action: &str, error: io::Error) -> Fail {
    Fail::error(format!(
        "{}: cannot {action} the file: {error}",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restores_crlf_and_bom_exactly() {
        let original = "\u{feff}# c\r\n[toggles.a]\r\nenabled = true\r\n";
        let style = Style::of(original);
        let normalized = style.strip(original).replace("\r\n", "\n");
        assert_eq!(style.apply(&normalized), original);
        let plain = Style::of("a\nb\n");
        assert_eq!(plain.apply("a\nb\n"), "a\nb\n");
    }
}
