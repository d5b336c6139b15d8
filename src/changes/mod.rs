//! PR mode: what changed (`--changed-since REV` through Git, or `--files` as pre-commit
//! passes them), what those changes affect, and which findings sit on changed lines.
//!
//! - `git.rs` lists the files that differ between REV and the work tree (gix), `lines.rs`
//!   diffs each one to find its new lines;
//! - `scope.rs` turns changed files into the kustomizations and manifests to check, from the
//!   render stage's prediction of every kustomization's inputs (`render::inputs`);
//! - [`ChangeSet::on_changed_line`] decides which findings are reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Finding, Location};

mod git;
pub mod lines;
pub mod scope;

pub use scope::Scope;

/// How a file changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// New; `from` when it is a deleted file's exact content under a new path (a rename).
    Added {
        from: Option<String>,
    },
    Modified,
    Deleted,
}

/// Which lines of the work-tree file are new or changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lines {
    /// Every line (a new file, a file given with `--files`, binary content).
    All,
    /// Inclusive 1-based ranges, sorted, not overlapping; empty for a deleted file or a pure
    /// rename.
    Only(Vec<(u32, u32)>),
}

impl Lines {
    pub fn contains(&self, line: u32) -> bool {
        match self {
            Lines::All => true,
            Lines::Only(ranges) => {
                let i = ranges.partition_point(|(_, last)| *last < line);
                ranges.get(i).is_some_and(|(first, _)| *first <= line)
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct Change {
    /// Relative to the work tree while being computed; to the gitgate root in a [`ChangeSet`].
    pub path: String,
    pub status: Status,
    pub lines: Lines,
}

/// Where the changes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// `--changed-since REV`: Git, REV to the work tree.
    Since(String),
    /// `--files`: the files given (pre-commit's staged files); every line counts as changed.
    Files,
}

/// The changed files of a run.
#[derive(Clone, Debug)]
pub struct ChangeSet {
    pub source: Source,
    /// Changed files under the gitgate root, by root-relative path.
    pub files: BTreeMap<String, Change>,
    /// Changed files outside the root (absolute): they matter when they are policies,
    /// policy data or schemas.
    pub outside: Vec<PathBuf>,
}

impl ChangeSet {
    /// The changes between `rev` and the work tree, for the files under `root` and `scopes`
    /// (policy directories and the like, absolute).
    pub fn since(root: &Path, rev: &str, scopes: &[PathBuf]) -> Result<ChangeSet, String> {
        let mut all = vec![root.to_path_buf()];
        all.extend(scopes.iter().cloned());
        let (top, changes) = git::changed_since(root, rev, &all)?;
        let (files, outside) = git::relative_to_root(&top, root, changes);
        Ok(ChangeSet {
            source: Source::Since(rev.to_string()),
            files,
            outside,
        })
    }

    /// The files given on the command line (`--files`, relative to the current directory)
    /// as changed in full; a file that does not exist counts as deleted.
    pub fn from_files(root: &Path, paths: &[PathBuf]) -> Result<ChangeSet, String> {
        let cwd = std::env::current_dir()
            .map_err(|e| format!("cannot read the current directory: {e}"))?;
        let mut set = ChangeSet {
            source: Source::Files,
            files: BTreeMap::new(),
            outside: Vec::new(),
        };
        for p in paths {
            let abs = std::fs::canonicalize(p).unwrap_or_else(|_| {
                // Deleted: its directory may still exist (and hold symlinks).
                let joined = cwd.join(p);
                match (joined.parent(), joined.file_name()) {
                    (Some(dir), Some(name)) => std::fs::canonicalize(dir)
                        .map(|d| d.join(name))
                        .unwrap_or(joined),
                    _ => joined,
                }
            });
            if abs.is_dir() {
                continue;
            }
            let status = if abs.exists() {
                Status::Modified
            } else {
                Status::Deleted
            };
            match crate::walk::relative(root, &abs)
                .and_then(|rel| crate::objects::normalize("", &rel))
                .filter(|rel| !rel.is_empty())
            {
                Some(rel) => {
                    let lines = if status == Status::Deleted {
                        Lines::Only(Vec::new())
                    } else {
                        Lines::All
                    };
                    set.files.insert(
                        rel.clone(),
                        Change {
                            path: rel,
                            status,
                            lines,
                        },
                    );
                }
                None => set.outside.push(abs),
            }
        }
        Ok(set)
    }

    /// Changed files (any status) at or under the absolute path `at`: a policy directory,
    /// the configuration file.
    pub fn touches(&self, root: &Path, at: &Path) -> Option<String> {
        let inside = self
            .files
            .keys()
            .find(|rel| root.join(rel).starts_with(at))
            .cloned();
        inside.or_else(|| {
            self.outside
                .iter()
                .find(|p| p.starts_with(at))
                .map(|p| p.display().to_string())
        })
    }

    /// The location is on a changed line of a changed file (anywhere in it, for a location
    /// without a line).
    pub fn on_changed_line(&self, loc: &Location) -> bool {
        let Some(change) = self.files.get(&loc.path) else {
            return false;
        };
        match loc.span {
            None => change.lines != Lines::Only(Vec::new()),
            Some(span) => (span.start.line..=span.end.line.max(span.start.line))
                .any(|l| change.lines.contains(l)),
        }
    }

    /// Reported in changed-lines mode: the finding or one of its related locations is on a
    /// changed line.
    pub fn shows(&self, f: &Finding) -> bool {
        self.on_changed_line(&f.location)
            || f.related.iter().any(|r| self.on_changed_line(&r.location))
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn line_ranges() {
        let l = Lines::Only(vec![(2, 3), (7, 7)]);
        assert!(!l.contains(1));
        assert!(l.contains(2) && l.contains(3) && l.contains(7));
        assert!(!l.contains(4) && !l.contains(8));
        assert!(Lines::All.contains(100));
        assert!(!Lines::Only(Vec::new()).contains(1));
    }
}
