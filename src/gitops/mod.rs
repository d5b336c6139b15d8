//! Stage between render and validate: the GitOps graph. Which Flux and Argo CD objects
//! (deployers) apply which paths of the repository, from which source, to which cluster, and
//! which objects each applies. Checked for paths that do not exist (`GITOPS001`), objects two
//! deployers apply to one cluster (`GITOPS002`) and manifests nothing applies (`GITOPS003`);
//! `gitgate graph` prints it (`print.rs`).
//!
//! What a deployer applies is read from the repository as it is: a Flux Kustomization applies
//! its `spec.path` (a kustomization there, else every manifest below it, as kustomize-controller
//! generates one); an Argo CD Application its sources' paths. Flux's own overrides
//! (`targetNamespace`, patches, substitution) and ApplicationSet expansion are not applied here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::diag::Finding;
use crate::load::{FileKind, SourceFile};
use crate::objects::{normalize, Object, Origin};
use crate::validate::catalog::group_of;

pub mod appset;
mod checks;
pub mod print;

/// A source a deployer reads (Flux `sourceRef`, Argo CD `repoURL`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct SourceRef {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// The URL, when known (the source object's `spec.url`, Argo CD's `repoURL`).
    pub url: Option<String>,
    /// Found as an object in the repository (Flux) or a Git repository (Argo CD).
    pub found: bool,
    /// Not this repository (an OCI, Helm or bucket source, a Helm chart): its paths are not
    /// checked.
    pub external: bool,
}

/// A Flux Kustomization / HelmRelease or an Argo CD Application / ApplicationSet.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Deployer {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// Where it is defined (repo-relative), and the line of its `metadata.name`.
    pub file: String,
    pub line: u32,
    #[serde(skip)]
    pub span: Option<crate::span::Span>,
    pub cluster: Option<String>,
    pub source: Option<SourceRef>,
    /// Repo-relative directories it applies (`""`: the repository root), with the object
    /// path of the field naming each (to place findings).
    pub paths: Vec<String>,
    #[serde(skip)]
    pub path_fields: Vec<Vec<crate::load::tree::PathSeg>>,
    /// Flux: every manifest below the path (no kustomization there); Argo CD:
    /// `directory.recurse`.
    pub recurse: bool,
    /// A Helm chart (HelmRelease, Argo CD `chart`), by name.
    pub chart: Option<String>,
    /// Flux `dependsOn`, as `namespace/name`.
    pub depends_on: Vec<String>,
    /// The namespace it puts namespaced objects without one in (Flux `targetNamespace`
    /// overrides every object's; Argo CD `destination.namespace` fills in missing ones).
    pub target_namespace: Option<String>,
    pub target_namespace_overrides: bool,
    /// Its paths use ApplicationSet template parameters: not resolved.
    pub templated: bool,
    /// Indices of the objects it applies (into the stage's object list).
    #[serde(skip)]
    pub objects: Vec<usize>,
    /// The deployer whose objects include this one, and the deployers among its own objects.
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    #[serde(skip)]
    pub object: usize,
}

/// The graph of one repository.
#[derive(Debug, Default, serde::Serialize)]
pub struct Graph {
    pub deployers: Vec<Deployer>,
    /// Cluster name (`""`: not known) → the deployers nothing else applies, in file order.
    pub roots: BTreeMap<String, Vec<usize>>,
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> &'v str {
    path.iter().fold(v, |v, k| &v[*k]).as_str().unwrap_or("")
}

/// `clusters/<name>/…` (at any depth) names a cluster.
pub fn cluster_in(path: &str) -> Option<String> {
    let mut parts = path.split('/');
    while let Some(p) = parts.next() {
        if p == "clusters" {
            // Only a directory below `clusters/`, not a file directly in it.
            let name = parts.next()?;
            return parts.next().map(|_| name.to_string());
        }
    }
    None
}

