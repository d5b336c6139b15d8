//! The objects the later stages (validate, policy) check, and where their values come from:
//! plain manifests that no kustomization names, and every object a kustomization renders.

use std::borrow::Cow;
use std::collections::HashSet;

use rayon::prelude::*;
use serde_json::Value;

use crate::load::tree::PathSeg;
use crate::load::{DocClass, Document, FileKind, SourceFile};
use crate::render::node::{Kind, Prov, RNode};
use crate::render::Rendered;
use crate::span::Span;

/// One object to check: its JSON (borrowed from the loader for plain manifests, converted
/// once for rendered ones) and where its values come from.
pub struct Object<'a> {
    pub value: Cow<'a, Value>,
    pub origin: Origin<'a>,
    /// Validated and evaluated (always, except in PR mode: an object the changes do not
    /// affect is only in the policy index, for cross-object rules).
    pub checked: bool,
}

impl Object<'_> {
    /// Has a SOPS `sops:` block (encrypted values).
    pub fn sops(&self) -> bool {
        self.value.get("sops").is_some()
    }

    /// A Secret or a SOPS document: its values are never quoted.
    pub fn secret(&self) -> bool {
        self.sops() || self.value["kind"] == "Secret"
    }
}

/// Plain manifests no kustomization names, then every rendered object (converted to JSON on
/// the caller's rayon pool). Collected once, checked by every later stage.
pub fn collect<'a>(files: &'a [SourceFile], rendered: &'a [Rendered]) -> Vec<Object<'a>> {
    let consumed = consumed_files(files);
    let mut objects = Vec::new();
    for f in files {
        if !matches!(f.kind, FileKind::Manifest | FileKind::Sops) || consumed.contains(&f.path) {
            continue;
        }
        for d in &f.docs {
            if let (DocClass::Manifest { .. }, Some(v)) = (&d.class, &d.value) {
                objects.push(Object {
                    value: Cow::Borrowed(v),
                    origin: Origin::Plain { file: f, doc: d },
                    checked: true,
                });
            }
        }
    }
    let rendered: Vec<Object<'a>> = rendered
        .par_iter()
        .flat_map_iter(|r| {
            r.resources.iter().map(move |res| Object {
                value: Cow::Owned(res.node.to_json()),
                origin: Origin::Rendered {
                    dir: &r.dir,
                    node: &res.node,
                    origin: res.origin.as_ref(),
                },
                checked: true,
            })
        })
        .collect();
    objects.extend(rendered);
    objects
}

/// Where an object's values come from, to place findings.
pub enum Origin<'a> {
    Plain {
        file: &'a SourceFile,
        doc: &'a Document,
    },
    Rendered {
        /// The kustomization directory whose output it is.
        dir: &'a str,
        node: &'a RNode,
        /// The document (or generator entry) it was read from.
        origin: Option<&'a Prov>,
    },
}

/// Files a kustomization names (resources, patches, configurations…): they are checked as
/// part of what the kustomization renders, not on their own (a patch is a partial object).
pub fn consumed_files(files: &[SourceFile]) -> HashSet<String> {
    let known: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut out = HashSet::new();
    for f in files.iter().filter(|f| f.kind == FileKind::Kustomization) {
        let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
        for d in &f.docs {
            let Some(v) = &d.value else { continue };
            let mut strings = Vec::new();
            collect_strings(v, &mut strings);
            for s in strings {
                if let Some(p) = normalize(dir, s) {
                    if known.contains(p.as_str()) {
                        out.insert(p);
                    }
                }
            }
        }
    }
    out
}

fn collect_strings<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// `dir` + `rel`, with `.` and `..` resolved; `None` if it leaves the repository.
pub fn normalize(dir: &str, rel: &str) -> Option<String> {
    if rel.contains("://") || rel.starts_with('/') || rel.contains('\n') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// A span reduced to its start (a whole document or mapping is too much to underline).
pub fn first_line(span: Span) -> Span {
    Span {
        start: span.start,
        end: span.start,
    }
}

/// `metadata.name`: where a finding about a whole object points.
pub fn name_path() -> Vec<PathSeg> {
    vec![PathSeg::Key("metadata".into()), PathSeg::Key("name".into())]
}

/// The file and span of the node at `path`, else its nearest existing ancestor, else the
/// object's `metadata.name` line.
pub fn locate(o: &Object<'_>, path: &[PathSeg]) -> (String, Option<Span>) {
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
                            .map(|(key, v)| (Some(key), v)),
                        (PathSeg::Index(n), Kind::Seq(items)) => items.get(*n).map(|v| (None, v)),
                        _ => None,
                    };
                    let Some((key, n)) = next else { break };
                    cur = n;
                    // As for plain manifests: a scalar's value, else the key a user edits
                    // (a mapping's own span starts at its first child).
                    let key_prov = key.and_then(|k| k.prov.as_ref());
                    let here = match n.kind {
                        Kind::Scalar(_) => n.prov.as_ref().or(key_prov),
                        _ => key_prov.or(n.prov.as_ref()),
                    };
                    if let Some(p) = here {
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

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalizes_relative_paths_inside_the_repository() {
        assert_eq!(
            normalize("apps/prod", "../base/deploy.yaml").as_deref(),
            Some("apps/base/deploy.yaml")
        );
        assert_eq!(normalize("", "./a.yaml").as_deref(), Some("a.yaml"));
        assert_eq!(normalize("a", "../../x"), None);
        assert_eq!(normalize("a", "https://example.com/x"), None);
    }
}
