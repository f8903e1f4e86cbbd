//! Scheduled rollouts: the rules of a `schedule`, the state at an instant
//! (pure: `Snapshot::at`, no clock), the `env.E` rule over every
//! combination, and a running store that moves to a step by itself.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use toggles::{Error, Snapshot, Source, Store, Timestamp};

use crate::support::{Fixture, capture_logs, logged, wait_for};

fn at(text: &str) -> SystemTime {
    text.parse::<Timestamp>().unwrap().to_system_time()
}

fn parse(text: &str) -> Snapshot {
    Snapshot::parse("toggles.toml", text.as_bytes()).unwrap()
}

/// `rollout N%`, `on` or `off`: a toggle's state in words, for tables.
fn state(snapshot: &Snapshot, name: &str) -> String {
    let toggle = snapshot.get(name).unwrap();
    match toggle.rollout() {
        Some(rollout) => format!("rollout {rollout}"),
        None if toggle.is_enabled() => "on".to_owned(),
        None => "off".to_owned(),
    }
}

const PLAN: &str = "\
[toggles.new_search]
rollout = 1
allow = [\"staff-ada\"]
schedule = [
  { at = 2026-12-07T09:00:00Z, rollout = 10 },
  { at = 2026-12-09T10:00:00+01:00, rollout = 50 },
  { at = 2026-12-11T09:00:00Z, enabled = true },
]
";

#[test]
fn the_latest_step_at_or_before_an_instant_gives_the_state() {
    let snapshot = parse(PLAN);
    const FIRST: Option<&str> = Some("2026-12-07T09:00:00Z");
    const SECOND: Option<&str> = Some("2026-12-09T09:00:00Z");
    const THIRD: Option<&str> = Some("2026-12-11T09:00:00Z");
    let cases = [
        ("2000-01-01T00:00:00Z", "rollout 1%", None, Some(5), FIRST),
        ("2026-12-07T08:59:59Z", "rollout 1%", None, Some(5), FIRST),
        (
            "2026-12-07T09:00:00Z",
            "rollout 10%",
            Some(5),
            Some(6),
            SECOND,
        ),
        (
            "2026-12-09T08:59:59Z",
            "rollout 10%",
            Some(5),
            Some(6),
            SECOND,
        ),
        // The offset is read: 10:00+01:00 is 09:00Z.
        (
            "2026-12-09T09:00:00Z",
            "rollout 50%",
            Some(6),
            Some(7),
            THIRD,
        ),
        (
            "2026-12-11T08:59:59Z",
            "rollout 50%",
            Some(6),
            Some(7),
            THIRD,
        ),
        ("2026-12-11T09:00:00Z", "on", Some(7), None, None),
        ("2100-01-01T00:00:00Z", "on", Some(7), None, None),
    ];
    for (instant, expected, in_force, next, next_instant) in cases {
        let then = snapshot.at(at(instant));
        assert_eq!(state(&then, "new_search"), expected, "at {instant}");
        let toggle = then.get("new_search").unwrap();
        assert_eq!(toggle.step().map(|s| s.line()), in_force, "at {instant}");
        assert_eq!(toggle.next_step().map(|s| s.line()), next, "at {instant}");
        assert_eq!(toggle.schedule().unwrap().steps().len(), 3);
        // `allow` does not vary by step.
        assert!(toggle.is_enabled_for("staff-ada"), "at {instant}");
        assert_eq!(then.generation(), 0);
        assert_eq!(
            then.next_step().map(|t| t.to_string()).as_deref(),
            next_instant,
            "at {instant}"
        );
    }
    // Where the deciding value is written: the step's line while it is in force.
    let then = snapshot.at(at("2026-12-10T00:00:00Z"));
    let written = then.written("new_search", toggles::Field::Rollout).unwrap();
    assert_eq!(written.line(), 6);
}

#[test]
fn an_instant_inside_a_second_is_that_second() {
    let snapshot = parse(PLAN);
    let step = at("2026-12-07T09:00:00Z");
    let just_before = step - Duration::from_nanos(1);
    let just_after = step + Duration::from_millis(999);
    assert_eq!(state(&snapshot.at(just_before), "new_search"), "rollout 1%");
    assert_eq!(state(&snapshot.at(step), "new_search"), "rollout 10%");
    assert_eq!(state(&snapshot.at(just_after), "new_search"), "rollout 10%");
}

#[test]
fn a_release_schedule_moves_its_toggles_and_their_counts() {
    let text = "\
[releases.checkout]
enabled = false
schedule = [{ at = 2026-12-07T09:00:00Z, enabled = true }]

[toggles.a]
release = \"checkout\"

[toggles.b]
release = \"checkout\"
enabled = false
";
    let snapshot = parse(text);
    let before = snapshot.at(at("2026-12-07T08:59:59Z"));
    let after = snapshot.at(at("2026-12-07T09:00:00Z"));
    assert!(!before.is_enabled("a"));
    assert!(after.is_enabled("a"));
    assert!(!after.is_enabled("b"), "its own `enabled` still decides");
    assert_eq!(before.release("checkout").unwrap().counts(), (0, 2));
    assert_eq!(after.release("checkout").unwrap().counts(), (1, 2));
    let a = after.get("a").unwrap();
    assert_eq!(a.source(), Source::Release);
    assert_eq!(a.schedule().unwrap().steps().len(), 1, "the release's plan");
    assert!(after.get("b").unwrap().schedule().is_none());
    assert!(after.release("checkout").unwrap().step().is_some());
}

#[test]
fn a_table_with_only_a_schedule_is_its_own_off_until_the_first_step() {
    let text = "\
[releases.r]
enabled = true

[toggles.a]
release = \"r\"
schedule = [{ at = 2026-12-07T09:00:00Z, rollout = 100 }]
";
    let snapshot = parse(text);
    let before = snapshot.at(at("2026-12-01T00:00:00Z"));
    assert!(!before.is_enabled("a"));
    assert_eq!(before.get("a").unwrap().source(), Source::Own);
    assert!(snapshot.at(at("2026-12-08T00:00:00Z")).is_enabled("a"));
}

#[test]
fn a_file_without_schedules_is_the_same_at_every_instant() {
    let snapshot = parse("[toggles.a]\nenabled = true\n\n[toggles.b]\nrollout = 5\n");
    assert_eq!(snapshot.resolved_at(), None);
    assert_eq!(snapshot.next_step(), None);
    let then = snapshot.at(at("1990-01-01T00:00:00Z"));
    for name in ["a", "b"] {
        assert!(
            then.get(name)
                .unwrap()
                .decides_like(snapshot.get(name).unwrap())
        );
        assert!(then.get(name).unwrap().schedule().is_none());
    }
}

/// Every rule of a step, each an error with its line, column and help.
#[test]
fn the_rules_of_a_schedule_are_errors_with_line_column_and_help() {
    let cases: &[(&str, usize, usize, &str, &str)] = &[
        (
            "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00, rollout = 10 }]\n",
            2,
            20,
            "`at` of a step of the schedule of toggle `a` has no time zone offset",
            "offset date-time",
        ),
        (
            "[toggles.a]\nschedule = [{ at = 2026-12-07, rollout = 10 }]\n",
            2,
            20,
            "is not a date-time with a time zone offset",
            "offset date-time",
        ),
        (
            "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00.5Z, rollout = 10 }]\n",
            2,
            20,
            "has a fraction of a second",
            "whole seconds",
        ),
        (
            "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00Z, rollout = 10, enabled = true }]\n",
            2,
            13,
            "a step of the schedule of toggle `a` has both `enabled` and `rollout`",
            "exactly one of `enabled` or `rollout`",
        ),
        (
            "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00Z }]\n",
            2,
            13,
            "has neither `enabled` nor `rollout`",
            "exactly one of `enabled` or `rollout`",
        ),
        (
            "[toggles.a]\nschedule = [\n  { at = 2026-12-07T09:00:00Z, rollout = 10 },\n  \
             { at = 2026-12-07T10:00:00+01:00, rollout = 20 },\n]\n",
            4,
            10,
            "a step of the schedule of toggle `a` is at 2026-12-07T09:00:00Z, not after the step before it",
            "in time order",
        ),
        (
            "[toggles.a]\nschedule = [\n  { at = 2026-12-08T09:00:00Z, rollout = 10 },\n  \
             { at = 2026-12-07T09:00:00Z, rollout = 20 },\n]\n",
            4,
            10,
            "not after the step before it (2026-12-08T09:00:00Z)",
            "in time order",
        ),
        (
            "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00Z, rollout = 101 }]\n",
            2,
            52,
            "`rollout` of a step of the schedule of toggle `a` is 101",
            "percent",
        ),
        (
            "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00Z, rolout = 10 }]\n",
            2,
            42,
            "unknown field `rolout`: did you mean `rollout`?",
            "a schedule step has `at`",
        ),
        (
            "[toggles.a]\nschedule = []\n",
            2,
            12,
            "`schedule` of toggle `a` has no steps",
            "add steps",
        ),
        (
            "environments = [\"production\"]\n[releases.r]\n\
             env.production.schedule = [{ at = 2026-12-07T09:00:00Z }]\n",
            3,
            28,
            "a step of the schedule of release `r` in environment `production` has neither",
            "exactly one",
        ),
    ];
    for &(text, line, column, message, help) in cases {
        match Snapshot::parse("toggles.toml", text.as_bytes()) {
            Err(Error::Invalid {
                line: l,
                column: c,
                message: m,
                help: h,
                ..
            }) => {
                assert!(m.contains(message), "{text:?}: {m}");
                assert!(h.contains(help), "{text:?}: {h}");
                assert_eq!((l, c), (line, column), "{text:?}: {m}");
            }
            other => panic!("{text:?} should be refused, got {other:?}"),
        }
    }
}

/// The state slot in environment E over every combination of what the
/// base values and `env.E` set: `env.E.enabled`, `env.E.rollout` or
/// `env.E.schedule` replaces the base slot whole (a schedule with E's own
/// start); `env.E.allow` alone keeps it, schedule and all.
#[test]
fn every_combination_of_base_and_environment_slots() {
    // What each layer sets, as TOML lines (`{p}` is the key prefix), and
    // its state before (t0) and after (t1) the step at T.
    const T: &str = "2026-12-07T09:00:00Z";
    let base: &[(&str, &str, [&str; 2])] = &[
        ("nothing", "", ["off", "off"]),
        ("enabled", "{p}enabled = true\n", ["on", "on"]),
        ("rollout", "{p}rollout = 5\n", ["rollout 5%", "rollout 5%"]),
        (
            "schedule",
            "{p}rollout = 1\n{p}schedule = [{ at = T, rollout = 50 }]\n",
            ["rollout 1%", "rollout 50%"],
        ),
        (
            "schedule only",
            "{p}schedule = [{ at = T, enabled = true }]\n",
            ["off", "on"],
        ),
    ];
    let env: &[(&str, &str, Option<[&str; 2]>)] = &[
        ("nothing", "", None),
        ("allow only", "{p}allow = [\"ada\"]\n", None),
        ("enabled", "{p}enabled = false\n", Some(["off", "off"])),
        (
            "rollout",
            "{p}rollout = 20\n",
            Some(["rollout 20%", "rollout 20%"]),
        ),
        (
            "schedule",
            "{p}rollout = 2\n{p}schedule = [{ at = T, rollout = 30 }]\n",
            Some(["rollout 2%", "rollout 30%"]),
        ),
        (
            "schedule only",
            "{p}schedule = [{ at = T, rollout = 100 }]\n",
            Some(["off", "rollout 100%"]),
        ),
    ];
    let (t0, t1) = (at("2026-12-07T08:59:59Z"), at(T));
    for (base_name, base_lines, base_states) in base {
        for (env_name, env_lines, env_states) in env {
            let text = format!(
                "environments = [\"e\"]\n\n[toggles.a]\n{}{}",
                base_lines.replace("{p}", ""),
                env_lines.replace("{p}", "env.e.")
            )
            .replace("= T", &format!("= {T}"));
            let (base_view, views) = Snapshot::parse_all("toggles.toml", text.as_bytes())
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            let expected = env_states.unwrap_or(*base_states);
            for (i, when) in [t0, t1].into_iter().enumerate() {
                let case = format!("base {base_name}, env {env_name}, t{i}:\n{text}");
                assert_eq!(state(&base_view.at(when), "a"), base_states[i], "{case}");
                assert_eq!(state(&views[0].at(when), "a"), expected[i], "{case}");
                // `parse_in` agrees with `parse_all`.
                let alone = Snapshot::parse_in("toggles.toml", text.as_bytes(), Some("e"))
                    .unwrap()
                    .at(when);
                assert_eq!(state(&alone, "a"), expected[i], "{case}");
            }
            let allowed = views[0].get("a").unwrap().allow().any(|key| key == "ada");
            assert_eq!(allowed, *env_name == "allow only", "{text}");
        }
    }
}

/// A step 1 to 2 s ahead: a running store takes it with no file change,
/// tells subscribers and says in the log that it was scheduled.
#[test]
fn a_running_store_moves_to_a_step_with_no_file_change() {
    capture_logs();
    // At least a whole second ahead, so the store surely opens before it.
    let step = Timestamp::from_unix_seconds(Timestamp::now().unix_seconds() + 2);
    let text = format!(
        "[toggles.scheduled_flip]\nenabled = false\nschedule = [{{ at = {step}, enabled = true }}]\n"
    );
    let fixture = Fixture::new(Some(&text));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    assert!(!store.is_enabled("scheduled_flip"), "before its step");
    assert_eq!(store.snapshot().next_step(), Some(step));
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&heard);
    let _subscription = store.subscribe(move |changes| {
        sink.lock().unwrap().push(changes.to_string());
    });
    wait_for("the step is taken", || store.is_enabled("scheduled_flip"));
    assert!(SystemTime::now() >= step.to_system_time(), "not before it");
    assert_eq!(fixture.read(), text, "the file is not written");
    wait_for("the subscriber hears it", || {
        !heard.lock().unwrap().is_empty()
    });
    assert_eq!(*heard.lock().unwrap(), ["scheduled_flip off→on"]);
    let line = format!("scheduled (step at {step}): scheduled_flip off→on");
    wait_for("the log says it was scheduled", || {
        !logged(&line).is_empty()
    });
    assert_eq!(store.snapshot().next_step(), None);
}

