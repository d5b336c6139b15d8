//! Argo CD ApplicationSet expansion: the Applications an ApplicationSet generates, computed
//! natively from the repository's contents, so later stages can check them like hand-written
//! Applications.
//!
//! Supported generators: `list`, `git` (directories and files, for this repository only),
//! `clusters` (from the cluster Secrets in the repository), `matrix` and `merge`. Generators
//! that need a live API (SCM providers, pull requests, cluster decision resources, plugins)
//! add a note and generate nothing. Templates: fasttemplate (`{{param}}`) and a Go
//! text/template subset with the common Sprig functions (see [`gotmpl`]); anything outside
//! that subset is an error naming the construct, never a guess.

use std::path::Path;

use serde_json::{Map, Value};

use crate::load::{lines::LineIndex, parse, resolve};

/// Generated Applications past this many are an error (a runaway matrix, a huge repo).
pub const MAX_APPLICATIONS: usize = 10_000;
/// The annotation each generated Application carries: the ApplicationSet it came from.
pub const SOURCE_ANNOTATION: &str = "gitgate.dev/applicationset";
const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";

/// The result of expanding one ApplicationSet.
#[derive(Debug, Default)]
pub struct Expansion {
    pub applications: Vec<Value>,
    /// What was not expanded, and why (an external repository, an unsupported generator).
    pub notes: Vec<String>,
}

type Params = Map<String, Value>;

struct Ctx<'a> {
    root: &'a Path,
    repo_urls: Vec<String>,
    clusters: &'a [Value],
    go: bool,
    missingkey_error: bool,
    notes: Vec<String>,
    /// The repository's directories and files, listed once (a matrix asks per parameter set).
    dirs: Option<Vec<String>>,
    files: Option<Vec<String>>,
}

/// Expands `appset` (an ApplicationSet as JSON). `repo_urls`: normalised URLs of this
/// repository (empty: every Git URL is); `cluster_secrets`: the Argo CD cluster Secrets found in
/// the repository.
pub fn expand(
    appset: &Value,
    repo_root: &Path,
    repo_urls: &[String],
    cluster_secrets: &[Value],
) -> Result<Expansion, String> {
    let name = appset["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let namespace = appset["metadata"]["namespace"].as_str();
    let spec = &appset["spec"];
    let go = match &spec["goTemplate"] {
        Value::Null => false,
        Value::Bool(b) => *b,
        _ => return Err("spec.goTemplate: not a boolean".into()),
    };
    let mut missingkey_error = false;
    match &spec["goTemplateOptions"] {
        Value::Null => {}
        Value::Array(opts) => {
            for o in opts {
                match o.as_str() {
                    Some("missingkey=error") | Some("missingkey=zero") => {
                        missingkey_error = o == "missingkey=error"
                    }
                    Some("missingkey=default")
                    | Some("missingkey=invalid")
                    | Some("missingkey=") => missingkey_error = false,
                    _ => return Err(format!("spec.goTemplateOptions: unsupported option {o}")),
                }
            }
        }
        _ => return Err("spec.goTemplateOptions: not a list".into()),
    }
    let template = match &spec["template"] {
        Value::Object(_) => &spec["template"],
        Value::Null => return Err("spec.template: missing".into()),
        _ => return Err("spec.template: not a mapping".into()),
    };
    let generators = spec["generators"]
        .as_array()
        .ok_or("spec.generators: missing or not a list")?;
    let patch = match &spec["templatePatch"] {
        Value::Null => None,
        Value::String(s) => Some(s.as_str()),
        _ => return Err("spec.templatePatch: not a string".into()),
    };
    let mut ctx = Ctx {
        root: repo_root,
        repo_urls: repo_urls.iter().map(|u| super::normalize_url(u)).collect(),
        clusters: cluster_secrets,
        go,
        missingkey_error,
        notes: Vec::new(),
        dirs: None,
        files: None,
    };
    let mut applications = Vec::new();
    for (i, g) in generators.iter().enumerate() {
        let field = format!("spec.generators[{i}]");
        let sets = ctx.generate(g, &field, 0)?;
        // A generator's own `template` overrides fields of the ApplicationSet's.
        let own = generator_template(g);
        let tmpl = match own {
            Some(t) => {
                let mut base = template.clone();
                merge_override(&mut base, t);
                base
            }
            None => template.clone(),
        };
        for params in &sets {
            if applications.len() >= MAX_APPLICATIONS {
                return Err(format!(
                    "ApplicationSet {name}: generates more than {MAX_APPLICATIONS} Applications"
                ));
            }
            let mut app = ctx.render(&tmpl, params, "spec.template")?;
            if let Some(p) = patch {
                let text = ctx.render_str(p, params, "spec.templatePatch")?;
                let pv = parse_yaml_one(&text).map_err(|e| format!("spec.templatePatch: {e}"))?;
                match pv {
                    // Rendered empty (a false `if`): nothing to patch.
                    Value::Null => {}
                    Value::Object(_) => merge_patch(&mut app, &pv),
                    _ => return Err("spec.templatePatch: does not render to a mapping".into()),
                }
            }
            applications.push(finish(app, &name, namespace));
        }
    }
    Ok(Expansion {
        applications,
        notes: ctx.notes,
    })
}

fn generator_template(g: &Value) -> Option<&Value> {
    let obj = g.as_object()?;
    obj.iter()
        .find(|(k, _)| *k != "selector")
        .and_then(|(_, v)| v.get("template"))
        .filter(|t| t.is_object())
}

/// apiVersion/kind, the ApplicationSet's namespace (Argo CD always puts an Application in
/// its ApplicationSet's namespace, whatever the template says) and the source annotation.
fn finish(app: Value, appset: &str, namespace: Option<&str>) -> Value {
    let mut app = match app {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let mut out = Map::new();
    out.insert("apiVersion".into(), "argoproj.io/v1alpha1".into());
    out.insert("kind".into(), "Application".into());
    let mut meta = match app.remove("metadata") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let ann = meta
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if !ann.is_object() {
        *ann = Value::Object(Map::new());
    }
    if let Value::Object(a) = ann {
        a.insert(SOURCE_ANNOTATION.into(), appset.into());
    }
    if let Some(ns) = namespace {
        meta.insert("namespace".into(), ns.into());
    }
    out.insert("metadata".into(), Value::Object(meta));
    for (k, v) in app {
        out.insert(k, v);
    }
    Value::Object(out)
}

/// mergo-style override: non-empty values of `over` replace those of `base`; maps merge.
fn merge_override(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(bv) if bv.is_object() && v.is_object() => merge_override(bv, v),
                    _ if empty(v) => {}
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) if !empty(o) => *b = o.clone(),
        _ => {}
    }
}

