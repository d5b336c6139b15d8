//! What policies know about an object besides the object: where it comes from, which Flux
//! Kustomization or Argo CD Application applies it, and the cluster and environment it
//! targets. Issue-6-level deployer semantics (sources, substitution) are not modelled here:
//! a deployer applies the repository directory its `path` names.

use std::collections::HashMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde_json::{json, Value};

use crate::gitops::cluster_in;
use crate::objects::{normalize, Object, Origin};

/// `environments:` from `.gitgate.yaml`: name → globs over repo paths, first match wins.
#[derive(Clone, Debug, Default)]
pub struct Environments {
    sets: Vec<(String, GlobSet)>,
}

impl Environments {
    pub fn new(entries: &[(String, Vec<String>)]) -> Result<Self, String> {
        let mut sets = Vec::new();
        for (name, globs) in entries {
            let mut b = GlobSetBuilder::new();
            for g in globs {
                let glob = Glob::new(g)
                    .map_err(|e| format!("environment `{name}`: invalid glob `{g}`: {e}"))?;
                b.add(glob);
            }
            let set = b
                .build()
                .map_err(|e| format!("environment `{name}`: {e}"))?;
            sets.push((name.clone(), set));
        }
        Ok(Environments { sets })
    }

    /// The first configured environment one of `paths` matches (a directory also as `dir/`).
    fn matching(&self, paths: &[&str]) -> Option<String> {
        self.sets.iter().find_map(|(name, set)| {
            paths
                .iter()
                .filter(|p| !p.is_empty())
                .any(|p| set.is_match(p) || set.is_match(format!("{p}/")))
                .then(|| name.clone())
        })
    }
}

/// An environment named by convention in a path or name: a `/`, `-`, `_` or `.` separated
/// token such as `prod`, `overlays/production`, `stg-eu`.
pub fn conventional(text: &str) -> Option<&'static str> {
    text.split(['/', '-', '_', '.', ' '])
        .find_map(|t| match t.to_ascii_lowercase().as_str() {
            "production" | "prod" | "prd" | "live" => Some("production"),
            "staging" | "stage" | "stg" | "preprod" | "uat" => Some("staging"),
            "development" | "dev" | "develop" => Some("development"),
            "test" | "testing" | "qa" => Some("test"),
            _ => None,
        })
}

/// A Flux Kustomization or an Argo CD Application found in the repository.
#[derive(Clone, Debug)]
pub struct Deployer {
    pub kind: &'static str,
    pub name: String,
    pub namespace: String,
    pub file: String,
    pub line: u32,
    /// Repo-relative directory it applies.
    pub path: String,
    /// Plain manifests in subdirectories too (Flux always; Argo CD with `directory.recurse`).
    pub recurse: bool,
    pub cluster: Option<String>,
    pub environment: Option<String>,
}

impl Deployer {
    fn json(&self) -> Value {
        json!({
            "kind": self.kind,
            "name": self.name,
            "namespace": self.namespace,
            "file": self.file,
            "line": self.line,
            "path": self.path,
        })
    }
}

/// Where an object is and where it starts.
fn source<'a>(o: &Object<'a>) -> (String, u32, Option<usize>, Option<&'a str>) {
    match &o.origin {
        Origin::Plain { file, doc } => (
            file.path.clone(),
            doc.span.start.line,
            Some(doc.index),
            None,
        ),
        Origin::Rendered { dir, origin, .. } => (
            origin.map_or_else(String::new, |p| p.file.to_string()),
            origin.map_or(0, |p| p.span.start.line),
            None,
            Some(*dir),
        ),
    }
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> &'v str {
    path.iter().fold(v, |v, k| &v[*k]).as_str().unwrap_or("")
}

/// The Argo CD destination cluster: its name, else the API server's host
/// (`in-cluster` for the cluster Argo CD runs in).
fn argo_cluster(app: &Value) -> Option<String> {
    let dest = &app["spec"]["destination"];
    if let Some(n) = dest["name"].as_str().filter(|n| !n.is_empty()) {
        return Some(n.to_string());
    }
    let server = dest["server"].as_str().filter(|s| !s.is_empty())?;
    if server == "https://kubernetes.default.svc" {
        return Some("in-cluster".into());
    }
    let host = server.split("://").nth(1).unwrap_or(server);
    Some(host.split(['/', ':']).next().unwrap_or(host).to_string())
}

