//! Stage 5, policy: Rego policies (the bundled library in `policies/` and user directories,
//! conftest-compatible) over the same objects validation sees — plain manifests no
//! kustomization names and every rendered object. A result's `path` is placed like a schema
//! error: the key or value in the manifest, or through render provenance the base or patch
//! line. `policies/README.md` documents the input, context and result shapes.

mod bundled;
pub mod eval;
pub mod load;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::diag::Finding;
use crate::load::tree::PathSeg;
use crate::objects::{first_line, Object, Origin};
use crate::render::node::{Kind, Prov};
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
    /// Packages whose `deny`/`violation`/`warn` rules user policies contribute.
    pub namespaces: Vec<String>,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions {
            dirs: Vec::new(),
            bundled: true,
            kubernetes_version: crate::schemas::bundle().newest_kubernetes().to_string(),
            timeout: Duration::from_millis(1000),
            namespaces: vec!["main".into()],
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
    pub eval_time: Duration,
}

/// A finding and the kustomization directory whose output it was found in.
type Placed = (Finding, Option<String>);

pub fn policy_repo(
    root: &std::path::Path,
    objects: &[Object<'_>],
    opts: &PolicyOptions,
) -> (Vec<Finding>, Report) {
    let (policies, mut findings) = load::load(&opts.dirs, root, opts.bundled, false);
    let (prep, f) = eval::prepare(&policies, opts.timeout, &opts.namespaces);
    findings.extend(f);
    let mut report = Report {
        policies: policies.len(),
        rules: prep.targets.len(),
        ..Report::default()
    };
    if prep.targets.is_empty() {
        return (findings, report);
    }
    report.objects = objects.len();
    let started = Instant::now();
    let per_object: Vec<(Vec<Placed>, usize)> = objects
        .par_iter()
        .map_init(
            || prep.engine.clone(),
            |engine, o| {
                let ctx = context(o, opts);
                let (outcomes, n) = eval::eval_object(&prep, engine, &o.value, &ctx);
                (place(&prep, o, outcomes, opts), n)
            },
        )
        .collect();
    report.eval_time = started.elapsed();
    report.evaluations = per_object.iter().map(|(_, n)| n).sum();
    findings.extend(merge(per_object.into_iter().flat_map(|(f, _)| f)));
    (findings, report)
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
        .map(|(f, dirs)| {
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

/// `gitgate.context()` for an object. See `policies/README.md`.
fn context(o: &Object<'_>, opts: &PolicyOptions) -> Value {
    let (file, line, doc, dir) = match &o.origin {
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
            Some(dir.to_string()),
        ),
    };
    json!({
        "file": file,
        "line": line,
        "document": doc,
        "kustomization": dir,
        "kubernetes_version": opts.kubernetes_version,
    })
}

fn describe(o: &Object<'_>) -> String {
    let kind = o.value["kind"].as_str().unwrap_or("object");
    let name = o.value["metadata"]["name"].as_str().unwrap_or("?");
    let (path, span) = locate(o, &name_path());
    let at = span.map_or(String::new(), |s| format!(":{}", s.start.line));
    format!("{kind} `{name}` ({path}{at})")
}

fn name_path() -> Vec<PathSeg> {
    vec![PathSeg::Key("metadata".into()), PathSeg::Key("name".into())]
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
                eval::hit_finding(t, path, span, msg).note(format!(
                    "policy `{}` ({})",
                    t.query,
                    t.files.join(", ")
                ))
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
        };
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

/// The file and span of the node at `path`, else its nearest existing ancestor, else the
/// object's `metadata.name` line.
fn locate(o: &Object<'_>, path: &[PathSeg]) -> (String, Option<Span>) {
    match &o.origin {
        Origin::Plain { file, doc } => {
            let found = doc.locate_nearest(path).filter(|(_, depth)| *depth > 0);
            let Some((found, depth)) = found else {
                let name = doc.locate(&name_path()).map(|l| l.caret());
                return (
                    file.path.clone(),
                    Some(name.unwrap_or(first_line(doc.span))),
                );
            };
            // A scalar reached exactly: its value; otherwise the key (a mapping's value spans
            // lines, and a missing child is best shown at its parent's key).
            let scalar = matches!(found.value.kind, crate::load::tree::NodeKind::Scalar { .. });
            let span = if depth == path.len() && scalar && !found.via_alias {
                found.value.span
            } else {
                found.caret()
            };
            (file.path.clone(), Some(span))
        }
        Origin::Rendered { node, origin, dir } => {
            let walk = |path: &[PathSeg]| -> Option<&Prov> {
                let mut best = None;
                let mut cur = *node;
                for seg in path {
                    let next = match (seg, &cur.kind) {
                        (PathSeg::Key(k), Kind::Map(entries)) => entries
                            .iter()
                            .find(|(key, _)| key.as_str() == Some(k.as_str()))
                            .map(|(_, v)| v),
                        (PathSeg::Index(n), Kind::Seq(items)) => items.get(*n),
                        _ => None,
                    };
                    let Some(n) = next else { break };
                    cur = n;
                    if let Some(p) = n.prov.as_ref() {
                        best = Some(p);
                    }
                }
                best
            };
            match walk(path).or_else(|| walk(&name_path())) {
                Some(p) => (p.file.to_string(), Some(p.span)),
                None => match origin {
                    Some(p) => (p.file.to_string(), Some(first_line(p.span))),
                    None => (format!("{dir}/kustomization.yaml"), None),
                },
            }
        }
    }
}

/// A bundled policy's documentation, for `gitgate rules` and `gitgate explain`.
pub struct PolicyDoc {
    pub id: String,
    pub severity: crate::diag::Severity,
    pub name: String,
    pub title: String,
    pub description: String,
    pub recommended_actions: String,
    pub path: String,
}

impl PolicyDoc {
    /// In the shape of a built-in rule's documentation.
    pub fn documentation(&self) -> String {
        let mut d = format!(
            "## What it does\n{}.\n\n## Why is this bad\n{}\n",
            self.title, self.description
        );
        if !self.recommended_actions.is_empty() {
            d.push_str(&format!("\n## Use instead\n{}\n", self.recommended_actions));
        }
        d.push_str(&format!(
            "\n## Policy\nBundled Rego policy `{}`.",
            self.path
        ));
        d
    }
}

pub fn bundled_docs() -> Vec<PolicyDoc> {
    let (policies, _) = load::load(&[], std::path::Path::new(""), true, false);
    policies
        .into_iter()
        .filter_map(|p| {
            let m = p.meta?;
            let deny = p
                .heads
                .iter()
                .any(|h| eval::result_kind(&h.name) == Some(crate::diag::Severity::Error));
            Some(PolicyDoc {
                id: m.id?,
                severity: m.severity.unwrap_or(if deny {
                    crate::diag::Severity::Error
                } else {
                    crate::diag::Severity::Warning
                }),
                name: p.package.rsplit('.').next().unwrap_or("").replace('_', "-"),
                title: m.title.unwrap_or_default(),
                description: m.description.unwrap_or_default(),
                recommended_actions: m.recommended_actions.unwrap_or_default(),
                path: p.path,
            })
        })
        .collect()
}

/// `gitgate policy test [DIR]`: the bundled library's tests and DIR's. Prints one line per
/// test; returns whether all passed (and no policy failed to load).
pub fn test_command(dir: Option<&std::path::Path>, out: &mut dyn std::io::Write) -> bool {
    let dirs: Vec<PathBuf> = dir.map(|d| d.to_path_buf()).into_iter().collect();
    let root = std::env::current_dir().unwrap_or_default();
    let (policies, load_findings) = load::load(&dirs, &root, true, true);
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
            let why = r.error.as_deref().map_or(String::new(), |e| {
                format!(": {}", e.lines().next().unwrap_or(""))
            });
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
        let ok = super::test_command(None, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert!(ok, "{text}");
        assert!(!text.contains("FAIL"), "{text}");
        assert!(text.contains(" passed, 0 failed"), "{text}");
        // Every bundled rule has tests.
        for rule in ["kustomization_prune", "application_prune", "image_tag"] {
            assert!(
                text.contains(&format!("{rule}_test.test_")),
                "{rule}: {text}"
            );
        }
    }
}
