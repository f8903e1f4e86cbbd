//! # Scheduled rollouts: one reviewed plan of dated steps
//!
//! A staged rollout without a schedule is one pull request per step:
//! 1 % → 10 % → 50 % → 100 % is four reviews days apart, each waiting for
//! someone to remember. A `schedule` states the whole plan in one pull
//! request — reviewers see every date — and every process moves to the next
//! step by itself at that instant: no file write, no deploy, no server.
//!
//! ```toml
//! [toggles.new_search]
//! rollout = 1                       # until the first step
//! allow = ["staff-ada"]             # for every step: `allow` does not vary
//! schedule = [
//!   { at = 2026-12-07T09:00:00Z, rollout = 10 },
//!   { at = 2026-12-09T09:00:00Z, rollout = 50 },
//!   { at = 2026-12-11T09:00:00Z, enabled = true },
//! ]
//! ```
//!
//! ## The rules
//!
//! - `schedule` goes on a toggle or a release (and in `env.E`, below): a
//!   list of steps, each with `at` and exactly one of `enabled` or
//!   `rollout`. Nothing else is allowed in a step.
//! - `at` is a TOML **offset date-time**: `Z` or an offset
//!   (`2026-12-09T10:00:00+01:00` is the same instant as `09:00:00Z`). A
//!   local date-time (`2026-12-09T09:00:00`) or a bare date is an error:
//!   servers in different time zones would read different instants. The
//!   seconds may be left out (`09:00Z`, TOML 1.1).
//! - **Whole seconds.** A fraction of a second is an error (`.000` is
//!   allowed): flagd's evaluators compare `$flagd.timestamp`, the evaluation
//!   time in whole seconds, so a step at a whole second is taken at the same
//!   instant in every language. Refusing fractions is the one rule that is
//!   identical everywhere; rounding would make a reviewer guess.
//! - Steps **strictly increase** in time; a duplicate or an earlier `at` is
//!   an error, with the line, the column and the steps it compares.
//! - At an instant *t*, the **latest step with `at <= t`** gives the
//!   table's state. Before the first step, the table's own `enabled` or
//!   `rollout` applies (none: off). A table that has only a `schedule` is
//!   its own state — off until its first step — and does not follow its
//!   release meanwhile.
//! - A release's schedule moves the toggles that follow it, together, with
//!   the same bucketing: "N of M enabled" moves with it.
//! - A file without `schedule` means exactly what it meant before.
//!
//! ## Environments: one state slot
//!
//! `enabled`, `rollout` and `schedule` are **one slot**. In environment E:
//!
//! | `env.E` sets | E's state |
//! |---|---|
//! | nothing, or only `allow` | the base slot, schedule and all |
//! | `enabled` or `rollout` | that value, at every instant: no schedule in E |
//! | `schedule` (with `enabled` or `rollout` as its start, or none: off) | E's own plan |
//!
//! `env.E.allow` replaces the base `allow` in every step, as it does
//! without a schedule. The test `every_combination_of_base_and_environment_slots`
//! (`tests/it/schedule.rs`) holds every cell of this table.
//!
//! ```toml
//! environments = ["staging", "production"]
//!
//! [toggles.new_search]
//! rollout = 1
//! schedule = [{ at = 2026-12-09T09:00:00Z, rollout = 50 }]
//! env.staging.enabled = true                    # staging: on now, no plan
//! env.production.rollout = 0                    # production: its own plan, from 0 %
//! env.production.schedule = [{ at = 2026-12-14T09:00:00Z, rollout = 5 }]
//! ```
//!
//! ## In a process
//!
//! Checks cost what they cost without a schedule: the state at the current
//! instant is resolved into the published snapshot, and `toggle!` reads it
//! as it reads any other (a scheduled toggle's keyed check takes the same
//! path as a rollout's). The store's worker wakes at the next step's
//! instant and publishes the next state like a reload: subscribers get it
//! as [`Changes`](crate::Changes), and the log line says it was scheduled:
//!
//! ```text
//! toggles.toml: scheduled (step at 2026-12-09T09:00:00Z): new_search rollout 10%→50%
//! ```
//!
//! A process started after a step applies it at once (it resolves the file
//! at the instant it loads it). A hot reload resolves the new file at the
//! instant it is read. The step-to-visible latency is measured by the
//! benchmarks (`cargo bench`, "step-to-visible"; target p99 under 50 ms).
//!
//! A store opened with [`Builder::watch`](crate::Builder::watch)`(false)`
//! has no worker: it takes a step when [`Store::reload`](crate::Store::reload)
//! is called, which then returns `Ok(true)` for the same bytes at a later
//! instant.
//!
//! ## Clocks
//!
//! A step is an **instant**, read from each process's wall clock: a server
//! whose clock is off by S seconds moves S seconds early or late, in every
//! language alike. Keep clocks synchronised (NTP) as for logs and
//! certificates. The wall clock can jump — NTP stepping it, a suspended VM
//! waking up — so the worker reads it again at least every 5 s while a
//! file has schedules (and at every poll): a step is never missed, and a
//! clock moved back is followed back (the earlier state returns until the
//! step's instant comes again).
//!
//! ## Looking at another instant
//!
//! [`Snapshot::at`](crate::Snapshot::at) gives the same version of the file
//! as it is at another instant — what the CLI's `--at` shows, and how a test
//! checks a plan without waiting for it. [`ToggleInfo::schedule`](crate::ToggleInfo::schedule),
//! [`step`](crate::ToggleInfo::step) and [`next_step`](crate::ToggleInfo::next_step)
//! give the plan of the table that decides (the toggle's own, or its
//! release's), the step in force and the next one;
//! [`Snapshot::next_step`](crate::Snapshot::next_step) gives the next
//! instant anything in the view moves.
//!
//! ```rust
//! # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
//! use toggles::{Snapshot, Timestamp};
//! let text = "[toggles.new_search]\nrollout = 1\nschedule = [\n  \
//!             { at = 2026-12-07T09:00:00Z, rollout = 10 },\n  \
//!             { at = 2026-12-11T09:00:00Z, enabled = true },\n]\n";
//! let snapshot = Snapshot::parse("toggles.toml", text.as_bytes())?;
//! let friday: Timestamp = "2026-12-11T09:00:00Z".parse().unwrap();
//! assert!(snapshot.at(friday.to_system_time()).is_enabled("new_search"));
//! let thursday = snapshot.at("2026-12-10T12:00+02:00".parse::<Timestamp>().unwrap().to_system_time());
//! let toggle = thursday.get("new_search").unwrap();
//! assert_eq!(toggle.rollout().unwrap().to_string(), "10%");
//! assert_eq!(toggle.next_step().unwrap().at(), friday);
//! # Ok::<(), toggles::Error>(())
//! ```
//!
//! ## Stopping a plan
//!
//! Edit the file: remove the remaining steps (or the whole `schedule`), or
//! move them. Hot reload applies the edit at once; a step that has not come
//! yet is never taken. From the command line:
//!
//! ```text
//! toggles rollout new_search 50 --at 2026-12-09T09:00Z   # add a step (or replace the one at that instant)
//! toggles on new_search --at 2026-12-11T09:00Z --env production
//! toggles unschedule new_search --at 2026-12-11T09:00Z   # take one step out
//! toggles unschedule new_search --all                    # stop the plan: the table's own value stays
//! toggles off new_search                                 # without --at: the whole slot, plan and all, is replaced
//! ```
//!
//! An edit without `--at` replaces the whole slot — value and schedule — so
//! it never does nothing while a step is in force. A first step in
//! `env.E`, where E followed the base value, copies that value as E's start,
//! so nothing changes before the step. See [`docs::cli`](super::cli).
//!
//! ## Other languages
//!
//! `toggles export --format flagd` writes each schedule as a chain of
//! `$flagd.timestamp` comparisons, so a Go, JavaScript or Python service
//! on flagd moves at the same instant as the Rust ones; the cross-check
//! proves it against the real evaluators at fixed instants (see
//! [`docs::operations`](super::operations)).
//!
//! ## `toggles check`
//!
//! Besides the errors above, `check` warns about a plan whose steps are all
//! past (fold it: the last step becomes the table's `enabled` or `rollout`,
//! and `schedule` goes) and about a step that lowers a rollout (allowed —
//! it is how a rollout is paused back — but keys that had it lose it).