/// A store that does not watch moves to a step when it is asked to reload:
/// the bytes are the same, the instant is not.
#[test]
fn a_reload_of_unchanged_bytes_takes_a_step_that_has_come() {
    let step = Timestamp::from_unix_seconds(Timestamp::now().unix_seconds() + 1);
    let text = format!("[toggles.a]\nrollout = 0\nschedule = [{{ at = {step}, rollout = 100 }}]\n");
    let fixture = Fixture::new(Some(&text));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .watch(false)
        .open()
        .unwrap();
    assert!(!store.is_enabled("a"));
    assert!(!store.reload().unwrap(), "nothing came yet");
    wait_for("the step's instant", || {
        SystemTime::now() >= step.to_system_time()
    });
    let generation = store.snapshot().generation();
    assert!(store.reload().unwrap(), "a new version: the step");
    assert!(store.is_enabled("a"));
    assert!(store.snapshot().generation() > generation);
    assert!(!store.reload().unwrap(), "taken once");
}

/// A bad save keeps the last good version, and its plan goes on: the step
/// is taken though the file on disk does not validate.
#[test]
fn the_last_good_version_keeps_its_plan_through_a_bad_save() {
    let step = Timestamp::from_unix_seconds(Timestamp::now().unix_seconds() + 2);
    let text =
        format!("[toggles.a]\nenabled = false\nschedule = [{{ at = {step}, enabled = true }}]\n");
    let fixture = Fixture::new(Some(&text));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    assert!(!store.is_enabled("a"));
    crate::support::rename_save(&fixture.path, "[toggles.a]\nenabled = maybe\n");
    wait_for("the bad save is seen", || store.last_error().is_some());
    wait_for("the step is taken all the same", || store.is_enabled("a"));
    assert!(store.last_error().is_some(), "the file is still bad");
}

