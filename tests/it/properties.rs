//! Property tests: the loader never panics and always locates its errors;
//! a valid file answers as a model says, keyed or not, in every environment;
//! appends keep every byte and parse; invalid names are never written.

use proptest::prelude::*;
use toggles::{Error, Snapshot, Store};

use crate::support::Fixture;

fn slug() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,40}"
}

/// A name that is not a slug: empty, too long, or with a character outside
/// the slug alphabet (space, quote, newline, bracket, dot, non-ASCII, …).
fn invalid_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z]{256,300}",
        (
            "[a-z_]{0,10}",
            "[ \"'\n\r\t\\[\\]{}.=#é\u{0}\u{feff}\u{1F600}]",
            "[a-z_]{0,10}"
        )
            .prop_map(|(a, bad, b)| format!("{a}{bad}{b}")),
    ]
}

/// A valid file: releases, toggles with any mix of fields (`enabled`,
/// `rollout`, `allow`, `env.NAME.…`, `release`), `bucketing` and
/// `environments`, comments and odd spacing; one in four lays its toggles
/// out as an inline table (`toggles = { … }`), after which no
/// `[toggles.NAME]` table may follow, so an append would break the file
/// and must be refused.
fn valid_file() -> impl Strategy<Value = String> {
    prop_oneof![3 => file_model().prop_map(|file| file.render()), 1 => inline_file()]
}

/// A file whose toggles are one inline table: valid TOML that the library
/// reads, but cannot append to.
fn inline_file() -> impl Strategy<Value = String> {
    prop::collection::btree_map(slug(), any::<Option<bool>>(), 1..6).prop_map(|toggles| {
        let entries: Vec<String> = toggles
            .iter()
            .map(|(name, enabled)| match enabled {
                Some(on) => format!("{name} = {{ enabled = {on} }}"),
                None => format!("{name} = {{}}"),
            })
            .collect();
        format!("# inline\ntoggles = {{ {} }}\n", entries.join(", "))
    })
}

/// The environments a generated file may declare: a prefix of these.
const ENVIRONMENTS: [&str; 3] = ["staging", "production", "qa"];
/// What generated `allow` lists are made of.
const ALLOWED: [&str; 3] = ["ada", "bob", "carol"];
/// The keys every keyed answer is checked for: allowed ones, others, and
/// the empty key (which is no key).
const KEYS: [&str; 6] = ["ada", "bob", "carol", "user-1", "user-22", ""];

/// A table's `enabled`/`rollout` slot (one of them at most).
#[derive(Clone, Debug, PartialEq)]
enum Slot {
    Enabled(bool),
    /// In basis points, 0 to 10 000.
    Rollout(u16),
}

/// A table's fields in one place: its base values, or one environment's.
#[derive(Clone, Debug, Default)]
struct Fields {
    slot: Option<Slot>,
    allow: Option<Vec<&'static str>>,
}

/// A release's or a toggle's `enabled`, `rollout`, `allow` and `env`.
#[derive(Clone, Debug)]
struct Table {
    base: Fields,
    /// `env.ENVIRONMENTS[i].…`; only those the file declares are written.
    env: Vec<Option<Fields>>,
}

/// A generated file, as the model knows it.
#[derive(Clone, Debug)]
struct FileModel {
    bucketing: Option<&'static str>,
    /// How many of [`ENVIRONMENTS`] the file declares.
    environments: usize,
    /// Name, table, whether it has a description.
    releases: Vec<(String, Table, bool)>,
    /// Name, table, the release it follows (an index), whether it is dated.
    toggles: Vec<(String, Table, Option<usize>, bool)>,
    final_newline: bool,
}

fn rollout() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(0),
        Just(10_000),
        (0..=100u16).prop_map(|p| p * 100),
        0..=10_000u16
    ]
}

fn fields() -> impl Strategy<Value = Fields> {
    let slot = prop_oneof![
        2 => Just(None),
        2 => any::<bool>().prop_map(|on| Some(Slot::Enabled(on))),
        3 => rollout().prop_map(|bp| Some(Slot::Rollout(bp))),
    ];
    let allow = prop::option::weighted(0.4, prop::sample::subsequence(ALLOWED.to_vec(), 1..=3));
    (slot, allow).prop_map(|(slot, allow)| Fields { slot, allow })
}

fn table() -> impl Strategy<Value = Table> {
    (
        fields(),
        prop::collection::vec(prop::option::weighted(0.35, fields()), ENVIRONMENTS.len()),
    )
        .prop_map(|(base, env)| Table { base, env })
}

