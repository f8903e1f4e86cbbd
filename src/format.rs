//! The file format: `toggles.toml` bytes → validated, resolved definitions.
//!
//! This is the only place that knows the format's rules. Everything it
//! returns has passed them all; anything else is an [`Error::Invalid`] with the
//! line and column of the offending key or value.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use crate::date::Date;
use crate::error::Error;
use crate::name::is_valid_name;
use crate::snapshot::{Release, Source, ToggleInfo};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    toggles: BTreeMap<Spanned<String>, ToggleDoc>,
    #[serde(default)]
    releases: BTreeMap<Spanned<String>, ReleaseDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToggleDoc {
    enabled: Option<bool>,
    release: Option<Spanned<String>>,
    description: Option<String>,
    created: Option<Spanned<Datetime>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseDoc {
    enabled: Option<bool>,
    description: Option<String>,
}

/// The largest file the library reads: far beyond any real toggles file
/// (100 000 toggles take about 6 MiB), small enough to bound memory.
pub(crate) const MAX_FILE_SIZE: u64 = 64 << 20;

/// The bytes of the file at `path`, or an error if it is larger than
/// [`MAX_FILE_SIZE`] (or is not a regular file, such as a folder).
pub(crate) fn read(path: &Path) -> io::Result<Vec<u8>> {
    read_from(&File::open(path)?)
}

/// The bytes of an open file, from its start, as [`read`] gives them.
pub(crate) fn read_from(file: &File) -> io::Result<Vec<u8>> {
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder, not a file",
        ));
    }
    let mut bytes = Vec::with_capacity(metadata.len().min(MAX_FILE_SIZE) as usize);
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        let message = format!(
            "it is larger than {} MiB, the most a toggles file may be",
            MAX_FILE_SIZE >> 20
        );
        return Err(io::Error::new(io::ErrorKind::FileTooLarge, message));
    }
    Ok(bytes)
}

/// The file's two kinds of tables as read, before validation; each sorted
/// by name. Strings borrow from the text where TOML allows.
#[derive(Default)]
struct Doc<'a> {
    toggles: Vec<(Spanned<Cow<'a, str>>, ToggleEntry<'a>)>,
    releases: Vec<ReleaseEntry<'a>>,
}

#[derive(Default)]
struct ToggleEntry<'a> {
    enabled: Option<bool>,
    release: Option<Spanned<Cow<'a, str>>>,
    description: Option<Cow<'a, str>>,
    created: Option<Spanned<Datetime>>,
}

struct ReleaseEntry<'a> {
    name: Spanned<Cow<'a, str>>,
    enabled: Option<bool>,
    description: Option<Cow<'a, str>>,
}

