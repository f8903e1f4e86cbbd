//! A service loop without HTTP: each "request" checks toggles on its hot
//! path, and the service logs every change as `toggles.toml` is edited.
//!
//! ```text
//! cargo run --example service                     # until Ctrl-C; edit toggles.toml meanwhile
//! cargo run --example service -- --requests 2000  # a short run, as CI does
//! ```
//!
//! Try: switch `[releases.checkout-v2] enabled = true` and save; raise
//! `[toggles.new_search] rollout = 10` to 50 and watch the share of users
//! with the new search follow; break the file (`enabeld = true`) and save:
//! the service logs the error with its line and column and keeps serving
//! the last good version.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use toggles::{Toggle, toggle};

/// Toggles checked in several places are best named once.
static DARK_MODE: Toggle = Toggle::new("dark_mode");

#[derive(Default)]
struct Stats {
    drawer: AtomicU64,
    page: AtomicU64,
    one_click: AtomicU64,
    new_search: AtomicU64,
}

fn handle_request(stats: &Stats, served: u64) -> String {
    // Each request comes from one of 1 000 users; a rollout picks the same
    // users every time, and raising it only adds users.
    let user = format!("user-{}", served % 1000);
    let search = if toggle!("new_search", &user) {
        stats.new_search.fetch_add(1, Ordering::Relaxed);
        "new"
    } else {
        "classic"
    };
    let theme = if DARK_MODE.is_enabled() {
        "dark"
    } else {
        "light"
    };
    let cart = if toggle!("new_cart") {
        stats.drawer.fetch_add(1, Ordering::Relaxed);
        if toggle!("one_click_pay") {
            stats.one_click.fetch_add(1, Ordering::Relaxed);
        }
        "drawer"
    } else {
        stats.page.fetch_add(1, Ordering::Relaxed);
        "page"
    };
    format!("<{theme}><cart {cart}/><search {search}/></{theme}>")
}

fn main() -> Result<(), toggles::Error> {
    log::set_logger(&LOGGER).expect("the only logger");
    log::set_max_level(log::LevelFilter::Info);
    toggles::init(std::env::var("TOGGLES_FILE").unwrap_or_else(|_| "toggles.toml".into()))?;
    let store = toggles::global();

    // Changes arrive on the store's thread; a real service would emit
    // metrics or warm caches here. The library logs a line by itself too.
    let _subscription = store.subscribe(|changes| {
        for flip in changes.flipped() {
            log::info!(
                "feature {} is now {}",
                flip.name,
                if flip.new { "ON" } else { "OFF" }
            );
        }
        for change in changes.retargeted() {
            log::info!("feature {} now reaches other users", change.name);
        }
    });

    let limit: Option<u64> = std::env::args()
        .skip_while(|a| a != "--requests")
        .nth(1)
        .map(|n| n.parse().expect("--requests takes a number"));
    let stats = Stats::default();
    let started = Instant::now();
    let mut served = 0u64;
    let mut last_report = Instant::now();
    while limit.is_none_or(|limit| served < limit) {
        std::hint::black_box(handle_request(&stats, served));
        served += 1;
        if last_report.elapsed() >= Duration::from_secs(2) {
            report(&stats, served, started);
            last_report = Instant::now();
        }
        if limit.is_none() {
            std::thread::sleep(Duration::from_micros(200)); // a modest request rate
        }
    }
    report(&stats, served, started);
    Ok(())
}

fn report(stats: &Stats, served: u64, started: Instant) {
    log::info!(
        "{served} requests in {:.1?}: cart drawer {}, cart page {}, one-click {}, new search {}",
        started.elapsed(),
        stats.drawer.load(Ordering::Relaxed),
        stats.page.load(Ordering::Relaxed),
        stats.one_click.load(Ordering::Relaxed),
        stats.new_search.load(Ordering::Relaxed),
    );
}

/// Applications bring their own logger (env_logger, tracing, …).
struct Logger;
static LOGGER: Logger = Logger;

impl log::Log for Logger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Info
    }
    fn log(&self, record: &log::Record) {
        eprintln!("[{:<5}] {}", record.level(), record.args());
    }
    fn flush(&self) {}
}
