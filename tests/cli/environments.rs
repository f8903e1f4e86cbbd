//! Environments in the CLI (#16): `--env` on `list`, `show`, `check` and
//! every edit command, `TOGGLES_ENV` for the reading ones, `list --envs`,
//! `show`'s line per environment, and `check`'s findings.

use std::path::Path;

use toggles::Snapshot;

use crate::common::{Run, command, expect, folder_with, read, run_ok};

/// Comments, a release with an environment value, and each way to write
/// one. Line numbers matter: `show` tests point at them.
const FILE: &str = r#"# Shop toggles.
environments = ["staging", "production"]

[releases.checkout-v2]
description = "New checkout flow"
enabled = false
env.staging.enabled = true # try it in staging

[toggles.new_cart]
release = "checkout-v2"

[toggles.one_click_pay]
release = "checkout-v2"
env.production.enabled = false # held back

[toggles.new_search]
rollout = 10
allow = ["staff-ada", "staff-bob"]
env.staging.rollout = 50
env.production.allow = ["staff-ada"]

[toggles.dark_mode]
enabled = true
"#;

/// Runs with `TOGGLES_ENV` set.
fn run_in(dir: &Path, environment: &str, args: &[&str]) -> Run {
    let output = command(dir, args)
        .env("TOGGLES_ENV", environment)
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
    }
}

/// Whether `name` is on (without a key) in `environment` of `text`.
fn on_in(text: &str, environment: Option<&str>, name: &str) -> bool {
    Snapshot::parse_in("toggles.toml", text.as_bytes(), environment)
        .expect("valid")
        .is_enabled(name)
}

