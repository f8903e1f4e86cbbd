//! Integration tests, in one binary (one link step): a module per feature.

mod append;
mod global;
mod load;
mod reload;
mod support;