fn is_deployer(o: &Object<'_>) -> bool {
    let api = o.value["apiVersion"].as_str().unwrap_or("");
    let kind = o.value["kind"].as_str().unwrap_or("");
    (api.starts_with("kustomize.toolkit.fluxcd.io/") && kind == "Kustomization")
        || (api.starts_with("argoproj.io/") && matches!(kind, "Application" | "ApplicationSet"))
        || (api.starts_with("helm.toolkit.fluxcd.io/") && kind == "HelmRelease")
}

/// The cluster a deployer object itself targets (an Argo CD Application's destination, a
/// Flux object's `clusters/<name>/` directory), whether or not it applies a repo path.
fn own_cluster(o: &Object<'_>) -> Option<String> {
    if !is_deployer(o) {
        return None;
    }
    let (file, _, _, _) = source(o);
    let argo = o.value["apiVersion"]
        .as_str()
        .is_some_and(|a| a.starts_with("argoproj.io/"))
        && o.value["kind"] == "Application";
    if argo {
        // `in-cluster` is the cluster Argo CD itself runs in: with one Argo CD per cluster
        // (`clusters/<name>/argocd/…`), that directory names it better.
        match argo_cluster(&o.value) {
            Some(c) if c == "in-cluster" => cluster_in(&file).or(Some(c)),
            other => other.or_else(|| cluster_in(&file)),
        }
    } else {
        cluster_in(&file)
    }
}

/// The deployer (if any) an object *is*, with the paths it applies.
fn as_deployer(o: &Object<'_>, envs: &Environments) -> Vec<Deployer> {
    let v = &o.value;
    let api = v["apiVersion"].as_str().unwrap_or("");
    let kind = v["kind"].as_str().unwrap_or("");
    let (file, line, _, _) = source(o);
    let name = str_at(v, &["metadata", "name"]).to_string();
    let namespace = str_at(v, &["metadata", "namespace"]).to_string();
    let mut out = Vec::new();
    let mut push = |kind: &'static str, path: &str, recurse: bool, cluster: Option<String>| {
        let Some(path) = normalize("", path) else {
            return;
        };
        out.push(Deployer {
            kind,
            name: name.clone(),
            namespace: namespace.clone(),
            file: file.clone(),
            line,
            path,
            recurse,
            cluster,
            environment: None,
        });
    };
    if api.starts_with("kustomize.toolkit.fluxcd.io/") && kind == "Kustomization" {
        // Flux resolves `spec.path` from the source root; without one, the root.
        let path = v["spec"]["path"].as_str().unwrap_or("./");
        push("Kustomization", path, true, cluster_in(&file));
    } else if api.starts_with("argoproj.io/") && kind == "Application" {
        let spec = &v["spec"];
        let sources = spec["sources"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![spec["source"].clone()]);
        for s in sources.iter().filter(|s| s["chart"].is_null()) {
            if let Some(p) = s["path"].as_str() {
                let recurse = s["directory"]["recurse"].as_bool().unwrap_or(false);
                push("Application", p, recurse, own_cluster(o));
            }
        }
    }
    for d in &mut out {
        d.environment = own_environment(o, envs, d.cluster.as_deref());
    }
    out
}

/// The environment a deployer object (or any object, from its own fields and paths) names.
fn own_environment(o: &Object<'_>, envs: &Environments, cluster: Option<&str>) -> Option<String> {
    let v = &o.value;
    let (file, _, _, dir) = source(o);
    let mut texts: Vec<String> = vec![file.clone()];
    texts.extend(dir.map(String::from));
    if let Some(configured) = envs.matching(&texts.iter().map(String::as_str).collect::<Vec<_>>()) {
        return Some(configured);
    }
    let mut named: Vec<String> = Vec::new();
    named.extend(cluster.map(String::from));
    let spec = &v["spec"];
    for p in [&["path"][..], &["targetNamespace"], &["project"]] {
        named.push(str_at(spec, p).to_string());
    }
    for p in [
        &["destination", "name"][..],
        &["destination", "namespace"],
        &["source", "path"],
    ] {
        named.push(str_at(spec, p).to_string());
    }
    for s in spec["sources"].as_array().into_iter().flatten() {
        named.push(str_at(s, &["path"]).to_string());
    }
    named.push(str_at(v, &["metadata", "name"]).to_string());
    // The object's own location first (the directory an overlay sits in says most).
    let order = dir
        .into_iter()
        .map(String::from)
        .chain(std::iter::once(file))
        .chain(named);
    order
        .filter(|t| !t.is_empty())
        .find_map(|t: String| conventional(&t).map(String::from))
}

