//! Watching the file's folder for changes with `notify`.
//!
//! The watch is on the **parent folder**, not the file: a save that replaces
//! the file (write to a temporary file, then rename) would leave a watch on
//! the old inode silent. Events are not filtered on the file's name alone: a
//! Kubernetes ConfigMap update only names `..data`, `..data_tmp` and
//! timestamped folders. Reads (`Access` events other than a close after
//! writing) are ignored, or the store would reload forever on its own reads.
//! When the file is a symlink to a file in another folder, that folder is
//! watched too, for saves made to the target. Everything else that could concern
//! the file is passed to the caller's callback as a [`Change`]: whether a
//! writer is done (a close after writing, a rename into place), still
//! writing, or something else happened. This module names no type of the
//! store: the callback is all it knows.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

/// What an event in the watched folder says about the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// A writer is done: a new version is complete now. A close after
    /// writing the file (an in-place save, an append), a rename into the
    /// file's place (a rename-save), a rename of `..data` (a ConfigMap swap).
    Complete,
    /// The file is being written in place (or was just created): the
    /// version is complete when the writer closes it.
    Writing,
    /// Anything else that may concern the file: removed or renamed away, the
    /// folder changed, events were lost. No writer's close will say when it
    /// is over, so it settles.
    Other,
    /// A watched folder itself was removed or renamed: the watch is lost.
    FolderGone,
    /// Nothing changed: the folder was opened. [`mark`] does that to learn
    /// that every event before it has been passed on (the watch passes
    /// events on in the order they happened); anyone else opening the
    /// folder makes one too.
    Marker,
}

/// Opens the folder watched for `path`, and closes it: the watch passes on
/// a [`Change::Marker`] after every event that happened before. `false` if
/// the folder cannot be opened (then no marker comes).
pub(crate) fn mark(path: &Path) -> bool {
    std::fs::File::open(split(path).0).is_ok()
}

/// A running watch; dropping it stops the watch.
pub(crate) struct Watcher {
    _watcher: RecommendedWatcher,
}

impl Watcher {
    /// Watches the folder of `path` (and of its symlink target) and calls
    /// `on_event` for each event that could concern the file, on `notify`'s
    /// thread. `on_event` should be quick: it only takes note.
    pub(crate) fn start(
        path: &Path,
        on_event: impl Fn(Change) + Send + 'static,
    ) -> notify::Result<Watcher> {
        let mut targets = vec![split(path)];
        // A link to a file in another folder: saves to the target happen there.
        if let Ok(real) = std::fs::canonicalize(path) {
            let (real_dir, real_name) = split(&real);
            let linked_dir =
                std::fs::canonicalize(&targets[0].0).unwrap_or_else(|_| targets[0].0.clone());
            if !real_dir.starts_with(&linked_dir) {
                targets.push((real_dir, real_name));
            }
        }
        let filters = targets.clone();
        let shown = path.display().to_string();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<Event>| match event {
                Ok(event) => {
                    let change = filters
                        .iter()
                        .filter_map(|(dir, name)| classify(&event, dir, name))
                        .max_by_key(|change| match change {
                            Change::Marker => 0,
                            Change::Other => 1,
                            Change::Writing => 2,
                            Change::Complete => 3,
                            Change::FolderGone => 4,
                        });
                    if let Some(change) = change {
                        on_event(change);
                    }
                }
                Err(e) => {
                    log::debug!("{shown}: watch error, re-reading: {e}");
                    on_event(Change::Other);
                }
            })?;
        for (dir, _) in &targets {
            watcher.watch(dir, RecursiveMode::NonRecursive)?;
        }
        Ok(Watcher { _watcher: watcher })
    }
}

/// A file's folder and name.
fn split(path: &Path) -> (PathBuf, OsString) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (
        dir,
        path.file_name().map(OsString::from).unwrap_or_default(),
    )
}

