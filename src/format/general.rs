//! The general reader: any TOML, through the `toml` crate and serde, whose
//! errors say what is wrong and where.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::{Doc, HELP_SCHEMA, HELP_SYNTAX, ReleaseEntry, StateEntry, ToggleEntry, invalid};
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
    enabled: Option<bool>,
    rollout: Option<Spanned<toml::Value>>,
    allow: Option<Vec<Spanned<String>>>,
    env: Option<BTreeMap<Spanned<String>, EnvDoc>>,
    release: Option<Spanned<String>>,
    description: Option<String>,
    created: Option<Spanned<Datetime>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseDoc {
    enabled: Option<bool>,
    rollout: Option<Spanned<toml::Value>>,
    allow: Option<Vec<Spanned<String>>>,
    env: Option<BTreeMap<Spanned<String>, EnvDoc>>,
    description: Option<String>,
}

/// `env.NAME`: the values a table has in environment NAME.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvDoc {
    enabled: Option<bool>,
    rollout: Option<Spanned<toml::Value>>,
    allow: Option<Vec<Spanned<String>>>,
}

/// Reads the tables through serde, whose errors say what is wrong and where.
pub(super) fn read(path: &Path, text: &str) -> Result<Doc<'static>, Error> {
    let doc: FileDoc = toml::from_str(text).map_err(|e| {
        let help = if e.message().starts_with("unknown field")
            || e.message().starts_with("invalid type")
            || e.message().starts_with("missing field")
        {
            HELP_SCHEMA
        } else {
            HELP_SYNTAX
        };
        let span = e.span().unwrap_or(0..0);
        invalid(path, text, span, e.message().to_owned(), help)
    })?;
    let owned = |s: Spanned<String>| Spanned::new(s.span(), Cow::Owned(s.into_inner()));
    let allow =
        |keys: Option<Vec<Spanned<String>>>| keys.map(|k| k.into_iter().map(owned).collect());
    let by_environment = |envs: Option<BTreeMap<Spanned<String>, EnvDoc>>| {
        envs.into_iter()
            .flatten()
            .map(|(name, e)| {
                let state = StateEntry {
                    enabled: e.enabled,
                    rollout: e.rollout,
                    allow: allow(e.allow),
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
                        env: by_environment(t.env),
                    },
                    release: t.release.map(owned),
                    description: t.description.map(Cow::Owned),
                    created: t.created,
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
                    env: by_environment(r.env),
                },
                description: r.description.map(Cow::Owned),
            })
            .collect(),
    })
}
