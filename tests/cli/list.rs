//! `toggles list` and `toggles show`.

use crate::common::{expect, folder_with, run, run_ok, today};

const FILE: &str = r#"# The shop's toggles.
[releases.checkout-v2]
description = "New checkout flow"
enabled = true

[releases.search]
enabled = false

[toggles.new_cart]
description = "Cart drawer"
release = "checkout-v2"
created = 2026-01-10

[toggles.one_click_pay]
release = "checkout-v2"
enabled = false
created = 2026-02-01

[toggles.dark_mode]
enabled = true
created = 2025-12-24

[toggles.fuzzy]
release = "search"

[toggles.plain]
"#;

fn age(date: &str) -> i64 {
    let (y, rest) = date.split_once('-').unwrap();
    let (m, d) = rest.split_once('-').unwrap();
    let date =
        toggles::Date::new(y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap()).unwrap();
    date.days_until(today())
}

#[test]
fn list_prints_an_aligned_table_of_toggles_and_releases() {
    let (dir, _) = folder_with(FILE);
    // Ages count from `--today` (else the local date, which need not be
    // UTC's `today()`).
    let today = today().to_string();
    let out = run_ok(dir.path(), &["list", "--today", &today]);
    let (a, b, c) = (age("2025-12-24"), age("2026-01-10"), age("2026-02-01"));
    // Widths: the AGE column is as wide as its longest cell.
    let width = ["AGE".len(), format!("{a}d").len()]
        .into_iter()
        .max()
        .unwrap();
    let row = |name: &str,
               state: &str,
               from: &str,
               release: &str,
               created: &str,
               age: String,
               desc: &str| {
        format!(
            "{name:<13}  {state:<5}  {from:<7}  {release:<11}  {created:<10}  {age:<width$}  {desc}"
        )
        .trim_end()
        .to_owned()
    };
    let expected = [
        row(
            "TOGGLE",
            "STATE",
            "FROM",
            "RELEASE",
            "CREATED",
            "AGE".into(),
            "DESCRIPTION",
        ),
        row(
            "dark_mode",
            "ON",
            "own",
            "-",
            "2025-12-24",
            format!("{a}d"),
            "",
        ),
        row("fuzzy", "OFF", "release", "search", "-", "-".into(), ""),
        row(
            "new_cart",
            "ON",
            "release",
            "checkout-v2",
            "2026-01-10",
            format!("{b}d"),
            "Cart drawer",
        ),
        row(
            "one_click_pay",
            "OFF",
            "own",
            "checkout-v2",
            "2026-02-01",
            format!("{c}d"),
            "",
        ),
        row("plain", "OFF", "default", "-", "-", "-".into(), ""),
        String::new(),
        "RELEASE      STATE  TOGGLES         DESCRIPTION".into(),
        "checkout-v2  ON     1 of 2 enabled  New checkout flow".into(),
        "search       OFF    0 of 1 enabled".into(),
    ]
    .join("\n")
        + "\n";
    assert_eq!(out.stdout, expected);
    assert!(
        !out.stdout.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn list_filters_by_release() {
    let (dir, _) = folder_with(FILE);
    let out = run_ok(dir.path(), &["list", "--release", "checkout-v2"]);
    let names: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .map_while(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names, ["new_cart", "one_click_pay"]);
    assert!(out.stdout.contains("checkout-v2  ON     1 of 2 enabled"));
    assert!(!out.stdout.contains("search"));

    let out = expect(dir.path(), &["list", "--release", "checkout-v3"], 1);
    assert!(
        out.stderr.contains("no release `checkout-v3`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `checkout-v2`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn list_json_parses_back() {
    let (dir, _) = folder_with(FILE);
    let today = today().to_string();
    let out = run_ok(dir.path(), &["list", "--json", "--today", &today]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    let toggles = json["toggles"].as_array().unwrap();
    assert_eq!(toggles.len(), 5);
    let new_cart = toggles.iter().find(|t| t["name"] == "new_cart").unwrap();
    assert_eq!(new_cart["enabled"], true);
    assert_eq!(new_cart["source"], "release");
    assert_eq!(new_cart["release"], "checkout-v2");
    assert_eq!(new_cart["description"], "Cart drawer");
    assert_eq!(new_cart["created"], "2026-01-10");
    assert_eq!(new_cart["age_days"], age("2026-01-10"));
    assert_eq!(new_cart["line"], 9);
    let plain = toggles.iter().find(|t| t["name"] == "plain").unwrap();
    assert_eq!(plain["source"], "default");
    assert!(plain["created"].is_null() && plain["age_days"].is_null());
    let release = &json["releases"][0];
    assert_eq!(release["name"], "checkout-v2");
    assert_eq!(
        (release["on"].as_u64(), release["total"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(
        release["toggles"],
        serde_json::json!(["new_cart", "one_click_pay"])
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal_and_never_with_no_color() {
    let (dir, _) = folder_with(FILE);
    let always = run_ok(dir.path(), &["list", "--color", "always"]);
    assert!(
        always.stdout.contains("\x1b[1;32mON\x1b[0m"),
        "{}",
        always.stdout
    );
    // Colour codes do not break the alignment: strip them and compare.
    let plain = run_ok(dir.path(), &["list"]).stdout;
    assert_eq!(strip_ansi(&always.stdout), plain);
    // NO_COLOR wins over auto (and a pipe is no terminal anyway).
    let output = crate::common::command(dir.path(), &["list", "--color", "auto"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8(output.stdout).unwrap().contains('\x1b'));
}

#[test]
fn clicolor_force_colours_a_pipe_unless_no_color_or_never() {
    let (dir, _) = folder_with(FILE);
    let with = |vars: &[(&str, &str)], args: &[&str]| {
        let mut command = crate::common::command(dir.path(), args);
        for (name, value) in vars {
            command.env(name, value);
        }
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    let always = run_ok(dir.path(), &["list", "--color", "always"]).stdout;
    // The same bytes as `--color always`, through a pipe.
    assert_eq!(with(&[("CLICOLOR_FORCE", "1")], &["list"]), always);
    // NO_COLOR wins over CLICOLOR_FORCE; --color never over both.
    let plain = run_ok(dir.path(), &["list"]).stdout;
    let both = [("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")];
    assert_eq!(with(&both, &["list"]), plain);
    let never = ["list", "--color", "never"];
    assert_eq!(with(&[("CLICOLOR_FORCE", "1")], &never), plain);
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn file_comes_from_the_flag_then_the_environment_then_the_folder() {
    let (dir, path) = folder_with("[toggles.here]\n");
    let elsewhere = dir.path().join("other.toml");
    std::fs::write(&elsewhere, "[toggles.there]\n").unwrap();
    assert!(run_ok(dir.path(), &["list"]).stdout.contains("here"));
    let out = crate::common::command(dir.path(), &["list"])
        .env("TOGGLES_FILE", &elsewhere)
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("there"));
    let out = crate::common::command(dir.path(), &["list", "--file", path.to_str().unwrap()])
        .env("TOGGLES_FILE", &elsewhere)
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("here"));

    let empty = tempfile::tempdir().unwrap();
    let out = expect(empty.path(), &["list"], 1);
    assert!(
        out.stderr.contains("no toggles file at toggles.toml"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("help:"), "{}", out.stderr);
}

#[test]
fn an_invalid_file_is_reported_with_line_and_column() {
    let (dir, _) = folder_with("[toggles.a]\nenabeld = true\n");
    let out = expect(dir.path(), &["list"], 1);
    assert!(out.stderr.contains("toggles.toml:2:1:"), "{}", out.stderr);
    assert!(out.stderr.contains("enabeld"), "{}", out.stderr);
}

/// The first line of `toggles show NAME`: the state and what decides it.
fn show_first_line(dir: &std::path::Path, name: &str) -> String {
    let out = run_ok(dir, &["show", name]);
    out.stdout.lines().next().unwrap().to_owned()
}

#[test]
fn show_explains_where_the_state_comes_from() {
    let (dir, _) = folder_with(FILE);
    let first = |name: &str| show_first_line(dir.path(), name);
    assert_eq!(
        first("new_cart"),
        "new_cart: ON — from release checkout-v2 (toggles.toml:4)"
    );
    assert_eq!(
        first("one_click_pay"),
        "one_click_pay: OFF — set on the toggle itself (`enabled = false`, toggles.toml:16), \
         which wins over its release checkout-v2 (ON)"
    );
    assert_eq!(
        first("dark_mode"),
        "dark_mode: ON — set on the toggle itself (`enabled = true`, toggles.toml:20)"
    );
    assert_eq!(
        first("plain"),
        "plain: OFF — by default: no `enabled` and no release (toggles.toml:26)"
    );

    let out = run_ok(dir.path(), &["show", "new_cart"]).stdout;
    assert!(out.contains("  description  Cart drawer\n"), "{out}");
    assert!(
        out.contains("  release      checkout-v2: 1 of 2 enabled, release ON\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "  created      2026-01-10, {} days ago\n",
            age("2026-01-10")
        )),
        "{out}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&run_ok(dir.path(), &["show", "new_cart", "--json"]).stdout).unwrap();
    assert_eq!(json["toggle"]["source"], "release");
    assert_eq!(json["why"], "from release checkout-v2 (toggles.toml:4)");
    assert_eq!(json["release"]["on"], 1);
}

#[test]
fn show_refuses_unknown_names_with_a_hint() {
    let (dir, _) = folder_with(FILE);
    let out = expect(dir.path(), &["show", "dark_mod"], 1);
    assert!(
        out.stderr.contains("no toggle `dark_mod`")
            && out.stderr.contains("did you mean `dark_mode`?")
    );
    let out = expect(dir.path(), &["show", "search"], 1);
    assert!(
        out.stderr.contains("`search` is a release"),
        "{}",
        out.stderr
    );
    // A name that cannot be a toggle name is a usage error.
    let out = run(dir.path(), &["show", "not a name"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// An empty `TOGGLES_FILE` is an error that names the variable (the
/// library would read no file at all), not a missing `--file` value.
#[test]
fn an_empty_toggles_file_variable_is_named_in_the_error() {
    let (dir, _) = folder_with("[toggles.here]\n");
    for args in [&["list"][..], &["on", "here"], &["check"]] {
        let output = crate::common::command(dir.path(), args)
            .env("TOGGLES_FILE", "")
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("TOGGLES_FILE is set but empty"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("'--file"), "{args:?}: {stderr}");
        assert!(stderr.contains("help:"), "{args:?}: {stderr}");
    }
    // `--file` wins over the variable, empty or not.
    let output = crate::common::command(dir.path(), &["list", "--file", "toggles.toml"])
        .env("TOGGLES_FILE", "")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8(output.stdout).unwrap().contains("here"));
    // `--help` says so.
    let help = run_ok(dir.path(), &["--help"]).stdout;
    assert!(help.contains("TOGGLES_FILE set but empty"), "{help}");
}

/// The line that decides: the `enabled` line of the toggle, or of its
/// release when it follows it; the table header only when neither has one.
#[test]
fn show_points_at_the_enabled_line_that_decides() {
    let text = "\
[releases.r]
description = \"x\"
# comment
enabled = true

[releases.bare]

[toggles]
dotted.enabled = false
inline = { release = \"r\" }
follows_bare = { release = \"bare\" }

[toggles.dark_mode]
# why it is on
description = \"d\"
enabled = true
created = 2025-12-24
";
    let (dir, _) = folder_with(text);
    let first = |name: &str| show_first_line(dir.path(), name);
    assert_eq!(
        first("dark_mode"),
        "dark_mode: ON — set on the toggle itself (`enabled = true`, toggles.toml:16)"
    );
    assert_eq!(
        first("dotted"),
        "dotted: OFF — set on the toggle itself (`enabled = false`, toggles.toml:9)"
    );
    assert_eq!(
        first("inline"),
        "inline: ON — from release r (toggles.toml:4)"
    );
    assert_eq!(
        first("follows_bare"),
        "follows_bare: OFF — from release bare (toggles.toml:6)"
    );
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(dir.path(), &["show", "dark_mode", "--json"]).stdout).unwrap();
    assert_eq!(
        json["why"],
        "set on the toggle itself (`enabled = true`, toggles.toml:16)"
    );
    // "defined at" still names the table.
    let out = run_ok(dir.path(), &["show", "dark_mode"]).stdout;
    assert!(out.contains("  defined at   toggles.toml:13\n"), "{out}");
}

/// Owners, kinds and expiry dates on toggles and a release, around
/// `--today 2026-12-06`.
const LIFECYCLE: &str = r#"[releases.checkout]
enabled = true
owner = "payments"
expires = 2026-12-05

[releases.search]
owner = "search team"
expires = 2026-12-06

[toggles.pay_a]
release = "checkout"
owner = "payments"
kind = "experiment"
expires = 2026-12-05

[toggles.pay_b]
release = "checkout"
owner = "payments"
expires = 2026-12-06

[toggles.kill]
enabled = true
kind = "ops"
owner = "sre"

[toggles.fuzzy]
release = "search"
kind = "permission"
expires = 2027-01-31

[toggles.plain]
"#;

const TODAY: [&str; 2] = ["--today", "2026-12-06"];

/// The names in `list`'s two tables (the toggles', then the releases').
fn listed(dir: &std::path::Path, filters: &[&str]) -> (Vec<String>, Vec<String>) {
    let mut args = vec!["list", "--json"];
    args.extend(TODAY);
    args.extend(filters);
    let out = run_ok(dir, &args);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let names = |field: &str| -> Vec<String> {
        json[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };
    // The table lists the same rows as the JSON.
    let mut text_args = vec!["list"];
    text_args.extend(TODAY);
    text_args.extend(filters);
    let text = run_ok(dir, &text_args).stdout;
    for name in names("toggles").iter().chain(&names("releases")) {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{name} "))),
            "{filters:?}: {name} in\n{text}"
        );
    }
    (names("toggles"), names("releases"))
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn list_filters_by_owner_kind_and_expiry_all_at_once() {
    let (dir, _) = folder_with(LIFECYCLE);
    let all = ["fuzzy", "kill", "pay_a", "pay_b", "plain"];
    assert_eq!(
        listed(dir.path(), &[]),
        (strings(&all), strings(&["checkout", "search"]))
    );
    // `--owner`: exactly as written; a toggle's own owner, not its release's.
    assert_eq!(
        listed(dir.path(), &["--owner", "payments"]),
        (strings(&["pay_a", "pay_b"]), strings(&["checkout"]))
    );
    assert_eq!(
        listed(dir.path(), &["--owner", "search team"]),
        (strings(&[]), strings(&["search"])),
        "fuzzy has no owner of its own"
    );
    assert_eq!(
        listed(dir.path(), &["--owner", "Payments"]),
        (strings(&[]), strings(&[]))
    );
    // `--kind`: the default is `release`; releases have no kind.
    assert_eq!(
        listed(dir.path(), &["--kind", "release"]),
        (strings(&["pay_b", "plain"]), strings(&[]))
    );
    assert_eq!(
        listed(dir.path(), &["--kind", "ops"]),
        (strings(&["kill"]), strings(&[]))
    );
    // `--expired`: from the day after `expires`.
    assert_eq!(
        listed(dir.path(), &["--expired"]),
        (strings(&["pay_a"]), strings(&["checkout"]))
    );
    let out = run_ok(dir.path(), &["list", "--expired", "--today", "2026-12-07"]);
    assert!(out.stdout.contains("pay_b "), "{}", out.stdout);
    assert!(out.stdout.contains("search "), "{}", out.stdout);
    let out = run_ok(dir.path(), &["list", "--expired", "--today", "2026-12-05"]);
    assert!(
        out.stdout
            .starts_with("no toggles match --expired (before 2026-12-05)\n"),
        "{}",
        out.stdout
    );
    // Together: every filter holds.
    assert_eq!(
        listed(dir.path(), &["--owner", "payments", "--expired"]),
        (strings(&["pay_a"]), strings(&["checkout"]))
    );
    assert_eq!(
        listed(dir.path(), &["--owner", "payments", "--kind", "experiment"]),
        (strings(&["pay_a"]), strings(&[]))
    );
    assert_eq!(
        listed(dir.path(), &["--release", "checkout", "--kind", "release"]),
        (strings(&["pay_b"]), strings(&[]))
    );
    assert_eq!(
        listed(dir.path(), &["--expired", "--kind", "ops"]),
        (strings(&[]), strings(&[]))
    );
    let out = run_ok(dir.path(), &["list", "--owner", "x", "--kind", "ops"]);
    assert_eq!(out.stdout, "no toggles match --owner x --kind ops\n");
    // `--envs` keeps the same rows.
    let out = run_ok(
        dir.path(),
        &[
            "list",
            "--envs",
            "--expired",
            "--today",
            "2026-12-06",
            "--json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["toggles"].as_array().unwrap().len(), 1);
    assert_eq!(json["toggles"][0]["name"], "pay_a");
    assert_eq!(json["toggles"][0]["owner"], "payments");
    assert_eq!(json["toggles"][0]["kind"], "experiment");
    assert_eq!(json["toggles"][0]["expires"], "2026-12-05");
    assert_eq!(json["releases"][0]["name"], "checkout");
    assert_eq!(json["releases"][0]["kind"], serde_json::Value::Null);
}

#[test]
fn a_kind_that_is_not_one_of_the_four_is_refused_naming_them() {
    let (dir, _) = folder_with(LIFECYCLE);
    let out = expect(dir.path(), &["list", "--kind", "feature"], 2);
    for kind in ["release", "experiment", "ops", "permission"] {
        assert!(out.stderr.contains(&format!("`{kind}`")), "{}", out.stderr);
    }
    assert!(out.stderr.contains("\"feature\""), "{}", out.stderr);
    let out = expect(
        dir.path(),
        &["list", "--expired", "--today", "2026-13-01"],
        2,
    );
    assert!(out.stderr.contains("--today"), "{}", out.stderr);
}

#[test]
fn list_shows_owner_kind_and_expiry_columns_only_where_a_row_has_them() {
    let (dir, _) = folder_with(LIFECYCLE);
    let out = run_ok(dir.path(), &["list", "--today", "2026-12-06"]);
    assert_eq!(
        out.stdout,
        "\
TOGGLE  STATE  FROM     RELEASE   OWNER     KIND        CREATED  AGE  EXPIRES               DESCRIPTION
fuzzy   OFF    release  search    -         permission  -        -    2027-01-31
kill    ON     own      -         sre       ops         -        -    -
pay_a   ON     release  checkout  payments  experiment  -        -    2026-12-05 (expired)
pay_b   ON     release  checkout  payments  release     -        -    2026-12-06
plain   OFF    default  -         -         release     -        -    -

RELEASE   STATE  TOGGLES         OWNER        EXPIRES               DESCRIPTION
checkout  ON     2 of 2 enabled  payments     2026-12-05 (expired)
search    OFF    0 of 1 enabled  search team  2026-12-06
"
    );
    // Rows without them: no column at all.
    let out = run_ok(
        dir.path(),
        &[
            "list",
            "--owner",
            "payments",
            "--kind",
            "release",
            "--today",
            "2026-12-06",
        ],
    );
    assert_eq!(
        out.stdout,
        "\
TOGGLE  STATE  FROM     RELEASE   OWNER     CREATED  AGE  EXPIRES     DESCRIPTION
pay_b   ON     release  checkout  payments  -        -    2026-12-06
"
    );
    let out = run_ok(
        dir.path(),
        &["list", "--release", "search", "--owner", "nobody"],
    );
    assert_eq!(out.stdout, "no toggles match --owner nobody\n");
    let out = run_ok(dir.path(), &["list", "--kind", "ops"]);
    assert_eq!(
        out.stdout,
        "\
TOGGLE  STATE  FROM  RELEASE  OWNER  KIND  CREATED  AGE  DESCRIPTION
kill    ON     own   -        sre    ops   -        -
"
    );
}

#[test]
fn json_and_show_carry_owner_kind_and_expires() {
    let (dir, _) = folder_with(LIFECYCLE);
    let out = run_ok(dir.path(), &["list", "--json", "--today", "2026-12-06"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["today"], "2026-12-06");
    let toggle = |name: &str| {
        json["toggles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()
            .clone()
    };
    let fields = |t: serde_json::Value| {
        (
            t["owner"].clone(),
            t["kind"].clone(),
            t["expires"].clone(),
            t["expired"].clone(),
        )
    };
    use serde_json::json;
    assert_eq!(
        fields(toggle("pay_a")),
        (
            json!("payments"),
            json!("experiment"),
            json!("2026-12-05"),
            json!(true)
        )
    );
    assert_eq!(
        fields(toggle("pay_b")),
        (
            json!("payments"),
            json!("release"),
            json!("2026-12-06"),
            json!(false)
        )
    );
    assert_eq!(
        fields(toggle("plain")),
        (json!(null), json!("release"), json!(null), json!(false)),
        "kind is `release` where it is not written"
    );
    assert_eq!(json["releases"][0]["owner"], "payments");
    assert_eq!(json["releases"][0]["expires"], "2026-12-05");
    assert_eq!(json["releases"][0]["expired"], true);
    assert_eq!(json["releases"][1]["expired"], false);

    let out = run_ok(dir.path(), &["show", "pay_a", "--today", "2026-12-06"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[1..5],
        [
            "  owner        payments",
            "  kind         experiment",
            "  expires      2026-12-05 (expired 1 day ago)",
            "  release      checkout: 2 of 2 enabled, release ON; owner payments; \
             expires 2026-12-05 (expired 1 day ago)",
        ],
        "{}",
        out.stdout
    );
    let out = run_ok(dir.path(), &["show", "fuzzy", "--today", "2026-12-06"]);
    assert!(
        out.stdout.contains("\n  kind         permission\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\n  expires      2027-01-31 (in 56 days)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("release OFF; owner search team; expires 2026-12-06 (today, the last day)\n"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("  owner "),
        "no owner of its own: {}",
        out.stdout
    );
    // The default kind and absent fields print nothing.
    let out = run_ok(dir.path(), &["show", "plain"]);
    for field in ["owner", "kind", "expires"] {
        assert!(
            !out.stdout.contains(&format!("  {field} ")),
            "{}",
            out.stdout
        );
    }
    let out = run_ok(
        dir.path(),
        &["show", "pay_b", "--json", "--today", "2026-12-07"],
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["toggle"]["owner"], "payments");
    assert_eq!(json["toggle"]["kind"], "release");
    assert_eq!(json["toggle"]["expires"], "2026-12-06");
    assert_eq!(json["toggle"]["expired"], true);
    assert_eq!(json["release"]["owner"], "payments");
    assert_eq!(json["release"]["expires"], "2026-12-05");
}

/// Without `--today`, dates count from the local date, in the zone `TZ`
/// names: 26 hours apart, UTC+14 and UTC−12 are never on the same date.
#[test]
fn the_default_today_is_the_local_date() {
    let (dir, _) = folder_with(FILE);
    let today_in = |tz: &str| {
        let out = crate::common::command(dir.path(), &["list", "--json"])
            .env("TZ", tz)
            .output()
            .expect("run toggles");
        assert!(out.status.success());
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        json["today"]
            .as_str()
            .expect("today")
            .parse::<toggles::Date>()
            .expect("a date")
    };
    // POSIX zones (no time zone database needed): `<+14>-14` is UTC+14.
    let (east, west) = (today_in("<+14>-14"), today_in("<-12>+12"));
    assert!(west.days_until(east) >= 1, "{west} then {east}");
}
