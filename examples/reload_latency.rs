//! Save-to-visible latency of hot reload: saves a `toggles.toml` — by
//! rename (write a temporary file, rename it over the file, as editors and
//! deployment tools do) or in place (truncate and write) — and measures how
//! long until a check sees the change.
//!
//! ```text
//! cargo run --release --example reload_latency                    # 10 000 toggles, 200 rename-saves
//! cargo run --release --example reload_latency -- 2000 500        # 2 000 toggles, 500 rename-saves
//! cargo run --release --example reload_latency -- 2000 500 inplace
//! cargo run --release --example reload_latency -- 2000 30 steps     # step-to-visible, one step a second
//! ```
//!
//! `cargo bench` runs the same measurement (see BENCHMARKS.md).

#[path = "../benches/toggles/fixture.rs"]
#[allow(dead_code)]
mod fixture;
#[path = "../benches/toggles/latency.rs"]
mod latency;

fn main() {
    let mut args = std::env::args().skip(1);
    let toggles: usize = args.next().map_or(10_000, |a| a.parse().expect("toggles"));
    let saves: usize = args.next().map_or(200, |a| a.parse().expect("saves"));
    let style = match args.next().as_deref() {
        None | Some("rename") => latency::Style::Rename,
        Some("inplace") => latency::Style::InPlace,
        Some("steps") => latency::Style::Step,
        Some(other) => panic!("unknown save style {other:?}: rename, inplace or steps"),
    };
    if std::env::var_os("RUST_LOG").is_some() {
        StderrLogger::install();
    }
    let l = match style {
        // One step a second: `saves` is the number of steps.
        latency::Style::Step => latency::measure_steps(toggles.max(1), saves.max(1)),
        _ => latency::measure(toggles.max(1), saves.max(1), style),
    };
    println!(
        "{} toggles, {} {}: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        l.toggles,
        l.sorted.len(),
        l.style.name(),
        ms(l.percentile(50)),
        ms(l.percentile(90)),
        ms(l.percentile(99)),
        ms(l.max()),
    );
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

struct StderrLogger;

impl StderrLogger {
    fn install() {
        static LOGGER: StderrLogger = StderrLogger;
        if log::set_logger(&LOGGER).is_ok() {
            log::set_max_level(log::LevelFilter::Debug);
        }
    }
}

impl log::Log for StderrLogger {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        eprintln!("[{}] {}", record.level(), record.args());
    }
    fn flush(&self) {}
}
