//! Stage 5, policy: Rego policies (the bundled library in `policies/` and user directories,
//! conftest-compatible) over the same objects validation sees — plain manifests no
//! kustomization names and every rendered object. A result's `path` is placed like a schema
//! error: the key or value in the manifest, or through render provenance the base or patch
//! line. `policies/README.md` documents the input, context and result shapes.

mod builtins;
mod bundled;
pub mod context;
mod data;
pub mod eval;
pub mod load;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::Value;

use crate::diag::Finding;
use crate::objects::{locate, name_path, Object, Origin};
use crate::rules::policy::eval_error;
use crate::span::Span;

#[derive(Clone, Debug)]
pub struct PolicyOptions {
    /// User policy directories (or files).
    pub dirs: Vec<PathBuf>,
    /// Run the bundled library.
    pub bundled: bool,
    /// Given to policies in the context.
    pub kubernetes_version: String,
    /// Execution time limit of one rule on one object.
    pub timeout: Duration,
    /// Packages whose `deny`/`violation`/`warn` rules user policies contribute; `None`: all.
    pub namespaces: Option<Vec<String>>,
    /// `environments:` globs from `.gitgate.yaml`.
    pub environments: context::Environments,
    /// `policy-parameters:` from `.gitgate.yaml` (`data.gitgate.params`), and where each
    /// key is in `config_file`.
    pub params: serde_json::Map<String, Value>,
    pub param_spans: Vec<(String, Span)>,
    pub config_file: String,
    /// conftest `--data`: JSON/YAML files and directories merged into `data`.
    pub data: Vec<PathBuf>,
    /// Syntax of user policies.
    pub rego_version: load::RegoVersion,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions {
            dirs: Vec::new(),
            bundled: true,
            kubernetes_version: crate::schemas::bundle().newest_kubernetes().to_string(),
            timeout: Duration::from_millis(1000),
            namespaces: Some(vec!["main".into()]),
            environments: context::Environments::default(),
            params: serde_json::Map::new(),
            param_spans: Vec::new(),
            config_file: String::new(),
            data: Vec::new(),
            rego_version: load::RegoVersion::Auto,
        }
    }
}

/// What the stage did, for `--verbose` and benchmarks.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub policies: usize,
    pub rules: usize,
    pub objects: usize,
    /// Rule evaluations (one rule on one object).
    pub evaluations: usize,
    /// Results excepted by conftest `exception` rules (not reported).
    pub exceptions: usize,
    pub eval_time: Duration,
    /// Rule id and the time spent in it (summed over workers), slowest first.
    pub rule_times: Vec<(String, Duration)>,
    /// The documentation of the user policies (`--policy`) that have a `# METADATA` block.
    pub docs: Vec<PolicyDoc>,
}

/// A finding and the kustomization directory whose output it was found in.
type Placed = (Finding, Option<String>);

