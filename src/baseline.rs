//! Baselines: `--baseline FILE` accepts the findings a repository already had, so that a nightly
//! audit (or a first adoption) fails only on new ones; `--write-baseline FILE` records the
//! current findings. Findings are matched by fingerprint (`diag::assign_fingerprints`), which
//! leaves line numbers out, so a finding whose lines moved is still the same finding.
//!
//! The file is JSON, versioned, sorted by path, rule and fingerprint, with one entry per
//! finding: fingerprint, rule, severity, path and message, for people reading a diff of it.
//! It holds no line numbers (moving lines does not change it) and no source text; messages are
//! the ones every output shows, which never quote a Secret's value.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::{Finding, Severity};

/// Version of the baseline format. Bump on any incompatible change.
pub const VERSION: u32 = 1;

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    pub path: String,
    #[serde(default)]
    pub message: String,
}

impl Entry {
    fn of(f: &Finding) -> Entry {
        Entry {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.to_string(),
            severity: Some(f.severity),
            path: f.location.path.clone(),
            message: f.message.clone(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct FileFormat {
    version: u32,
    #[serde(default)]
    tool: String,
    findings: Vec<Entry>,
}

/// A baseline read from a file.
#[derive(Clone, Debug)]
pub struct Baseline {
    /// The file as the user named it, for messages.
    pub display: String,
    pub entries: Vec<Entry>,
}

/// Why a baseline could not be read.
#[derive(Debug)]
pub struct LoadError {
    pub message: String,
    /// The file does not exist (a refresh with `--write-baseline` may create it).
    pub missing: bool,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Reads a baseline file; every error names the file and what is wrong (and where).
pub fn load(path: &Path, display: &str) -> Result<Baseline, LoadError> {
    let bad = |message: String| LoadError {
        message,
        missing: false,
    };
    let bytes = std::fs::read(path).map_err(|e| LoadError {
        missing: e.kind() == std::io::ErrorKind::NotFound,
        message: if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "baseline `{display}` does not exist; create it with `gitgate check --write-baseline {display}`"
            )
        } else {
            format!("cannot read baseline `{display}`: {e}")
        },
    })?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| bad(format!("baseline `{display}` is not valid JSON: {e}")))?;
    match value.get("version") {
        Some(v) if v.as_u64() == Some(VERSION as u64) => {}
        Some(v) => {
            return Err(bad(format!(
                "baseline `{display}` has version {v}; this gitgate reads version {VERSION} \
                 (refresh it with `gitgate check --write-baseline {display}`)"
            )))
        }
        None if value.is_object() => {
            return Err(bad(format!(
                "baseline `{display}` has no `version`: it is not a gitgate baseline"
            )))
        }
        None => {
            return Err(bad(format!(
                "baseline `{display}` is not a JSON object: it is not a gitgate baseline"
            )))
        }
    }
    let file: FileFormat = serde_path_to_error::deserialize(value).map_err(|e| {
        let at = e.path().to_string();
        bad(format!(
            "baseline `{display}` is not a gitgate baseline: {} (at `{at}`)",
            e.inner()
        ))
    })?;
    for (i, entry) in file.findings.iter().enumerate() {
        if entry.fingerprint.trim().is_empty() {
            return Err(bad(format!(
                "baseline `{display}` is not a gitgate baseline: empty fingerprint (at `findings[{i}]`)"
            )));
        }
    }
    Ok(Baseline {
        display: display.to_string(),
        entries: file.findings,
    })
}

/// The baseline file's bytes for these findings: sorted, pretty-printed, newline-terminated.
pub fn render(findings: &[&Finding]) -> Vec<u8> {
    let mut entries: Vec<Entry> = findings.iter().map(|f| Entry::of(f)).collect();
    entries.sort_by(|a, b| {
        (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
    });
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let file = FileFormat {
        version: VERSION,
        tool: "gitgate".into(),
        findings: entries,
    };
    let mut out = serde_json::to_vec_pretty(&file).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Writes the baseline through a temporary file in the same directory, so that a failed write
/// never leaves half a baseline behind.
pub fn write(path: &Path, display: &str, findings: &[&Finding]) -> Result<(), String> {
    let bytes = render(findings);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "baseline".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let res = std::fs::write(&tmp, &bytes).and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write baseline `{display}`: {e}"));
    }
    Ok(())
}

/// What a run found, seen against a baseline.
#[derive(Debug, Default)]
pub struct Status {
    /// The baseline file as the user named it.
    pub file: String,
    /// Findings the baseline holds (reported as "still present"; only SARIF lists them).
    pub unchanged: Vec<Finding>,
    /// Baseline entries no finding matches any more.
    pub fixed: Vec<Entry>,
    /// The baseline was (re)written by this run: every finding is in it now.
    pub written: bool,
    /// With `written`: findings the previous baseline did not hold (all of them without one).
    pub added: usize,
}

/// Splits findings into those not in the baseline (new) and those in it (unchanged), and
/// lists the baseline entries that matched nothing (fixed). Order is kept.
pub fn split(
    findings: Vec<Finding>,
    entries: &[Entry],
) -> (Vec<Finding>, Vec<Finding>, Vec<Entry>) {
    let known: HashSet<&str> = entries.iter().map(|e| e.fingerprint.as_str()).collect();
    let (unchanged, new): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| known.contains(f.fingerprint.as_str()));
    let present: HashSet<&str> = unchanged.iter().map(|f| f.fingerprint.as_str()).collect();
    let mut seen = HashSet::new();
    let fixed = entries
        .iter()
        .filter(|e| !present.contains(e.fingerprint.as_str()))
        .filter(|e| seen.insert(e.fingerprint.as_str()))
        .cloned()
        .collect();
    (new, unchanged, fixed)
}

/// Where a baseline is written, for `apply`.
pub struct WriteTo<'a> {
    pub path: &'a Path,
    pub display: &'a str,
}

/// Applies the baseline in effect to a run's findings: returns the findings to report (the
/// new ones) and the status the outputs summarise. With `write`, every current finding is
/// written to that file first and is accepted from then on: nothing is new, and the counts
/// compare with the previous baseline (`old`), if there was one.
pub fn apply(
    findings: Vec<Finding>,
    old: Option<Baseline>,
    write_to: Option<WriteTo<'_>>,
) -> Result<(Vec<Finding>, Option<Status>), String> {
    let (new, unchanged, fixed) = match &old {
        Some(b) => split(findings, &b.entries),
        None => (findings, Vec::new(), Vec::new()),
    };
    if let Some(w) = write_to {
        let all: Vec<&Finding> = new.iter().chain(unchanged.iter()).collect();
        write(w.path, w.display, &all)?;
        let added = new.len();
        let mut accepted = unchanged;
        accepted.extend(new);
        accepted.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let status = Status {
            file: w.display.to_string(),
            unchanged: accepted,
            fixed,
            written: true,
            added,
        };
        return Ok((Vec::new(), Some(status)));
    }
    Ok(match old {
        Some(b) => (
            new,
            Some(Status {
                file: b.display,
                unchanged,
                fixed,
                written: false,
                added: 0,
            }),
        ),
        None => (new, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(path: &str, fp: &str) -> Finding {
        let mut f = Finding::new(
            &crate::rules::yaml::duplicate_key::RULE,
            path,
            None,
            "duplicate key `replicas`".into(),
        );
        f.fingerprint = fp.into();
        f
    }

    #[test]
    fn splits_new_unchanged_and_fixed() {
        let entries = vec![
            Entry::of(&finding("a.yaml", "aa")),
            Entry::of(&finding("b.yaml", "bb")),
        ];
        let (new, unchanged, fixed) = split(
            vec![finding("a.yaml", "aa"), finding("c.yaml", "cc")],
            &entries,
        );
        assert_eq!(
            new.iter().map(|f| &f.fingerprint).collect::<Vec<_>>(),
            ["cc"]
        );
        assert_eq!(unchanged.len(), 1);
        assert_eq!(fixed.len(), 1);
        assert_eq!(fixed[0].path, "b.yaml");
    }

    #[test]
    fn renders_sorted_and_versioned() {
        let (b, a) = (finding("b.yaml", "02"), finding("a.yaml", "01"));
        let out = String::from_utf8(render(&[&b, &a])).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["version"], VERSION);
        assert_eq!(v["findings"][0]["path"], "a.yaml");
        assert_eq!(v["findings"][1]["path"], "b.yaml");
        assert_eq!(v["findings"][0]["rule"], "YAML002");
        assert!(out.ends_with("}\n"));
    }
}