/// The Argo CD destination cluster: its name, else the API server's host (`in-cluster` for
/// the cluster Argo CD runs in, named after `clusters/<dir>` when the file sits in one).
fn argo_cluster(app: &Value, file: &str) -> Option<String> {
    let dest = &app["spec"]["destination"];
    let text = |k: &str| dest[k].as_str().unwrap_or("");
    if templated(text("name")) || templated(text("server")) {
        return None;
    }
    if let Some(n) = dest["name"].as_str().filter(|n| !n.is_empty()) {
        return Some(if n == "in-cluster" {
            cluster_in(file).unwrap_or_else(|| n.to_string())
        } else {
            n.to_string()
        });
    }
    let Some(server) = dest["server"].as_str().filter(|s| !s.is_empty()) else {
        return cluster_in(file);
    };
    if server == "https://kubernetes.default.svc" {
        return Some(cluster_in(file).unwrap_or_else(|| "in-cluster".into()));
    }
    let host = server.split("://").nth(1).unwrap_or(server);
    Some(host.split(['/', ':']).next().unwrap_or(host).to_string())
}

fn templated(s: &str) -> bool {
    s.contains("{{")
}

/// Where an object is named: its file and `metadata.name` span.
fn position(o: &Object<'_>) -> (String, Option<crate::span::Span>) {
    crate::objects::locate(o, &crate::objects::name_path())
}

