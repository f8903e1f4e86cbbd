//! The loaded file: which environment a command reads (`choice`), the file
//! in every environment (`views`), what decides a toggle (`decision`), the
//! errors for unknown names (`names`), and an edit from lock to rename
//! (`edit`).

pub mod choice;
pub mod decision;
pub mod edit;
pub mod names;
pub mod views;
