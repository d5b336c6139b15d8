//! Stage 1, walk: find the files to check.
//!
//! Honours `.gitignore` (also outside a git checkout), `.git/info/exclude`, `.ignore`,
//! `.gitgateignore`, and `--include`/`--exclude` globs. Follows symbolic links inside the
//! repository, but stops at loops and at links that leave it. The walk itself only lists
//! directories; reading and parsing run in parallel in the load stage.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{GlobSet, GlobSetBuilder};

use crate::diag::Finding;
use crate::rules;

pub mod classify;

pub use classify::PathKind;

/// A file to load.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub abs: PathBuf,
    /// Repo-relative, `/`-separated.
    pub rel: String,
    pub kind: PathKind,
}

pub struct WalkOptions {
    /// Canonical repository root; every reported path is relative to it.
    pub root: PathBuf,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

#[derive(Default)]
pub struct Walked {
    pub candidates: Vec<Candidate>,
    pub findings: Vec<Finding>,
    /// Repo-relative directories that hold a `Chart.yaml`.
    pub charts: Vec<String>,
}

#[derive(Debug)]
pub struct WalkError(pub String);

impl std::fmt::Display for WalkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Compiles globs the way `.gitignore` reads them: a pattern without `/` matches at any depth,
/// and a pattern matching a directory matches everything below it.
pub fn compile_globs(patterns: &[String], what: &str) -> Result<GlobSet, WalkError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let p = p.trim_start_matches("./");
        let base = if p.contains('/') {
            p.trim_start_matches('/').to_string()
        } else {
            format!("**/{p}")
        };
        for pat in [base.clone(), format!("{}/**", base.trim_end_matches('/'))] {
            let glob = globset::GlobBuilder::new(&pat)
                .literal_separator(true)
                .build()
                .map_err(|e| WalkError(format!("invalid {what} glob `{p}`: {e}")))?;
            b.add(glob);
        }
    }
    b.build()
        .map_err(|e| WalkError(format!("invalid {what} globs: {e}")))
}

/// Lists the candidate files under `paths` (files given explicitly are always candidates).
pub fn walk(paths: &[PathBuf], opts: &WalkOptions) -> Result<Walked, WalkError> {
    let include = compile_globs(&opts.include, "include")?;
    let exclude = compile_globs(&opts.exclude, "exclude")?;
    let root = &opts.root;
    let findings = Arc::new(Mutex::new(Vec::new()));
    let mut files: Vec<(PathBuf, String)> = Vec::new();

    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| WalkError(format!("cannot read `{}`: {e}", path.display())))?;
        if !meta.is_dir() {
            let rel = relative(root, path).ok_or_else(|| {
                WalkError(format!(
                    "`{}` is outside the repository root `{}`",
                    path.display(),
                    root.display()
                ))
            })?;
            files.push((path.clone(), rel));
            continue;
        }
        let walker = {
            let root = root.clone();
            let findings = findings.clone();
            let exclude = exclude.clone();
            ignore::WalkBuilder::new(path)
                .hidden(false)
                .git_ignore(true)
                .git_exclude(true)
                .git_global(false)
                .require_git(false)
                .follow_links(true)
                .add_custom_ignore_filename(".gitgateignore")
                .sort_by_file_name(|a, b| a.cmp(b))
                .filter_entry(move |e| keep_entry(e, &root, &exclude, &findings))
                .build()
        };
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_dir()) {
                        continue;
                    }
                    if let Some(rel) = relative(root, e.path()) {
                        files.push((e.path().to_path_buf(), rel));
                    }
                }
                Err(err) => walk_error(root, &err, &findings),
            }
        }
    }

    let mut charts: Vec<String> = files
        .iter()
        .filter(|(_, rel)| rel == "Chart.yaml" || rel.ends_with("/Chart.yaml"))
        .map(|(_, rel)| {
            rel.rsplit_once('/')
                .map_or(String::new(), |(d, _)| d.to_string())
        })
        .collect();
    charts.sort();
    charts.dedup();

    let mut candidates = Vec::new();
    for (abs, rel) in files {
        let Some(kind) = classify::classify_path(&rel, &charts) else {
            continue;
        };
        if exclude.is_match(&rel) || (!opts.include.is_empty() && !include.is_match(&rel)) {
            continue;
        }
        candidates.push(Candidate { abs, rel, kind });
    }
    candidates.sort_by(|a, b| a.rel.cmp(&b.rel));
    candidates.dedup_by(|a, b| a.rel == b.rel);
    let findings = std::mem::take(&mut *findings.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(Walked {
        candidates,
        findings,
        charts,
    })
}

/// Prunes `.git`, excluded directories and links that leave the repository.
fn keep_entry(
    e: &ignore::DirEntry,
    root: &Path,
    exclude: &GlobSet,
    findings: &Mutex<Vec<Finding>>,
) -> bool {
    if e.file_name() == ".git" {
        return false;
    }
    let Some(rel) = relative(root, e.path()) else {
        return true;
    };
    if e.depth() > 0 && exclude.is_match(&rel) {
        return false;
    }
    if e.path_is_symlink() {
        if let Ok(target) = std::fs::canonicalize(e.path()) {
            if !target.starts_with(root) {
                let f = Finding::new(
                    &rules::file::outside_repo::RULE,
                    rel.clone(),
                    None,
                    format!(
                        "`{rel}` is a symbolic link to a path outside the repository; not followed"
                    ),
                );
                findings.lock().unwrap_or_else(|p| p.into_inner()).push(f);
                return false;
            }
        }
    }
    true
}

fn walk_error(root: &Path, err: &ignore::Error, findings: &Mutex<Vec<Finding>>) {
    // Unwrap the context layers the walker adds to find the path and the cause.
    let mut err = err;
    let mut path: Option<&Path> = None;
    loop {
        match err {
            ignore::Error::WithPath {
                path: p,
                err: inner,
            } => {
                path = Some(p);
                err = inner;
            }
            ignore::Error::WithDepth { err: inner, .. }
            | ignore::Error::WithLineNumber { err: inner, .. } => err = inner,
            _ => break,
        }
    }
    let f = match err {
        ignore::Error::Loop { ancestor, child } => {
            let rel = relative(root, child).unwrap_or_else(|| child.display().to_string());
            let anc = relative(root, ancestor).unwrap_or_else(|| ancestor.display().to_string());
            let anc = if anc.is_empty() { ".".into() } else { anc };
            Finding::new(
                &rules::file::symlink_loop::RULE,
                rel.clone(),
                None,
                format!("`{rel}` links back to its ancestor `{anc}`; not followed"),
            )
        }
        other => {
            let rel = path
                .and_then(|p| relative(root, p))
                .unwrap_or_else(|| ".".into());
            let why = match (other, path) {
                (ignore::Error::Io(_), Some(p)) if p.is_symlink() && !p.exists() => {
                    "dangling symbolic link (its target does not exist)".to_string()
                }
                (ignore::Error::Io(e), _) => e.to_string(),
                (other, _) => other.to_string(),
            };
            Finding::new(
                &rules::file::unreadable::RULE,
                rel.clone(),
                None,
                format!("cannot read `{rel}`: {why}"),
            )
        }
    };
    findings.lock().unwrap_or_else(|p| p.into_inner()).push(f);
}

/// `path` relative to `root`, `/`-separated; `None` when outside.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}
