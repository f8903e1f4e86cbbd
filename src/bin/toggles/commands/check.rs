//! `toggles check`: the CI gate.
//!
//! Errors (exit 1): the file is missing, does not parse or does not validate;
//! a name used in the sources (see [`crate::scan`]) is not defined in the
//! file, or is not a valid name; a toggle or a release past its `expires`
//! (`expired`: the date is the last day it may stay, counted by `--today`,
//! default the local date).
//!
//! Warnings (exit 0, or 1 with `--strict`): a toggle no source names any
//! more (stale), a release or experiment toggle without `expires` created
//! more than `--max-age` days ago (`old`; ops and permission toggles may
//! stay), a release or experiment toggle still used whose answer no key
//! changes, the same in every view with no step to come, unchanged for
//! more than `--max-age` days (`ready-to-remove`: since when, from the
//! file's git history, see [`crate::model::history`], else `created`), a
//! release whose
//! toggles are all on (ready to be folded away), an `env.E` value equal to
//! the base one, a broken promotion order, and two about plans
//! (`schedule`), in the base values and in each environment whose
//! `env.E.schedule` it is: a plan whose steps are all past
//! (`schedule-done`: its last step can become the table's state), and a
//! step that gives fewer keys than the state before it
//! (`rollout-lowered`: allowed, but the keys between lose the toggle).
//! Which steps are past, and the states, are read at `--at TIME` (default:
//! now), so that a run can be repeated; ages and expiry are counted from
//! `--today`. Each finding about a table carries its `owner`, `kind` and
//! `expires` in `--json`; in the text, every one names the owner (the
//! lifecycle ones in their message, the others on an `owner:` line).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use toggles::{Date, Schedule, Snapshot, Timestamp};
use toml_edit::Item;

use crate::args::{ReadEnv, Today};
use crate::clock;
use crate::color::{Colors, Style};
use crate::document::edit::equal_values;
use crate::document::lines::KeyLines;
use crate::fail::{EXIT_ERROR, EXIT_OK, Fail, Outcome};
use crate::file;
use crate::model::decision::{Decision, decide};
use crate::model::history;
use crate::model::plan::{StepState, lowering};
use crate::model::views::Views;
use crate::scan::{self, Scan, Use};

#[derive(clap::Args)]
pub struct Args {
    /// A folder (or file) of Rust sources to scan; repeat for several
    /// [default: those of `src`, `tests`, `examples` and `benches` beside
    /// the toggles file that exist]
    #[arg(long = "src", value_name = "DIR")]
    pub src: Vec<PathBuf>,

    /// Warn about release and experiment toggles without `expires` created
    /// more than DAYS days ago, and about those whose answer has not
    /// changed for more than DAYS days (ready to remove)
    #[arg(long, default_value_t = 90, value_name = "DAYS")]
    pub max_age: u32,

    /// Machine-readable output
    #[arg(long)]
    pub json: bool,

    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub env: ReadEnv,

    /// Check the file as it is at this instant: each schedule's step in
    /// force then, and which plans are over (RFC 3339 with `Z` or an
    /// offset: `2026-12-11T09:00Z`) [default: now]
    #[arg(long = "at", value_name = "TIME")]
    pub at: Option<Timestamp>,
    #[command(flatten)]
    pub today: Today,
}

#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Severity {
    Error,
    Warning,
}

/// One problem found.
#[derive(Serialize)]
struct Finding {
    /// What `name` names, to give the finding its table's lifecycle fields.
    #[serde(skip)]
    about: About,
    severity: Severity,
    /// `invalid-file`, `unknown-environment`, `unreadable`, `missing`,
    /// `invalid-name`, `expired`, `stale`, `old`, `ready-to-remove`,
    /// `release-on`, `redundant-env`, `promotion`, `schedule-done`,
    /// `rollout-lowered`.
    kind: &'static str,
    name: Option<String>,
    /// `file:line[:column]`.
    location: String,
    message: String,
    /// The file's line the message is about, as written (a file that does
    /// not load: the library's `source_line`), shown under the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    source_line: Option<String>,
    help: String,
}

/// The table a finding is about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum About {
    /// None (a file's mistake, a name the file does not define).
    Nothing,
    Toggle,
    Release,
}

/// A toggle's table, or a release's.
fn about(release: bool) -> About {
    if release {
        About::Release
    } else {
        About::Toggle
    }
}

