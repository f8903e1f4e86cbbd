//! Integration tests, in one binary (one link step): a module per feature.

mod append;
#[path = "../common/clean_env.rs"]
mod clean_env;
mod environments;
pub mod global;
mod hostile;
mod in_place;
mod layers;
mod lifecycle;
mod load;
mod logging;
#[cfg(feature = "openfeature")]
mod openfeature;
mod overrides;
mod properties;
mod reload;
mod rollout;
mod schedule;
mod stress;
mod support;
mod worker;
mod written;
