//! Rollouts and allow-lists: keyed checks through every entry point, the
//! deciding table, release bucketing, hot reload of a keyed call site,
//! overrides, and the shares over a million keys.

use toggles::{Reason, Rollout, Snapshot, Source, Store, Toggle, toggle, toggle_as};

use crate::global::{edit_global, global_file};
use crate::support::{Fixture, wait_for};

fn snapshot(text: &str) -> Snapshot {
    Snapshot::parse("toggles.toml", text.as_bytes()).unwrap()
}

fn keys(n: usize) -> impl Iterator<Item = String> {
    (0..n).map(|i| format!("user-{i:08}-{}", i * 7919 % 1000))
}

/// `toggle!` with a key, a static `Toggle`, the store and the snapshot give
/// the same answer for every key; members of a release get it together,
/// an allowed key always, and a key-less check of a 50 % rollout is off.
#[test]
fn every_entry_point_agrees_and_a_release_switches_its_members_together() {
    global_file();
    static A: Toggle = Toggle::new("g_rollout_a");
    let store = toggles::global();
    let snapshot = store.snapshot();
    let (mut on, mut total) = (0, 0);
    for key in keys(2_000) {
        let expected = snapshot.is_enabled_for("g_rollout_a", &key);
        assert_eq!(toggle!("g_rollout_a", &key), expected, "{key}");
        assert_eq!(
            toggle!("g_rollout_b", key.as_str()),
            expected,
            "{key}: same release, same bucket"
        );
        assert_eq!(A.is_enabled_for(&key), expected, "{key}");
        assert_eq!(store.is_enabled_for("g_rollout_a", &key), expected, "{key}");
        let how = snapshot.get("g_rollout_a").unwrap().evaluate(Some(&key));
        assert_eq!(
            how.enabled, expected,
            "{key}: evaluate says what the check does"
        );
        on += usize::from(expected);
        total += 1;
    }
    // About half, not all or none: the keys really are bucketed.
    assert!((800..1200).contains(&on), "{on} of {total} on at 50 %");
    assert!(toggle!("g_rollout_a", "staff"), "allowed");
    assert!(!toggle!("g_rollout_a"), "key-less: a 50 % rollout is off");
    assert!(!toggle!("g_rollout_a", ""), "an empty key is no key");
    let how = snapshot.get("g_rollout_a").unwrap().evaluate(Some("staff"));
    assert_eq!(
        (how.enabled, how.source, how.reason),
        (true, Source::Release, Reason::Allowed)
    );
}

