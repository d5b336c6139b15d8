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
pub mod kustomize;
pub mod node;

use kustomize::{LoadRestrictor, Options, Reorder, Skipped};

/// One kustomization directory, rendered.
pub struct Rendered {
    /// Repo-relative directory.
    pub dir: String,
    pub resources: Vec<kustomize::resource::Resource>,
}

/// Renders every kustomization directory in the repository (in parallel, on the caller's
/// rayon pool). A directory that other kustomizations use as a base or component is rendered
/// too, but its own build errors are not reported: they surface, with the chain that led to
/// them, through the kustomizations that use it.
pub fn render_repo(
    root: &Path,
    files: &[SourceFile],
    restrictor: LoadRestrictor,
) -> (Vec<Rendered>, Vec<Finding>) {
    let dirs: Vec<(String, PathBuf)> = files
        .iter()
        .filter(|f| f.kind == FileKind::Kustomization)
        .map(|f| {
            let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            let abs = root.join(&dir);
            (dir, abs)
        })
        .collect();
    let used = referenced_dirs(root, files);
    let opts = Options {
        load_restrictor: restrictor,
        reorder: Reorder::Legacy,
        managed_by_label: false,
        display_root: Some(root.to_path_buf()),
    };
    let results: Vec<(Option<Rendered>, Vec<Finding>)> = dirs
        .par_iter()
        .map(|(dir, abs)| {
            let outcome = catch_unwind(AssertUnwindSafe(|| kustomize::build(abs, &opts)));
            let kfile = files
                .iter()
                .find(|f| {
                    f.kind == FileKind::Kustomization
                        && f.path.rsplit_once('/').map_or("", |(d, _)| d) == dir
                })
                .map_or_else(|| format!("{dir}/kustomization.yaml"), |f| f.path.clone());
            let is_used = std::fs::canonicalize(abs).is_ok_and(|c| used.contains(&c));
            match outcome {
                Ok(Ok((resources, skipped))) => {
                    let findings = skipped
                        .into_iter()
                        .map(|(kind, e)| skipped_finding(kind, &e, &kfile))
                        .collect();
                    (
                        Some(Rendered {
                            dir: dir.clone(),
                            resources,
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
    let mut findings: Vec<Finding> = Vec::new();
    let mut seen = HashSet::new();
    for (r, fs) in results {
        rendered.extend(r);
        for f in fs {
            let key = (
                f.rule,
                f.message.clone(),
                f.location.path.clone(),
                f.location.span,
            );
            if seen.insert(key) {
                findings.push(f);
            }
        }
    }
    (rendered, findings)
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

/// Canonical directories that some kustomization lists under resources, bases or components.
fn referenced_dirs(root: &Path, files: &[SourceFile]) -> HashSet<PathBuf> {
    let mut used = HashSet::new();
    for f in files.iter().filter(|f| f.kind == FileKind::Kustomization) {
        let dir = root.join(f.path.rsplit_once('/').map_or("", |(d, _)| d));
        for doc in &f.docs {
            let Some(v) = &doc.value else { continue };
            let Some(obj) = v.as_object() else { continue };
            for (key, list) in obj {
                let k = key.to_ascii_lowercase();
                if !matches!(k.as_str(), "resources" | "bases" | "components") {
                    continue;
                }
                for entry in list
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.as_str())
                {
                    if let Ok(c) = std::fs::canonicalize(dir.join(entry)) {
                        if c.is_dir() {
                            used.insert(c);
                        }
                    }
                }
            }
        }
    }
    used
}
