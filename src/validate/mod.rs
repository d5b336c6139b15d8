//! Stage 4, validate: every object — plain manifests no kustomization includes, and every
//! object the kustomizations render — against the schema of its `apiVersion`/`kind` (see
//! [`catalog`] for where schemas come from). Each error lands on the line to edit: the key or
//! value in the manifest, or for a rendered object the line in the base, patch or
//! kustomization that produced the value (the render stage's provenance).

pub mod apis;
pub mod catalog;
pub mod crd;
mod message;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde_json::Value;

use crate::diag::{Finding, Severity};
use crate::load::tree::PathSeg;
use crate::load::{DocClass, SourceFile};
use crate::rules::schema as rules;
use crate::span::Span;

use crate::objects::{first_line, Object, Origin};
use catalog::{Catalog, Lookup};

/// What to do about an object without a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MissingSchema {
    Error,
    Warning,
    Off,
}

impl<'de> serde::Deserialize<'de> for MissingSchema {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // YAML 1.1 (which the config is read as, like everything Kubernetes) reads an unquoted
        // `off` as false.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Repr {
            B(bool),
            S(String),
        }
        match Repr::deserialize(d)? {
            Repr::B(false) => Ok(MissingSchema::Off),
            Repr::B(true) => Ok(MissingSchema::Warning),
            Repr::S(s) => match s.as_str() {
                "error" => Ok(MissingSchema::Error),
                "warning" => Ok(MissingSchema::Warning),
                "off" => Ok(MissingSchema::Off),
                other => Err(serde::de::Error::custom(format!(
                    "unknown value `{other}`, expected error, warning or off"
                ))),
            },
        }
    }
}

#[derive(Clone, Debug)]
pub struct ValidateOptions {
    /// `"1.NN"`, one of the bundled versions.
    pub kubernetes_version: String,
    pub strict: bool,
    pub missing_schema: MissingSchema,
    pub schema_dirs: Vec<PathBuf>,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            kubernetes_version: crate::schemas::bundle().newest_kubernetes().to_string(),
            strict: true,
            missing_schema: MissingSchema::Warning,
            schema_dirs: Vec::new(),
        }
    }
}

/// What validation looked at, for the summary and `--verbose`.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub objects: usize,
    /// CRDs read from the repository, with their CEL rules (not evaluated).
    pub repo_crds: Vec<(String, String, usize)>,
}

