//! From changed files to what a run checks: the kustomizations whose inputs include a changed
//! file (through bases, components, patches, generator sources…; `render::inputs`), the plain
//! manifests that changed, or everything when the configuration or a policy changed.
//!
//! Cross-object policy rules and the policy context (which Flux Kustomization or Argo CD
//! Application deploys an object, and so its environment) look objects up in an index of the
//! whole repository. Leaving unaffected kustomizations out of it would turn references into
//! "not found" (a `sourceRef` to the `GitRepository` that `flux-system` renders). So
//! kustomizations whose inputs hold the objects those lookups resolve (Flux and Argo CD kinds,
//! `Namespace`, `CustomResourceDefinition`) are rendered too, for the index only: their objects
//! are not checked. Application overlays (workloads, services, config maps), the bulk of a
//! repository, are neither rendered nor checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::load::{DocClass, FileKind, SourceFile};
use crate::render::inputs::Graph;

use super::{ChangeSet, Status};

#[derive(Debug, Default)]
pub struct Scope {
    /// Everything is checked, and why (the configuration or a policy changed).
    pub everything: Option<String>,
    /// Kustomization directories to render and check, each with the changed file that
    /// reached it.
    pub kustomizations: BTreeMap<String, String>,
    /// Kustomization directories rendered only for the policy index.
    pub index_only: BTreeSet<String>,
    /// Files whose plain manifests are checked: the changed ones.
    pub manifests: BTreeSet<String>,
    /// Kustomization directories in the repository.
    pub total_kustomizations: usize,
}

/// An object policies and the policy context look up across the repository.
fn index_kind(api_version: &str, kind: &str) -> bool {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    group.ends_with(".fluxcd.io")
        || group == "argoproj.io"
        || (group.is_empty() && kind == "Namespace")
        || kind == "CustomResourceDefinition"
}

/// What `changes` affect. `settings`: the configuration file, policy directories and data,
/// schema directories (absolute): a change there affects every object.
pub fn scope(
    root: &Path,
    files: &[SourceFile],
    changes: &ChangeSet,
    settings: &[PathBuf],
    index: bool,
) -> Scope {
    let graph = Graph::new(files);
    let mut scope = Scope {
        total_kustomizations: graph.dirs.len(),
        ..Scope::default()
    };
    // Plain manifests: files a kustomization names are checked through it, as in a full run.
    let consumed = crate::objects::consumed_files(files);
    let plain = files
        .iter()
        .filter(|f| matches!(f.kind, FileKind::Manifest | FileKind::Sops))
        .filter(|f| !consumed.contains(&f.path));
    scope.everything = settings.iter().find_map(|s| {
        changes
            .touches(root, s)
            .map(|c| format!("`{c}` changed (configuration, policies or schemas)"))
    });
    if scope.everything.is_some() {
        scope.kustomizations = graph
            .dirs
            .keys()
            .map(|d| (d.clone(), String::new()))
            .collect();
        scope.manifests = plain.map(|f| f.path.clone()).collect();
        return scope;
    }
    scope.kustomizations = graph.affected_by(changes.files.keys().map(String::as_str));
    scope.manifests = plain
        .filter(|f| {
            changes
                .files
                .get(&f.path)
                .is_some_and(|c| c.status != Status::Deleted)
        })
        .map(|f| f.path.clone())
        .collect();
    if index {
        let index_files = files.iter().filter(|f| {
            f.docs.iter().any(|d| match &d.class {
                DocClass::Manifest {
                    api_version, kind, ..
                } => index_kind(api_version, kind),
                _ => false,
            })
        });
        scope.index_only = graph
            .affected_by(index_files.map(|f| f.path.as_str()))
            .into_keys()
            .filter(|d| !scope.kustomizations.contains_key(d))
            .collect();
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::index_kind;

    #[test]
    fn index_kinds() {
        assert!(index_kind("source.toolkit.fluxcd.io/v1", "GitRepository"));
        assert!(index_kind("argoproj.io/v1alpha1", "AppProject"));
        assert!(index_kind("v1", "Namespace"));
        assert!(index_kind(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition"
        ));
        assert!(!index_kind("apps/v1", "Deployment"));
        assert!(!index_kind("v1", "ConfigMap"));
    }
}
