//! The CLI's error: what went wrong, what to do about it, and the exit code.

use std::fmt::Display;

use crate::output::{ColorChoice, Colors, Style};
use crate::{EXIT_ERROR, EXIT_USAGE};

/// A command that could not do what was asked. Printed to stderr as
/// `error: …` with a `help: …` line that says what to do.
#[derive(Debug)]
pub struct Fail {
    pub message: String,
    pub help: Option<String>,
    pub code: u8,
}

impl Fail {
    /// An error: exit code 1.
    pub fn error(message: impl Display) -> Fail {
        Fail {
            message: message.to_string(),
            help: None,
            code: EXIT_ERROR,
        }
    }

    /// A wrong command line: exit code 2.
    pub fn usage(message: impl Display) -> Fail {
        Fail {
            message: message.to_string(),
            help: None,
            code: EXIT_USAGE,
        }
    }

    /// Adds what the user can do about it.
    pub fn help(mut self, help: impl Display) -> Fail {
        self.help = Some(help.to_string());
        self
    }

    pub fn print(&self, choice: ColorChoice) {
        let colors = Colors::for_stderr(choice);
        eprintln!("{} {}", colors.paint(Style::Error, "error:"), self.message);
        if let Some(help) = &self.help {
            eprintln!("  {} {help}", colors.paint(Style::Bold, "help:"));
        }
    }
}

impl From<toggles::Error> for Fail {
    /// The library's message already names the file, line and column, shows
    /// the line and says what to change.
    fn from(error: toggles::Error) -> Fail {
        Fail::error(error)
    }
}
