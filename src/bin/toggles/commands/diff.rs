//! `toggles diff [REV]`: what a change to the file turns on, where.
//!
//! The old version is the file as git holds it in REV (default: the merge
//! base with the upstream branch, else `HEAD`), read with `git ls-tree` and
//! `git cat-file` run as a child process (symlinks in REV followed, within
//! the repository); the new version is the working file. An upstream
//! without a merge base (a shallow clone) is an error, and so is `--fail-on`
//! on a detached HEAD that holds the working file as it is: a gate never
//! passes for having compared nothing. Both are
//! parsed with the library in every **view**: the base values (what a
//! process without `TOGGLES_ENV` gets) and each environment that either
//! version declares. A version that does not declare an environment is
//! read there with its base values (with a note), since that is what the
//! environment ran before it was declared.
//!
//! In each view, each toggle's *effective* state is compared: its state
//! for a check without a key and its targeting — ON, OFF or a share of
//! keys (`rollout = 0` reads as OFF and `rollout = 100` as ON, the same for
//! every key), how a share is bucketed (by the toggle or by its release,
//! and the file's scheme), and the `allow` list (ignored where the toggle
//! is ON for every key before and after). So a flipped release shows as
//! what it does to each of its toggles, and an `env.E` value only in E.
//!
//! **When.** Both versions are resolved at one instant, now or `--at TIME`
//! (`Snapshot::at`), each schedule's step in force then. A toggle that
//! decides the same then is compared again at each later step instant of
//! its deciding table's schedule in either version (its state changes at
//! no other instant): the first where it decides otherwise makes it a
//! `later` change (`from TIME: 10% → 50%`). Each step that changed is
//! reported after the toggle's line, through [`plan::compare`] (added,
//! removed, moved, restated); a toggle whose answers stay the same from the
//! instant on but whose plan changed is a `plan` change.
//!
//! Text output: one line per (view, toggle) change, `all` where the change
//! and its reason are the same in every view (with one view, the file
//! without environments, every change is `all`); `(base)` is the view
//! without an environment. The reason is the table and field that decide
//! now, with its line in the working file (found through `toml_edit`
//! spans). `--json` lists every view separately, never `all`.
//!
//! `--fail-on ENV` exits [`EXIT_CHANGED`] when something changes in ENV,
//! now or at a later step: a pull request that adds a step changes
//! production later. A `plan` change does not count: the same answers from
//! the instant on (folding a finished schedule away needs no approval).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;
use toggles::{Bucketing, Field, Rollout, Snapshot, Source, Step, Timestamp, ToggleInfo};

use crate::args::ReadAt;
use crate::color::Colors;
use crate::fail::{EXIT_OK, Fail, Outcome};
use crate::file;
use crate::model::decision::written;
use crate::model::git::{Old, Repo};
use crate::model::plan::{self, StepChange, StepState};
use crate::view::json::percent_json;
use crate::view::state::toggle_summary;
use crate::view::table::{Table, cell};
use crate::words::{did_you_mean, some_keys};

/// Exit code of `--fail-on ENV` when something changes in ENV: distinct
/// from an error (1) and a usage error (2), so that CI can tell "needs an
/// approval" from "broken".
pub const EXIT_CHANGED: u8 = 3;

#[derive(clap::Args)]
pub struct Args {
    /// The version to compare the working file with: a commit, branch or tag
    /// [default: the merge base of HEAD and its upstream branch, else HEAD on
    /// a branch without upstream; no merge base (a shallow clone) is an error]
    #[arg(value_name = "REV")]
    pub rev: Option<String>,

    /// Machine-readable output: every change in every environment
    #[arg(long)]
    pub json: bool,

    /// Exit 3 if anything changes in this environment, now or at a later step
    /// (repeat, or a comma list); a plan change with the same answers does
    /// not count; without REV, on a detached HEAD that holds the file
    /// unchanged, exit 1: nothing was compared
    #[arg(long, value_name = "ENV", value_delimiter = ',')]
    pub fail_on: Vec<String>,

    #[command(flatten)]
    pub at: ReadAt,
}