/// A JSON merge patch: maps merge, `null` deletes, everything else replaces (what a strategic
/// merge patch does to an Application, whose lists have no merge keys).
fn merge_patch(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    b.remove(k);
                } else if let Some(bv) = b.get_mut(k).filter(|bv| bv.is_object()) {
                    merge_patch(bv, v);
                } else {
                    b.insert(k.clone(), v.clone());
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// Parses one YAML (or JSON) document to JSON.
fn parse_yaml_one(text: &str) -> Result<Value, String> {
    let mut docs = parse_yaml(text)?;
    match docs.len() {
        0 => Ok(Value::Null),
        1 => Ok(docs.remove(0)),
        n => Err(format!("{n} YAML documents, expected one")),
    }
}

fn parse_yaml(text: &str) -> Result<Vec<Value>, String> {
    let lines = LineIndex::new(text);
    let parsed = parse::parse(text, &lines, 256);
    let limits = resolve::Limits {
        max_depth: 256,
        max_alias_nodes: 100_000,
    };
    let mut out = Vec::new();
    for d in parsed.docs {
        if let Some(e) = d.error {
            return Err(format!(
                "invalid YAML at line {}: {}",
                e.pos.line, e.message
            ));
        }
        let Some(root) = d.root else { continue };
        let anchors = crate::load::tree::collect_anchors(&root);
        let v = resolve::to_json(&root, &anchors, limits).map_err(|e| e.message)?;
        out.push(v);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Generators

impl Ctx<'_> {
    fn generate(&mut self, g: &Value, field: &str, depth: usize) -> Result<Vec<Params>, String> {
        let obj = g
            .as_object()
            .ok_or_else(|| format!("{field}: not a mapping"))?;
        let kinds: Vec<&String> = obj.keys().filter(|k| *k != "selector").collect();
        let [kind] = kinds.as_slice() else {
            return Err(format!(
                "{field}: expected exactly one generator, found {}",
                if kinds.is_empty() {
                    "none".to_string()
                } else {
                    kinds
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ));
        };
        let body = &obj[kind.as_str()];
        let sub = format!("{field}.{kind}");
        let sets = match kind.as_str() {
            "list" => self.list(body, &sub)?,
            "git" => self.git(body, &sub)?,
            "clusters" => self.clusters(body, &sub)?,
            "matrix" => self.matrix(body, &sub, depth)?,
            "merge" => self.merge(body, &sub, depth)?,
            "scmProvider" | "pullRequest" | "clusterDecisionResource" | "plugin" => {
                self.notes.push(format!(
                    "{sub}: the {kind} generator needs a live API; its Applications are not expanded"
                ));
                Vec::new()
            }
            other => return Err(format!("{field}: unknown generator {other:?}")),
        };
        match obj.get("selector") {
            None | Some(Value::Null) => Ok(sets),
            Some(sel) => {
                let sel = Selector::parse(sel, &format!("{field}.selector"))?;
                Ok(sets
                    .into_iter()
                    .filter(|p| sel.matches(&|k| self.param_text(p, k)))
                    .collect())
            }
        }
    }

    /// A parameter as text, for selectors and merge keys (flat key, or a dotted path in Go mode).
    fn param_text(&self, p: &Params, key: &str) -> Option<String> {
        if let Some(v) = p.get(key) {
            return Some(plain_text(v));
        }
        if self.go {
            let mut cur = p.get(key.split('.').next()?)?;
            for seg in key.split('.').skip(1) {
                cur = cur.get(seg)?;
            }
            return Some(plain_text(cur));
        }
        None
    }

    fn list(&mut self, body: &Value, field: &str) -> Result<Vec<Params>, String> {
        let mut elements: Vec<Value> = match &body["elements"] {
            Value::Null => Vec::new(),
            Value::Array(a) => a.clone(),
            _ => return Err(format!("{field}.elements: not a list")),
        };
        match &body["elementsYaml"] {
            Value::Null => {}
            Value::String(s) => {
                if templated(s) {
                    self.notes.push(format!(
                        "{field}.elementsYaml: templated; its elements are not expanded"
                    ));
                } else {
                    match parse_yaml_one(s).map_err(|e| format!("{field}.elementsYaml: {e}"))? {
                        Value::Array(a) => elements.extend(a),
                        Value::Null => {}
                        _ => return Err(format!("{field}.elementsYaml: not a list")),
                    }
                }
            }
            _ => return Err(format!("{field}.elementsYaml: not a string")),
        }
        let mut out = Vec::new();
        for (i, e) in elements.iter().enumerate() {
            let ef = format!("{field}.elements[{i}]");
            let Value::Object(m) = e else {
                return Err(format!("{ef}: not a mapping"));
            };
            if self.go {
                out.push(m.clone());
                continue;
            }
            let mut p = Params::new();
            for (k, v) in m {
                if k == "values" {
                    let Value::Object(vals) = v else {
                        return Err(format!("{ef}.values: not a mapping"));
                    };
                    for (vk, vv) in vals {
                        let Value::String(s) = vv else {
                            return Err(format!("{ef}.values.{vk}: not a string"));
                        };
                        p.insert(format!("values.{vk}"), s.clone().into());
                    }
                } else {
                    match v {
                        Value::String(s) => {
                            p.insert(k.clone(), s.clone().into());
                        }
                        _ => {
                            return Err(format!(
                                "{ef}.{k}: not a string (only goTemplate takes other values)"
                            ))
                        }
                    }
                }
            }
            out.push(p);
        }
        Ok(out)
    }

    fn this_repo(&self, url: &str) -> bool {
        self.repo_urls.is_empty() || self.repo_urls.contains(&super::normalize_url(url))
    }

    fn git(&mut self, body: &Value, field: &str) -> Result<Vec<Params>, String> {
        let url = body["repoURL"]
            .as_str()
            .ok_or_else(|| format!("{field}.repoURL: missing"))?;
        if templated(url) {
            self.notes
                .push(format!("{field}.repoURL: templated ({url}); not expanded"));
            return Ok(Vec::new());
        }
        if !self.this_repo(url) {
            self.notes.push(format!(
                "{field}: repository {url} is not this one; its Applications are not expanded"
            ));
            return Ok(Vec::new());
        }
        let prefix = match &body["pathParamPrefix"] {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            _ => return Err(format!("{field}.pathParamPrefix: not a string")),
        };
        let has_dirs = !body["directories"].is_null();
        let has_files = !body["files"].is_null();
        let mut sets = match (has_dirs, has_files) {
            (true, false) => self.git_dirs(
                &body["directories"],
                &format!("{field}.directories"),
                &prefix,
            )?,
            (false, true) => self.git_files(&body["files"], &format!("{field}.files"), &prefix)?,
            _ => {
                return Err(format!(
                    "{field}: needs exactly one of `directories` and `files`"
                ))
            }
        };
        self.add_values(&mut sets, &body["values"], &format!("{field}.values"))?;
        Ok(sets)
    }

    /// A generator's `values`, rendered with each parameter set, as `values.<key>`.
    fn add_values(&self, sets: &mut [Params], values: &Value, field: &str) -> Result<(), String> {
        let vals = match values {
            Value::Null => return Ok(()),
            Value::Object(m) => m,
            _ => return Err(format!("{field}: not a mapping")),
        };
        for p in sets.iter_mut() {
            let mut rendered = Map::new();
            for (k, v) in vals {
                let Value::String(s) = v else {
                    return Err(format!("{field}.{k}: not a string"));
                };
                rendered.insert(
                    k.clone(),
                    self.render_str(s, p, &format!("{field}.{k}"))?.into(),
                );
            }
            if self.go {
                let entry = p
                    .entry("values")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = entry {
                    m.extend(rendered);
                } else {
                    *entry = Value::Object(rendered);
                }
            } else {
                for (k, v) in rendered {
                    p.insert(format!("values.{k}"), v);
                }
            }
        }
        Ok(())
    }

    fn patterns(&self, list: &Value, field: &str) -> Result<Vec<(String, bool)>, String> {
        let items = list
            .as_array()
            .ok_or_else(|| format!("{field}: not a list"))?;
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let f = format!("{field}[{i}]");
            let path = it["path"]
                .as_str()
                .ok_or_else(|| format!("{f}.path: missing"))?;
            let exclude = match &it["exclude"] {
                Value::Null => false,
                Value::Bool(b) => *b,
                _ => return Err(format!("{f}.exclude: not a boolean")),
            };
            // Validate the pattern now, as Go's path.Match would on its first use.
            glob_match(path, "", true).map_err(|e| format!("{f}.path: {e} in {path:?}"))?;
            out.push((path.to_string(), exclude));
        }
        Ok(out)
    }

    fn git_dirs(&mut self, list: &Value, field: &str, prefix: &str) -> Result<Vec<Params>, String> {
        let pats = self.patterns(list, field)?;
        if self.dirs.is_none() {
            let mut dirs = Vec::new();
            list_dirs(self.root, "", &mut dirs, 0)?;
            self.dirs = Some(dirs);
        }
        let dirs = self.dirs.clone().unwrap_or_default();
        let mut out = Vec::new();
        for d in dirs {
            let mut include = false;
            let mut exclude = false;
            for (p, ex) in &pats {
                if glob_match(p, &d, true).unwrap_or(false) {
                    if *ex {
                        exclude = true;
                    } else {
                        include = true;
                    }
                }
            }
            if include && !exclude {
                if out.len() >= MAX_APPLICATIONS {
                    return Err(format!(
                        "{field}: matches more than {MAX_APPLICATIONS} directories"
                    ));
                }
                let mut p = Params::new();
                self.path_params(&mut p, &d, None, prefix);
                out.push(p);
            }
        }
        Ok(out)
    }

    fn git_files(
        &mut self,
        list: &Value,
        field: &str,
        prefix: &str,
    ) -> Result<Vec<Params>, String> {
        let pats = self.patterns(list, field)?;
        if self.files.is_none() {
            let mut files = Vec::new();
            list_files(self.root, "", &mut files, 0)?;
            // `git ls-files` order: by the whole path.
            files.sort();
            self.files = Some(files);
        }
        let files = self.files.clone().unwrap_or_default();
        let mut out = Vec::new();
        for f in files {
            let mut include = false;
            let mut exclude = false;
            for (p, ex) in &pats {
                // Argo CD's default ("greedy") file globbing: `*` also matches `/`.
                if glob_match(p, &f, false).unwrap_or(false) {
                    if *ex {
                        exclude = true;
                    } else {
                        include = true;
                    }
                }
            }
            if !include || exclude {
                continue;
            }
            let text = std::fs::read_to_string(self.root.join(&f))
                .map_err(|e| format!("{field}: reading {f}: {e}"))?;
            let v = parse_yaml_one(&text).map_err(|e| format!("{field}: {f}: {e}"))?;
            let objs = match v {
                Value::Object(m) => vec![m],
                Value::Array(a) => a
                    .into_iter()
                    .map(|e| match e {
                        Value::Object(m) => Ok(m),
                        _ => Err(format!("{field}: {f}: a list element is not a mapping")),
                    })
                    .collect::<Result<_, _>>()?,
                Value::Null => vec![Map::new()],
                _ => return Err(format!("{field}: {f}: not a mapping or a list")),
            };
            let (dir, name) = f.rsplit_once('/').unwrap_or(("", &f));
            for o in objs {
                if out.len() >= MAX_APPLICATIONS {
                    return Err(format!(
                        "{field}: more than {MAX_APPLICATIONS} parameter sets"
                    ));
                }
                let mut p = if self.go {
                    o
                } else {
                    let mut flat = Params::new();
                    flatten("", &Value::Object(o), &mut flat);
                    flat
                };
                self.path_params(&mut p, dir, Some(name), prefix);
                out.push(p);
            }
        }
        Ok(out)
    }

    /// `path`, `path.basename`, `path[n]`, … (flat) or `.path.path`, `.path.segments`, … (Go).
    fn path_params(&self, p: &mut Params, dir: &str, file: Option<&str>, prefix: &str) {
        let base = dir.rsplit('/').next().unwrap_or(dir);
        let segments: Vec<&str> = if dir.is_empty() {
            vec![]
        } else {
            dir.split('/').collect()
        };
        if self.go {
            let mut m = Map::new();
            m.insert("path".into(), dir.into());
            m.insert("basename".into(), base.into());
            m.insert("basenameNormalized".into(), sanitize_name(base).into());
            if let Some(f) = file {
                m.insert("filename".into(), f.into());
                m.insert("filenameNormalized".into(), sanitize_name(f).into());
            }
            m.insert(
                "segments".into(),
                Value::Array(segments.iter().map(|s| Value::from(*s)).collect()),
            );
            let path = Value::Object(m);
            if prefix.is_empty() {
                p.insert("path".into(), path);
            } else {
                let mut outer = Map::new();
                outer.insert("path".into(), path);
                p.insert(prefix.into(), Value::Object(outer));
            }
        } else {
            let k = if prefix.is_empty() {
                "path".to_string()
            } else {
                format!("{prefix}.path")
            };
            p.insert(k.clone(), dir.into());
            p.insert(format!("{k}.basename"), base.into());
            p.insert(
                format!("{k}.basenameNormalized"),
                sanitize_name(base).into(),
            );
            if let Some(f) = file {
                p.insert(format!("{k}.filename"), f.into());
                p.insert(format!("{k}.filenameNormalized"), sanitize_name(f).into());
            }
            for (i, s) in segments.iter().enumerate() {
                p.insert(format!("{k}[{i}]"), (*s).into());
            }
        }
    }

    fn clusters(&mut self, body: &Value, field: &str) -> Result<Vec<Params>, String> {
        // An empty selector selects every cluster, the local one included.
        let sel = match &body["selector"] {
            Value::Null => None,
            s => Some(Selector::parse(s, &format!("{field}.selector"))?),
        }
        .filter(|s| !(s.labels.is_empty() && s.exprs.is_empty()));
        let mut out = Vec::new();
        let mut local_secret = false;
        let mut secret_sets = Vec::new();
        for (i, s) in self.clusters.iter().enumerate() {
            let name = secret_field(s, "name").unwrap_or_default();
            let server = secret_field(s, "server").unwrap_or_default();
            if server.is_empty() {
                return Err(format!(
                    "cluster Secret {}: no `server` in data or stringData",
                    s["metadata"]["name"].as_str().unwrap_or(&format!("#{i}"))
                ));
            }
            if server == IN_CLUSTER_SERVER {
                local_secret = true;
            }
            let labels = s["metadata"]["labels"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            if let Some(sel) = &sel {
                if !sel.matches(&|k| labels.get(k).map(plain_text)) {
                    continue;
                }
            }
            let project = secret_field(s, "project").unwrap_or_default();
            let meta = |k: &str| s["metadata"][k].as_object().cloned().unwrap_or_default();
            secret_sets.push(self.cluster_params(
                &name,
                &server,
                &project,
                meta("labels"),
                meta("annotations"),
            ));
        }
        // Argo CD's own cluster, unless a Secret stands for it or a selector is given.
        if !local_secret && sel.is_none() {
            out.push(self.cluster_params(
                "in-cluster",
                IN_CLUSTER_SERVER,
                "",
                Map::new(),
                Map::new(),
            ));
        }
        out.extend(secret_sets);
        self.add_values(&mut out, &body["values"], &format!("{field}.values"))?;
        Ok(out)
    }

    fn cluster_params(
        &self,
        name: &str,
        server: &str,
        project: &str,
        labels: Map<String, Value>,
        annotations: Map<String, Value>,
    ) -> Params {
        let mut p = Params::new();
        p.insert("name".into(), name.into());
        p.insert("nameNormalized".into(), sanitize_name(name).into());
        p.insert("server".into(), server.into());
        p.insert("project".into(), project.into());
        if self.go {
            let mut m = Map::new();
            m.insert("labels".into(), Value::Object(labels));
            m.insert("annotations".into(), Value::Object(annotations));
            p.insert("metadata".into(), Value::Object(m));
        } else {
            for (k, v) in labels {
                p.insert(format!("metadata.labels.{k}"), plain_text(&v).into());
            }
            for (k, v) in annotations {
                p.insert(format!("metadata.annotations.{k}"), plain_text(&v).into());
            }
        }
        p
    }

    fn children<'b>(&self, body: &'b Value, field: &str) -> Result<&'b Vec<Value>, String> {
        body["generators"]
            .as_array()
            .ok_or_else(|| format!("{field}.generators: missing or not a list"))
    }

    fn matrix(&mut self, body: &Value, field: &str, depth: usize) -> Result<Vec<Params>, String> {
        if depth >= 2 {
            return Err(format!("{field}: matrix/merge nested more than two levels"));
        }
        let gens = self.children(body, field)?;
        if gens.len() != 2 {
            return Err(format!(
                "{field}.generators: a matrix takes exactly two generators, found {}",
                gens.len()
            ));
        }
        let first = self.generate(&gens[0], &format!("{field}.generators[0]"), depth + 1)?;
        let f1 = format!("{field}.generators[1]");
        let mut out = Vec::new();
        for a in &first {
            // The second generator may use the first's parameters (a git path, a selector).
            let g1 = self.render(&gens[1], a, &f1)?;
            for b in self.generate(&g1, &f1, depth + 1)? {
                if out.len() >= MAX_APPLICATIONS {
                    return Err(format!(
                        "{field}: more than {MAX_APPLICATIONS} parameter sets"
                    ));
                }
                // As Argo CD combines them: with goTemplate the first generator's values win
                // (deep merge); without, a key both give with different values is an error.
                let p = if self.go {
                    let mut pv = Value::Object(b);
                    merge_params(&mut pv, &Value::Object(a.clone()));
                    match pv {
                        Value::Object(m) => m,
                        _ => Params::new(),
                    }
                } else {
                    let mut p = a.clone();
                    for (k, v) in b {
                        match p.get(&k) {
                            Some(old) if *old != v => {
                                return Err(format!(
                                    "{field}: both generators give parameter {k:?}, with different values ({} and {})",
                                    plain_text(old),
                                    plain_text(&v)
                                ))
                            }
                            _ => {
                                p.insert(k, v);
                            }
                        }
                    }
                    p
                };
                out.push(p);
            }
        }
        Ok(out)
    }

    fn merge(&mut self, body: &Value, field: &str, depth: usize) -> Result<Vec<Params>, String> {
        if depth >= 2 {
            return Err(format!("{field}: matrix/merge nested more than two levels"));
        }
        let keys: Vec<String> = body["mergeKeys"]
            .as_array()
            .ok_or_else(|| format!("{field}.mergeKeys: missing or not a list"))?
            .iter()
            .map(|k| k.as_str().map(String::from))
            .collect::<Option<_>>()
            .ok_or_else(|| format!("{field}.mergeKeys: not a list of strings"))?;
        if keys.is_empty() {
            return Err(format!("{field}.mergeKeys: no merge keys"));
        }
        let gens = self.children(body, field)?;
        if gens.len() < 2 {
            return Err(format!(
                "{field}.generators: a merge takes two or more generators"
            ));
        }
        let key_of = |ctx: &Self, p: &Params| -> Vec<Option<String>> {
            keys.iter().map(|k| ctx.param_text(p, k)).collect()
        };
        let mut base = self.generate(&gens[0], &format!("{field}.generators[0]"), depth + 1)?;
        let mut index = std::collections::HashMap::new();
        for (i, p) in base.iter().enumerate() {
            if index.insert(key_of(self, p), i).is_some() {
                return Err(format!(
                    "{field}.generators[0]: parameter sets not unique by mergeKeys {keys:?}"
                ));
            }
        }
        for (gi, g) in gens.iter().enumerate().skip(1) {
            let gf = format!("{field}.generators[{gi}]");
            let sets = self.generate(g, &gf, depth + 1)?;
            let mut seen = std::collections::HashSet::new();
            for p in sets {
                let k = key_of(self, &p);
                if !seen.insert(k.clone()) {
                    return Err(format!(
                        "{gf}: parameter sets not unique by mergeKeys {keys:?}"
                    ));
                }
                if let Some(&i) = index.get(&k) {
                    if self.go {
                        let mut bv = Value::Object(std::mem::take(&mut base[i]));
                        merge_params(&mut bv, &Value::Object(p));
                        if let Value::Object(m) = bv {
                            base[i] = m;
                        }
                    } else {
                        base[i].extend(p);
                    }
                }
            }
        }
        Ok(base)
    }

    // -----------------------------------------------------------------------------------------
    // Templates

    /// Renders every string (and map key) in `v`.
    fn render(&self, v: &Value, p: &Params, field: &str) -> Result<Value, String> {
        Ok(match v {
            Value::String(s) => Value::String(self.render_str(s, p, field)?),
            Value::Array(a) => Value::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| self.render(x, p, &format!("{field}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, x) in m {
                    let f = format!("{field}.{k}");
                    let key = self.render_str(k, p, &f)?;
                    out.insert(key, self.render(x, p, &f)?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }

    fn render_str(&self, s: &str, p: &Params, field: &str) -> Result<String, String> {
        if !s.contains("{{") {
            return Ok(s.to_string());
        }
        if self.go {
            gotmpl::render(s, p, self.missingkey_error)
                .map_err(|e| format!("{field}: template {s:?}: {e}"))
        } else {
            fasttemplate(s, p).map_err(|e| format!("{field}: template {s:?}: {e}"))
        }
    }
}

/// Go's `mergo.Merge(dst, src, WithOverride)` on parameter maps: maps merge, the rest replaces.
fn merge_params(dst: &mut Value, src: &Value) {
    match (dst, src) {
        (Value::Object(d), Value::Object(s)) => {
            for (k, v) in s {
                match d.get_mut(k) {
                    Some(dv) if dv.is_object() && v.is_object() => merge_params(dv, v),
                    _ => {
                        d.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (d, s) => *d = s.clone(),
    }
}

fn templated(s: &str) -> bool {
    s.contains("{{")
}

/// A cluster Secret's field from `stringData`, else base64 `data`.
fn secret_field(s: &Value, key: &str) -> Option<String> {
    if let Some(v) = s["stringData"][key].as_str() {
        return Some(v.to_string());
    }
    let b = s["data"][key].as_str()?;
    base64_decode(b).and_then(|v| String::from_utf8(v).ok())
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Argo CD's `SanitizeName`: a DNS-safe name.
pub fn sanitize_name(s: &str) -> String {
    let mut out: String = s
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if out.len() > 253 {
        out.truncate(253);
    }
    out.trim_matches(|c| c == '-' || c == '.').to_string()
}

/// Text of a scalar as Go's `%v` prints it.
fn plain_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        other => gotmpl::print(other),
    }
}

/// Flattens nested maps and lists to dotted keys (`a.b`, `a.0`), as Argo CD does for the git
/// files generator without goTemplate.
fn flatten(prefix: &str, v: &Value, out: &mut Params) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(m) if !m.is_empty() || prefix.is_empty() => {
            for (k, x) in m {
                flatten(&key(k), x, out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                flatten(&key(&i.to_string()), x, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), plain_text(other).into());
        }
    }
}

/// The repository's directories (repo-relative, `/`-separated, in Go's `filepath.Walk` order),
/// without hidden directories and symbolic links, as Argo CD's repo server lists them.
fn list_dirs(root: &Path, rel: &str, out: &mut Vec<String>, depth: usize) -> Result<(), String> {
    for (name, is_dir) in read_dir_sorted(root, rel, depth)? {
        // The repo server skips hidden directories (and what is below them).
        if !is_dir || name.starts_with('.') {
            continue;
        }
        let p = join(rel, &name);
        out.push(p.clone());
        list_dirs(root, &p, out, depth + 1)?;
    }
    Ok(())
}

fn list_files(root: &Path, rel: &str, out: &mut Vec<String>, depth: usize) -> Result<(), String> {
    for (name, is_dir) in read_dir_sorted(root, rel, depth)? {
        let p = join(rel, &name);
        if is_dir {
            list_files(root, &p, out, depth + 1)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_string()
    } else {
        format!("{rel}/{name}")
    }
}

fn read_dir_sorted(root: &Path, rel: &str, depth: usize) -> Result<Vec<(String, bool)>, String> {
    if depth > 256 {
        return Err(format!("{rel}: directories nested deeper than 256 levels"));
    }
    let dir = root.join(rel);
    let rd = std::fs::read_dir(&dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for e in rd {
        let e = e.map_err(|e| format!("reading {}: {e}", dir.display()))?;
        let Some(name) = e.file_name().to_str().map(String::from) else {
            continue;
        };
        if name == ".git" {
            continue;
        }
        let ft = e
            .file_type()
            .map_err(|e| format!("reading {}: {e}", dir.display()))?;
        if ft.is_symlink() {
            continue;
        }
        out.push((name, ft.is_dir()));
    }
    out.sort();
    Ok(out)
}

/// Go's `path.Match` (`separator`: `*` and `?` stop at `/`); without it, `*` crosses `/`, as the
/// git files generator's default globbing does. An invalid pattern is an error whatever the
/// name.
pub fn glob_match(pattern: &str, name: &str, separator: bool) -> Result<bool, String> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    validate_glob(&p)?;
    Ok(match_from(&p, &n, separator))
}

fn validate_glob(p: &[char]) -> Result<(), String> {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => {
                if i + 1 >= p.len() {
                    return Err("syntax error in pattern (trailing backslash)".into());
                }
                i += 2;
            }
            '[' => {
                let (_, _, end) = class(p, i, '\0')?;
                i = end;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Parses a `[...]` class at `p[start]`; returns (matches `c`, negated, index after `]`).
fn class(p: &[char], start: usize, c: char) -> Result<(bool, bool, usize), String> {
    let bad = || "syntax error in pattern (bad character class)".to_string();
    let mut i = start + 1;
    let negated = p.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i).ok_or_else(bad)?;
        if ch == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let lo = if ch == '\\' {
            i += 1;
            *p.get(i).ok_or_else(bad)?
        } else if ch == '-' || ch == ']' {
            return Err(bad());
        } else {
            ch
        };
        i += 1;
        let mut hi = lo;
        if p.get(i) == Some(&'-') {
            i += 1;
            let h = *p.get(i).ok_or_else(bad)?;
            hi = if h == '\\' {
                i += 1;
                *p.get(i).ok_or_else(bad)?
            } else if h == ']' || h == '-' {
                return Err(bad());
            } else {
                h
            };
            i += 1;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
    }
    Ok((matched != negated, negated, i))
}

fn match_from(p: &[char], n: &[char], sep: bool) -> bool {
    // Iterative wildcard matching with backtracking to the last `*`.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    while pi < p.len() && p[pi] == '*' {
                        pi += 1;
                    }
                    star = Some((pi, ni));
                    continue;
                }
                '?' if ni < n.len() && !(sep && n[ni] == '/') => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' if ni < n.len() && !(sep && n[ni] == '/') => {
                    if let Ok((true, _, end)) = class(p, pi, n[ni]) {
                        pi = end;
                        ni += 1;
                        continue;
                    }
                }
                '\\' if ni < n.len() && pi + 1 < p.len() && p[pi + 1] == n[ni] => {
                    pi += 2;
                    ni += 1;
                    continue;
                }
                c if c != '*'
                    && c != '?'
                    && c != '['
                    && c != '\\'
                    && ni < n.len()
                    && n[ni] == c =>
                {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        } else if ni == n.len() {
            return true;
        }
        // Mismatch: let the last `*` eat one more character (not a `/` under path.Match).
        match star {
            Some((sp, sn)) if sn < n.len() && !(sep && n[sn] == '/') => {
                star = Some((sp, sn + 1));
                pi = sp;
                ni = sn + 1;
            }
            _ => return false,
        }
    }
}

/// fasttemplate as Argo CD uses it: `{{ key }}` is replaced by the parameter, an unknown key is
/// left as it is.
fn fasttemplate(s: &str, p: &Params) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let j = after.find("}}").ok_or("cannot find end tag \"}}\"")?;
        let tag = &after[..j];
        match p.get(tag.trim()).filter(|_| !tag.trim().is_empty()) {
            Some(v) => out.push_str(&plain_text(v)),
            None => {
                out.push_str("{{");
                out.push_str(tag);
                out.push_str("}}");
            }
        }
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A Kubernetes label selector (`matchLabels`, `matchExpressions`).
struct Selector {
    labels: Vec<(String, String)>,
    exprs: Vec<(String, String, Vec<String>)>,
}

impl Selector {
    fn parse(v: &Value, field: &str) -> Result<Self, String> {
        let mut s = Selector {
            labels: Vec::new(),
            exprs: Vec::new(),
        };
        if !v.is_object() {
            return Err(format!("{field}: not a mapping"));
        }
        match &v["matchLabels"] {
            Value::Null => {}
            Value::Object(m) => {
                for (k, x) in m {
                    let x = x
                        .as_str()
                        .ok_or_else(|| format!("{field}.matchLabels.{k}: not a string"))?;
                    s.labels.push((k.clone(), x.to_string()));
                }
            }
            _ => return Err(format!("{field}.matchLabels: not a mapping")),
        }
        match &v["matchExpressions"] {
            Value::Null => {}
            Value::Array(a) => {
                for (i, e) in a.iter().enumerate() {
                    let f = format!("{field}.matchExpressions[{i}]");
                    let key = e["key"]
                        .as_str()
                        .ok_or_else(|| format!("{f}.key: missing"))?;
                    let op = e["operator"]
                        .as_str()
                        .ok_or_else(|| format!("{f}.operator: missing"))?;
                    let values: Vec<String> = match &e["values"] {
                        Value::Null => Vec::new(),
                        Value::Array(vs) => vs
                            .iter()
                            .map(|x| x.as_str().map(String::from))
                            .collect::<Option<_>>()
                            .ok_or_else(|| format!("{f}.values: not a list of strings"))?,
                        _ => return Err(format!("{f}.values: not a list")),
                    };
                    match op {
                        "In" | "NotIn" if values.is_empty() => {
                            return Err(format!("{f}.values: {op} needs values"))
                        }
                        "Exists" | "DoesNotExist" if !values.is_empty() => {
                            return Err(format!("{f}.values: {op} takes no values"))
                        }
                        "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
                        _ => return Err(format!("{f}.operator: unknown operator {op:?}")),
                    }
                    s.exprs.push((key.to_string(), op.to_string(), values));
                }
            }
            _ => return Err(format!("{field}.matchExpressions: not a list")),
        }
        Ok(s)
    }

    fn matches(&self, get: &dyn Fn(&str) -> Option<String>) -> bool {
        self.labels
            .iter()
            .all(|(k, v)| get(k).as_deref() == Some(v.as_str()))
            && self.exprs.iter().all(|(k, op, vals)| {
                let got = get(k);
                match op.as_str() {
                    "In" => got.is_some_and(|g| vals.contains(&g)),
                    "NotIn" => got.is_none_or(|g| !vals.contains(&g)),
                    "Exists" => got.is_some(),
                    _ => got.is_none(),
                }
            })
    }
}

/// A subset of Go's text/template with the Sprig functions ApplicationSets commonly use.
///
/// Supported: text and `{{ }}` actions with `{{-`/`-}}` trimming and comments; pipelines
/// (`|`) of commands whose arguments are fields (`.a.b`, `.`, `$`, `$.a`), string, raw-string,
/// number, boolean and `nil` literals and parenthesised pipelines; `if` / `else if` / `else` /
/// `end`; the functions `and`, `or`, `not`, `eq`, `ne`, `len`, `index`, `printf` (`%s`, `%d`,
/// `%v`, `%q`, `%%`), `lower`, `upper`, `replace`, `default`, `trunc`, `quote`, `squote`,
/// `trim`, `trimPrefix`, `trimSuffix`, `contains`, `hasPrefix`, `hasSuffix`, `join`,
/// `toString`, `normalize`. Anything else (`range`, `with`, variables, other functions) is an
/// error naming it.
pub mod gotmpl {
    use serde_json::{Map, Value};

    /// Nesting of `if` and parentheses allowed (bad input must not exhaust the stack).
    const MAX_NESTING: usize = 64;

    #[derive(Debug)]
    enum Node {
        Text(String),
        Action(Pipe),
        If(Vec<(Pipe, Vec<Node>)>, Vec<Node>),
    }

    type Pipe = Vec<Cmd>;
    type Cmd = Vec<Arg>;

    #[derive(Debug, Clone)]
    enum Arg {
        /// `.a.b` (from the dot); `root`: `$.a.b`.
        Field {
            root: bool,
            names: Vec<String>,
        },
        Lit(Value),
        Ident(String),
        Sub(Pipe),
    }

    /// Renders `src` with `data` as the dot.
    pub fn render(
        src: &str,
        data: &Map<String, Value>,
        missingkey_error: bool,
    ) -> Result<String, String> {
        let nodes = parse(src)?;
        let data = Value::Object(data.clone());
        let ev = Eval {
            data: &data,
            missingkey_error,
        };
        let mut out = String::new();
        ev.nodes(&nodes, &mut out)?;
        Ok(out)
    }

    // ---- lexing and parsing

    enum Item {
        Text(String),
        Action(Vec<Tok>),
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Tok {
        Field(bool, Vec<String>),
        Str(String),
        Num(Value),
        Ident(String),
        Pipe,
        Open,
        Close,
        Assign,
    }

    fn items(src: &str) -> Result<Vec<Item>, String> {
        let mut out = Vec::new();
        let mut rest = src;
        let mut trim_next = false;
        while !rest.is_empty() {
            let (text, action) = match rest.find("{{") {
                Some(i) => (&rest[..i], true),
                None => (rest, false),
            };
            let mut t = text;
            if trim_next {
                t = t.trim_start();
            }
            let mut after = &rest[text.len()..];
            if action {
                after = &after[2..];
                let trim_left =
                    after.starts_with("- ") || after.starts_with("-\t") || after.starts_with("-\n");
                if trim_left {
                    t = t.trim_end();
                    after = &after[1..];
                }
                out.push(Item::Text(t.to_string()));
                let (toks, len, trim_right) = lex_action(after)?;
                trim_next = trim_right;
                if let Some(toks) = toks {
                    out.push(Item::Action(toks));
                }
                rest = &after[len..];
            } else {
                out.push(Item::Text(t.to_string()));
                rest = "";
            }
        }
        Ok(out)
    }

    /// Lexes one action up to and including `}}`: (tokens, or None for a comment; bytes
    /// consumed; `-}}` trimming).
    fn lex_action(s: &str) -> Result<(Option<Vec<Tok>>, usize, bool), String> {
        let b = s.as_bytes();
        let mut i = 0;
        let skip_ws = |i: &mut usize| {
            while *i < b.len() && (b[*i] as char).is_ascii_whitespace() {
                *i += 1;
            }
        };
        skip_ws(&mut i);
        if s[i..].starts_with("/*") {
            let end = s[i..].find("*/").ok_or("unclosed comment")? + i + 2;
            let mut j = end;
            skip_ws(&mut j);
            let (trim, j) = if s[j..].starts_with("-}}") {
                (true, j + 3)
            } else if s[j..].starts_with("}}") {
                (false, j + 2)
            } else {
                return Err("comment ends without closing delimiter".into());
            };
            return Ok((None, j, trim));
        }
        let mut toks = Vec::new();
        loop {
            skip_ws(&mut i);
            if i >= b.len() {
                return Err("unclosed action (no \"}}\")".into());
            }
            let rest = &s[i..];
            if rest.starts_with("-}}") && i > 0 && (b[i - 1] as char).is_ascii_whitespace() {
                return Ok((Some(toks), i + 3, true));
            }
            if rest.starts_with("}}") {
                return Ok((Some(toks), i + 2, false));
            }
            let c = b[i] as char;
            match c {
                '|' => {
                    toks.push(Tok::Pipe);
                    i += 1;
                }
                '(' => {
                    toks.push(Tok::Open);
                    i += 1;
                }
                ')' => {
                    toks.push(Tok::Close);
                    i += 1;
                }
                ':' if rest.starts_with(":=") => {
                    toks.push(Tok::Assign);
                    i += 2;
                }
                '=' => {
                    toks.push(Tok::Assign);
                    i += 1;
                }
                '"' => {
                    let mut j = i + 1;
                    let mut esc = false;
                    while j < b.len() {
                        if esc {
                            esc = false;
                        } else if b[j] == b'\\' {
                            esc = true;
                        } else if b[j] == b'"' {
                            break;
                        }
                        j += 1;
                    }
                    if j >= b.len() {
                        return Err("unterminated quoted string".into());
                    }
                    let lit = &s[i..=j];
                    let v: String = serde_json::from_str(lit)
                        .map_err(|_| format!("unsupported escape in string {lit}"))?;
                    toks.push(Tok::Str(v));
                    i = j + 1;
                }
                '`' => {
                    let j = s[i + 1..].find('`').ok_or("unterminated raw string")? + i + 1;
                    toks.push(Tok::Str(s[i + 1..j].to_string()));
                    i = j + 1;
                }
                '.' | '$' => {
                    let root = c == '$';
                    let mut j = i + 1;
                    if root && j < b.len() && (b[j] as char).is_ascii_alphanumeric() {
                        let end = word_end(b, j);
                        return Err(format!("variables (${}) are not supported", &s[j..end]));
                    }
                    let mut names = Vec::new();
                    if !root {
                        j = i; // the leading dot starts the first name
                    }
                    while j < b.len() && b[j] == b'.' {
                        let end = word_end(b, j + 1);
                        if end == j + 1 {
                            if names.is_empty() && !root {
                                j += 1; // `.` alone
                            }
                            break;
                        }
                        names.push(s[j + 1..end].to_string());
                        j = end;
                    }
                    toks.push(Tok::Field(root, names));
                    i = j;
                }
                '-' | '0'..='9' => {
                    let end = (i + 1..b.len())
                        .find(|&k| !(b[k] as char).is_ascii_alphanumeric() && b[k] != b'.')
                        .unwrap_or(b.len());
                    let lit = &s[i..end];
                    let v = if let Ok(n) = lit.parse::<i64>() {
                        Value::from(n)
                    } else if let Some(n) = lit
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                    {
                        Value::Number(n)
                    } else {
                        return Err(format!("bad number {lit:?}"));
                    };
                    toks.push(Tok::Num(v));
                    i = end;
                }
                c if c.is_ascii_alphabetic() || c == '_' => {
                    let end = word_end(b, i);
                    toks.push(Tok::Ident(s[i..end].to_string()));
                    i = end;
                }
                other => return Err(format!("unexpected character {other:?} in action")),
            }
        }
    }

    fn word_end(b: &[u8], mut j: usize) -> usize {
        while j < b.len() && ((b[j] as char).is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        j
    }

    fn parse(src: &str) -> Result<Vec<Node>, String> {
        let items = items(src)?;
        let mut pos = 0;
        let (nodes, end) = parse_list(&items, &mut pos, 0)?;
        match end {
            Stop::Eof => Ok(nodes),
            Stop::End => Err("unexpected {{end}}".into()),
            Stop::Else(_) => Err("unexpected {{else}}".into()),
        }
    }

    enum Stop {
        Eof,
        End,
        /// `else` (empty) or `else if <pipe>`.
        Else(Vec<Tok>),
    }

    fn parse_list(
        items: &[Item],
        pos: &mut usize,
        depth: usize,
    ) -> Result<(Vec<Node>, Stop), String> {
        if depth > MAX_NESTING {
            return Err("nested too deeply".into());
        }
        let mut out = Vec::new();
        while *pos < items.len() {
            let it = &items[*pos];
            *pos += 1;
            match it {
                Item::Text(t) => {
                    if !t.is_empty() {
                        out.push(Node::Text(t.clone()));
                    }
                }
                Item::Action(toks) => match toks.first() {
                    Some(Tok::Ident(k)) if k == "end" => return Ok((out, Stop::End)),
                    Some(Tok::Ident(k)) if k == "else" => {
                        return Ok((out, Stop::Else(toks[1..].to_vec())))
                    }
                    Some(Tok::Ident(k)) if k == "if" => {
                        let mut branches = Vec::new();
                        let mut cond = pipe(&toks[1..], "if")?;
                        let otherwise;
                        loop {
                            let (body, end) = parse_list(items, pos, depth + 1)?;
                            branches.push((cond, body));
                            match end {
                                Stop::Eof => return Err("{{if}} without {{end}}".into()),
                                Stop::End => {
                                    otherwise = Vec::new();
                                    break;
                                }
                                Stop::Else(rest) if rest.is_empty() => {
                                    let (body, end) = parse_list(items, pos, depth + 1)?;
                                    match end {
                                        Stop::End => {}
                                        _ => return Err("{{else}} without {{end}}".into()),
                                    }
                                    otherwise = body;
                                    break;
                                }
                                Stop::Else(rest) => {
                                    if rest.first() != Some(&Tok::Ident("if".into())) {
                                        return Err("{{else}} followed by something other than `if` is not supported".into());
                                    }
                                    cond = pipe(&rest[1..], "else if")?;
                                }
                            }
                        }
                        out.push(Node::If(branches, otherwise));
                    }
                    Some(Tok::Ident(k))
                        if matches!(
                            k.as_str(),
                            "range"
                                | "with"
                                | "define"
                                | "template"
                                | "block"
                                | "break"
                                | "continue"
                        ) =>
                    {
                        return Err(format!("{{{{{k}}}}} is not supported"));
                    }
                    _ => out.push(Node::Action(pipe(toks, "action")?)),
                },
            }
        }
        Ok((out, Stop::Eof))
    }

    fn pipe(toks: &[Tok], what: &str) -> Result<Pipe, String> {
        if toks.is_empty() {
            return Err(format!("missing value for {what}"));
        }
        if toks.contains(&Tok::Assign) {
            return Err("variable declarations are not supported".into());
        }
        let mut i = 0;
        let p = pipe_at(toks, &mut i, 0)?;
        if i < toks.len() {
            return Err(format!("unexpected {:?} in {what}", toks[i]));
        }
        Ok(p)
    }

    fn pipe_at(toks: &[Tok], i: &mut usize, depth: usize) -> Result<Pipe, String> {
        if depth > MAX_NESTING {
            return Err("parentheses nested too deeply".into());
        }
        let mut cmds = Vec::new();
        let mut cmd = Vec::new();
        while *i < toks.len() {
            let t = &toks[*i];
            *i += 1;
            match t {
                Tok::Pipe => {
                    if cmd.is_empty() {
                        return Err("missing command before |".into());
                    }
                    cmds.push(std::mem::take(&mut cmd));
                }
                Tok::Close => {
                    *i -= 1;
                    break;
                }
                Tok::Open => {
                    let sub = pipe_at(toks, i, depth + 1)?;
                    if toks.get(*i) != Some(&Tok::Close) {
                        return Err("unclosed left paren".into());
                    }
                    *i += 1;
                    if sub.is_empty() {
                        return Err("empty parentheses".into());
                    }
                    cmd.push(Arg::Sub(sub));
                }
                Tok::Field(root, names) => cmd.push(Arg::Field {
                    root: *root,
                    names: names.clone(),
                }),
                Tok::Str(s) => cmd.push(Arg::Lit(Value::String(s.clone()))),
                Tok::Num(n) => cmd.push(Arg::Lit(n.clone())),
                Tok::Ident(k) => match k.as_str() {
                    "true" => cmd.push(Arg::Lit(Value::Bool(true))),
                    "false" => cmd.push(Arg::Lit(Value::Bool(false))),
                    "nil" => cmd.push(Arg::Lit(Value::Null)),
                    _ if FUNCS.contains(&k.as_str()) => cmd.push(Arg::Ident(k.clone())),
                    _ => return Err(format!("function {k:?} is not supported")),
                },
                Tok::Assign => return Err("variable declarations are not supported".into()),
            }
        }
        if cmd.is_empty() {
            if !cmds.is_empty() {
                return Err("missing command after |".into());
            }
        } else {
            cmds.push(cmd);
        }
        Ok(cmds)
    }

    const FUNCS: &[&str] = &[
        "and",
        "or",
        "not",
        "eq",
        "ne",
        "len",
        "index",
        "printf",
        "lower",
        "upper",
        "replace",
        "default",
        "trunc",
        "quote",
        "squote",
        "trim",
        "trimPrefix",
        "trimSuffix",
        "contains",
        "hasPrefix",
        "hasSuffix",
        "join",
        "toString",
        "normalize",
    ];

    // ---- evaluation

    struct Eval<'a> {
        data: &'a Value,
        missingkey_error: bool,
    }

    /// `None`: a missing map key ("<no value>").
    type V = Option<Value>;

    impl Eval<'_> {
        fn nodes(&self, nodes: &[Node], out: &mut String) -> Result<(), String> {
            for n in nodes {
                match n {
                    Node::Text(t) => out.push_str(t),
                    Node::Action(p) => out.push_str(&print_v(&self.pipe(p)?)),
                    Node::If(branches, otherwise) => {
                        let mut done = false;
                        for (cond, body) in branches {
                            if truth(&self.pipe(cond)?) {
                                self.nodes(body, out)?;
                                done = true;
                                break;
                            }
                        }
                        if !done {
                            self.nodes(otherwise, out)?;
                        }
                    }
                }
            }
            Ok(())
        }

        fn pipe(&self, p: &Pipe) -> Result<V, String> {
            let mut prev: Option<V> = None;
            for cmd in p {
                prev = Some(self.cmd(cmd, prev)?);
            }
            Ok(prev.unwrap_or(None))
        }

        fn cmd(&self, cmd: &Cmd, piped: Option<V>) -> Result<V, String> {
            match &cmd[0] {
                Arg::Ident(f) => {
                    let mut args = Vec::new();
                    for a in &cmd[1..] {
                        args.push(self.arg(a)?);
                    }
                    if let Some(p) = piped {
                        args.push(p);
                    }
                    call(f, args)
                }
                a => {
                    if cmd.len() > 1 || piped.is_some() {
                        return Err(format!(
                            "can't give argument to non-function {}",
                            describe(a)
                        ));
                    }
                    self.arg(a)
                }
            }
        }

        fn arg(&self, a: &Arg) -> Result<V, String> {
            match a {
                Arg::Lit(v) => Ok(Some(v.clone())),
                Arg::Sub(p) => self.pipe(p),
                Arg::Ident(f) => call(f, Vec::new()),
                Arg::Field { names, .. } => {
                    let mut cur: V = Some(self.data.clone());
                    for (i, n) in names.iter().enumerate() {
                        cur = match cur {
                            Some(Value::Object(m)) => match m.get(n) {
                                Some(v) => Some(v.clone()),
                                None if self.missingkey_error => {
                                    return Err(format!("map has no entry for key {n:?}"))
                                }
                                None => None,
                            },
                            None | Some(Value::Null) => {
                                return Err(format!(
                                    "nil pointer evaluating interface {{}}.{}",
                                    names[i..].join(".")
                                ))
                            }
                            Some(other) => {
                                return Err(format!(
                                    "can't evaluate field {n} in type {}",
                                    go_type(&other)
                                ))
                            }
                        };
                    }
                    Ok(cur)
                }
            }
        }
    }

    fn describe(a: &Arg) -> String {
        match a {
            Arg::Field { root, names } => {
                format!(
                    "{}{}",
                    if *root { "$" } else { "" },
                    if names.is_empty() {
                        ".".into()
                    } else {
                        format!(".{}", names.join("."))
                    }
                )
            }
            Arg::Lit(v) => v.to_string(),
            Arg::Ident(f) => f.clone(),
            Arg::Sub(_) => "(…)".into(),
        }
    }

    fn go_type(v: &Value) -> &'static str {
        match v {
            Value::Null => "nil",
            Value::Bool(_) => "bool",
            Value::Number(n) if n.is_f64() => "float64",
            Value::Number(_) => "int",
            Value::String(_) => "string",
            Value::Array(_) => "[]interface {}",
            Value::Object(_) => "map[string]interface {}",
        }
    }

    fn truth(v: &V) -> bool {
        match v {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_f64() != Some(0.0),
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            Some(Value::Object(o)) => !o.is_empty(),
        }
    }

    /// `%v` of a value, as Go prints an `interface{}` decoded from JSON.
    pub fn print(v: &Value) -> String {
        match v {
            Value::Null => "<nil>".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    i.to_string()
                } else if let Some(u) = n.as_u64() {
                    u.to_string()
                } else {
                    let f = n.as_f64().unwrap_or(0.0);
                    if f.fract() == 0.0 && f.abs() < 1e21 {
                        format!("{f:.0}")
                    } else {
                        f.to_string()
                    }
                }
            }
            Value::String(s) => s.clone(),
            Value::Array(a) => format!("[{}]", a.iter().map(print).collect::<Vec<_>>().join(" ")),
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                let parts: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{k}:{}", print(&m[k.as_str()])))
                    .collect();
                format!("map[{}]", parts.join(" "))
            }
        }
    }

    fn print_v(v: &V) -> String {
        match v {
            None => "<no value>".into(),
            Some(v) => print(v),
        }
    }

    fn want_str(f: &str, v: &V) -> Result<String, String> {
        match v {
            Some(Value::String(s)) => Ok(s.clone()),
            None | Some(Value::Null) => Err(format!("{f}: invalid value; expected string")),
            Some(other) => Err(format!(
                "{f}: wrong type for value; expected string; got {}",
                go_type(other)
            )),
        }
    }

    fn want_int(f: &str, v: &V) -> Result<i64, String> {
        match v {
            Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64().unwrap_or(0)),
            Some(Value::Number(n)) => n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map(|f| f as i64)
                .ok_or_else(|| format!("{f}: expected an integer")),
            _ => Err(format!("{f}: expected an integer")),
        }
    }

    fn arity(f: &str, args: &[V], n: usize) -> Result<(), String> {
        if args.len() != n {
            return Err(format!(
                "wrong number of args for {f}: want {n} got {}",
                args.len()
            ));
        }
        Ok(())
    }

    /// Sprig's `strval`: text of any value (nil: empty).
    fn strval(v: &V) -> String {
        match v {
            None | Some(Value::Null) => String::new(),
            Some(v) => print(v),
        }
    }

    fn call(f: &str, args: Vec<V>) -> Result<V, String> {
        let s = |v: String| Ok(Some(Value::String(v)));
        let b = |v: bool| Ok(Some(Value::Bool(v)));
        match f {
            "and" | "or" => {
                if args.is_empty() {
                    return Err(format!(
                        "wrong number of args for {f}: want at least 1 got 0"
                    ));
                }
                for a in &args {
                    if truth(a) == (f == "or") {
                        return Ok(a.clone());
                    }
                }
                Ok(args.last().cloned().flatten())
            }
            "not" => {
                arity(f, &args, 1)?;
                b(!truth(&args[0]))
            }
            "eq" | "ne" => {
                if args.len() < 2 || (f == "ne" && args.len() != 2) {
                    return Err(format!("wrong number of args for {f}"));
                }
                let mut any = false;
                for other in &args[1..] {
                    any |= go_eq(&args[0], other)?;
                }
                b(if f == "eq" { any } else { !any })
            }
            "len" => {
                arity(f, &args, 1)?;
                let n = match &args[0] {
                    Some(Value::String(x)) => x.len(),
                    Some(Value::Array(a)) => a.len(),
                    Some(Value::Object(o)) => o.len(),
                    _ => return Err("len of a value that has no length".into()),
                };
                Ok(Some(Value::from(n)))
            }
            "index" => {
                let mut it = args.into_iter();
                let mut cur = it.next().ok_or("wrong number of args for index")?;
                for k in it {
                    cur = match (cur, &k) {
                        (Some(Value::Array(a)), Some(Value::Number(_))) => {
                            let i = want_int("index", &k)?;
                            let v = usize::try_from(i).ok().and_then(|i| a.get(i)).cloned();
                            Some(v.ok_or_else(|| {
                                format!("error calling index: index out of range: {i}")
                            })?)
                        }
                        (Some(Value::Object(m)), Some(Value::String(key))) => m.get(key).cloned(),
                        (None | Some(Value::Null), _) => {
                            return Err("error calling index: index of untyped nil".into())
                        }
                        (Some(c), _) => {
                            return Err(format!(
                                "error calling index: cannot index {} with {}",
                                go_type(&c),
                                k.as_ref().map_or("nil", go_type)
                            ))
                        }
                    };
                }
                Ok(cur)
            }
            "printf" => {
                let fmt = want_str(f, args.first().ok_or("wrong number of args for printf")?)?;
                let mut out = String::new();
                let mut rest = args[1..].iter();
                let mut chars = fmt.chars();
                while let Some(c) = chars.next() {
                    if c != '%' {
                        out.push(c);
                        continue;
                    }
                    match chars.next() {
                        Some('%') => out.push('%'),
                        Some(v @ ('s' | 'd' | 'v' | 'q')) => {
                            let a = rest.next().ok_or("printf: missing argument")?;
                            match (v, a) {
                                ('d', Some(Value::Number(_))) => {
                                    out.push_str(&want_int("printf %d", a)?.to_string())
                                }
                                ('d', _) => return Err("printf %d of a non-integer".into()),
                                ('q', _) => out.push_str(
                                    &serde_json::to_string(&strval(a)).unwrap_or_default(),
                                ),
                                _ => out.push_str(&print_v(a)),
                            }
                        }
                        other => {
                            return Err(format!(
                                "printf verb %{} is not supported",
                                other.map(String::from).unwrap_or_default()
                            ))
                        }
                    }
                }
                s(out)
            }
            "lower" | "upper" | "trim" | "normalize" | "toString" => {
                arity(f, &args, 1)?;
                if f == "toString" {
                    return s(strval(&args[0]));
                }
                let x = want_str(f, &args[0])?;
                s(match f {
                    "lower" => x.to_lowercase(),
                    "upper" => x.to_uppercase(),
                    "trim" => x.trim().to_string(),
                    _ => super::sanitize_name(&x),
                })
            }
            "replace" => {
                arity(f, &args, 3)?;
                let (old, new, x) = (
                    want_str(f, &args[0])?,
                    want_str(f, &args[1])?,
                    want_str(f, &args[2])?,
                );
                s(x.replace(&old, &new))
            }
            "trimPrefix" | "trimSuffix" | "contains" | "hasPrefix" | "hasSuffix" => {
                arity(f, &args, 2)?;
                let (a, x) = (want_str(f, &args[0])?, want_str(f, &args[1])?);
                match f {
                    "trimPrefix" => s(x.strip_prefix(a.as_str()).unwrap_or(&x).to_string()),
                    "trimSuffix" => s(x.strip_suffix(a.as_str()).unwrap_or(&x).to_string()),
                    "contains" => b(x.contains(&a)),
                    "hasPrefix" => b(x.starts_with(&a)),
                    _ => b(x.ends_with(&a)),
                }
            }
            "default" => {
                if args.is_empty() || args.len() > 2 {
                    return Err(format!(
                        "wrong number of args for default: want 1 or 2 got {}",
                        args.len()
                    ));
                }
                if args.len() == 2 && truth(&args[1]) {
                    Ok(args[1].clone())
                } else {
                    Ok(args[0].clone())
                }
            }
            "trunc" => {
                arity(f, &args, 2)?;
                let n = want_int(f, &args[0])?;
                let x = want_str(f, &args[1])?;
                let chars: Vec<char> = x.chars().collect();
                let len = chars.len() as i64;
                let out: String = if n < 0 && len + n > 0 {
                    chars[(len + n) as usize..].iter().collect()
                } else if n >= 0 && len > n {
                    chars[..n as usize].iter().collect()
                } else {
                    x
                };
                s(out)
            }
            "quote" | "squote" => {
                let parts: Vec<String> = args
                    .iter()
                    .filter(|a| !matches!(a, None | Some(Value::Null)))
                    .map(|a| {
                        if f == "quote" {
                            serde_json::to_string(&strval(a)).unwrap_or_default()
                        } else {
                            format!("'{}'", strval(a))
                        }
                    })
                    .collect();
                s(parts.join(" "))
            }
            "join" => {
                arity(f, &args, 2)?;
                let sep = want_str(f, &args[0])?;
                let items: Vec<String> = match &args[1] {
                    Some(Value::Array(a)) => a.iter().map(|x| strval(&Some(x.clone()))).collect(),
                    other => vec![strval(other)],
                };
                s(items.join(&sep))
            }
            other => Err(format!("function {other:?} is not supported")),
        }
    }

    /// Go's `eq` on basic kinds: numbers by value, otherwise same kind and value.
    fn go_eq(a: &V, b: &V) -> Result<bool, String> {
        match (a, b) {
            (Some(Value::Number(x)), Some(Value::Number(y))) => Ok(x.as_f64() == y.as_f64()),
            (Some(Value::String(x)), Some(Value::String(y))) => Ok(x == y),
            (Some(Value::Bool(x)), Some(Value::Bool(y))) => Ok(x == y),
            (None | Some(Value::Null), None | Some(Value::Null)) => Ok(true),
            (Some(Value::Array(_) | Value::Object(_)), _)
            | (_, Some(Value::Array(_) | Value::Object(_))) => {
                Err("error calling eq: non-comparable type".into())
            }
            (None | Some(Value::Null), _) | (_, None | Some(Value::Null)) => {
                Err("error calling eq: invalid type for comparison".into())
            }
            _ => Err("error calling eq: incompatible types for comparison".into()),
        }
    }
}