/// The deployer an object is, if it is one.
fn as_deployer(i: usize, o: &Object<'_>, sources: &SourceIndex) -> Option<Deployer> {
    use crate::load::tree::PathSeg::{Index, Key};
    let v = &o.value;
    let api = v["apiVersion"].as_str().unwrap_or("");
    let kind = v["kind"].as_str().unwrap_or("");
    let group = group_of(api);
    let (file, span) = position(o);
    let name = str_at(v, &["metadata", "name"]).to_string();
    let namespace = str_at(v, &["metadata", "namespace"]).to_string();
    let mut d = Deployer {
        kind: kind.to_string(),
        name,
        namespace: namespace.clone(),
        file: file.clone(),
        line: span.map_or(0, |s| s.start.line),
        span,
        cluster: None,
        source: None,
        paths: Vec::new(),
        path_fields: Vec::new(),
        recurse: false,
        chart: None,
        depends_on: Vec::new(),
        target_namespace: None,
        target_namespace_overrides: false,
        templated: false,
        objects: Vec::new(),
        parent: None,
        children: Vec::new(),
        object: i,
    };
    let spec = &v["spec"];
    let flux_ref = |r: &Value| -> Option<SourceRef> {
        let kind = r["kind"].as_str()?;
        let name = r["name"].as_str().unwrap_or("").to_string();
        let ns = r["namespace"].as_str().unwrap_or(&namespace).to_string();
        let found = sources
            .flux
            .get(&(kind.to_string(), ns.clone(), name.clone()));
        Some(SourceRef {
            kind: kind.to_string(),
            url: found.and_then(|u| u.clone()),
            found: found.is_some(),
            external: kind != "GitRepository"
                || found
                    .and_then(|u| u.as_deref())
                    .is_some_and(|u| !sources.this_repo(u)),
            name,
            namespace: ns,
        })
    };
    let depends = |spec: &Value| -> Vec<String> {
        spec["dependsOn"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| {
                let n = d["name"].as_str()?;
                Some(format!(
                    "{}/{n}",
                    d["namespace"].as_str().unwrap_or(&namespace)
                ))
            })
            .collect()
    };
    match (group, kind) {
        ("kustomize.toolkit.fluxcd.io", "Kustomization") => {
            d.source = flux_ref(&spec["sourceRef"]);
            d.depends_on = depends(spec);
            d.cluster = cluster_in(&file);
            let ns = str_at(spec, &["targetNamespace"]);
            if !ns.is_empty() {
                d.target_namespace = Some(ns.to_string());
                d.target_namespace_overrides = true;
            }
            if !d.source.as_ref().is_some_and(|s| s.external) {
                let path = spec["path"].as_str().unwrap_or("./");
                d.paths.push(path.to_string());
                d.path_fields
                    .push(vec![Key("spec".into()), Key("path".into())]);
            }
            d.recurse = true;
        }
        ("helm.toolkit.fluxcd.io", "HelmRelease") => {
            let chart = &spec["chart"]["spec"];
            d.source = flux_ref(&chart["sourceRef"]).or_else(|| flux_ref(&spec["chartRef"]));
            d.depends_on = depends(spec);
            d.cluster = cluster_in(&file);
            let c = str_at(chart, &["chart"]);
            if !c.is_empty() {
                d.chart = Some(c.to_string());
                // A chart in a GitRepository is a path in it.
                if d.source.as_ref().is_some_and(|s| !s.external) {
                    d.paths.push(c.to_string());
                    d.path_fields.push(vec![
                        Key("spec".into()),
                        Key("chart".into()),
                        Key("spec".into()),
                        Key("chart".into()),
                    ]);
                }
            }
            let ns = str_at(spec, &["targetNamespace"]);
            d.target_namespace = (!ns.is_empty()).then(|| ns.to_string());
        }
        ("argoproj.io", "Application" | "ApplicationSet") => {
            let (app, base): (&Value, Vec<crate::load::tree::PathSeg>) = if kind == "Application" {
                (v, vec![Key("spec".into())])
            } else {
                (
                    &spec["template"],
                    vec![
                        Key("spec".into()),
                        Key("template".into()),
                        Key("spec".into()),
                    ],
                )
            };
            let aspec = &app["spec"];
            d.cluster = argo_cluster(app, &file);
            let ns = str_at(aspec, &["destination", "namespace"]);
            d.target_namespace = (!ns.is_empty()).then(|| ns.to_string());
            let list: Vec<(&Value, Vec<crate::load::tree::PathSeg>)> =
                match aspec["sources"].as_array() {
                    Some(a) => a
                        .iter()
                        .enumerate()
                        .map(|(n, s)| {
                            let mut p = base.clone();
                            p.extend([Key("sources".into()), Index(n)]);
                            (s, p)
                        })
                        .collect(),
                    None => {
                        let mut p = base.clone();
                        p.push(Key("source".into()));
                        vec![(&aspec["source"], p)]
                    }
                };
            for (s, field) in list {
                let url = s["repoURL"].as_str().unwrap_or("");
                if let Some(c) = s["chart"].as_str() {
                    d.chart = Some(c.to_string());
                    d.source.get_or_insert(SourceRef {
                        kind: "HelmRepository".into(),
                        name: String::new(),
                        namespace: String::new(),
                        url: Some(url.to_string()),
                        found: false,
                        external: true,
                    });
                    continue;
                }
                let external = !url.is_empty() && !sources.this_repo(url);
                d.source.get_or_insert(SourceRef {
                    kind: "Git".into(),
                    name: String::new(),
                    namespace: String::new(),
                    url: (!url.is_empty()).then(|| url.to_string()),
                    found: !external,
                    external,
                });
                let Some(path) = s["path"].as_str() else {
                    continue;
                };
                if external || templated(url) {
                    continue;
                }
                if templated(path) {
                    d.templated = true;
                    continue;
                }
                d.recurse |= s["directory"]["recurse"].as_bool().unwrap_or(false);
                d.paths.push(path.to_string());
                let mut f = field;
                f.push(Key("path".into()));
                d.path_fields.push(f);
            }
            if kind == "ApplicationSet" {
                // Generated Applications: what a template yields is not worked out here.
                d.templated |= d.paths.is_empty() || !spec["generators"].is_null();
            }
        }
        _ => return None,
    }
    Some(d)
}

/// Flux sources in the repository and what "this repository" is.
struct SourceIndex {
    /// (kind, namespace, name) → URL.
    flux: HashMap<(String, String, String), Option<String>>,
    /// Normalised URLs of this repository (`repository-urls` in `.gitgate.yaml`); empty: every
    /// Git URL is taken to be this repository (a monorepo), as flux-local does.
    urls: Vec<String>,
}

impl SourceIndex {
    fn this_repo(&self, url: &str) -> bool {
        self.urls.is_empty() || self.urls.contains(&normalize_url(url))
    }
}

