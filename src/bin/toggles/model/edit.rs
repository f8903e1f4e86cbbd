//! An edit of `toggles.toml`, from lock to rename.
//!
//! Every edit goes through [`edit_file`]:
//!
//! 1. Resolve symlinks: the file written is the link's target, so a
//!    symlinked `toggles.toml` stays a link (a rename over the link would
//!    replace it with a plain file).
//! 2. Take `toggles::lock::FileLock` on the real file's folder: the lock the
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

use std::path::Path;

use toggles::Snapshot;
use toggles::lock::FileLock;
use toml_edit::DocumentMut;

use crate::document::write::{LineStyle, read_only, real_path, replace};
use crate::fail::Fail;
use crate::file;
use crate::model::choice::Choice;
use crate::model::views::Views;

/// The file before and after an edit.
pub struct Edited {
    /// In the environment edited (the base values without `--env`).
    pub before: Snapshot,
    /// The environment edited (`None`: the base values), whose view of
    /// [`views`](Self::views) is [`after`](Self::after).
    environment: Option<String>,
    /// Whether the file was written (false when the edit changed nothing).
    pub written: bool,
    /// The file after the edit as every environment sees it.
    pub views: Views,
}

impl Edited {
    /// The file after the edit, in the environment edited: one of
    /// [`views`](Self::views) (the new text is parsed once for all).
    pub fn after(&self) -> &Snapshot {
        self.views
            .get(self.environment.as_deref())
            .expect("an edit keeps the environment it edits (checked before it is written)")
    }
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
    let real = real_path(path, create)?;
    let mut completed = false;
    let (_lock, bytes, metadata, before) = loop {
        let lock = FileLock::acquire(&real)?;
        let contents = match toggles::read_file(&real) {
            Ok(contents) => Some(contents),
            Err(e) if file::is_not_found(&e) && create => None,
            Err(e) => return Err(file::read_fail(path, e)),
        };
        if let Some(pending) = contents.as_ref().and_then(|c| c.pending_append()) {
            if completed {
                return Err(Fail::error(format!("{}: {pending}", path.display())).help(
                    "the library could not complete it (`TOGGLES_APPEND=off` keeps it from \
                     writing): start the application, or run the edit without that variable, \
                     to complete it first; the CLI edits only the file as it is on disk",
                ));
            }
            // The library completes an append a killed process left
            // unfinished, on disk, without our lock (it takes it itself).
            drop(lock);
            file::complete_interrupted_append(path);
            completed = true;
            continue;
        }
        // The mode to keep, of the file read (the lock keeps other edits
        // out; it is read after, so a rename in between errs on its side).
        let (bytes, metadata) = match contents {
            Some(contents) => {
                let metadata = std::fs::metadata(&real).map_err(|e| file::read_error(path, e))?;
                (contents.into_bytes(), Some(metadata))
            }
            None => (Vec::new(), None),
        };
        // One parse, in the environment edited; only where it fails are
        // the base values read, to say what is wrong.
        let error = match Snapshot::parse_in(path, &bytes, choice.name()) {
            Ok(before) => break (lock, bytes, metadata, before),
            Err(error) => error,
        };
        return Err(match Snapshot::parse(path, &bytes) {
            Ok(base) => {
                choice.check(path, &base)?;
                error.into()
            }
            Err(e) => Fail::from(e).help(
                "fix the file first: the CLI only edits a valid file, and never writes an \
                 invalid one",
            ),
        });
    };
    let text = std::str::from_utf8(&bytes).expect("the library accepts only UTF-8");
    let style = LineStyle::of(text);
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
        .with_source(e)
    };
    // Every environment, base values first, from one parse: the edit is
    // written only if the file is valid in each.
    let views = Views::parse(path, new_text.as_bytes()).map_err(invalid)?;
    if views.get(choice.name()).is_none() {
        return Err(Fail::error(format!(
            "this edit would take environment `{}` out of the file, so nothing was written",
            choice.name().unwrap_or_default()
        ))
        .help("this is a bug in the toggles CLI: please report it with the file"));
    }
    let environment = choice.name().map(str::to_owned);
    if new_text.as_bytes() == bytes.as_slice() {
        return Ok(Edited {
            before,
            environment,
            written: false,
            views,
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
        environment,
        written: true,
        views,
    })
}
