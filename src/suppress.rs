//! Suppressions: findings a team has decided to accept, with a reason. Two forms:
//! - on an object, the annotation `gitgate.dev/ignore: "RULE-ID: reason"` (one entry per
//!   line) or `gitgate.dev/ignore.RULE-ID: reason`; it covers validation and policy findings
//!   on that object (for a rendered object, the annotation as rendered);
//! - in `.gitgate.yaml`, `suppress:` entries: rule, path glob, optional kind/name/namespace
//!   globs, a required reason and an optional `until:` date after which it stops applying.
//!
//! Suppressed findings are not reported but counted in the summary.

use std::sync::Arc;

use globset::{Glob, GlobMatcher};
use serde_json::Value;

use crate::config::Suppression;
use crate::diag::Finding;
use crate::rules::policy::suppression;

pub const ANNOTATION: &str = "gitgate.dev/ignore";

/// The object a finding is about.
#[derive(Debug, Default)]
pub struct Subject {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// `(rule, reason)` from the object's annotations; the reason may be empty.
    pub ignores: Vec<(String, String)>,
}

impl Subject {
    pub fn of(object: &Value) -> Arc<Subject> {
        let s = |v: &Value| v.as_str().unwrap_or("").to_string();
        let meta = &object["metadata"];
        let mut ignores = Vec::new();
        for (key, v) in meta["annotations"].as_object().into_iter().flatten() {
            let Some(text) = v.as_str() else { continue };
            if key == ANNOTATION {
                for entry in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    let (rule, reason) = entry.split_once(':').unwrap_or((entry, ""));
                    ignores.push((rule.trim().to_string(), reason.trim().to_string()));
                }
            } else if let Some(rule) = key
                .strip_prefix(ANNOTATION)
                .and_then(|r| r.strip_prefix('.'))
            {
                ignores.push((rule.to_string(), text.trim().to_string()));
            }
        }
        Arc::new(Subject {
            kind: s(&object["kind"]),
            name: s(&meta["name"]),
            namespace: s(&meta["namespace"]),
            ignores,
        })
    }
}

/// A `YYYY-MM-DD` date as days since 1970-01-01.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || s.trim().len() != 10 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today, in days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    secs.div_euclid(86_400)
}

#[derive(Clone, Debug, Default)]
pub struct SuppressOptions {
    pub entries: Vec<Suppression>,
    /// Where each entry is in the config file (for the expired-entry warning).
    pub spans: Vec<crate::span::Span>,
    pub config_file: String,
    /// Honour `gitgate.dev/ignore` annotations.
    pub inline: bool,
    /// Days since 1970-01-01.
    pub today: i64,
}

struct Entry<'a> {
    s: &'a Suppression,
    path: Option<GlobMatcher>,
    kind: Option<GlobMatcher>,
    name: Option<GlobMatcher>,
    namespace: Option<GlobMatcher>,
}

fn matcher(g: &Option<String>) -> Option<GlobMatcher> {
    // Invalid globs were rejected when the config was loaded.
    g.as_ref()
        .and_then(|g| Glob::new(g).ok())
        .map(|g| g.compile_matcher())
}

fn rule_matches(pattern: &str, rule: &str) -> bool {
    pattern == "*" || pattern.eq_ignore_ascii_case(rule)
}

/// Removes suppressed findings; returns how many were suppressed. Adds POLICY003 findings for
/// suppressions that are not applied (no reason, forbidden, expired).
pub fn apply(findings: &mut Vec<Finding>, opts: &SuppressOptions) -> usize {
    let mut extra = Vec::new();
    let mut entries = Vec::new();
    for (i, s) in opts.entries.iter().enumerate() {
        let expired = s
            .until
            .as_deref()
            .and_then(parse_date)
            .is_some_and(|until| opts.today > until);
        if expired {
            extra.push(Finding::new(
                &suppression::RULE,
                opts.config_file.clone(),
                opts.spans.get(i).copied(),
                format!(
                    "suppression of `{}` expired on {}; its findings are reported again",
                    s.rule,
                    s.until.as_deref().unwrap_or("")
                ),
            ));
            continue;
        }
        entries.push(Entry {
            s,
            path: matcher(&s.path),
            kind: matcher(&s.kind),
            name: matcher(&s.name),
            namespace: matcher(&s.namespace),
        });
    }
    let before = findings.len();
    let mut warned: Vec<(String, String, String)> = Vec::new();
    findings.retain(|f| {
        let by_config = entries.iter().any(|e| {
            if !rule_matches(&e.s.rule, f.rule) {
                return false;
            }
            if e.path
                .as_ref()
                .is_some_and(|m| !m.is_match(&f.location.path))
            {
                return false;
            }
            let selects = e.kind.is_some() || e.name.is_some() || e.namespace.is_some();
            if !selects {
                return true;
            }
            let Some(subj) = &f.subject else { return false };
            let ok = |m: &Option<GlobMatcher>, v: &str| m.as_ref().is_none_or(|m| m.is_match(v));
            ok(&e.kind, &subj.kind) && ok(&e.name, &subj.name) && ok(&e.namespace, &subj.namespace)
        });
        if by_config {
            return false;
        }
        let Some(subj) = &f.subject else { return true };
        for (rule, reason) in &subj.ignores {
            if !rule_matches(rule, f.rule) {
                continue;
            }
            let why = if !opts.inline {
                "inline suppressions are not allowed here (--no-inline-suppressions)"
            } else if reason.is_empty() {
                "it has no reason (`RULE-ID: reason`)"
            } else {
                return false;
            };
            let key = (subj.kind.clone(), subj.name.clone(), rule.clone());
            if !warned.contains(&key) {
                warned.push(key);
                extra.push(Finding::new(
                    &suppression::RULE,
                    f.location.path.clone(),
                    f.location.span,
                    format!(
                        "`{ANNOTATION}` on {} `{}` for `{rule}` is not applied: {why}",
                        subj.kind, subj.name
                    ),
                ));
            }
        }
        true
    });
    let suppressed = before - findings.len();
    findings.extend(extra);
    suppressed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-11-22"), Some(20_779));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("22.11.2026"), None);
    }

    #[test]
    fn annotations() {
        let v: Value = serde_json::json!({"kind": "Kustomization", "metadata": {"name": "a",
            "annotations": {"gitgate.dev/ignore": "GG-FLUX-001: pruned elsewhere\nGG-FLUX-002",
                            "gitgate.dev/ignore.GG-IMG-001": "vendor image"}}});
        let s = Subject::of(&v);
        assert_eq!(
            s.ignores,
            vec![
                ("GG-FLUX-001".to_string(), "pruned elsewhere".to_string()),
                ("GG-FLUX-002".to_string(), String::new()),
                ("GG-IMG-001".to_string(), "vendor image".to_string()),
            ]
        );
    }
}