/// `https://github.com/org/repo.git`, `ssh://git@github.com/org/repo`,
/// `git@github.com:org/repo.git` → `github.com/org/repo`.
pub fn normalize_url(url: &str) -> String {
    let u = url.trim().trim_end_matches('/');
    let u = u.strip_suffix(".git").unwrap_or(u);
    let u = u.split_once("://").map_or(u, |(_, rest)| rest);
    let u = u.rsplit_once('@').map_or(u, |(_, rest)| rest);
    // scp-like `host:org/repo`, not `host:port/…`
    let u = match u.split_once(':') {
        Some((host, rest)) if !rest.starts_with(|c: char| c.is_ascii_digit()) => {
            format!("{host}/{rest}")
        }
        Some((host, rest)) => {
            let path = rest.split_once('/').map_or("", |(_, p)| p);
            format!("{host}/{path}")
        }
        None => u.to_string(),
    };
    u.to_ascii_lowercase()
}

/// Kinds that have no namespace (the ones GitOps repositories commonly hold).
fn cluster_scoped(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        ("", "Namespace" | "PersistentVolume" | "Node")
            | (
                "rbac.authorization.k8s.io",
                "ClusterRole" | "ClusterRoleBinding"
            )
            | ("apiextensions.k8s.io", "CustomResourceDefinition")
            | ("storage.k8s.io", "StorageClass" | "CSIDriver")
            | ("scheduling.k8s.io", "PriorityClass")
            | ("networking.k8s.io", "IngressClass")
            | (
                "admissionregistration.k8s.io",
                "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration"
            )
            | ("apiregistration.k8s.io", "APIService")
            | ("cert-manager.io", "ClusterIssuer")
    )
}

/// The kustomization directories other kustomizations build on (bases, components): their
/// own rendering is not what anything applies.
fn referenced_dirs(files: &[SourceFile], root: &Path) -> HashSet<String> {
    let mut out = HashSet::new();
    for f in files.iter().filter(|f| f.kind == FileKind::Kustomization) {
        let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
        for d in &f.docs {
            let Some(v) = &d.value else { continue };
            for key in ["resources", "bases", "components"] {
                for r in v[key].as_array().into_iter().flatten() {
                    if let Some(p) = r.as_str().and_then(|r| normalize(dir, r)) {
                        if root.join(&p).is_dir() {
                            out.insert(p);
                        }
                    }
                }
            }
        }
    }
    out
}

