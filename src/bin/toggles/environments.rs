//! Environments (`environments = ["staging", "production"]`, and
//! `env.NAME.{enabled,rollout,allow}` on a toggle or a release): which one a
//! command reads the file in, the file as every environment sees it, and for
//! a toggle in one environment its state and the line that decides it.
//!
//! Shared by `list --envs`, `show`, `check` and the edit commands (and meant
//! for any command that compares environments):
//!
//! - [`Choice`]: `--env NAME`, else (for the reading commands) `TOGGLES_ENV`,
//!   as the library chooses; an empty name means the base values.
//! - [`Views`]: one [`Snapshot`] per column: the base values, then each
//!   declared environment in promotion order.
//! - [`KeyLines`]: where a key is written (`toml_edit` spans), with the
//!   library's rule for an environment: `env.E.enabled`/`env.E.rollout`
//!   replace the base slot, `env.E.allow` the base list.
//! - [`decide`]: a toggle's key-less state in one environment, and the key
//!   and line that decide it (`release checkout-v2: env.staging.enabled
//!   (toggles.toml:6)`).

use std::path::Path;
use std::rc::Rc;

use clap::Args;
use serde::Serialize;
use toggles::{Release, Rollout, Snapshot, Source, ToggleInfo};
use toml_edit::{Document, Item, TableLike};

use crate::fail::Fail;
use crate::file;
use crate::list::percent_json;
use crate::output::{did_you_mean, on_off};

/// `--env` on the reading commands (`list`, `show`, `check`).
#[derive(Args)]
pub struct ReadEnv {
    /// Read the file as this environment sees it [default: $TOGGLES_ENV, as the
    /// library; `--env ''`: the base values]
    #[arg(long = "env", value_name = "ENVIRONMENT", value_parser = parse_env)]
    pub env: Option<String>,
}

impl ReadEnv {
    pub fn choice(&self) -> Choice {
        Choice::new(self.env.clone(), true)
    }
}

/// `--env` on the edit commands: never from `TOGGLES_ENV`.
#[derive(Args)]
pub struct EditEnv {
    /// Edit this environment's values (`env.ENVIRONMENT.…` of the table)
    /// instead of the base ones; never taken from $TOGGLES_ENV
    #[arg(long = "env", value_name = "ENVIRONMENT", value_parser = parse_env)]
    pub env: Option<String>,
}

impl EditEnv {
    pub fn choice(self) -> Choice {
        Choice::new(self.env, false)
    }
}

/// The label of the base values' column and line.
pub const BASE: &str = "(base)";

/// Where the environment a command reads the file in came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Origin {
    /// `--env NAME`.
    Flag,
    /// `$TOGGLES_ENV`.
    Var,
    /// Neither: the base values.
    Neither,
}

/// The environment a command reads (and edits) the file in.
#[derive(Clone, Debug)]
pub struct Choice {
    name: Option<String>,
    origin: Origin,
}

impl Choice {
    /// `--env` if given (an empty one: the base values); else, if
    /// `read_var`, a non-empty `TOGGLES_ENV`, as the library reads it.
    pub fn new(flag: Option<String>, read_var: bool) -> Choice {
        if let Some(flag) = flag {
            return Choice {
                name: (!flag.is_empty()).then_some(flag),
                origin: Origin::Flag,
            };
        }
        let var = read_var
            .then(|| std::env::var(toggles::ENVIRONMENT_ENV).ok())
            .flatten()
            .filter(|v| !v.trim().is_empty());
        match var {
            Some(name) => Choice {
                name: Some(name),
                origin: Origin::Var,
            },
            None => Choice {
                name: None,
                origin: Origin::Neither,
            },
        }
    }

