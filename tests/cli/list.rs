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
    let out = run_ok(dir.path(), &["list"]);
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
    let out = run_ok(dir.path(), &["list", "--json"]);
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