/// Reads a file written the way this library and most people write it, in
/// one pass over its lines: `[toggles.NAME]` and `[releases.NAME]` headers
/// with bare names, `key = value` lines with bare keys and booleans, strings
/// without escapes or plain dates, comments and blank lines. Several times
/// faster than the TOML parser on large files.
///
/// `None` for anything else, valid TOML or not: then [`read_serde`] reads
/// the file and reports any error as users see it. Everything accepted here
/// is valid TOML that means the same thing, with the same spans (unit tests
/// compare both readers).
fn read_fast(text: &str) -> Option<Doc<'_>> {
    let mut doc = Doc::default();
    // The table the next key belongs to, and which keys it has had (a key
    // twice is a TOML error, left to the TOML parser).
    let mut table = Table::Root;
    let mut keys_seen = 0u8;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        // A line ends with `\n` or `\r\n` (a `\r` alone is a control character).
        let line = match line.strip_suffix('\n') {
            Some(line) => line.strip_suffix('\r').unwrap_or(line),
            None => line,
        };
        let rest = line.trim_start_matches([' ', '\t']);
        let at = start + (line.len() - rest.len());
        match rest.as_bytes().first() {
            None => {}
            Some(b'#') => comment(rest)?,
            Some(b'[') => {
                let (kind, after) = if let Some(after) = rest.strip_prefix("[toggles.") {
                    (Table::Toggle, after)
                } else {
                    (Table::Release, rest.strip_prefix("[releases.")?)
                };
                let name_len = bare_key_len(after);
                let tail = after[name_len..].strip_prefix(']')?;
                if name_len == 0 {
                    return None;
                }
                end_of_line(tail)?;
                let name_at = at + (rest.len() - after.len());
                let name = Spanned::new(
                    name_at..name_at + name_len,
                    Cow::Borrowed(&after[..name_len]),
                );
                match kind {
                    Table::Toggle => doc.toggles.push((name, ToggleEntry::default())),
                    _ => doc.releases.push(ReleaseEntry {
                        name,
                        enabled: None,
                        description: None,
                    }),
                }
                table = kind;
                keys_seen = 0;
            }
            Some(_) => {
                let key_len = bare_key_len(rest);
                let after_key = rest[key_len..].trim_start_matches([' ', '\t']);
                let raw = after_key.strip_prefix('=')?.trim_start_matches([' ', '\t']);
                let (value, tail) = scalar(raw)?;
                end_of_line(tail)?;
                let value_at = at + (rest.len() - raw.len());
                let span = value_at..value_at + (raw.len() - tail.len());
                let bit = match (&table, &rest[..key_len], value) {
                    (Table::Toggle, "enabled", Scalar::Bool(on)) => {
                        doc.toggles.last_mut()?.1.enabled = Some(on);
                        1
                    }
                    (Table::Toggle, "release", Scalar::Str(name)) => {
                        doc.toggles.last_mut()?.1.release =
                            Some(Spanned::new(span, Cow::Borrowed(name)));
                        2
                    }
                    (Table::Toggle, "description", Scalar::Str(text)) => {
                        doc.toggles.last_mut()?.1.description = Some(Cow::Borrowed(text));
                        4
                    }
                    (Table::Toggle, "created", Scalar::Date(date)) => {
                        doc.toggles.last_mut()?.1.created = Some(Spanned::new(span, date));
                        8
                    }
                    (Table::Release, "enabled", Scalar::Bool(on)) => {
                        doc.releases.last_mut()?.enabled = Some(on);
                        1
                    }
                    (Table::Release, "description", Scalar::Str(text)) => {
                        doc.releases.last_mut()?.description = Some(Cow::Borrowed(text));
                        4
                    }
                    _ => return None,
                };
                if keys_seen & bit != 0 {
                    return None;
                }
                keys_seen |= bit;
            }
        }
    }
    doc.toggles
        .sort_unstable_by(|(a, _), (b, _)| a.get_ref().cmp(b.get_ref()));
    doc.releases
        .sort_unstable_by(|a, b| a.name.get_ref().cmp(b.name.get_ref()));
    // A table defined twice is a TOML error: the TOML parser reports it.
    let twice = doc
        .toggles
        .windows(2)
        .any(|w| w[0].0.get_ref() == w[1].0.get_ref())
        || doc
            .releases
            .windows(2)
            .any(|w| w[0].name.get_ref() == w[1].name.get_ref());
    (!twice).then_some(doc)
}

enum Table {
    Root,
    Toggle,
    Release,
}

enum Scalar<'a> {
    Bool(bool),
    Str(&'a str),
    Date(Datetime),
}

/// The length of the bare key (ASCII letters, digits, `_`, `-`) `s` starts with.
fn bare_key_len(s: &str) -> usize {
    s.bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        .unwrap_or(s.len())
}

/// A boolean, a one-line string without escapes, or a plain date at the
/// start of `s`, and what follows it.
fn scalar(s: &str) -> Option<(Scalar<'_>, &str)> {
    if let Some(tail) = s.strip_prefix("true") {
        return Some((Scalar::Bool(true), tail));
    }
    if let Some(tail) = s.strip_prefix("false") {
        return Some((Scalar::Bool(false), tail));
    }
    if let Some(quote @ (b'"' | b'\'')) = s.bytes().next() {
        let body = &s[1..];
        let end = body.bytes().position(|b| b == quote)?;
        let content = &body[..end];
        // `"""`/`'''` open multi-line strings; `\` starts an escape.
        if end == 0 && body.as_bytes().get(1) == Some(&quote)
            || content.bytes().any(|b| b == b'\\' || is_control(b))
        {
            return None;
        }
        return Some((Scalar::Str(content), &body[end + 1..]));
    }
    // YYYY-MM-DD, nothing more: a time after a space is a TOML date-time.
    let date = s.get(..10)?;
    let shape = date.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    if !shape {
        return None;
    }
    let datetime: Datetime = date.parse().ok()?;
    (datetime.time.is_none() && datetime.offset.is_none())
        .then_some((Scalar::Date(datetime), &s[10..]))
}