/// An integer key is the key of its decimal text, at every entry point
/// (`toggle!`, a static `Toggle`, the store, the snapshot, `ToggleInfo`,
/// `evaluate`), for every integer type that holds it and behind a
/// reference: the same bucket in an own and a release rollout, under both
/// schemes, and the same `allow` entries (`allow = ["42"]` lets 42 in).
#[test]
// Keys behind `&` are among the cases checked.
#[allow(clippy::needless_borrows_for_generic_args)]
fn an_integer_key_is_the_key_of_its_decimal_text_at_every_entry_point() {
    global_file();
    static T: Toggle = Toggle::new("g_int_keys");
    let store = toggles::global();
    let snapshot = store.snapshot();
    let own = snapshot.get("g_int_keys").unwrap();
    let member = snapshot.get("g_rollout_a").unwrap();
    let v2 = snapshot_of_both_kinds("flagd-v2");
    let mut values: Vec<i128> = (-1_000..1_000).collect();
    values.extend([
        i128::from(i64::MIN),
        i128::from(i64::MAX),
        i128::from(u64::MAX),
        i128::from(u32::MAX) + 1,
        i128::MIN,
        i128::MAX,
    ]);
    values.extend((0..2_000).map(|i| i * 7_919_000_003 + 1_000_000_007));
    let mut on = 0;
    for &n in &values {
        let text = n.to_string();
        let expected = snapshot.is_enabled_for("g_int_keys", &text);
        let in_release = member.is_enabled_for(&text);
        let by_text = |name: &str| v2.is_enabled_for(name, &text);
        on += usize::from(expected);
        assert_eq!(toggle!("g_int_keys", n), expected, "{n}");
        assert_eq!(own.is_enabled_for(n), expected, "{n}");
        assert_eq!(own.evaluate(Some(n)), own.evaluate(Some(&text)), "{n}");
        assert_eq!(member.is_enabled_for(&n), in_release, "{n}");
        assert_eq!(v2.is_enabled_for("own", n), by_text("own"), "{n}");
        assert_eq!(v2.is_enabled_for("member", n), by_text("member"), "{n}");
        if let Ok(v) = u64::try_from(n) {
            assert_eq!(toggle!("g_int_keys", v), expected, "{n}");
            assert_eq!(T.is_enabled_for(v), expected, "{n}");
            assert_eq!(store.is_enabled_for("g_int_keys", &v), expected, "{n}");
            assert_eq!(snapshot.is_enabled_for("g_rollout_b", v), in_release);
            assert_eq!(v2.is_enabled_for("member", v), by_text("member"), "{n}");
        }
        if let Ok(v) = i64::try_from(n) {
            assert_eq!(toggle!("g_int_keys", v), expected, "{n}");
            assert_eq!(T.is_enabled_for(&v), expected, "{n}");
            assert_eq!(store.is_enabled_for("g_int_keys", v), expected, "{n}");
            assert_eq!(
                snapshot.evaluate("g_int_keys", Some(v)).unwrap().enabled,
                expected
            );
            assert_eq!(v2.is_enabled_for("own", v), by_text("own"), "{n}");
        }
        if let Ok(v) = u32::try_from(n) {
            assert_eq!(toggle!("g_int_keys", &v), expected, "{n}");
            assert_eq!(toggle!("g_rollout_a", &&v), in_release, "{n}");
        }
        if let Ok(v) = i16::try_from(n) {
            assert_eq!(T.is_enabled_for(v), expected, "{n}");
        }
        if let Ok(v) = usize::try_from(n) {
            assert_eq!(T.is_enabled_for(v), expected, "{n}");
        }
        if let Some(v) = u128::try_from(n).ok().and_then(std::num::NonZero::new) {
            assert_eq!(T.is_enabled_for(v), expected, "{n}");
        }
    }
    // About 30 %: the integers really are bucketed.
    let share = on * 100 / values.len();
    assert!(
        (25..=35).contains(&share),
        "{on} of {} on at 30 %",
        values.len()
    );
    for (allowed, text) in [(42, "42"), (-7, "-7")] {
        assert!(toggle!("g_int_keys", allowed), "{text}");
        assert_eq!(own.evaluate(Some(allowed)).reason, Reason::Allowed);
    }
    assert!(
        toggle!("g_int_keys", u64::MAX),
        "allowed as 18446744073709551615"
    );
    assert!(T.is_enabled_for(42u8) && T.is_enabled_for(-7i8));
    let near = [43u64, 420, 4, 18_446_744_073_709_551_614];
    for key in near {
        assert!(
            matches!(own.evaluate(Some(key)).reason, Reason::Bucket { .. }),
            "{key} is not in `allow`"
        );
    }
}

/// A `flagd-v2` file with an own rollout `own` and a release rollout's
/// member `member`, both 40 %.
fn snapshot_of_both_kinds(bucketing: &str) -> Snapshot {
    snapshot(&format!(
        "bucketing = \"{bucketing}\"\n[releases.r]\nrollout = 40\n\
         [toggles.own]\nrollout = 40\n[toggles.member]\nrelease = \"r\"\n"
    ))
}

