//! The files that differ between a revision and the work tree, read with gix: what
//! `git diff REV` plus untracked files would list (committed, staged, unstaged and untracked
//! changes alike), without running git.
//!
//! The tree at REV is listed with its blob ids; the work tree files are hashed as blobs and
//! compared. Only paths under the given scopes are looked at (the gitgate root, policy
//! directories…), so a large monorepo around a small `deploy/` costs little.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;
use rayon::prelude::*;

use super::{Change, Lines, Status};

/// The changes between `rev` and the work tree of the repository holding `start`, for paths
/// under `scopes` (absolute). Paths in the result are relative to the work tree's top.
pub fn changed_since(
    start: &Path,
    rev: &str,
    scopes: &[PathBuf],
) -> Result<(PathBuf, Vec<Change>), String> {
    let repo = gix::discover(start).map_err(|e| {
        format!(
            "--changed-since needs a Git repository: `{}` is not in one ({e})",
            start.display()
        )
    })?;
    let top = repo
        .workdir()
        .ok_or_else(|| {
            format!(
                "--changed-since needs a work tree: `{}` is a bare repository",
                repo.git_dir().display()
            )
        })?
        .to_path_buf();
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let tree = resolve(&repo, rev)?;
    let prefixes: Vec<String> = scopes
        .iter()
        .filter_map(|s| crate::walk::relative(&top, s))
        .collect();
    let in_scope = |p: &str| {
        prefixes.iter().any(|s| {
            s.is_empty()
                || p == s
                || p.strip_prefix(s.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        })
    };

    // The tree at REV: path → (blob id, symlink).
    let mut old: HashMap<String, (gix::ObjectId, bool)> = HashMap::new();
    let entries = tree
        .traverse()
        .breadthfirst
        .files()
        .map_err(|e| format!("cannot list the files of `{rev}`: {e}"))?;
    for e in entries {
        if !(e.mode.is_blob() || e.mode.is_link()) {
            continue;
        }
        if let Ok(p) = e.filepath.to_str() {
            if in_scope(p) {
                old.insert(p.to_string(), (e.oid, e.mode.is_link()));
            }
        }
    }
    // Staged files (the index) and the files of the work tree that no ignore rule excludes.
    let mut candidates: BTreeSet<String> = old.keys().cloned().collect();
    let index = repo
        .index_or_empty()
        .map_err(|e| format!("cannot read the Git index: {e}"))?;
    for entry in index.entries() {
        if entry.mode == gix::index::entry::Mode::COMMIT {
            continue;
        }
        if let Ok(p) = entry.path(&index).to_str() {
            if in_scope(p) {
                candidates.insert(p.to_string());
            }
        }
    }
    for scope in scopes {
        untracked(&top, scope, &mut candidates);
    }

    let kind = repo.object_hash();
    // (path, status, work-tree bytes when it exists and differs).
    let compared: Vec<(String, Option<Status>, Option<gix::ObjectId>)> = candidates
        .into_par_iter()
        .map(|path| {
            let abs = top.join(&path);
            let now = read_entry(&abs);
            match (old.get(&path), now) {
                (Some((id, _)), None) => (path, Some(Status::Deleted), Some(*id)),
                (Some((id, _)), Some(data)) => {
                    if same_blob(kind, &data, *id) {
                        (path, None, None)
                    } else {
                        (path, Some(Status::Modified), Some(*id))
                    }
                }
                (None, Some(data)) => {
                    let id = gix::objs::compute_hash(kind, gix::objs::Kind::Blob, &data).ok();
                    (path, Some(Status::Added { from: None }), id)
                }
                (None, None) => (path, None, None),
            }
        })
        .collect();

    // A new file with exactly the content of a deleted one is that file, renamed: none of
    // its lines is new. (Renames with edits count as new files.)
    let deleted: HashMap<gix::ObjectId, String> = compared
        .iter()
        .filter(|(_, s, _)| matches!(s, Some(Status::Deleted)))
        .filter_map(|(p, _, id)| id.map(|id| (id, p.clone())))
        .collect();
    let mut changes = Vec::new();
    for (path, status, id) in compared {
        let Some(status) = status else { continue };
        let change = match status {
            Status::Added { .. } => match id.and_then(|id| deleted.get(&id)) {
                Some(from) => Change {
                    path,
                    status: Status::Added {
                        from: Some(from.clone()),
                    },
                    lines: Lines::Only(Vec::new()),
                },
                None => Change {
                    path,
                    status,
                    lines: Lines::All,
                },
            },
            Status::Deleted => Change {
                path,
                status,
                lines: Lines::Only(Vec::new()),
            },
            Status::Modified => {
                let before = id
                    .and_then(|id| repo.find_object(id).ok())
                    .map(|o| o.detach().data);
                let after = read_entry(&top.join(&path));
                let lines = match (before, after) {
                    (Some(b), Some(a)) => super::lines::changed(&b, &a),
                    _ => Lines::All,
                };
                Change {
                    path,
                    status,
                    lines,
                }
            }
        };
        changes.push(change);
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((top, changes))
}

/// The tree REV names: a commit, tag or tree; `REV...` is the merge base of REV and HEAD
/// (as in `git diff REV...`: what this branch changed since it left REV).
fn resolve<'r>(repo: &'r gix::Repository, rev: &str) -> Result<gix::Tree<'r>, String> {
    let not_found = |e: &dyn std::fmt::Display| {
        format!(
            "--changed-since: revision `{rev}` not found in `{}` ({e}); in a shallow CI \
             checkout, fetch it first (actions/checkout with `fetch-depth: 0`, or \
             `git fetch origin <branch>`)",
            repo.workdir().unwrap_or(repo.git_dir()).display()
        )
    };
    let id = match rev.strip_suffix("...") {
        Some(base) if !base.is_empty() => {
            let base = repo
                .rev_parse_single(base)
                .map_err(|e| not_found(&e))?
                .object()
                .and_then(|o| o.peel_to_commit())
                .map_err(|e| not_found(&e))?
                .id;
            let head = repo
                .head_id()
                .map_err(|e| format!("--changed-since `{rev}`: HEAD does not name a commit ({e})"))?
                .detach();
            repo.merge_base(base, head)
                .map_err(|e| not_found(&e))?
                .ok_or_else(|| {
                    format!("--changed-since `{rev}`: it has no common ancestor with HEAD")
                })?
                .detach()
        }
        _ => repo
            .rev_parse_single(rev)
            .map_err(|e| not_found(&e))?
            .detach(),
    };
    repo.find_object(id)
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| format!("--changed-since: `{rev}` does not name a commit or tree ({e})"))
}

