//! `toggles show NAME`: one toggle, and why it has its state.

use std::path::Path;

use serde::Serialize;
use toggles::{Date, Reason, Release, Rollout, Snapshot, Source, ToggleInfo};
use toml_edit::Document;

use crate::fail::Fail;
use crate::list::{ReleaseJson, ToggleJson, percent_json};
use crate::output::{Colors, Style, age_days, did_you_mean, on_off};
use crate::rollout::{literal, release_summary, some_keys};
use crate::{EXIT_OK, Outcome, file};

pub fn run(path: &Path, name: &str, key: Option<&str>, json: bool, colors: Colors) -> Outcome {
    let (snapshot, bytes) = file::load_with_bytes(path)?;
    let toggle = snapshot
        .get(name)
        .ok_or_else(|| unknown_toggle(&snapshot, name))?;
    let text = std::str::from_utf8(&bytes).unwrap_or_default();
    let lines = KeyLines::new(text);
    let today = Date::today();
    // An empty key is no key, as in the library.
    let empty_key = key == Some("");
    let key = key.filter(|k| !k.is_empty());
    let told = Told::new(path, &snapshot, toggle, &lines, key);
    if json {
        let shown = Shown {
            toggle: ToggleJson::new(toggle, today),
            why: why(path, &snapshot, toggle, &lines),
            release: toggle
                .release()
                .and_then(|r| snapshot.release(r))
                .map(ReleaseJson::new),
            evaluation: told.json,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&shown).expect("serializable")
        );
        return Ok(EXIT_OK);
    }
    match key {
        Some(key) => println!(
            "{} for key {key}: {} — {}",
            colors.paint(Style::Bold, name),
            colors.state(told.json.enabled),
            told.why
        ),
        None => println!(
            "{}: {} — {}",
            colors.paint(Style::Bold, name),
            colors.state(toggle.is_enabled()),
            why(path, &snapshot, toggle, &lines)
        ),
    }
    if let Some(description) = toggle.description() {
        println!("  description  {description}");
    }
    if let Some(release) = toggle.release().and_then(|r| snapshot.release(r)) {
        println!(
            "  release      {release}, release {}",
            release_summary(release)
        );
    }
    keyed_lines(path, toggle, &lines, key.is_some(), empty_key);
    match (toggle.created(), age_days(toggle.created(), today)) {
        (Some(created), Some(days)) => println!("  created      {created}, {}", ago(days)),
        _ => println!("  created      unknown (no `created` field)"),
    }
    println!("  defined at   {}", file::at(path, toggle.line()));
    println!("  change it    {}", how_to_change(toggle));
    Ok(EXIT_OK)
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
fn keyed_lines(path: &Path, toggle: &ToggleInfo, lines: &KeyLines, keyed: bool, empty_key: bool) {
    let (section, table) = deciding_table(toggle);
    let of = match section {
        "releases" => format!(", release {table}'s"),
        _ => String::new(),
    };
    let at = |field: &str, fallback: usize| {
        file::at(path, lines.find(section, table, field).unwrap_or(fallback))
    };
    if let Some(rollout) = toggle.rollout() {
        println!(
            "  rollout      {rollout} of keys{of}, bucketed by {} ({})",
            toggle.bucketing(),
            at("rollout", toggle.line())
        );
    }
    let allowed = toggle.allow().len();
    if allowed > 0 {
        let keys = if allowed == 1 {
            "1 key".to_owned()
        } else {
            format!("{allowed} keys")
        };
        println!(
            "  allow        {} — {keys} always on{of} ({})",
            some_keys(toggle.allow()),
            at("allow", toggle.line())
        );
    }
    if toggle.rollout().is_some() || allowed > 0 {
        let why = match toggle.rollout() {
            Some(rollout) if rollout.is_full() => "a rollout of 100% is on without a key",
            Some(_) => "a rollout is on without a key only at 100%",
            None => "`allow` needs a key",
        };
        println!("  no key       {}: {why}", on_off(toggle.is_enabled()));
        if empty_key {
            println!(
                "  key          an empty key is no key: this is what a check without a key gets"
            );
        } else if !keyed {
            println!(
                "  a key        `toggles show {} --key KEY` says what one key gets",
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
    fn new(
        path: &Path,
        snapshot: &Snapshot,
        toggle: &ToggleInfo,
        lines: &KeyLines,
        key: Option<&str>,
    ) -> Told {
        let evaluation = toggle.evaluate(key);
        let (section, table) = deciding_table(toggle);
        let found = |field: &str| lines.find(section, table, field);
        let header = match section {
            "releases" => snapshot.release(table).map_or(toggle.line(), |r| r.line()),
            _ => toggle.line(),
        };
        let place = table_name(toggle);
        let (reason, bucket, line, why) = match evaluation.reason {
            Reason::Allowed => {
                let line = found("allow").unwrap_or(header);
                let why = format!(
                    "{} is in the `allow` list of {place} ({})",
                    key.unwrap_or_default(),
                    file::at(path, line)
                );
                ("allowed", None, line, why)
            }
            Reason::Bucket { bucket, rollout } => {
                let line = found("rollout").unwrap_or(header);
                let below = if evaluation.enabled {
                    "below"
                } else {
                    "not below"
                };
                let by = match section {
                    "releases" => format!(
                        "the rollout of release {table} (`rollout = {}`, {}), bucketed by the release",
                        literal(rollout),
                        file::at(path, line)
                    ),
                    _ => format!(
                        "the toggle's own rollout (`rollout = {}`, {})",
                        literal(rollout),
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
                let line = found("rollout").unwrap_or(header);
                let why = format!(
                    "a check without a key: the rollout of {place} (`rollout = {}`, {}) is on without a key only at 100%",
                    literal(rollout),
                    file::at(path, line)
                );
                ("no_key", None, line, why)
            }
            _ => {
                let line = found("enabled").unwrap_or(header);
                let why = match key {
                    Some(key) if toggle.allow().len() > 0 => format!(
                        "{key} is not in the `allow` list of {place}, so its {} decides ({})",
                        match found("enabled") {
                            Some(_) => format!("`enabled = {}`", toggle.is_enabled()),
                            None => "absent `enabled` (off)".to_owned(),
                        },
                        file::at(path, line)
                    ),
                    Some(_) => format!(
                        "the same for every key: {}",
                        why(path, snapshot, toggle, lines)
                    ),
                    None => why(path, snapshot, toggle, lines),
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
/// e.g. `from release checkout-v2 (toggles.toml:5)`.
fn why(path: &Path, snapshot: &Snapshot, toggle: &ToggleInfo, lines: &KeyLines) -> String {
    let own = file::at(path, lines.toggle(toggle, "enabled"));
    let release = toggle.release().and_then(|r| snapshot.release(r));
    let rollout = toggle.rollout().map(|rollout| {
        let line = match (toggle.source(), release) {
            (Source::Release, Some(release)) => lines.release(release, "rollout"),
            _ => lines.toggle(toggle, "rollout"),
        };
        format!("`rollout = {}`, {}", literal(rollout), file::at(path, line))
    });
    let only_allow =
        toggle.allow().len() > 0 && lines.find("toggles", toggle.name(), "enabled").is_none();
    let own_state = match (&rollout, only_allow) {
        (Some(rollout), _) => format!("rolled out on the toggle itself ({rollout})"),
        (None, true) => format!(
            "set on the toggle itself: only an `allow` list, off for every other key ({})",
            file::at(path, lines.toggle(toggle, "allow"))
        ),
        (None, false) => format!(
            "set on the toggle itself (`enabled = {}`, {own})",
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
                file::at(path, lines.release(release, "enabled"))
            ),
        },
        _ => format!("by default: no `enabled` and no release ({own})"),
    }
}

/// The lines of the `enabled`, `rollout` and `allow` keys, found in the
/// text through `toml_edit`'s spans: the library's `line()` is the first
/// line of a table, and a key may be anywhere in it (or a dotted key, or in
/// an inline table).
struct KeyLines<'t> {
    text: &'t str,
    /// `None` if `toml_edit` cannot read a text the library accepted: the
    /// tables' first lines are used then.
    document: Option<Document<&'t str>>,
}

impl<'t> KeyLines<'t> {
    fn new(text: &'t str) -> KeyLines<'t> {
        // `toml_edit` does not take a byte-order mark; it holds no newline,
        // so the lines are the same without it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        KeyLines {
            text,
            document: Document::parse(text).ok(),
        }
    }

    /// The toggle's `field` line, else its table's first line.
    fn toggle(&self, toggle: &ToggleInfo, field: &str) -> usize {
        self.find("toggles", toggle.name(), field)
            .unwrap_or_else(|| toggle.line())
    }

    /// The release's `field` line, else its table's first line.
    fn release(&self, release: &Release, field: &str) -> usize {
        self.find("releases", release.name(), field)
            .unwrap_or_else(|| release.line())
    }

    /// The 1-based line of `SECTION.NAME.FIELD`, however it is written.
    fn find(&self, section: &str, name: &str, field: &str) -> Option<usize> {
        let table = self
            .document
            .as_ref()?
            .as_item()
            .as_table_like()?
            .get(section)?
            .as_table_like()?
            .get(name)?
            .as_table_like()?;
        let (key, value) = table.get_key_value(field)?;
        let start = value.span().or_else(|| key.span())?.start;
        let before = self.text.as_bytes().get(..start)?;
        Some(before.iter().filter(|&&b| b == b'\n').count() + 1)
    }
}

fn how_to_change(toggle: &ToggleInfo) -> String {
    let name = toggle.name();
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
    /// What a check with `--key` (or without a key) gets, and why.
    evaluation: EvaluationJson,
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
