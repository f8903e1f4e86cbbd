//! Finding toggle names in Rust sources.
//!
//! A small lexer over bytes splits each `.rs` file into identifiers,
//! punctuation and string literals, skipping comments (line and nested
//! block), char literals, lifetimes, byte and C strings. Over those tokens it
//! recognizes the uses of a toggle:
//!
//! - `toggle!("name")` (any delimiter, any path before it)
//! - `Toggle::new("name")`
//! - `toggle_as("name", …)` and `toggle_as_global("name", …)`
//! - `with_toggles(&[("name", …), …], …)`: each tuple of the first argument
//!
//! The name is the whole content of a plain or raw string literal (`"name"`,
//! `r#"name"#`); a call over several lines is fine, as tokens ignore lines.
//! Every string literal whose whole content is a valid name is also
//! *mentioned*: `check` treats a mentioned toggle as still in use (it may be
//! read through `Store::is_enabled("name")` or a constant), so only toggles
//! that no code names at all are reported as stale.
//!
//! Files are walked with the `ignore` crate: `.gitignore` (also outside a git
//! repository), `.ignore` and hidden files are skipped.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What a use looks like in the source, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Macro,
    ToggleNew,
    ToggleAs,
    ToggleAsGlobal,
    WithToggles,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Macro => "toggle!",
            Kind::ToggleNew => "Toggle::new",
            Kind::ToggleAs => "toggle_as",
            Kind::ToggleAsGlobal => "toggle_as_global",
            Kind::WithToggles => "with_toggles",
        }
    }
}

/// One use of a toggle name in a source file.
#[derive(Debug, Clone)]
pub struct Use {
    pub name: String,
    pub file: PathBuf,
    /// 1-based line and column (in characters) of the name's opening quote.
    pub line: usize,
    pub column: usize,
    pub kind: Kind,
}

/// Everything found under the scanned paths.
#[derive(Debug, Default)]
pub struct Scan {
    pub uses: Vec<Use>,
    /// Every string literal whose whole content is a valid toggle name.
    pub mentioned: HashSet<String>,
    /// Files that could not be read or walked, with why.
    pub problems: Vec<String>,
    pub files: usize,
    pub lines: usize,
    pub bytes: usize,
}

/// Scans every `.rs` file under `roots` (folders or files).
pub fn scan_paths(roots: &[PathBuf]) -> Scan {
    let mut scan = Scan::default();
    let Some((first, rest)) = roots.split_first() else {
        return scan;
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    // Honour .gitignore even where the tree is not (yet) a git repository.
    builder.require_git(false);
    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                scan.problems.push(e.to_string());
                continue;
            }
        };
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file())
            || path.extension().is_none_or(|e| e != "rs")
        {
            continue;
        }
        match std::fs::read(path) {
            Ok(bytes) => scan.add_file(path, &bytes),
            Err(e) => scan
                .problems
                .push(format!("{}: cannot read: {e}", path.display())),
        }
    }
    scan
}

impl Scan {
    fn add_file(&mut self, path: &Path, src: &[u8]) {
        self.files += 1;
        self.bytes += src.len();
        self.lines += src.iter().filter(|&&b| b == b'\n').count();
        let found = scan_source(src);
        for name in found.mentioned {
            if !self.mentioned.contains(name) {
                self.mentioned.insert(name.to_owned());
            }
        }
        let mut lines = LineCursor::new(src);
        for (name, offset, kind) in found.uses {
            let (line, column) = lines.locate(offset);
            self.uses.push(Use {
                name: name.to_owned(),
                file: path.to_path_buf(),
                line,
                column,
                kind,
            });
        }
    }
}

/// What one file holds: uses (name, byte offset of the opening quote, kind)
/// and mentioned names.
#[derive(Debug, Default)]
pub struct FileScan<'a> {
    pub uses: Vec<(&'a str, usize, Kind)>,
    pub mentioned: Vec<&'a str>,
}

/// Scans the text of one Rust file.
pub fn scan_source(src: &[u8]) -> FileScan<'_> {
    let tokens = lex(src);
    let mut found = FileScan::default();
    for (i, token) in tokens.iter().enumerate() {
        let ident = match *token {
            Token::Ident(ident) => ident,
            Token::Str(text, _) => {
                if let Some(name) = as_name(text) {
                    found.mentioned.push(name);
                }
                continue;
            }
            _ => continue,
        };
        let next = |k: usize| tokens.get(i + k).copied();
        let name_at = |k: usize| match next(k) {
            Some(Token::Str(text, offset)) => Some((text, offset)),
            _ => None,
        };
        let (kind, string) = match ident {
            b"toggle"
                if next(1) == Some(Token::Punct(b'!'))
                    && matches!(next(2), Some(Token::Punct(b'(' | b'[' | b'{'))) =>
            {
                (Kind::Macro, name_at(3))
            }
            b"Toggle"
                if next(1) == Some(Token::Punct(b':'))
                    && next(2) == Some(Token::Punct(b':'))
                    && next(3) == Some(Token::Ident(b"new"))
                    && next(4) == Some(Token::Punct(b'(')) =>
            {
                (Kind::ToggleNew, name_at(5))
            }
            b"toggle_as" if next(1) == Some(Token::Punct(b'(')) => (Kind::ToggleAs, name_at(2)),
            b"toggle_as_global" if next(1) == Some(Token::Punct(b'(')) => {
                (Kind::ToggleAsGlobal, name_at(2))
            }
            b"with_toggles" if next(1) == Some(Token::Punct(b'(')) => {
                with_toggles_names(&tokens[i + 1..], &mut found.uses);
                continue;
            }
            _ => continue,
        };
        if let Some((text, offset)) = string {
            found.uses.push((as_str(text), offset, kind));
        }
    }
    found
}

