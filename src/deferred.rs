//! Log lines collected while a lock of ours is held, logged once it is
//! released.
//!
//! A logger is the application's code, and it may call back into the
//! library: check a toggle (its verbosity may be one), reload a store, take
//! the file's lock. Logging while holding one of our locks would then wait
//! for that lock on the same thread, forever. So code that holds a lock
//! never logs: it writes the line into a [`DeferredLog`] with [`defer_log!`]
//! and the lines go to the logger when the `DeferredLog` is dropped (or
//! [`emit`](DeferredLog::emit)ted), after the lock.
//!
//! Declare the `DeferredLog` **before** the guard it outlives: locals are
//! dropped in the reverse order of their declaration, so the guard goes
//! first, on every return path. A function that runs under a lock its
//! caller holds takes the caller's `&mut DeferredLog` instead.

use std::fmt;

/// A line as `log::log!` would have sent it, kept until it can be.
struct Line {
    level: log::Level,
    text: String,
    module: &'static str,
    file: &'static str,
    line: u32,
}

/// Log lines waiting for a lock to be released; logged on drop.
#[derive(Default)]
pub(crate) struct DeferredLog {
    lines: Vec<Line>,
}

impl DeferredLog {
    pub(crate) const fn new() -> DeferredLog {
        DeferredLog { lines: Vec::new() }
    }

    /// Formats the line now (what it shows is what holds under the lock)
    /// unless its level is off; [`defer_log!`] fills in the call site.
    pub(crate) fn push(
        &mut self,
        level: log::Level,
        (module, file, line): (&'static str, &'static str, u32),
        args: fmt::Arguments<'_>,
    ) {
        if level <= log::STATIC_MAX_LEVEL && level <= log::max_level() {
            self.lines.push(Line {
                level,
                text: args.to_string(),
                module,
                file,
                line,
            });
        }
    }

    /// Logs the lines now, in order: the caller has released its locks.
    pub(crate) fn emit(mut self) {
        self.flush();
    }

    fn flush(&mut self) {
        for line in self.lines.drain(..) {
            // The record `log::log!` at the call site would have made.
            log::logger().log(
                &log::Record::builder()
                    .args(format_args!("{}", line.text))
                    .level(line.level)
                    .target(line.module)
                    .module_path_static(Some(line.module))
                    .file_static(Some(line.file))
                    .line(Some(line.line))
                    .build(),
            );
        }
    }
}

impl Drop for DeferredLog {
    fn drop(&mut self) {
        self.flush();
    }
}

/// `defer_log!(lines, Level::Warn, "format", args…)`: like `log::log!`,
/// into the [`DeferredLog`] `lines`, to be logged after the lock.
macro_rules! defer_log {
    ($lines:expr, $level:expr, $($arg:tt)+) => {
        $lines.push(
            $level,
            (module_path!(), file!(), line!()),
            format_args!($($arg)+),
        )
    };
}
pub(crate) use defer_log;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

    struct Recorder;

    impl log::Log for Recorder {
        fn enabled(&self, _: &log::Metadata) -> bool {
            true
        }
        fn log(&self, record: &log::Record) {
            if record.target() != module_path!() {
                return; // other unit tests log too, in parallel
            }
            let line = format!(
                "{} {} {}:{} {}",
                record.level(),
                record.target(),
                record.file().unwrap_or("?"),
                record.line().unwrap_or(0),
                record.args()
            );
            SEEN.lock().unwrap().push(line);
        }
        fn flush(&self) {}
    }

    #[test]
    fn lines_are_logged_on_drop_in_order_as_the_call_site_would_log_them() {
        // The unit tests' only logger.
        log::set_logger(&Recorder).unwrap();
        log::set_max_level(log::LevelFilter::Info);
        let mut lines = DeferredLog::new();
        let guard = SEEN.lock().unwrap(); // the logger would wait for it
        let (first, second) = (line!() + 1, line!() + 3);
        defer_log!(lines, log::Level::Warn, "first {}", 1);
        defer_log!(lines, log::Level::Debug, "below the level: never formatted");
        defer_log!(lines, log::Level::Info, "second");
        drop(guard);
        assert!(SEEN.lock().unwrap().is_empty(), "nothing logged yet");
        drop(lines);
        let seen = SEEN.lock().unwrap().clone();
        assert_eq!(
            seen,
            [
                format!("WARN toggles::deferred::tests {}:{first} first 1", file!()),
                format!("INFO toggles::deferred::tests {}:{second} second", file!()),
            ]
        );
    }
}
