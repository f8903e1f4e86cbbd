//! One module per command (or family of commands): its `Args`, and a `run`
//! that loads the file once, builds what it reports and hands it to the
//! view. No command imports another: what two commands share lives in the
//! layers below (`model`, `view`, `document`).

pub mod check;
pub mod diff;
pub mod export;
pub mod keys;
pub mod list;
pub mod schedule;
pub mod schema;
pub mod show;
pub mod switch;
