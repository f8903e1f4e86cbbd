//! The CLI's error: what went wrong, what to do about it, and the exit code.

use std::fmt::Display;

use crate::color::{ColorChoice, Colors, Style};

/// Exit code: everything is fine.
pub const EXIT_OK: u8 = 0;
/// Exit code: an error (a bad file, an unknown name, a failed check).
pub const EXIT_ERROR: u8 = 1;
/// Exit code: the command line itself is wrong (clap uses it too).
pub const EXIT_USAGE: u8 = 2;

/// What a command returns: an exit code, or a failure to print.
pub type Outcome = Result<u8, Fail>;

/// A command that could not do what was asked. Printed to stderr as
/// `error: …` with a `help: …` line that says what to do.
#[derive(Debug)]
pub struct Fail {
    pub message: String,
    pub help: Option<String>,
    pub code: u8,
    /// The library's error this failure reports (boxed: a `Fail` travels
    /// in every `Result` of the CLI), kept whole (its file,
    /// line and column, each of several mistakes) for whoever needs more
    /// than the message: `check` makes a finding of each mistake.
    pub source: Option<Box<toggles::Error>>,
}

impl Fail {
    /// An error: exit code 1.
    pub fn error(message: impl Display) -> Fail {
        Fail {
            message: message.to_string(),
            help: None,
            code: EXIT_ERROR,
            source: None,
        }
    }

    /// A wrong command line: exit code 2.
    pub fn usage(message: impl Display) -> Fail {
        Fail {
            message: message.to_string(),
            help: None,
            code: EXIT_USAGE,
            source: None,
        }
    }

    /// Adds what the user can do about it.
    pub fn help(mut self, help: impl Display) -> Fail {
        self.help = Some(help.to_string());
        self
    }

    /// Keeps the library's error this failure reports.
    pub fn with_source(mut self, error: toggles::Error) -> Fail {
        self.source = Some(Box::new(error));
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
        Fail::error(&error).with_source(error)
    }
}
