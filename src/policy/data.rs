//! conftest's `--data`: JSON and YAML documents merged into `data`. As OPA loads them, a file
//! found under a directory given on the command line goes at the path of its sub-directory
//! (`DIR/a/b/x.yaml` → `data.a.b`); a file given directly goes at the root. The documents'
//! top-level keys merge; two files setting the same key to different values conflict.

use std::path::Path;

use serde_json::{Map, Value};

use crate::diag::Finding;
use crate::rules::policy::load_error;

/// The merged documents, and a POLICY001 finding per file that could not be used.
pub fn load(paths: &[std::path::PathBuf], root: &Path) -> (Map<String, Value>, Vec<Finding>) {
    let mut data = Map::new();
    let mut findings = Vec::new();
    for p in paths {
        let mut files = Vec::new();
        if p.is_dir() {
            collect(p, &mut files);
            files.sort();
        } else {
            files.push(p.clone());
        }
        for f in files {
            let prefix: Vec<String> = if p.is_dir() {
                f.parent()
                    .and_then(|d| d.strip_prefix(p).ok())
                    .map(|rel| {
                        rel.components()
                            .map(|c| c.as_os_str().to_string_lossy().into_owned())
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            let shown = crate::walk::relative(root, &f).unwrap_or_else(|| f.display().to_string());
            let bad = |msg: String| Finding::new(&load_error::RULE, shown.clone(), None, msg);
            let value = match read(&f, &shown) {
                Ok(v) => v,
                Err(msg) => {
                    findings.push(bad(msg));
                    continue;
                }
            };
            let Value::Object(doc) = value else {
                findings.push(bad("policy data must be a mapping at the top level".into()));
                continue;
            };
            let mut slot = &mut data;
            for seg in &prefix {
                let next = slot
                    .entry(seg.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !next.is_object() {
                    *next = Value::Object(Map::new());
                }
                slot = next.as_object_mut().expect("just made an object");
            }
            if let Err(key) = merge(slot, doc) {
                findings.push(bad(format!(
                    "policy data conflict: `{key}` is already set by another data file"
                )));
            }
        }
    }
    (data, findings)
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "json" || x == "yaml" || x == "yml")
        {
            out.push(p);
        }
    }
}

fn read(path: &Path, shown: &str) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read policy data: {e}"))?;
    if path.extension().is_some_and(|x| x == "json") {
        return serde_json::from_slice(&bytes).map_err(|e| format!("invalid JSON: {e}"));
    }
    let (file, found) = crate::load::load_bytes(
        shown,
        crate::walk::PathKind::Kustomization,
        &bytes,
        &crate::load::LoadOptions::default(),
    );
    if let Some(f) = found
        .iter()
        .find(|f| f.severity == crate::diag::Severity::Error)
    {
        let at = f.location.span.map_or(String::new(), |s| {
            format!(" at {}:{}", s.start.line, s.start.col)
        });
        return Err(format!("invalid YAML{at}: {}", f.message));
    }
    Ok(file
        .docs
        .iter()
        .find_map(|d| d.value.clone())
        .unwrap_or(Value::Object(Map::new())))
}

/// Deep merge; `Err(key)` on a conflicting scalar.
fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) -> Result<(), String> {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (None, v) => {
                into.insert(k, v);
            }
            (Some(Value::Object(a)), Value::Object(b)) => {
                merge(a, b).map_err(|e| format!("{k}.{e}"))?
            }
            (Some(a), b) if *a == b => {}
            _ => return Err(k),
        }
    }
    Ok(())
}
