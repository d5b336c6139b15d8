//! Which files a kustomization reads, in two views:
//!
//! - **recorded**: the engine notes every path a build reads or tries to read
//!   (`kustomize::build_recording`); [`super::Rendered::inputs`] keeps them, repo-relative.
//! - **predicted**: [`Graph`] reads the kustomization files the load stage already parsed,
//!   without building anything, so PR mode can tell which kustomizations a change affects
//!   before rendering any (rendering is most of a check's time). The prediction errs on the
//!   side of too much: every string under a field that can name a file is taken as a path
//!   (`resources`, `bases`, `components`, `patches`, generators' `files`/`envs`, `crds`,
//!   `configurations`, `replacements`, `openapi`, `transformers`, …). The tests check that it
//!   covers what the engine records, on kustomize's own test suite.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use serde_json::Value;

use crate::load::{FileKind, SourceFile};
use crate::objects::normalize;

/// Kustomization fields (lower case: kustomize matches keys case-insensitively) whose strings
/// may name files or directories.
const FILE_FIELDS: &[&str] = &[
    "resources",
    "bases",
    "components",
    "crds",
    "configurations",
    "patchesstrategicmerge",
    "patchesjson6902",
    "patches",
    "replacements",
    "openapi",
    "configmapgenerator",
    "secretgenerator",
    "generators",
    "transformers",
    "validators",
    "helmcharts",
    "helmglobals",
    "helmchartinflationgenerator",
];

/// Fields whose entries are plugin configurations: their own strings (a `PatchTransformer`'s
/// `path`, a `ConfigMapGenerator`'s `files`) name files too, relative to the kustomization.
const PLUGIN_FIELDS: &[&str] = &["generators", "transformers", "validators"];

/// The kustomizations of a repository and the paths each may read.
#[derive(Debug, Default)]
pub struct Graph {
    /// Kustomization directory (repo-relative, `""` for the root) → what it reads.
    pub dirs: BTreeMap<String, Deps>,
}