fn file_model() -> impl Strategy<Value = FileModel> {
    let bucketing = prop::sample::select(vec![None, Some("flagd-v2"), Some("flagd-v3")]);
    (
        bucketing,
        0..=ENVIRONMENTS.len(),
        prop::collection::btree_map(slug(), (table(), any::<bool>()), 0..4),
        prop::collection::btree_map(slug(), (table(), any::<u8>(), any::<bool>()), 0..8),
        any::<bool>(),
    )
        .prop_map(
            |(bucketing, environments, releases, toggles, final_newline)| {
                let releases: Vec<_> = releases
                    .into_iter()
                    .map(|(name, (table, described))| (name, table, described))
                    .collect();
                let toggles = toggles
                    .into_iter()
                    .map(|(name, (table, pick, dated))| {
                        let release = (!releases.is_empty() && pick % 2 == 0)
                            .then(|| pick as usize % releases.len());
                        (name, table, release, dated)
                    })
                    .collect();
                FileModel {
                    bucketing,
                    environments,
                    releases,
                    toggles,
                    final_newline,
                }
            },
        )
}

impl Fields {
    /// The lines of these fields, each key after `prefix` (`""` or
    /// `env.NAME.`).
    fn render(&self, prefix: &str, text: &mut String) {
        match self.slot {
            None => {}
            Some(Slot::Enabled(on)) => text.push_str(&format!("{prefix}enabled={on}\n")),
            Some(Slot::Rollout(bp)) if bp % 100 == 0 => {
                text.push_str(&format!("{prefix}rollout = {}\n", bp / 100))
            }
            Some(Slot::Rollout(bp)) => {
                text.push_str(&format!("{prefix}rollout = {}.{:02}\n", bp / 100, bp % 100))
            }
        }
        if let Some(keys) = &self.allow {
            let keys: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
            text.push_str(&format!("{prefix}allow = [{}]\n", keys.join(", ")));
        }
    }
}

impl Table {
    fn render(&self, environments: usize, text: &mut String) {
        self.base.render("  ", text);
        for (name, fields) in ENVIRONMENTS.iter().zip(&self.env).take(environments) {
            if let Some(fields) = fields {
                fields.render(&format!("env.{name}."), text);
            }
        }
    }

    /// The model: the fields in effect in `environment` (an index into
    /// [`ENVIRONMENTS`]; `None`: the base values). An environment's slot
    /// replaces the base slot, its `allow` list the base list: never merged.
    fn in_environment(&self, environment: Option<usize>) -> Fields {
        let over = environment.and_then(|e| self.env[e].as_ref());
        Fields {
            slot: over
                .and_then(|o| o.slot.clone())
                .or_else(|| self.base.slot.clone()),
            allow: over
                .and_then(|o| o.allow.clone())
                .or_else(|| self.base.allow.clone()),
        }
    }
}

impl FileModel {
    fn render(&self) -> String {
        let mut text = String::from("# a user's file\n");
        if let Some(bucketing) = self.bucketing {
            text.push_str(&format!("bucketing = \"{bucketing}\"\n"));
        }
        if self.environments > 0 {
            let names: Vec<String> = ENVIRONMENTS[..self.environments]
                .iter()
                .map(|e| format!("\"{e}\""))
                .collect();
            text.push_str(&format!("environments = [{}]\n", names.join(", ")));
        }
        for (name, table, described) in &self.releases {
            text.push_str(&format!("\n[releases.{name}]   # release\n"));
            table.render(self.environments, &mut text);
            if *described {
                text.push_str("description = \"a \\\"quoted\\\" text\"\n");
            }
        }
        for (name, table, release, dated) in &self.toggles {
            text.push_str(&format!("\n[toggles.{name}]\n"));
            if let Some(release) = release {
                text.push_str(&format!("release = \"{}\"\n", self.releases[*release].0));
            }
            table.render(self.environments, &mut text);
            if *dated {
                text.push_str("created = 2026-11-24\n");
            }
        }
        if !self.final_newline {
            text.push_str("# no final newline");
        }
        text
    }

