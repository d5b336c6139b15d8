//! The finding model every stage produces and every output format consumes.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::rules::Rule;
use crate::span::Span;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in the repository: a repo-relative path (always `/`-separated) and, when the finding
/// is about part of a file, the span in it. Directory-level problems (a symlink loop) have no span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// Short text under the caret.
    pub label: Option<String>,
    pub related: Vec<Related>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// What this finding is about, independent of line numbers (e.g. `doc 1: spec.replicas`).
    /// Falls back to the text of the primary line. Feeds the fingerprint.
    pub identity: Option<String>,
    /// Stable across unrelated edits; filled in by [`assign_fingerprints`].
    pub fingerprint: String,
    /// The object the finding is about (validation and policy findings), for suppressions.
    pub subject: Option<std::sync::Arc<crate::suppress::Subject>>,
    /// The location holds a secret-looking value: outputs show no source text for it, and the
    /// fingerprint uses the identity, not the line.
    pub sensitive: bool,
    /// The kustomization directories whose output holds the object (validation and policy
    /// findings on rendered objects); the notes name them too. SARIF lists their
    /// kustomization files as related locations.
    pub overlays: Vec<String>,
}

impl Finding {
    pub fn new(rule: &Rule, path: impl Into<String>, span: Option<Span>, message: String) -> Self {
        Finding {
            rule: rule.id,
            severity: rule.severity,
            message,
            location: Location {
                path: path.into(),
                span,
            },
            label: None,
            related: Vec::new(),
            notes: Vec::new(),
            help: rule_help(rule),
            identity: None,
            fingerprint: String::new(),
            subject: None,
            sensitive: false,
            overlays: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn related(mut self, path: impl Into<String>, span: Option<Span>, msg: String) -> Self {
        self.related.push(Related {
            location: Location {
                path: path.into(),
                span,
            },
            message: msg,
        });
        self
    }

    pub fn identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    /// Sort key: file, then position, then rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        let (line, col) = self
            .location
            .span
            .map_or((0, 0), |s| (s.start.line, s.start.col));
        (&self.location.path, line, col, self.rule)
    }
}

fn rule_help(rule: &Rule) -> Option<String> {
    (!rule.fix.is_empty()).then(|| rule.fix.to_string())
}

/// Gives every finding a fingerprint that survives unrelated edits: a hash of the rule, the
/// file, and what the finding is about (its identity, or else the redacted text of its line),
/// with an occurrence counter so identical lines in one file stay distinct. Line numbers are
/// deliberately not part of it.
pub fn assign_fingerprints(findings: &mut [Finding], line_text: &dyn Fn(&Location) -> String) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in findings.iter_mut() {
        let what = f
            .identity
            .clone()
            .unwrap_or_else(|| line_text(&f.location).trim().to_string());
        let what = without_positions(&what);
        let key = format!("{}\u{0}{}\u{0}{}", f.rule, f.location.path, what);
        let n = seen.entry(key.clone()).or_insert(0);
        *n += 1;
        let digest = Sha256::digest(format!("{key}\u{0}{n}").as_bytes());
        f.fingerprint = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    }
}

/// Positions quoted in an identity (`monitoring.yaml:33:17` in a kustomize error about another
/// file, a parser's `line 3 column 5`) are replaced, so that the fingerprint survives moved
/// lines there too.
fn without_positions(s: &str) -> std::borrow::Cow<'_, str> {
    static POSITION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r":\d+:\d+\b|\bline \d+ column \d+\b|\bat char \d+\b")
            .expect("valid regex")
    });
    POSITION.replace_all(s, "#")
}

/// Counts by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub note: usize,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.error += 1,
                Severity::Warning => c.warning += 1,
                Severity::Note => c.note += 1,
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(line: u32, identity: &str) -> Finding {
        let pos = |line| crate::span::Pos {
            line,
            col: 5,
            byte: 0,
        };
        Finding::new(
            &crate::rules::render::build_error::RULE,
            "infrastructure/kustomization.yaml",
            Some(Span {
                start: pos(line),
                end: pos(line),
            }),
            "message".into(),
        )
        .identity(identity)
    }

    #[test]
    fn fingerprints_ignore_line_numbers_and_quoted_positions() {
        let mut a = vec![finding(
            7,
            "infrastructure: MalformedYAMLError: infrastructure/monitoring.yaml:33:17: unclosed bracket",
        )];
        let mut b = vec![finding(
            9,
            "infrastructure: MalformedYAMLError: infrastructure/monitoring.yaml:35:17: unclosed bracket",
        )];
        let text = |_: &Location| String::new();
        assign_fingerprints(&mut a, &text);
        assign_fingerprints(&mut b, &text);
        assert_eq!(a[0].fingerprint, b[0].fingerprint);
        let mut c = vec![finding(
            7,
            "infrastructure: MalformedYAMLError: infrastructure/logging.yaml:33:17: unclosed bracket",
        )];
        assign_fingerprints(&mut c, &text);
        assert_ne!(
            a[0].fingerprint, c[0].fingerprint,
            "another file is another finding"
        );
        assert_eq!(
            without_positions("did not find expected key at line 3 column 5, a:1:2"),
            "did not find expected key at #, a#"
        );
    }
}