pub fn policy_repo(
    root: &std::path::Path,
    objects: &[Object<'_>],
    opts: &PolicyOptions,
) -> (Vec<Finding>, Report) {
    let (policies, mut findings) =
        load::load(&opts.dirs, root, opts.bundled, false, opts.rego_version);
    let (contexts, _) = context::contexts(objects, &opts.environments, &opts.kubernetes_version);
    // Each object converted once: the input of its own evaluation and its entry in the
    // repository index (regorus values share their contents).
    let inputs: Vec<regorus::Value> = objects
        .par_iter()
        .map(|o| regorus::Value::from(o.value.as_ref().clone()))
        .collect();
    let contexts: Vec<regorus::Value> = contexts.into_iter().map(regorus::Value::from).collect();
    let mut data = repo_data(objects, &inputs, &contexts, &opts.params);
    let (user_data, f) = data::load(&opts.data, root);
    findings.extend(f);
    if !user_data.is_empty() {
        if user_data.contains_key("gitgate") {
            findings.push(Finding::new(
                &crate::rules::policy::load_error::RULE,
                opts.data
                    .first()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default(),
                None,
                "policy data may not set `gitgate` (gitgate's own index lives there); left out"
                    .into(),
            ));
        } else if let Ok(m) = data.as_object_mut() {
            for (k, v) in user_data {
                m.insert(regorus::Value::from(k), regorus::Value::from(v));
            }
        }
    }
    findings.extend(unknown_parameters(&policies, opts));
    let (prep, f) = eval::prepare(
        &policies,
        opts.timeout,
        opts.namespaces.as_deref(),
        Some(data),
    );
    findings.extend(f);
    let mut report = Report {
        policies: policies.len(),
        rules: prep.targets.len(),
        docs: docs(&policies).into_iter().filter(|d| !d.bundled).collect(),
        ..Report::default()
    };
    if prep.targets.is_empty() {
        return (findings, report);
    }
    report.objects = objects.iter().filter(|o| o.checked).count();
    let started = Instant::now();
    type Part = (Vec<Placed>, usize, usize);
    let per_object_stage = || -> Vec<Part> {
        (0..objects.len())
            .into_par_iter()
            .filter(|i| objects[*i].checked)
            .map_init(
                || prep.engine.clone(),
                |engine, i| {
                    let o = &objects[i];
                    let (outcomes, n) = eval::eval_object(
                        &prep,
                        engine,
                        &o.value,
                        inputs[i].clone(),
                        contexts[i].clone(),
                    );
                    let excepted = excepted(&outcomes);
                    (place(&prep, o, outcomes, opts), n, excepted)
                },
            )
            .collect()
    };
    // Cross-object rules: each once over the index, with a longer time limit, in parallel
    // with each other and with the per-object rules.
    let repo_stage = || -> Vec<Part> {
        let repo: Vec<usize> = (0..prep.targets.len())
            .filter(|i| prep.targets[*i].repo_scope)
            .collect();
        repo.into_par_iter()
            .map(|i| {
                let mut engine = prep.engine.clone();
                engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
                    limit: opts.timeout * 10,
                    check_interval: std::num::NonZeroU32::new(32).expect("non-zero"),
                });
                let (mut outcomes, n) = eval::eval_repo(&prep, &mut engine, i);
                // Only results about checked objects (PR mode: the affected ones), as the
                // object reported on or a related one.
                let checked = |i: &usize| objects.get(*i).is_some_and(|o| o.checked);
                outcomes.retain(|o| match o {
                    eval::Outcome::Hit(h) => {
                        h.object.is_none_or(|i| checked(&i)) || h.related.iter().any(checked)
                    }
                    _ => true,
                });
                let excepted = excepted(&outcomes);
                (place_repo(&prep, objects, outcomes, opts), n, excepted)
            })
            .collect()
    };
    let (mut per_object, repo) = rayon::join(per_object_stage, repo_stage);
    per_object.extend(repo);
    report.eval_time = started.elapsed();
    report.evaluations = per_object.iter().map(|(_, n, _)| n).sum();
    report.exceptions = per_object.iter().map(|(_, _, e)| e).sum();
    report.rule_times = prep
        .targets
        .iter()
        .map(|t| {
            let nanos = t.nanos.load(std::sync::atomic::Ordering::Relaxed);
            (t.id.to_string(), Duration::from_nanos(nanos))
        })
        .collect();
    report.rule_times.sort_by_key(|t| std::cmp::Reverse(t.1));
    findings.extend(merge(per_object.into_iter().flat_map(|(f, _, _)| f)));
    (findings, report)
}

/// `policy-parameters:` keys no loaded policy reads (`lib.param("name", …)`): a typo would
/// otherwise silently leave the default in force.
fn unknown_parameters(policies: &[load::Policy], opts: &PolicyOptions) -> Vec<Finding> {
    let read = regex::Regex::new(r#"lib\.param\(\s*"([^"]+)""#).expect("valid regex");
    let mut known: Vec<String> = policies
        .iter()
        .flat_map(|p| read.captures_iter(&p.text).map(|c| c[1].to_string()))
        .collect();
    known.sort();
    known.dedup();
    opts.params
        .keys()
        .filter(|k| !known.contains(k))
        .map(|k| {
            let span = opts
                .param_spans
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, s)| *s);
            let mut f = Finding::new(
                &crate::rules::policy::load_error::RULE,
                opts.config_file.clone(),
                span,
                format!("unknown policy parameter `{k}`: no loaded policy reads it"),
            );
            f.severity = crate::diag::Severity::Warning;
            let close: Vec<&String> = known
                .iter()
                .filter(|n| strsim::jaro_winkler(n, k) > 0.85)
                .collect();
            match close.first() {
                Some(n) => f.help(format!("did you mean `{n}`?")),
                None => f.note(format!("known parameters: {}", known.join(", "))),
            }
        })
        .collect()
}

