//! Where each deciding value is written (`Snapshot::written`,
//! `Release::written`): every combination of base and `env.E` values
//! (`enabled`, `rollout` or neither; `allow` or not), on a toggle's own
//! table and on a release's, in every view, in the shape the fast reader
//! takes and in one only the TOML parser does.

use toggles::{Field, Snapshot, Written};

/// A table's state slot: nothing, `enabled`, or `rollout`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    None,
    Enabled,
    Rollout,
}

/// What one layer (the base values, or `env.production`) sets.
#[derive(Clone, Copy, Debug)]
struct Layer {
    slot: Slot,
    allow: bool,
}

impl Layer {
    fn lines(self) -> Vec<(Field, &'static str)> {
        let mut lines = Vec::new();
        match self.slot {
            Slot::None => {}
            Slot::Enabled => lines.push((Field::Enabled, "true")),
            Slot::Rollout => lines.push((Field::Rollout, "12.5")),
        }
        if self.allow {
            lines.push((Field::Allow, "[\"ada\"]"));
        }
        lines
    }
}

fn layers() -> Vec<Layer> {
    let mut all = Vec::new();
    for slot in [Slot::None, Slot::Enabled, Slot::Rollout] {
        for allow in [false, true] {
            all.push(Layer { slot, allow });
        }
    }
    all
}

/// A value's place: whether in `env.production`, and its field.
type Placed = (bool, Field);

/// The file for one combination, and the line of each value written:
/// `(in production?, field) → line`. `nested`: production's values in a
/// `[SECTION.NAME.env.production]` table (only the TOML parser reads it),
/// else as dotted keys (the fast reader takes the file).
fn file(
    on_release: bool,
    base: Layer,
    production: Layer,
    nested: bool,
) -> (String, Vec<(Placed, usize)>) {
    let mut text = String::from("environments = [\"staging\", \"production\"]\n\n");
    let mut at = Vec::new();
    let mut push = |text: &mut String, line: String, key: Option<Placed>| {
        text.push_str(&line);
        text.push('\n');
        if let Some(key) = key {
            at.push((key, text.lines().count()));
        }
    };
    let header = if on_release {
        "[releases.r]"
    } else {
        // The release decides nothing itself: only where the toggle's own
        // table decides nothing does its line matter (`follows`).
        push(&mut text, "[releases.r]".into(), None);
        push(&mut text, String::new(), None);
        "[toggles.a]"
    };
    push(&mut text, header.into(), None);
    for (field, value) in base.lines() {
        push(
            &mut text,
            format!("{field} = {value}"),
            Some((false, field)),
        );
    }
    let env = production.lines();
    if !nested {
        for &(field, value) in &env {
            push(
                &mut text,
                format!("env.production.{field} = {value}"),
                Some((true, field)),
            );
        }
    }
    if on_release {
        push(&mut text, String::new(), None);
        push(&mut text, "[toggles.a]".into(), None);
    }
    push(&mut text, "release = \"r\"".into(), None);
    if nested && !env.is_empty() {
        let section = if on_release {
            "releases.r"
        } else {
            "toggles.a"
        };
        push(&mut text, String::new(), None);
        push(&mut text, format!("[{section}.env.production]"), None);
        for &(field, value) in &env {
            push(&mut text, format!("{field} = {value}"), Some((true, field)));
        }
    }
    (text, at)
}

/// The rule, written out apart from the library's: in production, an
/// `env.production.enabled` or `.rollout` replaces the base slot, and an
/// `env.production.allow` the base list; elsewhere the base values decide.
fn expected(base: Layer, production: Layer, in_production: bool, field: Field) -> Option<bool> {
    let has = |layer: Layer| match field {
        Field::Enabled => layer.slot == Slot::Enabled,
        Field::Rollout => layer.slot == Slot::Rollout,
        _ => layer.allow,
    };
    let env_takes = in_production
        && match field {
            Field::Allow => production.allow,
            _ => production.slot != Slot::None,
        };
    if env_takes {
        has(production).then_some(true)
    } else {
        has(base).then_some(false)
    }
}

fn shown(written: Option<Written<'_>>) -> Option<(String, usize)> {
    written.map(|w| (w.to_string(), w.line()))
}

#[test]
fn every_deciding_value_is_found_where_it_is_written_in_every_view() {
    let fields = [Field::Enabled, Field::Rollout, Field::Allow];
    let mut checked = 0;
    for on_release in [false, true] {
        for base in layers() {
            for production in layers() {
                for nested in [false, true] {
                    let (text, at) = file(on_release, base, production, nested);
                    let (base_view, views) = Snapshot::parse_all("toggles.toml", text.as_bytes())
                        .unwrap_or_else(|e| panic!("{text}\n{e}"));
                    for view in std::iter::once(&base_view).chain(&views) {
                        let in_production = view.environment() == Some("production");
                        let toggle = view.get("a").expect("defined");
                        // Whether the toggle's own table decides in this view.
                        let own_decides = !on_release
                            && fields
                                .iter()
                                .any(|&f| expected(base, production, in_production, f).is_some());
                        for field in fields {
                            let want =
                                expected(base, production, in_production, field).map(|in_env| {
                                    let line = at
                                        .iter()
                                        .find(|(key, _)| *key == (in_env, field))
                                        .expect("written")
                                        .1;
                                    let key = match in_env {
                                        true => format!("env.production.{field}"),
                                        false => field.to_string(),
                                    };
                                    (key, line)
                                });
                            let (own, release) = (
                                shown(view.written("a", field)),
                                shown(view.release("r").expect("defined").written(field)),
                            );
                            let context = format!(
                                "{field} in {:?}, {text}",
                                view.environment().unwrap_or("base")
                            );
                            if on_release {
                                assert_eq!(release, want, "release {context}");
                                assert_eq!(own, None, "toggle {context}");
                            } else {
                                assert_eq!(own, want, "toggle {context}");
                                assert_eq!(release, None, "release {context}");
                                assert_eq!(
                                    toggle.source() == toggles::Source::Own,
                                    own_decides,
                                    "{context}"
                                );
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(checked, 2 * 6 * 6 * 2 * 3 * 3);
}

#[test]
fn a_name_the_file_lacks_is_written_nowhere() {
    let snapshot = Snapshot::parse("toggles.toml", b"[toggles.a]\nenabled = true\n").unwrap();
    assert_eq!(
        shown(snapshot.written("a", Field::Enabled)),
        Some(("enabled".to_owned(), 2))
    );
    assert_eq!(snapshot.written("b", Field::Enabled), None);
}
