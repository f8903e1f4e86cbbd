//! # The `toggles` command
//!
//! `toggles.toml` is the admin: the `toggles` command is the tool around it, for a
//! person at a terminal and for CI in a pull request. It lists toggles and
//! releases, explains why a toggle is on or off, switches them by editing the
//! file for you, and checks a pull request.
//!
//! ## Install
//!
//! The command lives in this package behind the `cli` feature, so applications
//! that only use the library compile none of its dependencies (`clap`, `ignore`,
//! `toml_edit`, `serde_json`).
//!
//! ```sh
//! cargo install --locked --path . --features cli   # in a clone of this repository: installs `toggles` into ~/.cargo/bin
//! cargo run --features cli -- list                 # or run it from the clone
//! ```
//!
//! Once the crate is on crates.io, `cargo install --locked toggles --features cli`
//! installs it from anywhere.
//!
//! Every command reads `./toggles.toml`, or the file named by `--file PATH`
//! (`-f`), or by the `TOGGLES_FILE` environment variable (the same one the
//! library reads). `--file` wins over `TOGGLES_FILE`. A `TOGGLES_FILE` that is
//! set but empty is an error that names it (exit 2): the library would read no
//! file at all; unset it to use `./toggles.toml`. `--file` names the file
//! itself: a folder (or anything but a regular file) is refused by every
//! command with the same error and help line (naming `DIR/toggles.toml` if the
//! folder holds one).
//!
//! Output is coloured only on a terminal, and never when `NO_COLOR` is set;
//! `--color always|never|auto` overrides that.
//!
//! In a file with [environments](crate::docs::environments), `list`, `show` and `check`
//! read the file as `--env E` sees it, else as `TOGGLES_ENV` names it — what
//! the application beside you sees — else the base values, and say which and
//! why (`environment: production (from TOGGLES_ENV)`); `--env ''` reads the
//! base values whatever `TOGGLES_ENV` says. The edit commands edit the base
//! values unless `--env E` is given (they never read `TOGGLES_ENV`: an edit of
//! production is asked for by name). An environment the file does not declare
//! is an error (exit 1) with "did you mean" and how to declare it; with
//! `TOGGLES_ENV`, it is the error the application would get.
//!
//! ## `toggles list`
//!
//! Every toggle with its effective state, where the state comes from (`own`:
//! its own table; `release`: its release's; `default`: neither, so off), its
//! release, `created` and age in days; then every release with "N of M enabled".
//! STATE is what a check without a key gets. When a toggle (or a release) has a
//! rollout or an `allow` list, a ROLLOUT column shows them (`10% + 2 allowed`;
//! for a toggle that follows its release, the release's); a file without them
//! lists without it. On this repository's own `toggles.toml`:
//!
//! ```console
//! $ toggles list
//! TOGGLE         STATE  ROLLOUT          FROM     RELEASE      CREATED     AGE  DESCRIPTION
//! dark_mode      ON     -                own      -            2026-11-20  6d   Dark colour scheme
//! new_cart       OFF    -                release  checkout-v2  2026-11-24  2d   Cart drawer instead of cart page
//! new_search     OFF    10% + 2 allowed  own      -            2026-11-26  0d   Search ranked by the new model, for a share of users
//! one_click_pay  OFF    -                release  checkout-v2  2026-11-24  2d   Pay with one click from the cart drawer
//!
//! RELEASE      STATE  TOGGLES         DESCRIPTION
//! checkout-v2  OFF    0 of 2 enabled  New checkout flow
//! ```
//!
//! `--release checkout-v2` shows one release and its toggles. `--json` prints
//! `{ file, today, bucketing, toggles: [{ name, enabled, source, release,
//! description, created, age_days, owner, kind, expires, expired, line,
//! rollout, allow }], releases: [{ name, enabled, description, owner,
//! expires, expired, line, on, total, toggles, rollout, allow }] }`:
//! `enabled` is the state without a key, `rollout` the percent (`10`, `12.5`) or
//! `null`, `allow` the sorted list (a toggle's are those of the table that
//! decides it: its own, or its release's when `source` is `release`), and
//! `bucketing` the file's scheme (`flagd-v3` unless the file says otherwise).
//!
//! In a file with [environments](crate::docs::environments), `list` first says which
//! values it lists (`environment: production (from TOGGLES_ENV); declared:
//! staging, production`), and `--json` adds `environment`, `environment_from`
//! (`--env`, `TOGGLES_ENV` or `null`) and `environments` (the declared ones).
//! `--env E` lists environment E. `--envs` puts every environment side by
//! side: one row per toggle (then per release), a column for the base values
//! (`(base)`, which no environment name can be) and one per environment in promotion order, each cell what a check without
//! a key gets — `ON`, `OFF`, a rollout (`10%`), and `+N` when an `allow` list
//! gives N keys more than that. On the file of [Environments](crate::docs::environments):
//!
//! ```console
//! $ toggles list --envs
//! TOGGLE      (base)  staging  production  RELEASE
//! dark_mode   ON      ON       ON          -
//! new_cart    OFF     ON       OFF         checkout-v2
//! new_search  10% +2  100% +2  1% +2       -
//!
//! RELEASE      (base)  staging  production
//! checkout-v2  OFF     ON       OFF
//! ```
//!
//! `list --envs --json` prints `{ file, environments, toggles: [{ name,
//! release, owner, kind, expires, cells }], releases: [{ name, release: null,
//! owner, kind: null, expires, cells }] }`, each cell
//! `{ environment (null for the base values), enabled, rollout, allowed,
//! source, release, field, line }`: `field` is the key that decides as written
//! (`env.staging.enabled`), `line` its line.
//!
//! ## `toggles show NAME`
//!
//! One toggle, and *why* it has its state, pointing at the line that decides it
//! (the `enabled` line of the toggle, or of its release when it follows it;
//! `defined at` is the toggle's table):
//!
//! ```console
//! $ toggles show new_cart
//! new_cart: OFF — from release checkout-v2 (toggles.toml:7)
//!   description  Cart drawer instead of cart page
//!   release      checkout-v2: 0 of 2 enabled, release OFF
//!   created      2026-11-24, 1 day ago
//!   defined at   toggles.toml:9
//!   change it    `toggles on new_cart` (this one only) or `toggles release on checkout-v2` (the whole release)
//! ```
//!
//! For a toggle with a rollout or an `allow` list, `show` lists them, says what
//! a check without a key gets, and `--key KEY` says what one key gets and why:
//! in the `allow` list (of the toggle, or of its release), its bucket against
//! the rollout (the same bucket the library computes, with the file's
//! `bucketing`), or the one value every key gets:
//!
//! ```console
//! $ toggles show new_search
//! new_search: OFF — rolled out on the toggle itself (`rollout = 10`, toggles.toml:26)
//!   description  Search ranked by the new model, for a share of users
//!   rollout      10% of keys, bucketed by flagd-v3 (toggles.toml:26)
//!   allow        staff-ada, staff-bob — 2 keys always on (toggles.toml:27)
//!   no key       OFF: a rollout is on without a key only at 100%
//!   a key        `toggles show new_search --key KEY` says what one key gets
//!   created      2026-11-26, today
//!   defined at   toggles.toml:24
//!   change it    `toggles rollout new_search PERCENT` (another share of keys), `toggles on|off new_search` (every key)
//! $ toggles show new_search --key staff-ada
//! new_search for key staff-ada: ON — staff-ada is in the `allow` list of the toggle itself (toggles.toml:27)
//! …
//! $ toggles show new_search --key user-2
//! new_search for key user-2: ON — bucket 546 of 10000 is below 10% (1000): the toggle's own rollout (`rollout = 10`, toggles.toml:26)
//! …
//! $ toggles show new_search --key user-42
//! new_search for key user-42: OFF — bucket 3314 of 10000 is not below 10% (1000): the toggle's own rollout (`rollout = 10`, toggles.toml:26)
//! …
//! $ toggles show dark_mode --key user-42
//! dark_mode for key user-42: ON — the same for every key: set on the toggle itself (`enabled = true`, toggles.toml:21)
//! …
//! ```
//!
//! A toggle that follows a release with a rollout is bucketed by the release
//! (`bucket … is below 25% (2500): the rollout of release checkout-v2
//! (`rollout = 25`, toggles.toml:7), bucketed by the release`), so a key gets
//! all of a release's toggles or none. An empty key is no key, as in the
//! library.
//!
//! `--json` gives the same as an object (`toggle`, `why`, `release`, and
//! `evaluation`: `{ key, enabled, source, release, reason, bucket, rollout,
//! bucketing, line, why }`, where `reason` is `allowed`, `bucket`, `no_key` or
//! `value`, and `key` is `null` without `--key`).
//!
//! In a file with [environments](crate::docs::environments), `show` adds one line per
//! environment (the base values first), each with what a check without a key
//! gets there and the key that decides it; the environment read (`--env E`, or
//! `TOGGLES_ENV`) is marked, and the rest of the output is as that environment
//! sees it:
//!
//! ```console
//! $ toggles show new_cart
//! new_cart: OFF — from release checkout-v2 (toggles.toml:5)
//!   release      checkout-v2: 0 of 1 enabled, release OFF
//!   environments (in promotion order)
//!     (base)      OFF  release checkout-v2: enabled (toggles.toml:5)
//!     staging     ON   release checkout-v2: env.staging.enabled (toggles.toml:6)
//!     production  OFF  release checkout-v2: enabled (toggles.toml:5)
//!   created      2026-11-24, 2 days ago
//!   defined at   toggles.toml:8
//!   change it    `toggles on new_cart` (this one only) or `toggles release on checkout-v2` (the whole release)
//! $ toggles show new_search --env staging
//! new_search in staging: ON — rolled out on the toggle itself (`env.staging.rollout = 100`, toggles.toml:15)
//! …
//!     staging     100% +2  env.staging.rollout (toggles.toml:15)  ← --env
//! …
//! ```
//!
//! `show --json` adds `environment`, `environment_from` and `environments`
//! (the cells of `list --envs --json`; empty without `environments`).
//!
//! ## Schedules: `list --at TIME`, `show --at TIME`
//!
//! A table with a [`schedule`](crate::docs::rollouts) changes its state at
//! each step's instant. `list` and `show` read the file as it is now, or at
//! `--at TIME` (RFC 3339 with `Z` or an offset, seconds optional:
//! `2026-12-11T09:00Z`, `2026-12-11T10:00+01:00`; an instant without an
//! offset is refused, exit 2): "what will be on on Friday?". Every view —
//! the base values and each environment — is taken at that one instant, the
//! library's [`Snapshot::at`](crate::Snapshot::at), so the states are what an
//! application would check then. With `--at`, the output says so (`at:
//! 2026-12-08T00:00:00Z (--at)`).
//!
//! `list` adds a NEXT STEP column where a table has a schedule (for a toggle
//! that follows its release, the release's): the next step's state and
//! instant, `done` after the last, `-` without a schedule. `list --envs`
//! marks a cell decided by a schedule with `*`:
//!
//! ```console
//! $ toggles list --at 2026-12-08T00:00Z
//! environment: base values (no --env, no TOGGLES_ENV); declared: staging, production
//! at: 2026-12-08T00:00:00Z (--at)
//!
//! TOGGLE      STATE  ROLLOUT          NEXT STEP                    FROM     RELEASE      CREATED  AGE  DESCRIPTION
//! dark_mode   ON     -                -                            own      -            -        -
//! new_cart    OFF    -                ON at 2026-12-08T12:00:00Z   release  checkout-v2  -        -
//! new_search  OFF    10% + 1 allowed  50% at 2026-12-09T09:00:00Z  own      -            -        -    Search ranked by the new model
//!
//! RELEASE      STATE  NEXT STEP                   TOGGLES         DESCRIPTION
//! checkout-v2  OFF    ON at 2026-12-08T12:00:00Z  0 of 1 enabled
//! ```
//!
//! `show` prints the plan of the table that decides the toggle in the view
//! read: whose `schedule` it is (its own, `env.E.schedule`, or its
//! release's), the state before the first step and the key that gives it,
//! each step with its instant, its state and its line, the one in force
//! marked, and the next step with the time left until it from the instant
//! read (`in 1 day 9 h`). Each environment's line adds its own next step, so
//! an environment with its own `env.E.schedule`, or with none (one that sets
//! only `env.E.enabled`), shows as such:
//!
//! ```console
//! $ toggles show new_search --at 2026-12-08T00:00Z
//! new_search: OFF — rolled out on the toggle itself (`rollout = 10`, toggles.toml:15), by the schedule's step of 2026-12-07T09:00:00Z
//! …
//!   schedule     3 steps of its own `schedule`, at 2026-12-08T00:00:00Z (--at)
//!     before                1%   rollout (toggles.toml:12)
//!     2026-12-07T09:00:00Z  10%  toggles.toml:15  ← in force
//!     2026-12-09T09:00:00Z  50%  toggles.toml:16
//!     2026-12-11T09:00:00Z  ON   toggles.toml:17
//!   next step    50% at 2026-12-09T09:00:00Z, in 1 day 9 h
//!   environments (in promotion order)
//!     (base)      10% +1  rollout (toggles.toml:15); next 50% at 2026-12-09T09:00:00Z, in 1 day 9 h
//!     staging     ON      env.staging.enabled (toggles.toml:19); the schedule's last step is in force (since 2026-12-01T09:00:00Z)
//!     production  OFF +1  env.production.enabled (toggles.toml:20)
//! …
//! ```
//!
//! In `--json`, `list` and `show` add `at` (the instant read, RFC 3339 UTC)
//! and `at_from` (`--at`, or `null` for now); each toggle, release and
//! environment cell gains `schedule`: `null`, or `{ in_environment, steps:
//! [{ at, enabled, rollout, line }], step, next, next_in_seconds, next_in }`
//! (exactly one of a step's `enabled` and `rollout` is set; `step` is the one
//! in force, `null` before the first; `next` is `null` after the last).
//! `show --json` adds `before_schedule`: `{ enabled, rollout, field, line }`,
//! the deciding table's state before its first step, or `null`.
//!
//! ## Owners, kinds and expiry: `list --owner`, `--kind`, `--expired`
//!
//! Where the file gives toggles an `owner`, a `kind` or an `expires` date
//! (see [the file format](crate::docs::file_format)), `list` shows them: an
//! OWNER column when some listed toggle has an owner, a KIND column when
//! some listed toggle's kind is not the default `release`, an EXPIRES
//! column when some has a date, marked `(expired)` from the day after it
//! (the day `toggles check` starts failing); the release table has OWNER
//! and EXPIRES likewise. A file without them lists as before.
//!
//! ```console
//! $ toggles list --today 2026-12-06
//! TOGGLE  STATE  FROM     RELEASE   OWNER     KIND        CREATED  AGE  EXPIRES               DESCRIPTION
//! kill    ON     own      -         sre       ops         -        -    -
//! pay_a   ON     release  checkout  payments  experiment  -        -    2026-12-05 (expired)
//! pay_b   ON     release  checkout  payments  release     -        -    2026-12-06
//!
//! RELEASE   STATE  TOGGLES         OWNER     EXPIRES               DESCRIPTION
//! checkout  ON     2 of 2 enabled  payments  2026-12-05 (expired)
//! $ toggles list --owner payments --expired
//! $ toggles list --kind experiment --json
//! ```
//!
//! The filters keep what matches all of them, each by the table's own
//! fields (a toggle without an `owner` does not take its release's):
//!
//! - `--owner TEAM`: the `owner` exactly as written (case and spaces count);
//!   releases with that owner are listed too.
//! - `--kind KIND`: `release` (also a toggle without `kind`), `experiment`,
//!   `ops` or `permission`; another word is refused (exit 2) naming the
//!   four. Releases have no kind, so none is listed.
//! - `--expired`: an `expires` date before today; releases too.
//! - `--today DATE` (`YYYY-MM-DD`): the date `--expired` and the ages count
//!   from, instead of today's local date (`check` takes it too), for a run
//!   that can be repeated.
//!
//! They combine with `--release R`, `--env E` and `--envs`; nothing left is
//! `no toggles match --owner x --kind ops`. `show NAME` prints `owner`,
//! `kind` (where it is not `release`) and `expires` with the days left
//! (`2026-12-31 (in 25 days)`, `(today, the last day)`, `(expired 5 days
//! ago)`), and the release's own owner and expiry on its `release` line. In
//! `--json` a toggle always has `owner`, `kind`, `expires` (`null` where
//! unset; `kind` is `release` then) and `expired`, a release `owner`,
//! `expires` and `expired`. The same fields travel to the
//! [OpenFeature provider's](crate::docs::openfeature) flag metadata and to
//! each flag's `metadata` in `toggles export --format flagd`.
//!
//! ## Editing the file: `on`, `off`, `rollout`, `allow`, `disallow`, `follow`, `release`, `add`, `assign`
//!
//! ```sh
//! toggles on new_cart one_click_pay      # their own `enabled = true` (every key)
//! toggles off dark_mode                  # its own `enabled = false` (every key)
//! toggles rollout new_search 12.5        # its own `rollout = 12.5`: 12.5 % of keys
//! toggles allow new_search staff-cy      # "staff-cy" joins its own `allow` list: always on
//! toggles disallow new_search staff-bob  # and leaves it (the last key removes the list)
//! toggles follow new_cart                # drop its own `enabled`, `rollout`, `schedule` and `allow`: the release decides again
//! toggles release on checkout-v2         # the release's `enabled = true`
//! toggles release rollout checkout-v2 25 # the release's `rollout = 25`
//! toggles release allow checkout-v2 qa-1 # the release's `allow` list
//! toggles add search_v2 --release search --description "New search"
//! toggles assign dark_mode checkout-v2   # `release = "checkout-v2"`
//! ```
//!
//! Each edit prints what changed and the resulting state; a rollout reads
//! `12.5% of keys`, an `allow` list `+ 2 allowed`. On this repository's file:
//!
//! ```console
//! $ toggles rollout new_search 12.5
//! new_search: 10% of keys + 2 allowed → 12.5% of keys + 2 allowed (set on the toggle itself)
//!   a check without a key gets OFF: a rollout is on without a key only at 100%
//! wrote toggles.toml
//! $ toggles allow new_search staff-cy staff-ada
//! new_search: 12.5% of keys + 2 allowed → 12.5% of keys + 3 allowed (set on the toggle itself)
//!   staff-cy: allowed
//!   staff-ada: already allowed
//! wrote toggles.toml
//! $ toggles disallow new_search staff-bob nobody
//! new_search: 12.5% of keys + 3 allowed → 12.5% of keys + 2 allowed (set on the toggle itself)
//!   staff-bob: no longer allowed
//!   nobody: not in the `allow` list (it holds staff-ada, staff-cy)
//! wrote toggles.toml
//! $ toggles off new_search
//! new_search: 12.5% of keys + 2 allowed → OFF + 2 allowed (set on the toggle itself)
//!   2 keys stay on through its `allow` list: staff-ada, staff-cy (`toggles disallow new_search KEY…` takes keys out)
//! wrote toggles.toml
//! $ toggles release rollout checkout-v2 25
//! release checkout-v2: OFF → 25% of keys
//!   2 of 2 toggles follow its rollout of 25%; 0 of 2 enabled for a check without a key
//!   a check without a key gets OFF: a rollout is on without a key only at 100%
//! wrote toggles.toml
//! $ toggles allow new_cart staff-ada
//! error: toggle `new_cart` follows release checkout-v2 (25% of keys): an `allow` list of its own would make its own table decide, OFF for every key not in the list
//!   help: allow the keys on the whole release with `toggles release allow checkout-v2 KEY…`, or give `new_cart` its own state first (`toggles on|off new_cart`, `toggles rollout new_cart PERCENT`)
//! $ toggles rollout new_search 12.345
//! error: invalid value '12.345' for '<PERCENT>': "12.345" is not a percent from 0 to 100 with at most two decimals: write the share of keys that get it, like 10 or 12.5
//!
//! For more information, try '--help'.
//! ```
//!
//! - A toggle's own table wins over its release's as soon as it has `enabled`,
//!   `rollout` or `allow`. `on`/`off` and `rollout` set it, so a toggle switched
//!   by hand no longer follows its release until `toggles follow NAME` (which
//!   drops all three, printing the keys of a dropped `allow` list); `release …`
//!   reports the members that hold their own state.
//! - `rollout` and `enabled` never stand together in a table (the file refuses
//!   it): `on`/`off` (and `release on|off`) mean *every key*, so they set
//!   `enabled` and remove a `rollout`; `rollout` sets `rollout` and removes
//!   `enabled`. An `allow` list stays through both: `off` says which keys it
//!   keeps on. PERCENT is read as the file reads it — 0 to 100, at most two
//!   decimals, a trailing `%` allowed — and written as an integer when whole
//!   (`rollout = 10`), else as a float (`rollout = 12.5`); anything else is a
//!   usage error (exit 2), and the file is not touched.
//! - `allow` adds keys (creating the list, one line, last in the table; an
//!   existing list keeps its layout: one line, or one key per line with its
//!   comments); a key already there is reported and nothing is written for it.
//!   An empty key is refused (an empty key is no key). `allow` is refused on a
//!   toggle that follows its release: an `allow` list of its own would make its
//!   own table decide, off for every other key; allow the key on the release
//!   (`toggles release allow`), or give the toggle its own state first.
//!   `disallow` removes keys, reports a key that is not in the list, and
//!   removes the `allow` line with the last key.
//! - An unknown toggle or release name is refused, with a "did you mean" for a
//!   close one (`checkout` or `checkout_v2` for `checkout-v2`), given before any
//!   `--create` hint. `--create` (not taken by `follow`) creates it
//!   instead: `on`/`off` add the toggle, `release` adds the release, `assign`
//!   adds the toggle and/or the release, `add` adds a missing release. `add` refuses a name that exists. `add` writes
//!   `created = <today>`, and `enabled = false` unless the toggle follows a
//!   release; `--on` starts it on. `add` may start a missing file.
//! - Edits keep every comment, blank line and all the formatting of everything
//!   they do not change (a changed value keeps its trailing comment; CRLF line
//!   ends and a byte-order mark are kept). New tables go after the last table of
//!   their kind.
//! - The new text is validated with the library before the file is replaced, so
//!   the command never writes a file the library would reject; it also refuses
//!   to edit a file that is already invalid (fix it first: the error says where).
//! - The file is replaced atomically (a temporary file in the same folder, then
//!   a rename), keeps its permissions, and is written under the same lock as the
//!   library's appends of new names. A read-only file — its mode has no write
//!   bit for its owner (the mode decides, so root is refused too) — is refused
//!   (exit 1) unless `--force` (every edit command takes it), which replaces it
//!   keeping its mode, and its owner where allowed. A symlinked `toggles.toml`
//!   is edited through the link: its target is replaced and the link stays a
//!   link. A link whose target is missing gets one error from every command,
//!   naming the link and its missing target.
//! - A running application picks the edit up through hot reload. Commit the
//!   change like any other.
//!
//! **In an environment: `--env E`.** Every edit command but `add` and
//! `assign` takes `--env E` and then edits the table's `env.E` values, leaving
//! its base values alone (`on`/`off`/`follow`/`rollout`/`allow`/`disallow`,
//! and `release on|off|rollout|allow|disallow`); `--create` with `--env` adds
//! the toggle (or release) off in the base values. The file keeps its layout,
//! as for every edit (new values are dotted keys, `env.production.enabled =
//! true`, or go where the table already writes its environments), and is
//! validated in the base values and in every declared environment before it is
//! replaced. Edits never read `TOGGLES_ENV`.
//!
//! ```console
//! $ toggles on new_cart --env production
//! new_cart in production: OFF → ON (set on the toggle itself, over release checkout-v2 (OFF))
//!   environments  (base) OFF · staging ON · production ON
//! wrote toggles.toml
//! $ toggles rollout new_search 10 --env production
//! new_search in production: 1% of keys + 2 allowed → 10% of keys + 2 allowed (set on the toggle itself)
//!   a check without a key gets OFF: a rollout is on without a key only at 100%
//!   environments  (base) 10% +2 · staging 100% +2 · production 10% +2
//! wrote toggles.toml
//! $ toggles allow new_search staff-cy --env production
//! new_search in production: 10% of keys + 2 allowed → 10% of keys + 3 allowed (set on the toggle itself)
//!   `env.production.allow` replaces the base list, so it starts as a copy of it: staff-ada, staff-bob
//!   staff-cy: allowed
//!   environments  (base) 10% +2 · staging 100% +2 · production 10% +3
//! wrote toggles.toml
//! $ toggles follow new_cart --env production
//! new_cart in production: ON → OFF (follows release checkout-v2) — dropped its `env.production` values: its base values apply
//!   environments  (base) OFF · staging ON · production OFF
//! wrote toggles.toml
//! ```
//!
//! - `on`/`off --env E` set `env.E.enabled` and remove `env.E.rollout`: E's
//!   slot is replaced, a base `rollout` stays for the other environments.
//!   `rollout --env E` is the converse.
//! - A value equal to the base one is not written: the `env.E` value is
//!   removed instead, so E follows the base value (above, `rollout new_search
//!   10 --env production` dropped `env.production.rollout = 1`, since the base
//!   is 10). An `env.E` table left empty goes.
//! - `allow --env E` on a table without its own `env.E.allow` starts the list
//!   as a copy of the base list (an environment's list replaces the base one,
//!   so adding one key must not drop the others). `disallow --env E` likewise;
//!   with no keys left it writes `env.E.allow = []` if the base list has keys
//!   (removing the line would bring them back), and a list back to the base
//!   keys is removed.
//! - `follow --env E` drops the toggle's `env.E` values, so its base values
//!   apply in E (an environment cannot unset a base value: `follow` without
//!   `--env` lets the release decide, and says which environments keep values
//!   of their own).
//! - After an edit in a file with environments, the last line before `wrote`
//!   gives the table's state in each.
//!
//! **Schedules: `--at TIME` and `unschedule`.** `on`, `off` and `rollout`
//! (and `release on|off|rollout`) with `--at TIME` add a step to the table's
//! `schedule` instead of changing its state now: `{ at = 2026-12-09T09:00:00Z,
//! rollout = 50 }`, always written in UTC with seconds, whatever offset TIME
//! was given in (RFC 3339 with `Z` or an offset; seconds optional). The step
//! goes in time order; one at the same instant as an existing step replaces
//! it. A new `schedule` is written one step a line. `unschedule NAME --at
//! TIME` takes one step out (TIME in any offset names the same instant),
//! `--all` the whole schedule; the last step takes the `schedule` key with it
//! (`release unschedule` is the release form). With `--env E`, all of them
//! edit `env.E.schedule`. On a file with `environments = ["staging",
//! "production"]`, a `new_search` rolled out to 1 % (`allow = ["staff-ada"]`)
//! with steps on 7 and 11 December, and `dark_mode` on:
//!
//! ```console
//! $ toggles rollout new_search 50 --at 2026-12-09T09:00Z
//! new_search: 1% of keys + 1 allowed (set on the toggle itself)
//!   step added: from 2026-12-09T09:00:00Z on, 50% of keys (toggles.toml:8)
//!   next step: from 2026-12-07T09:00:00Z on, 10% of keys (toggles.toml:7); 3 steps in all
//!   environments  (base) 1% +1 · staging 1% +1 · production 1% +1
//! wrote toggles.toml
//! $ toggles unschedule new_search --at 2026-12-08T09:00Z
//! error: toggle `new_search` has no step at 2026-12-08T09:00:00Z: its steps are at 2026-12-07T09:00:00Z, 2026-12-09T09:00:00Z, 2026-12-11T09:00:00Z
//!   help: pass one of those instants to --at, or --all to take out the whole schedule (`toggles unschedule new_search --all`)
//! $ toggles off dark_mode --at 2026-12-14T18:00+01:00 --env production
//! dark_mode in production: ON (set on the toggle itself)
//!   step added: from 2026-12-14T17:00:00Z on, OFF (toggles.toml:16)
//!   `env.production.enabled = true` written as the schedule's start: `env.production.schedule` replaces the base state in production, which stays as it was until the first step
//!   next step: from 2026-12-14T17:00:00Z on, OFF (toggles.toml:16); 1 step in all
//!   environments  (base) ON · staging ON · production ON
//! wrote toggles.toml
//! $ toggles on new_search
//! new_search: 1% of keys + 1 allowed → ON + 1 allowed (set on the toggle itself)
//!   schedule of 3 steps removed: the state is one value, set now (add `--at TIME` to add a step instead)
//!   environments  (base) ON · staging ON · production ON
//! wrote toggles.toml
//! ```
//!
//! - The report gives the state now (a step to come changes nothing yet)
//!   and, while a schedule remains, its next step. A TIME that is not in the
//!   future is written, with a warning on stderr: the step takes effect at
//!   once (exit 0).
//! - `enabled`, `rollout` and `schedule` are one state slot. An edit without
//!   `--at` (`on`, `off`, `rollout`, `follow`, and the release forms) sets
//!   the whole slot: it removes the table's `schedule` (`env.E.schedule` with
//!   `--env E`) and says how many steps went; otherwise a step in force would
//!   keep the edit from showing. In an environment that followed the base
//!   schedule, E's own value replaces it there (the base schedule stays for
//!   the others), and is written even where it equals the base value.
//! - A step changes nothing before its instant. So a toggle that follows its
//!   release is refused a step (a schedule of its own would make its own
//!   table decide, off before the first step): schedule the release, or give
//!   the toggle its own state first. And `env.E.schedule`, which replaces the
//!   base slot in E, starts from `env.E.enabled`/`env.E.rollout` (absent:
//!   off): where E has neither, its first step copies E's state there (the
//!   base `enabled = true` or `rollout`) into `env.E` as the start (nothing
//!   for an off state). Where that state is itself the base schedule, the
//!   step is refused: E would leave the base plan; write E's steps by hand,
//!   or copy the base plan into `env.E` first.
//! - `--at` does not go with `--create`: a step is added to an existing table.
//!
//! ## `toggles check`: the CI gate
//!
//! ```sh
//! toggles check                          # scans src, tests, examples, benches beside toggles.toml
//! toggles check --src src --src tests --max-age 60 --strict
//! ```
//!
//! It **fails** (exit 1) when:
//!
//! - the file is missing, or does not parse or validate (the library's error,
//!   with file:line:column, is printed). The file is checked first, before the
//!   sources (a missing `src` is a usage error, exit 2);
//! - a name used in the sources is not defined in the file, or is not a valid
//!   name. Uses are `toggle!("…")`, `Toggle::new("…")`, `toggle_as("…", …)`,
//!   `toggle_as_global("…", …)` and the names of
//!   `with_toggles(&[("…", …), …], …)`;
//! - `expired`: a toggle or a release past its `expires` date, naming its
//!   `owner` (`toggle `new_search` expired on 2027-01-31 (owner
//!   search-team): remove it from the code and the file, or move
//!   `expires``; `no owner` where it has none). `expires = D` makes D the
//!   last day: the check fails from the day after. Days are counted from
//!   `--today DATE` (default: the local date), so a CI run can be repeated.
//!
//! It **warns** about:
//!
//! - stale toggles: defined in the file, but no scanned source names them any
//!   more. Remove the table and the dead branch of the code;
//! - `old`: release and experiment toggles (`kind`, default `release`)
//!   without `expires` created more than `--max-age` days (default 90)
//!   before today. `ops` and `permission` toggles may stay, and one with
//!   `expires` has its deadline;
//! - `ready-to-remove`: a release or experiment toggle still used in the
//!   code whose answer no key can change (on for everyone, or off for
//!   everyone: no `allow` keys beside off, no rollout strictly between 0
//!   and 100 %), the same in the base values and in every environment, with
//!   no step of a `schedule` to come, unchanged for more than `--max-age`
//!   days (`toggle `search` is ready to remove: always on since 2026-05-01,
//!   for every key (137 days, unchanged since commit 0be88e3250de; --max-age
//!   90)`). Where the file is in a git repository, "unchanged since" comes
//!   from its history: the versions of the last 200 commits that changed it
//!   on HEAD's first-parent line, compared by answers (a rewrite that
//!   decides the same, a description, does not count; a step counts from its
//!   instant). Elsewhere (or before any commit), from `created` (or the
//!   step that settled it, if later); without either, it is not reported.
//!   It replaces `old` for that toggle;
//! - releases whose toggles are all on: ready to be folded away (in a file
//!   with environments, on in every one; with `--env E`, in E);
//! - `redundant-env`: an environment's value equal to the base value it
//!   replaces (`env.production.enabled = true` where the table has `enabled =
//!   true`; a rollout by its percent, `10` and `10.0`; a list by its keys): it
//!   changes nothing, and would keep the old value once the base changes;
//! - `promotion`: a toggle further on in an environment than in one before it
//!   in `environments` (ON in production but OFF in staging, or 20 % against
//!   10 %; the share of keys a check gets is compared, not `allow` lists);
//! - `schedule-done`: a plan (`schedule`) whose steps are all past: its last
//!   step holds for good, so it can become the table's state (`help: fold
//!   it: the last step (`enabled = true` at 2026-12-11T09:00:00Z) can become
//!   the table's `enabled = true` (in place of its `enabled`/`rollout`);
//!   remove `schedule``), at the last step's line;
//! - `rollout-lowered`: a step that gives fewer keys than the state before it
//!   (the previous step, or the table's own `enabled`/`rollout` before the
//!   first): allowed (a planned rollback), but the keys between the two
//!   shares lose the toggle then.
//!
//! Both plan warnings are about the base values' schedules, and in each
//! environment about its own `env.E.schedule` (one it inherits is reported
//! once, as the base values'); a toggle that follows a release is reported
//! on the release. Which steps are past is read at `--at TIME` (RFC 3339
//! with `Z` or an offset), default now: `toggles check --at
//! 2026-12-12T00:00Z` says what check will say then, and a CI run can be
//! repeated; the states of the other checks are read at that instant too
//! (ages and expiry are counted from `--today`). The file rules of a step — `at` an
//! offset date-time in whole seconds, exactly one of `enabled`/`rollout`,
//! steps in time order, no other field — are the library's, reported as
//! `invalid-file` errors with line, column and help.
//!
//! `--strict` makes warnings fail too. `--json` prints `{ ok, file, sources,
//! errors, warnings, toggles, releases, files_scanned, lines_scanned,
//! environment, environments, findings: [{ severity, kind, name, location,
//! message, source_line, help, owner, toggle_kind, expires }] }` (`source_line`,
//! the file's line as written, only in `invalid-file` findings), where `kind` is one of
//! `invalid-file`, `unknown-environment`, `unreadable`, `missing`,
//! `invalid-name`, `expired`, `stale`, `old`, `ready-to-remove`,
//! `release-on`, `redundant-env`, `promotion`, `schedule-done`,
//! `rollout-lowered`; `owner`, `toggle_kind` (the toggle's `kind`: `release`,
//! `experiment`, `ops`, `permission`) and `expires` (`YYYY-MM-DD`) are those
//! of the toggle or release the finding is about (null where it has none, or
//! is about none; `toggle_kind` is null for a release). The lifecycle
//! findings (`expired`, `stale`, `old`, `ready-to-remove`, `release-on`)
//! name the owner in their message too.
//!
//! `check` reads `--env E`, else `TOGGLES_ENV`, like `list`: an environment the
//! file does not declare **fails** (`unknown-environment`, at the
//! `environments` list: the application would refuse the file), and so does an
//! undeclared `env.E` in the file (`invalid-file`, with its line and column).
//! With the file of [Environments](crate::docs::environments), staging switched off
//! `dark_mode` and `env.production.enabled = true` added to it:
//!
//! ```console
//! $ toggles check
//! warning[redundant-env]: toggles.toml:23: `env.production.enabled = true` of toggle `dark_mode` is the same as its base `enabled` (toggles.toml:20): it changes nothing in production
//!   help: remove the line: production gets the base value, and follows it when it changes
//! warning[promotion]: toggles.toml:23: toggle `dark_mode` is ON in production but OFF in staging, which comes before it in `environments`: the promotion order is broken
//!   help: promote it to staging first (there it is decided by env.staging.enabled (toggles.toml:22)), or hold production back (decided by env.production.enabled (toggles.toml:23)); `toggles list --envs` shows every environment
//! check ok: 0 errors, 2 warnings — 3 toggles, 1 release in toggles.toml; 1 file (1 line) scanned in src
//! ```
//!
//! ```console
//! $ toggles check
//! error[missing]: src/cart.rs:10:16: toggle `express_pay` is used by toggle! but not defined in toggles.toml
//!   help: add it with `toggles add express_pay` (or run the code once: the library appends it), or fix the name
//! warning[stale]: toggles.toml:13: toggle `old_banner` is not used in src (stale)
//!   help: remove its table and the code behind its dead branch (it is OFF), or scan more with --src
//! check failed: 1 error, 1 warning — 4 toggles, 1 release in toggles.toml; 27 files (4585 lines) scanned in src
//! ```
//!
//! How sources are scanned:
//!
//! - `--src DIR` (repeatable; a file works too). Without it: a Cargo
//!   package's code folders beside the toggles file, those of `src`, `tests`,
//!   `examples` and `benches` that exist (`./src`, `./tests`… for
//!   `./toggles.toml`), so a name used only by tests (`toggle_as`,
//!   `with_toggles`) is used, not stale. `--src src` narrows the scan.
//! - Only `.rs` files; whatever `.gitignore` (even outside a git repository),
//!   `.ignore` or a hidden name excludes is skipped.
//! - A name must be the whole content of a string literal: `"dark_mode"`
//!   matches `dark_mode` but not `dark_mode_v2`. Raw strings count, and so does
//!   a call split over several lines. Comments (line, block and doc comments) do
//!   not count: a commented-out use leaves the toggle stale.
//! - For *stale*, any string literal that is exactly a toggle's name counts as a
//!   use (the toggle may be read through `Store::is_enabled("…")` or a
//!   constant), so a toggle is only reported when no code names it at all.
//! - It is fast: a tree of 100,000 lines is scanned in about 0.1 s (release
//!   build).
//!
//! ## `toggles diff [REV]`: what a change turns on, where
//!
//! Compares the working file with the file as git holds it in REV, toggle by
//! toggle and environment by environment, and says what each change does and
//! which line of the working file does it. On a file that declares
//! `environments = ["staging", "production"]` (its toggles and releases may set
//! `env.staging.rollout`, `env.production.enabled`, …), after a pull request's
//! edits:
//!
//! ```console
//! $ toggles diff origin/main
//! ENVIRONMENT  TOGGLE       CHANGE                                      WHY
//! all          express_pay  added, OFF                                  enabled (toggles.toml:23)
//! all          old_banner   removed, was ON
//! (base)       search_v2    +2 allowed (staff-bob, staff-cy)            allow (toggles.toml:20)
//! staging      search_v2    5% → 25%, +2 allowed (staff-bob, staff-cy)  env.staging.rollout (toggles.toml:19), allow (toggles.toml:20)
//! production   new_cart     OFF → ON                                    release checkout-v2: env.production.enabled (toggles.toml:7)
//! production   search_v2    +2 allowed (staff-bob, staff-cy)            allow (toggles.toml:20)
//! ```
//!
//! - **Which versions.** REV is a commit, branch or tag. Without it: the merge
//!   base of `HEAD` and its upstream branch (`git merge-base HEAD @{upstream}`:
//!   what your branch changes, not what others merged since you branched), else
//!   `HEAD` on a branch without upstream (your uncommitted edits); a note on
//!   stderr says which. An upstream without a merge base (a shallow clone, or
//!   another history) is an error (exit 1) that says to fetch more history
//!   (`git fetch --deepen=N`, `--unshallow`) or to name REV, and so is
//!   `--fail-on` on a detached HEAD (a CI checkout) whose file is unchanged:
//!   a gate never passes for having compared nothing. The old file
//!   is read with `git` run as a child process (`git rev-parse`, `git cat-file`
//!   of REV:PATH, PATH taken from the repository's root), so git must be on
//!   `PATH` and the file in a repository: otherwise, an error that says so and
//!   what to do (exit 1). A file REV does not hold (or a repository without a
//!   commit): every toggle is added. A repository git refuses because another
//!   user owns it is refused with git's own advice (`git config --global --add
//!   safe.directory DIR`); the command never overrides that check.
//! - **What is compared:** each toggle's *effective* state, as a check gets it
//!   — the rule of [Which state wins](crate::docs::file_format#which-state-wins), after releases and
//!   environment values — in every **view**: the base values (what a process
//!   without `TOGGLES_ENV` gets) and each environment either version declares.
//!   A version that does not declare an environment is compared there with its
//!   base values (what it gave that environment before it was declared; a note
//!   says so). So a flipped release shows on each toggle that follows it (not
//!   on a member with its own state), and an `env.production` value only in
//!   production. `TOGGLES_ENV` plays no part.
//! - **CHANGE** says what keys get: `OFF → ON`, `5% → 25%` (`rollout = 0` reads
//!   as OFF and `rollout = 100` as ON: the same for every key), `+2 allowed
//!   (KEYS)` and `-1 allowed (KEYS)` for the `allow` list (not reported where
//!   the toggle is ON for every key before and after), `25%, rebucketed: by
//!   release checkout-v2 → by the toggle itself` (the same share, other keys:
//!   a toggle's own rollout buckets by its name, a release's by the release's,
//!   and `bucketing` changes every bucket), `added, STATE`, `removed, was
//!   STATE`. Another spelling of the same states (an own `enabled` equal to
//!   its release's) is no change.
//! - **WHY** is the table and field that decide now, with their line in the
//!   working file: `enabled`, `env.staging.rollout`, `release checkout-v2:
//!   env.production.enabled`, `off by default: …`; nothing for a removed toggle.
//! - **When.** Both versions are resolved at one instant: now, or `--at TIME`
//!   (RFC 3339 with `Z` or an offset, `2026-12-11T09:00Z`), with each
//!   schedule's step in force then. A toggle that decides the same then but
//!   otherwise at a later step of either version (a step added, moved or
//!   restated; or an `allow` list that a later rollout makes matter) reads
//!   `from 2026-12-09T09:00:00Z: 10% → 50%`, the first such step's instant,
//!   and counts as a change. A toggle whose answers stay the same from the
//!   instant on but whose plan changed (a past step removed when a finished
//!   schedule is folded, a step that repeats the state before it) reads
//!   `plan changed, same answers from TIME on`.
//! - **Plans.** After a toggle's line, each step of its deciding table's
//!   schedule (its own, its release's, or `env.E.schedule` in E) that
//!   changed has a line of its own: `step added: rollout 50% at
//!   2026-12-09T09:00:00Z`, `step removed: …` (WHY: where it was in REV),
//!   `step moved: enabled = true from … to …` (the same state at another
//!   instant), `step at … changed: rollout 10% → rollout 20%` (another state
//!   at the same instant), with WHY `schedule (toggles.toml:7)`:
//!
//!   ```console
//!   $ toggles diff --at 2026-12-08T00:00Z
//!   ENVIRONMENT  TOGGLE      CHANGE                                                                        WHY
//!   all          new_search  10% → 20%                                                                     rollout (toggles.toml:7)
//!   all          new_search  step at 2026-12-07T09:00:00Z changed: rollout 10% → rollout 20%               schedule (toggles.toml:7)
//!   all          new_search  step removed: rollout 50% at 2026-12-09T09:00:00Z                             schedule, was at HEAD:toggles.toml:8
//!   all          new_search  step added: rollout 75% at 2026-12-10T09:00:00Z                               schedule (toggles.toml:8)
//!   all          new_search  step moved: enabled = true from 2026-12-11T09:00:00Z to 2026-12-12T09:00:00Z  schedule (toggles.toml:9)
//!   staging      dark_mode   from 2026-12-08T09:00:00Z: ON → OFF                                           env.staging.schedule (toggles.toml:15)
//!   staging      dark_mode   step moved: enabled = true from 2026-12-08T09:00:00Z to 2026-12-09T09:00:00Z  env.staging.schedule (toggles.toml:15)
//!   ```
//! - **ENVIRONMENT** is the view: `(base)`, an environment, or `all` when a
//!   toggle's change and its reason are the same in every view (in a file
//!   without environments, the base values are the only view, so every change
//!   is `all`). Lines come in that order — `all`, `(base)`, then the
//!   environments in promotion order — and by toggle name within each.
//! - Nothing changed: `no toggle changes in any environment since REV`, exit 0.
//!   An invalid version is an error that names it, with line and column: `the
//!   version in origin/main is not valid: origin/main:toggles.toml:2:1: …` or
//!   `the working file is not valid: toggles.toml:3:11: …` (exit 1).
//! - `--json` prints `{ file, path, rev, commit, at, environments, changes: [{
//!   environment, toggle, kind, old, new, summary, why, line, from, plan }],
//!   fail_on, failed }`: `at` is the instant compared, `path` is the file's path in the repository, `rev` REV as given
//!   (or `HEAD`, or the merge base's short hash), `commit` its full hash (null
//!   without a commit), `environments` those either version declares. Each view
//!   is listed on its own (never `all`): `environment` is null for the base
//!   values. `kind` is `added`, `removed`, `changed` (at `at`), `later`
//!   (otherwise from `from`, a later step's instant) or `plan` (only the
//!   schedule changed); `plan` lists the step changes in time order, `{
//!   change, old, new, summary, why }` with `change` one of `added`,
//!   `removed`, `moved`, `changed` and each step `{ at, enabled, rollout,
//!   line }` (null where a side has none; `old`'s line is REV's); `old` and `new` are `{
//!   enabled, rollout, allow, source, release }` as `list --json` gives them
//!   (null for a toggle absent on that side); `summary` is the CHANGE text;
//!   `why` (null for a removed toggle) and `line`, its first line in the working
//!   file.
//! - `--fail-on ENV` (repeat it, or `--fail-on staging,production`) exits **3**
//!   when anything changes in ENV (an `all` line counts for every environment,
//!   a `(base)` line for none), now or at a later step (a pull request that
//!   adds a step changes production later), but not a `plan` change whose
//!   answers stay the same from the instant on (folding a finished schedule
//!   needs no approval), after printing the changes, and says which
//!   toggles on stderr: a CI step that asks for an approval (see [Pull-request
//!   workflow](crate::docs::operations#pull-request-workflow-what-this-changes-in-production)). An ENV
//!   that neither version declares is a usage error (exit 2), with a "did you
//!   mean" for a close one.
//!
//! ## Exit codes
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success; for `check`: no errors (warnings allowed unless `--strict`) |
//! | 1 | an error: invalid or missing file, unknown name, refused edit, failed `check` |
//! | 2 | usage: unknown command or flag, invalid name or value, `--src` that does not exist |
//! | 3 | `diff --fail-on ENV`: the change touches ENV (the changes are printed; an error is 1) |
//!
//! ## `toggles export --format flagd`
//!
//! Writes the toggles as flagd flags (schedules included; each flag's
//! `metadata` with its `description`, `release`, `owner`, `kind` and
//! `expires`), for services in other languages:
//! [Operations, export to flagd](crate::docs::operations#polyglot-fleets-export-to-flagd)
//! has the command, what each flag holds, and how it is proved against
//! flagd's evaluators.
//!
//! ## `toggles schema`: the file's JSON Schema, for editors
//!
//! Prints a JSON Schema (draft-07, the newest draft taplo validates with) of
//! `toggles.toml`. It reads no file: the schema is the same for every one.
//! This repository ships its output as `toggles.schema.json` (a test keeps the
//! two equal); an editor whose TOML support is taplo — the "Even Better TOML"
//! extension of VS Code, and the editors that run taplo's language server —
//! validates the file as it is typed and completes its fields, given the
//! schema beside the file and this first line:
//!
//! ```toml
//! #:schema ./toggles.schema.json
//! ```
//!
//! ```console
//! $ toggles schema > toggles.schema.json   # beside your toggles.toml
//! ```
//!
//! It checks every field, its type, names (1 to 255 ASCII letters, digits, `_`
//! and `-`), percents' range, dates, `kind`, `bucketing`, owners and the shape
//! of schedule steps; `enabled` and `rollout` never together. Its `kind` and
//! `bucketing` values and its limits come from the library, so it cannot drift
//! from the rules. What needs the whole file or the exact text it cannot check,
//! and says so in its `description`: a `release` that names no release, an
//! `env.NAME` that `environments` does not declare, steps out of time order,
//! `expires` before `created`, a rollout with more than two decimals, and a
//! date written as a quoted string (a validator sees TOML dates as strings).
//! `toggles check` checks all of them.
//!
//! ## In CI
//!
//! `toggles check` and `toggles diff` in a pull request:
//! [Operations, In CI](crate::docs::operations#in-ci) and the
//! [pull-request workflow](crate::docs::operations#pull-request-workflow-what-this-changes-in-production).
