//! Words and shapes of the output: aligned tables (`table`), a table's
//! state in words (`state`), the `--json` shapes (`json`), and what an edit
//! prints (`edits`).

pub mod edits;
pub mod json;
pub mod state;
pub mod table;
