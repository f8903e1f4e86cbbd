//! The OpenFeature provider, through the SDK's own `Client`: values, reasons,
//! metadata, errors, hot reload and test overrides. Every test registers its
//! provider with its own `OpenFeature` instance, never the global singleton,
//! so the tests stay parallel-safe.

use std::fs;

use open_feature::provider::{FeatureProvider, ProviderStatus};
use open_feature::{
    Client, EvaluationContext, EvaluationErrorCode, EvaluationReason, FlagMetadataValue,
    OpenFeature, StructValue,
};
use toggles::Store;
use toggles::openfeature::TogglesProvider;

use crate::global::global_file;
use crate::support::{Fixture, count, wait_for};

const FILE: &str = "\
[releases.checkout-v2]
description = \"New checkout flow\"
enabled = true

[toggles.own_on]
description = \"Its own value\"
enabled = true

[toggles.follows]
description = \"Cart drawer\"
release = \"checkout-v2\"

[toggles.held_back]
release = \"checkout-v2\"
enabled = false

[toggles.plain]
";

/// A current-thread runtime: futures run on the test's thread, where its
/// `toggle_as` overrides live.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

/// An isolated API instance with `provider` as its default provider.
fn client_for(
    runtime: &tokio::runtime::Runtime,
    provider: TogglesProvider,
) -> (OpenFeature, Client) {
    runtime.block_on(async {
        let mut api = OpenFeature::default();
        api.set_provider(provider).await;
        let client = api.create_client();
        (api, client)
    })
}

fn read_only(fixture: &Fixture) -> Store {
    Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap()
}

fn text(value: &FlagMetadataValue) -> &str {
    match value {
        FlagMetadataValue::String(s) => s,
        other => panic!("expected a string, got {other:?}"),
    }
}

#[test]
fn a_client_reads_the_file_and_sees_each_save_at_once() {
    let fixture = Fixture::new(Some("[toggles.a]\nenabled = false\n"));
    let runtime = runtime();
    let (_api, client) = client_for(&runtime, TogglesProvider::new(read_only(&fixture)));
    let value = || runtime.block_on(client.get_bool_value("a", None, None));
    assert_eq!(value(), Ok(false));

    for on in [true, false, true] {
        let tmp = fixture.path.with_file_name(".toggles.toml.tmp");
        fs::write(&tmp, format!("[toggles.a]\nenabled = {on}\n")).unwrap();
        fs::rename(&tmp, &fixture.path).unwrap();
        wait_for("the client sees the save", || value() == Ok(on));
    }
}

#[test]
fn reasons_say_where_each_value_comes_from() {
    let fixture = Fixture::new(Some(FILE));
    let runtime = runtime();
    let (_api, client) = client_for(&runtime, TogglesProvider::new(read_only(&fixture)));
    let details = |name: &str| {
        runtime
            .block_on(client.get_bool_details(name, None, None))
            .unwrap()
    };

    let own = details("own_on");
    assert!(own.value);
    assert_eq!(own.reason, Some(EvaluationReason::Static));
    assert_eq!(own.variant.as_deref(), Some("on"));

    let follows = details("follows");
    assert!(follows.value, "follows its release, which is on");
    assert_eq!(
        follows.reason,
        Some(EvaluationReason::Other("RELEASE".into()))
    );
    assert_eq!(follows.variant.as_deref(), Some("on"));
    assert_eq!(
        text(&follows.flag_metadata.values["release"]),
        "checkout-v2",
        "the metadata names the release behind the RELEASE reason"
    );

    let held_back = details("held_back");
    assert!(!held_back.value, "its own `enabled` wins over the release");
    assert_eq!(held_back.reason, Some(EvaluationReason::Static));
    assert_eq!(held_back.variant.as_deref(), Some("off"));

    let plain = details("plain");
    assert!(!plain.value);
    assert_eq!(plain.reason, Some(EvaluationReason::Default));
    assert_eq!(plain.variant.as_deref(), Some("off"));
}

