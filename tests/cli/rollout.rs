//! Rollouts and allow lists in the CLI: `list` and `show` (with `--key`),
//! and the edit commands `rollout`, `allow`, `disallow`, with their
//! `release` forms, and how `on`, `off` and `follow` treat them.
//!
//! Buckets are never written down here: each test asks the library
//! (`Snapshot::parse(…).get(name).evaluate(Some(key))`) what a key gets,
//! and checks that the CLI prints that.

use std::fs;

use toggles::{Reason, Snapshot};

use crate::common::{edited, expect, folder_with, read, run_ok};

/// Comments around and inside the tables the edits touch.
const FILE: &str = r#"# Rollouts of the shop.
bucketing = "flagd-v3"

[releases.checkout-v2]
description = "New checkout flow"
rollout = 25   # a quarter of users
allow = ["qa-1"]

[toggles.new_cart]
release = "checkout-v2"

[toggles.one_click_pay]
release = "checkout-v2"
enabled = false

[toggles.new_search]
description = "Search ranked by the new model"
# ten percent first
rollout = 12.5
allow = [
  # staff
  "staff-ada",  # lead
  "staff-bob",
]
created = 2026-11-26

[toggles.dark_mode]
enabled = true # for everyone
"#;

fn snapshot(text: &str) -> Snapshot {
    Snapshot::parse("toggles.toml", text.as_bytes()).expect("a valid file")
}

/// The first key `user-N` that the library puts inside (`true`) or outside
/// (`false`) the rollout of `name`, with its bucket.
fn key_where(text: &str, name: &str, inside: bool) -> (String, u16) {
    let snapshot = snapshot(text);
    let toggle = snapshot.get(name).expect("defined");
    (0..10_000)
        .map(|n| format!("user-{n}"))
        .find_map(|key| match toggle.evaluate(Some(&key)) {
            e @ toggles::Evaluation {
                reason: Reason::Bucket { bucket, .. },
                ..
            } if e.enabled == inside => Some((key, bucket)),
            _ => None,
        })
        .expect("some key on each side")
}

fn first_line(stdout: &str) -> &str {
    stdout.lines().next().unwrap_or_default()
}

