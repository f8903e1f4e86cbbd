//! The file as every environment sees it (`environments = ["staging",
//! "production"]`, and `env.NAME.{enabled,rollout,allow}` on a toggle or a
//! release): one [`Snapshot`] per column, the base values, then each
//! declared environment in promotion order, from one parse; at an instant
//! ([`When`]: `--at`, else now) for the reading commands.

use std::path::Path;

use toggles::{Snapshot, Timestamp};

use crate::fail::Fail;
use crate::file;
use crate::model::choice::When;

/// The file as each environment sees it: the base values, then every
/// declared environment in promotion order.
pub struct Views {
    pub base: Snapshot,
    pub environments: Vec<(String, Snapshot)>,
}

impl Views {
    /// Parses `bytes` once, into every view (`Snapshot::parse_all`).
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Views, toggles::Error> {
        Ok(Views::of(Snapshot::parse_all(path, bytes)?))
    }

    /// The views [`Snapshot::parse_all`] gives, named.
    fn of((base, environments): (Snapshot, Vec<Snapshot>)) -> Views {
        let environments = environments
            .into_iter()
            .map(|snapshot| {
                let name = snapshot.environment().unwrap_or_default().to_owned();
                (name, snapshot)
            })
            .collect();
        Views { base, environments }
    }

    /// Reads and validates the file (a missing or invalid file is an
    /// error) into every view, with its bytes.
    pub fn load(path: &Path) -> Result<(Views, Vec<u8>), Fail> {
        file::load(path, |bytes| Ok(Views::parse(path, bytes)?))
    }

    /// [`load`](Self::load), every view as it is at `when` (each
    /// schedule's step in force then): what the reading commands show.
    pub fn load_at(path: &Path, when: When) -> Result<(Views, Vec<u8>), Fail> {
        file::load(path, |bytes| {
            Ok(Views::of(when.views(Snapshot::parse_all(path, bytes)?)))
        })
    }

    /// Every view resolved at `at` (each schedule's step in force then;
    /// parsing resolved them at its own now).
    pub fn at(self, at: Timestamp) -> Views {
        let at = at.to_system_time();
        Views {
            base: self.base.at(at),
            environments: self
                .environments
                .into_iter()
                .map(|(name, snapshot)| (name, snapshot.at(at)))
                .collect(),
        }
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
