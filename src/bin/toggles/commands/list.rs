//! `toggles list`: every toggle with its state and where it comes from, and
//! every release with "N of M enabled". A ROLLOUT column (`10% + 2
//! allowed`) appears in a table when one of its rows has a rollout or an
//! `allow` list, and a NEXT STEP column (`50% at 2026-12-09T09:00:00Z`,
//! `done` after the last) when one has a `schedule`, so files without them
//! list as they always did. States are those of now, or of `--at TIME`
//! (each schedule's step in force then).
//!
//! The lifecycle fields show where a file has them: an OWNER column when
//! some listed toggle has an `owner`, a KIND column when some listed
//! toggle's `kind` is not the default `release`, an EXPIRES column (the
//! date, `(expired)` from the day after it) when some has `expires`; the
//! release table has OWNER and EXPIRES columns likewise. `--json` always
//! carries `owner`, `kind` and `expires`.
//!
//! Filters, all of them holding at once: `--owner TEAM` (the `owner`
//! exactly as written), `--kind KIND` and `--expired` (an `expires` date
//! before today, or before `--today DATE`) keep the toggles that match,
//! each by its own fields: a toggle without an `owner` of its own does not
//! match its release's. `--owner` and `--expired` keep the releases that
//! match by the release's own fields; releases have no kind, so `--kind`
//! lists none. `--release R` still narrows both to R.

use std::path::Path;

use serde::Serialize;
use toggles::{Date, Kind, Release, Snapshot, ToggleInfo};

use crate::args::{ReadAt, ReadEnv, Today};
use crate::color::{Colors, Style};
use crate::fail::{EXIT_OK, Outcome};
use crate::model::choice::{Choice, When};
use crate::model::decision::{Decision, decide, decide_release};
use crate::model::names::unknown_release;
use crate::model::views::Views;
use crate::view::json::{DecisionJson, ReleaseJson, ToggleJson};
use crate::view::state::{column, next_column};
use crate::view::table::{Table, cell, styled};
use crate::words::{age_days, label, on_off};

// `toggles list`.
#[derive(clap::Args)]
pub struct Args {
    /// Only this release and its toggles
    #[arg(long, short, value_name = "RELEASE")]
    pub release: Option<String>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub env: ReadEnv,
    /// Every environment side by side: one column per environment (after the base values)
    #[arg(long, conflicts_with = "env")]
    pub envs: bool,
    #[command(flatten)]
    pub at: ReadAt,
    /// Only the toggles (and releases) whose `owner` is TEAM, exactly as written
    #[arg(long, value_name = "TEAM")]
    pub owner: Option<String>,
    /// Only the toggles of this kind: release, experiment, ops or permission
    /// (releases have no kind: none is listed)
    #[arg(long, value_name = "KIND")]
    pub kind: Option<Kind>,
    /// Only the toggles (and releases) whose `expires` date is before today
    #[arg(long)]
    pub expired: bool,
    #[command(flatten)]
    pub today: Today,
}

pub fn run(path: &Path, args: &Args, colors: Colors) -> Outcome {
    let when = args.at.when();
    let today = args.today.date();
    let filter = Filter {
        release: args.release.as_deref(),
        owner: args.owner.as_deref(),
        kind: args.kind,
        expired: args.expired,
        today,
    };
    if args.envs {
        matrix(path, &filter, when, args.json, colors)
    } else {
        let choice = args.env.choice();
        one(path, &filter, &choice, when, args.json, colors)
    }
}

/// Which toggles and releases a listing keeps: every filter given holds,
/// each on the table's own fields.
struct Filter<'a> {
    /// `--release`: that release and its toggles.
    release: Option<&'a str>,
    owner: Option<&'a str>,
    kind: Option<Kind>,
    /// `--expired`: an `expires` before `today`.
    expired: bool,
    /// `--today`, else the local date: ages and expiry count from it.
    today: Date,
}

