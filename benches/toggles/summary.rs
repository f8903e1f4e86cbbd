//! The table at the end of `cargo bench`: medians from criterion's
//! `estimates.json` files written by this run, and the ratios the targets
//! are stated in.

use std::path::PathBuf;
use std::time::SystemTime;

use crate::latency::Latencies;

/// Criterion's output folder, found the way criterion finds it.
fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("criterion")
}

/// The median in nanoseconds of `group/id`, if this run measured it.
fn median(started: SystemTime, group: &str, id: &str) -> Option<f64> {
    let path = criterion_home()
        .join(group)
        .join(id)
        .join("new")
        .join("estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < started {
        return None; // from an earlier run: not side by side
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.2} ns")
    }
}

pub fn print(started: SystemTime, latencies: &[Latencies]) {
    let m = |group: &str, id: &str| median(started, group, id);
    println!("\n## Summary (medians of this run)\n");
    println!("| check, one thread | median | × floor |");
    println!("|---|---:|---:|");
    let floor = m("check", "floor_atomic_bool");
    for (id, label) in [
        ("floor_atomic_bool", "floor: `AtomicBool` relaxed load"),
        ("toggle_macro", "`toggle!(\"x\")`"),
        ("static_toggle", "static `Toggle::is_enabled()`"),
        ("store_by_name", "`store.is_enabled(\"x\")`"),
        ("snapshot_by_name", "`snapshot.is_enabled(\"x\")`"),
        (
            "store_unknown_name",
            "`store.is_enabled` of an unknown name",
        ),
        (
            "toggle_macro_keyed_plain",
            "`toggle!(\"x\", key)`, no rollout or allow list",
        ),
        (
            "toggle_macro_keyed_rollout",
            "`toggle!(\"x\", key)`, own rollout",
        ),
        (
            "toggle_macro_keyed_release_rollout",
            "`toggle!(\"x\", key)`, release rollout",
        ),
        (
            "toggle_macro_keyed_allowed",
            "`toggle!(\"x\", key)`, key in `allow`",
        ),
        (
            "store_keyed_rollout",
            "`store.is_enabled_for(\"x\", key)`, own rollout",
        ),
        (
            "toggle_macro_keyed_plain_u64",
            "`toggle!(\"x\", id)`, a `u64` id, no rollout or allow list",
        ),
        (
            "toggle_macro_keyed_rollout_u64",
            "`toggle!(\"x\", id)`, a 19-digit `u64`, own rollout",
        ),
        (
            "toggle_macro_keyed_rollout_u64_text",
            "`toggle!(\"x\", key)`, the same id as a `&str`, own rollout",
        ),
        (
            "toggle_macro_keyed_rollout_u64_to_string",
            "`toggle!(\"x\", id.to_string())`, own rollout",
        ),
        (
            "toggle_macro_keyed_release_rollout_u64",
            "`toggle!(\"x\", id)`, a `u64`, release rollout",
        ),
        (
            "store_keyed_rollout_u64",
            "`store.is_enabled_for(\"x\", id)`, a `u64`, own rollout",
        ),
        (
            "toggle_info_keyed_rollout",
            "the rule alone (`ToggleInfo::is_enabled_for`), own rollout",
        ),
        (
            "toggle_info_keyed_rollout_u64",
            "the rule alone, a `u64` id",
        ),
        (
            "toggle_info_keyed_rollout_u64_text",
            "the rule alone, the same id as a `&str`",
        ),
        (
            "store_by_name_in_environment",
            "`store.is_enabled(\"x\")`, a store read in `production`",
        ),
        (
            "store_keyed_rollout_in_environment",
            "`store.is_enabled_for(\"x\", key)`, own rollout, in `production`",
        ),
        (
            "snapshot_keyed_release_rollout",
            "`snapshot.is_enabled_for(\"x\", key)`, release rollout",
        ),
        (
            "toggle_macro_override_other_thread",
            "`toggle!`, an override active on another thread",
        ),
        (
            "store_by_name_override_other_thread",
            "`store.is_enabled`, an override active on another thread",
        ),
        (
            "toggle_macro_override_this_thread",
            "`toggle!`, an override of another name on this thread",
        ),
        (
            "store_by_name_override_this_thread",
            "`store.is_enabled`, an override of another name on this thread",
        ),
        (
            "baseline_rwlock_hashmap",
            "baseline: `RwLock<HashMap<String, bool>>`",
        ),
        (
            "baseline_arcswap_hashmap",
            "baseline: `ArcSwap<HashMap<String, bool>>`",
        ),
    ] {
        if let Some(ns) = m("check", id) {
            let ratio = floor.map_or_else(String::new, |f| format!("{:.1}×", ns / f));
            println!("| {label} | {} | {ratio} |", time(ns));
        }
    }

    println!("\n| per thread | 1 thread | 2 threads | 2-thread throughput per thread |");
    println!("|---|---:|---:|---:|");
    for id in [
        "floor_atomic_bool",
        "toggle_macro",
        "store_by_name",
        "baseline_rwlock_hashmap",
        "baseline_arcswap_hashmap",
        "toggle_macro_override_other_thread",
        "store_by_name_override_other_thread",
    ] {
        let one = m("threads", &format!("{id}_1t"));
        let two = m("threads", &format!("{id}_2t"));
        if let (Some(one), Some(two)) = (one, two) {
            println!(
                "| {id} | {} | {} | {:.0}% |",
                time(one),
                time(two),
                100.0 * one / two
            );
        }
    }

    println!("\n| target | measured | target |");
    println!("|---|---:|---:|");
    let ratio = |num: Option<f64>, den: Option<f64>| num.zip(den).map(|(n, d)| n / d);
    let row = |what: &str, value: Option<f64>, unit: &str, target: &str| {
        if let Some(v) = value {
            println!("| {what} | {v:.2}{unit} | {target} |");
        }
    };
    row(
        "`toggle!` ÷ floor",
        ratio(m("check", "toggle_macro"), floor),
        "×",
        "≤ 3×",
    );
    row(
        "`toggle!(\"x\", key)`, own rollout, 25-byte key",
        m("check", "toggle_macro_keyed_rollout"),
        " ns",
        "≤ 25 ns",
    );
    row(
        "`toggle!(\"x\", key)`, release rollout, 25-byte key",
        m("check", "toggle_macro_keyed_release_rollout"),
        " ns",
        "≤ 25 ns",
    );
    row(
        "static `Toggle` ÷ floor",
        ratio(m("check", "static_toggle"), floor),
        "×",
        "≤ 3×",
    );
    row(
        "RwLock baseline ÷ `store.is_enabled`, 1 thread",
        ratio(
            m("check", "baseline_rwlock_hashmap"),
            m("check", "store_by_name"),
        ),
        "×",
        "> 1×",
    );
    row(
        "RwLock baseline ÷ `store.is_enabled`, 2 threads",
        ratio(
            m("threads", "baseline_rwlock_hashmap_2t"),
            m("threads", "store_by_name_2t"),
        ),
        "×",
        "≥ 3×",
    );
    for id in ["toggle_macro", "store_by_name"] {
        row(
            &format!("{id}: 2-thread ÷ 1-thread throughput per thread"),
            ratio(
                m("threads", &format!("{id}_1t")),
                m("threads", &format!("{id}_2t")),
            )
            .map(|r| r * 100.0),
            "%",
            "≥ 90%",
        );
    }
    row(
        "reload of 10 000 toggles",
        m("reload", "reload_10k_toggles").map(|ns| ns / 1e6),
        " ms",
        "< 20 ms",
    );
    row(
        "open a 10 000-toggle file (no watch)",
        m("reload", "open_10k_toggles").map(|ns| ns / 1e6),
        " ms",
        "",
    );
    for l in latencies {
        let (what, samples, target) = match l.style {
            crate::latency::Style::Step => ("step-to-visible", "steps", "< 50 ms"),
            _ => ("save-to-visible", "saves", "< 100 ms"),
        };
        row(
            &format!("{what} p50, {} toggles, {}", l.toggles, l.style.name()),
            Some(l.percentile(50).as_secs_f64() * 1e3),
            " ms",
            "",
        );
        row(
            &format!(
                "{what} p99, {} toggles, {} ({} {samples}, max {:.1} ms)",
                l.toggles,
                l.style.name(),
                l.sorted.len(),
                l.max().as_secs_f64() * 1e3
            ),
            Some(l.percentile(99).as_secs_f64() * 1e3),
            " ms",
            target,
        );
    }
}
