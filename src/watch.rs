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
//! the file is passed to the caller's callback (the store marks itself
//! dirty; its worker then settles, re-reads and compares a hash of the
//! bytes, so a false alarm costs one read). This module names no type of
//! the store: the callback is all it knows.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

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
        on_event: impl Fn() + Send + 'static,
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
                Ok(event)
                    if filters
                        .iter()
                        .any(|(dir, name)| concerns(&event, dir, name)) =>
                {
                    on_event()
                }
                Ok(_) => {}
                Err(e) => {
                    log::debug!("{shown}: watch error, re-reading: {e}");
                    on_event();
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

/// Whether an event in the folder could mean the file changed.
fn concerns(event: &Event, dir: &Path, name: &OsString) -> bool {
    if event.need_rescan() {
        return true; // the event queue overflowed: anything may have changed
    }
    if matches!(event.kind, EventKind::Access(kind) if kind != AccessKind::Close(AccessMode::Write))
    {
        return false;
    }
    event.paths.iter().any(|path| {
        path == dir
            || match path.file_name() {
                Some(file) => {
                    file == name.as_os_str() || file.as_encoded_bytes().starts_with(b"..")
                }
                None => true,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RenameMode};

    fn event(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn reacts_to_the_file_configmap_swaps_and_rescans_but_not_reads() {
        let (dir, name) = (Path::new("/etc/app"), OsString::from("toggles.toml"));
        let yes = [
            event(EventKind::Modify(ModifyKind::Any), "/etc/app/toggles.toml"),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                "/etc/app/toggles.toml",
            ),
            event(EventKind::Create(CreateKind::Any), "/etc/app/..data_tmp"),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                "/etc/app/..data",
            ),
            event(
                EventKind::Remove(notify::event::RemoveKind::Any),
                "/etc/app",
            ),
            Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan),
        ];
        for e in &yes {
            assert!(concerns(e, dir, &name), "{e:?}");
        }
        let no = [
            event(EventKind::Access(AccessKind::Any), "/etc/app/toggles.toml"),
            event(
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                "/etc/app/toggles.toml",
            ),
            event(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                "/etc/app",
            ),
            event(EventKind::Create(CreateKind::Any), "/etc/app/other.toml"),
            event(
                EventKind::Modify(ModifyKind::Any),
                "/etc/app/.toggles.toml.swp",
            ),
        ];
        for e in &no {
            assert!(!concerns(e, dir, &name), "{e:?}");
        }
    }
}
