//! `toggle!` and static `Toggle`s, which read the global store.

use std::sync::{Mutex, OnceLock};

use toggles::lock::FileLock;
use toggles::{Toggle, toggle};

use crate::support::{assert_child_succeeds, child, count, wait_for};

const GLOBAL_FILE: &str = "\
[releases.launch]
enabled = true

[toggles.g_on]
enabled = true

[toggles.g_off]
enabled = false

[toggles.g_follows]
release = \"launch\"

[toggles.g_flip]
enabled = false

[toggles.o_serial]
enabled = true

[releases.g_rollout]
rollout = 50
allow = [\"staff\"]

[toggles.g_rollout_a]
release = \"g_rollout\"

[toggles.g_rollout_b]
release = \"g_rollout\"

[toggles.g_int_keys]
rollout = 30
allow = [\"42\", \"-7\", \"18446744073709551615\"]

[toggles.g_keyed_flip]
enabled = false
";

/// The test binary's global store: a temporary file, initialized once.
pub fn global_file() -> &'static std::path::Path {
    static FILE: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("toggles.toml");
            std::fs::write(&path, GLOBAL_FILE).unwrap();
            toggles::init(&path).unwrap();
            (dir, path)
        })
        .1
}

/// Rewrites the global file under the same lock as the library's appends,
/// one test at a time.
pub fn edit_global(edit: impl FnOnce(String) -> String) {
    static EDITS: Mutex<()> = Mutex::new(());
    let _one_at_a_time = EDITS.lock().unwrap_or_else(|e| e.into_inner());
    let path = global_file();
    let _lock = FileLock::acquire(path).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, edit(text)).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn toggle_reads_the_file() {
    global_file();
    assert!(toggle!("g_on"));
    assert!(!toggle!("g_off"));
    assert!(toggle!("g_follows"), "follows its release");
}

#[test]
fn a_static_toggle_shows_its_name_and_state() {
    global_file();
    static ON: Toggle = Toggle::new("g_on");
    static OFF: Toggle = Toggle::new("g_off");
    assert!(ON.is_enabled());
    assert_eq!(ON.name(), "g_on");
    assert_eq!(ON.to_string(), "g_on ON");
    assert_eq!(OFF.to_string(), "g_off OFF");
    assert_eq!(format!("{OFF:?}"), "Toggle(\"g_off\", OFF)");
}

#[test]
fn a_cached_call_site_sees_a_reload() {
    global_file();
    let check = || toggle!("g_flip");
    assert!(!check());
    assert!(!check(), "cached now");
    edit_global(|text| {
        text.replace(
            "[toggles.g_flip]\nenabled = false",
            "[toggles.g_flip]\nenabled = true",
        )
    });
    toggles::global().reload().unwrap();
    assert!(check());
    edit_global(|text| {
        text.replace(
            "[toggles.g_flip]\nenabled = true",
            "[toggles.g_flip]\nenabled = false",
        )
    });
    toggles::global().reload().unwrap();
    assert!(!check());
}

#[test]
fn call_site_caches_racing_reloads_never_return_a_value_no_version_had() {
    assert_child_succeeds(&mut child("global::child_races_checks_against_reloads"));
}

/// Child: its own global store; three threads check through `toggle!` while
/// the main thread publishes 200 versions. `race_on` is on and `race_off` off
/// in every version, so any other value was never published; `race_1` to
/// `race_4` switch on one after the other and never off again, so a call
/// site that saw one on and then off returned a stale value after a newer
/// one. Every thread must end up seeing the last version.
#[test]
#[ignore = "a child process of other tests"]
fn child_races_checks_against_reloads() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    use std::sync::atomic::{AtomicBool, Ordering};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("toggles.toml");
    let version = |step: usize, churn: usize| {
        let mut text = format!(
            "[toggles.race_on]\nenabled = true\n[toggles.race_off]\nenabled = false\n\
             [toggles.churn]\ndescription = \"{churn}\"\nenabled = {}\n",
            churn.is_multiple_of(2)
        );
        for k in 1..=4 {
            text.push_str(&format!("[toggles.race_{k}]\nenabled = {}\n", k <= step));
        }
        text
    };
    std::fs::write(&path, version(0, 0)).unwrap();
    let store = toggles::Store::builder(&path)
        .watch(false)
        .append_unknown(false)
        .open()
        .unwrap();
    toggles::init_with(store);
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                let mut seen_on = [false; 4];
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
                loop {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "never saw the last version: {seen_on:?}"
                    );
                    assert!(toggle!("race_on"), "a value no version had");
                    assert!(!toggle!("race_off"), "a value no version had");
                    std::hint::black_box(toggle!("churn"));
                    let now = [
                        toggle!("race_1"),
                        toggle!("race_2"),
                        toggle!("race_3"),
                        toggle!("race_4"),
                    ];
                    for k in 0..4 {
                        assert!(
                            now[k] || !seen_on[k],
                            "race_{} went back to off: a stale value after a newer one",
                            k + 1
                        );
                        seen_on[k] |= now[k];
                    }
                    if done.load(Ordering::SeqCst) && seen_on == [true; 4] {
                        break;
                    }
                }
            });
        }
        for step in 1..=4 {
            for churn in 1..=50 {
                std::fs::write(&path, version(step, step * 100 + churn)).unwrap();
                assert!(toggles::global().reload().unwrap());
            }
        }
        done.store(true, Ordering::SeqCst);
    });
}

