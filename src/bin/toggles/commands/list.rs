//! `toggles list`: every toggle with its state and where it comes from, and
//! every release with "N of M enabled". A ROLLOUT column (`10% + 2
//! allowed`) appears in a table when one of its rows has a rollout or an
//! `allow` list, and a NEXT STEP column (`50% at 2026-12-09T09:00:00Z`,
//! `done` after the last) when one has a `schedule`, so files without them
//! list as they always did. States are those of now, or of `--at TIME`
//! (each schedule's step in force then).

use std::path::Path;

use serde::Serialize;
use toggles::{Date, Release, Snapshot, ToggleInfo};

use crate::args::{ReadAt, ReadEnv};
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
}

pub fn run(path: &Path, args: &Args, colors: Colors) -> Outcome {
    let when = args.at.when();
    if args.envs {
        matrix(path, args.release.as_deref(), when, args.json, colors)
    } else {
        let choice = args.env.choice();
        one(
            path,
            args.release.as_deref(),
            &choice,
            when,
            args.json,
            colors,
        )
    }
}

/// `toggles list` in one environment (or the base values).
fn one(
    path: &Path,
    release: Option<&str>,
    choice: &Choice,
    when: When,
    json: bool,
    colors: Colors,
) -> Outcome {
    let snapshot = when.view(choice.load(path)?);
    let declared: Vec<String> = snapshot.environments().map(str::to_owned).collect();
    if let Some(name) = release
        && snapshot.release(name).is_none()
    {
        return Err(unknown_release(&snapshot, name, None));
    }
    let toggles: Vec<&ToggleInfo> = snapshot
        .toggles()
        .filter(|t| release.is_none() || t.release() == release)
        .collect();
    let releases: Vec<&Release> = snapshot
        .releases()
        .filter(|r| release.is_none_or(|name| r.name() == name))
        .collect();
    let today = Date::today();
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
            releases: releases.iter().map(|r| ReleaseJson::new(r, when)).collect(),
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
    print!("{}", toggle_table(&toggles, today, colors));
    if !releases.is_empty() {
        println!();
        print!("{}", release_table(&releases, colors));
    }
    Ok(EXIT_OK)
}

/// `toggles list --envs`: one row per toggle (then per release), one column
/// per environment after the base values, each cell the state of a check
/// without a key (`ON`, `OFF`, `10%`, and `+2` for keys in an `allow` list),
/// and `*` where a schedule decides (its next step is in `--json`, and in
/// `toggles show`).
fn matrix(path: &Path, release: Option<&str>, when: When, json: bool, colors: Colors) -> Outcome {
    let (views, _) = Views::load_at(path, when)?;
    if let Some(name) = release
        && views.base.release(name).is_none()
    {
        return Err(unknown_release(&views.base, name, None));
    }
    let columns: Vec<(Option<&str>, &Snapshot)> = views.columns().collect();
    let toggles: Vec<&ToggleInfo> = views
        .base
        .toggles()
        .filter(|t| release.is_none() || t.release() == release)
        .collect();
    let releases: Vec<&Release> = views
        .base
        .releases()
        .filter(|r| release.is_none_or(|name| r.name() == name))
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
                    cells: cells.iter().map(|d| DecisionJson::new(d, when)).collect(),
                })
                .collect(),
            releases: release_rows
                .iter()
                .map(|(release, cells)| RowJson {
                    name: release.name().to_owned(),
                    release: None,
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
        println!("no toggles");
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

fn toggle_table(toggles: &[&ToggleInfo], today: Date, colors: Colors) -> String {
    if toggles.is_empty() {
        return "no toggles\n".to_owned();
    }
    let keyed = toggles
        .iter()
        .any(|t| t.rollout().is_some() || t.allow().len() > 0);
    let scheduled = toggles.iter().any(|t| t.schedule().is_some());
    let mut header = vec!["TOGGLE", "STATE"];
    if keyed {
        header.push("ROLLOUT");
    }
    if scheduled {
        header.push("NEXT STEP");
    }
    header.extend(["FROM", "RELEASE", "CREATED", "AGE", "DESCRIPTION"]);
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
            cell(toggle.created().map_or("-".to_owned(), |d| d.to_string())),
            cell(
                age_days(toggle.created(), today).map_or("-".to_owned(), |days| format!("{days}d")),
            ),
            styled(toggle.description().unwrap_or(""), Style::Dim),
        ]);
        table.row(row);
    }
    table.render(colors)
}

fn release_table(releases: &[&Release], colors: Colors) -> String {
    let keyed = releases
        .iter()
        .any(|r| r.rollout().is_some() || r.allow().len() > 0);
    let scheduled = releases.iter().any(|r| r.schedule().is_some());
    let mut header = vec!["RELEASE", "STATE"];
    if keyed {
        header.push("ROLLOUT");
    }
    if scheduled {
        header.push("NEXT STEP");
    }
    header.extend(["TOGGLES", "DESCRIPTION"]);
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
        row.extend([
            cell(format!("{on} of {total} enabled")),
            styled(release.description().unwrap_or(""), Style::Dim),
        ]);
        table.row(row);
    }
    table.render(colors)
}

#[derive(Serialize)]
struct Listing {
    file: String,
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
    cells: Vec<DecisionJson>,
}
