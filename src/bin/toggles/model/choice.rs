//! Which environment a command reads the file in: `--env NAME`, else (for
//! the reading commands) `TOGGLES_ENV`, as the library chooses; an empty
//! name means the base values. And at which instant ([`When`]): `--at
//! TIME`, else now, the step of each schedule in force then.

use std::path::Path;

use toggles::{Snapshot, Timestamp};

use crate::args::{EditEnv, ReadAt, ReadEnv};
use crate::fail::Fail;
use crate::file;
use crate::words::did_you_mean;

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
        file::load(path, |bytes| self.parse(path, bytes)).map(|(snapshot, _)| snapshot)
    }

    /// `bytes` as this choice reads them, from one parse. Only where that
    /// fails are the base values read too, to say which is wrong: the file
    /// (its own error), or the choice ([`check`](Self::check)'s).
    pub fn parse(&self, path: &Path, bytes: &[u8]) -> Result<Snapshot, Fail> {
        Snapshot::parse_in(path, bytes, self.name()).or_else(|error| {
            let base = Snapshot::parse(path, bytes)?;
            self.check(path, &base)?;
            Err(error.into())
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

impl ReadEnv {
    pub fn choice(&self) -> Choice {
        Choice::new(self.env.clone(), true)
    }
}

impl EditEnv {
    pub fn choice(self) -> Choice {
        Choice::new(self.env, false)
    }
}

/// The instant a reading command reads the file at: `--at TIME`, else now,
/// taken once per run, so that every view and every "in 2 days" of one
/// output agree. Every view a reading command shows goes through
/// [`view`](Self::view) (or [`views`](Self::views)): the library resolves
/// each schedule at this instant ([`Snapshot::at`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct When {
    at: Timestamp,
    given: bool,
}

impl When {
    /// `--at`'s instant, else the current second.
    pub fn new(at: Option<Timestamp>) -> When {
        match at {
            Some(at) => When { at, given: true },
            None => When {
                at: Timestamp::now(),
                given: false,
            },
        }
    }

    /// The instant.
    pub fn at(self) -> Timestamp {
        self.at
    }

    /// Whether it was given (`--at`), rather than now.
    pub fn is_given(self) -> bool {
        self.given
    }

    /// `snapshot` as it is at this instant: [`Snapshot::at`], unless it was
    /// resolved at this very second already, or its file has no schedules
    /// (then its answers are those of every instant, and it is kept as is).
    pub fn view(self, snapshot: Snapshot) -> Snapshot {
        match snapshot.resolved_at() {
            Some(at) if at != self.at => snapshot.at(self.at.to_system_time()),
            _ => snapshot,
        }
    }

    /// [`view`](Self::view) of each snapshot [`Snapshot::parse_all`] gives
    /// (the base values, then each environment), in one call:
    /// `when.views(Snapshot::parse_all(path, bytes)?)`.
    pub fn views(
        self,
        (base, environments): (Snapshot, Vec<Snapshot>),
    ) -> (Snapshot, Vec<Snapshot>) {
        (
            self.view(base),
            environments.into_iter().map(|s| self.view(s)).collect(),
        )
    }

    /// Seconds from this instant until `later` (negative if it is before).
    pub fn seconds_until(self, later: Timestamp) -> i64 {
        later.unix_seconds().saturating_sub(self.at.unix_seconds())
    }

    /// `2026-12-09T09:00:00Z (--at)`, or `now (2026-12-09T09:00:00Z)`.
    pub fn describe(self) -> String {
        if self.given {
            format!("{} (--at)", self.at)
        } else {
            format!("now ({})", self.at)
        }
    }

    /// `--at`, or null for now, for JSON.
    pub fn origin_json(self) -> Option<&'static str> {
        self.given.then_some("--at")
    }
}

impl ReadAt {
    /// The instant `--at` names, else now.
    pub fn when(&self) -> When {
        When::new(self.at)
    }
}
