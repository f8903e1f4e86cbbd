//! `toggles diff [REV]`, on real temporary git repositories.
//!
//! Every git command here (the tests' own and the binary's, which inherits
//! the environment) runs without the user's or the system's git config
//! (`GIT_CONFIG_GLOBAL=/dev/null`, `GIT_CONFIG_NOSYSTEM`), with
//! `safe.directory=*` given as command-line config (so a temporary folder
//! owned by another user, as when CI runs as root, is not refused), without
//! any `GIT_DIR`-like variable of a surrounding git (a hook running the
//! tests), and with discovery stopped above the temporary folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{Run, command, edited};

/// A temporary git repository, with `user.name` and `user.email` set in it.
pub(crate) struct Repo {
    _dir: tempfile::TempDir,
    /// Where the repository's work tree is.
    root: PathBuf,
    /// The temporary folder: git looks no further up.
    ceiling: PathBuf,
}

/// The environment of every git run here: see the module docs.
fn isolate(command: &mut Command, ceiling: &Path) {
    isolate_trusting(command, ceiling, true);
}

/// [`isolate`], with `safe.directory=*` or without it.
fn isolate_trusting(command: &mut Command, ceiling: &Path, trust: bool) {
    for variable in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_PREFIX",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
    ] {
        command.env_remove(variable);
    }
    command
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CEILING_DIRECTORIES", ceiling)
        .env("GIT_TERMINAL_PROMPT", "0");
    if trust {
        command
            .env("GIT_CONFIG_COUNT", "1")
            .env("GIT_CONFIG_KEY_0", "safe.directory")
            .env("GIT_CONFIG_VALUE_0", "*");
    } else {
        command.env_remove("GIT_CONFIG_COUNT");
    }
}