/// A finding as reported: with the lifecycle fields of the table it is
/// about (null where it has none, or is about none).
#[derive(Serialize)]
struct Reported {
    #[serde(flatten)]
    finding: Finding,
    /// The table's `owner`.
    owner: Option<String>,
    /// The toggle's `kind` (`release`, `experiment`, `ops`,
    /// `permission`); null for a release's table (`kind` is the finding's).
    toggle_kind: Option<&'static str>,
    /// The table's `expires` date (`YYYY-MM-DD`).
    expires: Option<String>,
}

impl Reported {
    fn of(finding: Finding, snapshot: Option<&Snapshot>) -> Reported {
        let name = finding.name.as_deref().unwrap_or_default();
        let (owner, toggle_kind, expires) = match (finding.about, snapshot) {
            (About::Toggle, Some(snapshot)) => snapshot.get(name).map_or((None, None, None), |t| {
                (t.owner(), Some(t.kind().as_str()), t.expires())
            }),
            (About::Release, Some(snapshot)) => snapshot
                .release(name)
                .map_or((None, None, None), |r| (r.owner(), None, r.expires())),
            _ => (None, None, None),
        };
        Reported {
            finding,
            owner: owner.map(str::to_owned),
            toggle_kind,
            expires: expires.map(|date| date.to_string()),
        }
    }
}

/// ` (owner TEAM)` after a table's name, where it has an owner.
fn owned(owner: Option<&str>) -> String {
    owner.map_or_else(String::new, |owner| format!(" (owner {owner})"))
}

#[derive(Serialize)]
struct Report {
    ok: bool,
    file: String,
    sources: Vec<String>,
    errors: usize,
    warnings: usize,
    toggles: usize,
    releases: usize,
    files_scanned: usize,
    lines_scanned: usize,
    /// Whether the sources were scanned: not when the file did not load.
    scanned: bool,
    /// The environment checked (`--env`, else `TOGGLES_ENV`), or null for
    /// the base values.
    environment: Option<String>,
    /// The declared environments, in promotion order.
    environments: Vec<String>,
    findings: Vec<Reported>,
}

pub fn run(path: &Path, args: &Args, colors: Colors) -> Outcome {
    let sources = source_roots(path, &args.src);
    let choice = args.env.choice();
    let loaded = Views::load(path);
    let at = args.at.unwrap_or_else(Timestamp::now);
    let (views, bytes) = match loaded {
        Ok((views, bytes)) => (views.at(at), bytes),
        Err(fail) => {
            // The file is the first thing checked, before the sources: a
            // missing file is the problem, not the `src` folder beside it.
            // Report it like any finding: one per mistake of the file.
            let findings = file_findings(path, fail);
            return Ok(finish(
                path,
                args,
                &sources,
                None,
                &Scan::default(),
                findings,
                colors,
            ));
        }
    };
    let mut findings = Vec::new();
    // An environment the file does not declare: the application would
    // refuse the file; the rest is checked in the base values.
    let chosen = match choice.check(path, &views.base) {
        Ok(()) => choice.name(),
        Err(fail) => {
            let location = Snapshot::parse_in(path, &bytes, choice.name())
                .err()
                .and_then(|e| e.location())
                .map_or_else(
                    || path.display().to_string(),
                    |(line, column)| format!("{}:{line}:{column}", path.display()),
                );
            findings.push(Finding {
                about: About::Nothing,
                severity: Severity::Error,
                kind: "unknown-environment",
                name: choice.name().map(str::to_owned),
                location,
                message: fail.message,
                help: fail.help.unwrap_or_default(),
                source_line: None,
            });
            None
        }
    };
    let snapshot = views
        .columns()
        .find(|(environment, _)| *environment == chosen)
        .map_or(&views.base, |(_, snapshot)| snapshot);
    sources_exist(&args.src, &sources)?;
    let started = Instant::now();
    let scan = scan::scan_paths(&sources);
    log_timing(&scan, started);
    findings.extend(scan.problems.iter().map(|problem| Finding {
        about: About::Nothing,
        severity: Severity::Error,
        kind: "unreadable",
        name: None,
        location: String::new(),
        message: problem.clone(),
        help: "make the sources readable, or leave them out of --src (or .gitignore them)".into(),
        source_line: None,
    }));
    let today = args.today.date();
    findings.extend(expired(path, snapshot, today));
    findings.extend(missing(path, snapshot, &scan));
    findings.extend(stale(path, snapshot, &scan, &sources));
    let ready = ready_to_remove(
        path,
        &bytes,
        &views,
        snapshot,
        &scan,
        at,
        args.max_age,
        today,
    );
    findings.extend(old(path, snapshot, args.max_age, today, &ready));
    findings.extend(ready);
    // Without a chosen environment, a release is ready to fold away only
    // when it is fully on in every one.
    let fully: Vec<&Snapshot> = match chosen {
        Some(_) => vec![snapshot],
        None => views.columns().map(|(_, snapshot)| snapshot).collect(),
    };
    findings.extend(fully_on(path, &fully));
    let text = std::str::from_utf8(&bytes).unwrap_or_default();
    // Values compared as written: the one `toml_edit` read of a check (of
    // a large file, its costliest step).
    let lines = KeyLines::new(text);
    findings.extend(redundant(path, &lines));
    findings.extend(promotion(path, &views));
    findings.extend(plans(path, &views, at));
    let report = Checked {
        snapshot,
        environment: chosen,
        environments: views.environments.iter().map(|(n, _)| n.clone()).collect(),
    };
    Ok(finish(
        path,
        args,
        &sources,
        Some(report),
        &scan,
        findings,
        colors,
    ))
}