    /// The base values, whatever `TOGGLES_ENV` says.
    pub fn base() -> Choice {
        Choice {
            name: None,
            origin: Origin::Neither,
        }
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// `production (--env)`, `production (TOGGLES_ENV)`, or `base values`
    /// with why.
    pub fn describe(&self) -> String {
        match (&self.name, self.origin) {
            (Some(name), Origin::Flag) => format!("{name} (--env)"),
            (Some(name), _) => format!("{name} (from {})", toggles::ENVIRONMENT_ENV),
            (None, Origin::Flag) => "base values (--env '')".to_owned(),
            (None, _) => format!("base values (no --env, no {})", toggles::ENVIRONMENT_ENV),
        }
    }

    /// `--env` or `TOGGLES_ENV`, for JSON (`null` for neither).
    pub fn origin_json(&self) -> Option<&'static str> {
        match self.origin {
            Origin::Flag => Some("--env"),
            Origin::Var => Some(toggles::ENVIRONMENT_ENV),
            Origin::Neither => None,
        }
    }

    /// The file at `path` as this choice reads it: its base values, or the
    /// chosen environment's (refused, as [`check`](Self::check) says, where
    /// the file does not declare it).
    pub fn load(&self, path: &Path) -> Result<Snapshot, Fail> {
        let (base, bytes) = file::load_with_bytes(path)?;
        self.check(path, &base)?;
        Ok(match self.name() {
            Some(environment) => Snapshot::parse_in(path, &bytes, Some(environment))?,
            None => base,
        })
    }

    /// Refuses an environment the file does not declare, saying which it
    /// does (the closest first) and what to do.
    pub fn check(&self, path: &Path, snapshot: &Snapshot) -> Result<(), Fail> {
        let Some(name) = self.name() else {
            return Ok(());
        };
        let declared: Vec<&str> = snapshot.environments().collect();
        if declared.contains(&name) {
            return Ok(());
        }
        let (from, way_out) = match self.origin {
            Origin::Var => (
                format!(" (from {})", toggles::ENVIRONMENT_ENV),
                format!(
                    "; an application with {}={name} would refuse the file too. \
                     --env NAME overrides the variable (--env '' reads the base values)",
                    toggles::ENVIRONMENT_ENV
                ),
            ),
            _ => (" (--env)".to_owned(), String::new()),
        };
        let leave_out = match self.origin {
            Origin::Var => format!("unset {}", toggles::ENVIRONMENT_ENV),
            _ => "leave out --env".to_owned(),
        };
        let message = format!(
            "environment `{name}`{from} is not declared in {}",
            path.display()
        );
        let help = if declared.is_empty() {
            format!(
                "the file declares no environments: add `environments = [\"{name}\"]` at its \
                 top (before any table), or {leave_out}{way_out}"
            )
        } else {
            let close = did_you_mean(name, declared.iter().copied())
                .map_or(String::new(), |c| format!("did you mean `{c}`? "));
            format!(
                "{close}The file declares {} (in promotion order); add `{name}` to its \
                 `environments` list to give it values{way_out}",
                declared.join(", ")
            )
        };
        Err(Fail::error(message).help(help))
    }
}

/// `--env`'s value: empty (the base values) or a valid environment name.
pub fn parse_env(value: &str) -> Result<String, String> {
    if value.is_empty() || toggles::is_valid_name(value) {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "{value:?} is not a valid environment name: use ASCII letters, digits, `_` or `-` \
             (an empty one means the base values)"
        ))
    }
}

/// The file as each environment sees it: the base values, then every
/// declared environment in promotion order.
pub struct Views {
    pub base: Snapshot,
    pub environments: Vec<(String, Snapshot)>,
}

impl Views {
    /// Parses `bytes` once, into every view (`Snapshot::parse_all`).
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Views, toggles::Error> {
        let (base, environments) = Snapshot::parse_all(path, bytes)?;
        let environments = environments
            .into_iter()
            .map(|snapshot| {
                let name = snapshot.environment().unwrap_or_default().to_owned();
                (name, snapshot)
            })
            .collect();
        Ok(Views { base, environments })
    }

