//! The old version of the file, from git: the repository that holds the
//! file and its path there, the commit to compare with (REV, else the merge
//! base with the upstream branch, else `HEAD`), and the file's bytes in it
//! (`ls-tree`, `cat-file`; symlinks in REV followed, within the
//! repository); and the file's [`history`](Repo::history), each version
//! the commits on HEAD's first-parent line held (`log`, `cat-file
//! --batch`). git runs as a child process, never overriding its
//! `safe.directory` check; `toggles diff` is the command over the old
//! version, `toggles check` reads the history (how long a toggle has
//! answered as now).

use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use toggles::Timestamp;

use crate::fail::Fail;
use crate::file;

/// Where the repository is and the file's path in it.
pub struct Repo {
    /// The folder git runs in: the real file's folder, or the work tree's
    /// root of the repository the git variables name.
    dir: PathBuf,
    /// The file's path from the repository's root, with `/`.
    pub path: String,
    /// How git finds the repository in every run: `None`, from `dir`
    /// without the variables that name one; else the `GIT_DIR` and
    /// `GIT_WORK_TREE` they named, made absolute.
    named: Option<(PathBuf, PathBuf)>,
}

/// The variables through which a surrounding git (a hook, `git -C`, a
/// script) names a repository and its parts. Relative ones are relative to
/// the folder it ran in, and `GIT_DIR` without `GIT_WORK_TREE` makes that
/// folder the work tree's root: so they are removed wherever git finds the
/// repository from the file's folder.
const REPOSITORY_VARIABLES: [&str; 6] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
];

/// The most symlinks followed in REV, as a kernel would (`ELOOP`).
const MAX_LINKS: usize = 40;

/// The version to compare with.
pub struct Base {
    /// REV as given, `HEAD`, or the merge base's short hash.
    pub label: String,
    /// The commit; `None` in a repository without a commit yet.
    pub commit: Option<String>,
    /// How a default REV was chosen.
    pub note: Option<String>,
    /// The default REV is HEAD because HEAD is detached (no branch, so no
    /// upstream): a clean checkout compared with it compares it with itself.
    pub detached: bool,
}

/// The file as REV holds it.
pub struct Old {
    /// Its bytes; `None` if REV does not hold it.
    pub bytes: Option<Vec<u8>>,
    /// Its path in REV, symlinks followed.
    pub path: String,
    /// The symlinks followed: `(path, target)`.
    pub links: Vec<(String, String)>,
}

impl Repo {
    /// The repository that holds the file (symlinks resolved: git tracks
    /// the real file): the one git finds from the file's folder, whatever
    /// `GIT_DIR` or `GIT_WORK_TREE` say (a hook in a linked worktree gets
    /// `GIT_DIR` exported, which would make the current folder the work
    /// tree's root and give the file another path). Only where that finds
    /// none are the repository those variables name, and its work tree, used
    /// (a separate git dir), as git would from the current folder.
    pub fn locate(path: &Path) -> Result<Repo, Fail> {
        Repo::find(path)?.ok_or_else(|| {
            Fail::error(format!(
                "{} is not in a git repository: `toggles diff` compares it with a version git holds",
                path.display()
            ))
            .help(
                "run it in a clone, or commit the file first (`git init && git add toggles.toml && git commit`); \
                 `toggles list` shows the file as it is",
            )
        })
    }