impl Filter<'_> {
    fn toggle(&self, toggle: &ToggleInfo) -> bool {
        (self.release.is_none() || toggle.release() == self.release)
            && self.owner.is_none_or(|owner| toggle.owner() == Some(owner))
            && self.kind.is_none_or(|kind| toggle.kind() == kind)
            && (!self.expired || toggle.is_expired_on(self.today))
    }

    fn release(&self, release: &Release) -> bool {
        self.release.is_none_or(|name| release.name() == name)
            && self.owner.is_none_or(|owner| release.owner() == Some(owner))
            // A release has no kind.
            && self.kind.is_none()
            && (!self.expired || release.is_expired_on(self.today))
    }

    /// The lifecycle filters given, as typed: `--owner payments --expired`
    /// (empty without any).
    fn describe(&self) -> String {
        let mut words = Vec::new();
        if let Some(owner) = self.owner {
            words.push(format!("--owner {owner}"));
        }
        if let Some(kind) = self.kind {
            words.push(format!("--kind {kind}"));
        }
        if self.expired {
            words.push(format!("--expired (before {})", self.today));
        }
        words.join(" ")
    }

    /// What an empty table says: `no toggles`, or `no toggles match
    /// --owner payments`.
    fn none(&self) -> String {
        match self.describe() {
            filters if filters.is_empty() => "no toggles".to_owned(),
            filters => format!("no toggles match {filters}"),
        }
    }
}

/// `toggles list` in one environment (or the base values).
fn one(
    path: &Path,
    filter: &Filter,
    choice: &Choice,
    when: When,
    json: bool,
    colors: Colors,
) -> Outcome {
    let snapshot = when.view(choice.load(path)?);
    let declared: Vec<String> = snapshot.environments().map(str::to_owned).collect();
    if let Some(name) = filter.release
        && snapshot.release(name).is_none()
    {
        return Err(unknown_release(&snapshot, name, None));
    }
    let toggles: Vec<&ToggleInfo> = snapshot.toggles().filter(|t| filter.toggle(t)).collect();
    let releases: Vec<&Release> = snapshot.releases().filter(|r| filter.release(r)).collect();
    let today = filter.today;
    if json {
        let listing = Listing {
            file: path.display().to_string(),
            today: today.to_string(),
            at: when.at().to_string(),
            at_from: when.origin_json(),
            bucketing: snapshot.bucketing().to_string(),
            environment: choice.name().map(str::to_owned),
            environment_from: choice.origin_json(),
            environments: declared,
            toggles: toggles
                .iter()
                .map(|t| ToggleJson::new(t, today, when))
                .collect(),
            releases: releases
                .iter()
                .map(|r| ReleaseJson::new(r, today, when))
                .collect(),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&listing).expect("serializable")
        );
        return Ok(EXIT_OK);
    }
    if !declared.is_empty() {
        println!(
            "environment: {}; declared: {}",
            choice.describe(),
            declared.join(", ")
        );
    }
    if when.is_given() {
        println!("at: {}", when.describe());
    }
    if !declared.is_empty() || when.is_given() {
        println!();
    }
    print!("{}", toggle_table(&toggles, filter, colors));
    if !releases.is_empty() {
        println!();
        print!("{}", release_table(&releases, today, colors));
    }
    Ok(EXIT_OK)
}