    /// The model: whether toggle `t` is on in `environment` for `key`
    /// (`None` or empty: no key). The toggle's own fields decide if they
    /// say anything, else its release's; a key in the deciding `allow` is
    /// on; else `enabled`, or the key's bucket under `rollout` (hashed with
    /// the toggle's name, or the release's when the release decides).
    fn answer(&self, t: usize, environment: Option<usize>, key: Option<&str>) -> bool {
        let (name, table, release, _) = &self.toggles[t];
        let own = table.in_environment(environment);
        let (fields, by_release) = match release {
            Some(r) if own.slot.is_none() && own.allow.is_none() => (
                self.releases[*r].1.in_environment(environment),
                Some(&self.releases[*r].0),
            ),
            _ => (own, None),
        };
        let keyless = match fields.slot {
            Some(Slot::Enabled(on)) => on,
            Some(Slot::Rollout(bp)) => bp == 10_000,
            None => false,
        };
        let Some(key) = key.filter(|k| !k.is_empty()) else {
            return keyless;
        };
        if fields
            .allow
            .as_ref()
            .is_some_and(|keys| keys.contains(&key))
        {
            return true;
        }
        match fields.slot {
            Some(Slot::Rollout(bp)) => {
                let v2 = self.bucketing == Some("flagd-v2");
                let hash = match by_release {
                    Some(release) => model_release_hash(v2, release, key),
                    None => model_toggle_hash(v2, name, key),
                };
                // A key's bucket among 10 000, as flagd takes it.
                ((u64::from(hash) * 10_000) >> 32) < u64::from(bp)
            }
            _ => keyless,
        }
    }
}

/// MurmurHash3 x86 32-bit, seed 0: the model's own, written from the
/// algorithm's description.
fn murmur3(bytes: &[u8]) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mix = |k: u32| k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    let mut h = 0u32;
    let blocks = bytes.chunks_exact(4);
    let tail = blocks.remainder();
    for block in blocks {
        h ^= mix(u32::from_le_bytes(block.try_into().unwrap()));
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    if !tail.is_empty() {
        let k = tail
            .iter()
            .enumerate()
            .fold(0u32, |k, (i, &b)| k | u32::from(b) << (8 * i));
        h ^= mix(k);
    }
    h ^= bytes.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// The head of a CBOR item of `major` type and length `len` (short ones).
fn cbor_head(major: u8, len: usize, out: &mut Vec<u8>) {
    match len {
        0..24 => out.push(major << 5 | len as u8),
        24..256 => out.extend([major << 5 | 24, len as u8]),
        _ => out.extend([major << 5 | 25, (len >> 8) as u8, len as u8]),
    }
}

/// The hash of a toggle's own rollout for `key`: v2 the text `T + K`, v3
/// the canonical CBOR of the array `[T, K]`.
fn model_toggle_hash(v2: bool, toggle: &str, key: &str) -> u32 {
    if v2 {
        return murmur3(format!("{toggle}{key}").as_bytes());
    }
    let mut cbor = Vec::new();
    cbor_head(4, 2, &mut cbor);
    for text in [toggle, key] {
        cbor_head(3, text.len(), &mut cbor);
        cbor.extend_from_slice(text.as_bytes());
    }
    murmur3(&cbor)
}

/// The hash of a release's rollout for `key`: the text `R + K` (v3: as a
/// CBOR text string).
fn model_release_hash(v2: bool, release: &str, key: &str) -> u32 {
    let text = format!("{release}{key}");
    if v2 {
        return murmur3(text.as_bytes());
    }
    let mut cbor = Vec::new();
    cbor_head(3, text.len(), &mut cbor);
    cbor.extend_from_slice(text.as_bytes());
    murmur3(&cbor)
}

#[test]
fn the_models_hash_is_murmur3() {
    assert_eq!(murmur3(b""), 0);
    assert_eq!(murmur3(b"hello"), 0x248b_fa47);
    assert_eq!(
        murmur3(b"The quick brown fox jumps over the lazy dog"),
        0x2e4f_f723
    );
}

/// Lines that are almost a toggles file: right and wrong keys, types and
/// tables, unterminated strings, junk.
fn near_valid_file() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("[toggles.a]".to_owned()),
        Just("[releases.r]".to_owned()),
        Just("[toggles.\"b c\"]".to_owned()),
        Just("[toggles]".to_owned()),
        Just("[[toggles.x]]".to_owned()),
        Just("[toggles.a.env.staging]".to_owned()),
        Just("[other]".to_owned()),
        Just("".to_owned()),
        Just("# comment".to_owned()),
        (
            prop::sample::select(vec![
                "enabled",
                "release",
                "description",
                "created",
                "enabeld",
                "toggles.z.enabled",
                "\"q\"",
                "rollout",
                "allow",
                "bucketing",
                "environments",
                "env.staging.enabled",
                "env.staging.allow",
                "env.prod.rollout",
                "env.staging",
            ]),
            prop::sample::select(vec![
                "true",
                "false",
                "\"r\"",
                "\"nope\"",
                "2026-11-24",
                "12:00:00",
                "2026-11-24T10:00:00Z",
                "3",
                "[1, 2]",
                "{ a = 1 }",
                "\"unterminated",
                "'''",
                "tru",
                "",
                "50",
                "12.5",
                "12.345",
                "101",
                "-1",
                "[\"ada\"]",
                "[\"ada\", \"ada\"]",
                "[\"\"]",
                "[]",
                "\"flagd-v2\"",
                "\"flagd-v1\"",
                "[\"staging\", \"prod\"]",
            ])
        )
            .prop_map(|(k, v)| format!("{k} = {v}")),
        "[ -~]{0,20}",
    ];
    prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n"))
}