#[test]
fn an_unknown_name_in_toggle_is_appended_to_the_global_file() {
    let path = global_file();
    assert!(!toggle!("g_appended_by_macro"));
    toggles::global().flush();
    wait_for("the global store knows the new toggle", || {
        toggles::global().snapshot().contains("g_appended_by_macro")
    });
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        count(&text, "[toggles.g_appended_by_macro]\nenabled = false\n"),
        1,
        "{text}"
    );
    assert!(!toggle!("g_appended_by_macro"));
}

#[test]
fn an_invalid_runtime_name_is_off_and_never_written() {
    let path = global_file();
    static BAD: Toggle = Toggle::new("not a slug");
    assert!(!BAD.is_enabled());
    assert!(!BAD.is_enabled());
    toggles::global().flush();
    assert!(
        !std::fs::read_to_string(path)
            .unwrap()
            .contains("not a slug")
    );
}

#[test]
fn without_init_the_first_check_opens_toggles_file_and_survives_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[toggles.from_env]\nenabeld = true\n").unwrap();
    assert_child_succeeds(child("global::child_without_init").env("TOGGLES_FILE", &broken));
}

/// Without `init` and without a file, the global store starts empty (small
/// programs, first steps) but says so once, naming the absolute path.
#[test]
fn without_init_a_missing_file_starts_empty_with_a_warning_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = child("global::child_without_init_or_file");
    command
        .current_dir(dir.path())
        .env_remove("TOGGLES_FILE")
        .env_remove("TOGGLES_ENV")
        .env_remove("TOGGLES_APPEND");
    assert_child_succeeds(&mut command);
    let text = std::fs::read_to_string(dir.path().join("toggles.toml")).unwrap();
    assert!(text.contains("[toggles.first_step]"), "{text}");
}

#[test]
#[ignore = "a child process of other tests"]
fn child_without_init_or_file() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    crate::support::capture_logs();
    assert!(!toggle!("first_step"));
    let path = std::env::current_dir().unwrap().join("toggles.toml");
    let warned = crate::support::logged("no toggles file here");
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].contains(&path.display().to_string()),
        "{warned:?}"
    );
    assert!(warned[0].contains("toggles::init"), "{warned:?}");
    assert!(toggles::global().last_error().is_none());
    toggles::global().flush();
}

/// Child: no `init`; `$TOGGLES_FILE` names a broken file.
#[test]
#[ignore = "a child process of other tests"]
fn child_without_init() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    crate::support::capture_logs();
    let path = std::path::PathBuf::from(std::env::var("TOGGLES_FILE").unwrap());
    assert!(!toggle!("from_env"), "a broken file: every toggle is off");
    let logged = crate::support::logged("unknown field `enabeld`");
    assert_eq!(logged.len(), 1, "the error is logged: {logged:?}");
    assert!(logged[0].contains(&path.display().to_string()));
    assert!(toggles::global().last_error().is_some());
    // Fixing the file brings the toggles in, through hot reload.
    std::fs::write(&path, "[toggles.from_env]\nenabled = true\n").unwrap();
    wait_for("the fixed file is loaded", || toggle!("from_env"));
    // `init` replaces the global store: every call site follows.
    let other = path.with_file_name("other.toml");
    std::fs::write(&other, "[toggles.from_env]\nenabled = false\n").unwrap();
    toggles::init(&other).unwrap();
    assert!(!toggle!("from_env"));
    assert_eq!(toggles::global().path(), other.as_path());
    // And a broken file given to `init` is an error, leaving the store as it was.
    std::fs::write(&path, "[toggles.from_env\n").unwrap();
    let error = toggles::init(&path).unwrap_err();
    assert_eq!(error.location(), Some((1, 18)));
    assert_eq!(toggles::global().path(), other.as_path());
}

#[test]
fn a_short_program_appends_the_names_it_checked_before_it_exits() {
    // With `init`, and with the global store opened by the first check.
    for (child_test, name) in [
        (
            "global::child_inits_checks_and_returns",
            "from_a_short_program",
        ),
        (
            "global::child_checks_without_init_and_returns",
            "from_the_lazy_store",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("toggles.toml");
        std::fs::write(&path, "[toggles.kept]\nenabled = true\n").unwrap();
        assert_child_succeeds(child(child_test).env("TOGGLES_FILE", &path));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            count(&text, &format!("[toggles.{name}]\nenabled = false\n")),
            1,
            "{child_test}: {text}"
        );
    }
}

/// Child: `init`, one check of a new name, and return.
#[test]
#[ignore = "a child process of other tests"]
fn child_inits_checks_and_returns() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    toggles::init(std::env::var_os("TOGGLES_FILE").unwrap()).unwrap();
    assert!(!toggle!("from_a_short_program"));
}

/// Child: no `init` (`$TOGGLES_FILE` names the file), one check, return.
#[test]
#[ignore = "a child process of other tests"]
fn child_checks_without_init_and_returns() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    assert!(!toggle!("from_the_lazy_store"));
}

#[test]
fn an_empty_toggles_file_variable_means_the_default_file_and_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("toggles.toml"),
        "[toggles.in_the_default_file]\nenabled = true\n",
    )
    .unwrap();
    let mut command = child("global::child_checks_with_an_empty_variable");
    assert_child_succeeds(command.current_dir(dir.path()).env("TOGGLES_FILE", ""));
}

/// Child: `$TOGGLES_FILE` is empty; the working folder holds toggles.toml.
#[test]
#[ignore = "a child process of other tests"]
fn child_checks_with_an_empty_variable() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    crate::support::capture_logs();
    assert!(toggle!("in_the_default_file"));
    let logged = crate::support::logged("TOGGLES_FILE is set but empty");
    assert_eq!(logged.len(), 1, "{logged:?}");
}