/// The names of `with_toggles(&[("a", true), ("b", false)], …)`: a string
/// right after a `(` inside the first argument. `tokens` starts at the `(`.
fn with_toggles_names<'a>(tokens: &[Token<'a>], uses: &mut Vec<(&'a str, usize, Kind)>) {
    let mut depth = 0usize;
    for (j, token) in tokens.iter().enumerate() {
        match *token {
            Token::Punct(b'(' | b'[' | b'{') => {
                depth += 1;
                if depth >= 2
                    && *token == Token::Punct(b'(')
                    && let Some(Token::Str(text, offset)) = tokens.get(j + 1)
                {
                    uses.push((as_str(text), *offset, Kind::WithToggles));
                }
            }
            Token::Punct(b')' | b']' | b'}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return;
                }
            }
            Token::Punct(b',') if depth == 1 => return,
            _ => {}
        }
    }
}

fn as_str(text: &[u8]) -> &str {
    // A string literal in a Rust file that compiles is UTF-8; a broken file
    // yields a name that matches nothing.
    std::str::from_utf8(text).unwrap_or("\u{fffd}")
}

fn as_name(text: &[u8]) -> Option<&str> {
    let name = std::str::from_utf8(text).ok()?;
    toggles::is_valid_name(name).then_some(name)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Ident(&'a [u8]),
    Punct(u8),
    /// A plain or raw string literal: its content and the offset of its
    /// opening quote (or `r`).
    Str(&'a [u8], usize),
    /// Any other literal: numbers, chars, byte and C strings.
    Other,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Splits Rust source into tokens, dropping whitespace and comments.
fn lex(src: &[u8]) -> Vec<Token<'_>> {
    let n = src.len();
    let mut tokens = Vec::with_capacity(n / 6);
    let mut i = 0;
    while i < n {
        let b = src[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'/' if src.get(i + 1) == Some(&b'/') => {
                i = src[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(n, |p| i + p + 1);
            }
            b'/' if src.get(i + 1) == Some(&b'*') => i = block_comment_end(src, i + 2),
            b'"' => {
                let (end, after) = string_end(src, i + 1);
                tokens.push(Token::Str(&src[i + 1..end], i));
                i = after;
            }
            b'\'' => {
                i = quote_end(src, i);
                tokens.push(Token::Other);
            }
            b'0'..=b'9' => {
                while i < n && is_ident_continue(src[i]) {
                    i += 1;
                }
                tokens.push(Token::Other);
            }
            _ if is_ident_start(b) => {
                let start = i;
                while i < n && is_ident_continue(src[i]) {
                    i += 1;
                }
                let ident = &src[start..i];
                match (ident, src.get(i)) {
                    (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => {
                        let mut j = i;
                        while j < n && src[j] == b'#' {
                            j += 1;
                        }
                        if src.get(j) == Some(&b'"') {
                            let (end, after) = raw_string_end(src, j + 1, j - i);
                            tokens.push(if ident == b"r" {
                                Token::Str(&src[j + 1..end], start)
                            } else {
                                Token::Other
                            });
                            i = after;
                        } else if ident == b"r"
                            && j == i + 1
                            && src.get(j).is_some_and(|&b| is_ident_start(b))
                        {
                            // A raw identifier: r#type.
                            let begin = j;
                            while j < n && is_ident_continue(src[j]) {
                                j += 1;
                            }
                            tokens.push(Token::Ident(&src[begin..j]));
                            i = j;
                        } else {
                            tokens.push(Token::Ident(ident));
                        }
                    }
                    (b"b" | b"c", Some(b'"')) => {
                        i = string_end(src, i + 1).1;
                        tokens.push(Token::Other);
                    }
                    (b"b", Some(b'\'')) => {
                        i = quote_end(src, i);
                        tokens.push(Token::Other);
                    }
                    _ => tokens.push(Token::Ident(ident)),
                }
            }
            _ => {
                tokens.push(Token::Punct(b));
                i += 1;
            }
        }
    }
    tokens
}

/// From just inside a `"`: (offset of the closing quote, offset after it).
fn string_end(src: &[u8], mut j: usize) -> (usize, usize) {
    while j < src.len() {
        match src[j] {
            b'\\' => j += 2,
            b'"' => return (j, j + 1),
            _ => j += 1,
        }
    }
    (src.len(), src.len())
}

/// From just inside `r#"`: the closing `"` followed by `hashes` `#`s.
fn raw_string_end(src: &[u8], mut j: usize, hashes: usize) -> (usize, usize) {
    while j < src.len() {
        if src[j] == b'"'
            && src[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&b| b == b'#')
                .count()
                == hashes
        {
            return (j, j + 1 + hashes);
        }
        j += 1;
    }
    (src.len(), src.len())
}

/// From just inside `/*`: the offset after the matching `*/` (they nest).
fn block_comment_end(src: &[u8], mut j: usize) -> usize {
    let mut depth = 1;
    while j + 1 < src.len() {
        match (src[j], src[j + 1]) {
            (b'/', b'*') => {
                depth += 1;
                j += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    src.len()
}

/// At a `'`: the offset after a char literal (`'a'`, `'\''`, `'é'`), or just
/// after the quote of a lifetime or label (`'a`, `'static`).
fn quote_end(src: &[u8], i: usize) -> usize {
    let n = src.len();
    let j = i + 1;
    if j >= n {
        return n;
    }
    if src[j] == b'\\' {
        let mut k = j + 2;
        while k < n && src[k] != b'\'' && src[k] != b'\n' {
            k += 1;
        }
        return (k + 1).min(n);
    }
    let len = match src[j] {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        _ => 2,
    };
    if src.get(j + len) == Some(&b'\'') {
        j + len + 1
    } else {
        j
    }
}

/// Turns increasing byte offsets into 1-based (line, column in characters).
struct LineCursor<'a> {
    src: &'a [u8],
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> LineCursor<'a> {
    fn new(src: &'a [u8]) -> Self {
        LineCursor {
            src,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn locate(&mut self, offset: usize) -> (usize, usize) {
        if offset < self.offset {
            *self = LineCursor::new(self.src);
        }
        for (k, &b) in self.src[self.offset..offset].iter().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.line_start = self.offset + k + 1;
            }
        }
        self.offset = offset;
        let column = String::from_utf8_lossy(&self.src[self.line_start..offset])
            .chars()
            .count()
            + 1;
        (self.line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(src: &str) -> Vec<(&str, Kind)> {
        scan_source(src.as_bytes())
            .uses
            .into_iter()
            .map(|(name, _, kind)| (name, kind))
            .collect()
    }

    #[test]
    fn finds_every_kind_of_use() {
        let src = r#####"
            if toggle!("a") {}
            if toggles::toggle! { "b" } {}
            static C: Toggle = Toggle::new("c");
            let _g = toggle_as("d", true);
            let _h = toggles::toggle_as_global("e", false);
            with_toggles(&[("f", true), ("g", false)], || toggle!("h"));
            let _ = toggle!(r#"i"#);
            let _ = toggle!(
                "j"
            );
        "#####;
        assert_eq!(
            uses(src),
            [
                ("a", Kind::Macro),
                ("b", Kind::Macro),
                ("c", Kind::ToggleNew),
                ("d", Kind::ToggleAs),
                ("e", Kind::ToggleAsGlobal),
                ("f", Kind::WithToggles),
                ("g", Kind::WithToggles),
                ("h", Kind::Macro),
                ("i", Kind::Macro),
                ("j", Kind::Macro),
            ]
        );
    }

    #[test]
    fn skips_comments_chars_and_other_literals() {
        let src = r#####"
            // toggle!("line")
            /* toggle!("block") /* nested */ toggle!("still_block") */
            /// toggle!("doc")
            let q = '"'; let e = '\''; let s = '\\'; fn f<'a>(x: &'a str) {}
            let b = b"toggle!(\"bytes\")"; let c = c"x";
            let s = "toggle!(\"inside_a_string\") \" still";
            let r = r#"toggle!("inside_raw") "# ;
            toggle!("real");
            let ch = 'é'; toggle!("after_char");
        "#####;
        assert_eq!(
            uses(src),
            [("real", Kind::Macro), ("after_char", Kind::Macro)]
        );
    }

    #[test]
    fn matches_whole_names_only_and_collects_mentions() {
        let found = scan_source(br#"let a = "dark_mode_v2"; let b = store.is_enabled("dark_mode"); let c = "not a name";"#);
        assert!(found.uses.is_empty());
        assert_eq!(found.mentioned, ["dark_mode_v2", "dark_mode"]);
    }

    #[test]
    fn stops_with_toggles_at_its_first_argument() {
        let src = r#"with_toggles(&[("a", true)], || { foo(("not_an_override", 1)); });"#;
        assert_eq!(uses(src), [("a", Kind::WithToggles)]);
    }

    #[test]
    fn locates_uses_by_line_and_column() {
        let src = "fn main() {\n    /* é */ toggle!(\"x\");\n}\n";
        let found = scan_source(src.as_bytes());
        let mut cursor = LineCursor::new(src.as_bytes());
        assert_eq!(cursor.locate(found.uses[0].1), (2, 21));
    }

    #[test]
    fn survives_unterminated_input() {
        for src in [
            "\"abc",
            "r#\"abc",
            "/* abc",
            "'",
            "b'",
            "toggle!(",
            "with_toggles((",
            "r#",
        ] {
            let _ = scan_source(src.as_bytes());
        }
    }
}
