//! Benchmarks of the hot path (a check), side by side with the floor and the
//! baselines a user would otherwise write, one and two threads, and reloads.
//!
//! `cargo bench` runs them all and ends with a summary table of medians and
//! ratios (see BENCHMARKS.md). `cargo bench -- check` runs one group.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Barrier, RwLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;
use criterion::{BenchmarkGroup, Criterion, measurement::WallTime};
use toggles::{Store, Toggle, toggle, toggle_as};

#[path = "../../tests/common/clean_env.rs"]
mod clean_env;
mod fixture;
mod latency;
mod summary;

use fixture::{CHECKED, KEY, KEY_U64, KEY_U64_TEXT, OTHER, RELEASE_ROLLOUT, ROLLOUT, ROLLOUTS};

/// Toggles in the file of the check and reload benchmarks.
const TOGGLES: usize = 10_000;
/// Releases in that file.
const RELEASES: usize = 100;

/// The floor: the cheapest check there can be.
static FLOOR: AtomicBool = AtomicBool::new(true);

/// A `Toggle` declared once, as the docs suggest.
static CHECKED_TOGGLE: Toggle = Toggle::new(CHECKED);

/// What every check benchmark reads: the same 10 000 toggles, in the store
/// and in the two baselines a user would otherwise write.
struct World {
    _dir: tempfile::TempDir,
    store: Store,
    /// The same toggles in a file that declares environments, read in
    /// `production` (which changes the checked toggles' values): a check
    /// must cost the same, as environments are applied at load.
    production: Store,
    rwlock: RwLock<HashMap<String, bool>>,
    arcswap: ArcSwap<HashMap<String, bool>>,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("toggles.toml");
        let text = fixture::file(TOGGLES, RELEASES, true) + ROLLOUTS;
        std::fs::write(&path, text).expect("write");
        // No watch and no appends: no background thread competes for the
        // two cores while checks are measured.
        let store = Store::builder(&path)
            .watch(false)
            .append_unknown(false)
            .open()
            .expect("the fixture is valid");
        toggles::init_with(store.clone());
        let with_environments = dir.path().join("environments.toml");
        let text = format!(
            "environments = [\"staging\", \"production\"]\n{}{ROLLOUTS}{}",
            fixture::file(TOGGLES, RELEASES, true),
            fixture::ENVIRONMENT_VALUES
        );
        std::fs::write(&with_environments, text).expect("write");
        let production = Store::builder(&with_environments)
            .environment("production")
            .watch(false)
            .append_unknown(false)
            .open()
            .expect("the fixture is valid");
        assert!(!production.is_enabled(CHECKED), "production overrides it");
        let map: HashMap<String, bool> = store
            .snapshot()
            .toggles()
            .map(|t| (t.name().to_owned(), t.is_enabled()))
            .collect();
        assert_eq!(map.len(), TOGGLES + 2);
        assert!(map[CHECKED] && FLOOR.load(Ordering::Relaxed));
        World {
            _dir: dir,
            store,
            production,
            rwlock: RwLock::new(map.clone()),
            arcswap: ArcSwap::from_pointee(map),
        }
    }
}

fn rwlock_check(map: &RwLock<HashMap<String, bool>>, name: &str) -> bool {
    map.read().unwrap().get(name).copied().unwrap_or(false)
}

fn arcswap_check(map: &ArcSwap<HashMap<String, bool>>, name: &str) -> bool {
    map.load().get(name).copied().unwrap_or(false)
}

