//! The loaded file: which environment a command reads (`choice`), the file
//! in every environment (`views`), what decides a toggle (`decision`), the
//! errors for unknown names (`names`), an edit from lock to rename
//! (`edit`), the old version of the file and its history from git (`git`),
//! since when toggles answer as now (`history`), what an edit did
//! (`report`), how two plans (`schedule`s) differ and which steps lower a
//! rollout (`plan`), and a table's `schedule` in an edit (`schedule`).

pub mod choice;
pub mod decision;
pub mod edit;
pub mod git;
pub mod history;
pub mod names;
pub mod plan;
pub mod report;
pub mod schedule;
pub mod views;