impl Repo {
    pub(crate) fn new() -> Repo {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let ceiling = dir.path().to_path_buf();
        let root = ceiling.join("repo");
        std::fs::create_dir(&root).expect("mkdir");
        let repo = Repo {
            _dir: dir,
            root,
            ceiling,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Test"]);
        repo.git(&["config", "user.email", "test@example.com"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    /// Runs git in the repository, and fails the test if it fails.
    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.root, args)
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let mut git = Command::new("git");
        git.args(args).current_dir(dir);
        isolate(&mut git, &self.ceiling);
        let output = git.output().expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Writes `toggles.toml` in the work tree.
    pub(crate) fn write(&self, text: &str) {
        std::fs::write(self.root.join("toggles.toml"), text).expect("write toggles.toml");
    }

    /// Writes `toggles.toml` and commits it.
    pub(crate) fn commit(&self, text: &str, message: &str) {
        self.write(text);
        self.git(&["add", "toggles.toml"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    /// Writes `toggles.toml` and commits it as made at `date` (an RFC 3339
    /// instant, the committer's and the author's).
    pub(crate) fn commit_at(&self, text: &str, message: &str, date: &str) {
        self.write(text);
        self.git(&["add", "toggles.toml"]);
        let mut git = Command::new("git");
        git.args(["commit", "-q", "-m", message])
            .current_dir(&self.root)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date);
        isolate(&mut git, &self.ceiling);
        let output = git.output().expect("git runs");
        assert!(
            output.status.success(),
            "git commit failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The commit `rev` names.
    pub(crate) fn rev_parse(&self, rev: &str) -> String {
        self.git(&["rev-parse", rev]).trim().to_owned()
    }

    /// Where the work tree is.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// `toggles ARGS` in the work tree (git isolated as for `diff`),
    /// expecting exit `code`.
    pub(crate) fn toggles(&self, args: &[&str], code: i32) -> Run {
        let mut toggles = command(&self.root, args);
        isolate(&mut toggles, &self.ceiling);
        toggles.env("TZ", "UTC");
        finish(toggles, args, code)
    }

    /// `toggles diff ARGS` in the work tree, expecting exit `code`.
    pub(crate) fn diff(&self, args: &[&str], code: i32) -> Run {
        self.diff_in(&self.root, args, code)
    }

    fn diff_in(&self, dir: &Path, args: &[&str], code: i32) -> Run {
        self.diff_with(dir, args, &[], code)
    }

    /// [`Repo::diff_in`], with variables set on top of the isolation
    /// (`GIT_DIR`, as a surrounding git exports it).
    fn diff_with(&self, dir: &Path, args: &[&str], env: &[(&str, &Path)], code: i32) -> Run {
        let args: Vec<&str> = ["diff"].iter().chain(args).copied().collect();
        let mut toggles = command(dir, &args);
        isolate(&mut toggles, &self.ceiling);
        for (variable, value) in env {
            toggles.env(variable, value);
        }
        finish(toggles, &args, code)
    }
}

fn finish(mut toggles: Command, args: &[&str], code: i32) -> Run {
    let output = toggles.output().expect("the binary runs");
    let run = Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    };
    assert_eq!(
        run.code, code,
        "toggles {args:?}\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    run
}

/// The change lines of the text output, each with its columns split on
/// runs of two spaces or more: `[environment, toggle, change, why]`.
fn rows(run: &Run) -> Vec<Vec<String>> {
    let mut lines = run.stdout.lines();
    assert!(
        lines.next().is_some_and(|h| h.starts_with("ENVIRONMENT")),
        "{}",
        run.stdout
    );
    lines
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// A file without environments: a release with two members, one of which
/// holds its own state.
const PLAIN: &str = r#"[releases.checkout-v2]
description = "New checkout flow"
enabled = false

[toggles.new_cart]
release = "checkout-v2"

[toggles.one_click_pay]
release = "checkout-v2"

[toggles.legacy_pay]
release = "checkout-v2"
enabled = false

[toggles.search_v2]
rollout = 5
allow = ["staff-ada", "staff-bob"]

[toggles.old_banner]
enabled = true
"#;

#[test]
fn a_release_flip_shows_on_each_toggle_that_follows_it() {
    let repo = Repo::new();
    repo.commit(PLAIN, "v1");
    repo.write(&edited(
        PLAIN,
        &[(
            "enabled = false\n\n[toggles.new_cart]",
            "enabled = true\n\n[toggles.new_cart]",
        )],
    ));
    let run = repo.diff(&[], 0);
    assert_eq!(
        rows(&run),
        [
            row(&[
                "all",
                "new_cart",
                "OFF → ON",
                "release checkout-v2: enabled (toggles.toml:3)"
            ]),
            row(&[
                "all",
                "one_click_pay",
                "OFF → ON",
                "release checkout-v2: enabled (toggles.toml:3)"
            ]),
        ],
        "legacy_pay holds its own state: {}",
        run.stdout
    );
    assert!(run.stderr.contains("comparing with HEAD"), "{}", run.stderr);
}

#[test]
fn nothing_changed_says_so() {
    let repo = Repo::new();
    repo.commit(PLAIN, "v1");
    // Another spelling of the same states: rollout 100 is ON, and an allow
    // list under ON changes nothing.
    repo.write(&edited(
        PLAIN,
        &[(
            "[toggles.old_banner]\nenabled = true",
            "[toggles.old_banner]\nrollout = 100\nallow = [\"x\"]",
        )],
    ));
    let run = repo.diff(&["--fail-on", "production"], 2);
    assert!(
        run.stderr.contains("declares no environments"),
        "{}",
        run.stderr
    );
    let run = repo.diff(&[], 0);
    assert_eq!(run.stdout, "no toggle changes in the file since HEAD\n");
}

#[test]
fn added_removed_rollout_and_allow_changes() {
    let repo = Repo::new();
    repo.commit(PLAIN, "v1");
    let text = edited(
        PLAIN,
        &[
            ("rollout = 5\n", "rollout = 25\n"),
            (
                "allow = [\"staff-ada\", \"staff-bob\"]",
                "allow = [\"staff-ada\", \"staff-cy\", \"staff-di\"]",
            ),
            (
                "[toggles.old_banner]\nenabled = true\n",
                "[toggles.express_pay]\nenabled = false\n",
            ),
        ],
    );
    repo.write(&text);
    let run = repo.diff(&[], 0);
    assert_eq!(
        rows(&run),
        [
            row(&[
                "all",
                "express_pay",
                "added, OFF",
                "enabled (toggles.toml:20)"
            ]),
            row(&["all", "old_banner", "removed, was ON"]),
            row(&[
                "all",
                "search_v2",
                "5% → 25%, +2 allowed (staff-cy, staff-di), -1 allowed (staff-bob)",
                "rollout (toggles.toml:16), allow (toggles.toml:17)"
            ]),
        ],
        "{}",
        run.stdout
    );
}

/// Environments: staging and production, the release on in staging.
const ENVS: &str = r#"environments = ["staging", "production"]

[releases.checkout-v2]
enabled = false
env.staging.enabled = true

[toggles.new_cart]
release = "checkout-v2"

[toggles.search_v2]
rollout = 5
allow = ["staff-ada"]

[toggles.dark_mode]
enabled = false
"#;

#[test]
fn an_environment_value_shows_only_in_its_environment() {
    let repo = Repo::new();
    repo.commit(ENVS, "v1");
    repo.write(&edited(
        ENVS,
        &[
            ("env.staging.enabled = true\n", "env.staging.enabled = true\nenv.production.enabled = true\n"),
            ("rollout = 5\n", "rollout = 5\nenv.staging.rollout = 25\n"),
            ("[toggles.dark_mode]\nenabled = false\n", "[toggles.dark_mode]\nenabled = false\n\n[toggles.dark_mode.env.production]\nenabled = true\n"),
        ],
    ));
    let run = repo.diff(&[], 0);
    assert_eq!(
        rows(&run),
        [
            row(&[
                "staging",
                "search_v2",
                "5% → 25%",
                "env.staging.rollout (toggles.toml:13)"
            ]),
            row(&[
                "production",
                "dark_mode",
                "OFF → ON",
                "env.production.enabled (toggles.toml:20)"
            ]),
            row(&[
                "production",
                "new_cart",
                "OFF → ON",
                "release checkout-v2: env.production.enabled (toggles.toml:6)"
            ]),
        ],
        "{}",
        run.stdout
    );
}

#[test]
fn a_base_change_shows_where_no_environment_value_hides_it() {
    let repo = Repo::new();
    repo.commit(ENVS, "v1");
    // The release on in the base values: staging already had it on.
    repo.write(&edited(
        ENVS,
        &[(
            "enabled = false\nenv.staging",
            "enabled = true\nenv.staging",
        )],
    ));
    let run = repo.diff(&[], 0);
    let why = "release checkout-v2: enabled (toggles.toml:4)";
    assert_eq!(
        rows(&run),
        [
            row(&["(base)", "new_cart", "OFF → ON", why]),
            row(&["production", "new_cart", "OFF → ON", why]),
        ],
        "{}",
        run.stdout
    );
    // Added everywhere alike: one line.
    repo.write(&format!("{ENVS}\n[toggles.express_pay]\nenabled = false\n"));
    let run = repo.diff(&[], 0);
    assert_eq!(
        rows(&run),
        [row(&[
            "all",
            "express_pay",
            "added, OFF",
            "enabled (toggles.toml:18)"
        ])]
    );
}

#[test]
fn fail_on_exits_3_for_a_change_in_that_environment_only() {
    let repo = Repo::new();
    repo.commit(ENVS, "v1");
    // A staging-only change.
    repo.write(&edited(
        ENVS,
        &[("rollout = 5\n", "rollout = 5\nenv.staging.rollout = 25\n")],
    ));
    repo.diff(&["--fail-on", "production"], 0);
    let run = repo.diff(&["--fail-on", "production,staging"], 3);
    assert!(run.stderr.contains("staging (search_v2)"), "{}", run.stderr);
    repo.diff(&["--fail-on", "production", "--fail-on", "staging"], 3);

    // A production change.
    repo.write(&edited(
        ENVS,
        &[(
            "[toggles.dark_mode]\nenabled = false\n",
            "[toggles.dark_mode]\nenabled = false\nenv.production.enabled = true\n",
        )],
    ));
    let run = repo.diff(&["--fail-on", "production"], 3);
    assert!(
        run.stdout.contains("dark_mode"),
        "the changes are printed too"
    );
    assert!(
        run.stderr
            .contains("changes toggles in production (dark_mode) (--fail-on)"),
        "{}",
        run.stderr
    );
    let run = repo.diff(&["--fail-on", "production", "--json"], 3);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["failed"], serde_json::json!(["production"]));

    // Usage errors: an environment neither version declares.
    let run = repo.diff(&["--fail-on", "prod"], 2);
    assert!(run.stderr.contains("`prod`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `production`?"),
        "{}",
        run.stderr
    );
    let run = repo.diff(&["--fail-on", "qa"], 2);
    assert!(
        run.stderr
            .contains("the environments are `staging`, `production`"),
        "{}",
        run.stderr
    );
}

#[test]
fn json_lists_every_environment_separately() {
    let repo = Repo::new();
    repo.commit(ENVS, "v1");
    repo.write(&format!(
        "{}\n[toggles.express_pay]\nenabled = false\n",
        edited(
            ENVS,
            &[(
                "allow = [\"staff-ada\"]",
                "allow = [\"staff-ada\", \"staff-bob\"]"
            )]
        )
    ));
    let run = repo.diff(&["--json"], 0);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["file"], "toggles.toml");
    assert_eq!(json["path"], "toggles.toml");
    assert_eq!(json["rev"], "HEAD");
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(json["commit"], head.trim());
    assert_eq!(
        json["environments"],
        serde_json::json!(["staging", "production"])
    );
    let changes = json["changes"].as_array().expect("changes");
    // Two toggles, three views each: no `all` in JSON.
    assert_eq!(changes.len(), 6, "{changes:#?}");
    let environments: Vec<&Value> = changes.iter().map(|c| &c["environment"]).collect();
    assert_eq!(
        environments,
        [
            &Value::Null,
            &Value::Null,
            &Value::from("staging"),
            &Value::from("staging"),
            &Value::from("production"),
            &Value::from("production"),
        ]
    );
    let added = &changes[0];
    assert_eq!(added["toggle"], "express_pay");
    assert_eq!(added["kind"], "added");
    assert_eq!(added["old"], Value::Null);
    assert_eq!(
        added["new"],
        serde_json::json!({"enabled": false, "rollout": null, "allow": [], "source": "own", "release": null})
    );
    assert_eq!(added["summary"], "added, OFF");
    assert_eq!(added["why"], "enabled (toggles.toml:18)");
    assert_eq!(added["line"], 18);
    let allowed = &changes[5];
    assert_eq!(allowed["toggle"], "search_v2");
    assert_eq!(allowed["kind"], "changed");
    assert_eq!(allowed["old"]["rollout"], 5);
    assert_eq!(allowed["old"]["allow"], serde_json::json!(["staff-ada"]));
    assert_eq!(
        allowed["new"]["allow"],
        serde_json::json!(["staff-ada", "staff-bob"])
    );
    assert_eq!(allowed["summary"], "+1 allowed (staff-bob)");
    assert_eq!(allowed["line"], 12);
    assert_eq!(json["fail_on"], serde_json::json!([]));
    assert_eq!(json["failed"], serde_json::json!([]));
}

#[test]
fn the_default_rev_is_head_without_an_upstream() {
    let repo = Repo::new();
    repo.commit(PLAIN, "v1");
    let v2 = edited(PLAIN, &[("rollout = 5\n", "rollout = 10\n")]);
    repo.commit(&v2, "v2");
    repo.write(&edited(&v2, &[("rollout = 10\n", "rollout = 20\n")]));
    let run = repo.diff(&[], 0);
    assert_eq!(rows(&run)[0][2], "10% → 20%", "{}", run.stdout);
    let run = repo.diff(&["HEAD~1"], 0);
    assert_eq!(rows(&run)[0][2], "5% → 20%", "{}", run.stdout);
    let run = repo.diff(&["no-such-branch"], 1);
    assert!(
        run.stderr.contains("`no-such-branch` is not a commit"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_default_rev_is_the_merge_base_with_the_upstream() {
    let repo = Repo::new();
    let remote = repo.ceiling.join("remote.git");
    repo.git_in(
        &repo.ceiling,
        &["init", "-q", "--bare", "-b", "main", "remote.git"],
    );
    repo.commit(PLAIN, "v1");
    repo.git(&[
        "remote",
        "add",
        "origin",
        remote.to_str().expect("UTF-8 path"),
    ]);
    repo.git(&["push", "-q", "-u", "origin", "main"]);
    // A branch of origin/main, with a commit of its own.
    repo.git(&["checkout", "-q", "-b", "feature", "--track", "origin/main"]);
    repo.commit(
        &edited(PLAIN, &[("rollout = 5\n", "rollout = 10\n")]),
        "feature: 10 %",
    );
    // Meanwhile origin/main moves on: its change is not the branch's.
    repo.git(&["checkout", "-q", "main"]);
    repo.commit(
        &edited(
            PLAIN,
            &[(
                "[toggles.old_banner]\nenabled = true",
                "[toggles.old_banner]\nenabled = false",
            )],
        ),
        "main: old_banner off",
    );
    repo.git(&["push", "-q", "origin", "main"]);
    repo.git(&["checkout", "-q", "feature"]);
    let base = repo.git(&["rev-parse", "main~1"]);
    // Uncommitted, on top of the branch's commit.
    repo.write(&edited(
        PLAIN,
        &[
            ("rollout = 5\n", "rollout = 10\n"),
            (
                "[toggles.legacy_pay]\nrelease = \"checkout-v2\"\nenabled = false",
                "[toggles.legacy_pay]\nrelease = \"checkout-v2\"\nenabled = true",
            ),
        ],
    ));
    let run = repo.diff(&["--json"], 0);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["commit"], base.trim());
    let toggles: Vec<&Value> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| &c["toggle"])
        .collect();
    assert_eq!(
        toggles,
        ["legacy_pay", "search_v2"],
        "not old_banner: {run:?}"
    );
    assert!(
        run.stderr.contains("where HEAD branched from origin/main"),
        "{}",
        run.stderr
    );
    // Against the upstream's tip, main's own change shows (reversed).
    let run = repo.diff(&["origin/main"], 0);
    assert!(
        rows(&run).contains(&row(&[
            "all",
            "old_banner",
            "OFF → ON",
            "enabled (toggles.toml:20)"
        ])),
        "{}",
        run.stdout
    );
}

#[test]
fn a_file_not_in_rev_is_all_added() {
    let repo = Repo::new();
    std::fs::write(repo.root.join("README"), "hello\n").expect("write");
    repo.git(&["add", "README"]);
    repo.git(&["commit", "-q", "-m", "first"]);
    repo.write(ENVS);
    let run = repo.diff(&[], 0);
    assert!(
        run.stderr
            .contains("HEAD:toggles.toml does not exist: every toggle is added"),
        "{}",
        run.stderr
    );
    let rows = rows(&run);
    assert!(
        rows.contains(&row(&[
            "all",
            "dark_mode",
            "added, OFF",
            "enabled (toggles.toml:15)"
        ])),
        "{rows:?}"
    );
    // new_cart follows a release that is on in staging only.
    assert!(
        rows.contains(&row(&[
            "staging",
            "new_cart",
            "added, ON",
            "release checkout-v2: env.staging.enabled (toggles.toml:5)"
        ])),
        "{rows:?}"
    );
    assert!(
        rows.contains(&row(&[
            "production",
            "new_cart",
            "added, OFF",
            "release checkout-v2: enabled (toggles.toml:4)"
        ])),
        "{rows:?}"
    );
}

#[test]
fn a_repository_without_a_commit_is_all_added() {
    let repo = Repo::new();
    repo.write(PLAIN);
    let run = repo.diff(&[], 0);
    assert!(run.stderr.contains("no commit yet"), "{}", run.stderr);
    assert_eq!(rows(&run).len(), 5, "{}", run.stdout);
}

#[test]
fn environments_declared_by_one_version_compare_with_the_others_base_values() {
    let repo = Repo::new();
    repo.commit(PLAIN, "v1");
    repo.write(&format!(
        "environments = [\"staging\", \"production\"]\n\n{}",
        edited(
            PLAIN,
            &[(
                "[toggles.old_banner]\nenabled = true\n",
                "[toggles.old_banner]\nenabled = true\nenv.production.enabled = false\n"
            )]
        )
    ));
    let run = repo.diff(&[], 0);
    assert_eq!(
        rows(&run),
        [row(&[
            "production",
            "old_banner",
            "ON → OFF",
            "env.production.enabled (toggles.toml:23)"
        ])],
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("HEAD:toggles.toml does not declare environment `production`: compared with its base values"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_invalid_version_is_named_with_line_and_column() {
    let repo = Repo::new();
    repo.commit("[toggles.a]\nenabeld = true\n", "broken");
    repo.write("[toggles.a]\nenabled = true\n");
    let run = repo.diff(&[], 1);
    assert!(
        run.stderr
            .contains("error: the version in HEAD is not valid: HEAD:toggles.toml:2:1: unknown field `enabeld`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("toggles diff REV"), "{}", run.stderr);

    repo.commit("[toggles.a]\nenabled = true\n", "fixed");
    repo.write("[toggles.a]\nenabled = true\nrelease = \"nope\"\n");
    let run = repo.diff(&[], 1);
    assert!(
        run.stderr
            .contains("error: the working file is not valid: toggles.toml:3:11:"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_in_a_subfolder_is_found_in_rev_from_anywhere() {
    let repo = Repo::new();
    let config = repo.root.join("config");
    std::fs::create_dir(&config).expect("mkdir");
    std::fs::write(config.join("toggles.toml"), PLAIN).expect("write");
    repo.git(&["add", "config/toggles.toml"]);
    repo.git(&["commit", "-q", "-m", "v1"]);
    std::fs::write(
        config.join("toggles.toml"),
        edited(PLAIN, &[("rollout = 5\n", "rollout = 7\n")]),
    )
    .expect("write");
    let run = repo.diff(&["--file", "config/toggles.toml", "--json"], 0);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["path"], "config/toggles.toml");
    assert_eq!(
        json["changes"][0]["why"],
        "rollout (config/toggles.toml:16)"
    );
    // From inside the folder, and from outside the repository.
    let run = repo.diff_in(&config, &[], 0);
    assert!(run.stdout.contains("5% → 7%"), "{}", run.stdout);
    let outside = repo.ceiling.join("repo/config/toggles.toml");
    let run = repo.diff_in(
        &repo.ceiling,
        &["--file", outside.to_str().expect("UTF-8")],
        0,
    );
    assert!(run.stdout.contains("5% → 7%"), "{}", run.stdout);
}

#[test]
fn outside_a_repository_or_without_git_it_says_what_to_do() {
    let repo = Repo::new();
    // A folder beside the repository, under the ceiling: no repository.
    let elsewhere = repo.ceiling.join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    std::fs::write(elsewhere.join("toggles.toml"), PLAIN).expect("write");
    let run = repo.diff_in(&elsewhere, &[], 1);
    assert!(
        run.stderr
            .contains("error: toggles.toml is not in a git repository"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: "), "{}", run.stderr);

    let args = ["diff"];
    let mut toggles = command(&repo.root, &args);
    isolate(&mut toggles, &repo.ceiling);
    toggles.env("PATH", repo.ceiling.join("no-bin"));
    repo.write(PLAIN);
    let run = finish(toggles, &args, 1);
    assert!(
        run.stderr.contains("git is not installed (or not on PATH)"),
        "{}",
        run.stderr
    );
}

/// The command does not override git's `safe.directory` check: a
/// repository owned by another user is refused, with git's own advice.
/// Only where the test may give the repository away (root, as in CI).
#[cfg(unix)]
#[test]
fn a_repository_of_another_user_is_refused_with_gits_advice() {
    let repo = Repo::new();
    repo.commit(PLAIN, "v1");
    // `nobody`; refused unless the test runs as root.
    if std::os::unix::fs::chown(&repo.root, Some(65534), None).is_err() {
        eprintln!("skipped: cannot give the repository to another user (not root)");
        return;
    }
    let args = ["diff"];
    let mut toggles = command(&repo.root, &args);
    isolate_trusting(&mut toggles, &repo.ceiling, false);
    let run = finish(toggles, &args, 1);
    assert!(
        run.stderr.contains("it belongs to another user"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("git config --global --add safe.directory"),
        "{}",
        run.stderr
    );
}

/// A repository with `config/toggles.toml` (`ENVS`, committed, then a
/// staging-only change) and another `toggles.toml` at its root, which the
/// working file must never be compared with.
fn two_files() -> (Repo, PathBuf) {
    let repo = Repo::new();
    let config = repo.root.join("config");
    std::fs::create_dir(&config).expect("mkdir");
    std::fs::write(config.join("toggles.toml"), ENVS).expect("write");
    repo.commit("[toggles.a]\nenabled = false\n", "v1");
    repo.git(&["add", "config/toggles.toml"]);
    repo.git(&["commit", "-q", "-m", "config"]);
    std::fs::write(
        config.join("toggles.toml"),
        edited(
            ENVS,
            &[("rollout = 5\n", "rollout = 5\nenv.staging.rollout = 25\n")],
        ),
    )
    .expect("write");
    (repo, config)
}

/// Asserts that `run` compared `config/toggles.toml` with its own version
/// (compared with the root's file, every toggle would be added).
fn compared_config(run: &Run) {
    let rows = rows(run);
    assert_eq!(rows.len(), 1, "{run:?}");
    assert_eq!(
        rows[0][..3],
        row(&["staging", "search_v2", "5% → 25%"]),
        "{run:?}"
    );
    assert!(rows[0][3].ends_with("toggles.toml:12)"), "{run:?}");
}

#[test]
fn git_dir_and_work_tree_variables_do_not_change_which_file_is_compared() {
    let (repo, config) = two_files();
    let git_dir = repo.root.join(".git");
    let file = ["--file", "config/toggles.toml", "HEAD"];
    // (a) GIT_DIR, absolute (as git exports it to hooks in a linked
    // worktree) or relative (`.git`, from the root), from the root and
    // from the file's folder.
    let absolute: &[(&str, &Path)] = &[("GIT_DIR", &git_dir)];
    compared_config(&repo.diff_with(&repo.root, &file, absolute, 0));
    compared_config(&repo.diff_with(&config, &["HEAD"], absolute, 0));
    let relative: &[(&str, &Path)] = &[("GIT_DIR", Path::new(".git"))];
    compared_config(&repo.diff_with(&repo.root, &file, relative, 0));
    // (c) GIT_WORK_TREE too, absolute or relative.
    let both: &[(&str, &Path)] = &[("GIT_DIR", &git_dir), ("GIT_WORK_TREE", &repo.root)];
    compared_config(&repo.diff_with(&config, &["HEAD"], both, 0));
    let both: &[(&str, &Path)] = &[("GIT_DIR", &git_dir), ("GIT_WORK_TREE", Path::new("."))];
    compared_config(&repo.diff_with(&repo.root, &file, both, 0));
    let run = repo.diff_with(&repo.root, &[&file[..], &["--json"]].concat(), absolute, 0);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["path"], "config/toggles.toml");
}

/// Where no repository holds the file's folder, the one the variables name
/// is used, with its work tree: a git dir kept apart from the files.
#[test]
fn a_separate_git_dir_named_by_the_variables_is_used() {
    let repo = Repo::new();
    let checkout = repo.ceiling.join("checkout");
    let config = checkout.join("config");
    std::fs::create_dir_all(&config).expect("mkdir");
    let git_dir = repo.ceiling.join("separate.git");
    repo.git_in(&repo.ceiling, &["init", "-q", "--bare", "separate.git"]);
    // git with the variables naming the separate git dir and its work tree.
    let separate = |args: &[&str]| {
        let mut git = Command::new("git");
        git.args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
            .args(args)
            .current_dir(&checkout);
        isolate(&mut git, &repo.ceiling);
        git.env("GIT_DIR", &git_dir).env("GIT_WORK_TREE", &checkout);
        assert!(git.status().expect("git runs").success(), "git {args:?}");
    };
    std::fs::write(checkout.join("toggles.toml"), "[toggles.a]\n").expect("write");
    std::fs::write(config.join("toggles.toml"), ENVS).expect("write");
    separate(&["add", "toggles.toml", "config/toggles.toml"]);
    separate(&["commit", "-q", "-m", "v1"]);
    std::fs::write(
        config.join("toggles.toml"),
        edited(
            ENVS,
            &[("rollout = 5\n", "rollout = 5\nenv.staging.rollout = 25\n")],
        ),
    )
    .expect("write");
    let named: &[(&str, &Path)] = &[("GIT_DIR", &git_dir), ("GIT_WORK_TREE", &checkout)];
    compared_config(&repo.diff_with(&config, &["HEAD"], named, 0));
    let relative: &[(&str, &Path)] = &[
        ("GIT_DIR", Path::new("../separate.git")),
        ("GIT_WORK_TREE", Path::new(".")),
    ];
    compared_config(&repo.diff_with(
        &checkout,
        &["-f", "config/toggles.toml", "HEAD"],
        relative,
        0,
    ));
    // Without them: no repository.
    let run = repo.diff_in(&config, &["HEAD"], 1);
    assert!(
        run.stderr.contains("not in a git repository"),
        "{}",
        run.stderr
    );
}

/// (b) A real pre-commit hook in a linked worktree: git exports an
/// absolute `GIT_DIR` to it, and runs it at the worktree's root.
#[cfg(unix)]
#[test]
fn a_pre_commit_hook_in_a_linked_worktree_compares_the_right_file() {
    use std::os::unix::fs::PermissionsExt;
    let (repo, _) = two_files();
    repo.git(&["checkout", "-q", "--", "config/toggles.toml"]);
    let worktree = repo.ceiling.join("worktree");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "feature",
        worktree.to_str().expect("UTF-8 path"),
    ]);
    let out = repo.ceiling.join("hook.out");
    let hook = repo.root.join(".git/hooks/pre-commit");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nenv | grep '^GIT_DIR=' > '{out}'\n\
             exec '{bin}' diff -f config/toggles.toml --fail-on production HEAD >> '{out}' 2>&1\n",
            out = out.display(),
            bin = env!("CARGO_BIN_EXE_toggles"),
        ),
    )
    .expect("write the hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let commit = |text: &str| {
        std::fs::write(worktree.join("config/toggles.toml"), text).expect("write");
        repo.git_in(&worktree, &["add", "config/toggles.toml"]);
        let mut git = Command::new("git");
        git.args(["commit", "-q", "-m", "change"])
            .current_dir(&worktree);
        isolate(&mut git, &repo.ceiling);
        let status = git.status().expect("git runs");
        (
            status.success(),
            std::fs::read_to_string(&out).expect("the hook ran"),
        )
    };
    // Staging only: the hook passes, and the commit is made.
    let staging = edited(
        ENVS,
        &[("rollout = 5\n", "rollout = 5\nenv.staging.rollout = 25\n")],
    );
    let (committed, output) = commit(&staging);
    assert!(output.starts_with("GIT_DIR=/"), "git exports it: {output}");
    assert!(committed, "{output}");
    assert!(output.contains("5% → 25%"), "{output}");
    // Production: refused, with the right change.
    let production = edited(
        &staging,
        &[(
            "[toggles.dark_mode]\nenabled = false\n",
            "[toggles.dark_mode]\nenabled = false\nenv.production.enabled = true\n",
        )],
    );
    let (committed, output) = commit(&production);
    assert!(!committed, "{output}");
    assert!(
        output.contains("production (dark_mode) (--fail-on)"),
        "{output}"
    );
}

/// A shallow clone (`fetch --depth 1` of an upstream that moved on) lacks
/// the merge base: an error that says to fetch more, never a comparison
/// with HEAD that finds nothing and lets `--fail-on` pass.
#[test]
fn a_shallow_clone_without_the_merge_base_fails_and_says_to_fetch_more() {
    let upstream = Repo::new();
    upstream.commit(ENVS, "v1");
    upstream.commit(&format!("{ENVS}\n[toggles.b]\n"), "v2");
    let clone = upstream.ceiling.join("clone");
    let url = format!("file://{}", upstream.root.display());
    upstream.git_in(
        &upstream.ceiling,
        &["clone", "-q", "--depth", "1", &url, "clone"],
    );
    let repo = Repo {
        _dir: tempfile::tempdir().expect("a temporary folder"),
        root: clone,
        ceiling: upstream.ceiling.clone(),
    };
    repo.git(&["config", "user.name", "Test"]);
    repo.git(&["config", "user.email", "test@example.com"]);
    // A local commit that changes production, and the upstream moves on.
    let production = edited(
        &format!("{ENVS}\n[toggles.b]\n"),
        &[(
            "[toggles.dark_mode]\nenabled = false\n",
            "[toggles.dark_mode]\nenabled = false\nenv.production.enabled = true\n",
        )],
    );
    repo.commit(&production, "local: dark_mode on in production");
    upstream.commit(&format!("{ENVS}\n[toggles.b]\n\n[toggles.c]\n"), "v3");
    repo.git(&["fetch", "-q", "--depth", "1", "origin"]);
    assert_eq!(
        repo.git(&["rev-parse", "--is-shallow-repository"]).trim(),
        "true"
    );

    for args in [&[][..], &["--fail-on", "production"], &["--json"]] {
        let run = repo.diff(args, 1);
        assert!(run.stdout.is_empty(), "{run:?}");
        assert!(
            run.stderr.contains(
                "cannot find where HEAD branched from origin/main: the clone is shallow and lacks the merge base"
            ),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("git fetch --deepen="), "{}", run.stderr);
        assert!(
            run.stderr.contains("git fetch --unshallow"),
            "{}",
            run.stderr
        );
    }
    // Asked for, HEAD is compared with.
    repo.diff(&["HEAD", "--fail-on", "production"], 0);
    // With the history, the merge base is found and the change seen.
    repo.git(&["fetch", "-q", "--unshallow", "origin"]);
    let run = repo.diff(&["--fail-on", "production"], 3);
    assert!(
        run.stderr.contains("production (dark_mode)"),
        "{}",
        run.stderr
    );
}

/// An upstream of another history (not shallow): no merge base either.
#[test]
fn an_upstream_without_shared_history_is_an_error() {
    let repo = Repo::new();
    repo.commit(PLAIN, "v1");
    repo.git(&["checkout", "-q", "--orphan", "other"]);
    repo.commit(PLAIN, "unrelated");
    repo.git(&["branch", "-q", "--set-upstream-to", "main"]);
    let run = repo.diff(&[], 1);
    assert!(
        run.stderr
            .contains("HEAD shares no history with its upstream main: there is no merge base"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`toggles diff main`"), "{}", run.stderr);
}

/// A CI checkout is a detached HEAD, so there is no upstream: with
/// `--fail-on` and no REV, an unchanged file was compared with itself.
#[test]
fn fail_on_without_rev_on_a_detached_head_fails_when_nothing_was_compared() {
    let repo = Repo::new();
    repo.commit(ENVS, "v1");
    repo.commit(
        &edited(
            ENVS,
            &[(
                "[toggles.dark_mode]\nenabled = false\n",
                "[toggles.dark_mode]\nenabled = false\nenv.production.enabled = true\n",
            )],
        ),
        "dark_mode on in production",
    );
    repo.git(&["checkout", "-q", "--detach"]);
    let run = repo.diff(&["--fail-on", "production"], 1);
    assert!(
        run.stderr.contains(
            "HEAD is detached (no branch, so no upstream), so there was nothing to compare with"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("toggles diff origin/main --fail-on"),
        "{}",
        run.stderr
    );
    // Without --fail-on, the comparison says what it was.
    let run = repo.diff(&[], 0);
    assert!(
        run.stderr.contains("comparing with HEAD (HEAD is detached"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stdout,
        "no toggle changes in any environment since HEAD\n"
    );
    // Named, the gate sees the commit's change.
    repo.diff(&["HEAD~1", "--fail-on", "production"], 3);
    // An edit on top of the detached HEAD is something to compare.
    repo.write(&format!("{}\n[toggles.e]\n", repo_text(&repo)));
    repo.diff(&["--fail-on", "production"], 3);
    // On a branch without upstream, HEAD is what was asked for (a hook).
    repo.git(&["checkout", "-q", "-f", "main"]);
    repo.diff(&["--fail-on", "production"], 0);
}

fn repo_text(repo: &Repo) -> String {
    std::fs::read_to_string(repo.root.join("toggles.toml")).expect("read")
}

/// REV holds the toggles file as a symlink, the working file is a regular
/// one: REV's link is followed, relative to its folder, in the repository.
#[cfg(unix)]
#[test]
fn a_symlink_in_rev_is_followed_within_the_repository() {
    use std::os::unix::fs::symlink;
    let repo = Repo::new();
    let shared = repo.root.join("shared");
    let config = repo.root.join("config");
    std::fs::create_dir(&shared).expect("mkdir");
    std::fs::create_dir(&config).expect("mkdir");
    std::fs::write(shared.join("base.toml"), PLAIN).expect("write");
    let link = config.join("toggles.toml");
    symlink("../shared/base.toml", &link).expect("symlink");
    repo.git(&["add", "shared/base.toml", "config/toggles.toml"]);
    repo.git(&["commit", "-q", "-m", "a link"]);
    // The working file becomes a regular one.
    std::fs::remove_file(&link).expect("rm");
    std::fs::write(&link, edited(PLAIN, &[("rollout = 5\n", "rollout = 7\n")])).expect("write");
    let run = repo.diff_in(&config, &[], 0);
    assert_eq!(rows(&run)[0][2], "5% → 7%", "{run:?}");
    assert!(
        run.stderr.contains(
            "note: HEAD:config/toggles.toml is a symlink to `../shared/base.toml`: reading what it points at"
        ),
        "{}",
        run.stderr
    );

    // A link to a link, through a linked folder.
    std::fs::remove_file(&link).expect("rm");
    symlink("shared", repo.root.join("linked")).expect("symlink");
    symlink("../linked/base.toml", &link).expect("symlink");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "links"]);
    std::fs::remove_file(&link).expect("rm");
    std::fs::write(&link, edited(PLAIN, &[("rollout = 5\n", "rollout = 9\n")])).expect("write");
    let run = repo.diff_in(&config, &[], 0);
    assert_eq!(rows(&run)[0][2], "5% → 9%", "{run:?}");

    // Links out of the repository, and a loop, are refused.
    for (target, says) in [
        ("../../outside.toml", "outside the repository"),
        ("/etc/hosts", "outside the repository"),
        ("toggles.toml", "a chain of more than 40 symlinks"),
    ] {
        std::fs::remove_file(&link).expect("rm");
        symlink(target, &link).expect("symlink");
        repo.git(&["add", "config/toggles.toml"]);
        repo.git(&["commit", "-q", "-m", target]);
        std::fs::remove_file(&link).expect("rm");
        std::fs::write(&link, PLAIN).expect("write");
        let run = repo.diff_in(&config, &[], 1);
        assert!(run.stderr.contains(says), "{target}: {}", run.stderr);
        assert!(
            !run.stderr.contains("not valid"),
            "{target}: {}",
            run.stderr
        );
    }
}

/// `toggles diff` never writes either: a working file whose append a crash
/// cut short is compared as completing it gives it, in memory, and left as
/// it is, with one line saying the append is pending.
#[test]
fn a_cut_append_is_compared_as_completed_and_not_written() {
    let repo = Repo::new();
    let user = "[toggles.kept]\nenabled = false\n";
    repo.commit(user, "first");
    let appended = "\n[toggles.asked]\nenabled = false\n";
    let torn = format!("{user}{}", &appended[..12]);
    repo.write(&torn);
    let path = repo.root.join("toggles.toml");
    crate::edit::append_record(&path, user.as_bytes(), appended.as_bytes());
    let run = repo.diff(&[], 0);
    assert_eq!(
        run.stderr.matches("interrupted").count(),
        1,
        "{}",
        run.stderr
    );
    assert_eq!(
        rows(&run),
        [row(&[
            "all",
            "asked",
            "added, OFF",
            "enabled (toggles.toml:5)"
        ])]
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), torn);
    assert!(repo.root.join(".toggles.toml.append").exists());
}

/// A change is defined by answers, as the library defines it for a reload
/// (`toggles::Changes`): a key allowed that the rollout lets in anyway
/// changes no answer, so it is no change; one outside the rollout is.
#[test]
fn a_key_allowed_inside_the_rollout_is_no_change() {
    let before = "[toggles.t]\nrollout = 50\n";
    let snapshot = toggles::Snapshot::parse("toggles.toml", before.as_bytes()).unwrap();
    let t = snapshot.get("t").unwrap();
    let key = |inside: bool| {
        (0..)
            .map(|i| format!("user-{i}"))
            .find(|k| t.is_enabled_for(k.as_str()) == inside)
            .unwrap()
    };
    let (inside, outside) = (key(true), key(false));
    let repo = Repo::new();
    repo.commit(before, "v1");
    repo.write(&format!("{before}allow = [\"{inside}\"]\n"));
    let run = repo.diff(&[], 0);
    assert_eq!(
        run.stdout.trim(),
        "no toggle changes in the file since HEAD",
        "{}",
        run.stdout
    );
    repo.write(&format!("{before}allow = [\"{inside}\", \"{outside}\"]\n"));
    let rows = rows(&repo.diff(&[], 0));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][1], "t");
}

/// A plan in the base values and one in staging only (`env.staging.schedule`).
const PLANS: &str = r#"environments = ["staging", "production"]

[toggles.new_search]
rollout = 1
allow = ["staff-ada"]
schedule = [
  { at = 2026-12-07T09:00:00Z, rollout = 10 },
  { at = 2026-12-09T09:00:00Z, rollout = 50 },
  { at = 2026-12-11T09:00:00Z, enabled = true },
]

[toggles.dark_mode]
enabled = false
env.staging.schedule = [
  { at = 2026-12-08T09:00:00Z, enabled = true },
]
"#;

/// [`PLANS`] with each kind of step change: new_search's first step
/// restated (10% → 20%), its second removed, one added, its last moved a
/// day; dark_mode's staging step moved a day.
fn plans_edited() -> String {
    edited(
        PLANS,
        &[
            (
                "  { at = 2026-12-07T09:00:00Z, rollout = 10 },\n  { at = 2026-12-09T09:00:00Z, rollout = 50 },\n  { at = 2026-12-11T09:00:00Z, enabled = true },\n",
                "  { at = 2026-12-07T09:00:00Z, rollout = 20 },\n  { at = 2026-12-10T09:00:00Z, rollout = 75 },\n  { at = 2026-12-12T09:00:00Z, enabled = true },\n",
            ),
            (
                "{ at = 2026-12-08T09:00:00Z, enabled = true }",
                "{ at = 2026-12-09T09:00:00Z, enabled = true }",
            ),
        ],
    )
}

/// Each kind of step change on a row of its own, after the toggle's own
/// row: what it does at the instant compared (`--at`), or from which later
/// step it decides otherwise, or that the answers stay the same. A
/// removed step is shown where it was in REV.
#[test]
fn a_plan_is_compared_step_by_step_in_each_view() {
    let repo = Repo::new();
    repo.commit(PLANS, "v1");
    repo.write(&plans_edited());
    let run = repo.diff(&["--at", "2026-12-08T00:00:00Z"], 0);
    assert_eq!(
        run.stdout,
        "\
ENVIRONMENT  TOGGLE      CHANGE                                                                        WHY
all          new_search  10% → 20%                                                                     rollout (toggles.toml:7)
all          new_search  step at 2026-12-07T09:00:00Z changed: rollout 10% → rollout 20%               schedule (toggles.toml:7)
all          new_search  step removed: rollout 50% at 2026-12-09T09:00:00Z                             schedule, was at HEAD:toggles.toml:8
all          new_search  step added: rollout 75% at 2026-12-10T09:00:00Z                               schedule (toggles.toml:8)
all          new_search  step moved: enabled = true from 2026-12-11T09:00:00Z to 2026-12-12T09:00:00Z  schedule (toggles.toml:9)
staging      dark_mode   from 2026-12-08T09:00:00Z: ON → OFF                                           env.staging.schedule (toggles.toml:15)
staging      dark_mode   step moved: enabled = true from 2026-12-08T09:00:00Z to 2026-12-09T09:00:00Z  env.staging.schedule (toggles.toml:15)
"
    );
    // Before every step: new_search is 1% in both, so its change is the
    // first step that differs.
    let run = repo.diff(&["--at", "2026-12-01T00:00:00Z"], 0);
    assert_eq!(
        rows(&run)[0],
        row(&[
            "all",
            "new_search",
            "from 2026-12-07T09:00:00Z: 10% → 20%",
            "schedule (toggles.toml:7)"
        ]),
        "{}",
        run.stdout
    );
    // After every step of either version: only the plans changed.
    let run = repo.diff(&["--at", "2027-01-01T00:00:00Z"], 0);
    assert_eq!(
        run.stdout,
        "\
ENVIRONMENT  TOGGLE      CHANGE                                                                        WHY
all          new_search  plan changed, same answers from 2027-01-01T00:00:00Z on
all          new_search  step at 2026-12-07T09:00:00Z changed: rollout 10% → rollout 20%               schedule (toggles.toml:7)
all          new_search  step removed: rollout 50% at 2026-12-09T09:00:00Z                             schedule, was at HEAD:toggles.toml:8
all          new_search  step added: rollout 75% at 2026-12-10T09:00:00Z                               schedule (toggles.toml:8)
all          new_search  step moved: enabled = true from 2026-12-11T09:00:00Z to 2026-12-12T09:00:00Z  schedule (toggles.toml:9)
staging      dark_mode   plan changed, same answers from 2027-01-01T00:00:00Z on
staging      dark_mode   step moved: enabled = true from 2026-12-08T09:00:00Z to 2026-12-09T09:00:00Z  env.staging.schedule (toggles.toml:15)
"
    );
    // The same file at the same instant: nothing, and the instant said.
    repo.write(PLANS);
    let run = repo.diff(&["--at", "2026-12-08T00:00:00Z"], 0);
    assert_eq!(
        run.stdout,
        "no toggle changes in any environment since HEAD (at 2026-12-08T00:00:00Z)\n"
    );
}

/// `--at` resolves both versions at that instant: a change of the
/// schedule shows as what it does then.
#[test]
fn at_compares_both_versions_at_that_instant() {
    let repo = Repo::new();
    repo.commit(PLANS, "v1");
    // The release date moves a day later.
    repo.write(&edited(
        PLANS,
        &[(
            "2026-12-11T09:00:00Z, enabled = true",
            "2026-12-12T09:00:00Z, enabled = true",
        )],
    ));
    let change = |at: &str| {
        let run = repo.diff(&["--at", at], 0);
        rows(&run)[0][2].clone()
    };
    assert_eq!(change("2026-12-11T09:00:00Z"), "ON → 50%");
    assert_eq!(change("2026-12-11T10:00+01:00"), "ON → 50%");
    assert_eq!(
        change("2026-12-11T08:59:59Z"),
        "from 2026-12-11T09:00:00Z: ON → 50%"
    );
    assert_eq!(
        change("2026-12-12T09:00:00Z"),
        "plan changed, same answers from 2026-12-12T09:00:00Z on"
    );
    // Not an instant: a usage error.
    let run = repo.diff(&["--at", "2026-12-11"], 2);
    assert!(run.stderr.contains("--at"), "{}", run.stderr);
}

/// `--fail-on` counts a change now and one a later step makes (a PR that
/// adds a step changes production later), not a plan whose answers stay
/// the same from the instant on (a finished schedule folded away).
#[test]
fn fail_on_counts_a_later_change_but_not_a_plan_with_the_same_answers() {
    let repo = Repo::new();
    repo.commit(PLANS, "v1");
    repo.write(&edited(
        PLANS,
        &[(
            "  { at = 2026-12-11T09:00:00Z, enabled = true },\n",
            "  { at = 2026-12-10T09:00:00Z, rollout = 75 },\n  { at = 2026-12-11T09:00:00Z, enabled = true },\n",
        )],
    ));
    let run = repo.diff(
        &["--at", "2026-12-01T00:00:00Z", "--fail-on", "production"],
        3,
    );
    assert!(
        run.stderr
            .contains("changes toggles in production (new_search) (--fail-on)"),
        "{}",
        run.stderr
    );
    repo.diff(
        &["--at", "2027-01-01T00:00:00Z", "--fail-on", "production"],
        0,
    );
    // The fold `check` offers: the last step as the table's state.
    repo.write(&edited(
        PLANS,
        &[(
            "rollout = 1\nallow = [\"staff-ada\"]\nschedule = [\n  { at = 2026-12-07T09:00:00Z, rollout = 10 },\n  { at = 2026-12-09T09:00:00Z, rollout = 50 },\n  { at = 2026-12-11T09:00:00Z, enabled = true },\n]\n",
            "enabled = true\nallow = [\"staff-ada\"]\n",
        )],
    ));
    let run = repo.diff(
        &[
            "--at",
            "2027-01-01T00:00:00Z",
            "--fail-on",
            "production",
            "--json",
        ],
        0,
    );
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["at"], "2027-01-01T00:00:00Z");
    assert_eq!(json["failed"], serde_json::json!([]));
    let change = &json["changes"][0];
    assert_eq!(change["kind"], "plan");
    assert_eq!(change["toggle"], "new_search");
    let words: Vec<&str> = change["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["change"].as_str().unwrap())
        .collect();
    assert_eq!(words, ["removed", "removed", "removed"]);
    repo.diff(
        &["--at", "2026-12-10T00:00:00Z", "--fail-on", "production"],
        3,
    );
}

/// `--json` carries each step's change, with both steps.
#[test]
fn json_carries_the_plan() {
    let repo = Repo::new();
    repo.commit(PLANS, "v1");
    repo.write(&plans_edited());
    let run = repo.diff(&["--at", "2026-12-08T00:00:00Z", "--json"], 0);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let dark: Vec<&Value> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["toggle"] == "dark_mode")
        .collect();
    assert_eq!(
        *dark[0],
        serde_json::json!({
            "environment": "staging",
            "toggle": "dark_mode",
            "kind": "later",
            "old": {"enabled": false, "rollout": null, "allow": [], "source": "own", "release": null},
            "new": {"enabled": false, "rollout": null, "allow": [], "source": "own", "release": null},
            "summary": "from 2026-12-08T09:00:00Z: ON → OFF",
            "why": "env.staging.schedule (toggles.toml:15)",
            "line": 15,
            "from": "2026-12-08T09:00:00Z",
            "plan": [{
                "change": "moved",
                "old": {"at": "2026-12-08T09:00:00Z", "enabled": true, "rollout": null, "line": 15},
                "new": {"at": "2026-12-09T09:00:00Z", "enabled": true, "rollout": null, "line": 15},
                "summary": "step moved: enabled = true from 2026-12-08T09:00:00Z to 2026-12-09T09:00:00Z",
                "why": "env.staging.schedule (toggles.toml:15)",
            }],
        })
    );
    assert_eq!(dark.len(), 1, "only in staging: {dark:?}");
    let restated = &json["changes"][0]["plan"][0];
    assert_eq!(restated["change"], "changed");
    assert_eq!(restated["old"]["rollout"], 10);
    assert_eq!(restated["new"]["rollout"], 20);
}