#[test]
fn list_envs_is_a_matrix_of_every_environment() {
    let (dir, _) = folder_with(FILE);
    let out = run_ok(dir.path(), &["list", "--envs"]);
    assert_eq!(
        out.stdout,
        "TOGGLE         (base)  staging  production  RELEASE\n\
         dark_mode      ON      ON       ON          -\n\
         new_cart       OFF     ON       OFF         checkout-v2\n\
         new_search     10% +2  50% +2   10% +1      -\n\
         one_click_pay  OFF     ON       OFF         checkout-v2\n\
         \n\
         RELEASE      (base)  staging  production\n\
         checkout-v2  OFF     ON       OFF\n"
    );
    let out = run_ok(dir.path(), &["list", "--envs", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["environments"],
        serde_json::json!(["staging", "production"])
    );
    let new_cart = &json["toggles"][1];
    assert_eq!(new_cart["name"], "new_cart");
    let cells = new_cart["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 3);
    assert_eq!(cells[0]["environment"], serde_json::Value::Null);
    assert_eq!(cells[1]["environment"], "staging");
    assert_eq!(cells[1]["enabled"], true);
    assert_eq!(cells[1]["source"], "release");
    assert_eq!(cells[1]["release"], "checkout-v2");
    assert_eq!(cells[1]["field"], "env.staging.enabled");
    assert_eq!(cells[1]["line"], 7);
    let search = &json["toggles"][2]["cells"];
    assert_eq!(search[1]["rollout"], 50);
    assert_eq!(search[2]["allowed"], 1);
    // --env and --envs do not go together.
    expect(dir.path(), &["list", "--envs", "--env", "staging"], 2);
    // Without environments: the base column, and a word on how to add them.
    let (plain, _) = folder_with("[toggles.a]\nenabled = true\n");
    let out = run_ok(plain.path(), &["list", "--envs"]);
    assert!(
        out.stdout
            .starts_with("TOGGLE  (base)  RELEASE\na       ON      -\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("declares no environments"),
        "{}",
        out.stdout
    );
    // An environment may be called `base`: its column is not the base one.
    let (named, _) = folder_with(
        "environments = [\"base\"]\n[toggles.a]\nenabled = false\nenv.base.enabled = true\n",
    );
    let out = run_ok(named.path(), &["list", "--envs"]);
    assert!(
        out.stdout
            .starts_with("TOGGLE  (base)  base  RELEASE\na       OFF     ON    -\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn show_gives_one_line_per_environment_pointing_at_the_deciding_line() {
    let (dir, _) = folder_with(FILE);
    let out = run_ok(dir.path(), &["show", "one_click_pay"]);
    assert!(
        out.stdout.contains(
            "  environments (in promotion order)\n\
             \x20   (base)      OFF  release checkout-v2: enabled (toggles.toml:6)\n\
             \x20   staging     ON   release checkout-v2: env.staging.enabled (toggles.toml:7)\n\
             \x20   production  OFF  env.production.enabled (toggles.toml:14)\n"
        ),
        "{}",
        out.stdout
    );
    let out = run_ok(dir.path(), &["show", "new_search"]);
    assert!(
        out.stdout.contains(
            "    (base)      10% +2  rollout (toggles.toml:17)\n\
             \x20   staging     50% +2  env.staging.rollout (toggles.toml:19)\n\
             \x20   production  10% +1  rollout (toggles.toml:17)\n"
        ),
        "{}",
        out.stdout
    );
    // A file without environments shows no such lines.
    let (plain, _) = folder_with("[toggles.a]\nenabled = true\n");
    let out = run_ok(plain.path(), &["show", "a"]);
    assert!(!out.stdout.contains("environments"), "{}", out.stdout);
}

#[test]
fn show_reads_the_chosen_environment_from_env_or_toggles_env() {
    let (dir, _) = folder_with(FILE);
    let out = run_ok(
        dir.path(),
        &["show", "one_click_pay", "--env", "production"],
    );
    assert!(
        out.stdout.starts_with(
            "one_click_pay in production: OFF — set on the toggle itself \
             (`env.production.enabled = false`, toggles.toml:14), which wins over its release checkout-v2 (OFF)\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("production  OFF  env.production.enabled (toggles.toml:14)  ← --env\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "change it    `toggles on one_click_pay --env production`, or \
             `toggles follow one_click_pay --env production` to drop its `env.production` values"
        ),
        "{}",
        out.stdout
    );
    let out = run_in(dir.path(), "staging", &["show", "new_cart"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("new_cart in staging: ON — from release checkout-v2 (toggles.toml:7)\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("← TOGGLES_ENV\n"), "{}", out.stdout);
    // --env '' reads the base values whatever TOGGLES_ENV says.
    let out = run_in(dir.path(), "staging", &["show", "new_cart", "--env", ""]);
    assert!(
        out.stdout
            .starts_with("new_cart: OFF — from release checkout-v2 (toggles.toml:6)\n"),
        "{}",
        out.stdout
    );
    // Keys are evaluated in the environment too.
    let out = run_ok(
        dir.path(),
        &[
            "show",
            "new_search",
            "--env",
            "production",
            "--key",
            "staff-bob",
        ],
    );
    let snapshot = Snapshot::parse_in("toggles.toml", FILE.as_bytes(), Some("production")).unwrap();
    let expected = snapshot.is_enabled_for("new_search", "staff-bob");
    assert!(
        out.stdout.starts_with(&format!(
            "new_search in production for key staff-bob: {}",
            if expected { "ON" } else { "OFF" }
        )),
        "{}",
        out.stdout
    );
    let json = run_ok(
        dir.path(),
        &["show", "new_cart", "--env", "staging", "--json"],
    );
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["environment"], "staging");
    assert_eq!(json["environment_from"], "--env");
    assert_eq!(json["toggle"]["enabled"], true);
    assert_eq!(json["environments"].as_array().unwrap().len(), 3);
    assert_eq!(json["environments"][2]["line"], 6);
}

#[test]
fn list_reads_the_chosen_environment_and_says_where_it_came_from() {
    let (dir, _) = folder_with(FILE);
    let out = run_ok(dir.path(), &["list"]);
    assert!(
        out.stdout.starts_with(
            "environment: base values (no --env, no TOGGLES_ENV); declared: staging, production\n\n"
        ),
        "{}",
        out.stdout
    );
    let out = run_in(dir.path(), "staging", &["list"]);
    assert!(
        out.stdout.starts_with(
            "environment: staging (from TOGGLES_ENV); declared: staging, production\n"
        ),
        "{}",
        out.stdout
    );
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("new_cart "))
        .unwrap();
    assert!(row.contains(" ON "), "{row}");
    let out = run_ok(dir.path(), &["list", "--env", "production", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["environment"], "production");
    assert_eq!(json["environment_from"], "--env");
    assert_eq!(
        json["environments"],
        serde_json::json!(["staging", "production"])
    );
    let search = json["toggles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "new_search")
        .unwrap();
    assert_eq!(search["allow"], serde_json::json!(["staff-ada"]));
    // A file without environments lists as it always did.
    let (plain, _) = folder_with("[toggles.a]\nenabled = true\n");
    let out = run_ok(plain.path(), &["list"]);
    assert!(out.stdout.starts_with("TOGGLE "), "{}", out.stdout);
}

#[test]
fn an_undeclared_environment_is_refused_with_what_to_do() {
    let (dir, path) = folder_with(FILE);
    let out = expect(dir.path(), &["list", "--env", "prod"], 1);
    assert_eq!(
        out.stderr,
        "error: environment `prod` (--env) is not declared in toggles.toml\n  \
         help: did you mean `production`? The file declares staging, production (in promotion order); \
         add `prod` to its `environments` list to give it values\n"
    );
    let out = run_in(dir.path(), "prod", &["show", "new_cart"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("environment `prod` (from TOGGLES_ENV) is not declared")
            && out.stderr.contains("did you mean `production`?")
            && out.stderr.contains("--env NAME overrides the variable"),
        "{}",
        out.stderr
    );
    // Every edit refuses it, and the file is untouched.
    for args in [
        &["on", "new_cart", "--env", "prod"][..],
        &["rollout", "new_cart", "5", "--env", "prod"],
        &["follow", "new_cart", "--env", "prod"],
        &["release", "off", "checkout-v2", "--env", "prod"],
        &["release", "allow", "checkout-v2", "k", "--env", "prod"],
    ] {
        let out = expect(dir.path(), args, 1);
        assert!(
            out.stderr.contains("did you mean `production`?"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(read(&path), FILE);
    // An invalid name is a usage error.
    expect(dir.path(), &["list", "--env", "pro duction"], 2);
    // Edits never read TOGGLES_ENV: this edits the base values.
    let out = run_in(dir.path(), "prd", &["on", "dark_mode"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Without environments: how to declare one.
    let (plain, _) = folder_with("[toggles.a]\n");
    let out = expect(plain.path(), &["show", "a", "--env", "staging"], 1);
    assert!(
        out.stderr
            .contains("the file declares no environments: add `environments = [\"staging\"]`"),
        "{}",
        out.stderr
    );
}

#[test]
fn on_and_off_in_an_environment_edit_its_values_and_keep_the_layout() {
    let (dir, path) = folder_with(FILE);
    let out = run_ok(dir.path(), &["on", "new_cart", "--env", "production"]);
    assert_eq!(
        out.stdout,
        "new_cart in production: OFF → ON (set on the toggle itself, over release checkout-v2 (OFF))\n\
         \x20 environments  (base) OFF · staging ON · production ON\n\
         wrote toggles.toml\n"
    );
    let text = read(&path);
    assert_eq!(
        text,
        FILE.replace(
            "[toggles.new_cart]\nrelease = \"checkout-v2\"\n",
            "[toggles.new_cart]\nrelease = \"checkout-v2\"\nenv.production.enabled = true\n"
        )
    );
    // `on` in production replaces the base rollout's slot, the base stays.
    run_ok(dir.path(), &["on", "new_search", "--env", "production"]);
    let text = read(&path);
    assert!(text.contains("rollout = 10\n"), "{text}");
    assert!(
        text.contains("env.production.allow = [\"staff-ada\"]\nenv.production.enabled = true\n"),
        "{text}"
    );
    assert!(on_in(&text, Some("production"), "new_search"));
    assert!(!on_in(&text, None, "new_search"));
    // `off` in staging drops staging's rollout: one slot.
    run_ok(dir.path(), &["off", "new_search", "--env", "staging"]);
    let text = read(&path);
    assert!(text.contains("env.staging.enabled = false\n"), "{text}");
    assert!(!text.contains("env.staging.rollout"), "{text}");
    // The same value as the base one: the override goes, the base applies.
    run_ok(dir.path(), &["on", "one_click_pay", "--env", "production"]);
    run_ok(dir.path(), &["off", "dark_mode", "--env", "staging"]);
    let out = run_ok(dir.path(), &["on", "dark_mode", "--env", "staging"]);
    assert!(
        out.stdout.contains("dark_mode in staging: OFF → ON"),
        "{}",
        out.stdout
    );
    let text = read(&path);
    assert!(
        text.ends_with("[toggles.dark_mode]\nenabled = true\n"),
        "the override is gone, no empty `env`: {text}"
    );
    // Comments elsewhere are untouched.
    assert!(
        text.contains("env.staging.enabled = true # try it in staging\n"),
        "{text}"
    );
}

#[test]
fn rollout_allow_and_disallow_in_an_environment() {
    let (dir, path) = folder_with(FILE);
    run_ok(
        dir.path(),
        &["rollout", "new_search", "25", "--env", "production"],
    );
    let text = read(&path);
    assert!(
        text.contains("env.production.allow = [\"staff-ada\"]\nenv.production.rollout = 25\n"),
        "{text}"
    );
    // The base rollout again: staging's own goes.
    run_ok(
        dir.path(),
        &["rollout", "new_search", "10", "--env", "staging"],
    );
    assert!(
        !read(&path).contains("env.staging.rollout"),
        "{}",
        read(&path)
    );
    // A new list in an environment starts as a copy of the base list.
    let out = run_ok(
        dir.path(),
        &["allow", "new_search", "qa-1", "--env", "staging"],
    );
    assert!(
        out.stdout.contains(
            "`env.staging.allow` replaces the base list, so it starts as a copy of it: staff-ada, staff-bob"
        ),
        "{}",
        out.stdout
    );
    let text = read(&path);
    assert!(
        text.contains("env.staging.allow = [\"staff-ada\", \"staff-bob\", \"qa-1\"]\n"),
        "{text}"
    );
    // Back to the base keys: the list equals the base one, so it goes.
    run_ok(
        dir.path(),
        &["disallow", "new_search", "qa-1", "--env", "staging"],
    );
    assert!(
        !read(&path).contains("env.staging.allow"),
        "{}",
        read(&path)
    );
    // Emptying production's list writes `[]`: without it, the base list
    // would apply again.
    let out = run_ok(
        dir.path(),
        &["disallow", "new_search", "staff-ada", "--env", "production"],
    );
    assert!(
        out.stdout.contains(
            "no keys left in production: `env.production.allow = []` keeps the base list out"
        ),
        "{}",
        out.stdout
    );
    let text = read(&path);
    assert!(text.contains("env.production.allow = []\n"), "{text}");
    let production = Snapshot::parse_in("t", text.as_bytes(), Some("production")).unwrap();
    assert_eq!(production.get("new_search").unwrap().allow().len(), 0);
    // `allow` on a toggle that follows its release in that environment is
    // refused, with commands for that environment.
    let out = expect(
        dir.path(),
        &["allow", "new_cart", "k", "--env", "staging"],
        1,
    );
    assert!(
        out.stderr
            .contains("`toggles release allow checkout-v2 KEY… --env staging`"),
        "{}",
        out.stderr
    );
}

#[test]
fn follow_in_an_environment_drops_its_values() {
    let (dir, path) = folder_with(FILE);
    let out = run_ok(
        dir.path(),
        &["follow", "one_click_pay", "--env", "production"],
    );
    assert_eq!(
        out.stdout,
        "one_click_pay in production: OFF (follows release checkout-v2) — dropped its `env.production` values: its base values apply\n\
         \x20 environments  (base) OFF · staging ON · production OFF\n\
         wrote toggles.toml\n"
    );
    assert_eq!(
        read(&path),
        FILE.replace("env.production.enabled = false # held back\n", "")
    );
    let out = run_ok(
        dir.path(),
        &["follow", "one_click_pay", "--env", "production"],
    );
    assert!(
        out.stdout
            .contains("already without `env.production` values"),
        "{}",
        out.stdout
    );
    // `follow` without --env keeps the environments' values, and says so.
    let out = run_ok(dir.path(), &["follow", "new_search"]);
    assert!(
        out.stdout.contains(
            "keeps its `env.staging` values (`toggles follow new_search --env staging` drops them)"
        ),
        "{}",
        out.stdout
    );
    assert!(read(&path).contains("env.staging.rollout = 50\n"));
}

#[test]
fn release_commands_in_an_environment() {
    let (dir, path) = folder_with(FILE);
    let out = run_ok(
        dir.path(),
        &[
            "release",
            "rollout",
            "checkout-v2",
            "30",
            "--env",
            "production",
        ],
    );
    assert!(
        out.stdout
            .starts_with("release checkout-v2 in production: OFF → 30% of keys\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("one_click_pay stays OFF: its own `enabled = false` wins (`toggles follow one_click_pay --env production` lets the release decide)"),
        "{}",
        out.stdout
    );
    run_ok(
        dir.path(),
        &[
            "release",
            "allow",
            "checkout-v2",
            "qa-1",
            "--env",
            "production",
        ],
    );
    run_ok(
        dir.path(),
        &["release", "off", "checkout-v2", "--env", "staging"],
    );
    let text = read(&path);
    assert!(
        text.contains(
            "[releases.checkout-v2]\ndescription = \"New checkout flow\"\nenabled = false\n\
             env.production.rollout = 30\nenv.production.allow = [\"qa-1\"]\n\n"
        ),
        "`off` in staging equals the base `enabled = false`: staging's value goes: {text}"
    );
    run_ok(
        dir.path(),
        &[
            "release",
            "disallow",
            "checkout-v2",
            "qa-1",
            "--env",
            "production",
        ],
    );
    run_ok(
        dir.path(),
        &["release", "on", "checkout-v2", "--env", "staging"],
    );
    let text = read(&path);
    assert!(
        text.contains("enabled = false\nenv.production.rollout = 30\nenv.staging.enabled = true\n"),
        "{text}"
    );
    assert!(on_in(&text, Some("staging"), "new_cart"));
}

#[test]
fn edits_keep_every_way_of_writing_environment_values() {
    let text = r#"environments = ["staging", "production"]

[toggles.a]
  enabled = false   # off by default
  created = 2026-01-01

[toggles.a.env.production]
enabled = true  # live

[toggles.b]
enabled = false
env = { staging = { enabled = true } }
"#;
    let (dir, path) = folder_with(text);
    run_ok(dir.path(), &["rollout", "a", "5", "--env", "production"]);
    run_ok(dir.path(), &["on", "a", "--env", "staging"]);
    run_ok(dir.path(), &["rollout", "b", "20", "--env", "staging"]);
    run_ok(dir.path(), &["off", "b", "--env", "production"]);
    assert_eq!(
        read(&path),
        r#"environments = ["staging", "production"]

[toggles.a]
  enabled = false   # off by default
  created = 2026-01-01

[toggles.a.env.production]
rollout = 5

[toggles.a.env.staging]
enabled = true

[toggles.b]
enabled = false
env = { staging = { rollout = 20 } }
"#
    );
    // A new dotted key is indented like the table's keys.
    let (indented, path_c) =
        folder_with("environments = [\"staging\"]\n[toggles.c]\n    enabled = false # c\n");
    run_ok(indented.path(), &["on", "c", "--env", "staging"]);
    assert_eq!(
        read(&path_c),
        "environments = [\"staging\"]\n[toggles.c]\n    enabled = false # c\n    env.staging.enabled = true\n"
    );
    // `off --env production` on b equals the base: nothing written for it.
    run_ok(dir.path(), &["follow", "a", "--env", "production"]);
    assert!(
        !read(&path).contains("[toggles.a.env.production]"),
        "{}",
        read(&path)
    );
    // CRLF stays CRLF.
    let (dir, path) = folder_with(&FILE.replace('\n', "\r\n"));
    run_ok(dir.path(), &["on", "new_cart", "--env", "production"]);
    let text = read(&path);
    assert!(
        text.contains("env.production.enabled = true\r\n"),
        "{text:?}"
    );
    assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
}

#[test]
fn on_create_in_an_environment_adds_a_toggle_off_elsewhere() {
    let (dir, path) = folder_with(FILE);
    let out = run_ok(dir.path(), &["on", "beta", "--create", "--env", "staging"]);
    assert!(
        out.stdout.starts_with("beta in staging: added, ON"),
        "{}",
        out.stdout
    );
    let text = read(&path);
    assert!(on_in(&text, Some("staging"), "beta"));
    assert!(!on_in(&text, None, "beta") && !on_in(&text, Some("production"), "beta"));
    assert!(text.contains("enabled = false\n"), "{text}");
    assert!(text.contains("env.staging.enabled = true\n"), "{text}");
}

#[test]
fn check_reports_environment_findings() {
    let text = r#"environments = ["staging", "production"]

[toggles.hot]
enabled = false
env.staging.enabled = false
env.production.rollout = 20

[toggles.fine]
rollout = 10
env.staging.rollout = 50
env.production.rollout = 10.0
"#;
    let (dir, _) = folder_with(text);
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/main.rs"),
        "fn main() { toggle!(\"hot\"); toggle!(\"fine\"); }\n",
    )
    .unwrap();
    let out = run_ok(dir.path(), &["check"]);
    let findings: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("warning[") || l.starts_with("error["))
        .collect();
    // `fine` is further on in staging than in production: as it should be.
    assert_eq!(
        findings,
        [
            "warning[redundant-env]: toggles.toml:5: `env.staging.enabled = false` of toggle `hot` is the same as its base `enabled` (toggles.toml:4): it changes nothing in staging",
            "warning[redundant-env]: toggles.toml:11: `env.production.rollout = 10.0` of toggle `fine` is the same as its base `rollout` (toggles.toml:9): it changes nothing in production",
            "warning[promotion]: toggles.toml:6: toggle `hot` is 20% in production but OFF in staging, which comes before it in `environments`: the promotion order is broken",
        ],
        "{}",
        out.stdout
    );
    expect(dir.path(), &["check", "--strict"], 1);
    let json = run_ok(dir.path(), &["check", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let kinds: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"redundant-env") && kinds.contains(&"promotion"),
        "{kinds:?}"
    );
    assert_eq!(
        json["environments"],
        serde_json::json!(["staging", "production"])
    );
    // TOGGLES_ENV naming an undeclared environment is an error finding at
    // the `environments` list.
    let out = run_in(dir.path(), "prod", &["check"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains(
            "error[unknown-environment]: toggles.toml:1:16: environment `prod` (from TOGGLES_ENV) is not declared in toggles.toml"
        ),
        "{}",
        out.stdout
    );
    // An undeclared environment in the file: the file is invalid, at its
    // line and column.
    let (dir, _) =
        folder_with("environments = [\"staging\"]\n[toggles.a]\nenv.prodution.enabled = true\n");
    let out = expect(dir.path(), &["check"], 1);
    assert!(
        out.stdout.contains(
            "error[invalid-file]: toggles.toml:3:5: toggle `a` sets environment `prodution`"
        ),
        "{}",
        out.stdout
    );
}

/// Beside a schedule, an environment's `enabled` or `rollout` equal to the
/// base one is no redundant line: it is its own plan's start, or keeps the
/// environment out of the base plan (removing it would change answers).
#[test]
fn an_equal_value_beside_a_schedule_is_not_redundant() {
    let text = r#"environments = ["staging", "production"]

[toggles.planned]
enabled = false
schedule = [{ at = 2999-01-01T00:00:00Z, enabled = true }]
env.production.enabled = false

[toggles.own_plan]
rollout = 5
env.staging.rollout = 5
env.staging.schedule = [{ at = 2999-01-01T00:00:00Z, rollout = 50 }]
"#;
    let (dir, _) = folder_with(text);
    let out = run_ok(dir.path(), &["check", "--src", "."]);
    assert!(!out.stdout.contains("redundant-env"), "{}", out.stdout);
}
