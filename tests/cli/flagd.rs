//! `toggles export --format flagd`, proved against the real flagd
//! evaluators: for a generated file covering every kind of toggle (own and
//! release rollouts from 0 to 100 %, allow lists, both together, fixed
//! states, toggles overriding their release), every decision of every flag
//! over more than 10 000 keys equals the library's:
//!
//! - a `flagd-v2` file in npm `@openfeature/flagd-core` 4.x, ASCII keys
//!   only (it hashes UTF-16 code units, which equal flagd-v2's UTF-8 bytes
//!   only for ASCII);
//! - a `flagd-v3` file in PyPI `openfeature-flagd-core` 2.x, ASCII and
//!   non-ASCII keys.
//!
//! **Metadata**: every flag's metadata as each evaluator returns it with an
//! evaluation (`flagMetadata` in the npm core, `flag_metadata` in the
//! Python one: the flag's own merged over the flag set's) equals what the
//! library says of the toggle: `description`, `release`, `owner`, `kind`
//! and `expires` (some toggles of the file have lifecycle fields, some
//! releases too, which are not their toggles'), with `bucketing`, and
//! `environment` in each view of the scheduled file.
//!
//! The keys include, for every rollout, keys whose bucket is exactly one
//! below and exactly at the rollout (an export off by one basis point fails
//! on them), the allow-listed keys and near misses, an empty key and no key.
//!
//! **Integer keys**: every key that is an integer's decimal text (some
//! 3 000 of them: the limits of every integer type, powers of ten and their
//! neighbours, random `u64`s and negative `i64`s, allow-listed integers,
//! and integer keys at each rollout's edges) is checked by the library a
//! second time as an integer, of every type that holds it (`u8` to `u128`,
//! `i8` to `i128`, `usize`, `isize`, by value, by reference and as
//! `NonZero`), and each answer must equal the evaluator's for the text as
//! `targetingKey` (flagd's targeting keys are strings).
//!
//! **Schedules**: a second file has schedules on toggles and on releases,
//! with rollouts and allow lists, in the base values and in environments
//! (`env.E.schedule` with and without a start state, an environment setting
//! only `enabled`, one setting only `allow`). It is exported in each view
//! (`--env`) and evaluated at fixed instants: a day before the view's first
//! step; 1 s before, 1 ms before and exactly at each step; a day after the
//! last. Every decision of every flag over more than 10 000 keys (with the
//! edge keys of every rollout a step sets) equals the library's
//! `Snapshot::at` that instant, and every step flips some answer exactly at
//! its instant. The clock is fixed inside the evaluator's own process
//! (`--at` of `tests/flagd/eval.mjs` and `eval.py`): the npm core computes
//! `$flagd.timestamp` as `Math.floor(Date.now() / 1000)`, so `eval.mjs`
//! replaces `Date.now`; the Python core as `int(time.time())`, so `eval.py`
//! patches `time.time` (`unittest.mock.patch`); each fails if the core never
//! read the fixed clock.
//!
//! The evaluators are installed with plain `npm ci` and `pip install` from
//! the pinned `tests/flagd/package-lock.json` and `requirements.txt`, into
//! a cache under the target folder (`target/tmp/flagd-evaluators/`, keyed
//! by those files), so reruns do not install again.
//!
//! They are `#[ignore]`d, so that the README's test command,
//! `cargo test --all-features`, needs nothing but Rust and no network. Run
//! them with `cargo test --all-features --test cli -- --ignored flagd::`
//! (`.ci/run` does, installing Node.js, npm and Python's venv first, and
//! fails unless all of them ran and passed). Once asked for, they never skip:
//! without Node.js, npm, Python 3 with venv, the registries, or
//! `tests/flagd/` itself, they FAIL and say what to install.

use std::collections::HashSet;
use std::io::{self, Write};
use std::num::NonZero;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use toggles::{Reason, Snapshot, ToggleInfo};

use crate::common::{folder_with, run_ok};

/// `eprintln!` around the test harness's capture, so that the summary and
/// the installs show in the log of a passing run too.
macro_rules! say {
    ($($arg:tt)*) => {
        let _ = writeln!(io::stderr(), $($arg)*);
    };
}

/// The evaluator scripts and their pinned installs.
const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/flagd");

/// Where the installs are cached between runs.
const CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/flagd-evaluators");

const SHARES: [(&str, &str); 8] = [
    ("0", "0"),
    ("0_01", "0.01"),
    ("1", "1"),
    ("12_5", "12.5"),
    ("33_33", "33.33"),
    ("50", "50"),
    ("99_99", "99.99"),
    ("100", "100"),
];

/// Allow lists: ordinary keys, keys that look like JSON or numbers, one
/// with a quote, and non-ASCII ones (reached only by the v3 run's keys).
/// Integers' texts too, which integer keys match.
const ALLOW_A: &[&str] = &[
    "vip-1",
    "vip 2",
    "0",
    "null",
    "quote\"d",
    "ünï-vip",
    "4711",
    "-42",
];
const ALLOW_B: &[&str] = &[
    "vip-2",
    "ada@example.com",
    "🔑",
    "true",
    "18446744073709551615",
    "-9223372036854775808",
];

/// Why the cross-check is not part of the default `cargo test`.
const NEEDS: &str = "needs Node.js, npm, Python 3 with venv and the registries: \
                     `cargo test --all-features --test cli -- --ignored flagd::`";

#[test]
#[ignore = "needs Node.js, npm and Python 3: run with `--ignored flagd::`"]
fn a_flagd_v2_export_decides_like_the_library_in_npm_flagd_core() {
    let scripts = scripts();
    let npm = npm_install(&scripts);
    let mut keys = ascii_keys();
    keys.extend(integer_keys());
    let keys = with_edges_and_no_key(keys, &[parse(&toggles_text("flagd-v2"))]);
    assert!(keys.iter().flatten().all(|k| k.is_ascii()));
    cross_check("flagd-v2", &keys, |flags, keys| {
        evaluate_with_node(&scripts, &npm, flags, Some(keys))
    });
}

