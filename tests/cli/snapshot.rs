//! Whole-output snapshots of representative commands, as cargo's own tests
//! check its output (`snapbox`): a change to any line of what a command
//! prints shows up here, where the other modules check the lines they are
//! about.
//!
//! Stable by construction: the fixtures have no `created` dates (no age
//! depends on today), a file with schedules is read at a fixed instant
//! (`--at`: no step in force or time left depends on now), every command runs in its temporary folder on the
//! relative `toggles.toml` (no temporary path in the output), and colour is
//! off (`--color never`). `SNAPSHOTS=overwrite cargo test --all-features
//! --test cli snapshot::` rewrites the `str![[…]]` blocks after an intended
//! change; review the diff.

use std::fs;
use std::path::Path;

use snapbox::cmd::Command;
use snapbox::{assert_data_eq, str};

use crate::common::{command, folder_with, read};
use crate::diff::Repo;

/// A release with a member that has its own state, a rollout with an
/// allow list, environments with values of their own, and no dates.
const FILE: &str = r#"# The shop's toggles.
environments = ["staging", "production"]

[releases.checkout-v2]
description = "New checkout flow"
enabled = false
env.staging.enabled = true

[toggles.new_cart]
description = "Cart drawer"
release = "checkout-v2"

[toggles.one_click_pay]
release = "checkout-v2"
enabled = false

[toggles.new_search]
description = "Search ranked by the new model"
rollout = 10
allow = ["staff-ada", "staff-bob"]
env.staging.rollout = 50

[toggles.dark_mode]
enabled = true # for everyone
env.production.enabled = false
"#;

/// The binary in `dir` (the clean environment of `common::command`), colour
/// off.
fn toggles(dir: &Path, args: &[&str]) -> Command {
    Command::from_std(command(dir, args)).arg("--color=never")
}

