//! `toggles show NAME`: one toggle, and why it has its state; with a
//! `schedule`, its plan (each step with its instant, its state and its line,
//! the one in force marked) and the next step, with the time left until it.
//! States are those of now, or of `--at TIME`.
//!
//! The lifecycle fields show where the file sets them: `owner`, `kind`
//! (where it is not the default `release`) and `expires`, with the days
//! left or since it expired (counted from `--today DATE`, else the local
//! date); the release line adds the release's own `owner` and `expires`.
//! `--json` always has all three (`toggle.owner`, `.kind`, `.expires`, and
//! `release.owner`, `.expires`).

use std::path::Path;

use serde::Serialize;
use toggles::{Date, Field, Kind, Reason, Rollout, Snapshot, Source, Step, Timestamp, ToggleInfo};

use crate::args::{self, ReadAt, ReadEnv, Today};
use crate::color::{Colors, Style};
use crate::fail::{EXIT_OK, Outcome};
use crate::file;
use crate::model::choice::{Choice, Origin, When};
use crate::model::decision::{Decision, Plan, cell, decide, written};
use crate::model::names::unknown_toggle;
use crate::model::views::Views;
use crate::view::json::{DecisionJson, ReleaseJson, ToggleJson, percent_json};
use crate::view::state::{release_summary, step_state};
use crate::words::{age_days, env_flag, expiry, label, on_off, some_keys, time_left};

// `toggles show`.
#[derive(clap::Args)]
pub struct Args {
    /// The toggle
    #[arg(value_parser = args::name)]
    pub name: String,
    /// What a check with this key (a user id, a tenant…) gets, and why
    #[arg(long, short, value_name = "KEY")]
    pub key: Option<String>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub env: ReadEnv,
    #[command(flatten)]
    pub at: ReadAt,
    #[command(flatten)]
    pub today: Today,
}

pub fn run(path: &Path, args: &Args, colors: Colors) -> Outcome {
    let choice = args.env.choice();
    show(
        path,
        &args.name,
        args.key.as_deref(),
        &choice,
        (args.at.when(), args.today.date()),
        args.json,
        colors,
    )
}

fn show(
    path: &Path,
    name: &str,
    key: Option<&str>,
    choice: &Choice,
    (when, today): (When, Date),
    json: bool,
    colors: Colors,
) -> Outcome {
    let (views, _) = Views::load_at(path, when)?;
    choice.check(path, &views.base)?;
    let snapshot = views
        .get(choice.name())
        .expect("a checked environment has a view");
    let toggle = snapshot
        .get(name)
        .ok_or_else(|| unknown_toggle(snapshot, name))?;
    // An empty key is no key, as in the library.
    let empty_key = key == Some("");
    let key = key.filter(|k| !k.is_empty());
    let told = Told::new(path, snapshot, toggle, key);
    let decisions: Vec<Decision> = if views.any() {
        views
            .columns()
            .filter_map(|(environment, snapshot)| {
                let toggle = snapshot.get(name)?;
                Some(decide(toggle, snapshot, environment))
            })
            .collect()
    } else {
        Vec::new()
    };
    if json {
        let shown = Shown {
            toggle: ToggleJson::new(toggle, today, when),
            why: why(path, snapshot, toggle),
            release: toggle
                .release()
                .and_then(|r| snapshot.release(r))
                .map(|r| ReleaseJson::new(r, today, when)),
            evaluation: told.json,
            at: when.at().to_string(),
            at_from: when.origin_json(),
            before_schedule: before_schedule(snapshot, toggle).map(|before| StartJson {
                enabled: before.enabled,
                rollout: percent_json(before.rollout),
                field: before.field,
                line: before.line,
            }),
            environment: choice.name().map(str::to_owned),
            environment_from: choice.origin_json(),
            environments: decisions
                .iter()
                .map(|d| DecisionJson::new(d, when))
                .collect(),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&shown).expect("serializable")
        );
        return Ok(EXIT_OK);
    }
    let shown_name = match choice.name() {
        Some(environment) => format!("{} in {environment}", colors.paint(Style::Bold, name)),
        None => colors.paint(Style::Bold, name),
    };
    match key {
        Some(key) => println!(
            "{shown_name} for key {key}: {} — {}",
            colors.state(told.json.enabled),
            told.why
        ),
        None => println!(
            "{shown_name}: {} — {}",
            colors.state(toggle.is_enabled()),
            why(path, snapshot, toggle)
        ),
    }
    if let Some(description) = toggle.description() {
        println!("  description  {description}");
    }
    if let Some(owner) = toggle.owner() {
        println!("  owner        {owner}");
    }
    if toggle.kind() != Kind::default() {
        println!("  kind         {}", toggle.kind());
    }
    if let Some(expires) = toggle.expires() {
        println!("  expires      {}", expiry(expires, today));
    }
    if let Some(release) = toggle.release().and_then(|r| snapshot.release(r)) {
        let (on, total) = release.counts();
        let owner = release
            .owner()
            .map_or_else(String::new, |owner| format!("; owner {owner}"));
        let expires = release.expires().map_or_else(String::new, |expires| {
            format!("; expires {}", expiry(expires, today))
        });
        println!(
            "  release      {}: {on} of {total} enabled, release {}{owner}{expires}",
            release.name(),
            release_summary(release)
        );
    }
    let flag = match choice.origin() {
        Origin::Flag => env_flag(choice.name()),
        _ => String::new(),
    };
    keyed_lines(path, snapshot, toggle, key.is_some(), empty_key, &flag);
    schedule_lines(path, snapshot, toggle, when, colors);
    if !decisions.is_empty() {
        environment_lines(path, &decisions, choice, when, colors);
    }
    match (toggle.created(), age_days(toggle.created(), today)) {
        (Some(created), Some(days)) => println!("  created      {created}, {}", ago(days)),
        _ => println!("  created      unknown (no `created` field)"),
    }
    println!("  defined at   {}", file::at(path, toggle.line()));
    let change = match choice.name() {
        Some(environment) => with_env(&how_to_change(toggle), Some(environment)).replace(
            "to let its release decide",
            &format!("to drop its `env.{environment}` values (the base ones apply)"),
        ),
        None => how_to_change(toggle),
    };
    println!("  change it    {change}");
    Ok(EXIT_OK)
}