/// What an event in the folder `dir` says about the file `name` in it, if
/// it could concern the file at all.
fn classify(event: &Event, dir: &Path, name: &OsString) -> Option<Change> {
    if event.need_rescan() {
        return Some(Change::Other); // the event queue overflowed: anything may have changed
    }
    let is_file = |path: &Path| path.file_name() == Some(name.as_os_str());
    let is_dot_dot = |path: &Path| {
        path.file_name()
            .is_some_and(|f| f.as_encoded_bytes().starts_with(b".."))
    };
    let concerns = |path: &Path| path == dir || is_file(path) || is_dot_dot(path);
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => event
            .paths
            .iter()
            .any(|p| is_file(p))
            .then_some(Change::Complete),
        EventKind::Access(AccessKind::Open(_)) if event.paths.iter().any(|p| p == dir) => {
            Some(Change::Marker)
        }
        // Reads, including the store's own: ignored, or it would wake forever.
        EventKind::Access(_) => None,
        _ if event.paths.iter().any(|p| p == dir) => match event.kind {
            EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_)) => {
                Some(Change::FolderGone)
            }
            _ => Some(Change::Other),
        },
        // A rename: complete if the file (or `..data`) is its destination.
        EventKind::Modify(ModifyKind::Name(mode)) => {
            let destination = match mode {
                RenameMode::To => event.paths.first(),
                RenameMode::Both => event.paths.get(1),
                _ => None,
            };
            if destination.is_some_and(|p| is_file(p) || is_dot_dot(p)) {
                Some(Change::Complete)
            } else {
                event
                    .paths
                    .iter()
                    .any(|p| concerns(p))
                    .then_some(Change::Other)
            }
        }
        // A folder made in the file's place: no writer will close it, so
        // it settles (and is reported) like a removal.
        EventKind::Create(CreateKind::Folder) if event.paths.iter().any(|p| is_file(p)) => {
            Some(Change::Other)
        }
        EventKind::Create(_) | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any)
            if event.paths.iter().any(|p| is_file(p)) =>
        {
            Some(Change::Writing)
        }
        _ => event
            .paths
            .iter()
            .any(|p| concerns(p) || p.file_name().is_none())
            .then_some(Change::Other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, RemoveKind};

    fn event(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn tells_complete_saves_from_writes_in_progress_and_ignores_reads() {
        let (dir, name) = (Path::new("/etc/app"), OsString::from("toggles.toml"));
        let file = "/etc/app/toggles.toml";
        let rename = |mode| EventKind::Modify(ModifyKind::Name(mode));
        let both = |from: &str, to: &str| {
            event(rename(RenameMode::Both), from).add_path(PathBuf::from(to))
        };
        let cases = [
            // An in-place save: written, then closed.
            (
                event(EventKind::Modify(ModifyKind::Data(DataChange::Any)), file),
                Some(Change::Writing),
            ),
            (
                event(EventKind::Modify(ModifyKind::Any), file),
                Some(Change::Writing),
            ),
            (
                event(EventKind::Create(CreateKind::File), file),
                Some(Change::Writing),
            ),
            // A folder made in the file's place: nobody will close it.
            (
                event(EventKind::Create(CreateKind::Folder), file),
                Some(Change::Other),
            ),
            (
                event(
                    EventKind::Access(AccessKind::Close(AccessMode::Write)),
                    file,
                ),
                Some(Change::Complete),
            ),
            // A rename-save, and a ConfigMap swap.
            (event(rename(RenameMode::To), file), Some(Change::Complete)),
            (
                both("/etc/app/.toggles.toml.tmp", file),
                Some(Change::Complete),
            ),
            (
                event(rename(RenameMode::To), "/etc/app/..data"),
                Some(Change::Complete),
            ),
            (
                both("/etc/app/..data_tmp", "/etc/app/..data"),
                Some(Change::Complete),
            ),
            (
                event(EventKind::Create(CreateKind::Any), "/etc/app/..data_tmp"),
                Some(Change::Other),
            ),
            // Renamed away (vim's backup), removed: settle.
            (event(rename(RenameMode::From), file), Some(Change::Other)),
            (both(file, "/etc/app/toggles.toml~"), Some(Change::Other)),
            (
                event(EventKind::Remove(RemoveKind::File), file),
                Some(Change::Other),
            ),
            (
                Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan),
                Some(Change::Other),
            ),
            // The folder itself.
            (
                event(EventKind::Remove(RemoveKind::Folder), "/etc/app"),
                Some(Change::FolderGone),
            ),
            (
                event(rename(RenameMode::From), "/etc/app"),
                Some(Change::FolderGone),
            ),
            (
                event(
                    EventKind::Modify(ModifyKind::Metadata(notify::event::MetadataKind::Any)),
                    "/etc/app",
                ),
                Some(Change::Other),
            ),
            // Reads and other files.
            (event(EventKind::Access(AccessKind::Any), file), None),
            (
                event(EventKind::Access(AccessKind::Close(AccessMode::Read)), file),
                None,
            ),
            // The folder opened: a marker, no change.
            (
                event(
                    EventKind::Access(AccessKind::Open(AccessMode::Any)),
                    "/etc/app",
                ),
                Some(Change::Marker),
            ),
            (
                event(EventKind::Access(AccessKind::Open(AccessMode::Any)), file),
                None,
            ),
            (
                event(
                    EventKind::Access(AccessKind::Close(AccessMode::Write)),
                    "/etc/app/other",
                ),
                None,
            ),
            (
                event(EventKind::Create(CreateKind::Any), "/etc/app/other.toml"),
                None,
            ),
            (
                event(
                    EventKind::Modify(ModifyKind::Any),
                    "/etc/app/.toggles.toml.swp",
                ),
                None,
            ),
            (both("/etc/app/a", "/etc/app/b"), None),
        ];
        for (e, expected) in &cases {
            assert_eq!(classify(e, dir, &name), *expected, "{e:?}");
        }
    }
}
