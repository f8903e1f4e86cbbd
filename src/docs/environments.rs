//! # Environments
//!
//! One reviewed file for every environment: declare them, in promotion order,
//! and give a toggle or a release its own values where an environment differs.
//!
//! ```toml
//! environments = ["staging", "production"]   # in promotion order
//!
//! [releases.checkout-v2]
//! description = "New checkout flow"
//! enabled = false
//! env.staging.enabled = true                 # staging tries it first
//!
//! [toggles.new_cart]
//! release = "checkout-v2"
//! created = 2026-11-24
//!
//! [toggles.new_search]
//! rollout = 10
//! allow = ["staff-ada", "staff-bob"]
//! env.staging.rollout = 100
//! env.production.rollout = 1
//! created = 2026-11-26
//!
//! [toggles.dark_mode]
//! enabled = true
//! created = 2026-11-20
//! ```
//!
//! **The rule.** On a toggle or a release, `env.E.enabled`, `env.E.rollout`
//! and `env.E.allow` are environment E's own values; everything else (the
//! *base* values) applies in every environment. `enabled` and `rollout` are one
//! slot: an environment's `enabled` or `rollout` replaces the base one (both in
//! one environment is an error, as in the base). `allow` is another slot: an
//! environment's list replaces the base list, it is never merged with it
//! (`env.E.allow = []` means no keys in E). Then, in E, the tables decide as
//! everywhere ([Which state wins](crate::docs::file_format#which-state-wins)): a test override, the
//! toggle's own table if it has `enabled`, `rollout` or `allow` (in E), its
//! release's, off. So in the file above, `new_cart` is on in staging through
//! its release, and `new_search` is at 1 % in production. An environment the
//! file does not declare (`env.prodution.enabled`) is an error with line,
//! column and "did you mean", like any typo; a file without `environments`
//! means what it always meant.
//!
//! **Choosing one.** A process reads the file in one environment:
//! `Store::builder(path).environment("production")`, else the environment
//! variable `TOGGLES_ENV` (`toggles::ENVIRONMENT_ENV`; also read by `init` and
//! the global store), else the base values; `.base_values()` reads the base
//! values whatever `TOGGLES_ENV` says. An environment the file does not
//! declare is an error like a broken file: `open` fails, a running store keeps
//! its last good version. `Snapshot::parse_in(path, bytes, Some("production"))`
//! reads bytes as an environment does; `Snapshot::environments()` lists the
//! declared ones and `Snapshot::environment()` says which one a snapshot holds.
//! The `toggles` command takes `--env E`, and `list`, `show` and `check` read
//! `TOGGLES_ENV` as the library does (see [the command](crate::docs::cli)).
//!
//! **Delivery: one file, one ConfigMap.** Every environment gets the same
//! bytes; only `TOGGLES_ENV` differs, set by each deployment
//! (`examples/kubernetes/configmap.yaml`
//! has one ConfigMap and a Deployment per environment). A change to production
//! is a reviewed line in the same pull request as the change to staging, and
//! `toggles check` warns when production gets ahead of staging.