/// `toggles list --envs`: one row per toggle (then per release), one column
/// per environment after the base values, each cell the state of a check
/// without a key (`ON`, `OFF`, `10%`, and `+2` for keys in an `allow` list),
/// and `*` where a schedule decides (its next step is in `--json`, and in
/// `toggles show`).
fn matrix(path: &Path, filter: &Filter, when: When, json: bool, colors: Colors) -> Outcome {
    let (views, _) = Views::load_at(path, when)?;
    if let Some(name) = filter.release
        && views.base.release(name).is_none()
    {
        return Err(unknown_release(&views.base, name, None));
    }
    let columns: Vec<(Option<&str>, &Snapshot)> = views.columns().collect();
    // The lifecycle fields are the same in every environment.
    let toggles: Vec<&ToggleInfo> = views.base.toggles().filter(|t| filter.toggle(t)).collect();
    let releases: Vec<&Release> = views
        .base
        .releases()
        .filter(|r| filter.release(r))
        .collect();
    let toggle_rows: Vec<(&ToggleInfo, Vec<Decision>)> = toggles
        .iter()
        .map(|toggle| {
            let cells = columns
                .iter()
                .filter_map(|(environment, snapshot)| {
                    let info = snapshot.get(toggle.name())?;
                    Some(decide(info, snapshot, *environment))
                })
                .collect();
            (*toggle, cells)
        })
        .collect();
    let release_rows: Vec<(&Release, Vec<Decision>)> = releases
        .iter()
        .map(|release| {
            let cells = columns
                .iter()
                .filter_map(|(environment, snapshot)| {
                    let info = snapshot.release(release.name())?;
                    Some(decide_release(info, *environment))
                })
                .collect();
            (*release, cells)
        })
        .collect();
    if json {
        let matrix = MatrixJson {
            file: path.display().to_string(),
            at: when.at().to_string(),
            at_from: when.origin_json(),
            environments: views.environments.iter().map(|(n, _)| n.clone()).collect(),
            toggles: toggle_rows
                .iter()
                .map(|(toggle, cells)| RowJson {
                    name: toggle.name().to_owned(),
                    release: toggle.release().map(str::to_owned),
                    owner: toggle.owner().map(str::to_owned),
                    kind: Some(toggle.kind().as_str()),
                    expires: toggle.expires().map(|d| d.to_string()),
                    cells: cells.iter().map(|d| DecisionJson::new(d, when)).collect(),
                })
                .collect(),
            releases: release_rows
                .iter()
                .map(|(release, cells)| RowJson {
                    name: release.name().to_owned(),
                    release: None,
                    owner: release.owner().map(str::to_owned),
                    kind: None,
                    expires: release.expires().map(|d| d.to_string()),
                    cells: cells.iter().map(|d| DecisionJson::new(d, when)).collect(),
                })
                .collect(),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&matrix).expect("serializable")
        );
        return Ok(EXIT_OK);
    }
    let labels: Vec<&str> = columns.iter().map(|(e, _)| label(*e)).collect();
    let styled_cell = |d: &Decision| {
        let mark = if d.schedule.is_some() { " *" } else { "" };
        styled(
            format!("{}{mark}", d.cell()),
            match (d.enabled, d.rollout, d.allowed) {
                (true, _, _) => Style::On,
                (false, None, 0) => Style::Off,
                _ => Style::Bold,
            },
        )
    };
    if when.is_given() {
        println!("at: {}", when.describe());
        println!();
    }
    if toggle_rows.is_empty() {
        println!("{}", filter.none());
    } else {
        let mut header = vec!["TOGGLE"];
        header.extend(&labels);
        header.push("RELEASE");
        let mut table = Table::new(&header);
        for (toggle, cells) in &toggle_rows {
            let mut row = vec![cell(toggle.name())];
            row.extend(cells.iter().map(styled_cell));
            row.push(cell(toggle.release().unwrap_or("-")));
            table.row(row);
        }
        print!("{}", table.render(colors));
    }
    if !release_rows.is_empty() {
        println!();
        let mut header = vec!["RELEASE"];
        header.extend(&labels);
        let mut table = Table::new(&header);
        for (release, cells) in &release_rows {
            let mut row = vec![cell(release.name())];
            row.extend(cells.iter().map(styled_cell));
            table.row(row);
        }
        print!("{}", table.render(colors));
    }
    let scheduled = |cells: &Vec<Decision>| cells.iter().any(|d| d.schedule.is_some());
    if toggle_rows.iter().any(|(_, cells)| scheduled(cells))
        || release_rows.iter().any(|(_, cells)| scheduled(cells))
    {
        println!();
        println!("*: decided by a schedule there; `toggles show NAME` gives its steps");
    }
    if !views.any() {
        println!();
        println!(
            "the file declares no environments: add `environments = [\"staging\", \"production\"]` \
             at its top to give them values of their own"
        );
    }
    Ok(EXIT_OK)
}

fn toggle_table(toggles: &[&ToggleInfo], filter: &Filter, colors: Colors) -> String {
    if toggles.is_empty() {
        return format!("{}\n", filter.none());
    }
    let today = filter.today;
    let keyed = toggles
        .iter()
        .any(|t| t.rollout().is_some() || t.allow().len() > 0);
    let scheduled = toggles.iter().any(|t| t.schedule().is_some());
    let owned = toggles.iter().any(|t| t.owner().is_some());
    let kinds = toggles.iter().any(|t| t.kind() != Kind::default());
    let expiring = toggles.iter().any(|t| t.expires().is_some());
    let mut header = vec!["TOGGLE", "STATE"];
    if keyed {
        header.push("ROLLOUT");
    }
    if scheduled {
        header.push("NEXT STEP");
    }
    header.extend(["FROM", "RELEASE"]);
    if owned {
        header.push("OWNER");
    }
    if kinds {
        header.push("KIND");
    }
    header.extend(["CREATED", "AGE"]);
    if expiring {
        header.push("EXPIRES");
    }
    header.push("DESCRIPTION");
    let mut table = Table::new(&header);
    for toggle in toggles {
        let on = toggle.is_enabled();
        let mut row = vec![
            cell(toggle.name()),
            styled(on_off(on), if on { Style::On } else { Style::Off }),
        ];
        if keyed {
            row.push(cell(column(toggle.rollout(), toggle.allow().len())));
        }
        if scheduled {
            row.push(cell(next_column(toggle.schedule(), toggle.next_step())));
        }
        row.extend([
            cell(toggle.source().to_string()),
            cell(toggle.release().unwrap_or("-")),
        ]);
        if owned {
            row.push(cell(toggle.owner().unwrap_or("-")));
        }
        if kinds {
            row.push(cell(toggle.kind().as_str()));
        }
        row.extend([
            cell(toggle.created().map_or("-".to_owned(), |d| d.to_string())),
            cell(
                age_days(toggle.created(), today).map_or("-".to_owned(), |days| format!("{days}d")),
            ),
        ]);
        if expiring {
            row.push(expires_cell(toggle.expires(), toggle.is_expired_on(today)));
        }
        row.push(styled(toggle.description().unwrap_or(""), Style::Dim));
        table.row(row);
    }
    table.render(colors)
}