pub fn validate_repo(
    files: &[SourceFile],
    objects: &[Object<'_>],
    opts: &ValidateOptions,
) -> (Vec<Finding>, Report) {
    let mut report = Report::default();
    // CRDs anywhere in the repository: every plain file (also those a kustomization names),
    // then rendered output.
    let mut crds = Vec::new();
    for f in files {
        for d in &f.docs {
            if let (DocClass::Manifest { kind, .. }, Some(v)) = (&d.class, &d.value) {
                if kind == "CustomResourceDefinition" {
                    crds.extend(crd::convert(v, &f.path, Some(d.span)));
                }
            }
        }
    }
    for o in objects {
        if let Origin::Rendered { dir, origin, .. } = &o.origin {
            if o.value["kind"] == "CustomResourceDefinition" {
                let (path, span) = origin.map_or((dir.to_string(), None), |p| {
                    (p.file.to_string(), Some(p.span))
                });
                crds.extend(crd::convert(&o.value, &path, span));
            }
        }
    }
    for c in &crds {
        if !report.repo_crds.iter().any(|(k, _, _)| *k == c.key) {
            report
                .repo_crds
                .push((c.key.clone(), c.path.clone(), c.cel_rules));
        }
    }
    let catalog = Catalog::new(
        opts.kubernetes_version.clone(),
        opts.strict,
        crds,
        opts.schema_dirs.clone(),
    );
    report.objects = objects.iter().filter(|o| o.checked).count();

    let per_object: Vec<Vec<(Finding, Option<String>)>> = objects
        .par_iter()
        .filter(|o| o.checked)
        .map(|o| validate_object(&catalog, opts, o))
        .collect();
    // The same finding from several overlays (a base they share) is reported once.
    let mut merged: BTreeMap<FindingKey, (Finding, Vec<String>)> = BTreeMap::new();
    for (f, dir) in per_object.into_iter().flatten() {
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
    let findings = merged
        .into_values()
        .map(|(mut f, dirs)| {
            f.overlays = dirs.clone();
            (f, dirs)
        })
        .map(|(f, dirs)| match dirs.as_slice() {
            [] => f,
            [one] => f.note(format!("in the output of `{}`", shown_dir(one))),
            many => f.note(format!(
                "in the output of {} kustomizations: {}",
                many.len(),
                many.iter()
                    .take(5)
                    .map(|d| format!("`{}`", shown_dir(d)))
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if many.len() > 5 { ", …" } else { "" }
            )),
        })
        .collect();
    (findings, report)
}

/// Rule, file, line/column and message: what makes two findings the same one.
type FindingKey = (String, String, Option<(u32, u32)>, String);

fn shown_dir(d: &str) -> &str {
    if d.is_empty() {
        "."
    } else {
        d
    }
}

fn validate_object(
    catalog: &Catalog,
    opts: &ValidateOptions,
    o: &Object<'_>,
) -> Vec<(Finding, Option<String>)> {
    let dir = match &o.origin {
        Origin::Rendered { dir, .. } => Some(dir.to_string()),
        Origin::Plain { .. } => None,
    };
    let mut out = Vec::new();
    let (Some(api_version), Some(kind)) =
        (o.value["apiVersion"].as_str(), o.value["kind"].as_str())
    else {
        return out;
    };
    // `kind: List` wraps other objects; kubectl unpacks it.
    if kind == "List" && api_version == "v1" {
        return out;
    }
    let subject = crate::suppress::Subject::of(&o.value);
    let mut push = |mut f: Finding| {
        f.subject = Some(subject.clone());
        out.push((f, dir.clone()))
    };
    let head = locate(o, &[PathSeg::Key("apiVersion".into())], Target::Value);
    match apis::status(catalog, api_version, kind) {
        apis::ApiStatus::Removed { message } => {
            push(Finding::new(
                &rules::removed_api::RULE,
                head.0.clone(),
                head.1,
                message,
            ));
            return out;
        }
        apis::ApiStatus::Deprecated { message } => {
            push(Finding::new(
                &rules::deprecated_api::RULE,
                head.0.clone(),
                head.1,
                message,
            ));
        }
        apis::ApiStatus::Current => {}
    }
    let compiled = match &*catalog.lookup(api_version, kind) {
        Lookup::Found(c) => c.clone(),
        Lookup::Missing => {
            let severity = match opts.missing_schema {
                MissingSchema::Off => return out,
                MissingSchema::Error => Severity::Error,
                MissingSchema::Warning => Severity::Warning,
            };
            let mut f = Finding::new(
                &rules::missing_schema::RULE,
                head.0,
                head.1,
                format!(
                    "no schema for {api_version} {kind} (Kubernetes {}); not validated",
                    catalog.version
                ),
            );
            f.severity = severity;
            push(f);
            return out;
        }
        Lookup::Unusable { message, at } => {
            let (path, span) = at.clone().unwrap_or(head);
            push(
                Finding::new(
                    &rules::unusable_schema::RULE,
                    path,
                    span,
                    format!("{api_version} {kind}: {message}"),
                )
                .identity(format!("{api_version}/{kind}")),
            );
            return out;
        }
    };
    let sops = o.sops();
    let secret = o.secret();
    let stripped;
    let value: &Value = if sops {
        // The `sops:` block is SOPS's, not the API server's.
        let mut v = o.value.clone().into_owned();
        if let Some(m) = v.as_object_mut() {
            m.remove("sops");
        }
        stripped = v;
        &stripped
    } else {
        &o.value
    };
    for e in compiled.validator.iter_errors(value) {
        // An encrypted value (`ENC[AES256_GCM,…]`) stands for whatever it encrypts.
        if sops && e.instance().as_str().is_some_and(|s| s.starts_with("ENC[")) {
            continue;
        }
        for m in message::explain(&e, &compiled.document, secret) {
            let (path, span) = locate(o, &m.path, m.target);
            let rule = if m.unknown_field {
                &rules::unknown_field::RULE
            } else {
                &rules::invalid::RULE
            };
            let mut f = Finding::new(rule, path, span, m.message);
            if let Some(h) = m.help {
                f = f.help(h);
            }
            if compiled.approximate {
                f.severity = Severity::Warning;
                f = f.note(format!(
                    "checked against {}, built from an older API: verify against the CRD you run",
                    compiled.source.describe()
                ));
            }
            push(f);
        }
    }
    out
}

/// Which span of a located node a finding points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// The key (an unknown field, a missing field's parent).
    Key,
    /// The value (a wrong type or value).
    Value,
}

/// The file and span of the node at `path` (or its nearest existing ancestor).
fn locate(o: &Object<'_>, path: &[PathSeg], target: Target) -> (String, Option<Span>) {
    match &o.origin {
        Origin::Plain { file, doc } => {
            let Some((found, depth)) = doc.locate_nearest(path) else {
                return (file.path.clone(), Some(doc.span));
            };
            let span = if depth == 0 {
                first_line(doc.span)
            } else if depth < path.len() || target == Target::Key {
                found.caret()
            } else {
                found.value.span
            };
            (file.path.clone(), Some(span))
        }
        Origin::Rendered { node, origin, dir } => {
            // Walk down, remembering the last node with provenance.
            let fallback = || match origin {
                Some(p) => (p.file.to_string(), Some(first_line(p.span))),
                None => (format!("{}/kustomization.yaml", dir), None),
            };
            let mut best: Option<&crate::render::node::Prov> = None;
            let mut cur = *node;
            let mut exact = true;
            for (i, seg) in path.iter().enumerate() {
                let last = i + 1 == path.len();
                let next = match (seg, &cur.kind) {
                    (PathSeg::Key(k), crate::render::node::Kind::Map(entries)) => entries
                        .iter()
                        .find(|(key, _)| key.as_str() == Some(k.as_str()))
                        .map(|(key, v)| {
                            if last && target == Target::Key {
                                if let Some(p) = key.prov.as_ref() {
                                    best = Some(p);
                                }
                            }
                            v
                        }),
                    (PathSeg::Index(n), crate::render::node::Kind::Seq(items)) => items.get(*n),
                    _ => None,
                };
                let Some(n) = next else {
                    exact = false;
                    break;
                };
                cur = n;
                if !(last && target == Target::Key && best.is_some()) {
                    if let Some(p) = n.prov.as_ref() {
                        best = Some(p);
                    }
                }
            }
            let _ = exact;
            match best {
                Some(p) => (p.file.to_string(), Some(p.span)),
                None => fallback(),
            }
        }
    }
}
