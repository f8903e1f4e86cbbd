//! # Gradual rollouts, allow lists and bucketing
//!
//! Ship a risky change to staff first, then to 1 % of users, then 10 %, then
//! everyone — each step a reviewed one-line commit (or all of them in one
//! reviewed plan of dated steps: see [Schedules](crate::docs::schedules)):
//!
//! ```toml
//! [toggles.new_search]
//! description = "Search ranked by the new model"
//! rollout = 10                         # percent of keys: 0 to 100, two decimals at most
//! allow = ["staff-ada", "staff-bob"]   # keys that always get it
//!
//! [releases.checkout-v2]
//! rollout = 25                         # the members get it together, for the same 25 %
//!
//! [toggles.new_cart]
//! release = "checkout-v2"
//! ```
//!
//! Check it with a **key** — a user id, an account, a tenant:
//!
//! ```rust
//! # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
//! # toggles::init("toggles.toml").unwrap();
//! # struct User { id: String }
//! # let user = User { id: String::from("user-42") };
//! if toggles::toggle!("new_search", &user.id) {
//!     // the new search, for this user
//! }
//! ```
//!
//! `Toggle::is_enabled_for(key)`, `Store::is_enabled_for(name, key)` and
//! `Snapshot::is_enabled_for(name, key)` do the same; any [`Key`](crate::Key)
//! works without allocating: `&str`, `&String`, or an integer (`user.id` as
//! a `u64`, `&i64`…), which is the same key as its decimal text (`42` is
//! `"42"`). `ToggleInfo::evaluate` says
//! why a key gets what it gets (`toggles show NAME --key K` prints it).
//!
//! **The rule**, in the table that decides (the toggle's own, else its
//! release's, as in [Which state wins](crate::docs::file_format#which-state-wins)): a key in `allow` is on; else `enabled` decides if the
//! table has it; else the key is on when its bucket is below the rollout; else
//! off. `enabled` and `rollout` together on one table is an error (say which
//! one you mean). A rollout on a release is **bucketed by the release**, so a
//! user gets all toggles of a release together, and a toggle's own state still
//! beats its release for every user.
//!
//! - **Stable and monotonic.** A key's bucket (0 to 9 999) depends only on the
//!   key, the toggle (or release) name and the bucketing scheme. Raising a
//!   rollout only adds keys — a user in at 10 % stays in at 20 % — and lowering
//!   it removes them in reverse order.
//! - **A check without a key** (`toggle!("new_search")`, or an empty key)
//!   ignores `allow`, and a rollout is on only at 100 %: code that has no user
//!   at hand sees the feature once it is out to everyone.
//! - **Test overrides** (`toggle_as`) win over rollouts and allow lists, for
//!   keyed checks too.
//!
//! **The scheme.** Buckets are computed bit for bit like flagd's `fractional`
//! operator, so a service in another language that evaluates the exported
//! flags with a flagd evaluator gives a user the same answer as a Rust service
//! (see [export to flagd](crate::docs::operations#polyglot-fleets-export-to-flagd); proved against the npm and PyPI evaluators). The file states it
//! once:
//!
//! ```toml
//! bucketing = "flagd-v3"   # the default: MurmurHash3 of the CBOR of [name, key]
//! # bucketing = "flagd-v2" # MurmurHash3 of name + key, as flagd's older evaluators
//! ```
//!
//! **Changing the scheme moves users between buckets**: under the other scheme
//! a user inside a 10 % rollout is outside it nine times in ten. Choose it when
//! you write the first rollout (`flagd-v3` unless your other services evaluate
//! flagd v2), and change it only with every rollout at 0 or 100 %. The npm
//! evaluator `@openfeature/flagd-core` 4.x hashes JavaScript strings as UTF-16
//! code units: it agrees with `flagd-v2` for ASCII keys only.
//!
//! **A staged rollout**, as the pull requests that carry it:
//!
//! ```console
//! $ toggles allow new_search staff-ada staff-bob && git commit -am "new_search: staff"
//! $ toggles rollout new_search 1   && git commit -am "new_search: 1 %"
//! $ toggles rollout new_search 10  && git commit -am "new_search: 10 %"
//! $ toggles rollout new_search 50  && git commit -am "new_search: 50 %"
//! $ toggles rollout new_search 100 && git commit -am "new_search: everyone"
//! $ toggles on new_search          && git commit -am "new_search: on (drops the rollout)"
//! ```
//!
//! Each step is a one-line diff a reviewer can read, each deployment picks it
//! up through hot reload, and `git revert` of one commit is the way back.
