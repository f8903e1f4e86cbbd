//! Longer documentation, compiled with the crate so that it stays true.
//!
//! - [`design`]: how a check, a reload and an append work, and why.
pub mod design;
