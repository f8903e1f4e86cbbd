//! Names the file lacks: the errors, with a close name first and then only
//! what the command accepts.

use toggles::{Release, Snapshot, ToggleInfo};

use crate::fail::Fail;
use crate::words::did_you_mean;

/// An unknown toggle (or a release given as a toggle).
pub fn unknown_toggle(snapshot: &Snapshot, name: &str) -> Fail {
    if snapshot.release(name).is_some() {
        return Fail::error(format!("`{name}` is a release, not a toggle")).help(format!(
            "`toggles list --release {name}` shows it and its toggles"
        ));
    }
    let fail = Fail::error(format!("no toggle `{name}` in the file"));
    match did_you_mean(name, snapshot.toggles().map(ToggleInfo::name)) {
        Some(close) => fail.help(format!("did you mean `{close}`?")),
        None => fail.help(format!(
            "`toggles list` shows the toggles; `toggles add {name}` adds it"
        )),
    }
}

/// An unknown release. The help suggests a close name first; `create` is
/// the hint of a command that takes `--create`, and comes after it.
pub fn unknown_release(snapshot: &Snapshot, name: &str, create: Option<String>) -> Fail {
    let close = did_you_mean(name, snapshot.releases().map(Release::name));
    let help = match (close, create) {
        (Some(close), None) => format!("did you mean `{close}`? (`toggles list` shows them all)"),
        (Some(close), Some(create)) => format!("did you mean `{close}`? Or {create}"),
        (None, None) => {
            "`toggles list` shows the releases; `toggles release on|off NAME --create` adds one"
                .to_owned()
        }
        (None, Some(create)) => format!("`toggles list` shows the releases; {create}"),
    };
    Fail::error(format!("no release `{name}` in the file")).help(help)
}

/// An unknown toggle in an edit command. The help suggests a close name
/// first, then only what this command accepts: `--create` only if it takes
/// `--create` (`follow` does not).
pub fn refuse_unknown_toggle(snapshot: &Snapshot, name: &str, takes_create: bool) -> Fail {
    let fail = unknown_toggle(snapshot, name);
    if !takes_create {
        return fail;
    }
    let create = format!("pass --create to add `{name}`, or use `toggles add {name}`");
    match fail.help.clone() {
        Some(help) if help.starts_with("did you mean") => fail.help(format!("{help} Or {create}")),
        _ => fail.help(create),
    }
}