fn within(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Builds the graph and checks it.
pub fn gitops_repo(
    root: &Path,
    files: &[SourceFile],
    objects: &[Object<'_>],
    repository_urls: &[String],
) -> (Graph, Vec<Finding>) {
    let mut sources = SourceIndex {
        flux: HashMap::new(),
        urls: repository_urls.iter().map(|u| normalize_url(u)).collect(),
    };
    for o in objects {
        let v = &o.value;
        let api = v["apiVersion"].as_str().unwrap_or("");
        if group_of(api) == "source.toolkit.fluxcd.io" {
            let url = v["spec"]["url"].as_str().map(String::from);
            sources.flux.insert(
                (
                    v["kind"].as_str().unwrap_or("").to_string(),
                    str_at(v, &["metadata", "namespace"]).to_string(),
                    str_at(v, &["metadata", "name"]).to_string(),
                ),
                url,
            );
        }
    }
    let referenced = referenced_dirs(files, root);
    // A deployer defined in a base is applied through the overlays that build on it: only
    // plain files and top-level kustomizations count.
    let applied_unit = |o: &Object<'_>| match &o.origin {
        Origin::Plain { .. } => true,
        Origin::Rendered { dir, .. } => !referenced.contains(*dir),
    };
    let mut graph = Graph::default();
    let mut seen = HashSet::new();
    for (i, o) in objects.iter().enumerate() {
        if !applied_unit(o) {
            continue;
        }
        if let Some(mut d) = as_deployer(i, o, &sources) {
            // One deployer per identity and file (an object rendered by two overlays).
            let key = (
                d.kind.clone(),
                d.namespace.clone(),
                d.name.clone(),
                d.file.clone(),
                d.line,
            );
            if !seen.insert(key) {
                continue;
            }
            let mut paths = Vec::new();
            for p in &d.paths {
                paths.push(normalize("", p).unwrap_or_else(|| p.clone()));
            }
            d.paths = paths;
            graph.deployers.push(d);
        }
    }
    // What each deployer applies.
    let kustomization_dirs: HashSet<&str> = files
        .iter()
        .filter(|f| f.kind == FileKind::Kustomization)
        .map(|f| f.path.rsplit_once('/').map_or("", |(d, _)| d))
        .collect();
    // Objects by the kustomization directory that rendered them, and plain objects by their
    // file's directory.
    let mut rendered_in: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut plain_in: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, o) in objects.iter().enumerate() {
        match &o.origin {
            Origin::Rendered { dir, .. } => rendered_in.entry(dir).or_default().push(i),
            Origin::Plain { file, .. } => plain_in
                .entry(file.path.rsplit_once('/').map_or("", |(d, _)| d))
                .or_default()
                .push(i),
        }
    }
    // The entries of `map` for `dir` and, with `recurse`, every directory below it.
    fn below<'m>(
        map: &'m BTreeMap<&str, Vec<usize>>,
        dir: &'m str,
        recurse: bool,
    ) -> impl Iterator<Item = (&'m str, &'m Vec<usize>)> + 'm {
        map.range(dir..)
            .take_while(move |(k, _)| k.starts_with(dir))
            .filter(move |(k, _)| **k == dir || (recurse && within(k, dir)))
            .map(|(k, v)| (*k, v))
    }
    for d in &mut graph.deployers {
        let mut applied = Vec::new();
        for p in &d.paths {
            let p = p.as_str();
            if kustomization_dirs.contains(p) {
                applied.extend(rendered_in.get(p).into_iter().flatten());
                continue;
            }
            // No kustomization: the manifests below (Flux: all of them; Argo CD: with
            // `directory.recurse`), and the top-level kustomizations among them.
            for (_, objs) in below(&plain_in, p, d.recurse) {
                applied.extend(objs);
            }
            if d.recurse {
                for (dir, objs) in below(&rendered_in, p, true) {
                    if !referenced.contains(dir) {
                        applied.extend(objs);
                    }
                }
            }
        }
        applied.sort_unstable();
        applied.dedup();
        d.objects = applied;
    }
    // Parents: the deployer whose objects include another deployer's object.
    let by_object: HashMap<usize, usize> = graph
        .deployers
        .iter()
        .enumerate()
        .map(|(n, d)| (d.object, n))
        .collect();
    let identity = |i: usize| -> (String, String, String, String) {
        let v = &objects[i].value;
        (
            group_of(v["apiVersion"].as_str().unwrap_or("")).to_string(),
            v["kind"].as_str().unwrap_or("").to_string(),
            str_at(v, &["metadata", "namespace"]).to_string(),
            str_at(v, &["metadata", "name"]).to_string(),
        )
    };
    let by_identity: HashMap<(String, String, String, String), usize> = graph
        .deployers
        .iter()
        .enumerate()
        .map(|(n, d)| (identity(d.object), n))
        .collect();
    let mut edges = Vec::new();
    for (n, d) in graph.deployers.iter().enumerate() {
        for &i in &d.objects {
            // The same deployer object may have been rendered in another unit: match by
            // identity too.
            let child = by_object
                .get(&i)
                .copied()
                .or_else(|| by_identity.get(&identity(i)).copied());
            if let Some(c) = child.filter(|c| *c != n) {
                edges.push((n, c));
            }
        }
    }
    for (parent, child) in edges {
        if graph.deployers[child].parent.is_none() && !ancestor(&graph, child, parent) {
            graph.deployers[child].parent = Some(parent);
            graph.deployers[parent].children.push(child);
        }
    }
    // Clusters: a deployer's own, else its parent's.
    for n in 0..graph.deployers.len() {
        if graph.deployers[n].cluster.is_none() {
            let mut p = graph.deployers[n].parent;
            let mut hops = 0;
            while let Some(up) = p {
                if let Some(c) = graph.deployers[up].cluster.clone() {
                    graph.deployers[n].cluster = Some(c);
                    break;
                }
                p = graph.deployers[up].parent;
                hops += 1;
                if hops > graph.deployers.len() {
                    break;
                }
            }
        }
    }
    for (n, d) in graph.deployers.iter().enumerate() {
        if d.parent.is_none() {
            graph
                .roots
                .entry(d.cluster.clone().unwrap_or_default())
                .or_default()
                .push(n);
        }
    }
    let findings = checks::check(root, files, objects, &graph, &referenced);
    (graph, findings)
}

