//! The file format: `toggles.toml` bytes → validated, resolved definitions.
//!
//! This is the only place that knows the format's rules. Everything it
//! returns has passed them all; anything else is an [`Error::Invalid`] with the
//! line and column of the offending key or value.
//!
//! Two readers turn the text into a [`Doc`]: [`canonical`] reads files written
//! the usual way in one pass over their lines, several times faster;
//! [`general`] reads any TOML through the `toml` crate and serde, and gives
//! every error. Everything after that — names, releases, dates, precedence —
//! is checked once, here, for both.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;
use toml::value::Datetime;

use crate::date::Date;
use crate::definitions::{Definitions, Release, Source, ToggleInfo};
use crate::error::Error;
use crate::name::is_valid_name;

mod canonical;
mod general;

/// Whether a file's bytes are empty or only whitespace: what an editor that
/// truncates and then writes leaves in between. Such a file never replaces
/// a version with toggles, and is never appended to while one is in use.
pub(crate) fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
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
    let doc = match canonical::read(text) {
        Some(doc) => doc,
        None => general::read(path, text)?,
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