    /// [`locate`](Self::locate), `None` where the file is in no git
    /// repository.
    pub fn find(path: &Path) -> Result<Option<Repo>, Fail> {
        let real = std::fs::canonicalize(path).map_err(|e| file::read_error(path, e))?;
        let dir = real
            .parent()
            .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        let name = real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut repo = Repo {
            dir,
            path: String::new(),
            named: None,
        };
        let output = repo.git(&["rev-parse", "--show-prefix"])?;
        if output.status.success() {
            let prefix = String::from_utf8_lossy(&output.stdout)
                .trim_end()
                .to_owned();
            repo.path = format!("{prefix}{name}");
            return Ok(Some(repo));
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("dubious ownership") {
            return Err(Fail::error(format!(
                "git refuses to read the repository that holds {}: it belongs to another user",
                path.display()
            ))
            .help(format!(
                "if you trust it, tell git so, as it advises: `git config --global --add safe.directory {}`",
                repo.dir.display()
            )));
        }
        if !stderr.contains("not a git repository") {
            return Err(git_failed("rev-parse --show-prefix", &output));
        }
        Repo::named(&real)
    }

    /// The repository `GIT_DIR` and `GIT_WORK_TREE` name, as git finds it
    /// from the current folder, if they name one whose work tree holds
    /// `real`.
    fn named(real: &Path) -> Result<Option<Repo>, Fail> {
        if !["GIT_DIR", "GIT_WORK_TREE"]
            .iter()
            .any(|v| std::env::var_os(v).is_some())
        {
            return Ok(None);
        }
        let here = std::env::current_dir()
            .map_err(|e| Fail::error(format!("cannot read the current folder: {e}")))?;
        let output = run_git(
            &here,
            &["rev-parse", "--absolute-git-dir", "--show-toplevel"],
            None,
        )?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let mut lines = stdout.lines();
        // No repository there, or one without a work tree: none.
        let (true, Some(git_dir), Some(top)) =
            (output.status.success(), lines.next(), lines.next())
        else {
            return Ok(None);
        };
        let Ok(top) = std::fs::canonicalize(top) else {
            return Ok(None);
        };
        let Ok(inside) = real.strip_prefix(&top) else {
            return Ok(None);
        };
        let path: Vec<String> = inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(Some(Repo {
            dir: top.clone(),
            path: path.join("/"),
            named: Some((PathBuf::from(git_dir), top)),
        }))
    }

    /// The commit to compare with: REV, or by default the merge base with
    /// the upstream branch, else HEAD. No merge base with an upstream is an
    /// error (a shallow clone lacks it): a comparison with HEAD would find
    /// nothing, and a CI gate pass without having looked.
    pub fn base(&self, rev: Option<&str>) -> Result<Base, Fail> {
        if let Some(rev) = rev {
            let commit = self.commit(rev)?.ok_or_else(|| {
                Fail::error(format!("`{rev}` is not a commit in this repository")).help(
                    "name a commit, branch or tag (`git log --oneline` lists commits); a remote branch \
                     needs `git fetch` first, and a shallow clone may lack it (`fetch-depth: 0` with \
                     actions/checkout)",
                )
            })?;
            return Ok(Base {
                label: rev.to_owned(),
                commit: Some(commit),
                note: None,
                detached: false,
            });
        }
        let Some(head) = self.commit("HEAD")? else {
            return Ok(Base {
                label: "HEAD".to_owned(),
                commit: None,
                note: Some("no commit yet: comparing with an empty repository".to_owned()),
                detached: false,
            });
        };
        let upstream = self.git(&[
            "rev-parse",
            "--abbrev-ref",
            "--symbolic-full-name",
            "@{upstream}",
        ])?;
        if upstream.status.success() {
            let upstream = String::from_utf8_lossy(&upstream.stdout).trim().to_owned();
            let merge_base = self.git(&["merge-base", "HEAD", "@{upstream}"])?;
            if merge_base.status.success() {
                let commit = String::from_utf8_lossy(&merge_base.stdout)
                    .trim()
                    .to_owned();
                let short = commit.get(..12).unwrap_or(&commit).to_owned();
                return Ok(Base {
                    note: Some(format!(
                        "comparing with {short}, where HEAD branched from {upstream} (`git merge-base HEAD @{{upstream}}`)"
                    )),
                    label: short,
                    commit: Some(commit),
                    detached: false,
                });
            }
            let shallow = self.git(&["rev-parse", "--is-shallow-repository"])?;
            let compare = format!(
                "to compare with another version, name it: `toggles diff {upstream}` (its tip) or `toggles diff HEAD`"
            );
            return Err(
                if String::from_utf8_lossy(&shallow.stdout).trim() == "true" {
                    Fail::error(format!(
                        "cannot find where HEAD branched from {upstream}: the clone is shallow and lacks \
                         the merge base (`git merge-base HEAD @{{upstream}}` finds none)"
                    ))
                    .help(format!(
                        "fetch more history: `git fetch --deepen=100` (repeat until it is found) or \
                         `git fetch --unshallow`; with actions/checkout, `fetch-depth: 0`; {compare}"
                    ))
                } else {
                    Fail::error(format!(
                        "HEAD shares no history with its upstream {upstream}: there is no merge base to compare with"
                    ))
                    .help(compare)
                },
            );
        }
        let detached = !self
            .git(&["symbolic-ref", "--quiet", "HEAD"])?
            .status
            .success();
        Ok(Base {
            label: "HEAD".to_owned(),
            commit: Some(head),
            note: Some(if detached {
                "comparing with HEAD (HEAD is detached: no branch, so no upstream; \
                 `toggles diff REV` names another version)"
                    .to_owned()
            } else {
                "comparing with HEAD (the branch has no upstream; `toggles diff REV` names another version)"
                    .to_owned()
            }),
            detached,
        })
    }

    /// The commit `rev` names, if it names one.
    fn commit(&self, rev: &str) -> Result<Option<String>, Fail> {
        let spec = format!("{rev}^{{commit}}");
        let output = self.git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ])?;
        Ok(output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned()))
    }

    /// The file as `commit` holds it, following symlinks there (in the file's
    /// path and its folders), relative to the link's folder, at most
    /// [`MAX_LINKS`], never out of the repository.
    pub fn old(&self, commit: &str, label: &str) -> Result<Old, Fail> {
        // The components still to walk, the next one last.
        let mut rest: Vec<String> = Vec::new();
        push_components(&mut rest, &self.path);
        let mut done: Vec<String> = Vec::new();
        let mut links: Vec<(String, String)> = Vec::new();
        let missing = |done: &[String], name: &str, links: Vec<(String, String)>| Old {
            bytes: None,
            path: join(done, name),
            links,
        };
        while let Some(name) = rest.pop() {
            if name == ".." {
                if done.pop().is_none() {
                    let (link, target) = links.last().cloned().unwrap_or_default();
                    return Err(outside(label, &link, &target));
                }
                continue;
            }
            let here = join(&done, &name);
            let Some(entry) = self.entry(commit, &done.join("/"), &name)? else {
                return Ok(missing(&done, &name, links));
            };
            if entry.mode == "120000" {
                let target = self.object(&entry.oid)?;
                let target = String::from_utf8_lossy(&target).into_owned();
                if target.starts_with('/') {
                    return Err(outside(label, &here, &target));
                }
                if links.len() == MAX_LINKS {
                    return Err(Fail::error(format!(
                        "{label}:{} is a chain of more than {MAX_LINKS} symlinks (a loop?)",
                        self.path
                    ))
                    .help(
                        "compare with a version where it is the toggles file (`toggles diff REV`)",
                    ));
                }
                links.push((here, target.clone()));
                push_components(&mut rest, &target);
                continue;
            }
            match (entry.kind.as_str(), rest.is_empty()) {
                ("tree", false) => done.push(name),
                // A file where a folder was expected: no such path.
                (_, false) => return Ok(missing(&done, &name, links)),
                ("blob", true) => {
                    return Ok(Old {
                        bytes: Some(self.object(&entry.oid)?),
                        path: here,
                        links,
                    });
                }
                (kind, true) => {
                    let kind = if kind == "commit" { "submodule" } else { kind };
                    return Err(
                        Fail::error(format!("{label}:{here} is a {kind}, not a file"))
                            .help("compare with a version where it is the toggles file"),
                    );
                }
            }
        }
        // The path walked back to the root folder: a folder, not a file.
        Err(
            Fail::error(format!("{label}:{} is a folder, not a file", self.path))
                .help("compare with a version where it is the toggles file"),
        )
    }

    /// The entry `name` of the folder `dir` (`""`: the root) in `commit`.
    fn entry(&self, commit: &str, dir: &str, name: &str) -> Result<Option<Entry>, Fail> {
        let tree = format!("{commit}:{dir}");
        let output = self.git(&["ls-tree", "-z", "--full-tree", "--end-of-options", &tree])?;
        if !output.status.success() {
            return Err(git_failed(&format!("ls-tree {tree}"), &output));
        }
        // `MODE TYPE OID\tNAME\0`, names unquoted with -z.
        Ok(output
            .stdout
            .split(|b| *b == 0)
            .filter_map(|line| {
                let line = std::str::from_utf8(line).ok()?;
                let (meta, entry) = line.split_once('\t')?;
                (entry == name).then_some(meta)
            })
            .find_map(|meta| {
                let mut parts = meta.split(' ');
                Some(Entry {
                    mode: parts.next()?.to_owned(),
                    kind: parts.next()?.to_owned(),
                    oid: parts.next()?.to_owned(),
                })
            }))
    }

    /// The bytes of a blob.
    fn object(&self, oid: &str) -> Result<Vec<u8>, Fail> {
        let output = self.git(&["cat-file", "blob", oid])?;
        if !output.status.success() {
            return Err(git_failed("cat-file blob", &output));
        }
        Ok(output.stdout)
    }

    /// Runs `git ARGS` in `dir`, the repository found as [`Repo::named`] says.
    fn git(&self, args: &[&str]) -> Result<Output, Fail> {
        run_git(&self.dir, args, Some(self.named.as_ref()))
    }

    /// The versions of the file the last `limit` commits that changed it
    /// on HEAD's first-parent line hold (the line a branch's deployments
    /// followed: a merge is one change, its side branch's commits none),
    /// newest first: `git log --first-parent`, then every version read by
    /// one `git cat-file --batch`. Empty in a repository without a commit,
    /// or where no commit holds the file.
    pub fn history(&self, limit: usize) -> Result<Vec<Version>, Fail> {
        let limit = format!("--max-count={limit}");
        let pathspec = format!(":(top,literal){}", self.path);
        let log = self.git(&[
            "log",
            "--first-parent",
            &limit,
            "--format=%H %ct",
            "--end-of-options",
            "HEAD",
            "--",
            &pathspec,
        ])?;
        if !log.status.success() {
            // No commit yet: no history.
            if self.commit("HEAD")?.is_none() {
                return Ok(Vec::new());
            }
            return Err(git_failed("log", &log));
        }
        let commits: Vec<(String, Timestamp)> = String::from_utf8_lossy(&log.stdout)
            .lines()
            .filter_map(|line| {
                let (commit, time) = line.split_once(' ')?;
                Some((
                    commit.to_owned(),
                    Timestamp::from_unix_seconds(time.parse().ok()?),
                ))
            })
            .collect();
        if commits.is_empty() || self.path.contains('\n') {
            return Ok(Vec::new());
        }
        let input: String = commits
            .iter()
            .map(|(commit, _)| format!("{commit}:{}\n", self.path))
            .collect();
        let mut child = command(
            &self.dir,
            &["cat-file", "--batch"],
            Some(self.named.as_ref()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(spawn_error)?;
        let mut stdin = child.stdin.take().expect("piped");
        // Written while the versions are read: git blocks on a full pipe.
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let mut out = io::BufReader::new(child.stdout.take().expect("piped"));
        let mut versions = Vec::with_capacity(commits.len());
        let read = |e: io::Error| Fail::error(format!("cannot read `git cat-file --batch`: {e}"));
        for (commit, time) in commits {
            let mut header = String::new();
            out.read_line(&mut header).map_err(read)?;
            // `OID TYPE SIZE`, else `NAME missing` (or `ambiguous`).
            let mut parts = header.split_whitespace();
            let (kind, size) = match (parts.next(), parts.next(), parts.next()) {
                (Some(_), Some(kind), Some(size)) => (kind, size.parse::<usize>().ok()),
                _ => ("missing", None),
            };
            let bytes = match size {
                Some(size) => {
                    let mut contents = vec![0; size + 1];
                    out.read_exact(&mut contents).map_err(read)?;
                    contents.pop();
                    (kind == "blob").then_some(contents)
                }
                None => None,
            };
            versions.push(Version {
                commit,
                time,
                bytes,
            });
        }
        let _ = writer.join();
        let _ = child.wait();
        Ok(versions)
    }
}

/// One version of the file in its [`history`](Repo::history).
pub struct Version {
    pub commit: String,
    /// The commit's committer time.
    pub time: Timestamp,
    /// The file's bytes; `None` where the commit removed it (or holds no
    /// file there).
    pub bytes: Option<Vec<u8>>,
}

/// A tree's entry.
struct Entry {
    mode: String,
    kind: String,
    oid: String,
}

/// Pushes the components of `path` on `stack`, the first one last (so it
/// is popped first); without `.` and empty ones.
fn push_components(stack: &mut Vec<String>, path: &str) {
    stack.extend(
        path.split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .rev()
            .map(str::to_owned),
    );
}

fn join(dir: &[String], name: &str) -> String {
    dir.iter()
        .map(String::as_str)
        .chain([name])
        .collect::<Vec<_>>()
        .join("/")
}

fn outside(label: &str, link: &str, target: &str) -> Fail {
    Fail::error(format!(
        "{label}:{link} is a symlink to `{target}`, outside the repository: `toggles diff` reads only what {label} holds"
    ))
    .help("compare with a version where it is the toggles file (`toggles diff REV`)")
}

/// Runs `git ARGS` in `dir`, with messages in English (`LC_ALL=C`) since
/// some are recognized. `repository`: `None` leaves the environment as
/// given; `Some(None)` removes the [`REPOSITORY_VARIABLES`], so that git
/// finds the repository from `dir`; `Some(Some((git dir, work tree)))` names
/// them.
fn run_git(
    dir: &Path,
    args: &[&str],
    repository: Option<Option<&(PathBuf, PathBuf)>>,
) -> Result<Output, Fail> {
    command(dir, args, repository)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(spawn_error)
}

/// The command [`run_git`] runs.
fn command(dir: &Path, args: &[&str], repository: Option<Option<&(PathBuf, PathBuf)>>) -> Command {
    let mut command = Command::new("git");
    command
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .env_remove("LANGUAGE");
    match repository {
        None => {}
        Some(None) => {
            for variable in REPOSITORY_VARIABLES {
                command.env_remove(variable);
            }
        }
        Some(Some((git_dir, work_tree))) => {
            command
                .env("GIT_DIR", git_dir)
                .env("GIT_WORK_TREE", work_tree);
        }
    }
    command
}

fn spawn_error(e: io::Error) -> Fail {
    match e.kind() {
        io::ErrorKind::NotFound => Fail::error(
            "git is not installed (or not on PATH): `toggles diff` reads the old version of the file with git",
        )
        .help("install git, or put it on PATH"),
        _ => Fail::error(format!("cannot run git: {e}")),
    }
}

fn git_failed(what: &str, output: &Output) -> Fail {
    let stderr = String::from_utf8_lossy(&output.stderr);
    Fail::error(format!("`git {what}` failed: {}", stderr.trim()))
}
