//! Opening a file: validation, precedence, releases, errors.

use toggles::{Error, Source, Store};

use crate::support::Fixture;

const EXAMPLE: &str = r#"# toggles.toml — comments and layout belong to the user

[releases.checkout-v2]
description = "New checkout flow"
enabled = false

[toggles.new_cart]
description = "Cart drawer instead of cart page"
release = "checkout-v2"      # no `enabled` here: follows the release
created = 2026-11-24

[toggles.dark_mode]
enabled = true
created = 2026-11-20
"#;

fn open(text: &str) -> (Fixture, Store) {
    let fixture = Fixture::new(Some(text));
    let store = Store::builder(&fixture.path)
        .watch(false)
        .append_unknown(false)
        .open()
        .unwrap();
    (fixture, store)
}

fn open_err(text: &str) -> Error {
    let fixture = Fixture::new(Some(text));
    Store::builder(&fixture.path)
        .watch(false)
        .open()
        .expect_err("the file should be rejected")
}

#[test]
fn the_example_from_the_format_loads() {
    let (_f, store) = open(EXAMPLE);
    assert!(store.is_enabled("dark_mode"));
    assert!(!store.is_enabled("new_cart"));
    let snapshot = store.snapshot();
    let cart = snapshot.get("new_cart").unwrap();
    assert_eq!(cart.release(), Some("checkout-v2"));
    assert_eq!(cart.source(), Source::Release);
    assert_eq!(cart.description(), Some("Cart drawer instead of cart page"));
    assert_eq!(cart.created().unwrap().to_string(), "2026-11-24");
    assert_eq!(cart.line(), 7);
    assert_eq!(snapshot.get("dark_mode").unwrap().source(), Source::Own);
}

#[test]
fn precedence_is_own_then_release_then_off() {
    let (_f, store) = open(
        r#"
[releases.on]
enabled = true
[releases.silent]

[toggles.own_wins_off]
release = "on"
enabled = false
[toggles.own_wins_on]
release = "silent"
enabled = true
[toggles.follows_on]
release = "on"
[toggles.follows_silent]
release = "silent"
[toggles.bare]
"#,
    );
    let states: Vec<(&str, bool)> = [
        "own_wins_off",
        "own_wins_on",
        "follows_on",
        "follows_silent",
        "bare",
    ]
    .map(|n| (n, store.is_enabled(n)))
    .to_vec();
    assert_eq!(
        states,
        [
            ("own_wins_off", false),
            ("own_wins_on", true),
            ("follows_on", true),
            ("follows_silent", false),
            ("bare", false)
        ]
    );
    assert_eq!(
        store.snapshot().get("bare").unwrap().source(),
        Source::Default
    );
}

/// A release's line says its own state too: "0 of 1 enabled" alone read
/// as off for a release that is on with its one toggle held off.
#[test]
fn a_release_shows_its_own_state_beside_the_counts() {
    let snapshot = toggles::Snapshot::parse(
        "toggles.toml",
        b"[releases.on]\nenabled = true\n[toggles.held]\nrelease = \"on\"\nenabled = false\n\
          [releases.off]\n[toggles.f]\nrelease = \"off\"\n\
          [releases.beta]\nrollout = 12.5\nallow = [\"ada\", \"bob\"]\n[toggles.b]\nrelease = \"beta\"\n\
          [releases.staff]\nallow = [\"ada\"]\n\
          [releases.tiny]\nrollout = 0.05\n",
    )
    .unwrap();
    let shown = |name| snapshot.release(name).unwrap().to_string();
    assert_eq!(shown("on"), "on: on, 0 of 1 enabled");
    assert_eq!(shown("off"), "off: off, 0 of 1 enabled");
    assert_eq!(
        shown("beta"),
        "beta: rollout 12.5% + 2 allowed, 0 of 1 enabled"
    );
    assert_eq!(shown("staff"), "staff: off, 1 allowed, 0 of 0 enabled");
    assert_eq!(shown("tiny"), "tiny: rollout 0.05%, 0 of 0 enabled");
}

#[test]
fn a_release_reports_n_of_m_enabled() {
    let (_f, store) = open(
        r#"
[releases.checkout-v2]
enabled = true
[toggles.a]
release = "checkout-v2"
[toggles.b]
release = "checkout-v2"
[toggles.c]
release = "checkout-v2"
enabled = false
[toggles.other]
enabled = true
"#,
    );
    let release = store.release("checkout-v2").unwrap();
    assert!(release.is_enabled());
    assert_eq!(release.counts(), (2, 3));
    assert_eq!(
        release.toggles().collect::<Vec<_>>(),
        [("a", true), ("b", true), ("c", false)]
    );
    assert_eq!(release.to_string(), "checkout-v2: on, 2 of 3 enabled");
    assert!(store.release("nope").is_none());
}

/// A missing file is usually a wrong path (a program started in another
/// folder): opening fails, naming the absolute path and the current
/// directory, and says how to start a file; nothing is created.
#[test]
fn a_missing_file_is_an_error_that_names_where_it_looked() {
    let fixture = Fixture::new(None);
    let relative = fixture.dir.path().join("toggles.toml");
    for open in [
        Store::open(&relative),
        Store::builder(&relative).watch(false).open(),
        toggles::init(&relative).map(|()| toggles::global()),
    ] {
        let Err(error) = open else {
            panic!("opened a missing file")
        };
        let Error::NotFound { path, current_dir } = &error else {
            panic!("{error:#?}")
        };
        assert!(path.is_absolute() && path == &fixture.path, "{error}");
        assert_eq!(
            current_dir,
            &std::env::current_dir().unwrap().display().to_string()
        );
        let text = error.to_string();
        assert!(text.contains(&fixture.path.display().to_string()), "{text}");
        assert!(text.contains("toggles add NAME"), "{text}");
        assert!(text.contains("create_if_missing(true)"), "{text}");
        assert_eq!(format!("{error:?}"), text);
    }
    assert!(!fixture.path.exists(), "nothing is created");
}

