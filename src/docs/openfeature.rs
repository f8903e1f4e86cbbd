//! # Using with OpenFeature
//!
//! Code that evaluates flags through [OpenFeature](https://openfeature.dev) —
//! the CNCF standard API, crate [`open-feature`](https://docs.rs/open-feature) —
//! can use `toggles` as its provider: flags in a reviewed `toggles.toml`, hot
//! reload, and no code change beyond registering the provider.
//!
//! ```toml
//! # Cargo.toml
//! [dependencies]
//! toggles = { path = "../toggles", features = ["openfeature"] }   # once published: { version = "0.1", features = ["openfeature"] }
//! open-feature = "0.3"
//! ```
//!
//! The [`openfeature`](crate::openfeature) module has this as a doctest that
//! runs; here, inside an async function:
//!
//! ```rust,ignore
//! use open_feature::OpenFeature;
//! use toggles::openfeature::TogglesProvider;
//!
//! let store = toggles::Store::open("toggles.toml")?; // or toggles::global()
//! let client = {
//!     let mut api = OpenFeature::singleton_mut().await;
//!     api.set_provider(TogglesProvider::new(store)).await;
//!     api.create_client()
//! };
//!
//! if client.get_bool_value("new_cart", None, None).await.unwrap_or(false) {
//!     // …
//! }
//! ```
//!
//! What an evaluation returns (`client.get_bool_details(…)` shows it all):
//!
//! | the value comes from | reason | variant |
//! |---|---|---|
//! | the context's `targetingKey` is in the deciding table's `allow` | `TARGETING_MATCH` | `on` |
//! | that key's bucket against a `rollout` | `SPLIT` | `on` / `off` |
//! | the toggle's own `enabled` (or rollout, without a key) | `STATIC` | `on` / `off` |
//! | its release's `enabled` (or rollout, without a key) | `RELEASE` | `on` / `off` |
//! | neither (off) | `DEFAULT` | `off` |
//! | a test override (`toggle_as`) | `OVERRIDE` | `on` / `off` |
//!
//! The flag metadata of a toggle the file defines (whatever the reason, an
//! override's too) says what the file says about it, as strings:
//!
//! | key | value | there |
//! |---|---|---|
//! | `release` | its release's name: the release behind a `RELEASE` reason | where it has one |
//! | `description` | the `description` field | where set |
//! | `owner` | the toggle's own `owner` (not its release's) | where set |
//! | `kind` | `release` (also where `kind` is not written), `experiment`, `ops` or `permission` | always |
//! | `expires` | the toggle's own `expires`, `YYYY-MM-DD` | where set |
//! | `environment` | the environment the store reads (`TOGGLES_ENV`, `Builder::environment`) | where it reads one |
//!
//! A hook can route an evaluation's telemetry by `owner`, or warn on an
//! `expires` in the past. The same keys are each flag's `metadata` in
//! `toggles export --format flagd` (with `environment` in the flag set's,
//! which flagd's evaluators merge in), so services in other languages see
//! them too. Value, reason and metadata are read from one snapshot, so they
//! always agree.
//!
//! - **A name the file lacks** is an error with the code `FLAG_NOT_FOUND`, so
//!   your `unwrap_or(default)` applies — and, like any check, the name is
//!   appended to the file, off, for your next `git diff` (unless appending is
//!   off: `append_unknown(false)`, `TOGGLES_APPEND=off`).
//! - **Toggles are booleans**: integer, float, string and struct evaluations
//!   are `TYPE_MISMATCH` errors, and append nothing.
//! - **Reloads show at once**: the provider has no cache of its own; each
//!   evaluation reads the store's current snapshot, so the evaluation right
//!   after a reload sees the new file. (`open-feature` 0.3 has no provider
//!   events, so there is no configuration-changed event; `store.subscribe(…)`
//!   tells you about reloads.) A bad save keeps the last good version, and the
//!   provider's `status()` is `STALE` until the file is fixed.
//! - **The evaluation context's `targetingKey` is the key** of rollouts and
//!   allow lists (`Store::is_enabled_for`); without one, or with an empty one,
//!   a toggle gives its key-less state. Other context fields are ignored.
//! - **Tests**: `toggle_as` overrides apply to evaluations that run on the
//!   test's thread — a current-thread runtime's `block_on`, or
//!   `#[tokio::test]`. With a multi-threaded runtime, use `toggle_as_global`.
//!   Give each test its own `OpenFeature::default()` instance rather than the
//!   global singleton, and tests stay parallel-safe.
//!
//! **Cost.** The standard API has a price of its own: the SDK's `Client`
//! merges evaluation contexts, takes its locks, runs the hook machinery and
//! builds the result for every call, whatever the provider.
//! `benches/openfeature.rs` measures it (`cargo bench --features openfeature
//! --bench openfeature`); medians of one run on a 2-core machine (load ~1.5):
//!
//! | check | time | × `toggle!` |
//! |---|---:|---:|
//! | `toggle!("dark_mode")` | 0.58 ns | 1× |
//! | `store.is_enabled("dark_mode")` | 12 ns | 21× |
//! | `TogglesProvider::resolve_bool_value`, own value, no metadata | 52 ns | 90× |
//! | `TogglesProvider::resolve_bool_value`, release and description | 181 ns | 310× |
//! | `client.get_bool_value`, own value, no metadata | 418 ns | 720× |
//! | `client.get_bool_value`, release and description | 661 ns | 1 140× |
//!
//! Through the `Client`, a check costs about 35 to 55 times
//! `store.is_enabled`. The
//! provider's own part is the snapshot lookup plus the reason, variant and
//! metadata the SDK's types make it allocate (a toggle with a release and a
//! description has metadata to build, and the SDK copies it again); the rest —
//! 0.37 to 0.48 µs — is the SDK's, whatever the provider. Where a check sits on
//! a hot path, `toggle!` reads the same file and honours the same test
//! overrides.
//!
//! The table predates the lifecycle metadata: now every toggle's
//! resolution builds metadata (`kind` is always in it), so the rows "no
//! metadata" pay what the others do for theirs. Measured side by side, the
//! old build and the new on the same machine (2 cores, load about 3, so
//! rough): a toggle with its own value and no other field went from 93 to
//! 246 ns at the provider; one with a release and a description stayed
//! about the same (266 and 255 ns).
//!
//! **Dependencies.** The feature depends on `open-feature` 0.3 *with* its
//! default features (which bring `mockall` and `log`): 0.3.0 does not compile
//! without them (open-feature/rust-sdk issue #114).
