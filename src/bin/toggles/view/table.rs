//! Aligned tables: the last column is not padded, and a cell's colour is
//! applied after padding so that the columns line up.

use crate::color::{Colors, Style};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns_and_trims_the_last() {
        let mut table = Table::new(&["A", "BB"]);
        table.row(vec![cell("long"), cell("x")]);
        table.row(vec![cell("s"), cell("")]);
        let colors = Colors::never();
        assert_eq!(table.render(colors), "A     BB\nlong  x\ns\n");
    }
}