/// The warnings about plans, in each view: the base values' schedules,
/// and in an environment those written as its `env.E.schedule` (one it
/// inherits is the base values'). A toggle's own schedule, or a
/// release's (once, not on each toggle that follows it).
fn plans(path: &Path, views: &Views, at: Timestamp) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (environment, snapshot) in views.columns() {
        let in_view = environment.is_some();
        let own = |schedule: &&Schedule| schedule.is_in_environment() == in_view;
        let mut tables: Vec<(String, &str, &Schedule)> = Vec::new();
        for release in snapshot.releases() {
            if let Some(schedule) = release.schedule().filter(own) {
                tables.push((
                    format!("release `{}`", release.name()),
                    release.name(),
                    schedule,
                ));
            }
        }
        for toggle in snapshot.toggles() {
            if toggle.source() != toggles::Source::Own {
                continue;
            }
            if let Some(schedule) = toggle.schedule().filter(own) {
                tables.push((
                    format!("toggle `{}`", toggle.name()),
                    toggle.name(),
                    schedule,
                ));
            }
        }
        let field = |name: &str| match environment {
            Some(e) => format!("env.{e}.{name}"),
            None => name.to_owned(),
        };
        for (what, name, schedule) in tables {
            if let Some(last) = schedule.steps().last()
                && last.at() <= at
            {
                let state = StepState::of(last);
                findings.push(Finding {
                    about: about(what.starts_with("release")),
                    severity: Severity::Warning,
                    kind: "schedule-done",
                    name: Some(name.to_owned()),
                    location: file::at(path, last.line()),
                    message: format!(
                        "every step of the `{}` of {what} is past at {at}: its last step (`{}` at {}) holds from then on",
                        field("schedule"),
                        state.assignment(),
                        last.at()
                    ),
                    help: format!(
                        "fold it: the last step (`{}` at {}) can become the table's `{}` (in place of its `{}`/`{}`); remove `{}`",
                        state.assignment(),
                        last.at(),
                        field(&state.assignment()),
                        field("enabled"),
                        field("rollout"),
                        field("schedule"),
                    ),
                    source_line: None,
                });
            }
            let Some(first) = schedule.steps().next() else {
                continue;
            };
            // The state before the first step, as the library resolves it
            // the second before.
            let before = snapshot.at(Timestamp::from_unix_seconds(
                first.at().unix_seconds().saturating_sub(1),
            )
            .to_system_time());
            let start = if what.starts_with("release") {
                before
                    .release(name)
                    .map(|r| StepState::of_table(r.is_enabled(), r.rollout()))
            } else {
                before
                    .get(name)
                    .map(|t| StepState::of_table(t.is_enabled(), t.rollout()))
            };
            let Some(start) = start else {
                continue;
            };
            for (was, step) in lowering(start, schedule) {
                let now = StepState::of(&step);
                findings.push(Finding {
                    about: about(what.starts_with("release")),
                    severity: Severity::Warning,
                    kind: "rollout-lowered",
                    name: Some(name.to_owned()),
                    location: file::at(path, step.line()),
                    message: format!(
                        "the step at {} of {what}'s `{}` takes it from {} to {} of keys: keys that had it lose it then",
                        step.at(),
                        field("schedule"),
                        was.short(),
                        now.short()
                    ),
                    help: "if this is a planned rollback, keep it; else raise the step's rollout or remove the step"
                        .into(),
                    source_line: None,
                });
            }
        }
    }
    findings
}

