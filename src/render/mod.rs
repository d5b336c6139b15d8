//! Stage 3, render: turn kustomizations into the objects kustomize (and so Flux and Argo CD)
//! would apply, keeping for every node where in the repository it came from.

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::Finding;
use crate::load::{FileKind, SourceFile};
use crate::rules;

pub mod emit;
pub mod inputs;
pub mod kustomize;
pub mod node;

use kustomize::{LoadRestrictor, Options, Reorder, Skipped};

/// One kustomization directory, rendered.
pub struct Rendered {
    /// Repo-relative directory.
    pub dir: String,
    pub resources: Vec<kustomize::resource::Resource>,
    /// Repo-relative paths the build read: its kustomization file, resources, patches,
    /// generator sources, the kustomizations it used (directories), and so on.
    pub inputs: Vec<String>,
}

/// Renders every kustomization directory in the repository (in parallel, on the caller's
/// rayon pool). A build error is reported once, at the line that causes it, with the other
/// kustomizations it breaks as notes. Directories used only as components are rendered through
/// the kustomizations that include them (a component rarely builds on its own). `only`: just
/// these directories (PR mode).
pub fn render_repo(
    root: &Path,
    files: &[SourceFile],
    restrictor: LoadRestrictor,
    only: Option<&std::collections::BTreeSet<String>>,
) -> (Vec<Rendered>, Vec<Finding>) {
    let dirs: Vec<(String, PathBuf)> = files
        .iter()
        .filter(|f| f.kind == FileKind::Kustomization)
        .filter(|f| only.is_none_or(|o| o.contains(dir_of(&f.path))))
        .map(|f| {
            let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            let abs = root.join(&dir);
            (dir, abs)
        })
        .collect();
    let used = referenced_components(root, files);
    let opts = Options {
        load_restrictor: restrictor,
        reorder: Reorder::Legacy,
        managed_by_label: false,
        display_root: Some(root.to_path_buf()),
    };
    let results: Vec<(Option<Rendered>, Vec<Finding>)> = dirs
        .par_iter()
        .map(|(dir, abs)| {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let (result, inputs) = kustomize::build::build_recording(abs, &opts);
                result.map(|(resources, skipped)| (resources, skipped, inputs))
            }));
            let kfile = files
                .iter()
                .find(|f| {
                    f.kind == FileKind::Kustomization
                        && f.path.rsplit_once('/').map_or("", |(d, _)| d) == dir
                })
                .map_or_else(|| format!("{dir}/kustomization.yaml"), |f| f.path.clone());
            let is_used = std::fs::canonicalize(abs).is_ok_and(|c| used.contains(&c));
            match outcome {
                Ok(Ok((resources, skipped, inputs))) => {
                    let findings = skipped
                        .into_iter()
                        .map(|(kind, e)| skipped_finding(kind, &e, &kfile))
                        .collect();
                    (
                        Some(Rendered {
                            dir: dir.clone(),
                            resources,
                            inputs: repo_relative(root, &inputs),
                        }),
                        findings,
                    )
                }
                Ok(Err(e)) if is_used => {
                    let _ = e;
                    (None, vec![])
                }
                Ok(Err(e)) => (
                    None,
                    vec![error_finding(
                        &rules::render::build_error::RULE,
                        &e,
                        &kfile,
                        dir,
                    )],
                ),
                Err(_) => (
                    None,
                    vec![Finding::new(
                        &rules::internal::RULE,
                        kfile,
                        None,
                        format!("internal error while rendering `{dir}`; it was not rendered"),
                    )],
                ),
            }
        })
        .collect();
    let mut rendered = Vec::new();
    let mut all: Vec<Finding> = Vec::new();
    for (r, fs) in results {
        rendered.extend(r);
        all.extend(fs);
    }
    // One finding per rule and causing line: the shortest message (the kustomization's own,
    // without the chain of overlays that led there); the others become notes.
    all.sort_by(|a, b| {
        (
            a.rule,
            &a.location.path,
            a.location.span,
            a.message.len(),
            &a.message,
        )
            .cmp(&(
                b.rule,
                &b.location.path,
                b.location.span,
                b.message.len(),
                &b.message,
            ))
    });
    let mut findings: Vec<Finding> = Vec::new();
    let mut seen: HashSet<(&'static str, String, Option<crate::span::Span>)> = HashSet::new();
    for f in all {
        let key = (f.rule, f.location.path.clone(), f.location.span);
        if seen.insert(key) {
            findings.push(f);
        } else if let Some(first) = findings.last_mut() {
            for n in f.notes {
                if !first.notes.contains(&n) {
                    first.notes.push(n);
                }
            }
        }
    }
    (rendered, findings)
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Recorded input paths as repo-relative paths (`..` resolved); those outside the repository
/// are left out.
fn repo_relative(root: &Path, inputs: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = inputs
        .iter()
        .filter_map(|p| crate::walk::relative(root, p))
        .filter_map(|rel| crate::objects::normalize("", &rel))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn error_finding(rule: &rules::Rule, e: &kustomize::Error, kfile: &str, dir: &str) -> Finding {
    let (path, span) = match &e.prov {
        Some(p) => (p.file.to_string(), Some(p.span)),
        None => (kfile.to_string(), None),
    };
    let shown = if dir.is_empty() { "." } else { dir };
    Finding::new(rule, path, span, e.message.clone())
        .note(format!("while building `{shown}`"))
        .identity(format!("{shown}: {}", e.message))
}

fn skipped_finding(kind: Skipped, e: &kustomize::Error, kfile: &str) -> Finding {
    let rule = match kind {
        Skipped::Remote => &rules::render::remote_resource::RULE,
        Skipped::HelmCharts => &rules::render::helm_charts::RULE,
    };
    let (path, span) = match &e.prov {
        Some(p) => (p.file.to_string(), Some(p.span)),
        None => (kfile.to_string(), None),
    };
    Finding::new(rule, path, span, e.message.clone()).identity(e.message.clone())
}

/// Canonical directories that another kustomization lists under `components`.
fn referenced_components(root: &Path, files: &[SourceFile]) -> HashSet<PathBuf> {
    let mut used = HashSet::new();
    for f in files.iter().filter(|f| f.kind == FileKind::Kustomization) {
        let dir = root.join(f.path.rsplit_once('/').map_or("", |(d, _)| d));
        let own = std::fs::canonicalize(&dir).ok();
        for doc in &f.docs {
            let Some(obj) = doc.value.as_ref().and_then(|v| v.as_object()) else {
                continue;
            };
            for (key, list) in obj {
                if !key.eq_ignore_ascii_case("components") {
                    continue;
                }
                for entry in list
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.as_str())
                {
                    if let Ok(c) = std::fs::canonicalize(dir.join(entry)) {
                        if c.is_dir() && Some(&c) != own.as_ref() {
                            used.insert(c);
                        }
                    }
                }
            }
        }
    }
    used
}
