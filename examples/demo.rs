//! Loads `toggles.toml`, shows every toggle and release, then keeps checking
//! toggles while you edit the file: save it in any editor and watch the
//! changes arrive, without a restart. A bad edit is reported and ignored.
//!
//! ```text
//! cargo run --example demo            # runs until Ctrl-C
//! cargo run --example demo -- --once  # prints the state and exits
//! ```

use std::time::Duration;

use toggles::{Toggle, toggle};

static DARK_MODE: Toggle = Toggle::new("dark_mode");

fn main() -> Result<(), toggles::Error> {
    StderrLogger::install();
    let path = std::env::var("TOGGLES_FILE").unwrap_or_else(|_| "toggles.toml".into());
    toggles::init(&path)?;
    let store = toggles::global();

    println!("{}:", store.path().display());
    print_state(&store);
    if std::env::args().any(|a| a == "--once") {
        return Ok(());
    }

    println!("\nEdit {path} and save it; Ctrl-C to stop.");
    let _changes = store.subscribe(|changes| {
        println!("changed: {changes}");
    });
    let mut last = None;
    // The problem last shown, so that each is said once, not every loop.
    let mut shown_error: Option<String> = None;
    loop {
        // A "request": the checks an application would make on its hot path.
        let state = (
            toggle!("new_cart"),
            toggle!("one_click_pay"),
            DARK_MODE.is_enabled(),
        );
        if last != Some(state) {
            println!(
                "request sees: new_cart={} one_click_pay={} {DARK_MODE}",
                on_off(state.0),
                on_off(state.1)
            );
            last = Some(state);
        }
        // The logger has printed the error itself; say once what it means.
        let error = store.last_error().map(|e| e.to_string());
        if error != shown_error {
            match &error {
                Some(_) => {
                    eprintln!("(the requests keep the last good version until the file is fixed)")
                }
                None => eprintln!("(the file is good again)"),
            }
            shown_error = error;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn print_state(store: &toggles::Store) {
    let snapshot = store.snapshot();
    for toggle in snapshot.toggles() {
        let release = toggle
            .release()
            .map(|r| format!(" (release {r})"))
            .unwrap_or_default();
        println!(
            "  {:<16} {:<3} from {}{release}",
            toggle.name(),
            on_off(toggle.is_enabled()),
            toggle.source()
        );
    }
    for release in snapshot.releases() {
        println!("  release {release}");
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "ON" } else { "OFF" }
}

/// The library logs through `log`; a real application installs its logger
/// of choice (env_logger, tracing-subscriber, …). This one prints to stderr.
struct StderrLogger;

impl StderrLogger {
    fn install() {
        static LOGGER: StderrLogger = StderrLogger;
        if log::set_logger(&LOGGER).is_ok() {
            log::set_max_level(log::LevelFilter::Info);
        }
    }
}

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Info
    }
    fn log(&self, record: &log::Record) {
        eprintln!("[{}] {}", record.level(), record.args());
    }
    fn flush(&self) {}
}
