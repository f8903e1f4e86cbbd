//! Replacing a file safely: symlinks resolved (the link's target is
//! written, so a symlinked `toggles.toml` stays a link), a read-only file
//! refused by its mode, a temporary file beside the real one with its
//! permissions (and owner, where allowed), flushed to disk and renamed over
//! the real one, then the folder flushed: a reader (the application's hot
//! reload) sees the old file or the new one, never half of one. And the
//! text's BOM and line ends, which `toml_edit` drops, put back.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::fail::Fail;
use crate::file;

/// The file to write: `path` with every symlink resolved. For a missing file
/// (when creating), its folder resolved and its name.
pub fn real_path(path: &Path, create: bool) -> Result<PathBuf, Fail> {
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
pub fn read_only(metadata: &fs::Metadata) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o7777;
    (mode & 0o200 == 0).then(|| format!("its mode {mode:04o} has no write bit for its owner"))
}

#[cfg(not(unix))]
pub fn read_only(metadata: &fs::Metadata) -> Option<String> {
    metadata
        .permissions()
        .readonly()
        .then(|| "its read-only attribute is set".to_owned())
}

/// How the original text was laid out, beyond what `toml_edit` keeps.
pub struct LineStyle {
    bom: bool,
    endings: Endings,
}

/// The original's line ends, which `toml_edit` writes as `\n` everywhere.
enum Endings {
    /// Every line ends with `\n`.
    Lf,
    /// Every line ends with `\r\n`.
    Crlf,
    /// Both: each line of the original, without its end, and its end.
    Mixed(Vec<(String, &'static str)>),
}

const BOM: &str = "\u{feff}";

/// The most changes [`align`] looks for: past them, the lines between the
/// first and the last change are paired by position.
const MAX_CHANGES: usize = 1_000;

impl LineStyle {
    pub fn of(text: &str) -> LineStyle {
        let bom = text.starts_with(BOM);
        let text = text.strip_prefix(BOM).unwrap_or(text);
        let crlf = text.matches("\r\n").count();
        let endings = if crlf == 0 {
            Endings::Lf
        } else if crlf == text.matches('\n').count() {
            Endings::Crlf
        } else {
            let lines = text.split_inclusive('\n').map(split_end);
            Endings::Mixed(lines.map(|(line, end)| (line.to_owned(), end)).collect())
        };
        LineStyle { bom, endings }
    }

    pub fn strip<'t>(&self, text: &'t str) -> &'t str {
        text.strip_prefix(BOM).unwrap_or(text)
    }

    /// `toml_edit` writes `\n` line ends outside strings: restore the BOM
    /// and each line's own end. A file of CRLF lines comes back byte for
    /// byte, new lines with CRLF. In a file of both, a line the edit left
    /// alone keeps its end, a changed line takes the end of the line it
    /// replaces, and an added one the end of the line above it (see
    /// [`align`]).
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 64);
        if self.bom {
            out.push_str(BOM);
        }
        match &self.endings {
            Endings::Lf => out.push_str(text),
            Endings::Crlf => {
                let mut previous = '\0';
                for c in text.chars() {
                    if c == '\n' && previous != '\r' {
                        out.push('\r');
                    }
                    out.push(c);
                    previous = c;
                }
            }
            Endings::Mixed(original) => {
                let new: Vec<(&str, &str)> = text.split_inclusive('\n').map(split_end).collect();
                let old: Vec<&str> = original.iter().map(|(line, _)| line.as_str()).collect();
                let lines: Vec<&str> = new.iter().map(|&(line, _)| line).collect();
                let source = align(&old, &lines);
                // The end of the original line each new line stands for.
                let mut last = original.first().map_or("\n", |&(_, end)| end);
                for (&(line, end), source) in new.iter().zip(source) {
                    out.push_str(line);
                    if end.is_empty() {
                        continue; // the last line, without an end
                    }
                    let own = source.map_or("", |i| original[i].1);
                    let chosen = if own.is_empty() { last } else { own };
                    out.push_str(chosen);
                    last = chosen;
                }
            }
        }
        out
    }
}

/// A line and its end: `\r\n`, `\n`, or none (the last line).
fn split_end(line: &str) -> (&str, &'static str) {
    match line.strip_suffix("\r\n") {
        Some(line) => (line, "\r\n"),
        None => match line.strip_suffix('\n') {
            Some(line) => (line, "\n"),
            None => (line, ""),
        },
    }
}

