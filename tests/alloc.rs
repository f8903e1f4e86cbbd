//! Heap allocations on the hot path, counted by a global allocator (its own
//! test binary: a `#[global_allocator]` is per binary), and the memory a
//! 10 000-toggle snapshot holds.
//!
//! Counts are per thread, so tests running in parallel and background
//! threads do not disturb each other's counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::mpsc;
use std::thread;

use toggles::{Store, Toggle, toggle, toggle_as};

#[path = "common/clean_env.rs"]
mod clean_env;

#[path = "../benches/toggles/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use fixture::{CHECKED, KEY, OTHER, RELEASE_ROLLOUT, ROLLOUT, ROLLOUTS};

struct Counting;

thread_local! {
    /// Allocations (including reallocations) made by this thread.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    /// Bytes allocated minus bytes freed by this thread.
    static NET_BYTES: Cell<i64> = const { Cell::new(0) };
    /// Blocks allocated minus blocks freed by this thread.
    static NET_BLOCKS: Cell<i64> = const { Cell::new(0) };
    /// Like `NET_BYTES`, counting the chunk glibc's malloc takes for each
    /// block (header and rounding), as [`chunk`] estimates it.
    static NET_CHUNK_BYTES: Cell<i64> = const { Cell::new(0) };
}

/// The size of the chunk glibc's malloc uses for `size` bytes on 64-bit
/// Linux: 8 bytes of header, rounded up to 16, at least 32.
fn chunk(size: usize) -> i64 {
    ((size + 8 + 15) & !15).max(32) as i64
}

fn record(allocations: u64, blocks: i64, bytes: i64, chunk_bytes: i64) {
    // `try_with`: the allocator also runs while thread-locals are torn down.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + allocations));
    let _ = NET_BLOCKS.try_with(|c| c.set(c.get() + blocks));
    let _ = NET_BYTES.try_with(|c| c.set(c.get() + bytes));
    let _ = NET_CHUNK_BYTES.try_with(|c| c.set(c.get() + chunk_bytes));
}

// SAFETY: every call is forwarded to `System` unchanged; the bookkeeping
// only touches `const`-initialised thread-locals without destructors, which
// never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(1, 1, layout.size() as i64, chunk(layout.size()));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(1, 1, layout.size() as i64, chunk(layout.size()));
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(
            1,
            0,
            new_size as i64 - layout.size() as i64,
            chunk(new_size) - chunk(layout.size()),
        );
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        record(0, -1, -(layout.size() as i64), -chunk(layout.size()));
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

fn net_bytes() -> i64 {
    NET_BYTES.with(Cell::get)
}

fn net_blocks() -> i64 {
    NET_BLOCKS.with(Cell::get)
}

fn net_chunk_bytes() -> i64 {
    NET_CHUNK_BYTES.with(Cell::get)
}

/// A rollout whose allow list holds integers' texts, for integer keys.
const NUMERIC_ALLOW: &str = "
[toggles.numeric_allow]
rollout = 10
allow = [\"4711\", \"-42\"]
";

const TOGGLES: usize = 10_000;
const RELEASES: usize = 100;

/// A store of the 10 000-toggle fixture, also installed as the global
/// store. Not watched, so the file can go once it is loaded.
fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("toggles.toml");
        let text = fixture::file(TOGGLES, RELEASES, true) + ROLLOUTS + NUMERIC_ALLOW;
        std::fs::write(&path, text).unwrap();
        let store = Store::builder(&path)
            .watch(false)
            .append_unknown(false)
            .open()
            .unwrap();
        toggles::init_with(store.clone());
        store
    })
}

static CHECKED_TOGGLE: Toggle = Toggle::new(CHECKED);
static ROLLOUT_TOGGLE: Toggle = Toggle::new(ROLLOUT);
static NUMERIC_TOGGLE: Toggle = Toggle::new("numeric_allow");

