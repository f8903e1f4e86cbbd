//! The cost of the OpenFeature API layer: `Client::get_bool_value` through
//! `TogglesProvider`, against `toggle!` and `Store::is_enabled` on the same
//! file.
//!
//! `cargo bench --features openfeature --bench openfeature`
//!
//! The async evaluations run inside one current-thread runtime's `block_on`
//! for a whole batch (criterion's `to_async`), as an `.await` in a service's
//! task would: the measured cost is the SDK's and the provider's, not the
//! runtime's start-up.

#[path = "../tests/common/clean_env.rs"]
mod clean_env;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use open_feature::provider::FeatureProvider;
use open_feature::{EvaluationContext, OpenFeature};
use toggles::openfeature::TogglesProvider;
use toggles::toggle;

const FILE: &str = "\
[releases.checkout-v2]
description = \"New checkout flow\"
enabled = false

[toggles.new_cart]
description = \"Cart drawer instead of cart page\"
release = \"checkout-v2\"

[toggles.dark_mode]
enabled = true
";

fn openfeature(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("toggles.toml");
    std::fs::write(&path, FILE).unwrap();
    let store = toggles::Store::builder(&path)
        .append_unknown(false)
        .open()
        .unwrap();
    toggles::init_with(store.clone()); // the same file behind `toggle!`

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let provider = TogglesProvider::new(store.clone());
    let (_api, client) = runtime.block_on(async {
        let mut api = OpenFeature::default();
        api.set_provider(provider.clone()).await;
        let client = api.create_client();
        (api, client)
    });
    let context = EvaluationContext::default();

    // Sanity: every path gives the same answers.
    assert!(toggle!("dark_mode") && store.is_enabled("dark_mode"));
    assert_eq!(
        runtime.block_on(client.get_bool_value("dark_mode", None, None)),
        Ok(true)
    );
    assert_eq!(
        runtime.block_on(client.get_bool_value("new_cart", None, None)),
        Ok(false)
    );

    let mut group = c.benchmark_group("check");
    group.bench_function("toggle!", |b| b.iter(|| toggle!("dark_mode")));
    group.bench_function("Store::is_enabled", |b| {
        b.iter(|| store.is_enabled(black_box("dark_mode")))
    });
    // A toggle with its own value and no metadata, and one that follows its
    // release and has a description (a reason and metadata to build).
    for name in ["dark_mode", "new_cart"] {
        group.bench_function(format!("TogglesProvider::resolve_bool_value/{name}"), |b| {
            b.to_async(&runtime)
                .iter(|| provider.resolve_bool_value(black_box(name), &context))
        });
        group.bench_function(format!("Client::get_bool_value/{name}"), |b| {
            b.to_async(&runtime)
                .iter(|| client.get_bool_value(black_box(name), None, None))
        });
    }
    group.finish();
}

criterion_group!(benches, openfeature);
criterion_main!(benches);
