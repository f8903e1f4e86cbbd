//! # The file: format and precedence
//!
//! One file, `toggles.toml`, committed with the code:
//!
//! ```toml
//! # toggles.toml — comments and layout belong to you and are never rewritten
//!
//! [releases.checkout-v2]
//! description = "New checkout flow"
//! enabled = false
//!
//! [toggles.new_cart]
//! description = "Cart drawer instead of cart page"
//! release = "checkout-v2"      # no `enabled` here: follows the release
//! created = 2026-11-24
//!
//! [toggles.dark_mode]
//! enabled = true
//! created = 2026-11-20
//! ```
//!
//! - Two top-level tables, `toggles` and `releases`, and two optional keys,
//!   `bucketing` (see [Gradual rollouts](crate::docs::rollouts))
//!   and `environments` (see [Environments](crate::docs::environments)).
//! - Toggle fields: `enabled` (bool), `rollout` (percent of keys), `allow`
//!   (list of keys), `release` (string), `description` (string), `created`
//!   (TOML date or date-time). Release fields: `enabled` (bool, `false` when
//!   absent), `rollout`, `allow`, `description` (string). Both may hold a
//!   `schedule` of dated steps (see [Schedules](crate::docs::schedules)), and
//!   `env.ENVIRONMENT.enabled`, `.rollout`, `.allow` and `.schedule`; and the
//!   lifecycle fields below: `owner` and `expires` on both, `kind` on a toggle.
//! - Anything else is an error: an unknown table or field, a wrong type, a
//!   `release` naming an undefined release. A typo like `enabeld = true` must
//!   never silently mean "off". Errors name the file, line and column, show the
//!   line, and say what to do:
//!
//!   ```text
//!   toggles.toml:2:1: unknown field `enabeld`: did you mean `enabled`? (expected one of `enabled`, `rollout`, `allow`, `schedule`, `env`, `release`, `description`, `created`, `owner`, `kind`, `expires`)
//!       2 | enabeld = true
//!   help: the file has `bucketing`, `environments` and the tables [toggles.NAME] (fields: enabled, rollout, allow, schedule, env.ENVIRONMENT.{enabled, rollout, allow, schedule}, release, description, created, owner, kind, expires) and [releases.NAME] (fields: enabled, rollout, allow, schedule, env.…, description, owner, expires); a schedule step has `at` and one of `enabled` or `rollout`; a typo is an error, never a silent `off`
//!   ```
//!
//! - In an editor, `#:schema ./toggles.schema.json` as the first line checks
//!   and completes the fields as you type ([`toggles
//!   schema`](crate::docs::cli#toggles-schema-the-files-json-schema-for-editors)
//!   writes the schema; this repository ships it).
//! - Names of toggles and releases are slugs: 1 to 255 ASCII letters, digits,
//!   `_` and `-` (exactly the TOML bare keys). `toggle!("bad name")` does not
//!   compile; at run time an invalid name is off, logged once, never written.
//!
//! ## Owners, kinds and expiry
//!
//! Toggles are debt: every one is a branch in the code that someone must
//! remove. Say who owns it, what it is for, and when it should be gone:
//!
//! ```toml
//! [toggles.new_search]
//! owner = "search-team"           # a team or a person: one line of text
//! kind = "experiment"             # release (the default), experiment, ops, permission
//! created = 2026-11-24
//! expires = 2027-01-31            # the last day it may exist; not before `created`
//!
//! [toggles.kill_payments]
//! owner = "sre"
//! kind = "ops"                    # ops and permission toggles may stay for good
//!
//! [releases.checkout-v2]
//! owner = "web-team"
//! expires = 2027-03-01
//! ```
//!
//! The four kinds are Pete Hodgson's ("Feature Toggles (aka Feature
//! Flags)"): **release** toggles hide unfinished work until it ships, and
//! **experiment** toggles split users for as long as an experiment — both
//! should live days or weeks ([`Kind::is_temporary`](crate::Kind::is_temporary));
//! **ops** toggles (kill switches, degraded modes) and **permission**
//! toggles (plans, entitlements) may stay. The fields change no answer:
//! they are for people and for `toggles check`, which fails the build on a
//! toggle or release past its `expires`, warns about temporary toggles
//! without one that are older than `--max-age`, and names the owner in
//! every finding (see [`docs::cli`](crate::docs::cli)). The library reads
//! them ([`ToggleInfo::owner`](crate::ToggleInfo::owner),
//! [`kind`](crate::ToggleInfo::kind), [`expires`](crate::ToggleInfo::expires),
//! and on [`Release`](crate::Release)); toggles it appends get none of them.
//! An unknown kind is an error that names the four; an `expires` before
//! `created` is an error; an empty owner is an error.
//!
//! ## Which state wins
//!
//! A toggle's effective state is, first match wins:
//!
//! 1. a test override (`toggle_as`, see [testing](crate::docs::testing)),
//! 2. the toggle's own table, if it has `enabled`, `rollout`, `allow` or
//!    `schedule` (a schedule's step in force gives `enabled` or `rollout`),
//! 3. its release's table,
//! 4. `false`.
//!
//! So a release switches all its toggles at once, and a toggle with its own
//! `enabled` opts out of its release (to hold one part of a release back, or let
//! one through early). How a table with a `rollout` or an `allow` list decides
//! for a user is [the rollouts page](crate::docs::rollouts).
