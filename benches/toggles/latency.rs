//! Save-to-visible latency: how long after a save a check sees the change,
//! for rename-saves and in-place saves; and step-to-visible latency: how long
//! after a schedule's step a check sees it, with no save at all. Shared by
//! the `toggles` bench and `examples/reload_latency.rs`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use toggles::{Store, Timestamp};

use crate::fixture::{self, CHECKED};

/// How a save is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Write a temporary file beside it, rename it over the file (editors,
    /// deployment tools, the `toggles` CLI).
    Rename,
    /// Truncate the file and write it (`echo … >`, many programs); the save
    /// is complete when the writer closes the file.
    InPlace,
    /// No save: a `schedule`'s steps, one a second, each flipping the
    /// checked toggle at its instant.
    Step,
}

impl Style {
    pub fn name(self) -> &'static str {
        match self {
            Style::Rename => "rename-saves",
            Style::InPlace => "in-place saves",
            Style::Step => "scheduled steps",
        }
    }
}

/// Latencies of one run, sorted.
pub struct Latencies {
    pub toggles: usize,
    pub style: Style,
    pub sorted: Vec<Duration>,
}

impl Latencies {
    /// The `p`-th percentile (nearest rank), `p` in 0..=100.
    pub fn percentile(&self, p: usize) -> Duration {
        let n = self.sorted.len();
        let rank = (p * n).div_ceil(100).clamp(1, n);
        self.sorted[rank - 1]
    }

    pub fn max(&self) -> Duration {
        *self.sorted.last().expect("at least one save")
    }
}

/// Opens a watched store on a file of `toggles` toggles and saves it `saves`
/// times in `style`, flipping [`CHECKED`] each time; each latency runs from
/// the moment the save is complete (the `rename`, or the `close` after an
/// in-place write) to the first `Store::is_enabled` that returns the new
/// state, checked in a loop as a busy application would.
pub fn measure(toggles: usize, saves: usize, style: Style) -> Latencies {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("toggles.toml");
    let versions = [
        fixture::file(toggles, 100.min(toggles / 100), false),
        fixture::file(toggles, 100.min(toggles / 100), true),
    ];
    fs::write(&path, &versions[0]).expect("write the file");
    let store = Store::builder(&path)
        .append_unknown(false)
        .open()
        .expect("the fixture is valid");
    assert!(!store.is_enabled(CHECKED));

    let mut sorted = Vec::with_capacity(saves);
    for save in 1..=saves {
        let on = save % 2 == 1;
        let text = &versions[usize::from(on)];
        let started = match style {
            Style::Rename => rename_save(&path, text),
            Style::InPlace => in_place_save(&path, text),
            Style::Step => unreachable!("measured by `measure_steps`"),
        };
        let deadline = started + Duration::from_secs(10);
        while store.is_enabled(CHECKED) != on {
            assert!(
                Instant::now() < deadline,
                "save {save} never became visible"
            );
            std::thread::yield_now();
        }
        sorted.push(started.elapsed());
        // Let the worker finish this reload so the next save is a new burst.
        std::thread::sleep(Duration::from_millis(5));
    }
    sorted.sort();
    Latencies {
        toggles,
        style,
        sorted,
    }
}

/// Opens a watched store on a file of `toggles` toggles whose checked
/// toggle has `steps` steps, one a second from the next whole second but
/// one, each flipping it; each latency runs from the step's instant (by the
/// wall clock) to the first `Store::is_enabled` that returns the new state,
/// checked in a loop. One sample a second: a run of 20 takes 20 s.
pub fn measure_steps(toggles: usize, steps: usize) -> Latencies {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("toggles.toml");
    let first = Timestamp::now().unix_seconds() + 2;
    let mut text = fixture::file(toggles, 100.min(toggles / 100), false);
    let header = format!("[toggles.{CHECKED}]\n");
    let at = text.find(&header).expect("the checked toggle") + header.len();
    let mut schedule = String::from("schedule = [\n");
    for step in 0..steps {
        let instant = Timestamp::from_unix_seconds(first + step as i64);
        let _ = writeln!(
            schedule,
            "  {{ at = {instant}, enabled = {} }},",
            step % 2 == 0
        );
    }
    schedule.push_str("]\n");
    text.insert_str(at, &schedule);
    fs::write(&path, &text).expect("write the file");
    let store = Store::builder(&path)
        .append_unknown(false)
        .open()
        .expect("the fixture is valid");
    assert!(!store.is_enabled(CHECKED));
    let mut sorted = Vec::with_capacity(steps);
    for step in 0..steps {
        let on = step % 2 == 0;
        let instant = Timestamp::from_unix_seconds(first + step as i64).to_system_time();
        let deadline = instant + Duration::from_secs(10);
        while store.is_enabled(CHECKED) != on {
            assert!(
                SystemTime::now() < deadline,
                "step {step} never became visible"
            );
            std::thread::yield_now();
        }
        let seen = SystemTime::now();
        let latency = seen.duration_since(instant).unwrap_or_else(|early| {
            panic!(
                "step {step} was visible {:?} before its instant",
                early.duration()
            )
        });
        sorted.push(latency);
    }
    sorted.sort();
    Latencies {
        toggles,
        style: Style::Step,
        sorted,
    }
}

/// Writes `text` beside `path` and renames it over `path`, as editors and
/// deployment tools save; returns the instant just before the rename.
fn rename_save(path: &Path, text: &str) -> Instant {
    let tmp = path.with_file_name(".toggles.toml.tmp");
    fs::write(&tmp, text).expect("write the temporary file");
    let started = Instant::now();
    fs::rename(&tmp, path).expect("rename over the file");
    started
}

/// Truncates `path` and writes `text` into it; returns the instant just
/// before the file is closed, when the save is complete.
fn in_place_save(path: &Path, text: &str) -> Instant {
    use std::io::Write;
    let mut file = fs::File::create(path).expect("open the file for writing");
    file.write_all(text.as_bytes()).expect("write the file");
    let started = Instant::now();
    drop(file);
    started
}