#[test]
fn a_missing_file_is_an_empty_set_of_toggles_when_asked_for() {
    let fixture = Fixture::new(None);
    let store = Store::builder(&fixture.path)
        .watch(false)
        .append_unknown(false)
        .create_if_missing(true)
        .open()
        .unwrap();
    assert_eq!(store.snapshot().toggles().len(), 0);
    assert!(!store.is_enabled("anything"));
    assert!(
        !fixture.path.exists(),
        "nothing to append, so nothing is created"
    );
}

#[test]
fn a_typo_is_an_error_never_a_silent_off() {
    let err = open_err("[toggles.dark_mode]\nenabeld = true\n");
    assert_eq!(err.location(), Some((2, 1)));
    let text = err.to_string();
    assert!(text.contains("toggles.toml:2:1"), "{text}");
    assert!(text.contains("enabeld"), "{text}");
    assert!(text.contains("help:"), "{text}");
}

/// `fn main() -> Result<(), toggles::Error>` prints `Error: {:?}` when `?`
/// returns the error: that must be the message a person reads, not a dump
/// of fields, and the help must read `help:` once.
#[test]
fn debug_prints_the_message_as_display_does() {
    let err = open_err("[toggles.dark_mode]\nenabeld = true\n");
    let shown = format!("{err:?}");
    assert_eq!(shown, err.to_string());
    assert_eq!(shown.matches("help:").count(), 1, "{shown}");
    assert!(!shown.contains("Invalid {"), "{shown}");
    // The fields stay available to whoever asks for them.
    let fields = format!("{err:#?}");
    assert!(fields.starts_with("Invalid {"), "{fields}");
    assert!(!fields.contains("help: \"help:"), "{fields}");
    let toggles::Error::Invalid { help, .. } = &err else {
        panic!("{err}")
    };
    assert!(!help.starts_with("help:"), "{help}");
}

#[test]
fn every_rule_of_the_format_is_enforced_with_a_location() {
    let cases: &[(&str, (usize, usize), &str)] = &[
        ("[toggles.a]\nenabled = \"yes\"\n", (2, 11), "boolean"),
        ("[toggles.a]\nrelease = true\n", (2, 11), "string"),
        ("[toggles.a]\ndescription = 3\n", (2, 15), "string"),
        ("[toggles.a]\ncreated = \"2026-01-01\"\n", (2, 11), "date"),
        ("[toggles.a]\ncreated = 10:30:00\n", (2, 11), "no date"),
        ("[toggles.a]\nrelease = \"ghost\"\n", (2, 11), "`ghost`"),
        ("[releases.r]\nenabled = 1\n", (2, 11), "boolean"),
        ("[releases.r]\nrelease = \"x\"\n", (2, 1), "release"),
        ("[flags.a]\n", (1, 2), "flags"),
        ("title = \"x\"\n", (1, 1), "title"),
        ("[toggles.\"bad name\"]\n", (1, 10), "bad name"),
        ("[releases.\"a.b\"]\n", (1, 11), "a.b"),
        (
            "[toggles.a]\nenabled = true\n[toggles.a]\n",
            (3, 10),
            "duplicate",
        ),
        ("[toggles.a\n", (1, 11), ""),
        ("toggles = 3\n", (1, 11), "map"),
    ];
    for (text, location, mention) in cases {
        let err = open_err(text);
        assert_eq!(err.location(), Some(*location), "{text:?}: {err}");
        assert!(
            err.to_string().contains(mention),
            "{text:?} should mention {mention:?}: {err}"
        );
        assert!(err.path().unwrap().ends_with("toggles.toml"));
    }
}

#[test]
fn datetimes_are_accepted_as_created() {
    let (_f, store) = open("[toggles.a]\ncreated = 2026-11-24T10:00:00Z\n");
    assert_eq!(
        store
            .snapshot()
            .get("a")
            .unwrap()
            .created()
            .unwrap()
            .to_string(),
        "2026-11-24"
    );
}

#[test]
fn a_folder_in_the_files_place_is_refused_naming_it() {
    let fixture = Fixture::new(None);
    std::fs::create_dir(&fixture.path).unwrap();
    let err = Store::builder(&fixture.path)
        .watch(false)
        .open()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotAFile {
                what: "a folder",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("toggles.toml"), "{err}");
    assert!(err.to_string().contains("not a regular file"), "{err}");
}

#[test]
fn a_snapshot_answers_from_its_one_version() {
    let (fixture, store) = open("[toggles.a]\nenabled = true\n");
    let before = store.snapshot();
    std::fs::write(&fixture.path, "[toggles.a]\nenabled = false\n").unwrap();
    assert!(store.reload().unwrap());
    assert!(before.is_enabled("a"));
    assert!(!store.snapshot().is_enabled("a"));
    assert!(store.snapshot().generation() > before.generation());
    assert!(!store.reload().unwrap(), "same bytes: no new version");
}
