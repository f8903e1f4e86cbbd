//! Presentation: colour (only on a terminal, never with `NO_COLOR`), aligned
//! tables, ON/OFF, ages and "did you mean".

use std::io::IsTerminal;

use clap::ValueEnum;
use toggles::Date;

/// The `--color` option.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorChoice {
    // No doc comments here: clap would list the values one per line.
    Auto,
    Always,
    Never,
}

/// Whether one output stream gets colour.
#[derive(Clone, Copy)]
pub struct Colors {
    enabled: bool,
}

#[derive(Clone, Copy)]
pub enum Style {
    On,
    Off,
    Error,
    Warning,
    Bold,
    Dim,
}

impl Colors {
    pub fn for_stdout(choice: ColorChoice) -> Colors {
        Colors::decide(choice, std::io::stdout().is_terminal())
    }

    pub fn for_stderr(choice: ColorChoice) -> Colors {
        Colors::decide(choice, std::io::stderr().is_terminal())
    }

    fn decide(choice: ColorChoice, terminal: bool) -> Colors {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let enabled = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !no_color,
        };
        Colors { enabled }
    }

    /// `text` in `style`, or `text` as it is without colour.
    pub fn paint(self, style: Style, text: &str) -> String {
        if !self.enabled || text.is_empty() {
            return text.to_owned();
        }
        let code = match style {
            Style::On => "1;32",
            Style::Off => "2",
            Style::Error => "1;31",
            Style::Warning => "1;33",
            Style::Bold => "1",
            Style::Dim => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// `ON` or `OFF`, coloured.
    pub fn state(self, on: bool) -> String {
        self.paint(if on { Style::On } else { Style::Off }, on_off(on))
    }
}

pub fn on_off(on: bool) -> &'static str {
    if on { "ON" } else { "OFF" }
}

/// Whole days since `created`, if known.
pub fn age_days(created: Option<Date>, today: Date) -> Option<i64> {
    created.map(|created| created.days_until(today))
}

/// A table whose columns are aligned; the last column is not padded.
/// Cells may carry a style, applied after padding so alignment holds.
pub struct Table {
    rows: Vec<Vec<(String, Option<Style>)>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        let header = header
            .iter()
            .map(|h| (h.to_string(), Some(Style::Bold)))
            .collect();
        Table { rows: vec![header] }
    }

    pub fn row(&mut self, cells: Vec<(String, Option<Style>)>) {
        self.rows.push(cells);
    }

    pub fn render(&self, colors: Colors) -> String {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; columns];
        for row in &self.rows {
            for (i, (text, _)) in row.iter().enumerate() {
                widths[i] = widths[i].max(text.chars().count());
            }
        }
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (i, (text, style)) in row.iter().enumerate() {
                let last = i + 1 == row.len();
                let pad = if last {
                    0
                } else {
                    widths[i] - text.chars().count() + 2
                };
                match style {
                    Some(style) => line.push_str(&colors.paint(*style, text)),
                    None => line.push_str(text),
                }
                line.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A plain cell.
pub fn cell(text: impl Into<String>) -> (String, Option<Style>) {
    (text.into(), None)
}

/// A styled cell.
pub fn styled(text: impl Into<String>, style: Style) -> (String, Option<Style>) {
    (text.into(), Some(style))
}

/// The candidate closest to `name` if it is close enough to be a typo, or
/// if one of the two is the other cut short (`checkout` for `checkout-v2`).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.len() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|candidate| (distance(name, candidate), candidate))
        .filter(|&(d, candidate)| d <= limit || cut_short(name, candidate))
        .min()
        .map(|(_, candidate)| candidate)
}

/// Whether the shorter of `a` and `b` begins the longer and has at least 4
/// bytes (fewer would match too much).
fn cut_short(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4 && long.starts_with(short)
}

/// Levenshtein distance over bytes (names are ASCII).
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            let next = (diagonal + usize::from(x != y))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["dark_mode", "new_cart", "one_click_pay"];
        assert_eq!(did_you_mean("dark_mod", names), Some("dark_mode"));
        assert_eq!(did_you_mean("new-cart", names), Some("new_cart"));
        assert_eq!(did_you_mean("light", names), None);
    }

    #[test]
    fn suggests_a_name_cut_short_or_run_on() {
        let releases = ["checkout-v2", "search"];
        assert_eq!(did_you_mean("checkout", releases), Some("checkout-v2"));
        assert_eq!(
            did_you_mean("checkout-v2-final", releases),
            Some("checkout-v2")
        );
        assert_eq!(did_you_mean("checkout_v2", releases), Some("checkout-v2"));
        // Too short to tell.
        assert_eq!(did_you_mean("che", releases), None);
    }

    #[test]
    fn aligns_columns_and_trims_the_last() {
        let mut table = Table::new(&["A", "BB"]);
        table.row(vec![cell("long"), cell("x")]);
        table.row(vec![cell("s"), cell("")]);
        let colors = Colors { enabled: false };
        assert_eq!(table.render(colors), "A     BB\nlong  x\ns\n");
    }
}