/// What was checked, for the report.
struct Checked<'a> {
    snapshot: &'a Snapshot,
    environment: Option<&'a str>,
    environments: Vec<String>,
}

/// Environment values equal to the base value they replace: they change
/// nothing today, and would silently keep the old value when the base one
/// changes. Compared as written (`enabled` the same bool, `rollout` the same
/// percent, `allow` the same keys in any order).
fn redundant(path: &Path, lines: &KeyLines<'_>) -> Vec<Finding> {
    let Some(document) = lines.document() else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for (section, what) in [("toggles", "toggle"), ("releases", "release")] {
        let Some(tables) = document.get(section).and_then(Item::as_table_like) else {
            continue;
        };
        for (name, table) in tables.iter() {
            let Some(table) = table.as_table_like() else {
                continue;
            };
            let Some(envs) = table.get("env").and_then(Item::as_table_like) else {
                continue;
            };
            for (environment, values) in envs.iter() {
                let Some(values) = values.as_table_like() else {
                    continue;
                };
                // `enabled`, `rollout` and `schedule` are one slot: beside a
                // schedule (E's or the base's), an equal value is a plan's
                // start or keeps E out of the base plan, never redundant.
                let scheduled = values.contains_key("schedule") || table.contains_key("schedule");
                for field in ["enabled", "rollout", "allow"] {
                    if scheduled && field != "allow" {
                        continue;
                    }
                    let (Some(value), Some(base)) = (
                        values.get(field).and_then(Item::as_value),
                        table.get(field).and_then(Item::as_value),
                    ) else {
                        continue;
                    };
                    if !equal_values(base, value) {
                        continue;
                    }
                    let at = |value: &toml_edit::Value| {
                        value
                            .span()
                            .and_then(|span| lines.line_at(span.start))
                            .unwrap_or(0)
                    };
                    let (line, base_line) = (at(value), at(base));
                    let written = value.to_string();
                    let written = written.trim();
                    findings.push(Finding {
                        about: about(what == "release"),
                        severity: Severity::Warning,
                        kind: "redundant-env",
                        name: Some(name.to_owned()),
                        location: file::at(path, line),
                        message: format!(
                            "`env.{environment}.{field} = {written}` of {what} `{name}` is the same as its base `{field}` ({}): it changes nothing in {environment}",
                            file::at(path, base_line)
                        ),
                        help: format!(
                            "remove the line: {environment} gets the base value, and follows it when it changes"
                        ),
                        source_line: None,
                    });
                }
            }
        }
    }
    findings
}