fn assert_located(text: &[u8], error: &Error) {
    let (line, column) = error
        .location()
        .unwrap_or_else(|| panic!("no location: {error}"));
    let lines = text.split(|&b| b == b'\n').count();
    assert!(
        line >= 1 && line <= lines.max(1),
        "line {line} of {lines}: {error}"
    );
    assert!(column >= 1, "{error}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_load_or_fail_with_a_location(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Err(error) = Snapshot::parse("toggles.toml", &bytes) {
            assert_located(&bytes, &error);
        }
    }

    #[test]
    fn near_valid_files_load_or_fail_with_a_location(text in near_valid_file()) {
        match Snapshot::parse("toggles.toml", text.as_bytes()) {
            Ok(snapshot) => {
                for toggle in snapshot.toggles() {
                    prop_assert!(toggles::is_valid_name(toggle.name()));
                }
            }
            Err(error) => assert_located(text.as_bytes(), &error),
        }
    }

    #[test]
    fn a_mutated_valid_file_loads_or_fails_with_a_location(text in valid_file(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = text.into_bytes();
        if !bytes.is_empty() {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if let Err(error) = Snapshot::parse("toggles.toml", &bytes) {
            assert_located(&bytes, &error);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn appending_a_valid_name_keeps_every_byte_and_parses(text in valid_file(), name in slug()) {
        Snapshot::parse("toggles.toml", text.as_bytes()).expect("the generator makes valid files");
        let fixture = Fixture::new(Some(&text));
        let store = Store::builder(&fixture.path).watch(false).open().unwrap();
        let existed = store.snapshot().get(&name).map(|t| t.is_enabled());
        prop_assert_eq!(store.is_enabled(&name), existed.unwrap_or(false));
        store.flush();
        let after = std::fs::read(&fixture.path).unwrap();
        prop_assert!(after.starts_with(text.as_bytes()), "the user's bytes are a prefix");
        let snapshot = Snapshot::parse("toggles.toml", &after).expect("still parses");
        prop_assert!(!snapshot.is_enabled(&name) || existed == Some(true));
        if existed.is_some() {
            prop_assert_eq!(after.len(), text.len(), "a known name appends nothing");
        } else if text.contains("toggles = {") {
            // No table can follow an inline one: the append is refused.
            prop_assert_eq!(&after, text.as_bytes(), "refused, not a byte written");
        } else {
            prop_assert!(snapshot.contains(&name));
        }
    }

    #[test]
    fn an_invalid_name_is_never_written(text in valid_file(), name in invalid_name()) {
        let fixture = Fixture::new(Some(&text));
        let store = Store::builder(&fixture.path).watch(false).open().unwrap();
        prop_assert!(!store.is_enabled(&name));
        store.flush();
        prop_assert_eq!(std::fs::read_to_string(&fixture.path).unwrap(), text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Every toggle of a generated file answers as the model says, with
    /// and without a key, in the base values and in every declared
    /// environment.
    #[test]
    fn a_valid_file_answers_as_the_model_in_every_environment(file in file_model()) {
        let text = file.render();
        let environments = std::iter::once(None).chain((0..file.environments).map(Some));
        for environment in environments {
            let name = environment.map(|e| ENVIRONMENTS[e]);
            let snapshot = Snapshot::parse_in("toggles.toml", text.as_bytes(), name)
                .unwrap_or_else(|e| panic!("the generator makes valid files: {e}\n{text}"));
            prop_assert_eq!(snapshot.toggles().len(), file.toggles.len());
            for (t, (toggle, ..)) in file.toggles.iter().enumerate() {
                let info = snapshot.get(toggle).unwrap();
                prop_assert_eq!(
                    info.is_enabled(),
                    file.answer(t, environment, None),
                    "{} without a key in {:?}\n{}", toggle, name, text
                );
                for key in KEYS {
                    prop_assert_eq!(
                        info.is_enabled_for(key),
                        file.answer(t, environment, Some(key)),
                        "{} for {:?} in {:?}\n{}", toggle, key, name, text
                    );
                }
            }
        }
    }
}