#[derive(Debug, Default)]
pub struct Deps {
    /// Its kustomization file(s).
    pub own: Vec<String>,
    /// Repo-relative paths it may read: files, kustomization directories, other directories.
    pub refs: BTreeSet<String>,
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `path` is `prefix` or lies under it (`""` holds everything).
pub fn under(path: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl Graph {
    /// Predicts every kustomization's inputs from the loaded files.
    pub fn new(files: &[SourceFile]) -> Graph {
        let by_path: HashMap<&str, &SourceFile> =
            files.iter().map(|f| (f.path.as_str(), f)).collect();
        let mut graph = Graph::default();
        for f in files.iter().filter(|f| f.kind == FileKind::Kustomization) {
            let dir = dir_of(&f.path).to_string();
            let mut refs = BTreeSet::new();
            for value in f.docs.iter().filter_map(|d| d.value.as_ref()) {
                let Some(obj) = value.as_object() else {
                    continue;
                };
                for (key, v) in obj {
                    let key = key.to_ascii_lowercase();
                    if !FILE_FIELDS.contains(&key.as_str()) {
                        continue;
                    }
                    let plugin = PLUGIN_FIELDS.contains(&key.as_str());
                    let mut strings = Vec::new();
                    strings_of(v, &mut strings);
                    for s in strings {
                        if s.contains('\n') {
                            // Inline YAML: a patch, or a plugin configuration naming files.
                            if plugin {
                                for inner in inline_strings(&s) {
                                    add_path(&dir, &inner, &mut refs);
                                }
                            }
                            continue;
                        }
                        let added = add_path(&dir, &s, &mut refs);
                        if plugin {
                            // Configurations in a file, or the output of a directory: the
                            // strings in them are paths from this kustomization too.
                            for p in added {
                                for (_, file) in by_path.iter().filter(|(q, _)| under(q, &p)) {
                                    for d in file.docs.iter().filter_map(|d| d.value.as_ref()) {
                                        let mut inner = Vec::new();
                                        strings_of(d, &mut inner);
                                        for s in inner {
                                            add_path(&dir, &s, &mut refs);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            refs.remove(&dir);
            let deps = graph.dirs.entry(dir).or_default();
            deps.own.push(f.path.clone());
            deps.refs.extend(refs);
        }
        graph
    }

    /// Whether `dir`'s kustomization reads `path` itself (not through another
    /// kustomization): its own file, a file it names, or a file under a directory it names
    /// that is not a kustomization (a kustomization directory counts through its own inputs).
    pub fn reads_directly(&self, dir: &str, path: &str) -> bool {
        self.dirs.get(dir).is_some_and(|deps| {
            deps.own.iter().any(|o| o == path)
                || deps
                    .refs
                    .iter()
                    .any(|r| !self.dirs.contains_key(r) && under(path, r))
        })
    }

    /// The kustomization directories whose inputs include one of `changed` (repo-relative
    /// paths of files added, modified or deleted), directly or through other
    /// kustomizations (an overlay through its base), each with the changed path that reached
    /// it.
    pub fn affected_by<'a>(
        &self,
        changed: impl IntoIterator<Item = &'a str>,
    ) -> BTreeMap<String, String> {
        let changed: Vec<&str> = changed.into_iter().collect();
        let mut affected: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = VecDeque::new();
        for dir in self.dirs.keys() {
            if let Some(c) = changed.iter().find(|c| self.reads_directly(dir, c)) {
                affected.insert(dir.clone(), c.to_string());
                queue.push_back(dir.clone());
            }
        }
        // Users of an affected kustomization are affected: reverse edges, breadth first.
        let mut users: HashMap<&str, Vec<&str>> = HashMap::new();
        for (dir, deps) in &self.dirs {
            for r in deps.refs.iter().filter(|r| self.dirs.contains_key(*r)) {
                users.entry(r.as_str()).or_default().push(dir.as_str());
            }
        }
        while let Some(dir) = queue.pop_front() {
            let why = affected[&dir].clone();
            for user in users.get(dir.as_str()).into_iter().flatten() {
                if !affected.contains_key(*user) {
                    affected.insert(user.to_string(), why.clone());
                    queue.push_back(user.to_string());
                }
            }
        }
        affected
    }

    /// The kustomization directories `dir` uses, itself included, through every level.
    pub fn used_by(&self, dir: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![dir.to_string()];
        while let Some(d) = stack.pop() {
            let Some(deps) = self.dirs.get(&d) else {
                continue;
            };
            if !seen.insert(d) {
                continue;
            }
            stack.extend(
                deps.refs
                    .iter()
                    .filter(|r| self.dirs.contains_key(*r))
                    .cloned(),
            );
        }
        seen
    }

    /// Whether a path the engine recorded for `dir` is predicted: one of the kustomization
    /// directories it uses, or a path one of them reads directly. What PR mode relies on: a
    /// change to any recorded input marks `dir` affected.
    pub fn covers(&self, dir: &str, input: &str) -> bool {
        let used = self.used_by(dir);
        used.contains(input) || used.iter().any(|k| self.reads_directly(k, input))
    }
}
/// Adds `dir`/`s` (and, for a generator source `key=path`, `dir`/`path`) when it stays in the
/// repository; returns what it added.
fn add_path(dir: &str, s: &str, refs: &mut BTreeSet<String>) -> Vec<String> {
    let mut added = Vec::new();
    let s = s.trim();
    if s.is_empty() || crate::render::kustomize::build::is_remote(s) {
        return added;
    }
    let mut candidates = vec![s];
    if let Some((_, path)) = s.split_once('=') {
        candidates.push(path);
    }
    for c in candidates {
        if let Some(p) = normalize(dir, c) {
            if p != dir && refs.insert(p.clone()) {
                added.push(p);
            }
        }
    }
    added
}

fn strings_of(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings_of(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings_of(x, out)),
        _ => {}
    }
}

/// The strings in an inline YAML text (a plugin configuration written in the kustomization).
fn inline_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for doc in crate::render::kustomize::parse_docs("<inline>", text).unwrap_or_default() {
        strings_of(&doc.to_json(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::under;

    #[test]
    fn under_is_by_path_segment() {
        assert!(under("apps/base/x.yaml", "apps/base"));
        assert!(under("apps/base", "apps/base"));
        assert!(!under("apps/base2/x.yaml", "apps/base"));
        assert!(under("anything", ""));
    }
}