/// Toggles that are further on in an environment than in one before it
/// in `environments` (ON in production, OFF in staging): a change should
/// reach each environment after the ones before it. Compared by the share
/// of keys a check gets (ON 100%, a rollout its share, OFF 0%); `allow`
/// lists are not compared.
fn promotion(path: &Path, views: &Views) -> Vec<Finding> {
    if views.environments.len() < 2 {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for toggle in views.base.toggles() {
        let decisions: Vec<Decision> = views
            .environments
            .iter()
            .filter_map(|(name, snapshot)| {
                Some(decide(snapshot.get(toggle.name())?, snapshot, Some(name)))
            })
            .collect();
        let broken = decisions.iter().enumerate().find_map(|(j, later)| {
            decisions[..j]
                .iter()
                .find(|earlier| earlier.level() < later.level())
                .map(|earlier| (earlier, later))
        });
        let Some((earlier, later)) = broken else {
            continue;
        };
        let (e, l) = (
            earlier.environment.as_deref().unwrap_or_default(),
            later.environment.as_deref().unwrap_or_default(),
        );
        let name = toggle.name();
        findings.push(Finding {
            about: About::Toggle,
            severity: Severity::Warning,
            kind: "promotion",
            name: Some(name.to_owned()),
            location: file::at(path, later.line),
            message: format!(
                "toggle `{name}` is {} in {l} but {} in {e}, which comes before it in `environments`: the promotion order is broken",
                later.cell(),
                earlier.cell(),
            ),
            help: format!(
                "promote it to {e} first (there it is decided by {}), or hold {l} back (decided by {}); `toggles list --envs` shows every environment",
                earlier.place(path),
                later.place(path),
            ),
            source_line: None,
        });
    }
    findings
}

/// The folders of a Cargo package that hold Rust code using toggles: a
/// name that only tests (or an example, or a benchmark) use is not stale.
const DEFAULT_SOURCES: [&str; 4] = ["src", "tests", "examples", "benches"];

/// `--src` as given, or those of [`DEFAULT_SOURCES`] beside the toggles
/// file that exist (`src` alone, to be reported missing, if none does).
fn source_roots(path: &Path, given: &[PathBuf]) -> Vec<PathBuf> {
    if !given.is_empty() {
        return given.to_vec();
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let beside = |name: &str| {
        let folder = dir.join(name);
        folder
            .strip_prefix("./")
            .map(Path::to_path_buf)
            .unwrap_or(folder)
    };
    let found: Vec<PathBuf> = DEFAULT_SOURCES
        .iter()
        .map(|name| beside(name))
        .filter(|folder| folder.exists())
        .collect();
    if found.is_empty() {
        vec![beside(DEFAULT_SOURCES[0])]
    } else {
        found
    }
}

/// A usage error if a source root does not exist: `--src` as `given`, or
/// the default folders.
fn sources_exist(given: &[PathBuf], sources: &[PathBuf]) -> Result<(), Fail> {
    if let Some(root) = sources.iter().find(|root| !root.exists()) {
        return Err(if given.is_empty() {
            Fail::usage(format!(
                "no source folder {} (nor {}) beside the toggles file",
                root.display(),
                DEFAULT_SOURCES[1..].join(", ")
            ))
            .help("pass the folders to scan with --src DIR (repeatable)")
        } else {
            Fail::usage(format!("--src {}: no such file or folder", root.display()))
        });
    }
    Ok(())
}

/// `TOGGLES_SCAN_TIMING=1` prints how long the scan took, to measure it.
fn log_timing(scan: &Scan, started: Instant) {
    if std::env::var_os("TOGGLES_SCAN_TIMING").is_some() {
        eprintln!(
            "scanned {} files, {} lines, {} bytes in {:.1} ms",
            scan.files,
            scan.lines,
            scan.bytes,
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Names used in the sources that the file does not define (one finding per
/// name, at its first use), and uses of invalid names.
fn missing(path: &Path, snapshot: &Snapshot, scan: &Scan) -> Vec<Finding> {
    let mut by_name: BTreeMap<&str, Vec<&Use>> = BTreeMap::new();
    for found in &scan.uses {
        if !snapshot.contains(&found.name) {
            by_name.entry(&found.name).or_default().push(found);
        }
    }
    let file = path.display();
    by_name
        .into_iter()
        .map(|(name, uses)| {
            let first = uses[0];
            let more = match uses.len() {
                1 => String::new(),
                n => format!(" (and {} more use{})", n - 1, if n == 2 { "" } else { "s" }),
            };
            let location = format!("{}:{}:{}", first.file.display(), first.line, first.column);
            if toggles::is_valid_name(name) {
                Finding {
                    about: About::Nothing,
                    severity: Severity::Error,
                    kind: "missing",
                    name: Some(name.to_owned()),
                    location,
                    message: format!("toggle `{name}` is used by {}{more} but not defined in {file}", first.kind.describe()),
                    help: format!(
                        "add it with `toggles add {name}` (or run the code once: the library appends it), or fix the name"
                    ),
                    source_line: None,
                }
            } else {
                Finding {
                    about: About::Nothing,
                    severity: Severity::Error,
                    kind: "invalid-name",
                    name: Some(name.to_owned()),
                    location,
                    message: format!("{:?} is not a valid toggle name{more}", name),
                    help: format!("use 1 to {} ASCII letters, digits, `_` or `-`", toggles::MAX_NAME_LEN),
                    source_line: None,
                }
            }
        })
        .collect()
}

/// Toggles that no scanned source names any more.
fn stale(path: &Path, snapshot: &Snapshot, scan: &Scan, sources: &[PathBuf]) -> Vec<Finding> {
    let scanned = sources
        .iter()
        .map(|s| s.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    snapshot
        .toggles()
        .filter(|toggle| !scan.mentioned.contains(toggle.name()))
        .map(|toggle| Finding {
            about: About::Toggle,
            severity: Severity::Warning,
            kind: "stale",
            name: Some(toggle.name().to_owned()),
            location: file::at(path, toggle.line()),
            message: format!(
                "toggle `{}`{} is not used in {scanned} (stale)",
                toggle.name(),
                owned(toggle.owner())
            ),
            help: format!(
                "remove its table and the code behind its dead branch (it is {}), or scan more with --src",
                crate::words::on_off(toggle.is_enabled())
            ),
            source_line: None,
        })
        .collect()
}

/// Temporary toggles (release and experiment ones) without `expires`
/// created more than `max_age` days before `today`: ops and permission
/// toggles may stay, and one with `expires` has its deadline (past it, it
/// is `expired`). Not those already `ready` to remove.
fn old(
    path: &Path,
    snapshot: &Snapshot,
    max_age: u32,
    today: Date,
    ready: &[Finding],
) -> Vec<Finding> {
    snapshot
        .toggles()
        .filter(|toggle| toggle.kind().is_temporary() && toggle.expires().is_none())
        .filter(|toggle| !ready.iter().any(|f| f.name.as_deref() == Some(toggle.name())))
        .filter_map(|toggle| {
            let created = toggle.created()?;
            let age = created.days_until(today);
            (age > i64::from(max_age)).then(|| Finding {
                about: About::Toggle,
                severity: Severity::Warning,
                kind: "old",
                name: Some(toggle.name().to_owned()),
                location: file::at(path, toggle.line()),
                message: format!(
                    "toggle `{}`{} is {age} days old (created {created}; --max-age {max_age})",
                    toggle.name(),
                    owned(toggle.owner()),
                ),
                help: "settle it: keep the code of the winning branch and remove the toggle; or give it \
                       an `expires` date (`kind = \"ops\"` or `\"permission\"` if it is meant to stay), or raise --max-age"
                    .into(),
                source_line: None,
            })
        })
        .collect()
}

/// Toggles and releases past their `expires`: the date is the last day
/// they may stay (on it they have not expired yet), counted by `today`.
fn expired(path: &Path, snapshot: &Snapshot, today: Date) -> Vec<Finding> {
    let owner =
        |owner: Option<&str>| owner.map_or_else(|| "no owner".to_owned(), |o| format!("owner {o}"));
    let releases = snapshot.releases().filter_map(|release| {
        let expires = release.expires().filter(|_| release.is_expired_on(today))?;
        Some(Finding {
            about: About::Release,
            severity: Severity::Error,
            kind: "expired",
            name: Some(release.name().to_owned()),
            location: file::at(path, release.line()),
            message: format!(
                "release `{}` expired on {expires} ({}): remove it from the code and the file, or move `expires`",
                release.name(),
                owner(release.owner()),
            ),
            help: format!(
                "fold it away: remove the release, its toggles and their dead branches ({} of {} enabled); \
                 or, if it must stay, set a later `expires` (the last day it may stay)",
                release.counts().0,
                release.counts().1,
            ),
            source_line: None,
        })
    });
    let toggles = snapshot.toggles().filter_map(|toggle| {
        let expires = toggle.expires().filter(|_| toggle.is_expired_on(today))?;
        Some(Finding {
            about: About::Toggle,
            severity: Severity::Error,
            kind: "expired",
            name: Some(toggle.name().to_owned()),
            location: file::at(path, toggle.line()),
            message: format!(
                "toggle `{}` expired on {expires} ({}): remove it from the code and the file, or move `expires`",
                toggle.name(),
                owner(toggle.owner()),
            ),
            help: format!(
                "remove its table and the code behind its dead branch (it is {}); or, if it must stay, \
                 set a later `expires` (the last day it may stay)",
                crate::words::on_off(toggle.is_enabled())
            ),
            source_line: None,
        })
    });
    releases.chain(toggles).collect()
}

/// Temporary toggles still used in the code that give every check (with
/// any key, or none) the same answer in every view, with no step of a
/// schedule to come, and have for more than `max_age` days: since when,
/// from the file's git history ([`history::settled_since`]), else from
/// `created` (or the step that settled it, if later); unknown, no finding.
#[allow(clippy::too_many_arguments)]
fn ready_to_remove(
    path: &Path,
    bytes: &[u8],
    views: &Views,
    snapshot: &Snapshot,
    scan: &Scan,
    at: Timestamp,
    max_age: u32,
    today: Date,
) -> Vec<Finding> {
    let settled: Vec<(&str, bool)> = snapshot
        .toggles()
        // An expired one is an error already, which says to remove it.
        .filter(|toggle| toggle.expires().is_none_or(|expires| expires >= today))
        .filter(|toggle| toggle.kind().is_temporary() && scan.mentioned.contains(toggle.name()))
        .filter_map(|toggle| {
            let mut answers = views.columns().map(|(_, view)| {
                let toggle = view.get(toggle.name())?;
                toggle.next_step().is_none().then_some(())?;
                toggle.is_constant()
            });
            let first = answers.next()??;
            answers
                .all(|answer| answer == Some(first))
                .then_some((toggle.name(), first))
        })
        .collect();
    if settled.is_empty() {
        return Vec::new();
    }
    let history = history::settled_since(path, bytes, views, at, &settled);
    settled
        .into_iter()
        .filter_map(|(name, on)| {
            let toggle = snapshot.get(name)?;
            let (since, how) = match &history {
                Some(history) => {
                    let since = history.get(name)?;
                    let how = match &since.commit {
                        Some(commit) => format!("unchanged since commit {}", commit.get(..12).unwrap_or(commit)),
                        None => "changed by an edit not committed yet".to_owned(),
                    };
                    (clock::local_date(since.at), how)
                }
                None => {
                    let created = toggle.created()?;
                    let stepped = history::latest_step(views, name, at).map(clock::local_date);
                    (stepped.map_or(created, |step| step.max(created)), "by `created`".to_owned())
                }
            };
            let days = since.days_until(today);
            (days > i64::from(max_age)).then(|| Finding {
                about: About::Toggle,
                severity: Severity::Warning,
                kind: "ready-to-remove",
                name: Some(name.to_owned()),
                location: file::at(path, toggle.line()),
                message: format!(
                    "toggle `{name}`{} is ready to remove: always {} since {since}{}, for every key ({days} days, {how}; --max-age {max_age})",
                    owned(toggle.owner()),
                    if on { "on" } else { "off" },
                    if views.any() { " in every environment" } else { "" },
                ),
                help: format!(
                    "keep the code of its {} branch, remove the other and the toggle's table",
                    if on { "`true`" } else { "`false`" }
                ),
                source_line: None,
            })
        })
        .collect()
}

/// Releases whose toggles are all on (in each of `snapshots`): ready to be
/// folded away.
fn fully_on(path: &Path, snapshots: &[&Snapshot]) -> Vec<Finding> {
    let Some(snapshot) = snapshots.last() else {
        return Vec::new();
    };
    snapshot
        .releases()
        .filter(|release| {
            snapshots.iter().all(|s| {
                s.release(release.name()).is_some_and(|r| {
                    let (on, total) = r.counts();
                    total > 0 && on == total
                })
            })
        })
        .map(|release| Finding {
            about: About::Release,
            severity: Severity::Warning,
            kind: "release-on",
            name: Some(release.name().to_owned()),
            location: file::at(path, release.line()),
            message: {
                let (on, total) = release.counts();
                format!(
                    "release `{}`{} is fully on ({on} of {total} enabled)",
                    release.name(),
                    owned(release.owner())
                )
            },
            help: "fold it away: remove the release, its toggles and their dead `else` branches"
                .into(),
            source_line: None,
        })
        .collect()
}

/// The findings for a file that does not load: one per mistake the
/// library found (`Error::Several` holds each, with its own line and
/// column), else one for the whole file. A finding names the file once:
/// its location, and a message without it.
fn file_findings(path: &Path, fail: Fail) -> Vec<Finding> {
    let help = fail.help.unwrap_or_default();
    let finding = |location: String, message: String| Finding {
        about: About::Nothing,
        severity: Severity::Error,
        kind: "invalid-file",
        name: None,
        location,
        message,
        help: help.clone(),
        source_line: None,
    };
    let errors: Vec<&toggles::Error> = match fail.source.as_deref() {
        Some(toggles::Error::Several { errors, .. }) => errors.iter().collect(),
        Some(error) => vec![error],
        None => Vec::new(),
    };
    if errors.is_empty() {
        // The CLI's own words about the file (missing, a folder…).
        let file = path.display().to_string();
        let message = match fail.message.strip_prefix(&format!("{file}:")) {
            Some(rest) => rest.trim_start().to_owned(),
            None => fail.message,
        };
        return vec![finding(file, message)];
    }
    errors
        .into_iter()
        .map(|error| {
            let file = error.path().unwrap_or(path).display().to_string();
            let location = match error.location() {
                Some((line, column)) => format!("{file}:{line}:{column}"),
                None => file,
            };
            if let toggles::Error::Invalid {
                message,
                source_line,
                help,
                ..
            } = error
            {
                // Its parts as they are: `--json` gets the message, the
                // line and the help each in its own field.
                return Finding {
                    message: message.clone(),
                    source_line: Some(source_line.clone()),
                    help: (*help).to_owned(),
                    ..finding(location, String::new())
                };
            }
            // The library's message starts with the location, then `: `.
            let text = error.to_string();
            let message = text
                .strip_prefix(&format!("{location}:"))
                .map_or(text.as_str(), str::trim_start)
                .to_owned();
            finding(location, message)
        })
        .collect()
}

fn finish(
    path: &Path,
    args: &Args,
    sources: &[PathBuf],
    checked: Option<Checked<'_>>,
    scan: &Scan,
    findings: Vec<Finding>,
    colors: Colors,
) -> u8 {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let failed = errors > 0 || (args.strict && warnings > 0);
    let report = Report {
        ok: !failed,
        file: path.display().to_string(),
        sources: sources.iter().map(|s| s.display().to_string()).collect(),
        errors,
        warnings,
        toggles: checked.as_ref().map_or(0, |c| c.snapshot.toggles().len()),
        releases: checked.as_ref().map_or(0, |c| c.snapshot.releases().len()),
        files_scanned: scan.files,
        lines_scanned: scan.lines,
        scanned: checked.is_some(),
        environment: checked
            .as_ref()
            .and_then(|c| c.environment.map(str::to_owned)),
        findings: findings
            .into_iter()
            .map(|finding| Reported::of(finding, checked.as_ref().map(|c| c.snapshot)))
            .collect(),
        environments: checked.map_or_else(Vec::new, |c| c.environments),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serializable")
        );
    } else {
        print_report(&report, args.strict, colors);
    }
    if failed { EXIT_ERROR } else { EXIT_OK }
}

fn print_report(report: &Report, strict: bool, colors: Colors) {
    for Reported { finding, owner, .. } in &report.findings {
        let (label, style) = match finding.severity {
            Severity::Error => ("error", Style::Error),
            Severity::Warning => ("warning", Style::Warning),
        };
        let head = colors.paint(style, &format!("{label}[{}]", finding.kind));
        // A message that names its file already needs no location before it.
        if finding.location.is_empty() || finding.message.starts_with(&finding.location) {
            println!("{head}: {}", finding.message);
        } else {
            println!("{head}: {}: {}", finding.location, finding.message);
        }
        if let Some(source) = &finding.source_line {
            // As the library shows it: the line's number, then the line.
            let line = finding.location.rsplit(':').nth(1).unwrap_or_default();
            println!("{line:>5} | {source}");
        }
        // Every finding about an owned table names its owner: in the
        // message (the lifecycle findings), else on a line of its own.
        if let Some(owner) = owner
            && !finding.message.contains(&format!("owner {owner}"))
        {
            println!("  {} {owner}", colors.paint(Style::Bold, "owner:"));
        }
        if !finding.help.is_empty() {
            println!("  {} {}", colors.paint(Style::Bold, "help:"), finding.help);
        }
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let verdict = if report.ok {
        colors.paint(Style::On, "ok")
    } else {
        colors.paint(Style::Error, "failed")
    };
    let strict = if strict && report.warnings > 0 {
        " (--strict: warnings fail)"
    } else {
        ""
    };
    let sources = report.sources.join(", ");
    let scanned = if report.scanned {
        format!(
            "{} ({}) scanned in {sources}",
            plural(report.files_scanned, "file"),
            plural(report.lines_scanned, "line"),
        )
    } else {
        format!("{sources} not scanned until the file loads")
    };
    println!(
        "check {verdict}: {}, {}{strict} — {}, {} in {}; {scanned}",
        plural(report.errors, "error"),
        plural(report.warnings, "warning"),
        plural(report.toggles, "toggle"),
        plural(report.releases, "release"),
        report.file,
    );
}