/// For each line of `new`, the line of `old` whose end it keeps: the same
/// line where a shortest edit script (Myers' diff) leaves it alone; in a
/// run of changed lines, the replaced lines in order (an added line past
/// them: none, so the caller gives it the end of the line above).
/// `O((old + new) × changes)`, with at most [`MAX_CHANGES`] changes looked
/// for after the common first and last lines; past that, the lines in
/// between are paired by position.
fn align(old: &[&str], new: &[&str]) -> Vec<Option<usize>> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_mid, new_mid) = (
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    let mut source: Vec<Option<usize>> = (0..prefix).map(Some).collect();
    let matched = matches(old_mid, new_mid, MAX_CHANGES).unwrap_or_default();
    // Between two matched pairs (and the ends), pair the runs in order.
    let (mut i, mut j) = (0, 0);
    for (x, y) in matched.into_iter().chain([(old_mid.len(), new_mid.len())]) {
        for k in 0..y - j {
            source.push((i + k < x).then(|| prefix + i + k));
        }
        if y < new_mid.len() {
            source.push(Some(prefix + x));
        }
        (i, j) = (x + 1, y + 1);
    }
    source.extend((old.len() - suffix..old.len()).map(Some));
    source
}

/// The pairs `(i, j)` with `old[i] == new[j]` that a shortest edit script
/// keeps, in order; `None` if it needs more than `limit` insertions and
/// deletions.
fn matches(old: &[&str], new: &[&str], limit: usize) -> Option<Vec<(usize, usize)>> {
    let (n, m) = (old.len() as isize, new.len() as isize);
    let limit = limit.min(old.len() + new.len()) as isize;
    let offset = limit + 1;
    let at = |k: isize| (k + offset) as usize;
    let mut v = vec![0isize; 2 * limit as usize + 3];
    // `trace[d]`: the furthest x on each diagonal -d..=d before round d.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    for d in 0..=limit {
        trace.push(v[at(-d)..=at(d)].to_vec());
        for k in (-d..=d).step_by(2) {
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && old[x as usize] == new[y as usize] {
                (x, y) = (x + 1, y + 1);
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                return Some(backtrack(&trace, d, n, m));
            }
        }
    }
    None
}

/// The diagonal moves (kept lines) of the path [`matches`] found in `d`
/// rounds, from its end back to its start.
fn backtrack(trace: &[Vec<isize>], d: isize, n: isize, m: isize) -> Vec<(usize, usize)> {
    let (mut x, mut y) = (n, m);
    let mut kept = Vec::new();
    for d in (0..=d).rev() {
        let v = &trace[d as usize];
        let at = |k: isize| (k + d) as usize;
        let k = x - y;
        let (prev_x, prev_y) = if d == 0 {
            (0, 0)
        } else {
            let prev_k = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                k + 1
            } else {
                k - 1
            };
            (v[at(prev_k)], v[at(prev_k)] - prev_k)
        };
        while x > prev_x && y > prev_y {
            (x, y) = (x - 1, y - 1);
            kept.push((x as usize, y as usize));
        }
        (x, y) = (prev_x, prev_y);
    }
    kept.reverse();
    kept
}