/// The context's targeting key is the key of rollouts and allow lists:
/// `TARGETING_MATCH` for an allowed key, `SPLIT` for a bucket decision
/// (the same answer as `Store::is_enabled_for`), and without a key the
/// key-less state with the reason of its table.
#[test]
fn the_targeting_key_drives_rollouts_and_allow_lists() {
    let fixture = Fixture::new(Some(
        "[releases.r]\nrollout = 50\n\n[toggles.search]\nrollout = 25\nallow = [\"ada\"]\n\n\
         [toggles.member]\nrelease = \"r\"\n",
    ));
    let store = read_only(&fixture);
    let runtime = runtime();
    let (_api, client) = client_for(&runtime, TogglesProvider::new(store.clone()));
    let details = |name: &str, key: Option<&str>| {
        let context = key.map(|key| EvaluationContext::default().with_targeting_key(key));
        runtime
            .block_on(client.get_bool_details(name, context.as_ref(), None))
            .unwrap()
    };

    let ada = details("search", Some("ada"));
    assert!(ada.value);
    assert_eq!(ada.reason, Some(EvaluationReason::TargetingMatch));
    assert_eq!(ada.variant.as_deref(), Some("on"));

    let (mut on, mut off) = (0, 0);
    for i in 0..400 {
        let key = format!("user-{i}");
        for name in ["search", "member"] {
            let split = details(name, Some(&key));
            assert_eq!(split.reason, Some(EvaluationReason::Split), "{name} {key}");
            assert_eq!(
                split.value,
                store.is_enabled_for(name, &key),
                "{name} {key}"
            );
            let variant = if split.value { "on" } else { "off" };
            assert_eq!(split.variant.as_deref(), Some(variant));
            if split.value { on += 1 } else { off += 1 }
        }
    }
    assert!(
        on > 100 && off > 100,
        "both answers occur: {on} on, {off} off"
    );

    let keyless = details("search", None);
    assert!(!keyless.value, "without a key, a 25 % rollout is off");
    assert_eq!(keyless.reason, Some(EvaluationReason::Static));
    let member = details("member", Some(""));
    assert!(!member.value, "an empty key is no key");
    assert_eq!(
        member.reason,
        Some(EvaluationReason::Other("RELEASE".into()))
    );
}

#[test]
fn flag_metadata_carries_the_release_and_the_description() {
    let fixture = Fixture::new(Some(FILE));
    let runtime = runtime();
    let (_api, client) = client_for(&runtime, TogglesProvider::new(read_only(&fixture)));
    let metadata = |name: &str| {
        runtime
            .block_on(client.get_bool_details(name, None, None))
            .unwrap()
            .flag_metadata
            .values
    };

    let follows = metadata("follows");
    assert_eq!(text(&follows["release"]), "checkout-v2");
    assert_eq!(text(&follows["description"]), "Cart drawer");
    assert_eq!(text(&follows["kind"]), "release");
    assert_eq!(follows.len(), 3);

    let own = metadata("own_on");
    assert_eq!(text(&own["description"]), "Its own value");
    assert!(!own.contains_key("release"));

    let plain = metadata("plain");
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        ["kind"],
        "nothing else to say: the kind alone, the default"
    );
    assert_eq!(text(&plain["kind"]), "release");
}

/// Every string of a resolution's metadata, sorted by key.
fn strings(metadata: &open_feature::FlagMetadata) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = metadata
        .values
        .iter()
        .map(|(key, value)| (key.as_str(), text(value)))
        .collect();
    pairs.sort_unstable();
    pairs
}

const LIFECYCLE: &str = "\
environments = [\"staging\"]

[releases.checkout]
owner = \"payments\"
expires = 2026-12-31
enabled = true

[toggles.pay]
release = \"checkout\"
kind = \"experiment\"
expires = 2026-12-24
created = 2026-12-01
env.staging.enabled = false

[toggles.kill]
owner = \"sre\"
kind = \"ops\"
enabled = true

[toggles.perm]
owner = \"billing team\"
kind = \"permission\"
description = \"Pro plan\"
";

#[test]
fn flag_metadata_carries_owner_kind_expires_and_the_environment() {
    let fixture = Fixture::new(Some(LIFECYCLE));
    let runtime = runtime();
    for environment in [None, Some("staging")] {
        let mut builder = Store::builder(&fixture.path).append_unknown(false);
        builder = match environment {
            Some(environment) => builder.environment(environment),
            None => builder.base_values(),
        };
        let store = builder.open().unwrap();
        let (_api, client) = client_for(&runtime, TogglesProvider::new(store));
        let details = |name: &str, key: Option<&str>| {
            let context = key.map(|key| EvaluationContext::default().with_targeting_key(key));
            runtime
                .block_on(client.get_bool_details(name, context.as_ref(), None))
                .unwrap()
        };
        let with_environment = |mut pairs: Vec<(&'static str, &'static str)>| {
            if let Some(environment) = environment {
                pairs.push(("environment", environment));
                pairs.sort_unstable();
            }
            pairs
        };
        let pay = details("pay", Some("user-1"));
        assert_eq!(pay.value, environment.is_none(), "{environment:?}");
        assert_eq!(
            strings(&pay.flag_metadata),
            with_environment(vec![
                ("expires", "2026-12-24"),
                ("kind", "experiment"),
                ("release", "checkout"),
            ]),
            "{environment:?}: the toggle's own fields; its release's owner is not its own"
        );
        assert_eq!(
            strings(&details("kill", None).flag_metadata),
            with_environment(vec![("kind", "ops"), ("owner", "sre")]),
            "{environment:?}"
        );
        assert_eq!(
            strings(&details("perm", Some("u")).flag_metadata),
            with_environment(vec![
                ("description", "Pro plan"),
                ("kind", "permission"),
                ("owner", "billing team"),
            ]),
            "{environment:?}"
        );
    }
}

