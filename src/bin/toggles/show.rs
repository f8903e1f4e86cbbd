//! `toggles show NAME`: one toggle, and why it has its state.

use std::path::Path;

use serde::Serialize;
use toggles::{Date, Release, Snapshot, Source, ToggleInfo};
use toml_edit::Document;

use crate::fail::Fail;
use crate::list::{ReleaseJson, ToggleJson};
use crate::output::{Colors, Style, age_days, did_you_mean, on_off};
use crate::{EXIT_OK, Outcome, file};

pub fn run(path: &Path, name: &str, json: bool, colors: Colors) -> Outcome {
    let (snapshot, bytes) = file::load_with_bytes(path)?;
    let toggle = snapshot
        .get(name)
        .ok_or_else(|| unknown_toggle(&snapshot, name))?;
    let text = std::str::from_utf8(&bytes).unwrap_or_default();
    let lines = EnabledLines::new(text);
    let today = Date::today();
    if json {
        let shown = Shown {
            toggle: ToggleJson::new(toggle, today),
            why: why(path, &snapshot, toggle, &lines),
            release: toggle
                .release()
                .and_then(|r| snapshot.release(r))
                .map(ReleaseJson::new),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&shown).expect("serializable")
        );
        return Ok(EXIT_OK);
    }
    println!(
        "{}: {} — {}",
        colors.paint(Style::Bold, name),
        colors.state(toggle.is_enabled()),
        why(path, &snapshot, toggle, &lines)
    );
    if let Some(description) = toggle.description() {
        println!("  description  {description}");
    }
    if let Some(release) = toggle.release().and_then(|r| snapshot.release(r)) {
        println!(
            "  release      {release}, release {}",
            on_off(release.enabled())
        );
    }
    match (toggle.created(), age_days(toggle.created(), today)) {
        (Some(created), Some(days)) => println!("  created      {created}, {}", ago(days)),
        _ => println!("  created      unknown (no `created` field)"),
    }
    println!("  defined at   {}", file::at(path, toggle.line()));
    println!("  change it    {}", how_to_change(toggle));
    Ok(EXIT_OK)
}

/// Why the toggle has its state, pointing at the line that decides it: the
/// `enabled` line of the toggle, or of its release when it follows it (the
/// table's first line when there is none), e.g.
/// `from release checkout-v2 (toggles.toml:5)`.
fn why(path: &Path, snapshot: &Snapshot, toggle: &ToggleInfo, lines: &EnabledLines) -> String {
    let own = file::at(path, lines.toggle(toggle));
    let release = toggle.release().and_then(|r| snapshot.release(r));
    match (toggle.source(), release) {
        (Source::Own, Some(release)) => format!(
            "set on the toggle itself (`enabled = {}`, {own}), which wins over its release {} ({})",
            toggle.is_enabled(),
            release.name(),
            on_off(release.enabled())
        ),
        (Source::Own, None) => format!(
            "set on the toggle itself (`enabled = {}`, {own})",
            toggle.is_enabled()
        ),
        (Source::Release, Some(release)) => {
            format!(
                "from release {} ({})",
                release.name(),
                file::at(path, lines.release(release))
            )
        }
        _ => format!("by default: no `enabled` and no release ({own})"),
    }
}

/// The lines of the `enabled` keys, found in the text through `toml_edit`'s
/// spans: the library's `line()` is the first line of a table, and the
/// `enabled` line may be anywhere in it (or a dotted key, or in an inline
/// table).
struct EnabledLines<'t> {
    text: &'t str,
    /// `None` if `toml_edit` cannot read a text the library accepted: the
    /// tables' first lines are used then.
    document: Option<Document<&'t str>>,
}

impl<'t> EnabledLines<'t> {
    fn new(text: &'t str) -> EnabledLines<'t> {
        // `toml_edit` does not take a byte-order mark; it holds no newline,
        // so the lines are the same without it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        EnabledLines {
            text,
            document: Document::parse(text).ok(),
        }
    }

    /// The toggle's `enabled` line, else its table's first line.
    fn toggle(&self, toggle: &ToggleInfo) -> usize {
        self.find("toggles", toggle.name())
            .unwrap_or_else(|| toggle.line())
    }

    /// The release's `enabled` line, else its table's first line.
    fn release(&self, release: &Release) -> usize {
        self.find("releases", release.name())
            .unwrap_or_else(|| release.line())
    }

    /// The 1-based line of `SECTION.NAME.enabled`, however it is written.
    fn find(&self, section: &str, name: &str) -> Option<usize> {
        let table = self
            .document
            .as_ref()?
            .as_item()
            .as_table_like()?
            .get(section)?
            .as_table_like()?
            .get(name)?
            .as_table_like()?;
        let (key, value) = table.get_key_value("enabled")?;
        let start = value.span().or_else(|| key.span())?.start;
        let before = self.text.as_bytes().get(..start)?;
        Some(before.iter().filter(|&&b| b == b'\n').count() + 1)
    }
}

fn how_to_change(toggle: &ToggleInfo) -> String {
    let name = toggle.name();
    let flip = if toggle.is_enabled() { "off" } else { "on" };
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

#[derive(Serialize)]
struct Shown {
    toggle: ToggleJson,
    why: String,
    release: Option<ReleaseJson>,
}