pub fn run(path: &Path, args: &Args, colors: Colors) -> Outcome {
    // Both versions at one instant (parsing resolves each at its own now).
    let at = args.at.at.unwrap_or_else(Timestamp::now);
    let (_, new_bytes) = file::load(path, |_| Ok(()))?;
    let repo = Repo::locate(path)?;
    let base = repo.base(args.rev.as_deref())?;
    if let Some(note) = &base.note {
        eprintln!("note: {note}");
    }
    let old_file = match &base.commit {
        Some(commit) => repo.old(commit, &base.label)?,
        None => Old {
            bytes: None,
            path: repo.path.clone(),
            links: Vec::new(),
        },
    };
    for (link, target) in &old_file.links {
        eprintln!(
            "note: {}:{link} is a symlink to `{target}`: reading what it points at",
            base.label
        );
    }
    let old_label = format!("{}:{}", base.label, old_file.path);
    let old_bytes = old_file.bytes;
    if old_bytes.is_none() {
        eprintln!("note: {old_label} does not exist: every toggle is added");
    }
    let old = Version::parse(&old_label, old_bytes.as_deref(), at, || {
        format!("the version in {} is not valid", base.label)
    })
    .map_err(|fail| {
        fail.help(format!(
            "this is the file as {} holds it: compare with another revision (`toggles diff REV`)",
            base.label
        ))
    })?;
    let new = Version::parse(&path.display().to_string(), Some(&new_bytes), at, || {
        "the working file is not valid".to_owned()
    })?
    .expect("the working file exists");
    let old = old.unwrap_or_default();
    let views = views(&old, &new);
    for (version, which) in [(&old, old_label.as_str()), (&new, "the working file")] {
        for environment in views.iter().flatten() {
            if !version.declared.iter().any(|d| d == environment) && version.exists {
                eprintln!(
                    "note: {which} does not declare environment `{environment}`: compared with its base values there"
                );
            }
        }
    }
    let fail_on = check_fail_on(&args.fail_on, &views)?;
    if base.detached && !fail_on.is_empty() && old_bytes.as_deref() == Some(&new_bytes[..]) {
        // A CI checkout: the commit compared with itself.
        return Err(Fail::error(
            "--fail-on compared the working file with HEAD, which holds the same bytes: \
             HEAD is detached (no branch, so no upstream), so there was nothing to compare with",
        )
        .help(
            "name the version the change is checked against: `toggles diff origin/main --fail-on ...` \
             (fetched first: `git fetch origin main`); `toggles diff HEAD` compares with HEAD",
        ));
    }
    let changes = compare(path, &old_label, &old, &new, &views, at);
    // A plan change that changes no answer from `at` on does not fail.
    let counted = |c: &&Change, e: &str| c.view.as_deref() == Some(e) && c.kind != Kind::Plan;
    let failed: Vec<&str> = fail_on
        .iter()
        .copied()
        .filter(|e| changes.iter().any(|c| counted(&c, e)))
        .collect();
    if args.json {
        let report = Report {
            file: path.display().to_string(),
            path: repo.path.clone(),
            rev: base.label.clone(),
            commit: base.commit.clone(),
            at: at.to_string(),
            environments: views.iter().flatten().cloned().collect(),
            changes: changes.iter().map(ChangeJson::new).collect(),
            fail_on: fail_on.iter().map(|e| (*e).to_owned()).collect(),
            failed: failed.iter().map(|e| (*e).to_owned()).collect(),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serializable")
        );
    } else {
        let at = args
            .at
            .at
            .map(|at| format!(" (at {at})"))
            .unwrap_or_default();
        print_text(&changes, &views, &format!("{}{at}", base.label), colors);
    }
    if failed.is_empty() {
        return Ok(EXIT_OK);
    }
    let listed: Vec<String> = failed
        .iter()
        .map(|e| {
            let names: Vec<&str> = changes
                .iter()
                .filter(|c| counted(c, e))
                .map(|c| c.toggle.as_str())
                .collect();
            format!("{e} ({})", some_keys(names.into_iter()))
        })
        .collect();
    Err(Fail {
        message: format!(
            "the working file changes toggles in {} (--fail-on)",
            listed.join(" and ")
        ),
        help: Some(format!(
            "exit code {EXIT_CHANGED}: a change there needs an approval (docs: toggles::docs::operations, \"Pull-request workflow\")"
        )),
        code: EXIT_CHANGED,
        source: None,
    })
}

/// The views compared: the base values (`None`), then every environment
/// either version declares, in the working file's promotion order, then
/// those only the old version declares.
fn views(old: &Version, new: &Version) -> Vec<Option<String>> {
    let mut views = vec![None];
    for environment in new.declared.iter().chain(&old.declared) {
        if !views.iter().flatten().any(|v| v == environment) {
            views.push(Some(environment.clone()));
        }
    }
    views
}