/// Atomically replaces `real` with `bytes`: a temporary file in the same
/// folder, the original's permissions, `fsync`, rename, `fsync` of the folder.
/// Also `toggles export --out`'s write.
pub fn replace(real: &Path, bytes: &[u8], original: Option<&fs::Metadata>) -> Result<(), Fail> {
    let dir = real.parent().unwrap_or(Path::new("."));
    let name = real.file_name().unwrap_or_default().to_string_lossy();
    // A hidden file beside the real one, `.toggles.toml.XXXXXX.tmp`: the
    // rename stays in one file system. Removed when dropped, unless renamed.
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Created as a new file would be (0666 less the umask), not 0600: a
    // file the edit starts has the mode any other new file gets.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir).map_err(|e| {
        io_error(&dir.join(format!(".{name}.tmp")), "create", e).help(
            "the CLI writes a temporary file beside toggles.toml: the folder must be writable",
        )
    })?;
    let temp_path = temp.path().to_path_buf();
    temp.write_all(bytes)
        .map_err(|e| io_error(&temp_path, "write", e))?;
    if let Some(original) = original {
        copy_owner_and_permissions(temp.as_file(), original)
            .map_err(|e| io_error(&temp_path, "set the permissions of", e))?;
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| io_error(&temp_path, "write", e))?;
    temp.persist(real)
        .map_err(|e| io_error(real, "replace", e.error))?;
    // The rename is durable once the folder is on disk; where a folder
    // cannot be opened (or synced), the rename has still happened.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
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

    /// The edit of a file of both line ends, as `edit_file` makes it: the
    /// text without `\r`, edited, and the ends put back.
    fn edit_mixed(original: &str, edit: impl Fn(&str) -> String) -> String {
        let style = LineStyle::of(original);
        let normalized = style.strip(original).replace("\r\n", "\n");
        style.apply(&edit(&normalized))
    }

    #[test]
    fn each_line_keeps_its_own_end() {
        let original = "# c\r\n[toggles.a]\nenabled = false\r\ncreated = 2026-01-01\n\r\n\
                        [toggles.b]\r\nenabled = true\n";
        // Untouched lines keep their ends; a changed line keeps the end of
        // the line it replaces.
        let out = edit_mixed(original, |t| t.replace("enabled = false", "enabled = true"));
        assert_eq!(out, original.replace("enabled = false", "enabled = true"));
        let out = edit_mixed(original, |t| {
            t.replace("enabled = true\n", "enabled = false\n")
        });
        assert_eq!(
            out,
            original.replace(
                "[toggles.b]\r\nenabled = true\n",
                "[toggles.b]\r\nenabled = false\n"
            )
        );
        // An added line takes the end of the line above it, whichever.
        let out = edit_mixed(original, |t| {
            t.replace("[toggles.a]\n", "[toggles.a]\nrollout = 5\n")
                .replace(
                    "created = 2026-01-01\n",
                    "created = 2026-01-01\ndescription = \"d\"\n",
                )
        });
        assert_eq!(
            out,
            original
                .replace("[toggles.a]\n", "[toggles.a]\nrollout = 5\n")
                .replace(
                    "created = 2026-01-01\n",
                    "created = 2026-01-01\ndescription = \"d\"\n"
                )
        );
        // A removed line takes its end along; the rest stay.
        let out = edit_mixed(original, |t| t.replace("created = 2026-01-01\n", ""));
        assert_eq!(out, original.replace("created = 2026-01-01\n", ""));
        // Appended after a last line without an end: the end above it.
        let original = "[toggles.a]\r\n\n[toggles.b]\r\nenabled = true";
        let out = edit_mixed(original, |t| format!("{t}\n\n[toggles.c]\n"));
        assert_eq!(out, format!("{original}\r\n\r\n[toggles.c]\r\n"));
    }

    /// Against a model: lines changed, added and removed at random places in
    /// a file whose lines end at random; each untouched line keeps its end.
    #[test]
    fn untouched_lines_keep_their_ends_under_random_edits() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut below = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..300 {
            let count = 1 + below(40);
            // Lines often equal to others, as in a toggles file.
            let lines: Vec<(String, &str)> = (0..count)
                .map(|i| {
                    let line = match below(4) {
                        0 => String::new(),
                        1 => "enabled = true".to_owned(),
                        _ => format!("[toggles.t{i}]"),
                    };
                    (line, if below(2) == 0 { "\r\n" } else { "\n" })
                })
                .collect();
            let original: String = lines.iter().map(|(l, e)| format!("{l}{e}")).collect();
            // The edit: each line kept, dropped or changed, some added; the
            // expected ends of the kept ones.
            let mut edited: Vec<(String, Option<&str>)> = Vec::new();
            for (line, end) in &lines {
                match below(8) {
                    0 => {}
                    1 => edited.push((format!("{line} # changed"), None)),
                    2 => {
                        edited.push((line.clone(), Some(*end)));
                        edited.push(("new = 1".to_owned(), None));
                    }
                    _ => edited.push((line.clone(), Some(*end))),
                }
            }
            let text: String = edited.iter().map(|(l, _)| format!("{l}\n")).collect();
            let out = LineStyle::of(&original).apply(&text);
            let out_lines: Vec<&str> = out.split_inclusive('\n').collect();
            assert_eq!(out_lines.len(), edited.len(), "{original:?} → {text:?}");
            // Every kept line's end is its own, where the diff keeps it: a
            // shortest script may pair equal lines differently, so compare
            // the kept lines that are unique in the original.
            for (out_line, (line, end)) in out_lines.iter().zip(&edited) {
                let unique = lines.iter().filter(|(l, _)| l == line).count() == 1;
                if let (Some(end), true) = (end, unique) {
                    assert_eq!(*out_line, format!("{line}{end}"), "{original:?} → {out:?}");
                }
                assert!(out_line.ends_with('\n'), "{out:?}");
            }
        }
    }

    #[test]
    fn restores_crlf_and_bom_exactly() {
        let original = "\u{feff}# c\r\n[toggles.a]\r\nenabled = true\r\n";
        let style = LineStyle::of(original);
        let normalized = style.strip(original).replace("\r\n", "\n");
        assert_eq!(style.apply(&normalized), original);
        let plain = LineStyle::of("a\nb\n");
        assert_eq!(plain.apply("a\nb\n"), "a\nb\n");
    }
}