/// Control characters TOML allows in neither comments nor strings (tab is fine).
fn is_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

fn comment(s: &str) -> Option<()> {
    (!s.bytes().any(is_control)).then_some(())
}

/// Checks that only blanks and a comment follow a header or a value.
fn end_of_line(s: &str) -> Option<()> {
    let s = s.trim_start_matches([' ', '\t']);
    if s.is_empty() {
        Some(())
    } else if s.starts_with('#') {
        comment(s)
    } else {
        None
    }
}

/// Reads the tables through serde, whose errors say what is wrong and where.
fn read_serde(path: &Path, text: &str) -> Result<Doc<'static>, Error> {
    let doc: FileDoc = toml::from_str(text).map_err(|e| {
        let help = if e.message().starts_with("unknown field")
            || e.message().starts_with("invalid type")
            || e.message().starts_with("missing field")
        {
            HELP_SCHEMA
        } else {
            HELP_SYNTAX
        };
        let span = e.span().unwrap_or(0..0);
        invalid(path, text, span, e.message().to_owned(), help)
    })?;
    let owned = |s: Spanned<String>| Spanned::new(s.span(), Cow::Owned(s.into_inner()));
    Ok(Doc {
        toggles: doc
            .toggles
            .into_iter()
            .map(|(name, t)| {
                let entry = ToggleEntry {
                    enabled: t.enabled,
                    release: t.release.map(owned),
                    description: t.description.map(Cow::Owned),
                    created: t.created,
                };
                (owned(name), entry)
            })
            .collect(),
        releases: doc
            .releases
            .into_iter()
            .map(|(name, r)| ReleaseEntry {
                name: owned(name),
                enabled: r.enabled,
                description: r.description.map(Cow::Owned),
            })
            .collect(),
    })
}

/// The validated content of one version of the file, sorted by name.
#[derive(Debug, Default)]
pub(crate) struct Definitions {
    pub(crate) toggles: Vec<ToggleInfo>,
    pub(crate) releases: Vec<Release>,
}

const HELP_SYNTAX: &str = "help: fix the TOML syntax at this spot";
const HELP_SCHEMA: &str = "help: the top-level tables are [toggles.NAME] (fields: enabled, release, description, created) and [releases.NAME] (fields: enabled, description); a typo is an error, never a silent `off`";
const HELP_NAME: &str = "help: names are 1 to 255 ASCII letters, digits, `_` or `-`";
const HELP_RELEASE: &str = "help: define it as [releases.NAME], or fix the name";
const HELP_DATE: &str = "help: write a date like `created = 2026-11-24`";

/// Parses and validates one version of the file.
///
/// `path` is only used in error messages.
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<Definitions, Error> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let at = valid.len();
            return Err(invalid(
                path,
                valid,
                at..at,
                "the file is not valid UTF-8".into(),
                HELP_SYNTAX,
            ));
        }
    };
    let doc = match read_fast(text) {
        Some(doc) => doc,
        None => read_serde(path, text)?,
    };
    resolve(path, text, doc)
}

/// Validates names and release references and resolves each toggle's state.
fn resolve(path: &Path, text: &str, doc: Doc<'_>) -> Result<Definitions, Error> {
    let lines = LineStarts::new(text);
    let mut releases = Vec::with_capacity(doc.releases.len());
    for ReleaseEntry {
        name,
        enabled,
        description,
    } in doc.releases
    {
        check_name(path, text, &name, "release")?;
        releases.push(Release {
            line: lines.line_of(name.span().start),
            name: Arc::from(name.get_ref().as_ref()),
            enabled: enabled.unwrap_or(false),
            description: description.map(|d| d.as_ref().into()),
            members: Vec::new(),
        });
    }

    let mut toggles = Vec::with_capacity(doc.toggles.len());
    for (name, toggle) in doc.toggles {
        check_name(path, text, &name, "toggle")?;
        let release = match &toggle.release {
            None => None,
            Some(release) => {
                match releases.binary_search_by(|r| (*r.name).cmp(release.get_ref().as_ref())) {
                    Ok(index) => Some(index),
                    Err(_) => {
                        let message = format!(
                            "toggle `{}` belongs to release `{}`, which is not defined",
                            name.get_ref(),
                            release.get_ref()
                        );
                        return Err(invalid(path, text, release.span(), message, HELP_RELEASE));
                    }
                }
            }
        };
        let created = match toggle.created {
            None => None,
            Some(created) => Some(date_of(created.get_ref()).ok_or_else(|| {
                let message = format!("`created` of toggle `{}` has no date", name.get_ref());
                invalid(path, text, created.span(), message, HELP_DATE)
            })?),
        };
        let (enabled, source) = match (toggle.enabled, release) {
            (Some(own), _) => (own, Source::Own),
            (None, Some(index)) => (releases[index].enabled, Source::Release),
            (None, None) => (false, Source::Default),
        };
        let line = lines.line_of(name.span().start);
        let name = name.get_ref().as_ref();
        if let Some(index) = release {
            releases[index].members.push((name.into(), enabled));
        }
        toggles.push(ToggleInfo::new(
            name,
            toggle.description.as_deref(),
            enabled,
            source,
            release.map(|index| Arc::clone(&releases[index].name)),
            created,
            line,
        ));
    }
    Ok(Definitions { toggles, releases })
}

