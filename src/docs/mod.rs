//! Longer documentation, compiled with the crate so that it stays true.
//!
//! - [`design`]: how a check, a reload and an append work, and why.
//! - [`patterns`]: how applications use toggles — at start-up, in libraries,
//!   around releases, in tests, in production.
//! - [`limitations`]: what the design does not do, on purpose or not yet.
//! - [`performance`]: what a check and a reload cost, and how that is held.
pub mod design;
pub mod limitations;
pub mod patterns;
pub mod performance;