/// Runs `f` while another thread holds a `toggle_as` override of [`OTHER`].
fn with_override_on_another_thread(f: impl FnOnce()) {
    let (held_tx, held_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let holder = thread::spawn(move || {
        let _guard = toggle_as(OTHER, true);
        held_tx.send(()).unwrap();
        let _ = stop_rx.recv();
    });
    held_rx.recv().unwrap();
    f();
    drop(stop_tx);
    holder.join().unwrap();
}

/// One thread: each check, the floor and the baselines, in one group so the
/// medians are taken minutes apart at most.
fn checks(c: &mut Criterion, world: &World) {
    let mut g = c.benchmark_group("check");
    g.bench_function("floor_atomic_bool", |b| {
        b.iter(|| FLOOR.load(Ordering::Relaxed))
    });
    g.bench_function("toggle_macro", |b| b.iter(|| toggle!("new_checkout_flow")));
    g.bench_function("static_toggle", |b| b.iter(|| CHECKED_TOGGLE.is_enabled()));
    let store = &world.store;
    g.bench_function("store_by_name", |b| {
        b.iter(|| store.is_enabled(black_box(CHECKED)))
    });
    let snapshot = store.snapshot();
    g.bench_function("snapshot_by_name", |b| {
        b.iter(|| snapshot.is_enabled(black_box(CHECKED)))
    });
    g.bench_function("baseline_rwlock_hashmap", |b| {
        b.iter(|| rwlock_check(&world.rwlock, black_box(CHECKED)))
    });
    g.bench_function("baseline_arcswap_hashmap", |b| {
        b.iter(|| arcswap_check(&world.arcswap, black_box(CHECKED)))
    });
    // Keyed checks (a 25-byte key): without a rollout (the call-site cache
    // answers), with an own rollout (lookup + hash), with a release's, and
    // an allow-listed key (lookup + binary search).
    g.bench_function("toggle_macro_keyed_plain", |b| {
        b.iter(|| toggle!("new_checkout_flow", black_box(KEY)))
    });
    g.bench_function("toggle_macro_keyed_rollout", |b| {
        b.iter(|| toggle!("search_rollout", black_box(KEY)))
    });
    g.bench_function("toggle_macro_keyed_release_rollout", |b| {
        b.iter(|| toggle!("checkout_rollout_member", black_box(KEY)))
    });
    g.bench_function("toggle_macro_keyed_allowed", |b| {
        b.iter(|| toggle!("search_rollout", black_box("staff-bob")))
    });
    g.bench_function("store_keyed_rollout", |b| {
        b.iter(|| store.is_enabled_for(black_box(ROLLOUT), black_box(KEY)))
    });
    g.bench_function("snapshot_keyed_release_rollout", |b| {
        b.iter(|| snapshot.is_enabled_for(black_box(RELEASE_ROLLOUT), black_box(KEY)))
    });
    // The rule alone, the toggle already found: the hash of the key and
    // the comparison (what a keyed check adds to a lookup).
    let info = snapshot.get(ROLLOUT).expect("in the fixture");
    g.bench_function("toggle_info_keyed_rollout", |b| {
        b.iter(|| info.is_enabled_for(black_box(KEY)))
    });
    // Integer keys (a 19-digit `u64`): beside the same key as a `&str`
    // (its text: the difference is writing the digits), and the
    // `to_string()` a caller needed before integers were keys.
    g.bench_function("toggle_macro_keyed_plain_u64", |b| {
        b.iter(|| toggle!("new_checkout_flow", black_box(KEY_U64)))
    });
    g.bench_function("toggle_macro_keyed_rollout_u64", |b| {
        b.iter(|| toggle!("search_rollout", black_box(KEY_U64)))
    });
    g.bench_function("toggle_macro_keyed_rollout_u64_text", |b| {
        b.iter(|| toggle!("search_rollout", black_box(KEY_U64_TEXT)))
    });
    g.bench_function("toggle_macro_keyed_rollout_u64_to_string", |b| {
        b.iter(|| toggle!("search_rollout", black_box(KEY_U64).to_string()))
    });
    g.bench_function("toggle_macro_keyed_release_rollout_u64", |b| {
        b.iter(|| toggle!("checkout_rollout_member", black_box(KEY_U64)))
    });
    g.bench_function("store_keyed_rollout_u64", |b| {
        b.iter(|| store.is_enabled_for(black_box(ROLLOUT), black_box(KEY_U64)))
    });
    g.bench_function("toggle_info_keyed_rollout_u64", |b| {
        b.iter(|| info.is_enabled_for(black_box(KEY_U64)))
    });
    g.bench_function("toggle_info_keyed_rollout_u64_text", |b| {
        b.iter(|| info.is_enabled_for(black_box(KEY_U64_TEXT)))
    });
    // The same checks in a store read in an environment.
    let production = &world.production;
    g.bench_function("store_by_name_in_environment", |b| {
        b.iter(|| production.is_enabled(black_box(CHECKED)))
    });
    g.bench_function("store_keyed_rollout_in_environment", |b| {
        b.iter(|| production.is_enabled_for(black_box(ROLLOUT), black_box(KEY)))
    });
    // An unknown name: off, and (appends being off here) nothing queued.
    g.bench_function("store_unknown_name", |b| {
        b.iter(|| store.is_enabled(black_box("not_in_the_file")))
    });

    with_override_on_another_thread(|| {
        g.bench_function("toggle_macro_override_other_thread", |b| {
            b.iter(|| toggle!("new_checkout_flow"))
        });
        g.bench_function("store_by_name_override_other_thread", |b| {
            b.iter(|| store.is_enabled(black_box(CHECKED)))
        });
    });
    {
        let _guard = toggle_as(OTHER, true);
        g.bench_function("toggle_macro_override_this_thread", |b| {
            b.iter(|| toggle!("new_checkout_flow"))
        });
        g.bench_function("store_by_name_override_this_thread", |b| {
            b.iter(|| store.is_enabled(black_box(CHECKED)))
        });
    }
    g.finish();
}

/// Each of `threads` threads runs `op` `iters` times, all starting together;
/// the slowest thread's time, so the result is time per check per thread.
fn run_threads<F: Fn() -> bool + Sync>(threads: usize, iters: u64, op: &F) -> Duration {
    let start = Barrier::new(threads);
    thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    // Warm this thread's caches (arc-swap's debt slot) first.
                    black_box(op());
                    start.wait();
                    let began = Instant::now();
                    for _ in 0..iters {
                        black_box(op());
                    }
                    began.elapsed()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker"))
            .max()
            .expect("one thread at least")
    })
}

