//! Longer documentation, compiled with the crate so that it stays true.
//!
//! - [`file_format`]: the file, its fields, and which state wins.
//! - [`rollouts`]: gradual rollouts, allow lists and bucketing.
//! - [`schedules`]: scheduled rollouts: dated steps in the file, taken on
//!   time by every process.
//! - [`environments`]: one file for staging, production and the rest.
//! - [`hot_reload`]: how new names are appended, how the file is reloaded,
//!   and what keeps it reliable.
//! - [`testing`]: test overrides, on one thread or on all.
//! - [`cli`]: the `toggles` command, command by command.
//! - [`operations`]: Kubernetes, CI and pull requests, flagd, logging.
//! - [`openfeature`]: the OpenFeature provider.
//! - [`design`]: how a check, a reload and an append work, and why.
//! - [`patterns`]: how applications use toggles — at start-up, in libraries,
//!   around releases, in tests, in production.
//! - [`limitations`]: what the design does not do, on purpose or not yet.
//! - [`performance`]: what a check and a reload cost, and how that is held.
pub mod cli;
pub mod design;
pub mod environments;
pub mod file_format;
pub mod hot_reload;
pub mod limitations;
pub mod openfeature;
pub mod operations;
pub mod patterns;
pub mod performance;
pub mod rollouts;
pub mod schedules;
pub mod testing;