fn check_name(path: &Path, text: &str, name: &Spanned<Cow<str>>, what: &str) -> Result<(), Error> {
    if is_valid_name(name.get_ref()) {
        return Ok(());
    }
    let message = format!("invalid {what} name {:?}", name.get_ref());
    Err(invalid(path, text, name.span(), message, HELP_NAME))
}

fn date_of(datetime: &Datetime) -> Option<Date> {
    let date = datetime.date?;
    Date::new(date.year, date.month, date.day)
}

fn invalid(
    path: &Path,
    text: &str,
    span: Range<usize>,
    message: String,
    help: &'static str,
) -> Error {
    let (line, column) = line_column(text, span.start);
    let source_line = text
        .lines()
        .nth(line - 1)
        .unwrap_or("")
        .trim_end()
        .to_owned();
    Error::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        message,
        source_line,
        help,
    }
}

/// Where each line of a text starts, to number the lines of many offsets
/// in O(log n) each (counting newlines from the start for each toggle made
/// a 10 000-toggle file take seconds to load).
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineStarts(starts)
    }

    /// The 1-based line of a byte offset (as [`line_column`] counts it).
    fn line_of(&self, offset: usize) -> u32 {
        self.0.partition_point(|&start| start <= offset) as u32
    }
}

/// 1-based line and column (in characters, a BOM not counted) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..]
        .trim_start_matches('\u{feff}')
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> (usize, usize, String) {
        match parse(Path::new("toggles.toml"), text.as_bytes()) {
            Ok(_) => panic!("{text:?} should be rejected"),
            Err(Error::Invalid {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            Err(e) => panic!("unexpected error {e}"),
        }
    }

    #[test]
    fn resolves_precedence_own_over_release_over_default() {
        let text = "[releases.r]\nenabled = true\n\n[toggles.own_off]\nenabled = false\nrelease = \"r\"\n\n[toggles.follows]\nrelease = \"r\"\n\n[toggles.plain]\n";
        let defs = parse(Path::new("t.toml"), text.as_bytes()).unwrap();
        let states: Vec<_> = defs
            .toggles
            .iter()
            .map(|t| (t.name(), t.enabled, t.source))
            .collect();
        assert_eq!(
            states,
            [
                ("follows", true, Source::Release),
                ("own_off", false, Source::Own),
                ("plain", false, Source::Default)
            ]
        );
        assert_eq!(defs.releases[0].members.len(), 2);
        assert_eq!(defs.toggles[0].line, 8);
    }

    #[test]
    fn points_at_the_offending_key_or_value() {
        assert_eq!(error_of("\n[toggles.a]\nenabeld = true\n").0, 3);
        let (line, column, message) = error_of("[toggles.a]\nenabled = \"yes\"\n");
        assert_eq!((line, column), (2, 11));
        assert!(message.contains("boolean"), "{message}");
        let (line, column, message) = error_of("[toggles.a]\nrelease = \"nope\"\n");
        assert_eq!((line, column), (2, 11));
        assert!(message.contains("`nope`"), "{message}");
        assert_eq!(error_of("[toggles.\"bad name\"]\n").0, 1);
        assert_eq!(error_of("[toggle.a]\n").0, 1);
        assert!(
            error_of("[toggles.a]\ncreated = 10:00:00\n")
                .2
                .contains("no date")
        );
        assert_eq!(error_of("[toggles.a]\nenabled = true\n\u{0}").0, 3);
        assert_eq!(error_of("[toggles.a]\n[toggles.a]\n").0, 2);
    }

    #[test]
    fn reports_invalid_utf8_where_it_starts() {
        let err = parse(Path::new("t.toml"), b"[toggles.a]\nenabled = \xff\n").unwrap_err();
        assert_eq!(err.location(), Some((2, 11)));
    }

    /// Canonical files: the fast reader must take them.
    const CANONICAL: &[&str] = &[
        include_str!("../toggles.toml"),
        "",
        "# only a comment\n\n",
        "[toggles.a]",
        "[toggles.a]\n[releases.a]\n",
        "  [releases.r] # the release\r\n\tenabled = true\r\ndescription = 'lit'\r\n\r\n\
         [toggles.b-2_]\r\nrelease=\"r\"\r\ncreated = 2024-02-29 # leap\r\n",
        "[toggles.z]\ndescription = \"é, ü and 'quotes'\" \n[toggles.y]\nenabled = false\n\
         [releases.r]\n[toggles.x]\nrelease = \"r\"\nenabled = true\ndescription = \"\"\n",
    ];

    /// Files the fast reader must leave to the TOML parser, valid or not.
    const OTHER_TOML: &[&str] = &[
        "\u{feff}[toggles.a]\n",
        "[toggles]\n",
        "toggles = {}\nreleases = {}\n",
        "[toggles.\"quoted\"]\n",
        "[ toggles.a ]\n",
        "[toggles]\na = { enabled = true }\n",
        "[toggles]\na.enabled = true\n",
        "[toggles.a]\ndescription = \"esc\\u00e9\"\n",
        "[toggles.a]\ndescription = \"\"\"\nmulti\"\"\"\n",
        "[toggles.a]\ncreated = 2026-11-24T10:00:00Z\n",
        "[toggles.a]\ncreated = 2026-11-24 10:00:00\n",
        "[toggles.a]\ncreated = 10:00:00\n",
        // Invalid: errors come from the TOML parser and serde.
        "[toggle.a]\n",
        "[toggles.a]\nenabeld = true\n",
        "[toggles.a]\nenabled = \"yes\"\n",
        "[toggles.a]\ncreated = \"2026-11-24\"\n",
        "[toggles.a]\ncreated = 2026-02-30\n",
        "[toggles.a]\nrelease = 1\n",
        "[releases.r]\nrelease = \"r\"\n",
        "enabled = true\n",
        "toggles = 1\n",
        "[[toggles.a]]\n",
        "[toggles.a]\n[toggles.a]\n",
        "[toggles.a]\nenabled = true\nenabled = false\n",
        "[toggles.a\n",
        "[toggles.a]\nenabled = true\r\r\n",
        "[toggles.a]\ndescription = \"a\u{7f}\"\n",
    ];

    fn same_result(
        text: &str,
        fast: Result<Definitions, Error>,
        serde: Result<Definitions, Error>,
    ) {
        match (fast, serde) {
            (Ok(fast), Ok(serde)) => {
                assert_eq!(fast.toggles, serde.toggles, "{text:?}");
                assert_eq!(fast.releases, serde.releases, "{text:?}");
            }
            (Err(fast), Err(serde)) => {
                assert_eq!(fast.to_string(), serde.to_string(), "{text:?}");
                assert_eq!(fast.location(), serde.location(), "{text:?}");
            }
            (fast, serde) => panic!("{text:?}: fast {fast:?}, serde {serde:?}"),
        }
    }

    /// If the fast reader takes `text`, the TOML parser and serde take it too
    /// and it resolves to the same toggles, or the same error at the same
    /// place. Returns whether the fast reader took it.
    fn check_fast_reader(text: &str) -> bool {
        let path = Path::new("t.toml");
        let Some(fast) = read_fast(text) else {
            return false;
        };
        let serde = read_serde(path, text)
            .unwrap_or_else(|e| panic!("fast reader took {text:?}, which TOML rejects: {e}"));
        same_result(text, resolve(path, text, fast), resolve(path, text, serde));
        true
    }

    #[test]
    fn the_fast_reader_takes_canonical_files_and_agrees_with_serde() {
        for text in CANONICAL {
            assert!(check_fast_reader(text), "declined {text:?}");
        }
        // Errors found after reading: same message, same place.
        let long = format!("[toggles.{}]\n", "a".repeat(256));
        for text in [
            "[toggles.a]\nrelease = \"nope\"\n",
            "[releases.r]\n[toggles.a]\nrelease = 'nope' # comment\n",
            &long,
        ] {
            assert!(check_fast_reader(text), "declined {text:?}");
            assert!(parse(Path::new("t.toml"), text.as_bytes()).is_err());
        }
    }

    #[test]
    fn the_fast_reader_leaves_everything_else_to_toml() {
        for text in OTHER_TOML {
            assert!(!check_fast_reader(text), "took {text:?}");
        }
    }

    /// Every one-character edit of the sample files (replace, insert,
    /// delete) with characters that matter to TOML: whatever the fast
    /// reader takes, TOML reads the same.
    #[test]
    fn the_fast_reader_agrees_with_serde_on_every_small_edit() {
        let alphabet = [
            ' ', '\t', '\n', '\r', '#', '"', '\'', '\\', '=', '[', ']', '.', 'a', '1', '-', ':',
            'T', 'Z', ',', '{', '}', '\u{0}', '\u{7f}', '\u{feff}', 'é',
        ];
        let (mut taken, mut edits) = (0, 0);
        for text in CANONICAL.iter().skip(1).chain(OTHER_TOML) {
            let chars: Vec<char> = text.chars().collect();
            for i in 0..=chars.len() {
                let mut edited: Vec<String> = Vec::new();
                for &c in &alphabet {
                    let mut insert = chars.clone();
                    insert.insert(i, c);
                    edited.push(insert.iter().collect());
                    if i < chars.len() {
                        let mut replace = chars.clone();
                        replace[i] = c;
                        edited.push(replace.iter().collect());
                    }
                }
                if i < chars.len() {
                    let mut delete = chars.clone();
                    delete.remove(i);
                    edited.push(delete.iter().collect());
                }
                for text in &edited {
                    edits += 1;
                    taken += usize::from(check_fast_reader(text));
                }
            }
        }
        // The edits exercise both paths.
        assert!(taken > 1000 && taken < edits, "{taken} of {edits}");
    }

    /// 20 000 files made by one to four random edits of the canonical
    /// samples at once, inserting characters or pieces of syntax (headers,
    /// keys, values: enough to define a table or a key twice) or deleting
    /// characters. A fixed xorshift sequence: every run checks the same files.
    #[test]
    fn the_fast_reader_agrees_with_serde_on_random_edits() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut below = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let pieces = [
            "[toggles.",
            "[releases.",
            "[toggles.a]\n",
            "[releases.r]\n",
            "]",
            " = ",
            "=",
            "true",
            "false",
            "\"",
            "'",
            "\"r\"",
            "2026-02-29",
            "2025-02-29",
            "#",
            "\r\n",
            "\n",
            "\t",
            " ",
            "enabled",
            "release",
            "description",
            "created",
            "a",
            "\\",
            "\u{7f}",
            "é",
            "{",
            ".",
        ];
        let (mut taken, total) = (0, 20_000);
        for _ in 0..total {
            let base = CANONICAL[1 + below(CANONICAL.len() - 1)];
            let mut chars: Vec<char> = base.chars().collect();
            for _ in 0..1 + below(4) {
                let at = below(chars.len() + 1);
                if below(3) == 0 && at < chars.len() {
                    chars.remove(at);
                } else {
                    let piece = pieces[below(pieces.len())];
                    chars.splice(at..at, piece.chars());
                }
            }
            let text: String = chars.into_iter().collect();
            taken += usize::from(check_fast_reader(&text));
        }
        assert!(taken > 2000 && taken < total, "{taken} of {total}");
    }

    #[test]
    fn line_starts_agree_with_line_column() {
        let text = "a\n\nbc\r\né\n";
        let lines = LineStarts::new(text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            assert_eq!(
                lines.line_of(offset) as usize,
                line_column(text, offset).0,
                "{offset}"
            );
        }
    }

    #[test]
    fn counts_columns_in_characters() {
        assert_eq!(line_column("\u{feff}ab", 4), (1, 2));
        assert_eq!(line_column("é\nxé=", 6), (2, 3));
    }
}