/// One line per environment (the base values first): the state of a check
/// without a key and the key that decides it, the next step of a schedule,
/// the chosen one marked.
fn environment_lines(
    path: &Path,
    decisions: &[Decision],
    choice: &Choice,
    when: When,
    colors: Colors,
) {
    println!("  environments (in promotion order)");
    let width = decisions
        .iter()
        .map(|d| label(d.environment.as_deref()).len())
        .max()
        .unwrap_or(0);
    let cells: Vec<String> = decisions.iter().map(Decision::cell).collect();
    let cell_width = cells.iter().map(String::len).max().unwrap_or(0);
    for (decision, cell) in decisions.iter().zip(&cells) {
        let environment = decision.environment.as_deref();
        let chosen = if environment == choice.name() && choice.origin() != Origin::Neither {
            match choice.origin() {
                Origin::Var => format!("  ← {}", toggles::ENVIRONMENT_ENV),
                _ => "  ← --env".to_owned(),
            }
        } else {
            String::new()
        };
        let style = if decision.enabled {
            Style::On
        } else {
            Style::Off
        };
        let next = decision
            .schedule
            .as_ref()
            .map_or_else(String::new, |plan| format!("; {}", next_words(plan, when)));
        println!(
            "    {:width$}  {}{}  {}{next}{chosen}",
            label(environment),
            colors.paint(style, cell),
            " ".repeat(cell_width - cell.len()),
            decision.place(path),
        );
    }
}

/// `next 50% at 2026-12-09T09:00:00Z, in 2 days 3 h`, or `the schedule's
/// last step is in force (since 2026-12-11T09:00:00Z)`.
fn next_words(plan: &Plan, when: When) -> String {
    match (plan.next, plan.step) {
        (Some(next), _) => format!(
            "next {} at {}, {}",
            step_state(&next),
            next.at(),
            time_left(when.seconds_until(next.at()))
        ),
        (None, Some(step)) => format!("the schedule's last step is in force (since {})", step.at()),
        (None, None) => "a schedule without steps".to_owned(),
    }
}