/// A keyed call site caches nothing a key can change: when a reload turns
/// a plain toggle into a rollout with an allow list, the next keyed check
/// follows it (a cache that ignored keys would keep answering `false`).
#[test]
fn a_keyed_call_site_follows_a_reload_into_and_out_of_a_rollout() {
    global_file();
    let check = |key: &str| toggle!("g_keyed_flip", key);
    assert!(!check("ada"));
    assert!(!check("ada"), "cached now");
    edit_global(|text| {
        text.replace(
            "[toggles.g_keyed_flip]\nenabled = false",
            "[toggles.g_keyed_flip]\nrollout = 0\nallow = [\"ada\"]",
        )
    });
    toggles::global().reload().unwrap();
    assert!(check("ada"), "allowed after the reload");
    assert!(check("ada"), "allowed again, from a warm call site");
    assert!(!check("bob"));
    assert!(!toggle!("g_keyed_flip"), "key-less: 0 %");
    // A toggle whose name sorts just before moves this one in the list:
    // where the call site found it last now holds the newcomer, on for
    // every key, which must not answer for it.
    edit_global(|text| text + "\n[toggles.g_keyed_a]\nrollout = 100\n");
    toggles::global().reload().unwrap();
    assert!(
        !check("bob"),
        "the call site's hint is checked against the name"
    );
    assert!(check("ada"));
    edit_global(|text| {
        text.replace(
            "[toggles.g_keyed_flip]\nrollout = 0\nallow = [\"ada\"]",
            "[toggles.g_keyed_flip]\nenabled = true",
        )
    });
    toggles::global().reload().unwrap();
    assert!(check("bob") && check("ada") && toggle!("g_keyed_flip"));
    edit_global(|text| {
        text.replace(
            "[toggles.g_keyed_flip]\nenabled = true",
            "[toggles.g_keyed_flip]\nenabled = false",
        )
    });
    toggles::global().reload().unwrap();
    assert!(!check("ada"));
}

#[test]
fn an_override_wins_over_allow_and_rollout_for_keyed_checks() {
    let s = snapshot("[toggles.beta]\nrollout = 100\n[toggles.staff]\nallow = [\"ada\"]\n");
    let _off = toggle_as("beta", false);
    let _on = toggle_as("staff", true);
    assert!(!s.is_enabled_for("beta", "anyone"));
    assert!(s.is_enabled_for("staff", "bob"));
    assert_eq!(
        s.evaluate("beta", Some("anyone")).map(|e| e.source),
        Some(Source::Override)
    );
}

/// Raising a rollout only adds keys, lowering it removes them in reverse:
/// over 20 000 keys and rollouts from 0 to 100 %, a key that is on at one
/// share is on at every larger one, for an own and a release rollout.
#[test]
fn raising_a_rollout_only_adds_keys() {
    let shares = ["0", "0.01", "1", "5", "10", "33.33", "50", "99.99", "100"];
    for bucketing in ["flagd-v2", "flagd-v3"] {
        let versions: Vec<Snapshot> = shares
            .iter()
            .map(|p| {
                snapshot(&format!(
                    "bucketing = \"{bucketing}\"\n[toggles.own]\nrollout = {p}\n\
                     [releases.r]\nrollout = {p}\n[toggles.member]\nrelease = \"r\"\n"
                ))
            })
            .collect();
        for key in keys(20_000) {
            for name in ["own", "member"] {
                let on: Vec<bool> = versions
                    .iter()
                    .map(|v| v.is_enabled_for(name, &key))
                    .collect();
                let first = on.iter().position(|&on| on).unwrap();
                assert!(first > 0, "{bucketing} {name} {key}: on at 0 %");
                assert!(
                    on[first..].iter().all(|&on| on),
                    "{bucketing} {name} {key}: {on:?}"
                );
            }
        }
    }
}