/// Adds the files under `scope` that are not ignored (`.gitignore`, `.git/info/exclude`, the
/// global excludes file), as work-tree-relative paths.
fn untracked(top: &Path, scope: &Path, out: &mut BTreeSet<String>) {
    if scope.is_file() || scope.is_symlink() {
        if let Some(rel) = crate::walk::relative(top, scope) {
            out.insert(rel);
        }
        return;
    }
    let walk = ignore::WalkBuilder::new(scope)
        .hidden(false)
        .ignore(false)
        .parents(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walk.flatten() {
        let is_file = entry
            .file_type()
            .is_some_and(|t| t.is_file() || t.is_symlink());
        if is_file {
            if let Some(rel) = crate::walk::relative(top, entry.path()) {
                out.insert(rel);
            }
        }
    }
}

/// The bytes Git would store for this work-tree entry: a file's content, a symlink's target.
/// `None` when there is no file (or a directory) there.
fn read_entry(abs: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(abs).ok()?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(abs).ok()?;
        return Some(target.to_string_lossy().into_owned().into_bytes());
    }
    if !meta.is_file() {
        return None;
    }
    std::fs::read(abs).ok()
}

/// The work-tree bytes are the blob `id`, also when Git would have converted CRLF line ends
/// on commit (`core.autocrlf`).
fn same_blob(kind: gix::hash::Kind, data: &[u8], id: gix::ObjectId) -> bool {
    let hash = |d: &[u8]| gix::objs::compute_hash(kind, gix::objs::Kind::Blob, d).ok();
    if hash(data) == Some(id) {
        return true;
    }
    if data.contains(&b'\r') {
        let lf: Vec<u8> = data.replace(b"\r\n", b"\n");
        return hash(&lf) == Some(id);
    }
    false
}

/// Groups work-tree-relative changes by what the gitgate root sees: paths relative to
/// `root`, and the others (outside the root, e.g. a policy directory) by absolute path.
pub fn relative_to_root(
    top: &Path,
    root: &Path,
    changes: Vec<Change>,
) -> (BTreeMap<String, Change>, Vec<PathBuf>) {
    let mut inside = BTreeMap::new();
    let mut outside = Vec::new();
    for mut c in changes {
        let abs = top.join(&c.path);
        match crate::walk::relative(root, &abs) {
            Some(rel) if !rel.is_empty() => {
                if let Status::Added { from: Some(f) } = &mut c.status {
                    if let Some(r) = crate::walk::relative(root, &top.join(&*f)) {
                        *f = r;
                    }
                }
                c.path = rel.clone();
                inside.insert(rel, c);
            }
            _ => outside.push(abs),
        }
    }
    (inside, outside)
}
