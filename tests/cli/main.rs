//! End-to-end tests of the `toggles` binary, run on temporary files.
//!
//! One module per command family; `common` runs the binary.

mod check;
#[path = "../common/clean_env.rs"]
mod clean_env;
mod common;
mod diff;
mod edit;
mod environments;
mod export;
mod flagd;
mod hostile;
mod large;
mod list;
mod rollout;
mod schedule;
mod schedule_edit;
mod schema;
mod snapshot;