#[test]
fn provider_metadata_names_the_crate() {
    let fixture = Fixture::new(Some(FILE));
    let runtime = runtime();
    let (api, _client) = client_for(&runtime, TogglesProvider::new(read_only(&fixture)));
    assert_eq!(runtime.block_on(api.provider_metadata()).name, "toggles");
}

#[test]
fn an_unknown_flag_is_not_found_and_appended_to_the_file() {
    let fixture = Fixture::new(Some(FILE));
    let store = Store::open(&fixture.path).unwrap();
    let runtime = runtime();
    let (_api, client) = client_for(&runtime, TogglesProvider::new(store.clone()));

    let result = runtime.block_on(client.get_bool_value("brand_new", None, None));
    let error = result.clone().unwrap_err();
    assert_eq!(error.code, EvaluationErrorCode::FlagNotFound);
    assert!(
        error.message.unwrap().contains("brand_new"),
        "the message names the flag"
    );
    assert!(result.unwrap_or(true), "the caller's default applies");

    // Queued like any other check: appended once, off, then served.
    store.flush();
    assert_eq!(count(&fixture.read(), "[toggles.brand_new]"), 1);
    wait_for("the appended toggle is served", || {
        runtime
            .block_on(client.get_bool_value("brand_new", None, None))
            .is_ok()
    });
    let details = runtime
        .block_on(client.get_bool_details("brand_new", None, None))
        .unwrap();
    assert!(!details.value);
    assert_eq!(details.reason, Some(EvaluationReason::Static));

    // An invalid name is not found either, and never written.
    let error = runtime
        .block_on(client.get_bool_value("bad name", None, None))
        .unwrap_err();
    assert_eq!(error.code, EvaluationErrorCode::FlagNotFound);
    store.flush();
    assert!(!fixture.read().contains("bad name"));
}

#[test]
fn other_value_types_are_a_type_mismatch() {
    let fixture = Fixture::new(Some(FILE));
    let store = Store::open(&fixture.path).unwrap();
    let runtime = runtime();
    let (_api, client) = client_for(&runtime, TogglesProvider::new(store.clone()));

    for name in ["own_on", "not_a_toggle"] {
        let codes = runtime.block_on(async {
            [
                client.get_int_value(name, None, None).await.map(|_| ()),
                client.get_float_value(name, None, None).await.map(|_| ()),
                client.get_string_value(name, None, None).await.map(|_| ()),
                client
                    .get_struct_value::<StructValue>(name, None, None)
                    .await
                    .map(|_| ()),
            ]
        });
        for code in codes {
            assert_eq!(code.unwrap_err().code, EvaluationErrorCode::TypeMismatch);
        }
    }
    store.flush();
    assert!(
        !fixture.read().contains("not_a_toggle"),
        "a non-boolean evaluation never appends a boolean toggle"
    );
}

#[test]
fn a_test_override_applies_on_its_thread() {
    global_file();
    let fixture = Fixture::new(Some("[toggles.g_off]\nenabled = false\n"));
    let runtime = runtime();
    let (_api, client) = client_for(&runtime, TogglesProvider::new(read_only(&fixture)));
    let details = || {
        runtime
            .block_on(client.get_bool_details("g_off", None, None))
            .unwrap()
    };

    {
        let _on = toggles::toggle_as("g_off", true);
        let overridden = details();
        assert!(overridden.value);
        assert_eq!(
            overridden.reason,
            Some(EvaluationReason::Other("OVERRIDE".into()))
        );
    }
    let restored = details();
    assert!(!restored.value);
    assert_eq!(restored.reason, Some(EvaluationReason::Static));
}

#[test]
fn the_status_is_stale_while_the_file_on_disk_is_not_in_use() {
    let fixture = Fixture::new(Some("[toggles.a]\nenabled = true\n"));
    let provider = TogglesProvider::new(read_only(&fixture));
    assert_eq!(provider.status(), ProviderStatus::Ready);

    fs::write(&fixture.path, "[toggles.a]\nenabeld = false\n").unwrap();
    wait_for("the bad save is noticed", || {
        provider.status() == ProviderStatus::STALE
    });
    let runtime = runtime();
    let (_api, client) = client_for(&runtime, provider.clone());
    assert_eq!(
        runtime.block_on(client.get_bool_value("a", None, None)),
        Ok(true),
        "the last good version is still served"
    );

    fs::write(&fixture.path, "[toggles.a]\nenabled = false\n").unwrap();
    wait_for("the good save is loaded", || {
        provider.status() == ProviderStatus::Ready
    });
    assert_eq!(
        runtime.block_on(client.get_bool_value("a", None, None)),
        Ok(false)
    );
}