    /// Reads and validates the file (a missing or invalid file is an
    /// error) into every view, with its bytes.
    pub fn load(path: &Path) -> Result<(Views, Vec<u8>), Fail> {
        file::complete_interrupted_append(path);
        let (bytes, _) = file::read(path).map_err(|e| e.fail(path))?;
        Ok((Views::parse(path, &bytes)?, bytes))
    }

    /// The view `environment` reads (`None`: the base values), if the file
    /// declares it.
    pub fn get(&self, environment: Option<&str>) -> Option<&Snapshot> {
        self.columns()
            .find(|(name, _)| *name == environment)
            .map(|(_, snapshot)| snapshot)
    }

    /// Each column: `None` for the base values, then the environments.
    pub fn columns(&self) -> impl Iterator<Item = (Option<&str>, &Snapshot)> {
        std::iter::once((None, &self.base)).chain(
            self.environments
                .iter()
                .map(|(name, snapshot)| (Some(name.as_str()), snapshot)),
        )
    }

    /// Whether the file declares environments.
    pub fn any(&self) -> bool {
        !self.environments.is_empty()
    }
}

/// `(base)` or the environment's name: no environment name has parentheses.
pub fn label(environment: Option<&str>) -> &str {
    environment.unwrap_or(BASE)
}

/// What decides a toggle's (or a release's) key-less state in one
/// environment, and where.
#[derive(Clone, Debug)]
pub struct Decision {
    /// `None`: the base values.
    pub environment: Option<String>,
    pub enabled: bool,
    pub rollout: Option<Rollout>,
    pub allowed: usize,
    pub source: Source,
    /// The release whose table decides, if one does.
    pub release: Option<String>,
    /// The key that decides, as written: `env.production.enabled`,
    /// `rollout`, `allow`; `None` when no key does (off by default, or a
    /// release without `enabled`).
    pub field: Option<String>,
    /// Its line, else the deciding table's first line.
    pub line: usize,
}

impl Decision {
    /// The key-less state in a few characters: `ON`, `OFF`, `10%`, and
    /// ` +2` when an `allow` list holds keys that a check without a key
    /// does not get (so not after `ON`).
    pub fn cell(&self) -> String {
        cell(self.enabled, self.rollout, self.allowed)
    }

    /// `env.production.enabled (toggles.toml:9)`, `release checkout-v2:
    /// env.staging.enabled (toggles.toml:6)`, `default: no `enabled` and no
    /// release (toggles.toml:12)`.
    pub fn place(&self, path: &Path) -> String {
        let at = file::at(path, self.line);
        let field = |none: &str| {
            self.field
                .as_deref()
                .map_or_else(|| none.to_owned(), str::to_owned)
        };
        match (self.source, &self.release) {
            (Source::Release, Some(release)) => {
                format!("release {release}: {} ({at})", field("no `enabled`, off"))
            }
            (Source::Default, _) => format!("default: no `enabled` and no release ({at})"),
            _ => format!("{} ({at})", field("its table")),
        }
    }

    /// How far the toggle is on, for comparing environments: the share of
    /// keys in basis points (ON 10000, OFF 0, a rollout its share; an
    /// `allow` list is not counted).
    pub fn level(&self) -> u16 {
        match self.rollout {
            Some(rollout) => rollout.basis_points(),
            None if self.enabled => 10_000,
            None => 0,
        }
    }

    pub fn json(&self) -> DecisionJson {
        DecisionJson {
            environment: self.environment.clone(),
            enabled: self.enabled,
            rollout: percent_json(self.rollout),
            allowed: self.allowed,
            source: self.source.to_string(),
            release: self.release.clone(),
            field: self.field.clone(),
            line: self.line,
        }
    }
}

/// A [`Decision`] in `--json` output.
#[derive(Serialize)]
pub struct DecisionJson {
    /// `null` for the base values.
    environment: Option<String>,
    /// The state of a check without a key.
    enabled: bool,
    /// The deciding table's rollout in percent, or null.
    rollout: Option<serde_json::Number>,
    /// How many keys the deciding table's `allow` list holds.
    allowed: usize,
    /// `own`, `release` or `default`.
    source: String,
    release: Option<String>,
    /// The deciding key as written (`env.production.enabled`), or null.
    field: Option<String>,
    line: usize,
}

