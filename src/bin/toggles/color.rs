//! Colour: `--color always|never`, else (`auto`) as clap decides it
//! (`anstream`): on a terminal, never with `NO_COLOR`, always with
//! `CLICOLOR_FORCE`.

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
        Colors::decide(choice, || anstream::AutoStream::choice(&std::io::stdout()))
    }

    pub fn for_stderr(choice: ColorChoice) -> Colors {
        Colors::decide(choice, || anstream::AutoStream::choice(&std::io::stderr()))
    }

    /// No colour, whatever the stream.
    #[cfg(test)]
    pub fn never() -> Colors {
        Colors { enabled: false }
    }

    /// `--color always|never` decide; `auto` is `anstream`'s (clap's) rule:
    /// never with `NO_COLOR`, always with `CLICOLOR_FORCE`, never with
    /// `CLICOLOR=0`, else on a terminal that is not `TERM=dumb`.
    fn decide(choice: ColorChoice, auto: impl FnOnce() -> anstream::ColorChoice) -> Colors {
        let enabled = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => auto() != anstream::ColorChoice::Never,
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
