//! `--format json`: a versioned, documented schema (`docs/json-output.md`,
//! `docs/gitgate-report.schema.json`). Bump [`VERSION`] on any incompatible change.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{Report, Reporter};
use crate::diag::{Counts, Location};
use crate::rules;

pub const VERSION: u32 = 1;

pub struct Json;

fn location(l: &Location) -> Value {
    match l.span {
        Some(s) => json!({
            "path": l.path,
            "start": {"line": s.start.line, "column": s.start.col},
            "end": {"line": s.end.line, "column": s.end.col},
        }),
        None => json!({"path": l.path, "start": null, "end": null}),
    }
}

impl Reporter for Json {
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let findings: Vec<Value> = r
            .findings
            .iter()
            .map(|f| {
                json!({
                    "rule": f.rule,
                    "name": rules::find(f.rule).map(|r| r.name),
                    "severity": f.severity,
                    "message": f.message,
                    "location": location(&f.location),
                    "label": f.label,
                    "related": f.related.iter().map(|rel| json!({
                        "location": location(&rel.location),
                        "message": rel.message,
                    })).collect::<Vec<_>>(),
                    "notes": f.notes,
                    "help": f.help,
                    "fingerprint": f.fingerprint,
                })
            })
            .collect();
        let files: Vec<Value> = r
            .files
            .iter()
            .map(|f| json!({"path": f.path, "kind": f.kind, "documents": f.docs.len()}))
            .collect();
        let changes = r.stats.changes.as_ref().map(|c| {
            json!({
                "since": c.since,
                "changed_files": c.changed_files,
                "kustomizations": {
                    "affected": c.kustomizations,
                    "total": c.total_kustomizations,
                    "index_only": c.index_only,
                },
                "manifests": c.manifests,
                "everything": c.everything,
                "report": if c.report_all { "all" } else { "changed" },
                "hidden": c.hidden,
            })
        });
        let mut doc = json!({
            "version": VERSION,
            "tool": {"name": "gitgate", "version": env!("CARGO_PKG_VERSION")},
            "summary": {
                "files": r.stats.files,
                "documents": r.stats.documents,
                "skipped": r.stats.skipped,
                "bytes": r.stats.bytes,
                "overlays": r.stats.overlays,
                "rendered_objects": r.stats.rendered_objects,
                "validated_objects": r.stats.validated_objects,
                "policy": {
                    "objects": r.stats.policy_objects,
                    "evaluations": r.stats.policy_evaluations,
                    "exceptions": r.stats.policy_exceptions,
                },
                "suppressed": r.stats.suppressed,
                "elapsed_ms": r.stats.elapsed.as_millis() as u64,
                "findings": Counts::of(r.findings),
                "fail_on": r.fail_on,
                "failed": r.failed(),
                "baseline": r.baseline.map(|b| json!({
                    "file": b.file,
                    "written": b.written,
                    "new": r.findings.len(),
                    "fixed": b.fixed.len(),
                    "still_present": b.unchanged.len(),
                })),
            },
            "findings": findings,
            "files": files,
        });
        if let Some(c) = changes {
            doc["summary"]["changes"] = c;
        }
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
