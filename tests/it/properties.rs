//! Property tests: the loader never panics and always locates its errors;
//! appends keep every byte and parse; invalid names are never written.

use proptest::prelude::*;
use toggles::{Error, Snapshot, Store};

use crate::support::Fixture;

fn slug() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,40}"
}

/// A name that is not a slug: empty, too long, or with a character outside
/// the slug alphabet (space, quote, newline, bracket, dot, non-ASCII, …).
fn invalid_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z]{256,300}",
        (
            "[a-z_]{0,10}",
            "[ \"'\n\r\t\\[\\]{}.=#é\u{0}\u{feff}\u{1F600}]",
            "[a-z_]{0,10}"
        )
            .prop_map(|(a, bad, b)| format!("{a}{bad}{b}")),
    ]
}

/// A valid file: releases, toggles with any mix of fields, comments and
/// odd spacing; one in four lays its toggles out as an inline table
/// (`toggles = { … }`), after which no `[toggles.NAME]` table may follow, so
/// an append would break the file and must be refused.
fn valid_file() -> impl Strategy<Value = String> {
    prop_oneof![3 => tabled_file(), 1 => inline_file()]
}

/// A file whose toggles are one inline table: valid TOML that the library
/// reads, but cannot append to.
fn inline_file() -> impl Strategy<Value = String> {
    prop::collection::btree_map(slug(), any::<Option<bool>>(), 1..6).prop_map(|toggles| {
        let entries: Vec<String> = toggles
            .iter()
            .map(|(name, enabled)| match enabled {
                Some(on) => format!("{name} = {{ enabled = {on} }}"),
                None => format!("{name} = {{}}"),
            })
            .collect();
        format!("# inline\ntoggles = {{ {} }}\n", entries.join(", "))
    })
}

fn tabled_file() -> impl Strategy<Value = String> {
    let releases =
        prop::collection::btree_map(slug(), (any::<Option<bool>>(), any::<bool>()), 0..4);
    (
        releases,
        prop::collection::btree_map(
            slug(),
            (any::<Option<bool>>(), any::<u8>(), any::<bool>()),
            0..8,
        ),
        any::<bool>(),
    )
        .prop_map(|(releases, toggles, final_newline)| {
            let mut text = String::from("# a user's file\n");
            for (name, (enabled, described)) in &releases {
                text.push_str(&format!("\n[releases.{name}]   # release\n"));
                if let Some(on) = enabled {
                    text.push_str(&format!("enabled={on}\n"));
                }
                if *described {
                    text.push_str("description = \"a \\\"quoted\\\" text\"\n");
                }
            }
            let release_names: Vec<&String> = releases.keys().collect();
            for (name, (enabled, pick, dated)) in &toggles {
                text.push_str(&format!("\n[toggles.{name}]\n"));
                if let Some(on) = enabled {
                    text.push_str(&format!("  enabled = {on}\n"));
                }
                if !release_names.is_empty() && pick % 2 == 0 {
                    text.push_str(&format!(
                        "release = \"{}\"\n",
                        release_names[*pick as usize % release_names.len()]
                    ));
                }
                if *dated {
                    text.push_str("created = 2026-11-24\n");
                }
            }
            if !final_newline {
                text.push_str("# no final newline");
            }
            text
        })
}

/// Lines that are almost a toggles file: right and wrong keys, types and
/// tables, unterminated strings, junk.
fn near_valid_file() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("[toggles.a]".to_owned()),
        Just("[releases.r]".to_owned()),
        Just("[toggles.\"b c\"]".to_owned()),
        Just("[toggles]".to_owned()),
        Just("[[toggles.x]]".to_owned()),
        Just("[other]".to_owned()),
        Just("".to_owned()),
        Just("# comment".to_owned()),
        (
            prop::sample::select(vec![
                "enabled",
                "release",
                "description",
                "created",
                "enabeld",
                "toggles.z.enabled",
                "\"q\""
            ]),
            prop::sample::select(vec![
                "true",
                "false",
                "\"r\"",
                "\"nope\"",
                "2026-11-24",
                "12:00:00",
                "2026-11-24T10:00:00Z",
                "3",
                "[1, 2]",
                "{ a = 1 }",
                "\"unterminated",
                "'''",
                "tru",
                "",
            ])
        )
            .prop_map(|(k, v)| format!("{k} = {v}")),
        "[ -~]{0,20}",
    ];
    prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n"))
}

fn assert_located(text: &[u8], error: &Error) {
    let (line, column) = error
        .location()
        .unwrap_or_else(|| panic!("no location: {error}"));
    let lines = text.split(|&b| b == b'\n').count();
    assert!(
        line >= 1 && line <= lines.max(1),
        "line {line} of {lines}: {error}"
    );
    assert!(column >= 1, "{error}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_load_or_fail_with_a_location(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Err(error) = Snapshot::parse("toggles.toml", &bytes) {
            assert_located(&bytes, &error);
        }
    }

    #[test]
    fn near_valid_files_load_or_fail_with_a_location(text in near_valid_file()) {
        match Snapshot::parse("toggles.toml", text.as_bytes()) {
            Ok(snapshot) => {
                for toggle in snapshot.toggles() {
                    prop_assert!(toggles::is_valid_name(toggle.name()));
                }
            }
            Err(error) => assert_located(text.as_bytes(), &error),
        }
    }

    #[test]
    fn a_mutated_valid_file_loads_or_fails_with_a_location(text in valid_file(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = text.into_bytes();
        if !bytes.is_empty() {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if let Err(error) = Snapshot::parse("toggles.toml", &bytes) {
            assert_located(&bytes, &error);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn appending_a_valid_name_keeps_every_byte_and_parses(text in valid_file(), name in slug()) {
        Snapshot::parse("toggles.toml", text.as_bytes()).expect("the generator makes valid files");
        let fixture = Fixture::new(Some(&text));
        let store = Store::builder(&fixture.path).watch(false).open().unwrap();
        let existed = store.snapshot().get(&name).map(|t| t.is_enabled());
        prop_assert_eq!(store.is_enabled(&name), existed.unwrap_or(false));
        store.flush();
        let after = std::fs::read(&fixture.path).unwrap();
        prop_assert!(after.starts_with(text.as_bytes()), "the user's bytes are a prefix");
        let snapshot = Snapshot::parse("toggles.toml", &after).expect("still parses");
        prop_assert!(!snapshot.is_enabled(&name) || existed == Some(true));
        if existed.is_some() {
            prop_assert_eq!(after.len(), text.len(), "a known name appends nothing");
        } else if text.contains("toggles = {") {
            // No table can follow an inline one: the append is refused.
            prop_assert_eq!(&after, text.as_bytes(), "refused, not a byte written");
        } else {
            prop_assert!(snapshot.contains(&name));
        }
    }

    #[test]
    fn an_invalid_name_is_never_written(text in valid_file(), name in invalid_name()) {
        let fixture = Fixture::new(Some(&text));
        let store = Store::builder(&fixture.path).watch(false).open().unwrap();
        prop_assert!(!store.is_enabled(&name));
        store.flush();
        prop_assert_eq!(std::fs::read_to_string(&fixture.path).unwrap(), text);
    }
}