/// See [`Decision::cell`].
pub fn cell(enabled: bool, rollout: Option<Rollout>, allowed: usize) -> String {
    let state = match rollout {
        Some(rollout) => rollout.to_string(),
        None => on_off(enabled).to_owned(),
    };
    if allowed > 0 && !(enabled && rollout.is_none()) {
        format!("{state} +{allowed}")
    } else {
        state
    }
}

/// What decides `toggle` (as `snapshot`, read in `environment`, has it).
pub fn decide(
    toggle: &ToggleInfo,
    snapshot: &Snapshot,
    lines: &KeyLines<'_>,
    environment: Option<&str>,
) -> Decision {
    let release = match toggle.source() {
        Source::Release => toggle.release().and_then(|r| snapshot.release(r)),
        _ => None,
    };
    let (field, line) = match (toggle.source(), release) {
        (Source::Release, Some(release)) => {
            deciding_key(lines, "releases", release.name(), environment)
                .map_or((None, release.line()), |(f, l)| (Some(f), l))
        }
        (Source::Own, _) => deciding_key(lines, "toggles", toggle.name(), environment)
            .map_or((None, toggle.line()), |(f, l)| (Some(f), l)),
        _ => (None, toggle.line()),
    };
    Decision {
        environment: environment.map(str::to_owned),
        enabled: toggle.is_enabled(),
        rollout: toggle.rollout(),
        allowed: toggle.allow().len(),
        source: toggle.source(),
        release: release.map(|r| r.name().to_owned()),
        field,
        line,
    }
}

/// What decides `release` (read in `environment`).
pub fn decide_release(
    release: &Release,
    lines: &KeyLines<'_>,
    environment: Option<&str>,
) -> Decision {
    let (field, line) = deciding_key(lines, "releases", release.name(), environment)
        .map_or((None, release.line()), |(f, l)| (Some(f), l));
    Decision {
        environment: environment.map(str::to_owned),
        enabled: release.is_enabled(),
        rollout: release.rollout(),
        allowed: release.allow().len(),
        source: Source::Own,
        release: None,
        field,
        line,
    }
}

/// The key of a table that decides a check without a key: its (effective)
/// `rollout`, else `enabled`, else `allow` (alone, it means off).
fn deciding_key(
    lines: &KeyLines<'_>,
    section: &str,
    name: &str,
    environment: Option<&str>,
) -> Option<(String, usize)> {
    ["rollout", "enabled", "allow"]
        .into_iter()
        .find_map(|field| lines.locate(section, name, field, environment))
}

/// The lines of keys, found in the text through `toml_edit`'s spans: the
/// library's `line()` is the first line of a table, and a key may be
/// anywhere in it (or a dotted key, or in an inline table).
pub struct KeyLines<'t> {
    /// The text read once, shared by the [`KeyLines`] of every environment.
    parsed: Rc<Parsed<'t>>,
    /// The environment [`find`](Self::find) looks in.
    environment: Option<String>,
}

struct Parsed<'t> {
    /// `None` if `toml_edit` cannot read a text the library accepted: the
    /// tables' first lines are used then.
    document: Option<Document<&'t str>>,
    /// The byte offset where each line starts.
    line_starts: Vec<usize>,
    /// The text's length in bytes.
    len: usize,
}

impl<'t> KeyLines<'t> {
    /// `find` then reads the file as `environment` does.
    pub fn new(text: &'t str, environment: Option<&str>) -> KeyLines<'t> {
        // `toml_edit` does not take a byte-order mark; it holds no newline,
        // so the lines are the same without it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        let parsed = Parsed {
            document: Document::parse(text).ok(),
            line_starts,
            len: text.len(),
        };
        KeyLines {
            parsed: Rc::new(parsed),
            environment: environment.map(str::to_owned),
        }
    }

