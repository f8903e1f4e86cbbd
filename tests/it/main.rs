//! Integration tests, in one binary (one link step): a module per feature.

mod append;
pub mod global;
mod load;
mod overrides;
mod properties;
mod reload;
mod support;
