//! What an edit prints after the file is written: the table's state in
//! each environment, a release's members, `wrote FILE`.

use std::path::Path;

use toggles::{Release, Snapshot, Source};

use crate::fail::{EXIT_OK, Outcome};
use crate::model::decision::{decide, decide_release};
use crate::model::edit::Edited;
use crate::view::state::{own_fields, toggle_summary};
use crate::words::{env_flag, label};

/// `wrote FILE`, or `nothing to change in FILE`.
pub fn done(path: &Path, edited: &Edited) -> Outcome {
    if edited.written {
        println!("wrote {}", path.display());
    } else {
        println!("nothing to change in {}", path.display());
    }
    Ok(EXIT_OK)
}

/// After an edit of a file with environments: the table's state in each,
/// `  environments  base OFF · staging ON · production 10%`.
pub fn report_environments(edited: &Edited, section: &str, name: &str) {
    if !edited.views.any() {
        return;
    }
    let cells: Vec<String> = edited
        .views
        .columns()
        .filter_map(|(environment, snapshot)| {
            let decision = match section {
                "releases" => decide_release(snapshot.release(name)?, environment),
                _ => decide(snapshot.get(name)?, snapshot, environment),
            };
            Some(format!("{} {}", label(environment), decision.cell()))
        })
        .collect();
    println!("  environments  {}", cells.join(" · "));
}

/// After a release edit: how many of its toggles are on, and each toggle
/// whose own state wins over the release's.
pub fn report_members(snapshot: &Snapshot, release: &Release, env: Option<&str>) {
    let (count_on, total) = release.counts();
    match release.rollout() {
        None => println!("  {count_on} of {total} toggles enabled"),
        Some(rollout) => {
            let following = release
                .toggles()
                .filter(|(name, _)| {
                    snapshot
                        .get(name)
                        .is_some_and(|t| t.source() == Source::Release)
                })
                .count();
            println!(
                "  {following} of {total} toggles follow its rollout of {rollout}; \
                 {count_on} of {total} enabled for a check without a key"
            );
        }
    }
    for toggle in release.toggles().filter_map(|(name, _)| snapshot.get(name)) {
        let differs =
            toggle.is_enabled() != release.is_enabled() || toggle.rollout() != release.rollout();
        if toggle.source() == Source::Own && differs {
            let name = toggle.name();
            println!(
                "  {name} stays {}: its own {} wins (`toggles follow {name}{}` lets the release decide)",
                toggle_summary(toggle),
                own_fields(toggle),
                env_flag(env)
            );
        }
    }
}
