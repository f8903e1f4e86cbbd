//! `toggles list` and `toggles show` on a file with schedules: the state at
//! an instant (`--at TIME`, else now), each table's next step, `show`'s plan
//! per environment, and their `--json`.
//!
//! With `--at`, every instant is fixed, so the outputs are too. Without it,
//! the steps lie far in the past (2001) and far in the future (2999), so the
//! tests hold whatever today is.

use crate::common::{expect, folder_with, run_ok};

/// A toggle with a base schedule, an `env.staging.schedule` of its own, and
/// a production that sets only `enabled` (no schedule there); a release
/// with a schedule that a toggle follows; a toggle without one.
const FILE: &str = r#"environments = ["staging", "production"]

[releases.checkout-v2]
enabled = false
schedule = [
  { at = 2026-12-08T12:00:00Z, enabled = true },
]

[toggles.new_cart]
release = "checkout-v2"

[toggles.new_search]
description = "Search ranked by the new model"
rollout = 1
allow = ["staff-ada"]
schedule = [
  { at = 2026-12-07T09:00:00Z, rollout = 10 },
  { at = 2026-12-09T09:00:00Z, rollout = 50 },
  { at = 2026-12-11T09:00:00Z, enabled = true },
]
env.staging.enabled = false
env.staging.schedule = [
  { at = 2026-12-01T09:00:00Z, enabled = true },
]
env.production.enabled = true

[toggles.dark_mode]
enabled = true
"#;

/// Between new_search's first and second steps, before the release's.
const MONDAY: &str = "2026-12-08T00:00:00Z";

/// The row of `name` in a table printed by `list`.
fn row<'a>(stdout: &'a str, name: &str) -> &'a str {
    stdout
        .lines()
        .find(|line| line.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no row {name} in:\n{stdout}"))
}

/// The text of `line` from the column whose header `header` starts, up to
/// the next run of two spaces (the table's gap).
fn column<'a>(header: &str, line: &'a str, title: &str) -> &'a str {
    let start = header
        .find(title)
        .unwrap_or_else(|| panic!("no column {title} in {header:?}"));
    let rest = &line[start..];
    rest.split("  ").next().unwrap_or(rest)
}

#[test]
fn list_at_an_instant_shows_the_state_then_and_each_next_step() {
    let (dir, _) = folder_with(FILE);
    let at = |instant: &str| run_ok(dir.path(), &["list", "--at", instant]).stdout;

    let monday = at(MONDAY);
    assert!(
        monday.contains("at: 2026-12-08T00:00:00Z (--at)\n"),
        "{monday}"
    );
    let header = row(&monday, "TOGGLE");
    let cell = |name: &str, title: &str| column(header, row(&monday, name), title).to_owned();
    assert_eq!(cell("new_search", "ROLLOUT"), "10% + 1 allowed");
    assert_eq!(
        cell("new_search", "NEXT STEP"),
        "50% at 2026-12-09T09:00:00Z"
    );
    // A toggle that follows its release: the release's schedule decides.
    assert_eq!(cell("new_cart", "STATE"), "OFF");
    assert_eq!(cell("new_cart", "NEXT STEP"), "ON at 2026-12-08T12:00:00Z");
    assert_eq!(cell("dark_mode", "NEXT STEP"), "-");
    // Aligned: every row's FROM cell starts under its header.
    for name in ["dark_mode", "new_cart", "new_search"] {
        assert!(
            ["own", "release"].contains(&cell(name, "FROM").as_str()),
            "{monday}"
        );
    }
    let releases = row(&monday, "RELEASE");
    assert_eq!(
        column(releases, row(&monday, "checkout-v2"), "NEXT STEP"),
        "ON at 2026-12-08T12:00:00Z"
    );

    // Before every step: the tables' own values.
    let before = at("2026-12-01T00:00:00Z");
    let header = row(&before, "TOGGLE");
    assert_eq!(
        column(header, row(&before, "new_search"), "ROLLOUT"),
        "1% + 1 allowed"
    );
    assert_eq!(
        column(header, row(&before, "new_search"), "NEXT STEP"),
        "10% at 2026-12-07T09:00:00Z"
    );

    // At a step's very second, it is in force; after the last, done.
    let after = at("2026-12-11T09:00:00Z");
    let header = row(&after, "TOGGLE");
    assert_eq!(column(header, row(&after, "new_search"), "STATE"), "ON");
    assert_eq!(
        column(header, row(&after, "new_search"), "NEXT STEP"),
        "done"
    );
    assert_eq!(column(header, row(&after, "new_cart"), "STATE"), "ON");
    assert_eq!(column(header, row(&after, "new_cart"), "NEXT STEP"), "done");
}