#[test]
fn list_has_a_rollout_column_and_json_fields() {
    let (dir, _) = folder_with(FILE);
    let out = run_ok(dir.path(), &["list"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("TOGGLE         STATE  ROLLOUT            FROM     RELEASE"),
        "{}",
        out.stdout
    );
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no row {name}:\n{}", out.stdout))
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .take(4)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        row("new_search"),
        ["new_search", "OFF", "12.5% + 2 allowed", "own"]
    );
    // A follower shows its release's rollout: FROM says whose it is.
    assert_eq!(
        row("new_cart"),
        ["new_cart", "OFF", "25% + 1 allowed", "release"]
    );
    assert_eq!(row("dark_mode"), ["dark_mode", "ON", "-", "own"]);
    assert!(
        out.stdout
            .contains("RELEASE      STATE  ROLLOUT          TOGGLES         DESCRIPTION\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("checkout-v2  OFF    25% + 1 allowed  0 of 2 enabled  New checkout flow\n"),
        "{}",
        out.stdout
    );

    let json: serde_json::Value =
        serde_json::from_str(&run_ok(dir.path(), &["list", "--json"]).stdout).unwrap();
    assert_eq!(json["bucketing"], "flagd-v3");
    let toggle = |name: &str| {
        json["toggles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()
            .clone()
    };
    let search = toggle("new_search");
    assert_eq!(search["rollout"].as_f64(), Some(12.5));
    assert_eq!(
        search["allow"],
        serde_json::json!(["staff-ada", "staff-bob"])
    );
    // The fields bots already read are unchanged.
    assert_eq!(search["enabled"], false);
    assert_eq!(search["source"], "own");
    assert_eq!(search["line"], 16);
    let cart = toggle("new_cart");
    assert_eq!(cart["rollout"], serde_json::json!(25));
    assert!(cart["rollout"].is_u64(), "a whole percent is an integer");
    assert_eq!(cart["allow"], serde_json::json!(["qa-1"]));
    let dark = toggle("dark_mode");
    assert!(dark["rollout"].is_null());
    assert_eq!(dark["allow"], serde_json::json!([]));
    let release = &json["releases"][0];
    assert_eq!(release["rollout"], serde_json::json!(25));
    assert_eq!(release["allow"], serde_json::json!(["qa-1"]));
    assert_eq!(release["enabled"], false);

    // Without rollouts or allow lists, no column (the file lists as before),
    // and the default bucketing.
    let (plain, _) = folder_with("[toggles.a]\nenabled = true\n");
    let out = run_ok(plain.path(), &["list"]);
    assert!(!out.stdout.contains("ROLLOUT"), "{}", out.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(plain.path(), &["list", "--json"]).stdout).unwrap();
    assert_eq!(json["bucketing"], "flagd-v3");
    assert!(json["toggles"][0]["rollout"].is_null());
}

#[test]
fn show_key_says_what_a_key_gets_and_why() {
    let (dir, _) = folder_with(FILE);
    let show = |args: &[&str]| run_ok(dir.path(), args).stdout;

    // In the toggle's own allow list.
    let out = show(&["show", "new_search", "--key", "staff-bob"]);
    assert_eq!(
        first_line(&out),
        "new_search for key staff-bob: ON — staff-bob is in the `allow` list of the toggle itself (toggles.toml:20)"
    );

    // By bucket, each side of the rollout, as the library computes it.
    for inside in [true, false] {
        let (key, bucket) = key_where(FILE, "new_search", inside);
        let out = show(&["show", "new_search", "--key", &key]);
        let (state, below) = if inside {
            ("ON", "below")
        } else {
            ("OFF", "not below")
        };
        assert_eq!(
            first_line(&out),
            format!(
                "new_search for key {key}: {state} — bucket {bucket} of 10000 is {below} 12.5% (1250): \
                 the toggle's own rollout (`rollout = 12.5`, toggles.toml:19)"
            )
        );
        let json: serde_json::Value =
            serde_json::from_str(&show(&["show", "new_search", "--key", &key, "--json"])).unwrap();
        let evaluation = &json["evaluation"];
        assert_eq!(evaluation["key"], key.as_str());
        assert_eq!(evaluation["enabled"], inside);
        assert_eq!(evaluation["reason"], "bucket");
        assert_eq!(evaluation["bucket"], bucket);
        assert_eq!(evaluation["rollout"].as_f64(), Some(12.5));
        assert_eq!(evaluation["source"], "own");
        assert_eq!(evaluation["line"], 19);
        assert_eq!(evaluation["bucketing"], "flagd-v3");
    }

    // A follower: the release's allow list, and the release's buckets.
    let out = show(&["show", "new_cart", "--key", "qa-1"]);
    assert_eq!(
        first_line(&out),
        "new_cart for key qa-1: ON — qa-1 is in the `allow` list of release checkout-v2 (toggles.toml:7)"
    );
    let (key, bucket) = key_where(FILE, "new_cart", true);
    let out = show(&["show", "new_cart", "--key", &key]);
    assert_eq!(
        first_line(&out),
        format!(
            "new_cart for key {key}: ON — bucket {bucket} of 10000 is below 25% (2500): \
             the rollout of release checkout-v2 (`rollout = 25`, toggles.toml:6), bucketed by the release"
        )
    );
    let json: serde_json::Value =
        serde_json::from_str(&show(&["show", "new_cart", "--key", &key, "--json"])).unwrap();
    assert_eq!(json["evaluation"]["source"], "release");
    assert_eq!(json["evaluation"]["release"], "checkout-v2");
    assert_eq!(json["evaluation"]["bucket"], bucket);

    // A fixed value: the same for every key.
    let out = show(&["show", "dark_mode", "--key", "anyone"]);
    assert_eq!(
        first_line(&out),
        "dark_mode for key anyone: ON — the same for every key: \
         set on the toggle itself (`enabled = true`, toggles.toml:28)"
    );
    let json: serde_json::Value =
        serde_json::from_str(&show(&["show", "dark_mode", "--key", "anyone", "--json"])).unwrap();
    assert_eq!(json["evaluation"]["reason"], "value");
    assert!(json["evaluation"]["bucket"].is_null());
}

#[test]
fn show_says_an_allow_list_changes_nothing_while_every_key_is_on() {
    let (dir, _) = folder_with("[toggles.a]\nenabled = true\nallow = [\"ada\"]\n");
    let out = run_ok(dir.path(), &["show", "a"]).stdout;
    for line in [
        "  allow        ada — changes nothing while every key is on (toggles.toml:3)\n",
        "  no key       ON: `enabled = true` is on for every key\n",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    assert!(
        !out.contains("--key KEY"),
        "no key needs looking at:\n{out}"
    );
}

#[test]
fn show_without_a_key_mentions_the_rollout_and_what_no_key_gets() {
    let (dir, _) = folder_with(FILE);
    let out = run_ok(dir.path(), &["show", "new_search"]).stdout;
    assert_eq!(
        first_line(&out),
        "new_search: OFF — rolled out on the toggle itself (`rollout = 12.5`, toggles.toml:19)"
    );
    for line in [
        "  rollout      12.5% of keys, bucketed by flagd-v3 (toggles.toml:19)\n",
        "  allow        staff-ada, staff-bob — 2 keys always on (toggles.toml:20)\n",
        "  no key       OFF: a rollout is on without a key only at 100%\n",
        "  a key        `toggles show new_search --key KEY` says what one key gets\n",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    let out = run_ok(dir.path(), &["show", "new_cart"]).stdout;
    assert_eq!(
        first_line(&out),
        "new_cart: OFF — from release checkout-v2, rolled out (`rollout = 25`, toggles.toml:6)"
    );
    assert!(
        out.contains(
            "  allow        qa-1 — 1 key always on, release checkout-v2's (toggles.toml:7)\n"
        ),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(dir.path(), &["show", "new_search", "--json"]).stdout)
            .unwrap();
    assert!(json["evaluation"]["key"].is_null());
    assert_eq!(json["evaluation"]["reason"], "no_key");
    assert_eq!(json["evaluation"]["enabled"], false);
    assert_eq!(json["toggle"]["rollout"].as_f64(), Some(12.5));

    // An empty key is no key, as in the library.
    let out = run_ok(dir.path(), &["show", "new_search", "--key", ""]).stdout;
    assert!(out.starts_with("new_search: OFF — "), "{out}");
    assert!(out.contains("an empty key is no key"), "{out}");
    // A toggle without rollout or allow list shows no such lines.
    let out = run_ok(dir.path(), &["show", "dark_mode"]).stdout;
    assert!(!out.contains("no key") && !out.contains("rollout"), "{out}");
}

#[test]
fn rollout_sets_the_percent_removes_enabled_and_keeps_the_rest() {
    let (dir, path) = folder_with(FILE);
    let out = run_ok(dir.path(), &["rollout", "new_search", "5"]);
    assert_eq!(
        out.stdout,
        "new_search: 12.5% of keys + 2 allowed → 5% of keys + 2 allowed (set on the toggle itself)\n\
         \x20 a check without a key gets OFF: a rollout is on without a key only at 100%\n\
         wrote toggles.toml\n"
    );
    // A whole percent is written as an integer; the comment above stays.
    assert_eq!(
        read(&path),
        edited(FILE, &[("rollout = 12.5\n", "rollout = 5\n")])
    );
    run_ok(dir.path(), &["rollout", "new_search", "33.33%"]);
    assert_eq!(
        read(&path),
        edited(FILE, &[("rollout = 12.5\n", "rollout = 33.33\n")])
    );

    // `enabled` goes (both together are invalid), its trailing comment with it.
    let out = run_ok(dir.path(), &["rollout", "dark_mode", "100"]);
    assert_eq!(
        first_line(&out.stdout),
        "dark_mode: ON → 100% of keys (set on the toggle itself)"
    );
    assert!(
        !out.stdout.contains("without a key gets OFF"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(&path),
        edited(
            FILE,
            &[
                ("rollout = 12.5\n", "rollout = 33.33\n"),
                ("enabled = true # for everyone\n", "rollout = 100\n"),
            ]
        )
    );
    let out = run_ok(dir.path(), &["rollout", "dark_mode", "100.0"]);
    assert_eq!(
        out.stdout,
        "dark_mode: already 100% of keys\nnothing to change in toggles.toml\n"
    );

    // A follower gets a rollout of its own, which wins over its release.
    let out = run_ok(dir.path(), &["rollout", "new_cart", "0.01"]);
    assert_eq!(
        first_line(&out.stdout),
        "new_cart: 25% of keys + 1 allowed → 0.01% of keys \
         (set on the toggle itself, over release checkout-v2 (25% of keys + 1 allowed))"
    );
    assert!(
        read(&path).contains("[toggles.new_cart]\nrelease = \"checkout-v2\"\nrollout = 0.01\n")
    );
    let after = snapshot(&read(&path));
    assert_eq!(
        after
            .get("new_cart")
            .unwrap()
            .rollout()
            .map(|r| r.basis_points()),
        Some(1)
    );
}

#[test]
fn an_invalid_percent_is_refused_and_the_file_untouched() {
    let (dir, path) = folder_with(FILE);
    for percent in [
        "12.345",
        "101",
        "100.01",
        "-1",
        "abc",
        "1e1",
        "",
        ".5",
        "5.",
        "12,5",
        "nan",
        "12.340000000000000001",
    ] {
        let out = expect(dir.path(), &["rollout", "new_search", percent], 2);
        assert!(
            out.stderr
                .contains("is not a percent from 0 to 100 with at most two decimals"),
            "{percent:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("like 10 or 12.5"), "{}", out.stderr);
        assert_eq!(read(&path), FILE, "{percent:?} must not write");
    }
    let out = expect(dir.path(), &["release", "rollout", "checkout-v2", "250"], 2);
    assert!(out.stderr.contains("not a percent"), "{}", out.stderr);
    // Unknown names get the usual hints, and nothing is written.
    let out = expect(dir.path(), &["rollout", "new_serch", "5"], 1);
    assert!(
        out.stderr.contains("did you mean `new_search`?"),
        "{}",
        out.stderr
    );
    let out = expect(dir.path(), &["release", "rollout", "checkout", "5"], 1);
    assert!(
        out.stderr.contains("did you mean `checkout-v2`?"),
        "{}",
        out.stderr
    );
    assert_eq!(read(&path), FILE);
}

#[test]
fn off_says_one_allowed_key_stays_on() {
    let (dir, _path) = folder_with(FILE);
    let out = run_ok(dir.path(), &["release", "off", "checkout-v2"]);
    assert!(
        out.stdout
            .contains("\n  1 key stays on through its `allow` list: qa-1 "),
        "{}",
        out.stdout
    );
}

#[test]
fn on_and_off_remove_the_rollout_and_keep_the_allow_list() {
    let (dir, path) = folder_with(FILE);
    let out = run_ok(dir.path(), &["off", "new_search"]);
    assert_eq!(
        out.stdout,
        "new_search: 12.5% of keys + 2 allowed → OFF + 2 allowed (set on the toggle itself)\n\
         \x20 2 keys stay on through its `allow` list: staff-ada, staff-bob \
         (`toggles disallow new_search KEY…` takes keys out)\n\
         wrote toggles.toml\n"
    );
    // `enabled` takes the place of `rollout`, below the comment line above it.
    assert_eq!(
        read(&path),
        edited(FILE, &[("rollout = 12.5\n", "enabled = false\n")])
    );
    let snap = snapshot(&read(&path));
    let search = snap.get("new_search").unwrap();
    assert!(search.is_enabled_for("staff-ada") && !search.is_enabled_for("user-1"));

    let out = run_ok(dir.path(), &["on", "new_search"]);
    assert_eq!(
        first_line(&out.stdout),
        "new_search: OFF + 2 allowed → ON + 2 allowed (set on the toggle itself)"
    );
    let out = run_ok(dir.path(), &["on", "new_search"]);
    assert!(
        out.stdout
            .starts_with("new_search: already ON + 2 allowed\n"),
        "{}",
        out.stdout
    );

    // `follow` drops the whole own state, and says what the list held.
    let out = run_ok(dir.path(), &["follow", "new_search"]);
    assert!(
        out.stdout
            .contains("  dropped its own `allow` list (2 keys): staff-ada, staff-bob\n"),
        "{}",
        out.stdout
    );
    let snap = snapshot(&read(&path));
    let search = snap.get("new_search").unwrap();
    assert_eq!(search.source(), toggles::Source::Default);
    assert_eq!(search.allow().len(), 0);
    // The comment line above the dropped keys stays.
    assert!(
        read(&path).contains("# ten percent first\ncreated = 2026-11-26\n"),
        "{}",
        read(&path)
    );
}

#[test]
fn allow_and_disallow_keep_the_layout_of_the_list() {
    let (dir, path) = folder_with(FILE);
    let out = run_ok(
        dir.path(),
        &["allow", "new_search", "staff-cy", "staff-ada", "staff-cy"],
    );
    assert_eq!(
        out.stdout,
        "new_search: 12.5% of keys + 2 allowed → 12.5% of keys + 3 allowed (set on the toggle itself)\n\
         \x20 staff-cy: allowed\n\
         \x20 staff-ada: already allowed\n\
         wrote toggles.toml\n"
    );
    assert_eq!(
        read(&path),
        edited(
            FILE,
            &[("  \"staff-bob\",\n", "  \"staff-bob\",\n  \"staff-cy\",\n")]
        )
    );
    let out = run_ok(dir.path(), &["allow", "new_search", "staff-ada"]);
    assert_eq!(
        out.stdout,
        "new_search: already 12.5% of keys + 3 allowed\n\
         \x20 staff-ada: already allowed\n\
         nothing to change in toggles.toml\n"
    );

    // The first key goes: the comment line above it stays, its own goes.
    let out = run_ok(
        dir.path(),
        &["disallow", "new_search", "staff-ada", "nobody"],
    );
    assert!(
        out.stdout.contains("  staff-ada: no longer allowed\n")
            && out
                .stdout
                .contains("  nobody: not in the `allow` list (it holds staff-bob, staff-cy)\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(&path),
        edited(
            FILE,
            &[(
                "  # staff\n  \"staff-ada\",  # lead\n  \"staff-bob\",\n",
                "  # staff\n  \"staff-bob\",\n  \"staff-cy\",\n"
            )]
        )
    );
    // The last keys go: so does the `allow` line.
    let out = run_ok(
        dir.path(),
        &["disallow", "new_search", "staff-bob", "staff-cy"],
    );
    assert!(
        out.stdout
            .contains("  no keys left: the `allow` line is removed\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(&path),
        edited(
            FILE,
            &[(
                "allow = [\n  # staff\n  \"staff-ada\",  # lead\n  \"staff-bob\",\n]\n",
                ""
            )]
        )
    );
    let out = run_ok(dir.path(), &["disallow", "new_search", "staff-bob"]);
    assert!(
        out.stdout
            .contains("  staff-bob: not allowed (no `allow` list of its own)\n"),
        "{}",
        out.stdout
    );

    // A new list is one line, last in its table; a one-line list stays one.
    run_ok(dir.path(), &["allow", "dark_mode", "ada", "bob"]);
    assert!(
        read(&path).contains("enabled = true # for everyone\nallow = [\"ada\", \"bob\"]\n"),
        "{}",
        read(&path)
    );
    run_ok(dir.path(), &["allow", "dark_mode", "cy"]);
    run_ok(dir.path(), &["disallow", "dark_mode", "ada"]);
    assert!(
        read(&path).contains("allow = [\"bob\", \"cy\"]\n"),
        "{}",
        read(&path)
    );
}

#[test]
fn allow_is_refused_on_a_follower_and_for_an_empty_key() {
    let (dir, path) = folder_with(FILE);
    let out = expect(dir.path(), &["allow", "new_cart", "ada"], 1);
    assert!(
        out.stderr.contains(
            "toggle `new_cart` follows release checkout-v2 (25% of keys + 1 allowed): \
             an `allow` list of its own would make its own table decide, OFF for every key not in the list"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("`toggles release allow checkout-v2 KEY…`"),
        "{}",
        out.stderr
    );
    let out = expect(dir.path(), &["allow", "new_search", ""], 2);
    assert!(
        out.stderr.contains("an empty key cannot be allowed"),
        "{}",
        out.stderr
    );
    let out = expect(dir.path(), &["disallow", "new_search"], 2);
    assert!(out.stderr.contains("<KEYS>"), "{}", out.stderr);
    assert_eq!(read(&path), FILE);
}

#[test]
fn release_rollout_allow_and_on_edit_the_release_table() {
    let (dir, path) = folder_with(FILE);
    let out = run_ok(dir.path(), &["release", "rollout", "checkout-v2", "50"]);
    assert_eq!(
        out.stdout,
        "release checkout-v2: 25% of keys + 1 allowed → 50% of keys + 1 allowed\n\
         \x20 1 of 2 toggles follow its rollout of 50%; 0 of 2 enabled for a check without a key\n\
         \x20 one_click_pay stays OFF: its own `enabled = false` wins (`toggles follow one_click_pay` lets the release decide)\n\
         \x20 a check without a key gets OFF: a rollout is on without a key only at 100%\n\
         wrote toggles.toml\n"
    );
    // The value's trailing comment stays.
    assert_eq!(
        read(&path),
        edited(FILE, &[("rollout = 25   #", "rollout = 50   #")])
    );

    let out = run_ok(dir.path(), &["release", "allow", "checkout-v2", "qa-2"]);
    assert!(out.stdout.contains("  qa-2: allowed\n"), "{}", out.stdout);
    assert!(read(&path).contains("allow = [\"qa-1\", \"qa-2\"]\n"));
    let snap = snapshot(&read(&path));
    assert!(snap.get("new_cart").unwrap().is_enabled_for("qa-2"));

    // `release on` means every key: the rollout goes, the list stays.
    let out = run_ok(dir.path(), &["release", "on", "checkout-v2"]);
    assert!(
        out.stdout
            .starts_with("release checkout-v2: 50% of keys + 2 allowed → ON + 2 allowed\n  1 of 2 toggles enabled\n"),
        "{}",
        out.stdout
    );
    // `enabled` takes the place of `rollout`; the trailing comment spoke
    // of the rollout, and goes with it.
    assert_eq!(
        read(&path),
        edited(
            FILE,
            &[
                ("rollout = 25   # a quarter of users\n", "enabled = true\n"),
                ("allow = [\"qa-1\"]\n", "allow = [\"qa-1\", \"qa-2\"]\n"),
            ]
        )
    );
    let out = run_ok(dir.path(), &["release", "off", "checkout-v2"]);
    assert!(
        out.stdout.contains(
            "  2 keys stay on through its `allow` list: qa-1, qa-2 \
             (`toggles release disallow checkout-v2 KEY…` takes keys out)\n"
        ),
        "{}",
        out.stdout
    );
    run_ok(
        dir.path(),
        &["release", "disallow", "checkout-v2", "qa-1", "qa-2"],
    );
    assert_eq!(
        read(&path),
        edited(
            FILE,
            &[
                ("rollout = 25   # a quarter of users\n", ""),
                ("allow = [\"qa-1\"]\n", "enabled = false\n"),
            ]
        )
    );
}

/// The new edit commands refuse a read-only file as the others do, and
/// replace it with `--force`.
#[cfg(unix)]
#[test]
fn the_key_edits_respect_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, path) = folder_with(FILE);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let edits: [&[&str]; 6] = [
        &["rollout", "new_search", "20"],
        &["allow", "new_search", "x"],
        &["disallow", "new_search", "staff-ada"],
        &["release", "rollout", "checkout-v2", "20"],
        &["release", "allow", "checkout-v2", "x"],
        &["release", "disallow", "checkout-v2", "qa-1"],
    ];
    for args in edits {
        let out = expect(dir.path(), args, 1);
        assert!(
            out.stderr.contains("toggles.toml is read-only") && out.stderr.contains("--force"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(read(&path), FILE, "{args:?} must not write");
    }
    for args in edits {
        let mut forced = args.to_vec();
        forced.push("--force");
        run_ok(dir.path(), &forced);
    }
    let snap = snapshot(&read(&path));
    assert_eq!(
        snap.get("new_search").unwrap().allow().collect::<Vec<_>>(),
        ["staff-bob", "x"]
    );
    assert_eq!(
        snap.release("checkout-v2")
            .unwrap()
            .allow()
            .collect::<Vec<_>>(),
        ["x"]
    );
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o444
    );
}