#[test]
#[ignore = "needs Node.js, npm and Python 3: run with `--ignored flagd::`"]
fn a_flagd_v3_export_decides_like_the_library_in_pypi_flagd_core() {
    let scripts = scripts();
    let mut keys = ascii_keys();
    keys.extend(non_ascii_keys());
    keys.extend(integer_keys());
    let keys = with_edges_and_no_key(keys, &[parse(&toggles_text("flagd-v3"))]);
    let npm = npm_install(&scripts);
    let python = pip_install(&scripts);
    cross_check("flagd-v3", &keys, |flags, keys| {
        // The same JSON shapes as a v2 export, but validated here too: the
        // npm core's strict check against flagd's own schema.
        evaluate_with_node(&scripts, &npm, flags, None);
        let mut command = Command::new(&python);
        command.arg(scripts.join("eval.py")).arg(flags).arg(keys);
        run_tool_or(
            command,
            "the Python evaluator (tests/flagd/eval.py)",
            PYTHON_HELP,
            REFUSED_HELP,
        )
    });
}

#[test]
#[ignore = "needs Node.js, npm and Python 3: run with `--ignored flagd::`"]
fn a_scheduled_flagd_v2_export_flips_like_the_library_in_npm_flagd_core() {
    let scripts = scripts();
    let npm = npm_install(&scripts);
    let text = scheduled_text("flagd-v2");
    let keys = with_edges_and_no_key(ascii_keys(), &at_every_instant(&text));
    assert!(keys.iter().flatten().all(|k| k.is_ascii()));
    scheduled_cross_check("flagd-v2", &text, &keys, |flags, keys, at| {
        let mut command = Command::new("node");
        command
            .arg(scripts.join("eval.mjs"))
            .env("FLAGD_JS_DIR", &npm)
            .arg("--at")
            .arg(at)
            .arg(flags)
            .arg(keys);
        run_tool_or(
            command,
            "the npm evaluator (tests/flagd/eval.mjs)",
            NODE_HELP,
            REFUSED_HELP,
        )
    });
}

#[test]
#[ignore = "needs Node.js, npm and Python 3: run with `--ignored flagd::`"]
fn a_scheduled_flagd_v3_export_flips_like_the_library_in_pypi_flagd_core() {
    let scripts = scripts();
    let npm = npm_install(&scripts);
    let python = pip_install(&scripts);
    let text = scheduled_text("flagd-v3");
    let mut keys = ascii_keys();
    keys.extend(non_ascii_keys());
    let keys = with_edges_and_no_key(keys, &at_every_instant(&text));
    scheduled_cross_check("flagd-v3", &text, &keys, |flags, keys, at| {
        // Validated by the npm core's strict schema check too.
        evaluate_with_node(&scripts, &npm, flags, None);
        let mut command = Command::new(&python);
        command
            .arg(scripts.join("eval.py"))
            .arg("--at")
            .arg(at)
            .arg(flags)
            .arg(keys);
        run_tool_or(
            command,
            "the Python evaluator (tests/flagd/eval.py)",
            PYTHON_HELP,
            REFUSED_HELP,
        )
    });
}

/// The views a scheduled file is exported in: the base values, then each
/// environment of [`scheduled_text`].
const VIEWS: [Option<&str>; 4] = [None, Some("staging"), Some("production"), Some("eu")];

/// The instants a view is evaluated at, in milliseconds since the epoch:
/// a day before its first step, then for every step 1 s before it, 1 ms
/// before it (the same whole second as 1 s before: `$flagd.timestamp` is
/// the second the clock is in) and exactly at it, and a day after the last.
fn instants_of(snapshot: &Snapshot) -> Vec<i64> {
    let steps: Vec<i64> = snapshot
        .toggles()
        .filter_map(ToggleInfo::schedule)
        .flat_map(|schedule| schedule.steps())
        .map(|step| step.at().unix_seconds() * 1000)
        .collect();
    let (Some(&first), Some(&last)) = (steps.iter().min(), steps.iter().max()) else {
        return Vec::new();
    };
    let mut instants: Vec<i64> = steps
        .iter()
        .flat_map(|&at| [at - 1000, at - 1, at])
        .chain([first - 86_400_000, last + 86_400_000])
        .collect();
    instants.sort_unstable();
    instants.dedup();
    instants
}

fn system_time(ms: i64) -> SystemTime {
    let ms = u64::try_from(ms).expect("an instant after 1970");
    UNIX_EPOCH + Duration::from_millis(ms)
}

/// The library's snapshot of `text` in every view at every instant of
/// [`instants_of`]: every state a table goes through (for the edge keys).
fn at_every_instant(text: &str) -> Vec<Snapshot> {
    VIEWS
        .iter()
        .flat_map(|&view| {
            let snapshot = Snapshot::parse_in("toggles.toml", text.as_bytes(), view).unwrap();
            instants_of(&snapshot)
                .into_iter()
                .map(move |ms| snapshot.at(system_time(ms)))
        })
        .collect()
}