/// Contexts for every object (in order), and the deployers found.
pub fn contexts(
    objects: &[Object<'_>],
    envs: &Environments,
    kubernetes_version: &str,
) -> (Vec<Value>, Vec<Deployer>) {
    let deployers: Vec<Deployer> = objects.iter().flat_map(|o| as_deployer(o, envs)).collect();
    // Directory → first deployer applying it (objects sorted by path, so deterministic).
    let mut by_dir: HashMap<&str, &Deployer> = HashMap::new();
    for d in &deployers {
        by_dir.entry(d.path.as_str()).or_insert(d);
    }
    let contexts = objects
        .iter()
        .map(|o| {
            let (file, line, doc, dir) = source(o);
            // A rendered object: the deployer of its kustomization directory. A plain manifest:
            // of its directory, or of an ancestor when that deployer recurses.
            let deployer = match dir {
                Some(d) => by_dir.get(d).copied(),
                None => {
                    let parent = file.rsplit_once('/').map_or("", |(p, _)| p);
                    by_dir.get(parent).copied().or_else(|| {
                        let mut p = parent;
                        while let Some((up, _)) = p.rsplit_once('/') {
                            p = up;
                            if let Some(d) = by_dir.get(p).filter(|d| d.recurse) {
                                return Some(*d);
                            }
                        }
                        by_dir.get("").copied().filter(|d| d.recurse)
                    })
                }
            };
            let paths: Vec<&str> = [file.as_str(), dir.unwrap_or("")]
                .into_iter()
                .chain(deployer.map(|d| d.file.as_str()))
                .collect();
            let self_deployer = as_deployer(o, envs).into_iter().next();
            let cluster = own_cluster(o)
                .or_else(|| deployer.and_then(|d| d.cluster.clone()))
                .or_else(|| cluster_in(&file))
                .or_else(|| dir.and_then(cluster_in));
            let own = self_deployer.and_then(|d| d.environment).or_else(|| {
                is_deployer(o)
                    .then(|| own_environment(o, envs, own_cluster(o).as_deref()))
                    .flatten()
            });
            let environment = envs
                .matching(&paths)
                .or(own)
                .or_else(|| dir.and_then(conventional).map(String::from))
                .or_else(|| deployer.and_then(|d| d.environment.clone()))
                .or_else(|| conventional(&file).map(String::from))
                .or_else(|| cluster.as_deref().and_then(conventional).map(String::from));
            json!({
                "file": file,
                "line": line,
                "document": doc,
                "kustomization": dir,
                "deployer": deployer.map(Deployer::json),
                "cluster": cluster,
                "environment": environment,
                "kubernetes_version": kubernetes_version,
            })
        })
        .collect();
    (contexts, deployers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions() {
        assert_eq!(conventional("apps/overlays/production"), Some("production"));
        assert_eq!(conventional("clusters/prod-eu-1"), Some("production"));
        assert_eq!(conventional("web-stg"), Some("staging"));
        assert_eq!(conventional("apps/base"), None);
        assert_eq!(conventional("products/tests"), None);
    }

    #[test]
    fn clusters() {
        assert_eq!(
            cluster_in("clusters/prod/apps.yaml").as_deref(),
            Some("prod")
        );
        assert_eq!(
            cluster_in("fleet/clusters/eu/flux-system/gotk.yaml").as_deref(),
            Some("eu")
        );
        assert_eq!(cluster_in("clusters/readme.yaml"), None);
        assert_eq!(cluster_in("apps/base/x.yaml"), None);
    }

    #[test]
    fn configured_environments_win() {
        let envs =
            Environments::new(&[("prod".into(), vec!["apps/overlays/live/**".into()])]).unwrap();
        assert_eq!(
            envs.matching(&["apps/overlays/live"]).as_deref(),
            Some("prod")
        );
        assert_eq!(envs.matching(&["apps/overlays/dev"]), None);
    }
}
