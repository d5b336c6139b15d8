//! Checks on the graph: paths that do not exist, objects applied twice to one cluster, and
//! manifests nothing applies.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::{cluster_scoped, str_at, Graph};
use crate::diag::Finding;
use crate::load::{FileKind, SourceFile};
use crate::objects::{locate, name_path, Object, Origin};
use crate::rules::gitops::{applied_twice, missing_path, orphan};
use crate::validate::catalog::group_of;

pub fn check(
    root: &Path,
    files: &[SourceFile],
    objects: &[Object<'_>],
    graph: &Graph,
    referenced: &HashSet<String>,
) -> Vec<Finding> {
    let mut out = missing_paths(root, objects, graph);
    out.extend(applied_twice(objects, graph));
    out.extend(orphans(files, objects, graph, referenced));
    out
}

fn missing_paths(root: &Path, objects: &[Object<'_>], graph: &Graph) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &graph.deployers {
        let o = &objects[d.object];
        let raw: &serde_json::Value = &o.value;
        for (n, field) in d.path_fields.iter().enumerate() {
            let path = &d.paths[n];
            let declared = field
                .iter()
                .try_fold(raw, |v, seg| match seg {
                    crate::load::tree::PathSeg::Key(k) => v.get(k.as_str()),
                    crate::load::tree::PathSeg::Index(i) => v.get(*i),
                })
                .and_then(|v| v.as_str())
                .unwrap_or(path);
            let inside = crate::objects::normalize("", declared).is_some();
            if inside && root.join(path).is_dir() {
                continue;
            }
            let (file, span) = locate(o, field);
            let what = if d.chart.as_deref() == Some(declared) {
                "chart path"
            } else {
                "path"
            };
            let message = if inside {
                format!(
                    "{} `{}`: {what} `{declared}` does not exist in the repository",
                    d.kind, d.name
                )
            } else {
                format!(
                    "{} `{}`: {what} `{declared}` leaves the repository",
                    d.kind, d.name
                )
            };
            out.push(Finding::new(&missing_path::RULE, file, span, message));
        }
    }
    out
}

/// What one cluster can hold once: (cluster, group, kind, namespace, name).
type Applied = (String, String, String, String, String);

fn applied_twice(objects: &[Object<'_>], graph: &Graph) -> Vec<Finding> {
    // The first (deployer, object) applying each.
    let mut first: BTreeMap<Applied, (usize, usize)> = BTreeMap::new();
    let mut out = Vec::new();
    for (n, d) in graph.deployers.iter().enumerate() {
        let cluster = d.cluster.clone().unwrap_or_default();
        for &i in &d.objects {
            let v = &objects[i].value;
            let group = group_of(v["apiVersion"].as_str().unwrap_or("")).to_string();
            let kind = v["kind"].as_str().unwrap_or("").to_string();
            let name = str_at(v, &["metadata", "name"]).to_string();
            let own = str_at(v, &["metadata", "namespace"]);
            let ns = if cluster_scoped(&group, &kind) {
                String::new()
            } else if d.target_namespace_overrides || own.is_empty() {
                d.target_namespace
                    .clone()
                    .unwrap_or_else(|| own.to_string())
            } else {
                own.to_string()
            };
            let key = (
                cluster.clone(),
                group,
                kind.clone(),
                ns.clone(),
                name.clone(),
            );
            match first.get(&key) {
                None => {
                    first.insert(key, (n, i));
                }
                Some(&(m, j)) if m != n => {
                    let other = &graph.deployers[m];
                    let (file, span) = locate(&objects[i], &name_path());
                    let (ofile, ospan) = locate(&objects[j], &name_path());
                    let place = if ns.is_empty() {
                        String::new()
                    } else {
                        format!(" in namespace `{ns}`")
                    };
                    let on = if cluster.is_empty() {
                        String::new()
                    } else {
                        format!(" on cluster `{cluster}`")
                    };
                    out.push(
                        Finding::new(
                            &applied_twice::RULE,
                            file,
                            span,
                            format!(
                                "{kind} `{name}`{place} is applied{on} by both {} `{}` and {} `{}`",
                                other.kind, other.name, d.kind, d.name
                            ),
                        )
                        .related(ofile, ospan, "also defined here".into())
                        .related(
                            other.file.clone(),
                            other.span,
                            format!("{} `{}`", other.kind, other.name),
                        )
                        .related(
                            d.file.clone(),
                            d.span,
                            format!("{} `{}`", d.kind, d.name),
                        ),
                    );
                }
                Some(_) => {}
            }
        }
    }
    out
}

fn is_entry_point(v: &serde_json::Value) -> bool {
    let group = group_of(v["apiVersion"].as_str().unwrap_or(""));
    let kind = v["kind"].as_str().unwrap_or("");
    group.ends_with("toolkit.fluxcd.io")
        || (group == "argoproj.io"
            && matches!(kind, "Application" | "ApplicationSet" | "AppProject"))
}

fn orphans(
    files: &[SourceFile],
    objects: &[Object<'_>],
    graph: &Graph,
    referenced: &HashSet<String>,
) -> Vec<Finding> {
    let deploying = graph.deployers.iter().any(|d| !d.paths.is_empty());
    if !deploying || graph.deployers.iter().any(|d| d.templated) {
        return Vec::new();
    }
    let applied: HashSet<usize> = graph
        .deployers
        .iter()
        .flat_map(|d| d.objects.iter().copied())
        .collect();
    // Per unit (a plain file, a top-level kustomization directory): applied at all, and
    // whether it holds anything but entry points.
    let mut units: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let kustomization_files: std::collections::HashMap<&str, &str> = files
        .iter()
        .filter(|f| f.kind == FileKind::Kustomization)
        .map(|f| {
            (
                f.path.rsplit_once('/').map_or("", |(d, _)| d),
                f.path.as_str(),
            )
        })
        .collect();
    for (i, o) in objects.iter().enumerate() {
        let unit = match &o.origin {
            Origin::Plain { file, .. } => file.path.clone(),
            Origin::Rendered { dir, .. } if !referenced.contains(*dir) => kustomization_files
                .get(dir)
                .map_or_else(|| format!("{dir}/kustomization.yaml"), |f| f.to_string()),
            Origin::Rendered { .. } => continue,
        };
        let e = units.entry(unit).or_insert((false, false));
        e.0 |= applied.contains(&i);
        e.1 |= !is_entry_point(&o.value);
    }
    units
        .into_iter()
        .filter(|(_, (applied, payload))| !applied && *payload)
        .map(|(path, _)| {
            let start = crate::span::Pos {
                line: 1,
                col: 1,
                byte: 0,
            };
            let what = if path.ends_with("kustomization.yaml")
                || path.ends_with("kustomization.yml")
                || path.ends_with("Kustomization")
            {
                "no Flux Kustomization or Argo CD Application applies this kustomization"
            } else {
                "no Flux Kustomization or Argo CD Application applies the objects in this file"
            };
            Finding::new(
                &orphan::RULE,
                path,
                Some(crate::span::Span { start, end: start }),
                what.into(),
            )
        })
        .collect()
}
