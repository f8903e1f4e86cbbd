//! Integration tests, in one binary (one link step): a module per feature.

mod append;
pub mod global;
mod load;
#[cfg(feature = "openfeature")]
mod openfeature;
mod overrides;
mod reload;
mod support;
