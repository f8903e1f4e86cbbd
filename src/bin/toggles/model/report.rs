//! What an edit did, as one value: per table edited, its state before and
//! after, what else changed or stays (keys on through an `allow` list, a
//! release's toggles with state of their own, values kept in
//! environments), and its state in each environment; and whether the file
//! was written. The edit commands build it; `view::edits` renders it as
//! text, so computing and printing are apart.

use toggles::{Release, Rollout, Snapshot, Source, Step, ToggleInfo};

use crate::model::decision::{Decision, decide, decide_release};
use crate::model::edit::Edited;

/// What one edit command did.
pub struct EditReport<'a> {
    /// Each table edited, in the order given (duplicates once).
    pub targets: Vec<TargetReport<'a>>,
    /// Whether the file was written (false: nothing to change).
    pub written: bool,
}

/// The table an edit changed, and in which environment (`None`: the base
/// values).
#[derive(Clone, Copy)]
pub struct Subject<'a> {
    /// A release's table, not a toggle's.
    pub release: bool,
    pub name: &'a str,
    pub env: Option<&'a str>,
}

/// What an edit did to one table.
pub struct TargetReport<'a> {
    pub subject: Subject<'a>,
    /// What changed and what stays, in the order it reads.
    pub lines: Vec<Line<'a>>,
    /// The table's key-less state in each view, for a file that declares
    /// environments (empty otherwise).
    pub environments: Vec<(Option<&'a str>, Decision)>,
}

/// A toggle's state before and after, and the release it is now set over
/// (when its own table decides).
pub struct Transition<'a> {
    pub before: &'a ToggleInfo,
    pub after: &'a ToggleInfo,
    pub over: Option<&'a Release>,
}

impl<'a> Transition<'a> {
    pub fn new(before: &'a ToggleInfo, after: &'a ToggleInfo, edited: &'a Edited) -> Self {
        let over = edited
            .after()
            .release(after.release().unwrap_or_default())
            .filter(|_| after.source() == Source::Own);
        Transition {
            before,
            after,
            over,
        }
    }
}

/// What a key of an `allow`/`disallow` edit got.
pub enum KeyAnswer {
    Allowed,
    AlreadyAllowed,
    NoLongerAllowed,
    /// The table has no `allow` list of its own.
    NoOwnList,
    /// The list the key was not in is gone (or was empty).
    NotInTheListEither,
    /// Not in the list, which holds these keys.
    NotIn(Vec<String>),
}

