//! The general reader: any TOML, through the `toml` crate and serde, whose
//! errors say what is wrong and where.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::{
    Doc, HELP_DATE, HELP_SCHEMA, HELP_SYNTAX, ReleaseEntry, StateEntry, StepEntry, ToggleEntry,
    did_you_mean, invalid,
};
use crate::error::Error;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    bucketing: Option<Spanned<String>>,
    environments: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    toggles: BTreeMap<Spanned<String>, ToggleDoc>,
    #[serde(default)]
    releases: BTreeMap<Spanned<String>, ReleaseDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToggleDoc {
    enabled: Option<Spanned<bool>>,
    rollout: Option<Spanned<toml::Value>>,
    allow: Option<Spanned<Vec<Spanned<String>>>>,
    schedule: Option<Spanned<Vec<Spanned<StepDoc>>>>,
    env: Option<BTreeMap<Spanned<String>, EnvDoc>>,
    release: Option<Spanned<String>>,
    description: Option<String>,
    created: Option<Spanned<Datetime>>,
    owner: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    expires: Option<Spanned<Datetime>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseDoc {
    enabled: Option<Spanned<bool>>,
    rollout: Option<Spanned<toml::Value>>,
    allow: Option<Spanned<Vec<Spanned<String>>>>,
    schedule: Option<Spanned<Vec<Spanned<StepDoc>>>>,
    env: Option<BTreeMap<Spanned<String>, EnvDoc>>,
    description: Option<String>,
    owner: Option<Spanned<String>>,
    expires: Option<Spanned<Datetime>>,
}

/// `env.NAME`: the values a table has in environment NAME.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvDoc {
    enabled: Option<Spanned<bool>>,
    rollout: Option<Spanned<toml::Value>>,
    allow: Option<Spanned<Vec<Spanned<String>>>>,
    schedule: Option<Spanned<Vec<Spanned<StepDoc>>>>,
}

/// One step of a `schedule`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepDoc {
    at: Spanned<Datetime>,
    enabled: Option<Spanned<bool>>,
    rollout: Option<Spanned<toml::Value>>,
}

/// Reads the tables through serde, whose errors say what is wrong and where.
pub(super) fn read(path: &Path, text: &str) -> Result<Doc<'static>, Error> {
    let doc: FileDoc = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let (message, help) = explain(e.message(), text, span.clone());
        invalid(path, text, span, message, help)
    })?;
    let owned = |s: Spanned<String>| Spanned::new(s.span(), Cow::Owned(s.into_inner()));
    let allow = |keys: Option<Spanned<Vec<Spanned<String>>>>| {
        keys.map(|k| {
            let span = k.span();
            Spanned::new(span, k.into_inner().into_iter().map(owned).collect())
        })
    };
    let schedule = |steps: Option<Spanned<Vec<Spanned<StepDoc>>>>| {
        steps.map(|steps| {
            let span = steps.span();
            let steps = steps.into_inner().into_iter().map(|step| {
                let span = step.span();
                let StepDoc {
                    at,
                    enabled,
                    rollout,
                } = step.into_inner();
                Spanned::new(
                    span,
                    StepEntry {
                        at,
                        enabled,
                        rollout,
                    },
                )
            });
            Spanned::new(span, steps.collect())
        })
    };
    let by_environment = |envs: Option<BTreeMap<Spanned<String>, EnvDoc>>| {
        envs.into_iter()
            .flatten()
            .map(|(name, e)| {
                let state = StateEntry {
                    enabled: e.enabled,
                    rollout: e.rollout,
                    allow: allow(e.allow),
                    schedule: schedule(e.schedule),
                    env: Vec::new(),
                };
                (owned(name), state)
            })
            .collect()
    };
    let environments = doc.environments.map(|list| {
        let span = list.span();
        Spanned::new(span, list.into_inner().into_iter().map(owned).collect())
    });
    Ok(Doc {
        bucketing: doc.bucketing.map(owned),
        environments,
        toggles: doc
            .toggles
            .into_iter()
            .map(|(name, t)| {
                let entry = ToggleEntry {
                    state: StateEntry {
                        enabled: t.enabled,
                        rollout: t.rollout,
                        allow: allow(t.allow),
                        schedule: schedule(t.schedule),
                        env: by_environment(t.env),
                    },
                    release: t.release.map(owned),
                    description: t.description.map(Cow::Owned),
                    created: t.created,
                    owner: t.owner.map(owned),
                    kind: t.kind.map(owned),
                    expires: t.expires,
                };
                (owned(name), entry)
            })
            .collect(),
        releases: doc
            .releases
            .into_iter()
            .map(|(name, r)| ReleaseEntry {
                name: owned(name),
                state: StateEntry {
                    enabled: r.enabled,
                    rollout: r.rollout,
                    allow: allow(r.allow),
                    schedule: schedule(r.schedule),
                    env: by_environment(r.env),
                },
                description: r.description.map(Cow::Owned),
                owner: r.owner.map(owned),
                expires: r.expires,
            })
            .collect(),
    })
}

/// The message and help for one of serde's errors at `span` of `text`: an
/// unknown field names the field it is closest to, and a date written as a
/// string says to remove the quotes.
fn explain(message: &str, text: &str, span: std::ops::Range<usize>) -> (String, &'static str) {
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once('`')
    {
        // serde: "unknown field `x`, expected one of `a`, `b`" (or
        // "expected `a`", or "there are no fields").
        let fields = expected.split('`').skip(1).step_by(2);
        let message = match did_you_mean(field, fields).strip_prefix("; ") {
            Some(guess) => {
                let expected = expected.trim_start_matches([',', ' ']);
                format!("unknown field `{field}`: {guess} ({expected})")
            }
            None => message.to_owned(),
        };
        return (message, HELP_SCHEMA);
    }
    if message.starts_with("invalid type: string") && message.ends_with("expected a TOML datetime")
    {
        let at = text.get(span.clone()).unwrap_or_default();
        let unquoted = at.trim_matches(|c| c == '"' || c == '\'');
        // The key is what stands before `=` on the value's line.
        let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let key = text[line_start..span.start]
            .trim_end()
            .trim_end_matches('=')
            .trim();
        if unquoted.parse::<Datetime>().is_ok() && !key.is_empty() {
            return (
                format!("`{key}` is a string, not a date: remove the quotes: `{key} = {unquoted}`"),
                HELP_DATE,
            );
        }
        return (message.to_owned(), HELP_DATE);
    }
    let help = if message.starts_with("invalid type") || message.starts_with("missing field") {
        HELP_SCHEMA
    } else {
        HELP_SYNTAX
    };
    (message.to_owned(), help)
}
