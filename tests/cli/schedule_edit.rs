//! Edits of schedules: `--at` on `on`, `off`, `rollout` and their release
//! forms (a step added in time order, or replacing the one at its
//! instant), `unschedule` (a step or all of them), the edits of the state
//! now that replace the whole state slot, and `--env E`, whose first step
//! keeps E's state before it.
//!
//! Every step here is in 2099 (or 2001, for a step in the past), so what is
//! in force does not depend on the day the tests run. What a file decides
//! at an instant is asked of the library (`Snapshot::parse_in(…).at(…)`).

use snapbox::cmd::Command;
use snapbox::{assert_data_eq, str};
use toggles::{Snapshot, Timestamp};

use crate::common::{command, edited, expect, folder_with, read, run_ok};

/// A toggle with a schedule and comments in and around it, one with a
/// plain state and environment values, a release.
const FILE: &str = r#"# The shop's toggles.
environments = ["staging", "production"]

[releases.checkout-v2]
description = "New checkout flow"
enabled = false

[toggles.new_cart]
release = "checkout-v2"

[toggles.new_search]
description = "Search ranked by the new model"
rollout = 1 # staff first
allow = ["staff-ada"]
schedule = [
  # a tenth for a week
  { at = 2099-12-07T09:00:00Z, rollout = 10 }, # monday
  { at = 2099-12-11T09:00:00Z, enabled = true },
]

[toggles.dark_mode]
enabled = true # for everyone
env.staging.rollout = 50
"#;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// The state (`is_enabled`, rollout in basis points) of toggle `name` in
/// `environment` of `text` at `instant`, as the library resolves it.
fn state(text: &str, environment: Option<&str>, name: &str, instant: &str) -> (bool, Option<u16>) {
    let snapshot = Snapshot::parse_in("toggles.toml", text.as_bytes(), environment)
        .unwrap()
        .at(at(instant).to_system_time());
    let toggle = snapshot.get(name).unwrap();
    (
        toggle.is_enabled(),
        toggle.rollout().map(|r| r.basis_points()),
    )
}

/// A release's state in `environment` of `text` at `instant`.
fn release_state(
    text: &str,
    environment: Option<&str>,
    name: &str,
    instant: &str,
) -> (bool, Option<u16>) {
    let snapshot = Snapshot::parse_in("toggles.toml", text.as_bytes(), environment)
        .unwrap()
        .at(at(instant).to_system_time());
    let release = snapshot.release(name).unwrap();
    (
        release.is_enabled(),
        release.rollout().map(|r| r.basis_points()),
    )
}