/// `--fail-on`'s environments, each declared by one of the versions.
fn check_fail_on<'a>(given: &'a [String], views: &[Option<String>]) -> Result<Vec<&'a str>, Fail> {
    let declared: Vec<&str> = views.iter().flatten().map(String::as_str).collect();
    let mut chosen: Vec<&str> = Vec::new();
    for environment in given {
        let environment = environment.trim();
        if declared.contains(&environment) {
            if !chosen.contains(&environment) {
                chosen.push(environment);
            }
            continue;
        }
        let fail = Fail::usage(format!(
            "--fail-on {environment}: neither version of the file declares environment `{environment}`"
        ));
        return Err(match did_you_mean(environment, declared.iter().copied()) {
            Some(close) => fail.help(format!("did you mean `{close}`?")),
            None if declared.is_empty() => fail.help(
                "the file declares no environments (`environments = [\"staging\", \"production\"]`); \
                 without --fail-on, `toggles diff` lists every change",
            ),
            None => fail.help(format!(
                "the environments are {}",
                declared
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        });
    }
    Ok(chosen)
}

/// One version of the file, parsed in each view it declares.
#[derive(Default)]
struct Version {
    /// False for a file that REV does not hold: no toggles.
    exists: bool,
    /// The base values.
    base: Option<Snapshot>,
    /// The declared environments, in promotion order, with their snapshots.
    declared: Vec<String>,
    in_environment: Vec<Snapshot>,
}

impl Version {
    /// `None` for a file that does not exist. `label` names it in errors
    /// (`REV:PATH`, or the working file's path); `what` says which version
    /// failed.
    /// Every view is resolved at `at` (`Snapshot::at`).
    fn parse(
        label: &str,
        bytes: Option<&[u8]>,
        at: Timestamp,
        what: impl Fn() -> String,
    ) -> Result<Option<Version>, Fail> {
        let Some(bytes) = bytes else {
            return Ok(None);
        };
        let invalid = |e: toggles::Error| Fail::error(format!("{}: {e}", what()));
        let (base, in_environment) = Snapshot::parse_all(label, bytes).map_err(invalid)?;
        let at = at.to_system_time();
        let declared: Vec<String> = base.environments().map(str::to_owned).collect();
        Ok(Some(Version {
            exists: true,
            base: Some(base.at(at)),
            declared,
            in_environment: in_environment.iter().map(|s| s.at(at)).collect(),
        }))
    }

    /// The snapshot a view sees: its environment's, or the base values
    /// where this version does not declare it. `None` for no file.
    fn view(&self, view: Option<&str>) -> Option<&Snapshot> {
        let index = view.and_then(|v| self.declared.iter().position(|d| d == v));
        match index {
            Some(i) => self.in_environment.get(i),
            None => self.base.as_ref(),
        }
    }
}

/// What one check of a toggle gets, for every key: a toggle's effective
/// state, as far as it matters to keys.
#[derive(Clone, PartialEq)]
enum Slot {
    On,
    Off,
    /// A share strictly between 0 and 100 %.
    Share(Rollout),
}

impl Slot {
    fn of(toggle: &ToggleInfo) -> Slot {
        match toggle.rollout() {
            Some(r) if r.basis_points() == 0 => Slot::Off,
            Some(r) if r.is_full() => Slot::On,
            Some(r) => Slot::Share(r),
            None if toggle.is_enabled() => Slot::On,
            None => Slot::Off,
        }
    }

    fn text(&self) -> String {
        match self {
            Slot::On => "ON".to_owned(),
            Slot::Off => "OFF".to_owned(),
            Slot::Share(r) => r.to_string(),
        }
    }
}

/// A toggle's effective state in one view.
struct State {
    slot: Slot,
    /// For a share: the scheme and what the keys are bucketed by (the
    /// release's name, or the toggle's).
    bucketed_by: (Bucketing, String),
    allow: BTreeSet<String>,
    json: StateJson,
}

impl State {
    fn of(toggle: &ToggleInfo) -> State {
        let by = match (toggle.source(), toggle.release()) {
            (Source::Release, Some(release)) => format!("release {release}"),
            _ => "the toggle itself".to_owned(),
        };
        State {
            slot: Slot::of(toggle),
            bucketed_by: (toggle.bucketing(), by),
            allow: toggle.allow().map(str::to_owned).collect(),
            json: StateJson {
                enabled: toggle.is_enabled(),
                rollout: percent_json(toggle.rollout()),
                allow: toggle.allow().map(str::to_owned).collect(),
                source: toggle.source().to_string(),
                release: toggle.release().map(str::to_owned),
            },
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Added,
    Removed,
    /// Decides otherwise at the instant compared.
    Changed,
    /// Decides the same at the instant compared, otherwise from a later
    /// step on (a step added or moved, or a value that only a later step
    /// makes matter).
    Later,
    /// Only the plan changed: the same answers from the instant compared
    /// on (a past step removed when a finished schedule is folded, a step
    /// that repeats the state before it). Shown, but not counted by
    /// `--fail-on`.
    Plan,
}

/// One toggle's change in one view.
struct Change {
    /// `None`: the base values.
    view: Option<String>,
    toggle: String,
    kind: Kind,
    old: Option<State>,
    new: Option<State>,
    /// `OFF → ON`, `added, OFF`, `+2 allowed (a, b)`.
    summary: String,
    /// The table and field that decide now, with `file:line`; empty for a
    /// removed toggle.
    why: String,
    /// The first line `why` points at.
    line: Option<usize>,
    /// For [`Kind::Later`]: the first step instant after the one compared
    /// at which it decides otherwise.
    from: Option<Timestamp>,
    /// How the plan (the deciding table's `schedule`) changed, step by step.
    plan: Vec<PlanRow>,
}

/// One step's change, in words.
struct PlanRow {
    change: StepChange,
    /// `step added: rollout 50% at 2026-12-09T09:00:00Z`.
    text: String,
    /// `schedule (toggles.toml:7)`, `release r: env.production.schedule
    /// (toggles.toml:9)`, or for a removed step where it was in REV.
    why: String,
}

/// Every change in every view, defined by answers as the library defines
/// it for a reload (`toggles::Changes`): a toggle is changed in a view
/// exactly when `ToggleInfo::decides_like` says it decides otherwise there,
/// at `at` ([`Kind::Changed`]) or at a later instant, which can only be
/// one of its steps' ([`Kind::Later`]: each version is resolved there with
/// `Snapshot::at`); a plan whose steps changed without changing any answer
/// from `at` on is [`Kind::Plan`]. [`what_changed`] only words the change.
fn compare(
    path: &Path,
    old_label: &str,
    old: &Version,
    new: &Version,
    views: &[Option<String>],
    at: Timestamp,
) -> Vec<Change> {
    let mut changes = Vec::new();
    for view in views {
        let view = view.as_deref();
        let before = old.view(view);
        let after = new.view(view).expect("the working file exists");
        // Both versions at the later instants asked about, resolved once.
        let mut later: BTreeMap<Timestamp, (Option<Snapshot>, Snapshot)> = BTreeMap::new();
        let names: BTreeSet<&str> = after
            .toggles()
            .chain(before.into_iter().flat_map(Snapshot::toggles))
            .map(ToggleInfo::name)
            .collect();
        for name in names {
            let was = before.and_then(|s| s.get(name));
            let is = after.get(name);
            let steps = plan::compare(
                was.and_then(ToggleInfo::schedule),
                is.and_then(ToggleInfo::schedule),
            );
            let mut from = None;
            let (kind, summary, slot_changed, allow_changed) = match (was, is) {
                (None, None) => continue,
                (None, Some(is)) => (
                    Kind::Added,
                    format!("added, {}", toggle_summary(is)),
                    true,
                    is.allow().len() > 0,
                ),
                (Some(was), None) => (
                    Kind::Removed,
                    format!("removed, was {}", toggle_summary(was)),
                    false,
                    false,
                ),
                (Some(was), Some(is)) => match changed(was, is) {
                    Some((summary, slot, allow)) => (Kind::Changed, summary, slot, allow),
                    None => match differs_later(name, was, is, before, after, at, &mut later) {
                        Some((instant, summary, slot, allow)) => {
                            from = Some(instant);
                            (
                                Kind::Later,
                                format!("from {instant}: {summary}"),
                                slot,
                                allow,
                            )
                        }
                        None if steps.is_empty() => continue,
                        None => (
                            Kind::Plan,
                            format!("plan changed, same answers from {at} on"),
                            false,
                            false,
                        ),
                    },
                },
            };
            let plan: Vec<PlanRow> = steps
                .into_iter()
                .map(|change| PlanRow {
                    text: change.text(),
                    why: step_why(path, old_label, view, was, is, &change),
                    change,
                })
                .collect();
            let (why, line) = match (is, from) {
                (Some(_), Some(instant)) => {
                    // The step that makes the difference then, if one does;
                    // else what decides then (an `allow` list a later
                    // rollout makes matter).
                    let step = plan.iter().find(|row| {
                        [row.change.new_step(), row.change.old_step()]
                            .into_iter()
                            .flatten()
                            .any(|step| step.at() == instant)
                    });
                    match step {
                        Some(row) => (row.why.clone(), row.change.new_step().map(Step::line)),
                        None => {
                            let (_, then) = &later[&instant];
                            let is = then.get(name).expect("the toggle exists at every instant");
                            why(path, then, is, slot_changed, allow_changed)
                        }
                    }
                }
                (Some(is), None) if kind != Kind::Plan => {
                    why(path, after, is, slot_changed, allow_changed)
                }
                _ => (String::new(), None),
            };
            let line = line.or_else(|| {
                plan.iter()
                    .find_map(|row| Some(row.change.new_step()?.line()))
            });
            changes.push(Change {
                view: view.map(str::to_owned),
                toggle: name.to_owned(),
                kind,
                old: was.map(State::of),
                new: is.map(State::of),
                summary,
                why,
                line,
                from,
                plan,
            });
        }
    }
    changes
}

/// For a toggle that decides the same at `at`: the first instant after it
/// at which it decides otherwise, with [`what_changed`]'s words there. Its
/// state changes only at its deciding table's steps (own or its release's,
/// in either version), so those instants are the only ones to look at;
/// `later` keeps both versions resolved at each.
fn differs_later(
    name: &str,
    was: &ToggleInfo,
    is: &ToggleInfo,
    before: Option<&Snapshot>,
    after: &Snapshot,
    at: Timestamp,
    later: &mut BTreeMap<Timestamp, (Option<Snapshot>, Snapshot)>,
) -> Option<(Timestamp, String, bool, bool)> {
    let instants: BTreeSet<Timestamp> = [was, is]
        .into_iter()
        .filter_map(ToggleInfo::schedule)
        .flat_map(|s| s.steps().map(Step::at))
        .filter(|&instant| instant > at)
        .collect();
    for instant in instants {
        let (then_before, then_after) = later.entry(instant).or_insert_with(|| {
            let t = instant.to_system_time();
            (before.map(|s| s.at(t)), after.at(t))
        });
        let was = then_before.as_ref().and_then(|s| s.get(name))?;
        let is = then_after.get(name)?;
        if let Some((summary, slot, allow)) = changed(was, is) {
            return Some((instant, summary, slot, allow));
        }
    }
    None
}

/// Where a changed step is: the deciding table's `schedule` (or
/// `env.E.schedule`) and the step's line in the working file, or for a
/// removed step, its line in REV.
fn step_why(
    path: &Path,
    old_label: &str,
    view: Option<&str>,
    was: Option<&ToggleInfo>,
    is: Option<&ToggleInfo>,
    change: &StepChange,
) -> String {
    let (toggle, at) = match (change.new_step(), is, change.old_step(), was) {
        (Some(step), Some(is), ..) => (is, file::at(path, step.line())),
        (None, _, Some(step), Some(was)) => (was, format!("{old_label}:{}", step.line())),
        _ => return String::new(),
    };
    let prefix = match (toggle.source(), toggle.release()) {
        (Source::Release, Some(release)) => format!("release {release}: "),
        _ => String::new(),
    };
    let field = match (
        toggle.schedule().map(toggles::Schedule::is_in_environment),
        view,
    ) {
        (Some(true), Some(environment)) => format!("env.{environment}.schedule"),
        _ => "schedule".to_owned(),
    };
    if change.new_step().is_some() {
        format!("{prefix}{field} ({at})")
    } else {
        format!("{prefix}{field}, was at {at}")
    }
}

/// How a toggle changed, in [`what_changed`]'s words; `None` if it decides
/// like it did for every check (`ToggleInfo::decides_like`, the library's
/// rule for a reload's `Changes`).
fn changed(was: &ToggleInfo, is: &ToggleInfo) -> Option<(String, bool, bool)> {
    (!was.decides_like(is)).then(|| what_changed(was, is))
}

/// How a toggle that decides otherwise changed, in words: the summary,
/// whether the ON/OFF/share slot (or its bucketing) changed, whether the
/// allow list did. Whether it changed at all is the library's to say
/// ([`compare`]).
fn what_changed(was: &ToggleInfo, is: &ToggleInfo) -> (String, bool, bool) {
    let (was, is) = (State::of(was), State::of(is));
    let mut parts = Vec::new();
    let mut slot = false;
    if was.slot != is.slot {
        parts.push(format!("{} → {}", was.slot.text(), is.slot.text()));
        slot = true;
    } else if let Slot::Share(rollout) = is.slot
        && was.bucketed_by != is.bucketed_by
    {
        let (old_scheme, old_by) = &was.bucketed_by;
        let (new_scheme, new_by) = &is.bucketed_by;
        parts.push(if old_scheme != new_scheme {
            format!("{rollout}, rebucketed: {old_scheme} → {new_scheme}")
        } else {
            format!("{rollout}, rebucketed: by {old_by} → by {new_by}")
        });
        slot = true;
    }
    // An `allow` list changes nothing for a toggle that is on for every key.
    let masked = was.slot == Slot::On && is.slot == Slot::On;
    let (added, removed): (Vec<&str>, Vec<&str>) = if masked {
        (Vec::new(), Vec::new())
    } else {
        (
            is.allow
                .difference(&was.allow)
                .map(String::as_str)
                .collect(),
            was.allow
                .difference(&is.allow)
                .map(String::as_str)
                .collect(),
        )
    };
    let mut allow = false;
    for (sign, keys) in [('+', added), ('-', removed)] {
        if !keys.is_empty() {
            let shown: Vec<String> = keys.iter().map(|k| quoted(k)).collect();
            parts.push(format!(
                "{sign}{} allowed ({})",
                keys.len(),
                some_keys(shown.iter().map(String::as_str))
            ));
            allow = true;
        }
    }
    if parts.is_empty() {
        // The library sees some key answered otherwise that the words above
        // do not name (its bucketing, say): said as such, never dropped.
        parts.push(format!(
            "{}, decides otherwise for some keys",
            is.slot.text()
        ));
        slot = true;
    }
    (parts.join(", "), slot, allow)
}

/// A key as it can be printed on one line: as it is, or escaped if it holds
/// a control character.
fn quoted(key: &str) -> String {
    if key.chars().any(char::is_control) {
        format!("{key:?}")
    } else {
        key.to_owned()
    }
}

/// Which table and fields decide `toggle` in the working file now, as
/// `release checkout-v2: env.production.enabled (toggles.toml:6)`, and the
/// first line named. `snapshot` is the working file's view: its
/// environment's where it declares it, else its base values.
fn why(
    path: &Path,
    snapshot: &Snapshot,
    toggle: &ToggleInfo,
    slot_changed: bool,
    allow_changed: bool,
) -> (String, Option<usize>) {
    let (section, table, prefix, header) = match (toggle.source(), toggle.release()) {
        (Source::Own, _) => ("toggles", toggle.name(), String::new(), toggle.line()),
        (Source::Release, Some(release)) => (
            "releases",
            release,
            format!("release {release}: "),
            snapshot
                .release(release)
                .map_or(toggle.line(), |r| r.line()),
        ),
        _ => {
            let line = toggle.line();
            return (
                format!(
                    "off by default: no enabled, rollout or allow, and no release ({})",
                    file::at(path, line)
                ),
                Some(line),
            );
        }
    };
    let mut parts: Vec<(String, usize)> = Vec::new();
    if slot_changed {
        parts.push(
            field(snapshot, section, table, &[Field::Enabled, Field::Rollout])
                .unwrap_or_else(|| ("no enabled or rollout (off)".to_owned(), header)),
        );
    }
    if allow_changed {
        parts.push(
            field(snapshot, section, table, &[Field::Allow])
                .unwrap_or_else(|| ("no allow".to_owned(), header)),
        );
    }
    let text = parts
        .iter()
        .map(|(field, line)| format!("{field} ({})", file::at(path, *line)))
        .collect::<Vec<_>>()
        .join(", ");
    (format!("{prefix}{text}"), parts.first().map(|(_, l)| *l))
}

/// The first of `fields` that gives `SECTION.TABLE` its value in
/// `snapshot`'s view, as written (`env.production.enabled`, `rollout`),
/// and its line: the library's answer, through [`written`].
fn field(
    snapshot: &Snapshot,
    section: &str,
    table: &str,
    fields: &[Field],
) -> Option<(String, usize)> {
    fields
        .iter()
        .find_map(|&field| written(snapshot, section, table, field))
}

/// The text output: one line per (view, toggle) change, or one `all` line
/// for a toggle whose change and reason are the same in every view.
fn print_text(changes: &[Change], views: &[Option<String>], rev: &str, colors: Colors) {
    if changes.is_empty() {
        let where_ = if views.len() > 1 {
            "in any environment"
        } else {
            "in the file"
        };
        println!("no toggle changes {where_} since {rev}");
        return;
    }
    // (view's position, 0 for `all`; toggle; the line)
    let mut rows: Vec<(usize, &str, &Change)> = Vec::new();
    let names: BTreeSet<&str> = changes.iter().map(|c| c.toggle.as_str()).collect();
    for name in names {
        let of: Vec<&Change> = changes.iter().filter(|c| c.toggle == name).collect();
        let same = |a: &Change, b: &Change| {
            a.summary == b.summary
                && a.why == b.why
                && a.plan.len() == b.plan.len()
                && a.plan
                    .iter()
                    .zip(&b.plan)
                    .all(|(x, y)| x.text == y.text && x.why == y.why)
        };
        let everywhere = of.len() == views.len() && of.iter().all(|c| same(c, of[0]));
        if everywhere {
            rows.push((0, name, of[0]));
        } else {
            for change in of {
                let position = views
                    .iter()
                    .position(|v| *v == change.view)
                    .map_or(usize::MAX, |p| p + 1);
                rows.push((position, name, change));
            }
        }
    }
    rows.sort_by_key(|&(position, name, _)| (position, name));
    let mut table = Table::new(&["ENVIRONMENT", "TOGGLE", "CHANGE", "WHY"]);
    for (position, name, change) in rows {
        let view = match (position, &change.view) {
            (0, _) => "all".to_owned(),
            (_, Some(environment)) => environment.clone(),
            (_, None) => "(base)".to_owned(),
        };
        table.row(vec![
            cell(&view),
            cell(name),
            cell(&change.summary),
            cell(&change.why),
        ]);
        // Each step's change on a row of its own, after the toggle's.
        for row in &change.plan {
            table.row(vec![
                cell(&view),
                cell(name),
                cell(&row.text),
                cell(&row.why),
            ]);
        }
    }
    print!("{}", table.render(colors));
}

/// `--json`: `{ file, path, rev, commit, environments, changes, fail_on, failed }`.
#[derive(Serialize)]
struct Report {
    /// The working file, as given.
    file: String,
    /// Its path in the repository.
    path: String,
    /// REV as given, or the default chosen (`HEAD`, the merge base's short hash).
    rev: String,
    /// REV's full commit hash; null in a repository without a commit.
    commit: Option<String>,
    /// The instant both versions are compared at (`--at`, else now), and
    /// from which later steps are compared.
    at: String,
    /// The environments either version declares, in promotion order.
    environments: Vec<String>,
    changes: Vec<ChangeJson>,
    /// The environments of `--fail-on`.
    fail_on: Vec<String>,
    /// Those of them with a change (the exit code is 3 when not empty).
    failed: Vec<String>,
}

#[derive(Serialize)]
struct ChangeJson {
    /// The environment; null for the base values.
    environment: Option<String>,
    toggle: String,
    /// `added`, `removed`, `changed` (decides otherwise at `at`), `later`
    /// (the same at `at`, otherwise from `from` on) or `plan` (only the
    /// schedule changed: the same answers from `at` on; not counted by
    /// `--fail-on`).
    kind: Kind,
    old: Option<StateJson>,
    new: Option<StateJson>,
    /// As the text output says it: `OFF → ON`, `+2 allowed (a, b)`.
    summary: String,
    /// The table and field that decide now, with `file:line`; null for a
    /// removed toggle.
    why: Option<String>,
    /// The line of the working file that `why` points at first (for a
    /// plan change, the first changed step's there).
    line: Option<usize>,
    /// For `later`: the first step instant after `at` at which it decides
    /// otherwise.
    from: Option<String>,
    /// How the deciding table's schedule changed, step by step, in time
    /// order (empty if it did not).
    plan: Vec<StepChangeJson>,
}

#[derive(Serialize)]
struct StepChangeJson {
    /// `added`, `removed`, `moved` (the same state at another instant) or
    /// `changed` (another state at the same instant).
    change: &'static str,
    old: Option<StepJson>,
    new: Option<StepJson>,
    /// As the text output says it: `step added: rollout 50% at …`.
    summary: String,
    /// The schedule and the step's line (in REV for a removed step).
    why: String,
}

/// One step, as the file has it.
#[derive(Serialize)]
struct StepJson {
    /// RFC 3339, UTC.
    at: String,
    /// The `enabled` it sets, or null.
    enabled: Option<bool>,
    /// The `rollout` it sets (percent), or null.
    rollout: Option<serde_json::Number>,
    /// Its line: in the working file for `new`, in REV for `old`.
    line: usize,
}

impl StepJson {
    fn new(step: &Step) -> StepJson {
        let state = StepState::of(step);
        StepJson {
            at: step.at().to_string(),
            enabled: match state {
                StepState::Enabled(on) => Some(on),
                StepState::Rollout(_) => None,
            },
            rollout: percent_json(step.rollout()),
            line: step.line(),
        }
    }
}

impl ChangeJson {
    fn new(change: &Change) -> ChangeJson {
        ChangeJson {
            environment: change.view.clone(),
            toggle: change.toggle.clone(),
            kind: change.kind,
            old: change.old.as_ref().map(|s| s.json.clone()),
            new: change.new.as_ref().map(|s| s.json.clone()),
            summary: change.summary.clone(),
            why: (!change.why.is_empty()).then(|| change.why.clone()),
            line: change.line,
            from: change.from.map(|t| t.to_string()),
            plan: change
                .plan
                .iter()
                .map(|row| StepChangeJson {
                    change: row.change.word(),
                    old: row.change.old_step().map(StepJson::new),
                    new: row.change.new_step().map(StepJson::new),
                    summary: row.text.clone(),
                    why: row.why.clone(),
                })
                .collect(),
        }
    }
}

/// A toggle's state in one view, as `list --json` gives it.
#[derive(Clone, Serialize)]
struct StateJson {
    /// For a check without a key.
    enabled: bool,
    /// Percent, or null.
    rollout: Option<serde_json::Number>,
    allow: Vec<String>,
    /// `own`, `release` or `default`.
    source: String,
    /// The release it belongs to.
    release: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(text: &str) -> ToggleInfo {
        let snapshot = Snapshot::parse("t.toml", text.as_bytes()).unwrap();
        snapshot.get("a").unwrap().clone()
    }

    #[test]
    fn rollouts_of_0_and_100_are_off_and_on() {
        let on = state("[toggles.a]\nenabled = true\n");
        let full = state("[toggles.a]\nrollout = 100\n");
        let none = state("[toggles.a]\nrollout = 0\n");
        let off = state("[toggles.a]\n");
        assert!(changed(&on, &full).is_none());
        assert!(changed(&off, &none).is_none());
        let (summary, slot, allow) = changed(&off, &full).unwrap();
        assert_eq!((summary.as_str(), slot, allow), ("OFF → ON", true, false));
    }

    #[test]
    fn an_allow_list_under_on_changes_nothing() {
        let a = state("[toggles.a]\nenabled = true\nallow = [\"x\"]\n");
        let b = state("[toggles.a]\nenabled = true\nallow = [\"x\", \"y\"]\n");
        assert!(changed(&a, &b).is_none());
        let c = state("[toggles.a]\nrollout = 5\nallow = [\"y\", \"z\", \"w\"]\n");
        let (summary, ..) = changed(&b, &c).unwrap();
        assert_eq!(summary, "ON → 5%, +2 allowed (w, z), -1 allowed (x)");
    }

    #[test]
    fn the_same_share_bucketed_by_something_else_is_a_change() {
        let by_release = state("[releases.r]\nrollout = 25\n[toggles.a]\nrelease = \"r\"\n");
        let own = state("[releases.r]\nrollout = 25\n[toggles.a]\nrelease = \"r\"\nrollout = 25\n");
        let (summary, slot, _) = changed(&by_release, &own).unwrap();
        assert_eq!(
            summary,
            "25%, rebucketed: by release r → by the toggle itself"
        );
        assert!(slot);
        let v2 = state("bucketing = \"flagd-v2\"\n[toggles.a]\nrollout = 25\n");
        let (summary, ..) = changed(&own, &v2).unwrap();
        assert_eq!(summary, "25%, rebucketed: flagd-v3 → flagd-v2");
    }

    #[test]
    fn fields_are_found_in_env_tables_however_written() {
        let text = "environments = [\"staging\", \"production\"]\n\
                    [toggles.a]\nenabled = false\nenv.staging.rollout = 5\n\
                    [toggles.a.env.production]\nenabled = true\n";
        let (base, views) = Snapshot::parse_all("toggles.toml", text.as_bytes()).unwrap();
        let slot = [Field::Enabled, Field::Rollout];
        assert_eq!(
            field(&views[0], "toggles", "a", &slot),
            Some(("env.staging.rollout".to_owned(), 4))
        );
        assert_eq!(
            field(&views[1], "toggles", "a", &slot),
            Some(("env.production.enabled".to_owned(), 6))
        );
        assert_eq!(
            field(&base, "toggles", "a", &slot),
            Some(("enabled".to_owned(), 3))
        );
        assert_eq!(field(&base, "toggles", "a", &[Field::Allow]), None);
    }
}