/// Allocations made by 1 000 rounds of every kind of check of a known
/// name, key-less and keyed (a `&str` and a `String` key, and integer keys:
/// a `u64`, a negative `i64`, a `&u32`, the extremes; with an own rollout,
/// a release's and an allow list), after one round to warm caches (the
/// call-site cache, arc-swap's per-thread slots).
// Keys behind `&` are among the cases measured.
#[allow(clippy::needless_borrows_for_generic_args)]
fn allocations_per_1000_rounds() -> Vec<(&'static str, u64)> {
    let store = store();
    let snapshot = store.snapshot();
    let key = String::from(KEY);
    let id: u32 = 3_000_000_007;
    assert!(NUMERIC_TOGGLE.is_enabled_for(4711u64) && NUMERIC_TOGGLE.is_enabled_for(-42i64));
    let checks: [(&'static str, &dyn Fn() -> bool); 23] = [
        ("toggle!", &|| toggle!("new_checkout_flow")),
        ("static Toggle", &|| CHECKED_TOGGLE.is_enabled()),
        ("Store::is_enabled", &|| store.is_enabled(CHECKED)),
        ("Snapshot::is_enabled", &|| snapshot.is_enabled(CHECKED)),
        ("toggle! with a key, no rollout", &|| {
            toggle!("new_checkout_flow", KEY)
        }),
        ("toggle! with a &str key", &|| {
            toggle!("search_rollout", KEY)
        }),
        ("toggle! with a &String key", &|| {
            toggle!("search_rollout", &key)
        }),
        ("toggle! with an allowed key", &|| {
            toggle!("search_rollout", "staff-bob")
        }),
        ("toggle! with a key, release rollout", &|| {
            toggle!("checkout_rollout_member", KEY)
        }),
        ("static Toggle with a key", &|| {
            ROLLOUT_TOGGLE.is_enabled_for(&key)
        }),
        ("Store::is_enabled_for", &|| {
            store.is_enabled_for(ROLLOUT, &key)
        }),
        ("Snapshot::is_enabled_for", &|| {
            snapshot.is_enabled_for(RELEASE_ROLLOUT, KEY)
        }),
        ("Snapshot::evaluate", &|| {
            snapshot.evaluate(ROLLOUT, Some(KEY)).unwrap().enabled
        }),
        ("toggle! with a u64 key", &|| {
            toggle!("search_rollout", 4711u64)
        }),
        ("toggle! with a negative i64 key", &|| {
            toggle!("search_rollout", -4_711_000_000_042i64)
        }),
        ("toggle! with a &u32 key", &|| {
            toggle!("search_rollout", &id)
        }),
        ("toggle! with u64::MAX", &|| {
            toggle!("search_rollout", u64::MAX)
        }),
        ("toggle! with i128::MIN, release rollout", &|| {
            toggle!("checkout_rollout_member", i128::MIN)
        }),
        ("toggle! with an allowed u64 key", &|| {
            toggle!("numeric_allow", 4711u64)
        }),
        ("static Toggle with an allowed negative i64 key", &|| {
            NUMERIC_TOGGLE.is_enabled_for(-42i64)
        }),
        ("Store::is_enabled_for with an i64::MIN key", &|| {
            store.is_enabled_for(ROLLOUT, i64::MIN)
        }),
        ("Snapshot::is_enabled_for with a &u32 key", &|| {
            snapshot.is_enabled_for(RELEASE_ROLLOUT, &id)
        }),
        ("Snapshot::evaluate with a u64 key", &|| {
            snapshot.evaluate(ROLLOUT, Some(4711u64)).unwrap().enabled
        }),
    ];
    checks
        .into_iter()
        .map(|(what, check)| {
            let expected = check();
            let before = allocations();
            for _ in 0..1000 {
                assert_eq!(std::hint::black_box(check()), expected, "{what}");
            }
            (what, allocations() - before)
        })
        .collect()
}

fn assert_no_allocations(when: &str) {
    for (what, count) in allocations_per_1000_rounds() {
        assert_eq!(
            count, 0,
            "{what} allocated {count} times in 1000 checks {when}"
        );
    }
}

#[test]
fn a_check_of_a_known_name_never_allocates() {
    assert_no_allocations("with no override");
}

#[test]
fn a_check_never_allocates_while_another_thread_holds_an_override() {
    let _ = store();
    let (held_tx, held_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let holder = thread::spawn(move || {
        let _guard = toggle_as(OTHER, false);
        held_tx.send(()).unwrap();
        let _ = stop_rx.recv();
    });
    held_rx.recv().unwrap();
    assert_no_allocations("while another thread holds an override");
    drop(stop_tx);
    holder.join().unwrap();
}

#[test]
fn a_check_never_allocates_while_this_thread_holds_an_override_of_another_name() {
    let _ = store();
    let _guard = toggle_as(OTHER, false);
    assert_no_allocations("while this thread holds an override of another name");
}

#[test]
fn an_unknown_name_allocates_only_the_first_time() {
    let store = store();
    assert!(!store.is_enabled("not_in_the_file"));
    let before = allocations();
    for _ in 0..1000 {
        assert!(!store.is_enabled("not_in_the_file"));
    }
    assert_eq!(allocations() - before, 0);
}

/// What a 10 000-toggle snapshot holds on the heap, requested bytes (the
/// allocator adds its own few bytes per allocation).
#[test]
fn a_10k_toggle_snapshot_takes_under_2_mb() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("toggles.toml");
    let text = fixture::file(TOGGLES, RELEASES, true);
    std::fs::write(&path, &text).unwrap();
    let open = || {
        Store::builder(&path)
            .watch(false)
            .append_unknown(false)
            .open()
            .unwrap()
    };
    drop(open().snapshot()); // first-use allocations (arc-swap's slots, …)

    let (bytes_before, chunks_before, blocks_before, allocations_before) =
        (net_bytes(), net_chunk_bytes(), net_blocks(), allocations());
    let snapshot = open().snapshot(); // the store is dropped, its snapshot kept
    let bytes = net_bytes() - bytes_before;
    let chunk_bytes = net_chunk_bytes() - chunks_before;
    let blocks = net_blocks() - blocks_before;
    let allocations = allocations() - allocations_before;
    assert_eq!(snapshot.toggles().len(), TOGGLES);
    assert_eq!(snapshot.releases().len(), RELEASES);
    println!(
        "a snapshot of {TOGGLES} toggles and {RELEASES} releases ({} byte file) holds \
         {bytes} bytes in {blocks} blocks, {chunk_bytes} bytes with malloc's overhead \
         ({allocations} allocations made while loading)",
        text.len(),
    );
    assert!(
        chunk_bytes < 2_000_000,
        "a 10 000-toggle snapshot holds {chunk_bytes} bytes"
    );
}

/// A file with a schedule keeps its validated form beside the snapshot
/// (`docs::limitations` states the cost): bounded, and only for such files.
#[test]
fn a_schedule_keeps_the_validated_file_within_three_times_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("toggles.toml");
    let mut text = fixture::file(TOGGLES, RELEASES, true);
    text.push_str(
        "\n[toggles.scheduled]\nschedule = [{ at = 2100-01-01T00:00:00Z, enabled = true }]\n",
    );
    std::fs::write(&path, &text).unwrap();
    let open = || {
        Store::builder(&path)
            .watch(false)
            .append_unknown(false)
            .open()
            .unwrap()
    };
    drop(open().snapshot());
    let chunks_before = net_chunk_bytes();
    let snapshot = open().snapshot();
    let chunk_bytes = net_chunk_bytes() - chunks_before;
    assert!(snapshot.next_step().is_some());
    println!("with a schedule: {chunk_bytes} bytes with malloc's overhead");
    assert!(
        chunk_bytes < 6_000_000,
        "a 10 000-toggle snapshot with its plan holds {chunk_bytes} bytes"
    );
}
