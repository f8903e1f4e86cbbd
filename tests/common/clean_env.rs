//! Included by every test binary (`#[path = "…/clean_env.rs"] mod clean_env;`):
//! clears the variables the library reads — `TOGGLES_FILE`, `TOGGLES_ENV`,
//! `TOGGLES_APPEND` — before `main`, so that a value left in the shell of
//! whoever runs `cargo test` changes nothing the tests see. A test that
//! wants one sets it on a child process.
//!
//! It runs as an ELF initializer (`.init_array`, Linux and the BSDs), before
//! `main` and so before the test harness starts any thread: removing a
//! variable is sound only while no other thread reads the environment.

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly"
))]
#[used]
#[unsafe(link_section = ".init_array")]
static CLEAR_TOGGLES_VARIABLES: extern "C" fn() = clear;

extern "C" fn clear() {
    // A child process a test started (`support::child` sets this) has the
    // variables its test gave it, on a clean environment.
    if std::env::var_os("TOGGLES_TEST_CHILD").is_some() {
        return;
    }
    for variable in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] {
        // SAFETY: this runs before `main`, while the process has one
        // thread, so nothing reads the environment meanwhile.
        unsafe { std::env::remove_var(variable) };
    }
}
