//! The loader on arbitrary bytes: it must never panic, hang or blow the
//! stack, and every error must carry a line and column inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match toggles::Snapshot::parse("toggles.toml", bytes) {
        Ok(snapshot) => {
            for toggle in snapshot.toggles() {
                assert!(toggles::is_valid_name(toggle.name()));
                if let Some(release) = toggle.release() {
                    assert!(snapshot.release(release).is_some());
                }
            }
        }
        Err(error) => {
            let (line, column) = error.location().expect("a parse error has a location");
            let lines = bytes.split(|&b| b == b'\n').count();
            assert!(line >= 1 && line <= lines && column >= 1, "{error}");
        }
    }
});
