//! Lifecycle fields: `owner`, `kind` and `expires` on a toggle, `owner` and
//! `expires` on a release; validated as strictly as the rest of the file.

use toggles::{Date, Error, Kind, Snapshot, ToggleInfo};

fn parse(text: &str) -> Snapshot {
    Snapshot::parse("toggles.toml", text.as_bytes()).unwrap()
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

#[test]
fn a_toggle_and_a_release_carry_their_lifecycle_fields() {
    let text = "\
[releases.checkout]
owner = \"web-team\"
expires = 2027-03-01

[toggles.new_search]
description = \"Search ranked by the new model\"
owner = \"search-team\"
kind = \"experiment\"
created = 2026-11-24
expires = 2027-01-31

[toggles.kill_switch]
kind = \"ops\"
owner = \"sre: Ada Lovelace\"

[toggles.plain]
";
    let snapshot = parse(text);
    let search = snapshot.get("new_search").unwrap();
    assert_eq!(search.owner(), Some("search-team"));
    assert_eq!(search.kind(), Kind::Experiment);
    assert_eq!(search.expires(), Some(date("2027-01-31")));
    assert_eq!(search.description(), Some("Search ranked by the new model"));
    assert_eq!(search.created(), Some(date("2026-11-24")));
    assert_eq!(search.name(), "new_search");
    let kill = snapshot.get("kill_switch").unwrap();
    assert_eq!(
        (
            kill.owner(),
            kill.kind(),
            kill.expires(),
            kill.description()
        ),
        (Some("sre: Ada Lovelace"), Kind::Ops, None, None)
    );
    let plain = snapshot.get("plain").unwrap();
    assert_eq!(
        (plain.owner(), plain.kind(), plain.expires()),
        (None, Kind::Release, None),
        "the default kind is `release`"
    );
    let release = snapshot.release("checkout").unwrap();
    assert_eq!(release.owner(), Some("web-team"));
    assert_eq!(release.expires(), Some(date("2027-03-01")));
}

/// Every combination of the optional texts a toggle keeps in its one heap
/// block reads back as written (they share it: a wrong offset would show).
#[test]
fn every_combination_of_optional_texts_reads_back() {
    let owners = [None, Some("team-a"), Some("é-team ü")];
    let expires = [None, Some("2027-01-31")];
    let descriptions = [None, Some(""), Some("multi\nline é")];
    for owner in owners {
        for expiry in expires {
            for description in descriptions {
                let mut text = String::from("[toggles.a_name]\n");
                if let Some(owner) = owner {
                    text.push_str(&format!("owner = {owner:?}\n"));
                }
                if let Some(expiry) = expiry {
                    text.push_str(&format!("expires = {expiry}\n"));
                }
                if let Some(description) = description {
                    text.push_str(&format!("description = {description:?}\n"));
                }
                text.push_str("kind = \"permission\"\n");
                let snapshot = parse(&text);
                let toggle = snapshot.get("a_name").unwrap();
                assert_eq!(toggle.name(), "a_name", "{text}");
                assert_eq!(toggle.owner(), owner, "{text}");
                assert_eq!(toggle.expires(), expiry.map(date), "{text}");
                assert_eq!(toggle.description(), description, "{text}");
                assert_eq!(toggle.kind(), Kind::Permission, "{text}");
            }
        }
    }
}

#[test]
fn a_toggle_keeps_its_size() {
    assert_eq!(std::mem::size_of::<ToggleInfo>(), 56);
}

#[test]
fn kinds_read_and_write_as_the_file_spells_them() {
    for kind in Kind::ALL {
        assert_eq!(kind.as_str().parse::<Kind>(), Ok(kind));
        assert_eq!(kind.to_string(), kind.as_str());
    }
    assert!(Kind::Release.is_temporary() && Kind::Experiment.is_temporary());
    assert!(!Kind::Ops.is_temporary() && !Kind::Permission.is_temporary());
    let error = "Ops".parse::<Kind>().unwrap_err().to_string();
    assert!(
        error.contains("`release`, `experiment`, `ops` or `permission`"),
        "{error}"
    );
}

#[test]
fn each_mistake_in_a_lifecycle_field_is_an_error_with_help() {
    let cases: &[(&str, usize, usize, &str, &str)] = &[
        (
            "[toggles.a]\nkind = \"experiement\"\n",
            2,
            8,
            "`kind` of toggle `a` is \"experiement\", not one of the four kinds (`release`, \
             `experiment`, `ops`, `permission`); did you mean `experiment`?",
            "`kind = \"release\"`",
        ),
        (
            "[toggles.a]\ncreated = 2026-11-24\nexpires = 2026-11-23\n",
            3,
            11,
            "`expires` of toggle `a` is 2026-11-23, before its `created` (2026-11-24)",
            "after its `created`",
        ),
        (
            "[toggles.a]\nowner = \"  \"\n",
            2,
            9,
            "`owner` of toggle `a` is empty",
            "the team or person",
        ),
        (
            "[toggles.a]\nowner = \"a\\nb\"\n",
            2,
            9,
            "`owner` of toggle `a` has a line break",
            "one line of text",
        ),
        (
            "[releases.r]\nowner = \"\"\n",
            2,
            9,
            "`owner` of release `r` is empty",
            "the team or person",
        ),
        (
            "[toggles.a]\nexpires = \"2027-01-31\"\n",
            2,
            11,
            "`expires` is a string, not a date: remove the quotes",
            "like `created = 2026-11-24`",
        ),
        (
            "[toggles.a]\nexpires = 10:00:00\n",
            2,
            11,
            "`expires` of toggle `a` has no date",
            "`expires = 2027-01-31`",
        ),
        (
            "[toggles.a]\nowner = 7\n",
            2,
            9,
            "invalid type: integer `7`, expected a string",
            "fields: enabled",
        ),
        (
            "[releases.r]\nkind = \"ops\"\n",
            2,
            1,
            "unknown field `kind`",
            "[releases.NAME] (fields: enabled, rollout, allow, schedule, env.…, description, \
             owner, expires)",
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