/// Over 1 000 000 keys, the share on is within 0.2 percentage points of
/// the rollout, for both schemes, an own rollout and a release's: the keys
/// are a fixed sequence, so every run checks the same ones.
#[test]
fn the_share_on_over_a_million_keys_is_the_rollout() {
    const KEYS: u32 = 1_000_000;
    for bucketing in ["flagd-v2", "flagd-v3"] {
        let s = snapshot(&format!(
            "bucketing = \"{bucketing}\"\n[toggles.own]\nrollout = 12.34\n\
             [releases.r]\nrollout = 66.67\n[toggles.member]\nrelease = \"r\"\n"
        ));
        let own = s.get("own").unwrap();
        let member = s.get("member").unwrap();
        let (mut own_on, mut member_on) = (0u32, 0u32);
        let mut key = String::with_capacity(24);
        for i in 0..KEYS {
            key.clear();
            std::fmt::Write::write_fmt(&mut key, format_args!("account-{i}")).unwrap();
            own_on += u32::from(own.is_enabled_for(&key));
            member_on += u32::from(member.is_enabled_for(&key));
        }
        for (on, rollout) in [(own_on, own.rollout()), (member_on, member.rollout())] {
            let percent = f64::from(on) * 100.0 / f64::from(KEYS);
            let target = f64::from(rollout.map_or(0, Rollout::basis_points)) / 100.0;
            assert!(
                (percent - target).abs() <= 0.2,
                "{bucketing}: {percent} % on, rollout {target} %"
            );
        }
    }
}

/// A store appends a name it lacks on a keyed check too, and a save that
/// changes only a rollout reaches keyed checks through hot reload.
#[test]
fn a_store_appends_unknown_names_and_reloads_rollouts() {
    let fixture = Fixture::new(Some("[toggles.search]\nrollout = 0\n"));
    let store = Store::open(&fixture.path).unwrap();
    assert!(!store.is_enabled_for("search", "ada"));
    assert!(!store.is_enabled_for("brand_new", "ada"));
    store.flush();
    assert!(
        fixture.read().contains("[toggles.brand_new]"),
        "{}",
        fixture.read()
    );
    let text = fixture.read().replace("rollout = 0", "rollout = 100");
    std::fs::write(&fixture.path, text).unwrap();
    wait_for("the 100 % rollout is loaded", || {
        store.is_enabled_for("search", "ada")
    });
}

/// A save that only changes a rollout is a change: subscribers hear it,
/// as `retargeted`, with the old and new rollout (before, a reload that
/// flipped no key-less state told no one).
#[test]
fn subscribers_hear_of_a_rollout_change() {
    let fixture = Fixture::new(Some("[toggles.search]\nrollout = 5\n"));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&heard);
    let _subscription = store.subscribe(move |changes| {
        sink.lock().unwrap().push(changes.to_string());
    });
    std::fs::write(&fixture.path, "[toggles.search]\nrollout = 25\n").unwrap();
    wait_for("the change is delivered", || {
        !heard.lock().unwrap().is_empty()
    });
    assert_eq!(heard.lock().unwrap()[0], "search rollout 5%→25%");
}

/// A save that decides every check the same (`rollout = 0` rewritten as
/// `enabled = false`) is published, but it is no change: no subscriber is
/// told, and no retarget is logged. The next save that flips the toggle is
/// the first thing subscribers hear.
#[test]
fn a_rewrite_that_decides_the_same_notifies_no_one() {
    crate::support::capture_logs();
    let fixture = Fixture::new(Some("[toggles.zero_to_off]\nrollout = 0\n"));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&heard);
    let _subscription = store.subscribe(move |changes| {
        sink.lock().unwrap().push(changes.to_string());
    });
    let before = store.snapshot().generation();
    crate::support::rename_save(&fixture.path, "[toggles.zero_to_off]\nenabled = false\n");
    wait_for("the rewrite is published", || {
        store.snapshot().generation() > before
    });
    crate::support::rename_save(&fixture.path, "[toggles.zero_to_off]\nenabled = true\n");
    wait_for("the flip is delivered", || {
        !heard.lock().unwrap().is_empty()
    });
    assert_eq!(*heard.lock().unwrap(), ["zero_to_off off→on"]);
    let line = "toggles.toml reloaded: zero_to_off off→on";
    wait_for("the flip is logged", || {
        crate::support::logged(line).len() == 1
    });
    assert_eq!(
        crate::support::logged("zero_to_off rollout"),
        Vec::<String>::new()
    );
}