fn excepted(outcomes: &[eval::Outcome]) -> usize {
    outcomes
        .iter()
        .map(|o| match o {
            eval::Outcome::Excepted { count, .. } => *count,
            _ => 0,
        })
        .sum()
}

/// `data.gitgate`: every object with its context, an index by kind, namespace and name, and
/// the policy parameters. See `policies/README.md`.
fn repo_data(
    objects: &[Object<'_>],
    inputs: &[regorus::Value],
    contexts: &[regorus::Value],
    params: &serde_json::Map<String, Value>,
) -> regorus::Value {
    use regorus::Value as R;
    let mut entries = Vec::with_capacity(objects.len());
    let mut index: BTreeMap<String, BTreeMap<String, BTreeMap<String, Vec<R>>>> = BTreeMap::new();
    for (i, o) in objects.iter().enumerate() {
        let mut entry = BTreeMap::new();
        entry.insert(R::from("object"), inputs[i].clone());
        entry.insert(R::from("context"), contexts[i].clone());
        entries.push(R::from(entry));
        let s = |v: &Value| v.as_str().unwrap_or("").to_string();
        index
            .entry(s(&o.value["kind"]))
            .or_default()
            .entry(s(&o.value["metadata"]["namespace"]))
            .or_default()
            .entry(s(&o.value["metadata"]["name"]))
            .or_default()
            .push(R::from(i));
    }
    let index: BTreeMap<R, R> = index
        .into_iter()
        .map(|(kind, by_ns)| {
            let by_ns: BTreeMap<R, R> = by_ns
                .into_iter()
                .map(|(ns, by_name)| {
                    let by_name: BTreeMap<R, R> = by_name
                        .into_iter()
                        .map(|(name, ids)| (R::from(name), R::from(ids)))
                        .collect();
                    (R::from(ns), R::from(by_name))
                })
                .collect();
            (R::from(kind), R::from(by_ns))
        })
        .collect();
    let mut gitgate = BTreeMap::new();
    gitgate.insert(R::from("objects"), R::from(entries));
    gitgate.insert(R::from("index"), R::from(index));
    gitgate.insert(R::from("params"), R::from(Value::Object(params.clone())));
    let mut data = BTreeMap::new();
    data.insert(R::from("gitgate"), R::from(gitgate));
    R::from(data)
}

/// Places repo-scope results on the objects they name (`object: i`), with `related`
/// objects as related locations.
fn place_repo(
    prep: &eval::Prepared,
    objects: &[Object<'_>],
    outcomes: Vec<eval::Outcome>,
    opts: &PolicyOptions,
) -> Vec<Placed> {
    let mut out = Vec::new();
    for oc in outcomes {
        match oc {
            eval::Outcome::Hit(h) => {
                let t = &prep.targets[h.target];
                let Some(o) = h.object.and_then(|i| objects.get(i)) else {
                    let f = eval::hit_finding(
                        t,
                        t.files.first().cloned().unwrap_or_default(),
                        Some(load::point(t.line, 1)),
                        h.msg,
                    )
                    .note(format!(
                        "policy `{}` names no object (`object` index) for this result",
                        t.query
                    ));
                    out.push((f, None));
                    continue;
                };
                let related: Vec<(String, Option<Span>, String)> = h
                    .related
                    .iter()
                    .filter_map(|j| objects.get(*j))
                    .map(|r| {
                        let (path, span) = locate(r, &name_path());
                        (path, span, format!("related: {}", kind_name(r)))
                    })
                    .collect();
                let hit = eval::Hit {
                    related: Vec::new(),
                    object: None,
                    ..h
                };
                for (mut f, dir) in place(prep, o, vec![eval::Outcome::Hit(hit)], opts) {
                    for (path, span, msg) in &related {
                        f = f.related(path.clone(), *span, msg.clone());
                    }
                    out.push((f, dir));
                }
            }
            eval::Outcome::Failed { target, error } => {
                let t = &prep.targets[target];
                out.push((
                    Finding::new(
                        &eval_error::RULE,
                        t.files.first().cloned().unwrap_or_default(),
                        Some(load::point(t.line, 1)),
                        format!(
                            "policy rule `{}` ({}) failed: {}",
                            t.query,
                            t.files.join(", "),
                            short_error(&error)
                        ),
                    ),
                    None,
                ));
            }
            eval::Outcome::Excepted { .. } => {}
            eval::Outcome::Stopped { target, .. } => out.push((
                eval::stopped_finding(&prep.targets[target], opts.timeout * 10, "the repository"),
                None,
            )),
        }
    }
    out
}

fn kind_name(o: &Object<'_>) -> String {
    let kind = o.value["kind"].as_str().unwrap_or("object");
    let name = o.value["metadata"]["name"].as_str().unwrap_or("?");
    format!("{kind} `{name}`")
}

/// The same finding from several overlays (a base they share) is reported once, as
/// validation does.
fn merge(items: impl Iterator<Item = Placed>) -> Vec<Finding> {
    type Key = (String, String, Option<(u32, u32)>, String);
    let mut merged: BTreeMap<Key, (Finding, Vec<String>)> = BTreeMap::new();
    for (f, dir) in items {
        let key = (
            f.rule.to_string(),
            f.location.path.clone(),
            f.location.span.map(|s| (s.start.line, s.start.col)),
            f.message.clone(),
        );
        let entry = merged.entry(key).or_insert_with(|| (f, Vec::new()));
        if let Some(d) = dir {
            if !entry.1.contains(&d) {
                entry.1.push(d);
            }
        }
    }
    merged
        .into_values()
        .map(|(mut f, dirs)| {
            f.overlays = dirs.clone();
            let shown: Vec<String> = dirs
                .iter()
                .take(5)
                .map(|d| format!("`{}`", if d.is_empty() { "." } else { d }))
                .collect();
            match dirs.len() {
                0 => f,
                1 => f.note(format!("in the output of {}", shown[0])),
                n => f.note(format!(
                    "in the output of {n} kustomizations: {}{}",
                    shown.join(", "),
                    if n > 5 { ", …" } else { "" }
                )),
            }
        })
        .collect()
}

fn describe(o: &Object<'_>) -> String {
    let kind = o.value["kind"].as_str().unwrap_or("object");
    let name = o.value["metadata"]["name"].as_str().unwrap_or("?");
    let (path, span) = locate(o, &name_path());
    let at = span.map_or(String::new(), |s| format!(":{}", s.start.line));
    format!("{kind} `{name}` ({path}{at})")
}

fn place(
    prep: &eval::Prepared,
    o: &Object<'_>,
    outcomes: Vec<eval::Outcome>,
    opts: &PolicyOptions,
) -> Vec<Placed> {
    let dir = match &o.origin {
        Origin::Rendered { dir, .. } => Some(dir.to_string()),
        Origin::Plain { .. } => None,
    };
    let secret = o.value["kind"] == "Secret" || o.value.get("sops").is_some();
    let subject = crate::suppress::Subject::of(&o.value);
    let mut out = Vec::new();
    for oc in outcomes {
        let f = match oc {
            eval::Outcome::Hit(h) => {
                let t = &prep.targets[h.target];
                let (path, span) = match &h.path {
                    Some(p) if !p.is_empty() => locate(o, p),
                    _ => locate(o, &name_path()),
                };
                let msg = if secret { mask(&o.value, h.msg) } else { h.msg };
                // Sensitive: fingerprinted by object and field, not by the line's text.
                let identity = format!(
                    "{}/{}: {}",
                    o.value["kind"].as_str().unwrap_or(""),
                    o.value["metadata"]["name"].as_str().unwrap_or(""),
                    h.path
                        .as_deref()
                        .map(crate::load::tree::display_path)
                        .unwrap_or_default()
                );
                let mut f = eval::hit_finding(t, path, span, msg);
                if t.sensitive {
                    f = f.identity(identity);
                }
                f.note(format!("policy `{}` ({})", t.query, t.files.join(", ")))
            }
            eval::Outcome::Failed { target, error } => {
                let t = &prep.targets[target];
                let (path, span) = locate(o, &name_path());
                // An engine error may quote input values.
                let error = if secret {
                    "evaluation error (details withheld: the object is a Secret)".into()
                } else {
                    short_error(&error)
                };
                Finding::new(
                    &eval_error::RULE,
                    path,
                    span,
                    format!(
                        "policy rule `{}` ({}) failed on this object: {error}",
                        t.query,
                        t.files.join(", ")
                    ),
                )
            }
            eval::Outcome::Stopped { target, .. } => {
                eval::stopped_finding(&prep.targets[target], opts.timeout, &describe(o))
            }
            eval::Outcome::Excepted { .. } => continue,
        };
        let mut f = f;
        f.subject = Some(subject.clone());
        out.push((f, dir.clone()));
    }
    out
}

/// A regorus error in one line: its `error:` text and the policy position it names.
fn short_error(error: &str) -> String {
    let lines: Vec<&str> = error
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let text = lines
        .iter()
        .find_map(|l| l.split_once("error:").map(|(_, m)| m.trim()))
        .or_else(|| lines.iter().find(|l| !l.starts_with("-->")).copied())
        .unwrap_or("unknown error");
    match lines.iter().find_map(|l| l.strip_prefix("-->")) {
        Some(at) => format!("{text} (at {})", at.trim()),
        None => text.to_string(),
    }
}

/// A message from a user policy must not carry a Secret's value: any `data`/`stringData`
/// value quoted in it, as written or base64-decoded, is masked.
fn mask(object: &Value, mut msg: String) -> String {
    for field in ["data", "stringData"] {
        let Some(m) = object[field].as_object() else {
            continue;
        };
        for v in m.values().filter_map(Value::as_str) {
            let decoded = (field == "data").then(|| base64_decode(v)).flatten();
            for secret in std::iter::once(v.to_string()).chain(decoded) {
                if secret.len() >= 3 && msg.contains(&secret) {
                    msg = msg.replace(&secret, "***");
                }
            }
        }
    }
    msg
}

/// Standard base64 (what `data` values are), to text; `None` if not valid.
fn base64_decode(s: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    String::from_utf8(out).ok()
}

/// A policy's documentation (its `# METADATA`), for `gitgate rules`, `gitgate explain` and the
/// SARIF rule catalog.
#[derive(Clone, Debug)]
pub struct PolicyDoc {
    pub id: String,
    pub severity: crate::diag::Severity,
    pub name: String,
    pub title: String,
    pub description: String,
    pub recommended_actions: String,
    pub path: String,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    /// `custom.sensitive`: its findings point at secret-looking values.
    pub sensitive: bool,
    /// Part of the bundled library (not a `--policy` directory).
    pub bundled: bool,
}

impl PolicyDoc {
    /// In the shape of a built-in rule's documentation.
    pub fn documentation(&self) -> String {
        let mut d = format!(
            "## What it does\n{}.\n\n## Why is this bad\n{}\n",
            self.title.trim_end_matches('.'),
            self.description
        );
        if !self.recommended_actions.is_empty() {
            d.push_str(&format!("\n## Use instead\n{}\n", self.recommended_actions));
        }
        if !self.references.is_empty() {
            d.push_str("\n## References\n");
            for r in &self.references {
                d.push_str(&format!("- <{r}>\n"));
            }
        }
        d.push_str(&format!(
            "\n## Policy\n{} Rego policy `{}`{}.",
            if self.bundled { "Bundled" } else { "User" },
            self.path,
            if self.tags.is_empty() {
                String::new()
            } else {
                format!(" (tags: {})", self.tags.join(", "))
            }
        ));
        d
    }
}

/// The documentation of the bundled library's policies, in id order.
pub fn bundled_docs() -> Vec<PolicyDoc> {
    let (policies, _) = load::load(
        &[],
        std::path::Path::new(""),
        true,
        false,
        load::RegoVersion::Auto,
    );
    let mut docs: Vec<PolicyDoc> = docs(&policies)
        .into_iter()
        .filter(|d| d.bundled && !d.id.starts_with("conftest:"))
        .collect();
    // GG-ARGO-002 before GG-ARGO-010.
    docs.sort_by_key(|d| {
        let (group, n) = d.id.rsplit_once('-').unwrap_or((&d.id, ""));
        (group.to_string(), n.parse::<u32>().unwrap_or(0))
    });
    docs
}

/// One entry per policy file with a `# METADATA` block (test files left out), under the id
/// its findings carry: `custom.id`, or `conftest:<package>`.
pub fn docs(policies: &[load::Policy]) -> Vec<PolicyDoc> {
    policies
        .iter()
        .filter(|p| !p.test)
        .filter_map(|p| {
            let m = p.meta.clone()?;
            let deny = p
                .heads
                .iter()
                .any(|h| eval::result_kind(&h.name) == Some(crate::diag::Severity::Error));
            Some(PolicyDoc {
                id: m.id.unwrap_or_else(|| format!("conftest:{}", p.package)),
                severity: m.severity.unwrap_or(if deny {
                    crate::diag::Severity::Error
                } else {
                    crate::diag::Severity::Warning
                }),
                name: p.package.rsplit('.').next().unwrap_or("").replace('_', "-"),
                title: m.title.unwrap_or_default(),
                description: m.description.unwrap_or_default(),
                recommended_actions: m.recommended_actions.unwrap_or_default(),
                path: p.path.clone(),
                references: m.related_resources,
                tags: m.tags,
                sensitive: m.sensitive,
                bundled: p.bundled,
            })
        })
        .collect()
}

/// `gitgate policy test [DIR]`: the bundled library's tests and DIR's. Prints one line per
/// test; returns whether all passed (and no policy failed to load).
pub fn test_command(
    dir: Option<&std::path::Path>,
    bundled: bool,
    out: &mut dyn std::io::Write,
) -> bool {
    let dirs: Vec<PathBuf> = dir.map(|d| d.to_path_buf()).into_iter().collect();
    let root = std::env::current_dir().unwrap_or_default();
    let (policies, load_findings) =
        load::load(&dirs, &root, bundled, true, load::RegoVersion::Auto);
    let (results, findings) = eval::run_tests(&policies, Duration::from_secs(5));
    let mut ok = true;
    for f in load_findings.iter().chain(&findings) {
        ok = false;
        let at = f
            .location
            .span
            .map_or(String::new(), |s| format!(":{}", s.start.line));
        let _ = writeln!(out, "ERROR {}{at}: {}", f.location.path, f.message);
    }
    let (mut pass, mut fail) = (0, 0);
    for r in &results {
        if r.passed {
            pass += 1;
            let _ = writeln!(out, "PASS  {} ({}:{})", r.name, r.file, r.line);
        } else {
            fail += 1;
            let why = r
                .error
                .as_deref()
                .map_or(String::new(), |e| format!(": {}", short_error(e)));
            let _ = writeln!(out, "FAIL  {} ({}:{}){why}", r.name, r.file, r.line);
        }
    }
    let _ = writeln!(out, "{pass} passed, {fail} failed");
    ok && fail == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn bundled_library_tests_pass() {
        let mut out = Vec::new();
        let ok = super::test_command(None, true, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert!(ok, "{text}");
        assert!(!text.contains("FAIL"), "{text}");
        assert!(text.contains(" passed, 0 failed"), "{text}");
        // Every bundled rule has tests.
        // Every bundled rule file has tests beside it (the helper library excepted).
        for (path, _) in super::bundled::FILES {
            let Some(rule) = path.strip_suffix(".rego") else {
                continue;
            };
            if rule.ends_with("_test") || rule.starts_with("policies/lib/") {
                continue;
            }
            let name = rule.rsplit('/').next().unwrap();
            assert!(
                text.contains(&format!("{name}_test.test_")),
                "{rule} has no tests: {text}"
            );
        }
    }
}