    /// The same text, read as `environment` does: parsed once for all.
    pub fn in_environment(&self, environment: Option<&str>) -> KeyLines<'t> {
        KeyLines {
            parsed: Rc::clone(&self.parsed),
            environment: environment.map(str::to_owned),
        }
    }

    /// The toggle's effective `field` line, else its table's first line.
    pub fn toggle(&self, toggle: &ToggleInfo, field: &str) -> usize {
        self.find("toggles", toggle.name(), field)
            .unwrap_or_else(|| toggle.line())
    }

    /// The release's effective `field` line, else its table's first line.
    pub fn release(&self, release: &Release, field: &str) -> usize {
        self.find("releases", release.name(), field)
            .unwrap_or_else(|| release.line())
    }

    /// The 1-based line of the key that gives `SECTION.NAME` its `field`
    /// in this environment, however it is written.
    pub fn find(&self, section: &str, name: &str, field: &str) -> Option<usize> {
        self.locate(section, name, field, self.environment.as_deref())
            .map(|(_, line)| line)
    }

    /// How the key that gives `SECTION.NAME` its `field` in this
    /// environment is written: `env.production.rollout`, else `field`.
    pub fn written(&self, section: &str, name: &str, field: &str) -> String {
        self.locate(section, name, field, self.environment.as_deref())
            .map_or_else(|| field.to_owned(), |(written, _)| written)
    }

    /// The key that gives `SECTION.NAME` its `field` in `environment`, as
    /// written (`env.production.enabled`, `enabled`) and its line, by the
    /// library's rule: an `env.E.enabled` or `env.E.rollout` replaces both
    /// base keys (one slot), an `env.E.allow` the base `allow`.
    pub fn locate(
        &self,
        section: &str,
        name: &str,
        field: &str,
        environment: Option<&str>,
    ) -> Option<(String, usize)> {
        let table = self.table(section, name)?;
        if let Some(environment) = environment
            && let Some(values) = env_table(table, environment)
        {
            if let Some(line) = self.line_of(values, field) {
                return Some((format!("env.{environment}.{field}"), line));
            }
            let slot = ["enabled", "rollout"];
            if slot.contains(&field) && slot.iter().any(|f| values.contains_key(f)) {
                return None;
            }
        }
        self.line_of(table, field)
            .map(|line| (field.to_owned(), line))
    }

    /// The 1-based line of `SECTION.NAME.env.ENVIRONMENT.FIELD` as written.
    pub fn env_line(
        &self,
        section: &str,
        name: &str,
        environment: &str,
        field: &str,
    ) -> Option<usize> {
        self.line_of(env_table(self.table(section, name)?, environment)?, field)
    }

    /// The document, if `toml_edit` reads it.
    pub fn document(&self) -> Option<&Document<&'t str>> {
        self.parsed.document.as_ref()
    }

    fn table(&self, section: &str, name: &str) -> Option<&dyn TableLike> {
        self.parsed
            .document
            .as_ref()?
            .as_item()
            .as_table_like()?
            .get(section)?
            .as_table_like()?
            .get(name)?
            .as_table_like()
    }

    fn line_of(&self, table: &dyn TableLike, field: &str) -> Option<usize> {
        let (key, value) = table.get_key_value(field)?;
        self.line_at(value.span().or_else(|| key.span())?.start)
    }

    /// The 1-based line of a byte offset (in `O(log lines)`: a file may
    /// have a key per environment per toggle).
    pub fn line_at(&self, offset: usize) -> Option<usize> {
        let starts = &self.parsed.line_starts;
        (offset <= self.parsed.len).then(|| starts.partition_point(|&start| start <= offset))
    }
}

/// A table's `env.ENVIRONMENT` values, however they are written.
pub fn env_table<'a>(table: &'a dyn TableLike, environment: &str) -> Option<&'a dyn TableLike> {
    table
        .get("env")
        .and_then(Item::as_table_like)?
        .get(environment)
        .and_then(Item::as_table_like)
}
