//! # Operations
//!
//! Shipping the file to a fleet, gating pull requests in CI, serving the
//! same toggles to other languages through flagd, and logging.
//!
//! ## Shipping toggles to a Kubernetes fleet
//!
//! Put `toggles.toml` in a ConfigMap, mount it as a volume (not with
//! `subPath`, which kubelet never updates), point `TOGGLES_FILE` at it and set
//! `TOGGLES_APPEND=off` (the volume is read-only):
//! `examples/kubernetes/configmap.yaml` in the repository.
//! `kubectl apply` the new ConfigMap and every pod switches within kubelet's
//! sync period, each atomically, with no restart.
//! With [environments](crate::docs::environments), every environment mounts the same
//! ConfigMap and each Deployment sets `TOGGLES_ENV` (`staging`,
//! `production`); the example shows two.
//!
//! ## In CI
//!
//! Build the command once (see [Install](crate::docs::cli#install)) and run the check in the pull
//! request's checkout:
//!
//! ```sh
//! cargo install --locked --path path/to/toggles --features cli   # once published: cargo install --locked toggles --features cli
//! toggles check --strict --max-age 120
//! ```
//!
//! For example, as a GitHub Actions step, once `toggles` is installed:
//!
//! ```yaml
//! - name: Feature toggles
//!   run: |
//!     toggles check --strict
//! ```
//!
//! A missing name fails the pull request until it is added to `toggles.toml`
//! (`toggles add NAME`, or run the code once: the library appends it). Stale and
//! old toggles and fully-on releases are reminders; make them fail with
//! `--strict` once the file is tidy. `--json` output is there for bots that
//! comment on the pull request.
//!
//! ## Pull-request workflow: what this changes in production
//!
//! A reviewer of `toggles.toml` reads a text diff; what they need to know is
//! what it turns on, and where. `toggles diff` says it, and a pull request can
//! carry the answer as a comment and ask for an approval when production
//! changes. In GitHub Actions (`.github/workflows/toggles.yml`):
//!
//! ```yaml
//! name: toggles
//! on: pull_request
//!
//! jobs:
//!   diff:
//!     runs-on: ubuntu-latest
//!     permissions:
//!       contents: read
//!       pull-requests: write            # to comment
//!     outputs:
//!       production: ${{ steps.gate.outputs.production }}
//!     steps:
//!       - uses: actions/checkout@v4
//!         with:
//!           fetch-depth: 0              # the base branch's history: the old file is read with git
//!       - run: cargo install --locked --path path/to/toggles --features cli   # see Install
//!       - name: Comment what this pull request changes, per environment
//!         env:
//!           GH_TOKEN: ${{ github.token }}
//!           PR: ${{ github.event.pull_request.number }}
//!         run: |
//!           {
//!             echo "#### What this pull request changes in each environment"
//!             echo '```text'
//!             toggles diff "origin/$GITHUB_BASE_REF"
//!             echo '```'
//!           } > toggles-diff.md
//!           gh pr comment "$PR" --body-file toggles-diff.md --edit-last \
//!             || gh pr comment "$PR" --body-file toggles-diff.md
//!       - name: Does it change production?
//!         id: gate
//!         run: |
//!           set +e
//!           toggles diff "origin/$GITHUB_BASE_REF" --fail-on production > /dev/null
//!           case $? in
//!             0) echo production=false >> "$GITHUB_OUTPUT" ;;
//!             3) echo production=true >> "$GITHUB_OUTPUT" ;;
//!             *) exit 1 ;;                # a broken file, no git, …: fail
//!           esac
//!
//!   production-approval:
//!     needs: diff
//!     if: needs.diff.outputs.production == 'true'
//!     runs-on: ubuntu-latest
//!     environment: toggles-production   # Settings → Environments: add required reviewers
//!     steps:
//!       - run: echo "production toggle changes approved"
//! ```
//!
//! - A `pull_request` run checks out the merge of the pull request into its
//!   base, so comparing with `origin/$GITHUB_BASE_REF` (fetched by
//!   `fetch-depth: 0`) shows exactly what merging it changes. In a shallow
//!   clone REV may be missing: `toggles diff` then says that it is not a
//!   commit, and points at `fetch-depth: 0`.
//! - Make `production-approval` a required status check of the base branch: a
//!   pull request that changes nothing in production skips it (a skipped job
//!   counts as passed), one that does waits until a reviewer of the
//!   `toggles-production` environment approves the run. Exit code 3 is what
//!   tells "needs an approval" apart from an error (1) in the gate step.
//! - For a bot of your own, `toggles diff "origin/$GITHUB_BASE_REF" --json`
//!   gives every change with its environment, old and new state, reason and
//!   line, e.g. `jq '.changes[] | select(.environment == "production")'`.
//! - Pull requests from forks get a read-only token: the comment step fails
//!   there; run it on `pull_request_target` only if you understand what that
//!   exposes, or keep the gate and drop the comment.
//!
//! ## Polyglot fleets: export to flagd
//!
//! Services in other languages can read the same toggles through
//! [flagd](https://flagd.dev) or an OpenFeature flagd provider, and give every
//! key the answer a Rust service gets from `toggle!("name", key)`:
//!
//! ```sh
//! toggles export --format flagd --out flags.flagd.json   # without --out: to stdout
//! toggles export --format flagd --env production         # one environment's flags
//! ```
//!
//! A flagd deployment serves one environment: `--env` (default:
//! `TOGGLES_ENV`, as for `list`) exports the file as that environment sees it.
//!
//! Each toggle becomes a boolean flag with the variants `on` and `off`: its
//! `defaultVariant` is its state for a check without a key, and a `targeting`
//! rule, only where a key can change the answer, reproduces the allow list,
//! the rollout (flagd's `fractional`), and a release's rollout bucketed by the
//! release (`cat` of its name and the key), so a key gets all toggles of a
//! release together. A missing or empty targeting key gets the default variant,
//! as in the library. What the file says about a toggle becomes the flag's
//! `metadata`, as strings: `description`, `release`, `owner`, `kind` (always;
//! `release` where it is not written) and `expires` (`YYYY-MM-DD`), the
//! toggle's own fields, each where it is set:
//!
//! ```json
//! "metadata": { "release": "checkout", "owner": "payments", "kind": "experiment", "expires": "2026-12-24" }
//! ```
//!
//! Both evaluators return it, merged over the flag-set metadata below, with
//! every evaluation: a hook in a Go, JavaScript or Python service reads the
//! same keys as the Rust [OpenFeature provider's](crate::docs::openfeature)
//! (`environment` comes from the flag set there). The output is sorted and stable, so it diffs well, and `--out` replaces the file
//! atomically (a temporary file, then a rename): flagd's file watcher never
//! reads half of it.
//!
//! **Schedules.** A toggle whose deciding table has a `schedule` (in the
//! exported environment: `env.E.schedule`, or the base one where E sets only
//! `allow`) is exported with every step, past ones too: its `targeting`
//! compares flagd's `$flagd.timestamp` (the evaluation's instant in whole
//! seconds since the epoch, which flagd's evaluators put into every
//! evaluation) with each step's `at`, from the last step to the first, and
//! gives the rule of the state in force, else the table's start state (its
//! `defaultVariant` is then `off`, what the rule's `null` means in every
//! state). So a Go, JavaScript or Python service flips at the step's second,
//! as the Rust ones do, with no new export and no restart, and the export is
//! the same whenever it is made. Each side flips by **its own clock**: a
//! server whose clock is off by S seconds flips S seconds early or late, so
//! keep every host on NTP, and do not schedule steps that must be exact to
//! less than your clocks' drift. Steps are whole seconds (the file refuses
//! fractions), as `$flagd.timestamp` is.
//!
//! The flags are the same whatever the file's `bucketing`; what hashes the
//! keys is the evaluator, so use one that implements the file's scheme. The
//! export says which scheme it was made for (and, with `--env`, which
//! environment) in flagd's flag-set metadata, which both evaluators pass on
//! with every evaluation's flag metadata:
//!
//! ```json
//! "metadata": { "bucketing": "flagd-v3", "environment": "production" }
//! ```
//!
//! | `bucketing` | gives the library's answers in |
//! |---|---|
//! | `"flagd-v3"` (the default) | PyPI `openfeature-flagd-core` 2.x, for every key |
//! | `"flagd-v2"` | npm `@openfeature/flagd-core` 4.x, **for ASCII keys only** |
//!
//! The npm evaluator 4.x does not hash a key's UTF-8 bytes, as flagd-v2 is
//! defined, but its UTF-16 code units (through `imurmurhash` 0.1.4): a key
//! with any non-ASCII character may land in another bucket, on in one language
//! and off in the other. Keep keys ASCII (ids, UUIDs) with it. Other
//! evaluators (flagd itself, other SDKs) have not been checked here: find out
//! which scheme their version implements before a rollout depends on it.
//!
//! How it is proved: `tests/cli/flagd.rs` (run with
//! `cargo test --all-features --test cli -- --ignored flagd::`; CI runs it on
//! every change and fails if it was skipped) exports a generated file of 34 toggles covering every case (own
//! and release rollouts from 0 to 100 %, allow lists, both together, fixed
//! states, toggles overriding their release), installs the real evaluators
//! with npm and pip (versions pinned in `tests/flagd/`), and checks that every
//! decision over more than 10 000 keys — among them, for each rollout, the
//! keys whose bucket is just inside and just outside it, an empty key and no
//! key — equals the library's: a flagd-v2 file in the npm evaluator (ASCII
//! keys), a flagd-v3 file in the Python one (ASCII and non-ASCII keys). The npm
//! evaluator also validates both files strictly against flagd's schema. A
//! second file with schedules (on toggles and releases, with rollouts, allow
//! lists and environments) is exported in each environment and evaluated with
//! the clock fixed inside the evaluator's process at instants around every
//! step (a day before the first, 1 s and 1 ms before and exactly at each, a
//! day after the last): every decision equals the library's `Snapshot::at`
//! that instant. Both runs also check the flag metadata each evaluator
//! returns with an evaluation (the file has owners, kinds and expiry dates,
//! on toggles and on releases): for every flag, the toggle's own fields as
//! the library reads them, with `bucketing`, and `environment` in each
//! environment's export.
//!
//! ## Logging
//!
//! The library never prints. It logs through the [`log`](https://docs.rs/log)
//! facade — one line per reload that changed something, each bad save with its
//! file, line and column, appended names, and I/O problems (each once) — so
//! install the logger you already use (`env_logger`, `tracing-subscriber` with
//! its `log` bridge, …).