/// An EXPIRES cell: the date, `(expired)` once the table `expired` (the
/// library's `is_expired_on`: from the day after it), or `-`.
fn expires_cell(expires: Option<Date>, expired: bool) -> (String, Option<Style>) {
    match expires {
        Some(date) if expired => styled(format!("{date} (expired)"), Style::Warning),
        Some(date) => cell(date.to_string()),
        None => cell("-"),
    }
}

fn release_table(releases: &[&Release], today: Date, colors: Colors) -> String {
    let keyed = releases
        .iter()
        .any(|r| r.rollout().is_some() || r.allow().len() > 0);
    let scheduled = releases.iter().any(|r| r.schedule().is_some());
    let owned = releases.iter().any(|r| r.owner().is_some());
    let expiring = releases.iter().any(|r| r.expires().is_some());
    let mut header = vec!["RELEASE", "STATE"];
    if keyed {
        header.push("ROLLOUT");
    }
    if scheduled {
        header.push("NEXT STEP");
    }
    header.push("TOGGLES");
    if owned {
        header.push("OWNER");
    }
    if expiring {
        header.push("EXPIRES");
    }
    header.push("DESCRIPTION");
    let mut table = Table::new(&header);
    for release in releases {
        let (on, total) = release.counts();
        let mut row = vec![
            cell(release.name()),
            styled(
                on_off(release.is_enabled()),
                if release.is_enabled() {
                    Style::On
                } else {
                    Style::Off
                },
            ),
        ];
        if keyed {
            row.push(cell(column(release.rollout(), release.allow().len())));
        }
        if scheduled {
            row.push(cell(next_column(release.schedule(), release.next_step())));
        }
        row.push(cell(format!("{on} of {total} enabled")));
        if owned {
            row.push(cell(release.owner().unwrap_or("-")));
        }
        if expiring {
            row.push(expires_cell(
                release.expires(),
                release.is_expired_on(today),
            ));
        }
        row.push(styled(release.description().unwrap_or(""), Style::Dim));
        table.row(row);
    }
    table.render(colors)
}

#[derive(Serialize)]
struct Listing {
    file: String,
    /// `--today`, else the local date: ages and `--expired` count from it.
    today: String,
    /// The instant listed (`--at`, else now), RFC 3339 UTC: each
    /// schedule's step in force then.
    at: String,
    /// `--at`, or null for now.
    at_from: Option<&'static str>,
    /// `flagd-v3` or `flagd-v2`: how keys are bucketed.
    bucketing: String,
    /// The environment listed (`--env`, else `TOGGLES_ENV`), or null for
    /// the base values.
    environment: Option<String>,
    /// `--env`, `TOGGLES_ENV`, or null.
    environment_from: Option<&'static str>,
    /// The declared environments, in promotion order.
    environments: Vec<String>,
    toggles: Vec<ToggleJson>,
    releases: Vec<ReleaseJson>,
}

/// `list --envs --json`.
#[derive(Serialize)]
struct MatrixJson {
    file: String,
    /// The instant listed (`--at`, else now).
    at: String,
    /// `--at`, or null for now.
    at_from: Option<&'static str>,
    /// The declared environments, in promotion order.
    environments: Vec<String>,
    toggles: Vec<RowJson>,
    releases: Vec<RowJson>,
}

/// One row of the matrix: a cell for the base values (`environment: null`),
/// then one per environment.
#[derive(Serialize)]
struct RowJson {
    name: String,
    /// A toggle's release (null for a release's row).
    release: Option<String>,
    /// The table's `owner`, or null.
    owner: Option<String>,
    /// A toggle's `kind` (`release` where unwritten); null for a release's row.
    kind: Option<&'static str>,
    /// The table's `expires`, `YYYY-MM-DD`, or null.
    expires: Option<String>,
    cells: Vec<DecisionJson>,
}
