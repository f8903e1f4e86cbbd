//! A realistic large `toggles.toml`, shared by the benches, `tests/alloc.rs`
//! and `examples/reload_latency.rs` (included with `#[path]`).

use std::fmt::Write as _;

/// The toggle every check benchmark asks for (defined in every fixture).
pub const CHECKED: &str = "new_checkout_flow";

/// Another defined toggle, for overrides that do not concern [`CHECKED`].
pub const OTHER: &str = "search_ranking_00001";

/// A toggle with its own 25 % rollout and an allow list, in [`ROLLOUTS`].
pub const ROLLOUT: &str = "search_rollout";

/// A toggle following a release's 50 % rollout, in [`ROLLOUTS`].
pub const RELEASE_ROLLOUT: &str = "checkout_rollout_member";

/// A key of a typical length (25 bytes: a prefixed id), not in any allow list.
pub const KEY: &str = "user-7f3c9a2e-41b8-4d0e-9";

/// An integer key: a 19-digit id (a snowflake id, about as long as a `u64`
/// gets), not in any allow list.
pub const KEY_U64: u64 = 1_834_217_592_305_664_001;

/// [`KEY_U64`]'s decimal text: the same key as a string.
pub const KEY_U64_TEXT: &str = "1834217592305664001";

/// `env.production` values for [`CHECKED`] and [`ROLLOUT`], appended to a
/// file with [`ROLLOUTS`] that declares `staging` and `production`. TOML
/// lets a table be extended by dotted keys only in its own section, so
/// these come as `[toggles.NAME.env.production]` tables.
pub const ENVIRONMENT_VALUES: &str = "
[toggles.new_checkout_flow.env.production]
enabled = false

[toggles.search_rollout.env.production]
rollout = 5
";

/// Toggles with rollouts, appended to a [`file`] where keyed checks are
/// measured (the plain fixture stays as it was, for the parse benchmarks).
pub const ROLLOUTS: &str = "
[releases.checkout-rollout]
rollout = 50

[toggles.search_rollout]
rollout = 25
allow = [\"staff-ada\", \"staff-bob\", \"staff-eve\"]

[toggles.checkout_rollout_member]
release = \"checkout-rollout\"
";

const AREAS: [&str; 10] = [
    "checkout", "search", "cart", "profile", "billing", "catalog", "shipping", "auth", "reports",
    "mobile",
];
const FEATURES: [&str; 10] = [
    "ranking", "drawer", "banner", "export", "retry", "preview", "filters", "avatar", "invoice",
    "wizard",
];

/// The name of fixture toggle `i` (20 to 23 characters, like real ones).
pub fn toggle_name(i: usize) -> String {
    format!("{}_{}_{i:05}", AREAS[i / 10 % 10], FEATURES[i % 10])
}

/// [`file`] declaring `staging` and `production`, with an
/// `env.production.enabled` line in one toggle table of ten: a file that
/// uses environments, written the usual way.
pub fn file_with_environments(toggles: usize, releases: usize, checked: bool) -> String {
    let plain = file(toggles, releases, checked);
    let mut text = String::with_capacity(plain.len() + toggles * 4);
    text.push_str("environments = [\"staging\", \"production\"]\n");
    let mut tables = 0;
    for line in plain.lines() {
        text.push_str(line);
        text.push('\n');
        if line.starts_with("[toggles.") {
            if tables % 10 == 0 {
                text.push_str("env.production.enabled = true\n");
            }
            tables += 1;
        }
    }
    text
}

/// A file with `toggles` toggles (one of them [`CHECKED`], set to `checked`)
/// and `releases` releases. Every toggle has a description and a `created`
/// date; 7 in 10 belong to a release, 1 in 5 has its own `enabled`.
pub fn file(toggles: usize, releases: usize, checked: bool) -> String {
    let mut text = String::with_capacity(toggles * 150 + releases * 80);
    text.push_str("# Generated for the benchmarks.\n\n");
    for r in 0..releases {
        let _ = writeln!(
            text,
            "[releases.release-{r:03}]\ndescription = \"Release {r} of the quarter\"\nenabled = {}\n",
            r % 2 == 0
        );
    }
    let _ = writeln!(
        text,
        "[toggles.{CHECKED}]\ndescription = \"The checked toggle\"\nenabled = {checked}\ncreated = 2026-11-24\n"
    );
    for i in 0..toggles.saturating_sub(1) {
        let name = toggle_name(i);
        let area = AREAS[i / 10 % 10];
        let _ = writeln!(text, "[toggles.{name}]");
        let _ = writeln!(
            text,
            "description = \"{} for the {area} team, toggle {i}\"",
            FEATURES[i % 10]
        );
        if i % 10 < 7 && releases > 0 {
            let _ = writeln!(text, "release = \"release-{:03}\"", i % releases);
        }
        if i % 5 == 0 {
            let _ = writeln!(text, "enabled = {}", i % 3 == 0);
        }
        let _ = writeln!(text, "created = 2026-{:02}-{:02}\n", 1 + i % 12, 1 + i % 28);
    }
    text
}