#[test]
fn a_step_goes_in_time_order_and_one_at_the_same_instant_replaces_it() {
    let (dir, path) = folder_with(FILE);
    // Written in UTC with seconds, whatever the offset it was given in.
    let out = run_ok(
        dir.path(),
        &[
            "rollout",
            "new_search",
            "50",
            "--at",
            "2099-12-09T10:00+01:00",
        ],
    );
    assert!(
        out.stdout.starts_with(
            "new_search: 1% of keys + 1 allowed (set on the toggle itself)\n\
             \x20 step added: from 2099-12-09T09:00:00Z on, 50% of keys (toggles.toml:18)\n\
             \x20 next step: from 2099-12-07T09:00:00Z on, 10% of keys (toggles.toml:17); 3 steps in all\n"
        ),
        "{}",
        out.stdout
    );
    assert_eq!(out.stderr, "");
    let with_step = edited(
        FILE,
        &[(
            "}, # monday\n",
            "}, # monday\n  { at = 2099-12-09T09:00:00Z, rollout = 50 },\n",
        )],
    );
    assert_eq!(read(&path), with_step);
    assert_eq!(
        state(&with_step, None, "new_search", "2099-12-10T00:00Z"),
        (false, Some(5_000))
    );

    // The same instant again: the step is replaced in its place.
    run_ok(
        dir.path(),
        &["off", "new_search", "--at", "2099-12-09T09:00:00Z"],
    );
    assert_eq!(
        read(&path),
        edited(&with_step, &[("rollout = 50 },", "enabled = false },")])
    );
    let out = run_ok(
        dir.path(),
        &["off", "new_search", "--at", "2099-12-09T09:00Z"],
    );
    assert!(
        out.stdout
            .contains("  step at 2099-12-09T09:00:00Z already sets OFF (toggles.toml:18)\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("nothing to change in toggles.toml\n"));

    // Before every step and after the last.
    run_ok(
        dir.path(),
        &["on", "new_search", "--at", "2099-01-01T00:00Z"],
    );
    run_ok(
        dir.path(),
        &["off", "new_search", "--at", "2099-12-31T00:00Z"],
    );
    assert_eq!(
        read(&path),
        edited(
            FILE,
            &[
                (
                    "  # a tenth for a week\n",
                    "  { at = 2099-01-01T00:00:00Z, enabled = true },\n  # a tenth for a week\n",
                ),
                (
                    "}, # monday\n",
                    "}, # monday\n  { at = 2099-12-09T09:00:00Z, enabled = false },\n",
                ),
                (
                    "enabled = true },\n]",
                    "enabled = true },\n  { at = 2099-12-31T00:00:00Z, enabled = false },\n]",
                ),
            ]
        )
    );
}

#[test]
fn a_new_schedule_is_written_one_step_a_line_and_the_state_now_stays() {
    let (dir, path) = folder_with(FILE);
    let out = run_ok(
        dir.path(),
        &["off", "dark_mode", "--at", "2099-06-01T00:00Z"],
    );
    assert!(
        out.stdout.starts_with(
            "dark_mode: ON (set on the toggle itself)\n\
             \x20 step added: from 2099-06-01T00:00:00Z on, OFF (toggles.toml:24)\n\
             \x20 next step: from 2099-06-01T00:00:00Z on, OFF (toggles.toml:24); 1 step in all\n"
        ),
        "{}",
        out.stdout
    );
    // The base `schedule` goes with the base values, before `env.…`.
    let after = edited(
        FILE,
        &[(
            "enabled = true # for everyone\n",
            "enabled = true # for everyone\nschedule = [\n  { at = 2099-06-01T00:00:00Z, enabled = false },\n]\n",
        )],
    );
    assert_eq!(read(&path), after);
    assert_eq!(
        state(&after, None, "dark_mode", "2099-05-31T23:59:59Z"),
        (true, None)
    );
    assert_eq!(
        state(&after, None, "dark_mode", "2099-06-01T00:00Z"),
        (false, None)
    );
    // An environment with a state of its own keeps it; one without follows
    // the base slot, schedule included.
    assert_eq!(
        state(&after, Some("staging"), "dark_mode", "2099-07-01T00:00Z"),
        (false, Some(5_000))
    );
    assert_eq!(
        state(&after, Some("production"), "dark_mode", "2099-07-01T00:00Z"),
        (false, None)
    );
}

#[test]
fn a_step_in_the_past_is_written_with_a_warning_and_takes_effect_at_once() {
    let (dir, path) = folder_with(FILE);
    let out = run_ok(
        dir.path(),
        &["off", "dark_mode", "--at", "2001-01-01T00:00Z"],
    );
    assert_eq!(
        out.stderr,
        "warning: the step at 2001-01-01T00:00:00Z is in the past: it takes effect at once\n"
    );
    assert!(
        out.stdout.starts_with(
            "dark_mode: ON → OFF (set on the toggle itself)\n\
             \x20 step added: from 2001-01-01T00:00:00Z on, OFF (toggles.toml:24)\n\
             \x20 no step to come: the last (2001-01-01T00:00:00Z, OFF) is in force\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        read(&path)
            .contains("schedule = [\n  { at = 2001-01-01T00:00:00Z, enabled = false },\n]\n")
    );
}

/// The trap of `--env E`: `env.E.schedule` replaces the base slot in E and
/// starts from `env.E.enabled`/`env.E.rollout` (absent = off). The first
/// step in E must not change E's state before it.
#[test]
fn a_first_step_in_an_environment_keeps_its_state_before_the_step() {
    let base = "environments = [\"staging\", \"production\"]\n\n\
                [toggles.a]\n  rollout = 5 # a few\n  allow = [\"qa\"]\n\n\
                [toggles.b]\nenabled = false\n\n\
                [toggles.c]\nenabled = true\nenv.production.enabled = false\n";
    let (dir, path) = folder_with(base);
    // E had the base `rollout = 5`: copied as the start.
    let out = run_ok(
        dir.path(),
        &[
            "on",
            "a",
            "--at",
            "2099-06-01T00:00Z",
            "--env",
            "production",
        ],
    );
    assert!(
        out.stdout.contains(
            "  `env.production.rollout = 5` written as the schedule's start: \
             `env.production.schedule` replaces the base state in production, \
             which stays as it was until the first step\n"
        ),
        "{}",
        out.stdout
    );
    let a = edited(
        base,
        &[(
            "  allow = [\"qa\"]\n",
            "  allow = [\"qa\"]\n  env.production.rollout = 5\n  env.production.schedule = [\n    { at = 2099-06-01T00:00:00Z, enabled = true },\n  ]\n",
        )],
    );
    assert_eq!(read(&path), a);
    assert_eq!(
        state(&a, Some("production"), "a", "2099-05-01T00:00Z"),
        (false, Some(500))
    );
    assert_eq!(
        state(&a, Some("production"), "a", "2099-06-01T00:00Z"),
        (true, None)
    );
    assert_eq!(
        state(&a, None, "a", "2099-06-01T00:00Z"),
        (false, Some(500))
    );

    // Off in the base values: absent is off already, nothing is copied.
    run_ok(
        dir.path(),
        &[
            "rollout",
            "b",
            "20",
            "--at",
            "2099-06-01T00:00Z",
            "--env",
            "staging",
        ],
    );
    let b = edited(
        &a,
        &[(
            "[toggles.b]\nenabled = false\n",
            "[toggles.b]\nenabled = false\nenv.staging.schedule = [\n  { at = 2099-06-01T00:00:00Z, rollout = 20 },\n]\n",
        )],
    );
    assert_eq!(read(&path), b);
    assert_eq!(
        state(&b, Some("staging"), "b", "2099-05-01T00:00Z"),
        (false, None)
    );

    // E's own value is the start already: nothing to copy.
    run_ok(
        dir.path(),
        &[
            "on",
            "c",
            "--at",
            "2099-06-01T00:00Z",
            "--env",
            "production",
        ],
    );
    let c = edited(
        &b,
        &[(
            "env.production.enabled = false\n",
            "env.production.enabled = false\nenv.production.schedule = [\n  { at = 2099-06-01T00:00:00Z, enabled = true },\n]\n",
        )],
    );
    assert_eq!(read(&path), c);
    assert_eq!(
        state(&c, Some("production"), "c", "2099-05-01T00:00Z"),
        (false, None)
    );
}

#[test]
fn a_first_step_in_an_environment_that_follows_a_base_schedule_is_refused() {
    let (dir, path) = folder_with(FILE);
    let out = expect(
        dir.path(),
        &[
            "rollout",
            "new_search",
            "50",
            "--at",
            "2099-12-09T09:00Z",
            "--env",
            "production",
        ],
        1,
    );
    assert!(
        out.stderr.contains(
            "error: toggle `new_search` in production has no state of its own there: the base \
             `schedule` (2 steps) applies"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("write production's plan by hand")
            && out
                .stderr
                .contains("copy the base plan into `env.production` first"),
        "{}",
        out.stderr
    );
    assert_eq!(read(&path), FILE);
}

#[test]
fn a_step_on_a_toggle_that_follows_its_release_is_refused() {
    let (dir, path) = folder_with(FILE);
    let out = expect(
        dir.path(),
        &["on", "new_cart", "--at", "2099-01-01T00:00Z"],
        1,
    );
    assert!(
        out.stderr.starts_with(
            "error: toggle `new_cart` follows release checkout-v2 (OFF): a `schedule` of its \
             own would make its own table decide, OFF before its first step\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("toggles release on|off checkout-v2 --at TIME")
    );
    assert_eq!(read(&path), FILE);
    // `--create` makes a table, `--at` a step of an existing one.
    expect(
        dir.path(),
        &["on", "nope", "--create", "--at", "2099-01-01T00:00Z"],
        2,
    );
    expect(dir.path(), &["on", "nope", "--at", "2099-01-01T00:00Z"], 1);
    expect(
        dir.path(),
        &["on", "new_search", "--at", "2099-12-09T09:00"],
        2,
    );
    assert_eq!(read(&path), FILE);
}

/// Without `--at`, `on`, `off`, `rollout` and `follow` set the state now,
/// and the state slot is one value: its schedule goes (else a step in
/// force would hide the edit).
#[test]
fn an_edit_of_the_state_now_replaces_the_whole_slot_schedule_included() {
    let slot = "rollout = 1 # staff first\n\
                allow = [\"staff-ada\"]\n\
                schedule = [\n\
                \x20 # a tenth for a week\n\
                \x20 { at = 2099-12-07T09:00:00Z, rollout = 10 }, # monday\n\
                \x20 { at = 2099-12-11T09:00:00Z, enabled = true },\n\
                ]\n";
    let (dir, path) = folder_with(FILE);
    let out = run_ok(dir.path(), &["on", "new_search"]);
    assert_eq!(
        out.stdout,
        "new_search: 1% of keys + 1 allowed → ON + 1 allowed (set on the toggle itself)\n\
         \x20 schedule of 2 steps removed: the state is one value, set now (add `--at TIME` to add a step instead)\n\
         \x20 environments  (base) ON · staging ON · production ON\n\
         wrote toggles.toml\n"
    );
    assert_eq!(
        read(&path),
        edited(FILE, &[(slot, "enabled = true\nallow = [\"staff-ada\"]\n")])
    );

    for (args, now) in [
        (&["off", "new_search"][..], "enabled = false\n"),
        (
            &["rollout", "new_search", "20"][..],
            "rollout = 20 # staff first\n",
        ),
    ] {
        let (dir, path) = folder_with(FILE);
        let out = run_ok(dir.path(), args);
        assert!(
            out.stdout.contains("  schedule of 2 steps removed"),
            "{}",
            out.stdout
        );
        let expected = format!("{now}allow = [\"staff-ada\"]\n");
        assert_eq!(read(&path), edited(FILE, &[(slot, expected.as_str())]));
    }
    // `follow` drops the schedule with the rest of its own state.
    let (dir, path) = folder_with(FILE);
    let out = run_ok(dir.path(), &["follow", "new_search"]);
    assert!(
        out.stdout.contains("  schedule of 2 steps removed"),
        "{}",
        out.stdout
    );
    assert_eq!(read(&path), edited(FILE, &[(slot, "")]));
}

#[test]
fn an_edit_of_the_state_now_in_an_environment_replaces_its_slot_only() {
    let text = "environments = [\"staging\", \"production\"]\n\n\
                [toggles.a]\nenabled = false\nschedule = [\n  { at = 2099-06-01T00:00:00Z, enabled = true },\n]\n\
                env.staging.rollout = 5\nenv.staging.schedule = [\n  { at = 2099-05-01T00:00:00Z, rollout = 50 },\n]\n";
    let (dir, path) = folder_with(text);
    // E's own schedule goes; the base one stays.
    let out = run_ok(dir.path(), &["rollout", "a", "20", "--env", "staging"]);
    assert!(
        out.stdout
            .contains("  env.staging.schedule of 1 step removed"),
        "{}",
        out.stdout
    );
    let staging = edited(
        text,
        &[(
            "env.staging.rollout = 5\nenv.staging.schedule = [\n  { at = 2099-05-01T00:00:00Z, rollout = 50 },\n]\n",
            "env.staging.rollout = 20\n",
        )],
    );
    assert_eq!(read(&path), staging);

    // Production followed the base schedule: `env.production.enabled = false`
    // replaces it there, though it equals the base `enabled` (without the
    // schedule, it would be dropped as changing nothing).
    let out = run_ok(dir.path(), &["off", "a", "--env", "production"]);
    assert!(
        out.stdout.contains(
            "  the base schedule (1 step) no longer applies in production: its own value \
             replaces the base state there\n"
        ),
        "{}",
        out.stdout
    );
    let production = format!("{staging}env.production.enabled = false\n");
    assert_eq!(read(&path), production);
    assert_eq!(
        state(&production, Some("production"), "a", "2099-07-01T00:00Z"),
        (false, None)
    );
    assert_eq!(
        state(&production, None, "a", "2099-07-01T00:00Z"),
        (true, None)
    );

    // `follow --env E` drops E's schedule with the rest of its values.
    let (dir, path) = folder_with(text);
    let out = run_ok(dir.path(), &["follow", "a", "--env", "staging"]);
    assert!(
        out.stdout
            .contains("dropped its `env.staging` values: its base values apply\n")
            && out
                .stdout
                .contains("  env.staging.schedule of 1 step removed"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(&path),
        edited(
            text,
            &[(
                "env.staging.rollout = 5\nenv.staging.schedule = [\n  { at = 2099-05-01T00:00:00Z, rollout = 50 },\n]\n",
                "",
            )]
        )
    );
}

#[test]
fn unschedule_takes_out_one_step_or_all_and_the_last_takes_the_key() {
    let (dir, path) = folder_with(FILE);
    // An instant without a step: the steps' instants, and nothing written.
    let out = expect(
        dir.path(),
        &["unschedule", "new_search", "--at", "2099-12-08T09:00Z"],
        1,
    );
    assert!(
        out.stderr.starts_with(
            "error: toggle `new_search` has no step at 2099-12-08T09:00:00Z: its steps are at \
             2099-12-07T09:00:00Z, 2099-12-11T09:00:00Z\n"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(read(&path), FILE);
    expect(dir.path(), &["unschedule", "new_search"], 2);
    let out = expect(dir.path(), &["unschedule", "dark_mode", "--all"], 1);
    assert!(
        out.stderr
            .starts_with("error: toggle `dark_mode` has no `schedule`\n"),
        "{}",
        out.stderr
    );

    // The step at that instant, in any offset; the comments of the others stay.
    let out = run_ok(
        dir.path(),
        &["unschedule", "new_search", "--at", "2099-12-07T10:00+01:00"],
    );
    assert!(
        out.stdout.contains(
            "  step removed: from 2099-12-07T09:00:00Z on, 10% of keys\n\
             \x20 next step: from 2099-12-11T09:00:00Z on, ON (toggles.toml:17); 1 step in all\n"
        ),
        "{}",
        out.stdout
    );
    let one = edited(
        FILE,
        &[(
            "  { at = 2099-12-07T09:00:00Z, rollout = 10 }, # monday\n",
            "",
        )],
    );
    assert_eq!(read(&path), one);
    // The last step takes `schedule` with it.
    run_ok(
        dir.path(),
        &["unschedule", "new_search", "--at", "2099-12-11T09:00Z"],
    );
    let none = edited(
        FILE,
        &[(
            "schedule = [\n  # a tenth for a week\n  { at = 2099-12-07T09:00:00Z, rollout = 10 }, # monday\n  { at = 2099-12-11T09:00:00Z, enabled = true },\n]\n",
            "",
        )],
    );
    assert_eq!(read(&path), none);

    // `--all`.
    let (dir, path) = folder_with(FILE);
    let out = run_ok(dir.path(), &["unschedule", "new_search", "--all"]);
    assert!(
        out.stdout.contains("  schedule of 2 steps removed\n"),
        "{}",
        out.stdout
    );
    assert_eq!(read(&path), none);
}

#[test]
fn unschedule_in_an_environment_and_on_a_release() {
    let (dir, path) = folder_with(FILE);
    // Production has no schedule of its own: the base one applies there.
    let out = expect(
        dir.path(),
        &["unschedule", "new_search", "--all", "--env", "production"],
        1,
    );
    assert!(
        out.stderr.contains(
            "its base `schedule` (2099-12-07T09:00:00Z, 2099-12-11T09:00:00Z) applies in \
             production: `toggles unschedule new_search --at TIME|--all` without --env"
        ),
        "{}",
        out.stderr
    );

    // The release forms: a step in `env.staging.schedule`, then out again.
    let out = run_ok(
        dir.path(),
        &[
            "release",
            "rollout",
            "checkout-v2",
            "25",
            "--at",
            "2099-03-01T00:00Z",
            "--env",
            "staging",
        ],
    );
    assert!(
        out.stdout.starts_with(
            "release checkout-v2 in staging: OFF\n\
             \x20 step added: from 2099-03-01T00:00:00Z on, 25% of keys (toggles.toml:8)\n"
        ),
        "{}",
        out.stdout
    );
    let scheduled = edited(
        FILE,
        &[(
            "enabled = false\n\n[toggles.new_cart]",
            "enabled = false\nenv.staging.schedule = [\n  { at = 2099-03-01T00:00:00Z, rollout = 25 },\n]\n\n[toggles.new_cart]",
        )],
    );
    assert_eq!(read(&path), scheduled);
    assert_eq!(
        release_state(
            &scheduled,
            Some("staging"),
            "checkout-v2",
            "2099-03-01T00:00Z"
        ),
        (false, Some(2_500))
    );
    run_ok(
        dir.path(),
        &[
            "release",
            "on",
            "checkout-v2",
            "--at",
            "2099-04-01T00:00Z",
            "--env",
            "staging",
        ],
    );
    let out = run_ok(
        dir.path(),
        &[
            "release",
            "unschedule",
            "checkout-v2",
            "--all",
            "--env",
            "staging",
        ],
    );
    assert!(
        out.stdout
            .contains("  env.staging.schedule of 2 steps removed\n"),
        "{}",
        out.stdout
    );
    assert_eq!(read(&path), FILE);
}

/// The whole report of a step added in an environment, as `snapshot.rs`
/// checks the other commands'.
#[test]
fn the_report_of_a_step_added() {
    let (dir, _) = folder_with(FILE);
    Command::from_std(command(
        dir.path(),
        &["rollout", "dark_mode", "25", "--at", "2099-02-01T00:00Z", "--env", "production"],
    ))
    .arg("--color=never")
    .assert()
    .success()
    .stdout_eq(str![[r#"
dark_mode in production: ON (set on the toggle itself)
  step added: from 2099-02-01T00:00:00Z on, 25% of keys (toggles.toml:26)
  `env.production.enabled = true` written as the schedule's start: `env.production.schedule` replaces the base state in production, which stays as it was until the first step
  next step: from 2099-02-01T00:00:00Z on, 25% of keys (toggles.toml:26); 1 step in all
  environments  (base) ON · staging 50% · production ON
wrote toggles.toml

"#]])
    .stderr_eq(str![[""]]);
    assert_data_eq!(
        read(&dir.path().join("toggles.toml")),
        edited(
            FILE,
            &[(
                "env.staging.rollout = 50\n",
                "env.staging.rollout = 50\nenv.production.enabled = true\nenv.production.schedule = [\n  { at = 2099-02-01T00:00:00Z, rollout = 25 },\n]\n",
            )]
        )
    );
}