#[test]
fn list_at_reads_each_environment_at_that_instant() {
    let (dir, _) = folder_with(FILE);
    let staging = run_ok(
        dir.path(),
        &["list", "--env", "staging", "--at", "2026-12-01T09:00:00Z"],
    )
    .stdout;
    let header = row(&staging, "TOGGLE");
    // env.staging.schedule replaces the base one: on from its one step.
    assert_eq!(column(header, row(&staging, "new_search"), "STATE"), "ON");
    assert_eq!(
        column(header, row(&staging, "new_search"), "NEXT STEP"),
        "done"
    );
    let production = run_ok(dir.path(), &["list", "--env", "production", "--at", MONDAY]).stdout;
    let header = row(&production, "TOGGLE");
    // Only `env.production.enabled`: no schedule in production.
    assert_eq!(
        column(header, row(&production, "new_search"), "NEXT STEP"),
        "-"
    );

    let matrix = run_ok(dir.path(), &["list", "--envs", "--at", MONDAY]).stdout;
    let new_search: Vec<&str> = row(&matrix, "new_search")
        .split("  ")
        .filter(|c| !c.is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(
        new_search,
        ["new_search", "10% +1 *", "ON *", "ON", "-"],
        "{matrix}"
    );
    assert!(
        matrix.contains("*: decided by a schedule there"),
        "{matrix}"
    );
}

#[test]
fn list_json_carries_each_schedule_and_the_instant() {
    let (dir, _) = folder_with(FILE);
    let out = run_ok(dir.path(), &["list", "--json", "--at", MONDAY]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    assert_eq!(json["at"], MONDAY);
    assert_eq!(json["at_from"], "--at");
    let toggle = |name: &str| {
        json["toggles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()
            .clone()
    };
    let new_search = toggle("new_search");
    assert_eq!(new_search["rollout"], 10);
    let schedule = &new_search["schedule"];
    assert_eq!(schedule["in_environment"], false);
    assert_eq!(
        schedule["steps"],
        serde_json::json!([
            { "at": "2026-12-07T09:00:00Z", "enabled": null, "rollout": 10, "line": 17 },
            { "at": "2026-12-09T09:00:00Z", "enabled": null, "rollout": 50, "line": 18 },
            { "at": "2026-12-11T09:00:00Z", "enabled": true, "rollout": null, "line": 19 },
        ])
    );
    assert_eq!(schedule["step"]["at"], "2026-12-07T09:00:00Z");
    assert_eq!(schedule["next"]["at"], "2026-12-09T09:00:00Z");
    assert_eq!(schedule["next_in_seconds"], 33 * 3600);
    assert_eq!(schedule["next_in"], "in 1 day 9 h");
    // The release's schedule, on the toggle that follows it and on the release.
    let new_cart = toggle("new_cart");
    assert_eq!(new_cart["source"], "release");
    assert!(new_cart["schedule"]["step"].is_null());
    assert_eq!(new_cart["schedule"]["next"]["enabled"], true);
    assert_eq!(
        json["releases"][0]["schedule"]["next"]["at"],
        "2026-12-08T12:00:00Z"
    );
    assert!(toggle("dark_mode")["schedule"].is_null());

    let matrix = run_ok(dir.path(), &["list", "--envs", "--json", "--at", MONDAY]);
    let matrix: serde_json::Value = serde_json::from_str(&matrix.stdout).expect("valid JSON");
    assert_eq!(matrix["at"], MONDAY);
    let cells = &matrix["toggles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "new_search")
        .unwrap()["cells"];
    assert_eq!(cells[0]["schedule"]["in_environment"], false);
    assert_eq!(cells[1]["schedule"]["in_environment"], true);
    assert!(cells[2]["schedule"].is_null());
}

#[test]
fn show_at_an_instant_prints_the_plan_with_the_step_in_force() {
    let (dir, _) = folder_with(FILE);
    let out = run_ok(dir.path(), &["show", "new_search", "--at", MONDAY]).stdout;
    assert!(
        out.starts_with(
            "new_search: OFF — rolled out on the toggle itself (`rollout = 10`, toggles.toml:17), \
             by the schedule's step of 2026-12-07T09:00:00Z\n"
        ),
        "{out}"
    );
    let plan = "  schedule     3 steps of its own `schedule`, at 2026-12-08T00:00:00Z (--at)\n\
                \x20   before                1%   rollout (toggles.toml:14)\n\
                \x20   2026-12-07T09:00:00Z  10%  toggles.toml:17  ← in force\n\
                \x20   2026-12-09T09:00:00Z  50%  toggles.toml:18\n\
                \x20   2026-12-11T09:00:00Z  ON   toggles.toml:19\n\
                \x20 next step    50% at 2026-12-09T09:00:00Z, in 1 day 9 h\n";
    assert!(out.contains(plan), "{out}");
    // Per environment: the base schedule, staging's own (its last step in
    // force), and production, which has no schedule.
    assert!(
        out.contains(
            "    (base)      10% +1  rollout (toggles.toml:17); next 50% at 2026-12-09T09:00:00Z, in 1 day 9 h\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "    staging     ON      env.staging.enabled (toggles.toml:23); \
             the schedule's last step is in force (since 2026-12-01T09:00:00Z)\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("    production  ON      env.production.enabled (toggles.toml:25)\n"),
        "{out}"
    );

    // Before the first step, the table's own value is in force.
    let early = run_ok(
        dir.path(),
        &["show", "new_search", "--at", "2026-12-07T08:59:59Z"],
    )
    .stdout;
    assert!(
        early.contains("    before                1%   rollout (toggles.toml:14)  ← in force\n"),
        "{early}"
    );
    assert!(
        early.contains("  next step    10% at 2026-12-07T09:00:00Z, in 1 s\n"),
        "{early}"
    );
    // After the last, none is next.
    let late = run_ok(
        dir.path(),
        &["show", "new_search", "--at", "2027-01-01T00:00:00Z"],
    )
    .stdout;
    assert!(
        late.contains("    2026-12-11T09:00:00Z  ON   toggles.toml:19  ← in force\n"),
        "{late}"
    );
    assert!(
        late.contains(
            "  next step    none: the last step is in force since 2026-12-11T09:00:00Z\n"
        ),
        "{late}"
    );
}

#[test]
fn show_in_an_environment_prints_that_environments_plan() {
    let (dir, _) = folder_with(FILE);
    let staging = run_ok(
        dir.path(),
        &[
            "show",
            "new_search",
            "--env",
            "staging",
            "--at",
            "2026-11-30T09:00:00Z",
        ],
    )
    .stdout;
    assert!(
        staging.contains(
            "  schedule     1 step of its own `env.staging.schedule`, at 2026-11-30T09:00:00Z (--at)\n\
             \x20   before                OFF  env.staging.enabled (toggles.toml:21)  ← in force\n\
             \x20   2026-12-01T09:00:00Z  ON   toggles.toml:23\n\
             \x20 next step    ON at 2026-12-01T09:00:00Z, in 1 day\n"
        ),
        "{staging}"
    );
    // Production sets only `enabled`: no schedule there, no plan.
    let production = run_ok(
        dir.path(),
        &["show", "new_search", "--env", "production", "--at", MONDAY],
    )
    .stdout;
    assert!(!production.contains("  schedule "), "{production}");
    assert!(!production.contains("  next step "), "{production}");

    // A toggle that follows its release shows the release's plan.
    let new_cart = run_ok(dir.path(), &["show", "new_cart", "--at", MONDAY]).stdout;
    assert!(
        new_cart.contains(
            "  schedule     1 step of release checkout-v2's `schedule`, at 2026-12-08T00:00:00Z (--at)\n\
             \x20   before                OFF  enabled (toggles.toml:4)  ← in force\n\
             \x20   2026-12-08T12:00:00Z  ON   toggles.toml:6\n\
             \x20 next step    ON at 2026-12-08T12:00:00Z, in 12 h\n"
        ),
        "{new_cart}"
    );
}

#[test]
fn show_json_gives_the_plan_per_environment() {
    let (dir, _) = folder_with(FILE);
    let out = run_ok(
        dir.path(),
        &["show", "new_search", "--json", "--at", MONDAY],
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    assert_eq!(json["at"], MONDAY);
    assert_eq!(json["at_from"], "--at");
    assert_eq!(
        json["before_schedule"],
        serde_json::json!({ "enabled": false, "rollout": 1, "field": "rollout", "line": 14 })
    );
    let schedule = &json["toggle"]["schedule"];
    assert_eq!(schedule["step"]["rollout"], 10);
    assert_eq!(schedule["next"]["rollout"], 50);
    assert_eq!(schedule["next_in"], "in 1 day 9 h");
    let environments = json["environments"].as_array().unwrap();
    assert_eq!(environments[0]["schedule"]["next"]["rollout"], 50);
    assert_eq!(environments[1]["environment"], "staging");
    assert_eq!(environments[1]["schedule"]["in_environment"], true);
    assert_eq!(environments[1]["schedule"]["step"]["line"], 23);
    assert!(environments[1]["schedule"]["next"].is_null());
    assert_eq!(environments[2]["environment"], "production");
    assert!(environments[2]["schedule"].is_null());

    let plain = run_ok(dir.path(), &["show", "dark_mode", "--json", "--at", MONDAY]);
    let plain: serde_json::Value = serde_json::from_str(&plain.stdout).expect("valid JSON");
    assert!(plain["toggle"]["schedule"].is_null());
    assert!(plain["before_schedule"].is_null());
}

/// Steps far in the past and far in the future: without `--at`, now lies
/// between them whatever the date.
const FAR: &str = r#"[toggles.slow]
enabled = false
schedule = [
  { at = 2001-01-01T00:00:00Z, rollout = 5 },
  { at = 2999-01-01T00:00:00Z, enabled = true },
]
"#;

#[test]
fn without_at_the_file_is_read_now() {
    let (dir, _) = folder_with(FAR);
    let list = run_ok(dir.path(), &["list"]).stdout;
    let header = row(&list, "TOGGLE");
    assert_eq!(column(header, row(&list, "slow"), "ROLLOUT"), "5%");
    assert_eq!(
        column(header, row(&list, "slow"), "NEXT STEP"),
        "ON at 2999-01-01T00:00:00Z"
    );
    // No `at:` line without --at.
    assert!(!list.contains("at: "), "{list}");

    let show = run_ok(dir.path(), &["show", "slow"]).stdout;
    assert!(
        show.contains("    2001-01-01T00:00:00Z  5%   toggles.toml:4  ← in force\n"),
        "{show}"
    );
    assert!(show.contains(", at now ("), "{show}");
    let next = show
        .lines()
        .find(|l| l.starts_with("  next step    "))
        .unwrap_or_else(|| panic!("{show}"));
    assert!(
        next.starts_with("  next step    ON at 2999-01-01T00:00:00Z, in "),
        "{next}"
    );
    assert!(next.contains(" days"), "{next}");

    let json = run_ok(dir.path(), &["list", "--json"]).stdout;
    let json: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert!(json["at_from"].is_null());
    let now = toggles::Timestamp::now().unix_seconds();
    let at: toggles::Timestamp = json["at"].as_str().unwrap().parse().unwrap();
    assert!((now - at.unix_seconds()).abs() < 60, "{json}");
}

#[test]
fn at_takes_an_instant_with_an_offset_and_refuses_one_without() {
    let (dir, _) = folder_with(FAR);
    // 2001-01-01T01:00+01:00 is the first step's very second.
    let on_time = run_ok(dir.path(), &["list", "--at", "2001-01-01T01:00+01:00"]).stdout;
    assert!(
        on_time.contains("at: 2001-01-01T00:00:00Z (--at)\n"),
        "{on_time}"
    );
    let header = row(&on_time, "TOGGLE");
    assert_eq!(column(header, row(&on_time, "slow"), "ROLLOUT"), "5%");
    let early = run_ok(dir.path(), &["list", "--at", "2000-12-31T23:59:59Z"]).stdout;
    let header = row(&early, "TOGGLE");
    assert_eq!(column(header, row(&early, "slow"), "STATE"), "OFF");
    assert_eq!(
        column(header, row(&early, "slow"), "NEXT STEP"),
        "5% at 2001-01-01T00:00:00Z"
    );

    for bad in [
        "2026-12-09T09:00:00",
        "2026-12-09",
        "2026-12-09T09:00:00.5Z",
    ] {
        for command in ["list", "show"] {
            let mut args = vec![command];
            if command == "show" {
                args.push("slow");
            }
            args.extend(["--at", bad]);
            let out = expect(dir.path(), &args, 2);
            assert!(out.stderr.contains("is not an instant"), "{}", out.stderr);
        }
    }
}
