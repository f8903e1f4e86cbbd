//! End-to-end tests of the `toggles` binary on temporary files.