/// Adds to every finding on objects a deployer applies the deployers that apply them, as
/// related locations (with the cluster and the chain of deployers above each).
pub fn annotate(graph: &Graph, objects: &[Object<'_>], findings: &mut [Finding]) {
    // The unit an object comes from (a kustomization directory, a plain file) → deployers.
    let mut by_unit: HashMap<&str, Vec<usize>> = HashMap::new();
    for (n, d) in graph.deployers.iter().enumerate() {
        for &i in &d.objects {
            let unit = match &objects[i].origin {
                Origin::Rendered { dir, .. } => *dir,
                Origin::Plain { file, .. } => file.path.as_str(),
            };
            let e = by_unit.entry(unit).or_default();
            if !e.contains(&n) {
                e.push(n);
            }
        }
    }
    if by_unit.is_empty() {
        return;
    }
    for f in findings
        .iter_mut()
        .filter(|f| !f.rule.starts_with("GITOPS"))
    {
        let units: Vec<&str> = if f.overlays.is_empty() {
            vec![f.location.path.as_str()]
        } else {
            f.overlays.iter().map(String::as_str).collect()
        };
        let mut found: Vec<usize> = Vec::new();
        for u in units {
            for &n in by_unit.get(u).into_iter().flatten() {
                if !found.contains(&n) {
                    found.push(n);
                }
            }
        }
        if found.is_empty() {
            continue;
        }
        for &n in found.iter().take(3) {
            let d = &graph.deployers[n];
            f.related.push(crate::diag::Related {
                location: crate::diag::Location {
                    path: d.file.clone(),
                    span: d.span,
                },
                message: format!("applied by {}", chain(graph, n)),
            });
        }
        if found.len() > 3 {
            f.notes
                .push(format!("applied by {} more deployers", found.len() - 3));
        }
    }
}

/// `Kustomization flux-system/apps (cluster `prod`, via Kustomization flux-system/flux-system)`.
fn chain(graph: &Graph, n: usize) -> String {
    let d = &graph.deployers[n];
    let mut s = format!("{} {}/{}", d.kind, d.namespace, d.name);
    let mut extra = Vec::new();
    if let Some(c) = &d.cluster {
        extra.push(format!("cluster `{c}`"));
    }
    let mut via = Vec::new();
    let mut p = d.parent;
    while let Some(up) = p {
        if via.len() > graph.deployers.len() {
            break;
        }
        let u = &graph.deployers[up];
        via.push(format!("{} {}/{}", u.kind, u.namespace, u.name));
        p = u.parent;
    }
    if !via.is_empty() {
        extra.push(format!("via {}", via.join(" ← ")));
    }
    if !extra.is_empty() {
        s.push_str(&format!(" ({})", extra.join(", ")));
    }
    s
}

/// `a` is `b` or one of `b`'s ancestors (no cycles through `parent`).
fn ancestor(graph: &Graph, a: usize, b: usize) -> bool {
    let mut cur = Some(b);
    let mut hops = 0;
    while let Some(c) = cur {
        if c == a {
            return true;
        }
        cur = graph.deployers[c].parent;
        hops += 1;
        if hops > graph.deployers.len() {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_normalise() {
        for u in [
            "https://github.com/Acme/gitops.git",
            "ssh://git@github.com/acme/gitops",
            "git@github.com:acme/gitops.git",
            "https://github.com/acme/gitops/",
        ] {
            assert_eq!(normalize_url(u), "github.com/acme/gitops", "{u}");
        }
        assert_eq!(
            normalize_url("ssh://git@host:2222/acme/gitops.git"),
            "host/acme/gitops"
        );
    }

    #[test]
    fn clusters_from_paths() {
        assert_eq!(
            cluster_in("clusters/prod/apps.yaml").as_deref(),
            Some("prod")
        );
        assert_eq!(cluster_in("clusters/apps.yaml"), None);
    }
}
