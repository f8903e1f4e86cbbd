//! The text of the file as `toml_edit` reads it: where keys are written
//! (`lines`), the edits (`edit`, `array`, `schedule`), and replacing the file safely
//! (`write`). Nothing here knows a command.

pub mod array;
pub mod edit;
pub mod lines;
pub mod schedule;
pub mod write;
