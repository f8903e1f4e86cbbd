//! An [OpenFeature](https://openfeature.dev) provider: evaluate the toggles
//! of a [`Store`] through the standard API of the `open-feature` crate.
//!
//! Code that already evaluates flags through OpenFeature switches to
//! `toggles` by registering a [`TogglesProvider`]; nothing else changes.
//!
//! ```
//! # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
//! use open_feature::OpenFeature;
//! use toggles::openfeature::TogglesProvider;
//!
//! # let dir = tempfile::tempdir().unwrap();
//! # let path = dir.path().join("toggles.toml");
//! # std::fs::write(&path, "[toggles.dark_mode]\nenabled = true\n").unwrap();
//! let store = toggles::Store::open(&path)?;
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! runtime.block_on(async {
//!     let mut api = OpenFeature::default(); // or OpenFeature::singleton_mut().await
//!     api.set_provider(TogglesProvider::new(store)).await;
//!     let client = api.create_client();
//!
//!     let dark = client.get_bool_value("dark_mode", None, None).await.unwrap_or(false);
//!     assert!(dark);
//! });
//! # Ok::<(), toggles::Error>(())
//! ```
//!
//! # What a boolean evaluation returns
//!
//! The value is the one [`Store::is_enabled_for`] gives for the context's
//! targeting key ([`Store::is_enabled`] without one) — a test override
//! ([`toggle_as`](crate::toggle_as)) first, then the file — read from one
//! snapshot, so the value, the reason and the metadata always agree:
//!
//! | the value comes from | reason | variant |
//! |---|---|---|
//! | the key is in the deciding table's `allow` list | `TARGETING_MATCH` | `on` |
//! | the key's bucket against a `rollout` | `SPLIT` | `on` / `off` |
//! | the toggle's own `enabled` (or rollout, without a key) | `STATIC` | `on` / `off` |
//! | its release's `enabled` (or rollout, without a key) | `RELEASE` ([`REASON_RELEASE`]) | `on` / `off` |
//! | neither (off) | `DEFAULT` | `off` |
//! | a test override | `OVERRIDE` ([`REASON_OVERRIDE`]) | `on` / `off` |
//!
//! The flag metadata of a toggle the file defines carries what the file
//! says about it, as strings, each key only where it is set:
//!
//! | key | value |
//! |---|---|
//! | `release` ([`METADATA_RELEASE`]) | the release's name, so the release behind a `RELEASE` reason is named |
//! | `description` ([`METADATA_DESCRIPTION`]) | the `description` field |
//! | `owner` ([`METADATA_OWNER`]) | the toggle's own `owner` field (not its release's) |
//! | `kind` ([`METADATA_KIND`]) | always: `release` (also where `kind` is not written), `experiment`, `ops` or `permission` |
//! | `expires` ([`METADATA_EXPIRES`]) | the toggle's own `expires` date, `YYYY-MM-DD` |
//! | `environment` ([`METADATA_ENVIRONMENT`]) | the store's environment ([`Store::environment`]), when it reads one |
//!
//! These are the keys of a flag's `metadata` in `toggles export --format
//! flagd` too (where `environment` is in the flag-set metadata, which
//! flagd merges into every flag's), so a hook reads the same keys whichever
//! provider answers.
//!
//! A name the file does not define is an error with the code
//! `FLAG_NOT_FOUND` — the caller's `unwrap_or(default)` then applies — and,
//! as with any check, the name is queued to be appended to the file, off.
//! Toggles are booleans: the integer, float, string and struct evaluations
//! are errors with the code `TYPE_MISMATCH` (and never append anything).
//!
//! # Hot reload
//!
//! The provider keeps no cache: each evaluation reads the store's current
//! snapshot, so a reload is visible to the very next evaluation. (The
//! `open-feature` 0.3 SDK has no provider events, so there is no
//! `PROVIDER_CONFIGURATION_CHANGED` to emit; use
//! [`Store::subscribe`] to hear about reloads.) The provider's status is
//! `READY`, or `STALE` while the file on disk is not the version in use
//! (see [`Store::last_error`]): the last good version keeps being served.
//!
//! # The evaluation context
//!
//! The context's `targetingKey` is the key of rollouts and `allow` lists;
//! without one (or with an empty one) a toggle gives its key-less state: a
//! rollout is on only at 100 %. Other context fields are ignored.
//!
//! # Test overrides and async runtimes
//!
//! A [`toggle_as`](crate::toggle_as) override belongs to the thread that
//! made it. An evaluation sees it when the future runs on that thread, as
//! with a current-thread runtime's `block_on`. On a multi-threaded runtime,
//! use [`toggle_as_global`](crate::toggle_as_global).

use open_feature::provider::{
    FeatureProvider, ProviderMetadata, ProviderStatus, ResolutionDetails,
};
use open_feature::{
    EvaluationContext, EvaluationError, EvaluationErrorCode, EvaluationReason, EvaluationResult,
    FlagMetadata, StructValue, async_trait,
};

use crate::definitions::{Evaluation, Reason, Source, ToggleInfo};
use crate::name::is_valid_name;
use crate::overrides;
use crate::store::Store;

/// The provider's name in its [`ProviderMetadata`]: the crate's name.
pub const PROVIDER_NAME: &str = "toggles";

/// The reason of a value that comes from the toggle's release.
pub const REASON_RELEASE: &str = "RELEASE";

/// The reason of a value set by a test override.
pub const REASON_OVERRIDE: &str = "OVERRIDE";

/// The flag metadata key holding the toggle's release.
pub const METADATA_RELEASE: &str = "release";

/// The flag metadata key holding the toggle's description.
pub const METADATA_DESCRIPTION: &str = "description";

/// The flag metadata key holding the toggle's `owner`.
pub const METADATA_OWNER: &str = "owner";

/// The flag metadata key holding the toggle's `kind` (always present).
pub const METADATA_KIND: &str = "kind";

/// The flag metadata key holding the toggle's `expires` date, `YYYY-MM-DD`.
pub const METADATA_EXPIRES: &str = "expires";

/// The flag metadata key holding the environment the store reads.
pub const METADATA_ENVIRONMENT: &str = "environment";

/// An OpenFeature [`FeatureProvider`] over a [`Store`].
///
/// Boolean evaluations read the store's current snapshot with no cache of
/// their own; see the [module documentation](self) for the reasons,
/// variants, metadata and errors it returns.
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// use toggles::openfeature::TogglesProvider;
///
/// // Over the global store behind `toggle!`:
/// toggles::init("toggles.toml")?;
/// let provider = TogglesProvider::new(toggles::global());
/// # Ok::<(), toggles::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "openfeature")))]
#[derive(Debug, Clone)]
pub struct TogglesProvider {
    store: Store,
    metadata: ProviderMetadata,
}

impl TogglesProvider {
    /// A provider evaluating the toggles of `store`.
    ///
    /// For the global store behind [`toggle!`](crate::toggle!), pass
    /// [`toggles::global()`](crate::global()) (after [`init`](crate::init), if
    /// you call it: the provider keeps the store it was given).
    pub fn new(store: Store) -> TogglesProvider {
        TogglesProvider {
            store,
            metadata: ProviderMetadata::new(PROVIDER_NAME),
        }
    }

    /// The store this provider evaluates.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The boolean resolution, synchronous: everything but the `async` shell.
    fn resolve_bool(
        &self,
        name: &str,
        key: Option<&str>,
    ) -> EvaluationResult<ResolutionDetails<bool>> {
        let snapshot = self.store.current();
        let toggle = snapshot.get(name);
        let (value, reason) = match (overrides::lookup(name), toggle) {
            (Some(value), _) => (value, EvaluationReason::Other(REASON_OVERRIDE.to_owned())),
            (None, Some(toggle)) => {
                let evaluation = toggle.evaluate(key);
                (evaluation.enabled, reason_of(&evaluation))
            }
            (None, None) => {
                // Like any check: queue the name for appending (or log an
                // invalid one once).
                self.store.note_unknown(name);
                return Err(not_found(&self.store, name));
            }
        };
        Ok(ResolutionDetails {
            value,
            variant: Some(if value { "on" } else { "off" }.to_owned()),
            reason: Some(reason),
            flag_metadata: toggle.map(|toggle| metadata_of(toggle, snapshot.environment())),
        })
    }
}

fn reason_of(evaluation: &Evaluation) -> EvaluationReason {
    match (evaluation.reason, evaluation.source) {
        (Reason::Allowed, _) => EvaluationReason::TargetingMatch,
        (Reason::Bucket { .. }, _) => EvaluationReason::Split,
        (_, Source::Own) => EvaluationReason::Static,
        (_, Source::Release) => EvaluationReason::Other(REASON_RELEASE.to_owned()),
        (_, Source::Override) => EvaluationReason::Other(REASON_OVERRIDE.to_owned()),
        (_, Source::Default) => EvaluationReason::Default,
    }
}

fn metadata_of(toggle: &ToggleInfo, environment: Option<&str>) -> FlagMetadata {
    let mut metadata = FlagMetadata::default();
    if let Some(release) = toggle.release() {
        metadata.add_value(METADATA_RELEASE, release);
    }
    if let Some(description) = toggle.description() {
        metadata.add_value(METADATA_DESCRIPTION, description);
    }
    if let Some(owner) = toggle.owner() {
        metadata.add_value(METADATA_OWNER, owner);
    }
    metadata.add_value(METADATA_KIND, toggle.kind().as_str());
    if let Some(expires) = toggle.expires() {
        metadata.add_value(METADATA_EXPIRES, expires.to_string());
    }
    if let Some(environment) = environment {
        metadata.add_value(METADATA_ENVIRONMENT, environment);
    }
    metadata
}

#[cold]
fn not_found(store: &Store, name: &str) -> EvaluationError {
    let message = if is_valid_name(name) {
        format!("no toggle `{name}` in {}", store.path().display())
    } else {
        format!(
            "`{name}` is not a valid toggle name: use 1 to 255 ASCII letters, digits, `_` or `-`"
        )
    };
    EvaluationError::builder()
        .code(EvaluationErrorCode::FlagNotFound)
        .message(message)
        .build()
}

#[cold]
fn type_mismatch(name: &str, asked: &str) -> EvaluationError {
    EvaluationError::builder()
        .code(EvaluationErrorCode::TypeMismatch)
        .message(format!(
            "`{name}` was asked for as {asked}, but toggles are booleans: use a boolean evaluation"
        ))
        .build()
}

#[async_trait]
impl FeatureProvider for TogglesProvider {
    fn metadata(&self) -> &ProviderMetadata {
        &self.metadata
    }

    /// `Ready`, or `STALE` while the file on disk is not the version in use
    /// (a save that does not validate, a deleted file): the last good
    /// version is still served.
    fn status(&self) -> ProviderStatus {
        if self.store.last_error().is_some() {
            ProviderStatus::STALE
        } else {
            ProviderStatus::Ready
        }
    }

    async fn resolve_bool_value(
        &self,
        flag_key: &str,
        evaluation_context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<bool>> {
        self.resolve_bool(flag_key, evaluation_context.targeting_key.as_deref())
    }

    async fn resolve_int_value(
        &self,
        flag_key: &str,
        _evaluation_context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<i64>> {
        Err(type_mismatch(flag_key, "an integer"))
    }

    async fn resolve_float_value(
        &self,
        flag_key: &str,
        _evaluation_context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<f64>> {
        Err(type_mismatch(flag_key, "a float"))
    }

    async fn resolve_string_value(
        &self,
        flag_key: &str,
        _evaluation_context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<String>> {
        Err(type_mismatch(flag_key, "a string"))
    }

    async fn resolve_struct_value(
        &self,
        flag_key: &str,
        _evaluation_context: &EvaluationContext,
    ) -> EvaluationResult<ResolutionDetails<StructValue>> {
        Err(type_mismatch(flag_key, "a struct"))
    }
}