/// Exports `text` in every view of [`VIEWS`] with the real binary, has
/// `evaluate` run an evaluator on each at the view's instants (its third
/// argument, for `--at`: the clock is fixed inside the evaluator's
/// process), and asserts every decision at every instant equal to the
/// library's [`Snapshot::at`] that instant.
fn scheduled_cross_check(
    bucketing: &str,
    text: &str,
    keys: &[Option<String>],
    evaluate: impl Fn(&Path, &Path, &str) -> String + Sync,
) {
    let keyed = keys
        .iter()
        .filter(|k| k.as_ref().is_some_and(|k| !k.is_empty()));
    assert!(keyed.count() >= 10_000, "at least 10 000 keys");
    let (dir, _) = folder_with(text);
    let keys_file = dir.path().join("keys.json");
    std::fs::write(&keys_file, serde_json::to_string(keys).unwrap()).unwrap();
    let views: Vec<(Option<&str>, Snapshot, Vec<i64>)> = VIEWS
        .iter()
        .map(|&view| {
            let snapshot = Snapshot::parse_in("toggles.toml", text.as_bytes(), view).unwrap();
            let instants = instants_of(&snapshot);
            (view, snapshot, instants)
        })
        .collect();
    assert_scheduled_views_cover_every_case(&views);

    let started = Instant::now();
    // One evaluator process per view, all at once.
    let outputs: Vec<String> = std::thread::scope(|scope| {
        let running: Vec<_> = views
            .iter()
            .map(|(view, _, instants)| {
                let (dir, keys_file, evaluate) = (dir.path(), &keys_file, &evaluate);
                scope.spawn(move || {
                    let name = format!("flags.{}.flagd.json", view.unwrap_or("base"));
                    let mut args = vec!["export", "--format", "flagd", "--out", &name];
                    if let Some(view) = view {
                        args.extend(["--env", view]);
                    }
                    run_ok(dir, &args);
                    let at: Vec<String> = instants.iter().map(i64::to_string).collect();
                    evaluate(&dir.join(&name), keys_file, &at.join(","))
                })
            })
            .collect();
        running
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .collect()
    });
    let elapsed = started.elapsed();

    let mut compared = 0usize;
    let mut flips = 0usize;
    let mut evaluator = String::new();
    for ((view, snapshot, instants), output) in views.iter().zip(outputs) {
        let output: serde_json::Value =
            serde_json::from_str(&output).expect("the evaluator's JSON");
        evaluator = format!("{} {}", output["evaluator"], output["version"]).replace('"', "");
        let view_name = view.unwrap_or("base values");
        let results = output["instants"].as_array().expect("instants");
        assert_eq!(results.len(), instants.len(), "{evaluator}: {view_name}");
        // The library's answers at the previous instant, to count flips.
        let mut previous: Option<Vec<String>> = None;
        let mut wrong = Vec::new();
        for (&ms, result) in instants.iter().zip(results) {
            assert_eq!(result["at"], ms, "{evaluator}: {view_name}");
            assert!(result["clockReads"].as_u64().unwrap() > 0);
            let then = snapshot.at(system_time(ms));
            let at = format!(
                "{} + {} ms",
                toggles::Timestamp::from_system_time(system_time(ms)),
                ms % 1000
            );
            let decisions = result["decisions"].as_object().expect("decisions");
            assert_metadata(
                &evaluator,
                &then,
                &result["metadata"],
                &format!("{view_name} at {at}"),
            );
            let mut ours_all = Vec::new();
            for toggle in then.toggles() {
                let theirs = decisions[toggle.name()]
                    .as_str()
                    .expect("a string of 0 and 1");
                assert_eq!(theirs.len(), keys.len(), "{evaluator}: {}", toggle.name());
                let ours: String = keys
                    .iter()
                    .map(|key| {
                        let on = match key {
                            Some(key) => toggle.is_enabled_for(key),
                            None => toggle.is_enabled(),
                        };
                        if on { '1' } else { '0' }
                    })
                    .collect();
                compared += keys.len();
                for ((key, theirs), ours) in keys.iter().zip(theirs.chars()).zip(ours.chars()) {
                    if theirs != ours {
                        wrong.push(format!(
                            "  {view_name} at {at}: {} key {key:?}: {evaluator} says {theirs}, \
                             toggles says {ours} ({:?})",
                            toggle.name(),
                            toggle.evaluate(key.as_deref()).reason
                        ));
                    }
                }
                ours_all.push(ours);
            }
            if previous
                .as_ref()
                .is_some_and(|previous| *previous != ours_all)
            {
                flips += 1;
                assert_eq!(
                    ms % 1000,
                    0,
                    "{view_name}: a flip at {at}, not at a whole second"
                );
            }
            previous = Some(ours_all);
        }
        assert!(
            wrong.is_empty(),
            "{bucketing} export, {view_name}: {} decisions of {evaluator} differ from the \
             library's:\n{}",
            wrong.len(),
            wrong
                .iter()
                .take(12)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // Every step of every view changes some answer, exactly at its instant.
    let steps: usize = views
        .iter()
        .map(|(_, _, instants)| (instants.len() - 2) / 3)
        .sum();
    assert_eq!(flips, steps, "each step flips some answer at its instant");
    say!(
        "flagd cross-check, scheduled {bucketing}: {} views, {steps} steps, {compared} decisions \
         of {evaluator} at fixed instants all equal to the library's ({:.1} s)",
        views.len(),
        elapsed.as_secs_f64()
    );
}

/// Asserts the flag metadata an evaluator returned for each toggle of
/// `snapshot` (`metadata`: `{FLAG: {…}}`) equal to what the library says of
/// it: the flag set's `bucketing` and `environment` (in a view of one),
/// then the toggle's own `description`, `release`, `owner`, `kind` and
/// `expires`, each where it is set, as strings.
fn assert_metadata(evaluator: &str, snapshot: &Snapshot, metadata: &serde_json::Value, at: &str) {
    use serde_json::{Value, json};
    let metadata = metadata.as_object().expect("metadata per flag");
    assert_eq!(metadata.len(), snapshot.toggles().len(), "{evaluator} {at}");
    for toggle in snapshot.toggles() {
        let mut expected = serde_json::Map::new();
        let mut put = |key: &str, value: Option<String>| {
            if let Some(value) = value {
                expected.insert(key.to_owned(), Value::String(value));
            }
        };
        put("bucketing", Some(snapshot.bucketing().to_string()));
        put("environment", snapshot.environment().map(str::to_owned));
        put("description", toggle.description().map(str::to_owned));
        put("release", toggle.release().map(str::to_owned));
        put("owner", toggle.owner().map(str::to_owned));
        put("kind", Some(toggle.kind().to_string()));
        put("expires", toggle.expires().map(|d| d.to_string()));
        assert_eq!(
            metadata[toggle.name()],
            json!(expected),
            "{evaluator} {at}: the metadata of {} in an evaluation",
            toggle.name()
        );
    }
}

/// The file covers what the test says it does, in the library's own words.
fn assert_scheduled_views_cover_every_case(views: &[(Option<&str>, Snapshot, Vec<i64>)]) {
    let view = |name: Option<&str>| &views.iter().find(|(v, _, _)| *v == name).unwrap().1;
    let schedule = |snapshot: &Snapshot, toggle: &str| {
        snapshot
            .get(toggle)
            .unwrap()
            .schedule()
            .map(|s| s.is_in_environment())
    };
    let base = view(None);
    assert_eq!(schedule(base, "own"), Some(false));
    assert_eq!(
        base.get("rel_a").unwrap().source(),
        toggles::Source::Release
    );
    assert_eq!(schedule(base, "rel_a"), Some(false), "a release's schedule");
    assert_eq!(
        schedule(base, "over_rel_fixed"),
        None,
        "its own table decides"
    );
    let staging = view(Some("staging"));
    assert_eq!(schedule(staging, "own"), Some(true), "env.staging.schedule");
    assert_eq!(schedule(staging, "rel_a"), Some(true));
    assert_eq!(
        schedule(staging, "off_allow"),
        None,
        "env.staging.rollout alone"
    );
    assert_eq!(
        schedule(staging, "rel_env_a"),
        Some(true),
        "scheduled in staging only"
    );
    assert_eq!(schedule(base, "rel_env_a"), None);
    let production = view(Some("production"));
    assert_eq!(
        schedule(production, "own"),
        None,
        "env.production.enabled alone"
    );
    assert_eq!(schedule(production, "rel_a"), None);
    assert_eq!(schedule(production, "only"), Some(true));
    let eu = view(Some("eu"));
    assert_eq!(
        schedule(eu, "own"),
        Some(false),
        "env.eu.allow alone keeps the schedule"
    );
    assert_eq!(schedule(eu, "rel_a"), Some(false));
    let mut b = ALLOW_B.to_vec();
    b.sort_unstable();
    assert_eq!(
        eu.get("own").unwrap().allow().collect::<Vec<_>>(),
        b,
        "eu's list"
    );
    for (name, _, instants) in views {
        assert!(instants.len() >= 8, "{name:?}: {instants:?}");
    }
}

/// Three steps of the base values, two of staging's and one of
/// production's (written with an offset).
const S1: &str = "2026-12-07T09:00:00Z";
const S2: &str = "2026-12-09T09:00:00Z";
const S3: &str = "2026-12-11T09:00:00Z";
const E1: &str = "2026-12-08T12:30:00Z";
const E2: &str = "2026-12-10T00:00:00Z";
const E3: &str = "2026-12-12T18:00:00+01:00";

/// A file with schedules on toggles and releases, with rollouts, allow
/// lists and environments: `staging` with schedules of its own
/// (`env.staging.schedule`, with and without a start state), `production`
/// setting only `enabled` on some tables (no schedule there) and a
/// schedule on another, `eu` setting only `allow` (the base schedules
/// apply, with its list); toggles overriding a scheduled release with a
/// schedule or a fixed rollout of their own; unscheduled toggles beside.
fn scheduled_text(bucketing: &str) -> String {
    let (a, b) = (toml_list(ALLOW_A), toml_list(ALLOW_B));
    format!(
        r#"bucketing = "{bucketing}"
environments = ["staging", "production", "eu"]

[toggles.own]
rollout = 1
allow = {a}
schedule = [
  {{ at = {S1}, rollout = 10 }},
  {{ at = {S2}, rollout = 50 }},
  {{ at = {S3}, enabled = true }},
]
env.staging.rollout = 5
env.staging.schedule = [{{ at = {E1}, rollout = 33.33 }}, {{ at = {E2}, enabled = false }}]
env.production.enabled = true
env.eu.allow = {b}

[toggles.only]
description = "a schedule alone: off before its first step"
owner = "search"
kind = "experiment"
expires = 2027-01-31
schedule = [{{ at = {S1}, enabled = true }}, {{ at = {S2}, rollout = 12.5 }}, {{ at = {S3}, rollout = 0 }}]
env.production.schedule = [{{ at = {E3}, rollout = 99.99 }}]

[toggles.off_allow]
enabled = true
allow = {b}
schedule = [{{ at = {S2}, enabled = false }}, {{ at = {S3}, rollout = 99.99 }}]
env.staging.rollout = 50
env.eu.allow = {a}

[releases.rel]
rollout = 0.01
allow = {a}
schedule = [{{ at = {S1}, rollout = 1 }}, {{ at = {S2}, rollout = 50 }}, {{ at = {S3}, rollout = 100 }}]
env.staging.enabled = true
env.staging.schedule = [{{ at = {E1}, rollout = 12.5 }}, {{ at = {E2}, rollout = 0 }}]
env.production.enabled = false
env.eu.allow = {b}

[toggles.rel_a]
release = "rel"

[toggles.rel_b]
release = "rel"
description = "a second member: the same keys on as rel_a"

[toggles.over_rel]
release = "rel"
rollout = 50
schedule = [{{ at = {S2}, rollout = 1 }}]

[toggles.over_rel_fixed]
release = "rel"
rollout = 33.33

[releases.rel_on_off]
enabled = true
schedule = [{{ at = {S1}, enabled = false }}, {{ at = {S3}, enabled = true }}]

[toggles.rel_on_off_a]
release = "rel_on_off"

[releases.rel_env]
rollout = 12.5
env.staging.schedule = [{{ at = {E2}, rollout = 99.99 }}]

[toggles.rel_env_a]
release = "rel_env"

[toggles.fixed_rollout]
rollout = 12.5
allow = {a}

[toggles.fixed_on]
enabled = true
"#
    )
}

fn parse(text: &str) -> Snapshot {
    Snapshot::parse("toggles.toml", text.as_bytes()).unwrap()
}

/// `tests/flagd/`: the tests fail without it (they were asked for, so
/// they never skip).
fn scripts() -> PathBuf {
    let scripts = PathBuf::from(SCRIPTS);
    assert!(
        scripts.is_dir(),
        "{} is absent, so the flagd cross-check cannot run ({NEEDS})",
        scripts.display()
    );
    scripts
}

/// Exports the generated file under `bucketing` with the real binary, has
/// `evaluate` run an evaluator on it and `keys`, and asserts every decision
/// equal to the library's.
fn cross_check(
    bucketing: &str,
    keys: &[Option<String>],
    evaluate: impl FnOnce(&Path, &Path) -> String,
) {
    let keyed = keys
        .iter()
        .filter(|k| k.as_ref().is_some_and(|k| !k.is_empty()));
    assert!(
        keyed.count() >= 10_000,
        "the issue asks for at least 10 000 keys"
    );
    let text = toggles_text(bucketing);
    let snapshot = Snapshot::parse("toggles.toml", text.as_bytes()).unwrap();
    let (dir, _) = folder_with(&text);
    run_ok(
        dir.path(),
        &["export", "--format", "flagd", "--out", "flags.flagd.json"],
    );
    let flags = dir.path().join("flags.flagd.json");
    let keys_file = dir.path().join("keys.json");
    std::fs::write(&keys_file, serde_json::to_string(keys).unwrap()).unwrap();

    let started = Instant::now();
    let output = evaluate(&flags, &keys_file);
    let elapsed = started.elapsed();
    let output: serde_json::Value = serde_json::from_str(&output).expect("the evaluator's JSON");
    let evaluator = format!("{} {}", output["evaluator"], output["version"]).replace('"', "");
    let decisions = output["decisions"].as_object().expect("decisions");
    assert_eq!(
        output["flagSetMetadata"],
        serde_json::json!({ "bucketing": bucketing }),
        "{evaluator} reads the scheme the export was made for"
    );

    let names: Vec<&str> = snapshot.toggles().map(ToggleInfo::name).collect();
    let mut evaluated: Vec<&str> = decisions.keys().map(String::as_str).collect();
    evaluated.sort_unstable();
    assert_eq!(evaluated, names, "{evaluator}: one flag per toggle");
    assert_metadata(&evaluator, &snapshot, &output["metadata"], "");
    assert!(
        snapshot.toggles().any(|t| t.owner().is_some()
            && t.expires().is_some()
            && t.kind() != toggles::Kind::Release),
        "the file has lifecycle fields to carry"
    );

    let mut compared = 0usize;
    let mut as_integers = 0usize;
    let mut wrong = Vec::new();
    let mut one_answer = Vec::new();
    for toggle in snapshot.toggles() {
        let answers = decisions[toggle.name()]
            .as_str()
            .expect("a string of 0 and 1");
        assert_eq!(answers.len(), keys.len(), "{evaluator}: {}", toggle.name());
        let mut seen = [false; 2];
        for (key, answer) in keys.iter().zip(answers.bytes()) {
            let theirs = answer == b'1';
            let ours = match key {
                Some(key) => toggle.is_enabled_for(key),
                None => toggle.is_enabled(),
            };
            seen[usize::from(ours)] = true;
            compared += 1;
            if theirs != ours {
                wrong.push(format!(
                    "  {} key {key:?}: {evaluator} says {theirs}, toggles says {ours} ({:?})",
                    toggle.name(),
                    toggle.evaluate(key.as_deref()).reason
                ));
            }
            let integers = key
                .as_deref()
                .map_or_else(Vec::new, |key| integer_answers(&snapshot, toggle, key));
            for (as_type, ours) in integers {
                as_integers += 1;
                if theirs != ours {
                    wrong.push(format!(
                        "  {} key {key:?} as {as_type}: {evaluator} says {theirs}, toggles says {ours}",
                        toggle.name(),
                    ));
                }
            }
        }
        if toggle
            .rollout()
            .is_some_and(|r| (1..10_000).contains(&r.basis_points()))
            && seen != [true, true]
        {
            one_answer.push(toggle.name());
        }
    }
    assert!(
        wrong.is_empty(),
        "{bucketing} export: {} of {compared} decisions (and {as_integers} checks of keys as \
         integers) of {evaluator} differ from the library's:\n{}",
        wrong.len(),
        wrong
            .iter()
            .take(12)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        one_answer.is_empty(),
        "the keys are too few: each of these rollouts got one answer for all: {one_answer:?}"
    );
    assert!(
        as_integers >= 10_000,
        "too few integer keys: {as_integers} checks as integers"
    );
    say!(
        "flagd cross-check, {bucketing}: {} flags x {} keys = {compared} decisions of {evaluator} \
         all equal to the library's ({:.1} s), and {as_integers} checks of keys as integers too",
        names.len(),
        keys.len(),
        elapsed.as_secs_f64()
    );
}

/// The library's answers for `key` checked as an integer, if `key` is an
/// integer's decimal text: for every integer type that holds it, by value,
/// by reference and as `NonZero` (a `u64` and an `i64` through
/// `Snapshot::is_enabled_for`, the others through `ToggleInfo`).
// The references are what is checked: keys behind `&`.
#[allow(clippy::needless_borrows_for_generic_args)]
fn integer_answers(
    snapshot: &Snapshot,
    toggle: &ToggleInfo,
    key: &str,
) -> Vec<(&'static str, bool)> {
    let mut answers = Vec::new();
    macro_rules! each {
        ($($ty:ty),*) => {$(
            if let Some(n) = key.parse::<$ty>().ok().filter(|n| n.to_string() == key) {
                answers.push((stringify!($ty), toggle.is_enabled_for(n)));
                answers.push((concat!("&", stringify!($ty)), toggle.is_enabled_for(&n)));
                if let Some(n) = NonZero::new(n) {
                    answers.push((concat!("NonZero<", stringify!($ty), ">"), toggle.is_enabled_for(n)));
                }
            }
        )*};
    }
    each!(u8, u16, u32, u128, usize, i8, i16, i32, i128, isize);
    if let Some(n) = key.parse::<u64>().ok().filter(|n| n.to_string() == key) {
        answers.push(("u64", snapshot.is_enabled_for(toggle.name(), n)));
        answers.push(("&u64", snapshot.is_enabled_for(toggle.name(), &n)));
    }
    if let Some(n) = key.parse::<i64>().ok().filter(|n| n.to_string() == key) {
        answers.push(("i64", snapshot.is_enabled_for(toggle.name(), n)));
        answers.push(("&i64", snapshot.is_enabled_for(toggle.name(), &n)));
    }
    answers
}

// ---------------------------------------------------------------- the file

fn toml_list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys
        .iter()
        .map(|k| format!("\"{}\"", k.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// A file with every kind of toggle: own and release rollouts at 0, 0.01,
/// 1, 12.5, 33.33, 50, 99.99 and 100 %, with and without allow lists;
/// fixed states with and without them; an allow list alone; toggles that
/// override their release; toggles with no state at all.
fn toggles_text(bucketing: &str) -> String {
    let (a, b) = (toml_list(ALLOW_A), toml_list(ALLOW_B));
    let mut text = format!("bucketing = \"{bucketing}\"\n\n");
    let mut add = |table: String| {
        text.push_str(&table);
        text.push('\n');
    };
    for (name, percent) in SHARES {
        // The lifecycle fields on some toggles: flagd carries them as
        // metadata and decides the same.
        let lifecycle = match name {
            "12_5" => {
                "owner = \"team \\\"search\\\" Ünï ✓\"\nkind = \"experiment\"\nexpires = 2026-12-31\n"
            }
            "50" => "kind = \"ops\"\n",
            "99_99" => "owner = \"payments\"\nkind = \"permission\"\n",
            "1" => "expires = 2030-01-01\ncreated = 2026-01-01\n",
            _ => "",
        };
        add(format!(
            "[toggles.own_{name}]\nrollout = {percent}\n{lifecycle}"
        ));
        // Release rollouts: every second one with an allow list.
        let allow = if matches!(name, "0" | "1" | "33_33" | "99_99" | "100") {
            format!("allow = {a}\n")
        } else {
            String::new()
        };
        // A release's owner and expiry are its own, not its toggles'.
        let release_lifecycle = if name == "50" {
            "owner = \"release team\"\nexpires = 2027-06-30\n"
        } else {
            ""
        };
        add(format!(
            "[releases.r_{name}]\nrollout = {percent}\n{allow}description = \"{percent} % of keys\"\n{release_lifecycle}"
        ));
        add(format!("[toggles.m_{name}]\nrelease = \"r_{name}\"\n"));
    }
    for table in [
        format!("[toggles.own_33_33_allow]\nrollout = 33.33\nallow = {a}\n"),
        format!("[toggles.own_0_01_allow]\nrollout = 0.01\nallow = {b}\n"),
        format!("[toggles.own_0_allow]\nrollout = 0\nallow = {b}\n"),
        format!("[toggles.own_100_allow]\nrollout = 100\nallow = {a}\n"),
        "[toggles.own_on]\nenabled = true\ndescription = \"Ünïcödé \\\"quoted\\\" ✓\"\n".into(),
        "[toggles.own_off]\nenabled = false\n".into(),
        format!("[toggles.own_on_allow]\nenabled = true\nallow = {a}\n"),
        format!("[toggles.own_off_allow]\nenabled = false\nallow = {a}\n"),
        format!("[toggles.own_allow]\nallow = {b}\n"),
        "[toggles.plain]\ndescription = \"no state: off\"\n".into(),
        // A second member of a release rollout: the same keys as the first.
        "[toggles.m_50_b]\nrelease = \"r_50\"\n".into(),
        "[releases.r_on]\nenabled = true\n".into(),
        "[toggles.m_on]\nrelease = \"r_on\"\n".into(),
        format!("[releases.r_off_allow]\nenabled = false\nallow = {b}\n"),
        "[toggles.m_off_allow]\nrelease = \"r_off_allow\"\n".into(),
        "[releases.r_none]\ndescription = \"no state\"\n".into(),
        "[toggles.m_none]\nrelease = \"r_none\"\n".into(),
        // Toggles whose own table wins over their release's.
        "[toggles.over_rollout]\nrelease = \"r_50\"\nrollout = 12.5\n".into(),
        "[toggles.over_off]\nrelease = \"r_on\"\nenabled = false\n".into(),
        format!("[toggles.over_allow]\nrelease = \"r_50\"\nallow = {b}\n"),
        "[toggles.over_on]\nrelease = \"r_0\"\nenabled = true\n".into(),
    ] {
        add(table);
    }
    text
}

// ---------------------------------------------------------------- the keys

/// splitmix64: a fixed sequence, so every run checks the same keys.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick(&mut self, from: &[char]) -> char {
        from[self.below(from.len())]
    }
}

/// 10 000 ASCII keys: every ASCII character alone (control characters and
/// NUL too), keys that look like JSON, numbers or the rule's own words,
/// every allow-listed key and near misses, the toggle and release names,
/// lengths around the library's 160-byte hashing buffer and far beyond,
/// then user ids, UUIDs, e-mails and random text.
fn ascii_keys() -> Vec<String> {
    let mut keys: Vec<String> = (1u8..0x80).map(|b| char::from(b).to_string()).collect();
    keys.extend(
        [
            "a\0b",
            "\0",
            " ",
            "  ",
            "\t\n",
            "\r\n",
            "\\",
            "\"",
            "'",
            "{}",
            "[]",
            "[\"x\"]",
            "null",
            "true",
            "false",
            "0",
            "-0",
            "0.0",
            "1e3",
            "NaN",
            "undefined",
            "on",
            "off",
            "targetingKey",
            "{\"var\":\"targetingKey\"}",
            "$schema",
            "__proto__",
            "constructor",
            "toString",
            "vip",
            "vip-",
            "vip-10",
            "VIP-1",
            " vip-1",
            "vip-1 ",
            "vip 2 ",
            "ada",
            "Ada@example.com",
            "quote",
            "quote\\\"d",
            "r_50",
            "r_5",
            "own_50",
            "m_50",
        ]
        .map(String::from),
    );
    keys.extend(
        ALLOW_A
            .iter()
            .chain(ALLOW_B)
            .filter(|k| k.is_ascii())
            .map(|k| k.to_string()),
    );
    for len in [
        100, 140, 150, 155, 159, 160, 161, 170, 200, 255, 256, 1000, 5000,
    ] {
        keys.push("k".repeat(len));
        keys.push(
            (0..len)
                .map(|i| char::from(b'!' + (i % 94) as u8))
                .collect(),
        );
    }
    let printable: Vec<char> = (0x20u8..0x7f).map(char::from).collect();
    let any: Vec<char> = (0x01u8..0x80).map(char::from).collect();
    let mut random = Random(14);
    let mut seen: HashSet<String> = keys.iter().cloned().collect();
    for i in 0.. {
        if seen.len() >= 10_000 {
            break;
        }
        let key = match i % 6 {
            0 => format!("user-{i}"),
            1 => format!(
                "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                random.next() as u32,
                random.next() as u16,
                random.next() & 0xfff,
                random.next() as u16,
                random.next() & 0xffff_ffff_ffff
            ),
            2 => format!("{:x}@example.com", random.next() % 1_000_000_000),
            3 => (0..1 + random.below(12))
                .map(|_| random.pick(&printable))
                .collect(),
            4 => (0..12 + random.below(200))
                .map(|_| random.pick(&any))
                .collect(),
            _ => (random.next() % 1_000_000_000_000).to_string(),
        };
        if seen.insert(key.clone()) {
            keys.push(key);
        }
    }
    keys
}

/// About 2 500 integers' texts: the limits of every integer type, 0 to
/// 300 and -300 to -1, every power of ten and its neighbours (positive and
/// negative, up to `u128::MAX`), random `u64`s over their whole range and
/// random negative `i64`s.
fn integer_keys() -> Vec<String> {
    let mut keys: Vec<String> = (-300i32..=300).map(|n| n.to_string()).collect();
    macro_rules! limits {
        ($($ty:ty),*) => {$(
            keys.extend([<$ty>::MIN.to_string(), <$ty>::MAX.to_string()]);
            keys.extend([(<$ty>::MAX - 1).to_string(), (<$ty>::MIN + 1).to_string()]);
        )*};
    }
    limits!(
        u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
    );
    let mut power = 1u128;
    while let Some(next) = power.checked_mul(10) {
        for n in [next - 1, next, next + 1] {
            keys.push(n.to_string());
            if let Ok(n) = i128::try_from(n) {
                keys.push((-n).to_string());
            }
        }
        power = next;
    }
    let mut random = Random(4711);
    for _ in 0..1_000 {
        keys.push(random.next().to_string());
        keys.push((-((random.next() >> 1) as i64) - 1).to_string());
    }
    keys
}

/// 1 000 non-ASCII keys: two-, three- and four-byte characters, combining
/// marks, line and paragraph separators, a byte-order mark, the last
/// characters of the planes, an emoji sequence, and mixes with ASCII.
fn non_ascii_keys() -> Vec<String> {
    let pool: Vec<char> = "éüßñÿĀ中文ключ🔑😀ａ\u{a0}\u{2028}\u{2029}\u{85}\u{200b}\u{301}\u{feff}\u{ffff}\u{10ffff}\u{80}ꙮ👨\u{200d}👩"
        .chars()
        .collect();
    let mut keys: Vec<String> = ALLOW_A
        .iter()
        .chain(ALLOW_B)
        .filter(|k| !k.is_ascii())
        .map(|k| k.to_string())
        .collect();
    keys.extend(["ünï-vip ", "ÜNÏ-VIP", "🔑🔑", "e\u{301}", "\u{e9}", "\0é"].map(String::from));
    keys.extend(pool.iter().map(char::to_string));
    keys.push("é".repeat(80)); // 160 bytes
    keys.push("中".repeat(60)); // 180 bytes
    let mut random = Random(3);
    let mut seen: HashSet<String> = keys.iter().cloned().collect();
    for i in 0.. {
        if seen.len() >= 1_000 {
            break;
        }
        let mut key: String = (0..1 + random.below(10))
            .map(|_| random.pick(&pool))
            .collect();
        if i % 2 == 1 {
            key = format!("user-{i}-{key}");
        }
        if seen.insert(key.clone()) {
            keys.push(key);
        }
    }
    keys
}

/// `keys` (without duplicates), then for every rollout strictly between 0
/// and 100 % in `snapshots` (the file, or the file at every instant of its
/// schedules), a key whose bucket is one below the rollout (on) and one
/// whose bucket is the rollout (off), then the empty key and no key.
fn with_edges_and_no_key(keys: Vec<String>, snapshots: &[Snapshot]) -> Vec<Option<String>> {
    // (the table's toggles: a toggle's own table, or its release's, and the
    // bucket wanted)
    let mut wanted: Vec<(&ToggleInfo, u16)> = Vec::new();
    let mut tables = HashSet::new();
    for toggle in snapshots.iter().flat_map(Snapshot::toggles) {
        let Some(rollout) = toggle.rollout() else {
            continue;
        };
        let bp = rollout.basis_points();
        let table = match toggle.source() {
            toggles::Source::Release => format!("release {}", toggle.release().unwrap()),
            _ => format!("toggle {}", toggle.name()),
        };
        if (1..10_000).contains(&bp) && tables.insert((table, bp)) {
            wanted.extend([(toggle, bp - 1), (toggle, bp)]);
        }
    }
    let wanted_at_first = wanted.clone();
    let mut edges = Vec::new();
    for i in 0u32.. {
        if wanted.is_empty() {
            break;
        }
        assert!(i < 20_000_000, "no key found in some bucket: {wanted:?}");
        let key = format!("edge-{i}");
        wanted.retain(
            |&(toggle, target)| match toggle.evaluate(Some(&key)).reason {
                Reason::Bucket { bucket, .. } if bucket == target => {
                    edges.push(key.clone());
                    false
                }
                _ => true,
            },
        );
    }
    // The same edges for integer keys: checked as `i64`s, spread over the
    // whole range, both signs.
    let mut wanted = wanted_at_first;
    for i in 0u64.. {
        if wanted.is_empty() {
            break;
        }
        assert!(
            i < 20_000_000,
            "no integer found in some bucket: {wanted:?}"
        );
        let n = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) as i64;
        wanted.retain(|&(toggle, target)| match toggle.evaluate(Some(n)).reason {
            Reason::Bucket { bucket, .. } if bucket == target => {
                edges.push(n.to_string());
                false
            }
            _ => true,
        });
    }
    let mut seen = HashSet::new();
    let mut all: Vec<Option<String>> = keys
        .into_iter()
        .chain(edges)
        .filter(|k| seen.insert(k.clone()))
        .map(Some)
        .collect();
    all.extend([Some(String::new()), None]);
    all
}

// ---------------------------------------------------------------- the evaluators

const NODE_HELP: &str = "the flagd cross-check needs Node.js (18 or newer) and npm on PATH, and \
    the npm registry: install them (Debian/Ubuntu: `apt-get install nodejs npm`); see the \
    README's \"Try it\" section";
const PYTHON_HELP: &str = "the flagd cross-check needs Python 3 (3.9 or newer) with venv and pip \
    on PATH as `python3`, and PyPI: install them (Debian/Ubuntu: `apt-get install python3 \
    python3-venv`); see the README's \"Try it\" section";

const REFUSED_HELP: &str = "the evaluator refused the export, or logged a problem while \
    evaluating it: the JSON that src/bin/toggles/export.rs writes must change";

/// Runs `node eval.mjs`: the evaluation of `keys`, or with `None` the
/// strict schema validation alone.
fn evaluate_with_node(scripts: &Path, npm: &Path, flags: &Path, keys: Option<&Path>) -> String {
    let mut command = Command::new("node");
    command
        .arg(scripts.join("eval.mjs"))
        .env("FLAGD_JS_DIR", npm);
    match keys {
        Some(keys) => command.arg(flags).arg(keys),
        None => command.arg("--validate-only").arg(flags),
    };
    run_tool_or(
        command,
        "the npm evaluator (tests/flagd/eval.mjs)",
        NODE_HELP,
        REFUSED_HELP,
    )
}

/// The folder where `npm ci` installed `tests/flagd/package-lock.json`.
fn npm_install(scripts: &Path) -> PathBuf {
    static DONE: OnceLock<PathBuf> = OnceLock::new();
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    DONE.get_or_init(|| {
        let inputs = ["package.json", "package-lock.json"].map(|f| read_bytes(&scripts.join(f)));
        let node = run_tool(version_of("node"), "node --version", NODE_HELP);
        crate::common::cached_install(
            Path::new(CACHE),
            "npm",
            "flagd cross-check: an evaluator",
            &[&inputs[0], &inputs[1], node.as_bytes()],
            |dir| {
                for file in ["package.json", "package-lock.json"] {
                    std::fs::copy(scripts.join(file), dir.join(file)).unwrap();
                }
                let mut npm = Command::new("npm");
                npm.args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
                    .current_dir(dir);
                run_tool(npm, "`npm ci` of tests/flagd/package-lock.json", NODE_HELP);
            },
        )
    })
    .clone()
}

/// The python of a venv where `pip install -r tests/flagd/requirements.txt` ran.
fn pip_install(scripts: &Path) -> PathBuf {
    static DONE: OnceLock<PathBuf> = OnceLock::new();
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let venv = DONE.get_or_init(|| {
        let requirements = read_bytes(&scripts.join("requirements.txt"));
        let python = run_tool(version_of("python3"), "python3 --version", PYTHON_HELP);
        crate::common::cached_install(
            Path::new(CACHE),
            "pip",
            "flagd cross-check: an evaluator",
            &[&requirements, python.as_bytes()],
            |dir| {
                let mut venv = Command::new("python3");
                venv.args(["-m", "venv"]).arg(dir.join("venv"));
                run_tool(venv, "`python3 -m venv`", PYTHON_HELP);
                let mut pip = Command::new(venv_python(dir));
                pip.args(["-m", "pip", "install", "--disable-pip-version-check", "-r"])
                    .arg(scripts.join("requirements.txt"));
                run_tool(
                    pip,
                    "`pip install -r tests/flagd/requirements.txt`",
                    PYTHON_HELP,
                );
            },
        )
    });
    venv_python(venv)
}

fn venv_python(dir: &Path) -> PathBuf {
    if cfg!(windows) {
        dir.join("venv/Scripts/python.exe")
    } else {
        dir.join("venv/bin/python")
    }
}

fn version_of(program: &str) -> Command {
    let mut command = Command::new(program);
    command.arg("--version");
    command
}

fn read_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `command` and returns its stdout. Panics with `what` and `help` if
/// it cannot be started, and with its stderr and `help` if it fails.
fn run_tool(command: Command, what: &str, help: &str) -> String {
    run_tool_or(command, what, help, help)
}

/// [`run_tool`], with another help for a failure once it ran.
fn run_tool_or(mut command: Command, what: &str, missing: &str, help: &str) -> String {
    let output = command.stdin(Stdio::null()).output();
    let output = match output {
        Ok(output) => output,
        Err(e) if e.kind() == io::ErrorKind::NotFound => panic!(
            "{what}: `{}` was not found: {missing}",
            command.get_program().to_string_lossy()
        ),
        Err(e) => panic!("{what}: cannot run {command:?}: {e}; {missing}"),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{what} failed ({}): {command:?}\n{}\n{help}",
        output.status,
        stderr.chars().take(6000).collect::<String>()
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}