/// The deciding table's state before its schedule's first step (its own
/// `enabled` or `rollout`, or off), as the library resolves the view a
/// second before that step; `None` without a schedule.
fn before_schedule(snapshot: &Snapshot, toggle: &ToggleInfo) -> Option<Decision> {
    let first = toggle.schedule()?.steps().next()?;
    let before = Timestamp::from_unix_seconds(first.at().unix_seconds().saturating_sub(1));
    let earlier = snapshot.at(before.to_system_time());
    let then = earlier.get(toggle.name())?;
    Some(decide(then, &earlier, snapshot.environment()))
}

/// The plan of the toggle's deciding table in the view read: where its
/// `schedule` is written, the state before its first step, each step (its
/// instant, state and line; the one in force marked), and the next step
/// with the time left until it.
fn schedule_lines(
    path: &Path,
    snapshot: &Snapshot,
    toggle: &ToggleInfo,
    when: When,
    colors: Colors,
) {
    let Some(schedule) = toggle.schedule() else {
        return;
    };
    let (section, table) = deciding_table(toggle);
    let key = match (schedule.is_in_environment(), snapshot.environment()) {
        (true, Some(environment)) => format!("`env.{environment}.schedule`"),
        _ => "`schedule`".to_owned(),
    };
    let whose = match section {
        "releases" => format!("release {table}'s {key}"),
        _ => format!("its own {key}"),
    };
    let steps: Vec<&Step> = schedule.steps().collect();
    println!(
        "  schedule     {} of {whose}, at {}",
        match steps.len() {
            1 => "1 step".to_owned(),
            n => format!("{n} steps"),
        },
        when.describe()
    );
    let in_force = toggle.step();
    let before = before_schedule(snapshot, toggle);
    let mut rows: Vec<(String, String, String, bool)> = Vec::new();
    if let Some(before) = &before {
        let place = match &before.field {
            Some(field) => format!("{field} ({})", file::at(path, before.line)),
            None => format!("no `enabled`: off ({})", file::at(path, before.line)),
        };
        rows.push((
            "before".to_owned(),
            cell(before.enabled, before.rollout, 0),
            place,
            in_force.is_none(),
        ));
    }
    for step in &steps {
        rows.push((
            step.at().to_string(),
            step_state(step),
            file::at(path, step.line()),
            in_force.is_some_and(|s| s.line() == step.line()),
        ));
    }
    let when_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let state_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    for (at, state, place, now) in rows {
        let mark = if now { "  ← in force" } else { "" };
        let line = format!("{at:when_width$}  {state:state_width$}  {place}");
        if now {
            println!("    {}{mark}", colors.paint(Style::Bold, &line));
        } else {
            println!("    {line}");
        }
    }
    let next = match (toggle.next_step(), in_force) {
        (Some(next), _) => format!(
            "{} at {}, {}",
            step_state(next),
            next.at(),
            time_left(when.seconds_until(next.at()))
        ),
        (None, Some(step)) => format!("none: the last step is in force since {}", step.at()),
        (None, None) => "none".to_owned(),
    };
    println!("  next step    {next}");
}

