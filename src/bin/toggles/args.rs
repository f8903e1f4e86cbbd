//! The command line's shared pieces: names and keys as clap reads them (a
//! refusal is exit 2; a percent is `toggles::Rollout`'s `FromStr`), `--env`
//! and `--force`.

use clap::Args;

/// `--env` on the reading commands (`list`, `show`, `check`).
#[derive(Args)]
pub struct ReadEnv {
    /// Read the file as this environment sees it [default: $TOGGLES_ENV, as the
    /// library; `--env ''`: the base values]
    #[arg(long = "env", value_name = "ENVIRONMENT", value_parser = parse_env)]
    pub env: Option<String>,
}

/// `--env` on the edit commands: never from `TOGGLES_ENV`.
#[derive(Args)]
pub struct EditEnv {
    /// Edit this environment's values (`env.ENVIRONMENT.…` of the table)
    /// instead of the base ones; never taken from $TOGGLES_ENV
    #[arg(long = "env", value_name = "ENVIRONMENT", value_parser = parse_env)]
    pub env: Option<String>,
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

/// A key for `allow`/`disallow`: any text but the empty one (the library
/// treats an empty key as no key, so it cannot be allowed).
pub fn key(value: &str) -> Result<String, String> {
    if value.is_empty() {
        Err(
            "an empty key cannot be allowed: a check with an empty key is a check without a key; \
             pass the user id, tenant… to allow"
                .to_owned(),
        )
    } else {
        Ok(value.to_owned())
    }
}

/// `--force`, taken by every edit command.
#[derive(Args)]
pub struct Force {
    /// Replace the file even if it is read-only (its mode has no write bit for
    /// its owner); it keeps its mode, and its owner where allowed
    #[arg(long)]
    pub force: bool,
}

/// Accepts a valid toggle or release name (clap turns a refusal into exit 2).
pub fn name(value: &str) -> Result<String, String> {
    if toggles::is_valid_name(value) {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "{value:?} is not a valid name: use 1 to {} ASCII letters, digits, `_` or `-`",
            toggles::MAX_NAME_LEN
        ))
    }
}

/// `--at` on the reading commands (`list`, `show`, `diff`): the file as it
/// is at another instant (a schedule's step in force then).
#[derive(Args)]
pub struct ReadAt {
    /// Show the file as it is at this instant, by each schedule's steps
    /// (RFC 3339 with `Z` or an offset: `2026-12-11T09:00Z`) [default: now]
    #[arg(long = "at", value_name = "TIME")]
    pub at: Option<toggles::Timestamp>,
}

/// `--at` on the edit commands: the instant of the step the edit adds.
#[derive(Args)]
pub struct StepAt {
    /// Add this as a step of the table's `schedule` at TIME (RFC 3339 with
    /// `Z` or an offset: `2026-12-09T09:00Z`) instead of changing its state now
    #[arg(long = "at", value_name = "TIME")]
    pub at: Option<toggles::Timestamp>,
}

/// `--today` on the commands that compare dates with today (`check`,
/// `list`, whose `--expired` and ages count from it, and `show`): for
/// reproducible CI runs and tests.
#[derive(Args)]
pub struct Today {
    /// Count expiry and ages from this date (YYYY-MM-DD) instead of today's
    /// local date
    #[arg(long = "today", value_name = "DATE")]
    pub today: Option<toggles::Date>,
}

impl Today {
    /// The date given, or today's local date.
    pub fn date(&self) -> toggles::Date {
        self.today.unwrap_or_else(crate::clock::local_today)
    }
}
