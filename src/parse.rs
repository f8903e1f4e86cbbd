//! Parsing a file's bytes into a [`Snapshot`] without a [`Store`](crate::Store).
//!
//! For tools that check or edit a toggles file, such as the `toggles`
//! command-line tool, which validates an edited text before it replaces the
//! file. In a module of its own so that it stays apart from the store.

use std::path::Path;

use crate::error::Error;
use crate::format;
use crate::snapshot::Snapshot;

impl Snapshot {
    /// Parses and validates the bytes of a toggles file, without a
    /// [`Store`](crate::Store): no file is read, watched or written.
    ///
    /// The rules and errors are exactly those of a store's load; `path` is
    /// only used in error messages. The snapshot's
    /// [`generation`](Self::generation) is 0, as no store loaded it.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use toggles::Snapshot;
    /// let text = "[releases.r]\nenabled = true\n\n[toggles.a]\nrelease = \"r\"\n";
    /// let snapshot = Snapshot::parse("toggles.toml", text.as_bytes())?;
    /// assert!(snapshot.get("a").unwrap().is_enabled());
    ///
    /// let error = Snapshot::parse("toggles.toml", b"[toggles.a]\nenabeld = true\n").unwrap_err();
    /// assert_eq!(error.location(), Some((2, 1)));
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn parse(path: impl AsRef<Path>, bytes: &[u8]) -> Result<Snapshot, Error> {
        Snapshot::parse_in(path, bytes, None)
    }

    /// Like [`parse`](Self::parse), as environment `environment` sees the
    /// file (`None`: the base values): its `env.ENVIRONMENT` values replace
    /// the base ones. An environment the file does not declare in
    /// `environments` is an error, as for a store.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use toggles::Snapshot;
    /// let text = "environments = [\"staging\", \"production\"]\n\n\
    ///             [toggles.a]\nenabled = false\nenv.staging.enabled = true\n";
    /// let staging = Snapshot::parse_in("toggles.toml", text.as_bytes(), Some("staging"))?;
    /// assert!(staging.is_enabled("a"));
    /// let production = Snapshot::parse_in("toggles.toml", text.as_bytes(), Some("production"))?;
    /// assert!(!production.is_enabled("a"));
    /// assert!(Snapshot::parse_in("toggles.toml", text.as_bytes(), Some("prod")).is_err());
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn parse_in(
        path: impl AsRef<Path>,
        bytes: &[u8],
        environment: Option<&str>,
    ) -> Result<Snapshot, Error> {
        format::parse_in(path.as_ref(), bytes, environment)
            .map(|definitions| Snapshot::new(0, definitions))
    }

    /// The file as every view sees it, from one parse: its base values,
    /// then each environment it declares, in promotion order (each
    /// snapshot's [`environment`](Self::environment) says which). Each is
    /// the snapshot [`parse_in`](Self::parse_in) gives for it, for the cost
    /// of one parse and one snapshot per view: for tools that show or
    /// check every environment, such as `toggles show` (a file declares at
    /// most [`MAX_ENVIRONMENTS`](crate::MAX_ENVIRONMENTS)).
    ///
    /// ```
    /// use toggles::Snapshot;
    /// let text = "environments = [\"staging\", \"production\"]\n\n\
    ///             [toggles.a]\nenabled = false\nenv.staging.enabled = true\n";
    /// let (base, environments) = Snapshot::parse_all("toggles.toml", text.as_bytes())?;
    /// assert!(!base.is_enabled("a"));
    /// let states: Vec<_> = environments
    ///     .iter()
    ///     .map(|view| (view.environment(), view.is_enabled("a")))
    ///     .collect();
    /// assert_eq!(states, [(Some("staging"), true), (Some("production"), false)]);
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn parse_all(
        path: impl AsRef<Path>,
        bytes: &[u8],
    ) -> Result<(Snapshot, Vec<Snapshot>), Error> {
        let (base, environments) = format::parse_all(path.as_ref(), bytes)?;
        let environments = environments
            .into_iter()
            .map(|definitions| Snapshot::new(0, definitions))
            .collect();
        Ok((Snapshot::new(0, base), environments))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definitions::{Source, ToggleInfo};

    #[test]
    fn validates_like_a_load_and_names_the_given_path() {
        let text = b"[toggles.a]\nenabled = true\n[toggles.b]\n";
        let snapshot = Snapshot::parse("t.toml", text).unwrap();
        assert_eq!(snapshot.generation(), 0);
        let names: Vec<_> = snapshot.toggles().map(ToggleInfo::name).collect();
        assert_eq!(names, ["a", "b"]);
        let a = snapshot.get("a").map(|t| (t.source(), t.line()));
        assert_eq!(a, Some((Source::Own, 1)));

        let text = b"[toggles.a]\nrelease = \"nope\"\n";
        let error = Snapshot::parse("some/t.toml", text).unwrap_err();
        assert_eq!(error.path(), Some(Path::new("some/t.toml")));
        assert_eq!(error.location(), Some((2, 11)));

        assert_eq!(Snapshot::parse("t.toml", b"").unwrap().toggles().len(), 0);
    }
}
