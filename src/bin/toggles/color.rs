//! Colour: only on a terminal, never with `NO_COLOR`; `--color` decides
//! over both.

use std::io::IsTerminal;

use clap::ValueEnum;

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

    /// No colour, whatever the stream.
    #[cfg(test)]
    pub fn never() -> Colors {
        Colors { enabled: false }
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
        self.paint(
            if on { Style::On } else { Style::Off },
            crate::words::on_off(on),
        )
    }
}