/// One fact of an edit's report.
pub enum Line<'a> {
    /// A toggle created, on or off, at its line.
    Added { enabled: bool, line: usize },
    /// A release created.
    AddedRelease { after: &'a Release },
    /// A toggle already in the state asked for.
    Already { after: &'a ToggleInfo },
    /// A release already in the state asked for.
    AlreadyRelease { after: &'a Release },
    /// A toggle's state changed (or only what decides it).
    Changed(Transition<'a>),
    /// A release's state before and after.
    ReleaseChanged {
        before: &'a Release,
        after: &'a Release,
    },
    /// `follow --env E`: the toggle's `env.E` values dropped.
    DroppedEnvironment {
        transition: Transition<'a>,
        environment: &'a str,
    },
    /// `follow --env E` on a toggle without `env.E` values.
    AlreadyWithoutEnvironment {
        environment: &'a str,
        after: &'a ToggleInfo,
    },
    /// `follow` on a toggle without state of its own.
    AlreadyFollows { after: &'a ToggleInfo },
    /// A new toggle that follows its release (or is off by default).
    Follows { after: &'a ToggleInfo },
    /// `assign`: a new toggle in the release.
    AddedToRelease { release: &'a str, enabled: bool },
    /// `assign`: already in the release.
    AlreadyInRelease { release: &'a str },
    /// `assign`: moved into the release (from another, if it was in one).
    NowInRelease {
        release: &'a str,
        was: Option<&'a str>,
        transition: Transition<'a>,
    },
    /// After `off`: keys that stay on through the table's `allow` list.
    KeysStayOn { keys: Vec<&'a str> },
    /// `follow` dropped the toggle's own `rollout`.
    DroppedRollout(Rollout),
    /// `follow` dropped the toggle's own `allow` list.
    DroppedAllow(Vec<&'a str>),
    /// `follow --env E`: the toggle's base values still win over its
    /// release.
    BaseStillWins { after: &'a ToggleInfo },
    /// `follow`: the toggle keeps its values in environment E.
    KeepsEnvironment(&'a str),
    /// After a release edit: its toggles.
    Members(Members<'a>),
    /// A rollout below 100%: a check without a key gets OFF.
    NoKeyGetsOff,
    /// `allow --env E` started `env.E.allow` as a copy of the base list.
    CopiedBaseList {
        environment: &'a str,
        keys: Vec<String>,
    },
    /// One key of `allow` or `disallow`.
    Key { key: &'a str, answer: KeyAnswer },
    /// The table is on for every key: its `allow` list changes nothing now.
    OnForEveryKey,
    /// `disallow` took the last key out: the line removed, or (with
    /// `Some(E)`) `env.E.allow = []` kept so that the base list stays out.
    NoKeysLeft { kept_empty_in: Option<&'a str> },
    /// `disallow` took the toggle's last own state: it follows now.
    NoOwnStateLeft { after: &'a ToggleInfo },
    /// `assign`: the toggle's own state wins over its new release.
    OwnWinsOverRelease { after: &'a ToggleInfo },
    /// `--at`: the step now in the schedule (its line in the new file), and
    /// the step at the same instant it replaced, if there was one.
    StepAdded {
        step: &'a Step,
        replaced: Option<Step>,
    },
    /// `--at --env E` on a table without a state of its own in E: its
    /// state there (`rollout = 1`, `enabled = true`) written into `env.E`
    /// as the start of `env.E.schedule`, which replaces the base slot.
    StartCopied {
        environment: &'a str,
        written: String,
    },
    /// An edit of the state now replaced the whole state slot: the
    /// table's `schedule` (`env.E.schedule` with `Some(E)`) of so many
    /// steps went with it.
    ScheduleRemoved {
        steps: usize,
        environment: Option<&'a str>,
    },
    /// An edit of E's state now on a table whose base `schedule` applied
    /// in E: E's own value replaces it there (the base schedule stays).
    BaseScheduleReplaced { environment: &'a str, steps: usize },
    /// `unschedule --at`: the step taken out.
    StepRemoved(Step),
    /// `unschedule --all`: the `schedule` (`env.E.schedule` with `Some(E)`)
    /// of so many steps taken out.
    Unscheduled {
        steps: usize,
        environment: Option<&'a str>,
    },
    /// Where a schedule remains: its next step (`None`: none to come), the
    /// one in force (`None`: before the first), and how many it has.
    NextStep {
        next: Option<&'a Step>,
        in_force: Option<&'a Step>,
        steps: usize,
    },
}

/// A release's toggles after an edit of it: how many are on, how many
/// follow its rollout, and those whose own state wins.
pub struct Members<'a> {
    pub count_on: usize,
    pub total: usize,
    /// With a rollout: it, and how many toggles follow it.
    pub rollout: Option<(Rollout, usize)>,
    /// The toggles whose own state differs from the release's and wins.
    pub own: Vec<&'a ToggleInfo>,
}

impl<'a> Members<'a> {
    pub fn of(snapshot: &'a Snapshot, release: &Release) -> Self {
        let (count_on, total) = release.counts();
        let rollout = release.rollout().map(|rollout| {
            let following = release
                .toggles()
                .filter(|(name, _)| {
                    snapshot
                        .get(name)
                        .is_some_and(|t| t.source() == Source::Release)
                })
                .count();
            (rollout, following)
        });
        let own = release
            .toggles()
            .filter_map(|(name, _)| snapshot.get(name))
            .filter(|toggle| {
                let differs = toggle.is_enabled() != release.is_enabled()
                    || toggle.rollout() != release.rollout();
                toggle.source() == Source::Own && differs
            })
            .collect();
        Members {
            count_on,
            total,
            rollout,
            own,
        }
    }
}

impl<'a> TargetReport<'a> {
    /// A table's report with its state in each environment of the edited
    /// file (none for a file without environments).
    pub fn new(subject: Subject<'a>, lines: Vec<Line<'a>>, edited: &'a Edited) -> Self {
        TargetReport {
            subject,
            lines,
            environments: environments(edited, subject),
        }
    }

    /// A table's report without its state in each environment (`add`,
    /// `assign`: base-value edits of what a toggle is).
    pub fn plain(subject: Subject<'a>, lines: Vec<Line<'a>>) -> Self {
        TargetReport {
            subject,
            lines,
            environments: Vec::new(),
        }
    }
}

/// The table's key-less state in each view of the edited file, for a file
/// with environments.
fn environments<'a>(edited: &'a Edited, subject: Subject<'_>) -> Vec<(Option<&'a str>, Decision)> {
    if !edited.views.any() {
        return Vec::new();
    }
    edited
        .views
        .columns()
        .filter_map(|(environment, snapshot)| {
            let decision = if subject.release {
                decide_release(snapshot.release(subject.name)?, environment)
            } else {
                decide(snapshot.get(subject.name)?, snapshot, environment)
            };
            Some((environment, decision))
        })
        .collect()
}

/// The first lines of an edit of one table's state: its state before and
/// after (or that it already was so, when nothing was written), and for a
/// release, its toggles.
pub fn state_lines<'a>(subject: Subject<'a>, edited: &'a Edited) -> Vec<Line<'a>> {
    let name = subject.name;
    if subject.release {
        let before = edited.before.release(name).expect("checked");
        let after = edited.after().release(name).expect("kept");
        let first = if edited.written {
            Line::ReleaseChanged { before, after }
        } else {
            Line::AlreadyRelease { after }
        };
        vec![first, Line::Members(Members::of(edited.after(), after))]
    } else {
        let before = edited.before.get(name).expect("checked");
        let after = edited.after().get(name).expect("kept");
        vec![if edited.written {
            Line::Changed(Transition::new(before, after, edited))
        } else {
            Line::Already { after }
        }]
    }
}
