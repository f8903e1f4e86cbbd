//! Environments in the one file: a store reads it in its environment,
//! hot reload follows an `env` change, `TOGGLES_ENV` chooses for `init`
//! and the lazy global store, and an undeclared environment is treated
//! like a broken file.

use toggles::{Store, toggle};

use crate::support::{
    Fixture, assert_child_succeeds, assert_child_succeeds_within, assert_idle, child, wait_for,
};

const FILE: &str = "\
environments = [\"staging\", \"production\"]

[releases.checkout-v2]
enabled = false
env.staging.enabled = true

[toggles.new_cart]
release = \"checkout-v2\"

[toggles.dark_mode]
enabled = true
env.production.enabled = false

[toggles.search]
rollout = 100
env.production.rollout = 0
env.production.allow = [\"staff-ada\"]
";

fn open(fixture: &Fixture, environment: Option<&str>) -> Store {
    let builder = Store::builder(&fixture.path).append_unknown(false);
    match environment {
        Some(environment) => builder.environment(environment),
        None => builder,
    }
    .open()
    .unwrap()
}

#[test]
fn each_store_reads_the_one_file_in_its_environment() {
    let fixture = Fixture::new(Some(FILE));
    let base = open(&fixture, None);
    let staging = open(&fixture, Some("staging"));
    let production = open(&fixture, Some("production"));
    assert_eq!(
        [
            base.environment(),
            staging.environment(),
            production.environment()
        ],
        [None, Some("staging"), Some("production")]
    );
    let states =
        |store: &Store| ["new_cart", "dark_mode", "search"].map(|name| store.is_enabled(name));
    assert_eq!(states(&base), [false, true, true]);
    assert_eq!(
        states(&staging),
        [true, true, true],
        "the release is on in staging"
    );
    assert_eq!(states(&production), [false, false, false]);
    assert!(production.is_enabled_for("search", "staff-ada"));
    assert!(!production.is_enabled_for("search", "user-1"));
    assert!(base.is_enabled_for("search", "user-1"));
    let snapshot = production.snapshot();
    assert_eq!(snapshot.environment(), Some("production"));
    assert_eq!(
        snapshot.environments().collect::<Vec<_>>(),
        ["staging", "production"]
    );
}

/// Every answer a store gives for the toggles of [`FILE`], keyless and
/// keyed.
fn answers(store: &Store) -> Vec<bool> {
    let mut answers = Vec::new();
    for name in ["new_cart", "dark_mode", "search"] {
        answers.push(store.is_enabled(name));
        for key in ["staff-ada", "user-1"] {
            answers.push(store.is_enabled_for(name, key));
        }
    }
    answers
}

/// A save that changes only an `env` value reaches the store of that
/// environment through hot reload, and changes nothing elsewhere: the
/// other stores reload the new file too (a new generation), and answer
/// as before.
#[test]
fn hot_reload_follows_an_env_change() {
    let fixture = Fixture::new(Some(FILE));
    let base = open(&fixture, None);
    let staging = open(&fixture, Some("staging"));
    let production = open(&fixture, Some("production"));
    assert!(!production.is_enabled("new_cart"));
    let before = [&base, &staging].map(|store| (store.snapshot().generation(), answers(store)));
    let promoted = FILE.replace(
        "env.staging.enabled = true\n",
        "env.staging.enabled = true\nenv.production.enabled = true\n",
    );
    std::fs::write(&fixture.path, promoted).unwrap();
    wait_for("production sees the release", || {
        production.is_enabled("new_cart")
    });
    for (store, (generation, answers_before)) in [&base, &staging].into_iter().zip(before) {
        let environment = store.environment();
        wait_for(&format!("{environment:?} reloads the save"), || {
            store.snapshot().generation() > generation
        });
        assert_eq!(
            answers(store),
            answers_before,
            "{environment:?} answers as before"
        );
    }
    assert!(
        [&base, &staging, &production]
            .iter()
            .all(|store| store.last_error().is_none())
    );
}

/// An environment's `allow` list replaces the base list, never merges
/// with it: a key only in the base list is off there, a key only in the
/// environment's is on, on a toggle and on a release alike.
#[test]
fn an_environments_allow_list_replaces_the_base_one() {
    let file = "\
environments = [\"staging\"]

[releases.r]
rollout = 0
allow = [\"base-only\", \"both\"]
env.staging.allow = [\"staging-only\", \"both\"]

[toggles.follows_r]
release = \"r\"

[toggles.own]
rollout = 0
allow = [\"base-only\", \"both\"]
env.staging.allow = [\"staging-only\", \"both\"]
";
    let fixture = Fixture::new(Some(file));
    let base = open(&fixture, None);
    let staging = open(&fixture, Some("staging"));
    for name in ["own", "follows_r"] {
        let keys = |store: &Store| {
            ["base-only", "staging-only", "both", "nobody"]
                .map(|key| store.is_enabled_for(name, key))
        };
        assert_eq!(keys(&base), [true, false, true, false], "{name}: base");
        assert_eq!(
            keys(&staging),
            [false, true, true, false],
            "{name}: staging"
        );
    }
}

/// Choosing an environment the file does not declare: `open` fails with
/// where it is declared; a running store whose environment disappears from
/// a save keeps its last good version and says why.
#[test]
fn an_undeclared_environment_is_like_a_broken_file() {
    let fixture = Fixture::new(Some(FILE));
    let error = Store::builder(&fixture.path)
        .environment("prodution")
        .append_unknown(false)
        .open()
        .unwrap_err();
    assert_eq!(error.location(), Some((1, 16)));
    assert!(
        error.to_string().contains("did you mean `production`?"),
        "{error}"
    );

    let production = open(&fixture, Some("production"));
    let renamed = FILE
        .replace("\"production\"]", "\"prod\"]")
        .replace("env.production.", "env.prod.");
    std::fs::write(&fixture.path, renamed).unwrap();
    wait_for("the error is recorded", || {
        production.last_error().is_some()
    });
    // Keyed answers that are on, so that a store dropped to all-off fails.
    assert!(
        !production.is_enabled("dark_mode")
            && production.is_enabled_for("search", "staff-ada")
            && !production.is_enabled_for("search", "user-1"),
        "the last good version stays"
    );
    assert!(
        production
            .last_error()
            .unwrap()
            .to_string()
            .contains("`production` is not declared")
    );
}

#[test]
fn toggles_env_chooses_the_environment_of_init_and_of_the_lazy_global_store() {
    let fixture = Fixture::new(Some(FILE));
    assert_child_succeeds(
        child("environments::child_in_staging")
            .env("TOGGLES_FILE", &fixture.path)
            .env("TOGGLES_ENV", "staging"),
    );
    assert_child_succeeds(
        child("environments::child_in_an_undeclared_environment")
            .env("TOGGLES_FILE", &fixture.path)
            .env("TOGGLES_ENV", "qa"),
    );
}

/// Child: `TOGGLES_ENV=staging`, no `init`; then `init` and builders
/// that win over the variable.
#[test]
#[ignore = "a child process of other tests"]
fn child_in_staging() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    assert!(
        toggle!("new_cart"),
        "the lazy global store reads TOGGLES_ENV"
    );
    assert_eq!(toggles::global().environment(), Some("staging"));
    let path = std::env::var("TOGGLES_FILE").unwrap();
    toggles::init(&path).unwrap();
    assert!(toggle!("new_cart"), "init reads it too");
    let production = Store::builder(&path)
        .environment("production")
        .open()
        .unwrap();
    assert!(
        !production.is_enabled("new_cart"),
        "the builder wins over TOGGLES_ENV"
    );
    let base = Store::builder(&path).base_values().open().unwrap();
    assert_eq!(
        base.environment(),
        None,
        "base_values wins over TOGGLES_ENV"
    );
    assert!(!base.is_enabled("new_cart"));
    let last_wins = Store::builder(&path).base_values().environment("staging");
    assert_eq!(last_wins.open().unwrap().environment(), Some("staging"));
}

/// Child: `TOGGLES_ENV=qa`, which the file does not declare.
#[test]
#[ignore = "a child process of other tests"]
fn child_in_an_undeclared_environment() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    crate::support::capture_logs();
    assert!(
        !toggle!("dark_mode"),
        "never loaded a good version: all off"
    );
    let logged = crate::support::logged("environment `qa` is not declared");
    assert_eq!(logged.len(), 1, "logged once: {logged:?}");
    assert!(toggles::global().last_error().is_some());
    let path = std::env::var("TOGGLES_FILE").unwrap();
    assert!(toggles::init(&path).is_err(), "init returns the error");
}

/// The global store with a mistyped `TOGGLES_ENV` spun its worker at 100 %
/// of a core from its first `toggle!` of a name the (empty) version in use
/// lacks: the file is valid in its base values, so every append went to
/// reload it first, and every reload refused it.
#[test]
fn a_mistyped_toggles_env_leaves_the_global_store_idle() {
    let fixture = Fixture::new(Some(FILE));
    assert_child_succeeds_within(
        child("environments::child_idles_in_an_undeclared_environment")
            .env("TOGGLES_FILE", &fixture.path)
            .env("TOGGLES_ENV", "qa"),
        std::time::Duration::from_secs(60),
    );
}

/// Child: `TOGGLES_ENV=qa`, one `toggle!`, then nothing to do.
#[test]
#[ignore = "a child process of other tests"]
fn child_idles_in_an_undeclared_environment() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    assert!(!toggle!("checked_in_qa"));
    assert!(toggles::global().last_error().is_some());
    assert_idle(
        "the global store in an undeclared environment",
        std::time::Duration::from_secs(3),
    );
}

/// The OpenFeature provider evaluates in its store's environment.
#[cfg(feature = "openfeature")]
#[test]
fn the_openfeature_provider_evaluates_in_its_stores_environment() {
    use open_feature::provider::FeatureProvider;
    let fixture = Fixture::new(Some(FILE));
    let provider = toggles::openfeature::TogglesProvider::new(open(&fixture, Some("production")));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let context = open_feature::EvaluationContext::default();
    let dark = runtime
        .block_on(provider.resolve_bool_value("dark_mode", &context))
        .unwrap();
    assert!(!dark.value, "off in production");
}