#[test]
fn list() {
    let (dir, _) = folder_with(FILE);
    toggles(dir.path(), &["list"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
environment: base values (no --env, no TOGGLES_ENV); declared: staging, production

TOGGLE         STATE  ROLLOUT          FROM     RELEASE      CREATED  AGE  DESCRIPTION
dark_mode      ON     -                own      -            -        -
new_cart       OFF    -                release  checkout-v2  -        -    Cart drawer
new_search     OFF    10% + 2 allowed  own      -            -        -    Search ranked by the new model
one_click_pay  OFF    -                own      checkout-v2  -        -

RELEASE      STATE  TOGGLES         DESCRIPTION
checkout-v2  OFF    0 of 2 enabled  New checkout flow

"#]])
        .stderr_eq(str![[""]]);
}

#[test]
fn list_envs() {
    let (dir, _) = folder_with(FILE);
    toggles(dir.path(), &["list", "--envs"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
TOGGLE         (base)  staging  production  RELEASE
dark_mode      ON      ON       OFF         -
new_cart       OFF     ON       OFF         checkout-v2
new_search     10% +2  50% +2   10% +2      -
one_click_pay  OFF     OFF      OFF         checkout-v2

RELEASE      (base)  staging  production
checkout-v2  OFF     ON       OFF

"#]])
        .stderr_eq(str![[""]]);
}

#[test]
fn show() {
    let (dir, _) = folder_with(FILE);
    toggles(dir.path(), &["show", "new_search"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
new_search: OFF — rolled out on the toggle itself (`rollout = 10`, toggles.toml:19)
  description  Search ranked by the new model
  rollout      10% of keys, bucketed by flagd-v3 (toggles.toml:19)
  allow        staff-ada, staff-bob — 2 keys always on (toggles.toml:20)
  no key       OFF: a rollout is on without a key only at 100%
  a key        `toggles show new_search --key KEY` says what one key gets
  environments (in promotion order)
    (base)      10% +2  rollout (toggles.toml:19)
    staging     50% +2  env.staging.rollout (toggles.toml:21)
    production  10% +2  rollout (toggles.toml:19)
  created      unknown (no `created` field)
  defined at   toggles.toml:17
  change it    `toggles rollout new_search PERCENT` (another share of keys), `toggles on|off new_search` (every key)

"#]])
        .stderr_eq(str![[""]]);
}

#[test]
fn show_for_a_key() {
    let (dir, _) = folder_with(FILE);
    toggles(dir.path(), &["show", "new_search", "--key", "staff-ada"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
new_search for key staff-ada: ON — staff-ada is in the `allow` list of the toggle itself (toggles.toml:20)
  description  Search ranked by the new model
  rollout      10% of keys, bucketed by flagd-v3 (toggles.toml:19)
  allow        staff-ada, staff-bob — 2 keys always on (toggles.toml:20)
  no key       OFF: a rollout is on without a key only at 100%
  environments (in promotion order)
    (base)      10% +2  rollout (toggles.toml:19)
    staging     50% +2  env.staging.rollout (toggles.toml:21)
    production  10% +2  rollout (toggles.toml:19)
  created      unknown (no `created` field)
  defined at   toggles.toml:17
  change it    `toggles rollout new_search PERCENT` (another share of keys), `toggles on|off new_search` (every key)

"#]])
        .stderr_eq(str![[""]]);
}

/// `FILE` beside `src/main.rs` holding `main_rs`.
fn tree(main_rs: &str) -> tempfile::TempDir {
    let (dir, _) = folder_with(FILE);
    fs::create_dir(dir.path().join("src")).unwrap();
    fs::write(dir.path().join("src/main.rs"), main_rs).unwrap();
    dir
}

#[test]
fn check_passing() {
    let dir = tree(
        "fn main() {\n    toggles::toggle!(\"new_cart\");\n    toggles::toggle!(\"one_click_pay\");\n    \
         toggles::toggle!(\"new_search\");\n    toggles::toggle!(\"dark_mode\");\n}\n",
    );
    toggles(dir.path(), &["check"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
check ok: 0 errors, 0 warnings — 4 toggles, 1 release in toggles.toml; 1 file (6 lines) scanned in src

"#]])
        .stderr_eq(str![[""]]);
}

#[test]
fn check_failing() {
    let dir = tree(
        "fn main() {\n    toggles::toggle!(\"new_cart\");\n    toggles::toggle!(\"new_serach\");\n}\n",
    );
    toggles(dir.path(), &["check"])
        .assert()
        .code(1)
        .stdout_eq(str![[r#"
error[missing]: src/main.rs:3:22: toggle `new_serach` is used by toggle! but not defined in toggles.toml
  help: add it with `toggles add new_serach` (or run the code once: the library appends it), or fix the name
warning[stale]: toggles.toml:23: toggle `dark_mode` is not used in src (stale)
  help: remove its table and the code behind its dead branch (it is ON), or scan more with --src
warning[stale]: toggles.toml:17: toggle `new_search` is not used in src (stale)
  help: remove its table and the code behind its dead branch (it is OFF), or scan more with --src
warning[stale]: toggles.toml:13: toggle `one_click_pay` is not used in src (stale)
  help: remove its table and the code behind its dead branch (it is OFF), or scan more with --src
check failed: 1 error, 3 warnings — 4 toggles, 1 release in toggles.toml; 1 file (4 lines) scanned in src

"#]])
        .stderr_eq(str![[""]]);
}

#[test]
fn export() {
    let (dir, _) = folder_with(FILE);
    toggles(dir.path(), &["export", "--format", "flagd"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "metadata": {
    "bucketing": "flagd-v3"
  },
  "flags": {
    "dark_mode": {
      "state": "ENABLED",
      "variants": {
        "on": true,
        "off": false
      },
      "defaultVariant": "on",
      "metadata": {
        "kind": "release"
      }
    },
    "new_cart": {
      "state": "ENABLED",
      "variants": {
        "on": true,
        "off": false
      },
      "defaultVariant": "off",
      "metadata": {
        "description": "Cart drawer",
        "release": "checkout-v2",
        "kind": "release"
      }
    },
    "new_search": {
      "state": "ENABLED",
      "variants": {
        "on": true,
        "off": false
      },
      "defaultVariant": "off",
      "targeting": {
        "if": [
          {
            "var": "targetingKey"
          },
          {
            "if": [
              {
                "in": [
                  {
                    "var": "targetingKey"
                  },
                  [
                    "staff-ada",
                    "staff-bob"
                  ]
                ]
              },
              "on",
              {
                "fractional": [
                  [
                    "on",
                    1000
                  ],
                  [
                    "off",
                    9000
                  ]
                ]
              }
            ]
          },
          null
        ]
      },
      "metadata": {
        "description": "Search ranked by the new model",
        "kind": "release"
      }
    },
    "one_click_pay": {
      "state": "ENABLED",
      "variants": {
        "on": true,
        "off": false
      },
      "defaultVariant": "off",
      "metadata": {
        "release": "checkout-v2",
        "kind": "release"
      }
    }
  }
}

"#]])
        .stderr_eq(str![[""]]);
}

#[test]
fn rollout_edit_prints_and_writes() {
    let (dir, path) = folder_with(FILE);
    toggles(dir.path(), &["rollout", "new_search", "25"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
new_search: 10% of keys + 2 allowed → 25% of keys + 2 allowed (set on the toggle itself)
  a check without a key gets OFF: a rollout is on without a key only at 100%
  environments  (base) 25% +2 · staging 50% +2 · production 25% +2
wrote toggles.toml

"#]])
        .stderr_eq(str![[""]]);
    assert_data_eq!(
        read(&path),
        str![[r##"
# The shop's toggles.
environments = ["staging", "production"]

[releases.checkout-v2]
description = "New checkout flow"
enabled = false
env.staging.enabled = true

[toggles.new_cart]
description = "Cart drawer"
release = "checkout-v2"

[toggles.one_click_pay]
release = "checkout-v2"
enabled = false

[toggles.new_search]
description = "Search ranked by the new model"
rollout = 25
allow = ["staff-ada", "staff-bob"]
env.staging.rollout = 50

[toggles.dark_mode]
enabled = true # for everyone
env.production.enabled = false

"##]]
    );
}

#[test]
fn release_rollout_edit_prints_its_toggles() {
    let (dir, _) = folder_with(FILE);
    toggles(dir.path(), &["release", "rollout", "checkout-v2", "30"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
release checkout-v2: OFF → 30% of keys
  1 of 2 toggles follow its rollout of 30%; 0 of 2 enabled for a check without a key
  one_click_pay stays OFF: its own `enabled = false` wins (`toggles follow one_click_pay` lets the release decide)
  a check without a key gets OFF: a rollout is on without a key only at 100%
  environments  (base) 30% · staging ON · production 30%
wrote toggles.toml

"#]])
        .stderr_eq(str![[""]]);
}

#[test]
fn allow_in_an_environment_starts_from_the_base_list() {
    let (dir, _) = folder_with(FILE);
    toggles(
        dir.path(),
        &["allow", "new_search", "zoe", "staff-ada", "--env", "production"],
    )
    .assert()
    .success()
    .stdout_eq(str![[r#"
new_search in production: 10% of keys + 2 allowed → 10% of keys + 3 allowed (set on the toggle itself)
  `env.production.allow` replaces the base list, so it starts as a copy of it: staff-ada, staff-bob
  zoe: allowed
  staff-ada: already allowed
  environments  (base) 10% +2 · staging 50% +2 · production 10% +3
wrote toggles.toml

"#]])
    .stderr_eq(str![[""]]);
}

#[test]
fn off_says_which_keys_stay_on() {
    let (dir, _) = folder_with(FILE);
    toggles(dir.path(), &["off", "new_search", "dark_mode"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
new_search: 10% of keys + 2 allowed → OFF + 2 allowed (set on the toggle itself)
  2 keys stay on through its `allow` list: staff-ada, staff-bob (`toggles disallow new_search KEY…` takes keys out)
  environments  (base) OFF +2 · staging 50% +2 · production OFF +2
dark_mode: ON → OFF (set on the toggle itself)
  environments  (base) OFF · staging OFF · production OFF
wrote toggles.toml

"#]])
        .stderr_eq(str![[""]]);
}

/// The working file changes the release, a rollout and an environment value
/// since the commit.
fn repo_with_a_change() -> Repo {
    let repo = Repo::new();
    repo.commit(FILE, "toggles");
    repo.write(
        &FILE
            .replace(
                "enabled = false\nenv.staging.enabled = true",
                "enabled = true\nenv.staging.enabled = true",
            )
            .replace("rollout = 10\n", "rollout = 20\n")
            .replace("env.production.enabled = false\n", ""),
    );
    repo
}

#[test]
fn diff_text() {
    let repo = repo_with_a_change();
    let run = repo.diff(&["--color=never"], 0);
    assert_data_eq!(
        run.stdout,
        str![[r#"
ENVIRONMENT  TOGGLE      CHANGE     WHY
(base)       new_cart    OFF → ON   release checkout-v2: enabled (toggles.toml:6)
(base)       new_search  10% → 20%  rollout (toggles.toml:19)
production   dark_mode   OFF → ON   enabled (toggles.toml:24)
production   new_cart    OFF → ON   release checkout-v2: enabled (toggles.toml:6)
production   new_search  10% → 20%  rollout (toggles.toml:19)

"#]]
    );
    assert_data_eq!(
        run.stderr,
        str![[r#"
note: comparing with HEAD (the branch has no upstream; `toggles diff REV` names another version)

"#]]
    );
}

#[test]
fn diff_json() {
    let repo = repo_with_a_change();
    let run = repo.diff(&["--json", "--color=never"], 0);
    assert_data_eq!(
        run.stdout,
        str![[r#"
{
  "file": "toggles.toml",
  "path": "toggles.toml",
  "rev": "HEAD",
  "commit": "[..]",
  "at": "[..]",
  "environments": [
    "staging",
    "production"
  ],
  "changes": [
    {
      "environment": null,
      "toggle": "new_cart",
      "kind": "changed",
      "old": {
        "enabled": false,
        "rollout": null,
        "allow": [],
        "source": "release",
        "release": "checkout-v2"
      },
      "new": {
        "enabled": true,
        "rollout": null,
        "allow": [],
        "source": "release",
        "release": "checkout-v2"
      },
      "summary": "OFF → ON",
      "why": "release checkout-v2: enabled (toggles.toml:6)",
      "line": 6,
      "from": null,
      "plan": []
    },
    {
      "environment": null,
      "toggle": "new_search",
      "kind": "changed",
      "old": {
        "enabled": false,
        "rollout": 10,
        "allow": [
          "staff-ada",
          "staff-bob"
        ],
        "source": "own",
        "release": null
      },
      "new": {
        "enabled": false,
        "rollout": 20,
        "allow": [
          "staff-ada",
          "staff-bob"
        ],
        "source": "own",
        "release": null
      },
      "summary": "10% → 20%",
      "why": "rollout (toggles.toml:19)",
      "line": 19,
      "from": null,
      "plan": []
    },
    {
      "environment": "production",
      "toggle": "dark_mode",
      "kind": "changed",
      "old": {
        "enabled": false,
        "rollout": null,
        "allow": [],
        "source": "own",
        "release": null
      },
      "new": {
        "enabled": true,
        "rollout": null,
        "allow": [],
        "source": "own",
        "release": null
      },
      "summary": "OFF → ON",
      "why": "enabled (toggles.toml:24)",
      "line": 24,
      "from": null,
      "plan": []
    },
    {
      "environment": "production",
      "toggle": "new_cart",
      "kind": "changed",
      "old": {
        "enabled": false,
        "rollout": null,
        "allow": [],
        "source": "release",
        "release": "checkout-v2"
      },
      "new": {
        "enabled": true,
        "rollout": null,
        "allow": [],
        "source": "release",
        "release": "checkout-v2"
      },
      "summary": "OFF → ON",
      "why": "release checkout-v2: enabled (toggles.toml:6)",
      "line": 6,
      "from": null,
      "plan": []
    },
    {
      "environment": "production",
      "toggle": "new_search",
      "kind": "changed",
      "old": {
        "enabled": false,
        "rollout": 10,
        "allow": [
          "staff-ada",
          "staff-bob"
        ],
        "source": "own",
        "release": null
      },
      "new": {
        "enabled": false,
        "rollout": 20,
        "allow": [
          "staff-ada",
          "staff-bob"
        ],
        "source": "own",
        "release": null
      },
      "summary": "10% → 20%",
      "why": "rollout (toggles.toml:19)",
      "line": 19,
      "from": null,
      "plan": []
    }
  ],
  "fail_on": [],
  "failed": []
}

"#]]
    );
    assert_data_eq!(
        run.stderr,
        str![[r#"
note: comparing with HEAD (the branch has no upstream; `toggles diff REV` names another version)

"#]]
    );
}

/// A rollout on a schedule, with a staging schedule of its own and a
/// production without one, and a release on a schedule: read at a fixed
/// instant (`--at`), so the step in force and the time left are fixed.
const SCHEDULED: &str = r#"environments = ["staging", "production"]

[releases.checkout-v2]
enabled = false
schedule = [{ at = 2026-12-08T12:00:00Z, enabled = true }]

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
env.staging.schedule = [{ at = 2026-12-01T09:00:00Z, enabled = true }]
env.production.enabled = false

[toggles.dark_mode]
enabled = true
"#;

#[test]
fn list_at_an_instant() {
    let (dir, _) = folder_with(SCHEDULED);
    toggles(dir.path(), &["list", "--at", "2026-12-08T00:00:00Z"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
environment: base values (no --env, no TOGGLES_ENV); declared: staging, production
at: 2026-12-08T00:00:00Z (--at)

TOGGLE      STATE  ROLLOUT          NEXT STEP                    FROM     RELEASE      CREATED  AGE  DESCRIPTION
dark_mode   ON     -                -                            own      -            -        -
new_cart    OFF    -                ON at 2026-12-08T12:00:00Z   release  checkout-v2  -        -
new_search  OFF    10% + 1 allowed  50% at 2026-12-09T09:00:00Z  own      -            -        -    Search ranked by the new model

RELEASE      STATE  NEXT STEP                   TOGGLES         DESCRIPTION
checkout-v2  OFF    ON at 2026-12-08T12:00:00Z  0 of 1 enabled

"#]])
        .stderr_eq(str![[""]]);
}

#[test]
fn show_a_schedule_at_an_instant() {
    let (dir, _) = folder_with(SCHEDULED);
    toggles(
        dir.path(),
        &["show", "new_search", "--at", "2026-12-08T00:00:00Z"],
    )
    .assert()
    .success()
    .stdout_eq(str![[r#"
new_search: OFF — rolled out on the toggle itself (`rollout = 10`, toggles.toml:15), by the schedule's step of 2026-12-07T09:00:00Z
  description  Search ranked by the new model
  rollout      10% of keys, bucketed by flagd-v3 (toggles.toml:15)
  allow        staff-ada — 1 key always on (toggles.toml:13)
  no key       OFF: a rollout is on without a key only at 100%
  a key        `toggles show new_search --key KEY` says what one key gets
  schedule     3 steps of its own `schedule`, at 2026-12-08T00:00:00Z (--at)
    before                1%   rollout (toggles.toml:12)
    2026-12-07T09:00:00Z  10%  toggles.toml:15  ← in force
    2026-12-09T09:00:00Z  50%  toggles.toml:16
    2026-12-11T09:00:00Z  ON   toggles.toml:17
  next step    50% at 2026-12-09T09:00:00Z, in 1 day 9 h
  environments (in promotion order)
    (base)      10% +1  rollout (toggles.toml:15); next 50% at 2026-12-09T09:00:00Z, in 1 day 9 h
    staging     ON      env.staging.enabled (toggles.toml:19); the schedule's last step is in force (since 2026-12-01T09:00:00Z)
    production  OFF +1  env.production.enabled (toggles.toml:20)
  created      unknown (no `created` field)
  defined at   toggles.toml:10
  change it    `toggles rollout|on|off new_search … --at TIME` (a step), `toggles unschedule new_search --at TIME|--all`; without `--at` an edit replaces the plan

"#]])
    .stderr_eq(str![[""]]);
}