fn bench_threads<F: Fn() -> bool + Sync>(g: &mut BenchmarkGroup<'_, WallTime>, name: &str, op: F) {
    for threads in [1, 2] {
        g.bench_function(format!("{name}_{threads}t"), |b| {
            b.iter_custom(|iters| run_threads(threads, iters, &op))
        });
    }
}

/// One thread against two threads checking at once: time per check per
/// thread (each thread does the full count).
fn threads(c: &mut Criterion, world: &World) {
    let mut g = c.benchmark_group("threads");
    bench_threads(&mut g, "floor_atomic_bool", || {
        FLOOR.load(Ordering::Relaxed)
    });
    bench_threads(&mut g, "toggle_macro", || toggle!("new_checkout_flow"));
    bench_threads(&mut g, "store_by_name", || {
        world.store.is_enabled(black_box(CHECKED))
    });
    bench_threads(&mut g, "baseline_rwlock_hashmap", || {
        rwlock_check(&world.rwlock, black_box(CHECKED))
    });
    bench_threads(&mut g, "baseline_arcswap_hashmap", || {
        arcswap_check(&world.arcswap, black_box(CHECKED))
    });
    // While a test override lives on a third thread, every check takes the
    // overrides' slow path (see BENCHMARKS.md).
    with_override_on_another_thread(|| {
        bench_threads(&mut g, "toggle_macro_override_other_thread", || {
            toggle!("new_checkout_flow")
        });
        bench_threads(&mut g, "store_by_name_override_other_thread", || {
            world.store.is_enabled(black_box(CHECKED))
        });
    });
    g.finish();
}

/// A reload of a 10 000-toggle file: read, hash, parse, validate, index,
/// swap, diff against the old snapshot, drop the old one. The file is
/// rewritten (untimed) before each reload with one toggle flipped.
fn reload(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("toggles.toml");
    let mut g = c.benchmark_group("reload");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    // The same reload of a file that declares environments (one toggle in
    // ten with an `env.production` value), read in `production`.
    let with_environments = dir.path().join("with-environments.toml");
    for (name, file, environment, path) in [
        (
            "reload_10k_toggles",
            fixture::file as fn(_, _, _) -> _,
            None,
            &path,
        ),
        (
            "reload_10k_toggles_with_environments",
            fixture::file_with_environments,
            Some("production"),
            &with_environments,
        ),
    ] {
        let versions = [
            file(TOGGLES, RELEASES, false),
            file(TOGGLES, RELEASES, true),
        ];
        std::fs::write(path, &versions[0]).expect("write");
        let mut builder = Store::builder(path).watch(false).append_unknown(false);
        if let Some(environment) = environment {
            builder = builder.environment(environment);
        }
        let store = builder.open().expect("the fixture is valid");
        let mut next = 1;
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    std::fs::write(path, &versions[next]).expect("write");
                    next ^= 1;
                    let began = Instant::now();
                    let reloaded = store.reload().expect("valid");
                    total += began.elapsed();
                    assert!(reloaded);
                }
                total
            })
        });
    }
    g.bench_function("open_10k_toggles", |b| {
        b.iter(|| {
            Store::builder(&path)
                .watch(false)
                .append_unknown(false)
                .open()
                .expect("valid")
        })
    });
    g.finish();
}

fn main() {
    let started = SystemTime::now();
    // `cargo bench` passes `--bench`; `cargo test --benches` and
    // `cargo bench -- --test` run each benchmark once, as a test.
    let args: Vec<String> = std::env::args().collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let benching = flag("--bench") && !flag("--test") && !flag("--list");
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(40)
        .configure_from_args();
    let world = World::new();
    checks(&mut c, &world);
    threads(&mut c, &world);
    reload(&mut c);
    c.final_summary();

    // Save-to-visible latency is not a criterion benchmark (each sample is a
    // real save and a real file event); a filter other than "latency" skips it.
    let filter = args.iter().skip(1).find(|a| !a.starts_with('-'));
    let latencies = match filter {
        Some(f) if !"latency".contains(f.as_str()) => Vec::new(),
        _ => {
            let saves = if benching { 200 } else { 2 };
            let steps = if benching { 20 } else { 2 };
            use latency::Style::{InPlace, Rename};
            vec![
                latency::measure(4, saves, Rename),
                latency::measure(2_000, saves, Rename),
                latency::measure(2_000, saves, InPlace),
                latency::measure(TOGGLES, saves, Rename),
                latency::measure_steps(2_000, steps),
            ]
        }
    };
    if benching {
        summary::print(started, &latencies);
    }
}