/// Two mistakes in one schedule are two errors, each at its own step's line
/// (found again with the first one's line left out: no step numbers that
/// would shift).
#[test]
fn each_mistake_in_a_schedule_is_reported_at_its_own_step() {
    let text = "[toggles.a]\nschedule = [\n  { at = 2026-12-07T09:00:00Z, rollout = 10 },\n  \
                { at = 2026-12-08T09:00:00, rollout = 20 },\n  \
                { at = 2026-12-09T09:00:00Z },\n]\n";
    match Snapshot::parse("toggles.toml", text.as_bytes()) {
        Err(Error::Several { errors, .. }) => {
            let found: Vec<_> = errors
                .iter()
                .map(|e| match e {
                    Error::Invalid { line, message, .. } => (*line, message.clone()),
                    other => panic!("{other}"),
                })
                .collect();
            assert_eq!(found.len(), 2, "{found:?}");
            assert_eq!(found[0].0, 4);
            assert!(found[0].1.contains("no time zone offset"), "{found:?}");
            assert_eq!(found[1].0, 5);
            assert!(
                found[1].1.contains("neither `enabled` nor `rollout`"),
                "{found:?}"
            );
        }
        other => panic!("two errors expected, got {other:?}"),
    }
}

/// A subscriber that panics on a step stops neither the worker nor the
/// next step.
#[test]
fn a_subscriber_that_panics_on_a_step_does_not_stop_the_next_one() {
    let first = Timestamp::now().unix_seconds() + 2;
    let at = Timestamp::from_unix_seconds;
    let text = format!(
        "[toggles.a]\nrollout = 0\nschedule = [\n  {{ at = {}, rollout = 100 }},\n  \
         {{ at = {}, rollout = 0 }},\n]\n",
        at(first),
        at(first + 1)
    );
    let fixture = Fixture::new(Some(&text));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let _subscription = store.subscribe(|_| panic!("a subscriber's bug"));
    wait_for("the first step", || store.is_enabled("a"));
    wait_for("the second step", || !store.is_enabled("a"));
    assert!(store.last_error().is_none(), "the worker is alive");
}