/// Each `` `toggles …` `` command of `text` with ` --env ENVIRONMENT`
/// added, when one is chosen.
fn with_env(text: &str, environment: Option<&str>) -> String {
    let Some(environment) = environment else {
        return text.to_owned();
    };
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("`toggles ") {
        let Some(len) = rest[start + 1..].find('`') else {
            break;
        };
        let end = start + 1 + len;
        out.push_str(&rest[..end]);
        out.push_str(&format!(" --env {environment}`"));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The line of `SECTION.TABLE`'s `field` that decides in `snapshot`'s
/// view, if it is written.
fn line_of(snapshot: &Snapshot, section: &str, table: &str, field: Field) -> Option<usize> {
    written(snapshot, section, table, field).map(|(_, line)| line)
}

/// How that `field` is written (`env.production.rollout`), else its bare
/// name.
fn key_of(snapshot: &Snapshot, section: &str, table: &str, field: Field) -> String {
    written(snapshot, section, table, field).map_or_else(|| field.to_string(), |(key, _)| key)
}

/// The table that decides a toggle, as `(section, name)` in the file: its
/// own, or its release's.
fn deciding_table(toggle: &ToggleInfo) -> (&'static str, &str) {
    match (toggle.source(), toggle.release()) {
        (Source::Release, Some(release)) => ("releases", release),
        _ => ("toggles", toggle.name()),
    }
}

/// `the toggle itself` or `release checkout-v2`.
fn table_name(toggle: &ToggleInfo) -> String {
    match deciding_table(toggle) {
        ("releases", release) => format!("release {release}"),
        _ => "the toggle itself".to_owned(),
    }
}

/// The `rollout`, `allow` and key-less lines of `show`, for a toggle whose
/// deciding table has a rollout or an `allow` list.
fn keyed_lines(
    path: &Path,
    snapshot: &Snapshot,
    toggle: &ToggleInfo,
    keyed: bool,
    empty_key: bool,
    env_flag: &str,
) {
    let (section, table) = deciding_table(toggle);
    let of = match section {
        "releases" => format!(", release {table}'s"),
        _ => String::new(),
    };
    let at = |field: Field, fallback: usize| {
        file::at(
            path,
            line_of(snapshot, section, table, field).unwrap_or(fallback),
        )
    };
    if let Some(rollout) = toggle.rollout() {
        println!(
            "  rollout      {rollout} of keys{of}, bucketed by {} ({})",
            toggle.bucketing(),
            at(Field::Rollout, toggle.line())
        );
    }
    // On without a key is on for every key: `enabled = true`, or 100%.
    let every_key = toggle.is_enabled();
    let allowed = toggle.allow().len();
    if allowed > 0 {
        let what = if every_key {
            "changes nothing while every key is on".to_owned()
        } else if allowed == 1 {
            format!("1 key always on{of}")
        } else {
            format!("{allowed} keys always on{of}")
        };
        println!(
            "  allow        {} — {what} ({})",
            some_keys(toggle.allow()),
            at(Field::Allow, toggle.line())
        );
    }
    if toggle.rollout().is_some() || allowed > 0 {
        let why = match toggle.rollout() {
            Some(rollout) if rollout.is_full() => "a rollout of 100% is on without a key",
            Some(_) => "a rollout is on without a key only at 100%",
            None if every_key => "`enabled = true` is on for every key",
            None => "`allow` needs a key",
        };
        println!("  no key       {}: {why}", on_off(toggle.is_enabled()));
        if empty_key {
            println!(
                "  key          an empty key is no key: this is what a check without a key gets"
            );
        } else if !keyed && !every_key {
            println!(
                "  a key        `toggles show {}{env_flag} --key KEY` says what one key gets",
                toggle.name()
            );
        }
    }
}

/// What a check with a key (or without one) gets and why, for `--key` and
/// `--json`.
struct Told {
    why: String,
    json: EvaluationJson,
}

impl Told {
    fn new(path: &Path, snapshot: &Snapshot, toggle: &ToggleInfo, key: Option<&str>) -> Told {
        let evaluation = toggle.evaluate(key);
        let (section, table) = deciding_table(toggle);
        let found = |field: Field| line_of(snapshot, section, table, field);
        let written = |field: Field| key_of(snapshot, section, table, field);
        let header = match section {
            "releases" => snapshot.release(table).map_or(toggle.line(), |r| r.line()),
            _ => toggle.line(),
        };
        let place = table_name(toggle);
        let (reason, bucket, line, why) = match evaluation.reason {
            Reason::Allowed => {
                let line = found(Field::Allow).unwrap_or(header);
                let why = format!(
                    "{} is in the `allow` list of {place} ({})",
                    key.unwrap_or_default(),
                    file::at(path, line)
                );
                ("allowed", None, line, why)
            }
            Reason::Bucket { bucket, rollout } => {
                let line = found(Field::Rollout).unwrap_or(header);
                let below = if evaluation.enabled {
                    "below"
                } else {
                    "not below"
                };
                let by = match section {
                    "releases" => format!(
                        "the rollout of release {table} (`{} = {}`, {}), bucketed by the release",
                        written(Field::Rollout),
                        rollout.digits(),
                        file::at(path, line)
                    ),
                    _ => format!(
                        "the toggle's own rollout (`{} = {}`, {})",
                        written(Field::Rollout),
                        rollout.digits(),
                        file::at(path, line)
                    ),
                };
                let why = format!(
                    "bucket {bucket} of {} is {below} {rollout} ({}): {by}",
                    Rollout::FULL_BASIS_POINTS,
                    rollout.basis_points()
                );
                ("bucket", Some(bucket), line, why)
            }
            Reason::NoKey { rollout } => {
                let line = found(Field::Rollout).unwrap_or(header);
                let why = format!(
                    "a check without a key: the rollout of {place} (`{} = {}`, {}) is on without a key only at 100%",
                    written(Field::Rollout),
                    rollout.digits(),
                    file::at(path, line)
                );
                ("no_key", None, line, why)
            }
            _ => {
                let line = found(Field::Enabled).unwrap_or(header);
                let why = match key {
                    Some(key) if toggle.allow().len() > 0 => format!(
                        "{key} is not in the `allow` list of {place}, so its {} decides ({})",
                        match found(Field::Enabled) {
                            Some(_) =>
                                format!("`{} = {}`", written(Field::Enabled), toggle.is_enabled()),
                            None => "absent `enabled` (off)".to_owned(),
                        },
                        file::at(path, line)
                    ),
                    Some(_) => format!("the same for every key: {}", why(path, snapshot, toggle)),
                    None => why(path, snapshot, toggle),
                };
                ("value", None, line, why)
            }
        };
        let json = EvaluationJson {
            key: key.map(str::to_owned),
            enabled: evaluation.enabled,
            source: evaluation.source.to_string(),
            release: (section == "releases").then(|| table.to_owned()),
            reason,
            bucket,
            rollout: percent_json(toggle.rollout()),
            bucketing: toggle.bucketing().to_string(),
            line,
            why: why.clone(),
        };
        Told { why, json }
    }
}

/// Why the toggle has its key-less state, pointing at the line that
/// decides it: the `enabled` (or `rollout`) line of the toggle, or of its
/// release when it follows it (the table's first line when there is none),
/// e.g. `from release checkout-v2 (toggles.toml:5)`; where a schedule's
/// step is in force (its line is the one that decides), which step.
fn why(path: &Path, snapshot: &Snapshot, toggle: &ToggleInfo) -> String {
    let text = why_by_table(path, snapshot, toggle);
    match toggle.step() {
        Some(step) => format!("{text}, by the schedule's step of {}", step.at()),
        None => text,
    }
}

/// [`why`], without the step.
fn why_by_table(path: &Path, snapshot: &Snapshot, toggle: &ToggleInfo) -> String {
    let own = file::at(
        path,
        line_of(snapshot, "toggles", toggle.name(), Field::Enabled).unwrap_or(toggle.line()),
    );
    let release = toggle.release().and_then(|r| snapshot.release(r));
    let rollout = toggle.rollout().map(|rollout| {
        let (line, written) = match (toggle.source(), release) {
            (Source::Release, Some(release)) => (
                line_of(snapshot, "releases", release.name(), Field::Rollout)
                    .unwrap_or(release.line()),
                key_of(snapshot, "releases", release.name(), Field::Rollout),
            ),
            _ => (
                line_of(snapshot, "toggles", toggle.name(), Field::Rollout)
                    .unwrap_or(toggle.line()),
                key_of(snapshot, "toggles", toggle.name(), Field::Rollout),
            ),
        };
        format!(
            "`{written} = {}`, {}",
            rollout.digits(),
            file::at(path, line)
        )
    });
    let only_allow = toggle.allow().len() > 0
        && line_of(snapshot, "toggles", toggle.name(), Field::Enabled).is_none();
    let own_state = match (&rollout, only_allow) {
        (Some(rollout), _) => format!("rolled out on the toggle itself ({rollout})"),
        (None, true) => format!(
            "set on the toggle itself: only an `allow` list, off for every other key ({})",
            file::at(
                path,
                line_of(snapshot, "toggles", toggle.name(), Field::Allow).unwrap_or(toggle.line())
            )
        ),
        (None, false) => format!(
            "set on the toggle itself (`{} = {}`, {own})",
            key_of(snapshot, "toggles", toggle.name(), Field::Enabled),
            toggle.is_enabled()
        ),
    };
    match (toggle.source(), release) {
        (Source::Own, Some(release)) => format!(
            "{own_state}, which wins over its release {} ({})",
            release.name(),
            release_summary(release)
        ),
        (Source::Own, None) => own_state,
        (Source::Release, Some(release)) => match rollout {
            Some(rollout) => format!("from release {}, rolled out ({rollout})", release.name()),
            None => format!(
                "from release {} ({})",
                release.name(),
                file::at(
                    path,
                    line_of(snapshot, "releases", release.name(), Field::Enabled)
                        .unwrap_or(release.line())
                )
            ),
        },
        _ => format!("by default: no `enabled` and no release ({own})"),
    }
}

fn how_to_change(toggle: &ToggleInfo) -> String {
    let name = toggle.name();
    if toggle.schedule().is_some() {
        // An edit without `--at` replaces the whole slot, plan and all.
        return match (toggle.source(), toggle.release()) {
            (Source::Release, Some(release)) => format!(
                "`toggles release rollout|on|off {release} … --at TIME` (a step of the release's \
                 plan), `toggles release unschedule {release} --at TIME|--all`; without `--at` an \
                 edit replaces the plan"
            ),
            _ => format!(
                "`toggles rollout|on|off {name} … --at TIME` (a step), `toggles unschedule \
                 {name} --at TIME|--all`; without `--at` an edit replaces the plan"
            ),
        };
    }
    let flip = if toggle.is_enabled() { "off" } else { "on" };
    if toggle.rollout().is_some() {
        return match (toggle.source(), toggle.release()) {
            (Source::Release, Some(release)) => format!(
                "`toggles release rollout {release} PERCENT` (another share of keys), \
                 `toggles release on|off {release}` (every key), or `toggles on|off {name}` (this one only)"
            ),
            _ => format!(
                "`toggles rollout {name} PERCENT` (another share of keys), `toggles on|off {name}` (every key)"
            ),
        };
    }
    match (toggle.source(), toggle.release()) {
        (Source::Release, Some(release)) => {
            format!(
                "`toggles {flip} {name}` (this one only) or `toggles release {flip} {release}` (the whole release)"
            )
        }
        (Source::Own, Some(_)) => {
            format!("`toggles {flip} {name}`, or `toggles follow {name}` to let its release decide")
        }
        _ => format!("`toggles {flip} {name}`"),
    }
}

fn ago(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        1 => "1 day ago".to_owned(),
        d if d < 0 => format!("in {} days", -d),
        d => format!("{d} days ago"),
    }
}

#[derive(Serialize)]
struct Shown {
    toggle: ToggleJson,
    why: String,
    release: Option<ReleaseJson>,
    /// What a check with `--key` (or without a key) gets, and why.
    evaluation: EvaluationJson,
    /// The instant read (`--at`, else now), RFC 3339 UTC.
    at: String,
    /// `--at`, or null for now.
    at_from: Option<&'static str>,
    /// With a schedule (`toggle.schedule`): the deciding table's state
    /// before its first step; else null.
    before_schedule: Option<StartJson>,
    /// The environment read (`--env`, else `TOGGLES_ENV`), or null for the
    /// base values.
    environment: Option<String>,
    /// `--env`, `TOGGLES_ENV`, or null.
    environment_from: Option<&'static str>,
    /// One entry per column (the base values, then each declared
    /// environment in promotion order); empty without `environments`.
    environments: Vec<DecisionJson>,
}

/// `show --json`'s `before_schedule`.
#[derive(Serialize)]
struct StartJson {
    enabled: bool,
    rollout: Option<serde_json::Number>,
    /// The key that gives it (`rollout`, `env.staging.enabled`), or null
    /// (off: a table with only a schedule).
    field: Option<String>,
    line: usize,
}

/// `show --json`'s `evaluation`.
#[derive(Serialize)]
struct EvaluationJson {
    /// The key checked; null for a check without a key (and for an empty one).
    key: Option<String>,
    enabled: bool,
    /// The deciding table: `own`, `release` or `default`.
    source: String,
    /// The release whose table decides, if one does.
    release: Option<String>,
    /// `allowed`, `bucket`, `no_key` or `value`.
    reason: &'static str,
    /// The key's bucket (`0..10000`) when a rollout decided.
    bucket: Option<u16>,
    /// The deciding table's rollout in percent, or null.
    rollout: Option<serde_json::Number>,
    bucketing: String,
    /// The line that decides.
    line: usize,
    why: String,
}
