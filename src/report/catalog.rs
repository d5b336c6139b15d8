//! The rule catalog that machine-readable outputs describe (SARIF's `tool.driver.rules`, the
//! GitHub step summary): every built-in rule, every bundled policy, the user policies that
//! have a `# METADATA` block, and any other id a finding carries (a user policy without one).

use std::collections::HashMap;

use super::Report;
use crate::diag::Severity;
use crate::policy::PolicyDoc;
use crate::rules::{self, Rule};

/// What a rule is, in the words the outputs need.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub id: String,
    pub name: String,
    /// Default severity.
    pub severity: Severity,
    /// One line.
    pub short: String,
    /// A paragraph: what it does.
    pub full: String,
    /// The whole documentation, as plain text and as Markdown.
    pub help_text: String,
    pub help_markdown: String,
    pub tags: Vec<String>,
    /// A security rule (`tags: [security]`, or a policy about secret values).
    pub security: bool,
}

pub struct Catalog {
    pub rules: Vec<RuleInfo>,
    index: HashMap<String, usize>,
}

impl Catalog {
    /// The catalog for a report: built-in rules, bundled policies, the run's user policies, and
    /// the ids its findings carry that none of those document.
    pub fn new(r: &Report<'_>) -> Catalog {
        let mut c = Catalog {
            rules: Vec::new(),
            index: HashMap::new(),
        };
        for rule in rules::ALL {
            c.push(builtin(rule));
        }
        for d in crate::policy::bundled_docs().iter().chain(r.policy_docs) {
            c.push(policy(d));
        }
        let accepted = r
            .baseline
            .map(|b| b.unchanged.as_slice())
            .unwrap_or_default();
        for f in r.findings.iter().chain(accepted) {
            if c.get(f.rule).is_none() {
                c.push(undocumented(f.rule, f.severity));
            }
        }
        c
    }

    fn push(&mut self, info: RuleInfo) {
        if !self.index.contains_key(&info.id) {
            self.index.insert(info.id.clone(), self.rules.len());
            self.rules.push(info);
        }
    }

    pub fn index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn get(&self, id: &str) -> Option<&RuleInfo> {
        self.index(id).map(|i| &self.rules[i])
    }
}

/// The text of a `## Heading` section of a rule's documentation, as one paragraph.
fn section(doc: &str, heading: &str) -> Option<String> {
    let mut lines = doc
        .lines()
        .skip_while(|l| l.trim() != format!("## {heading}"));
    lines.next()?;
    let text: Vec<&str> = lines
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim)
        .collect();
    let text = text
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(text)
}

/// Markdown headings as plain text: `## Why is this bad` → `Why is this bad:`.
fn plain(markdown: &str) -> String {
    markdown
        .lines()
        .map(|l| match l.strip_prefix("## ") {
            Some(h) => format!("{h}:"),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn group_tag(id: &str) -> &'static str {
    match id.trim_end_matches(|c: char| c.is_ascii_digit()) {
        "YAML" => "yaml",
        "FILE" => "file",
        "KUST" => "kustomize",
        "SCHEMA" => "schema",
        "POLICY" => "policy",
        _ => "internal",
    }
}

fn builtin(r: &Rule) -> RuleInfo {
    let doc = r.documentation();
    let doc = doc.trim();
    let mut markdown = doc.to_string();
    if !r.fix.is_empty() {
        markdown.push_str(&format!("\n\n## How to fix\n{}", r.fix));
    }
    RuleInfo {
        id: r.id.to_string(),
        name: r.name.to_string(),
        severity: r.severity,
        short: capitalize(r.summary),
        full: section(doc, "What it does").unwrap_or_else(|| capitalize(r.summary)),
        help_text: plain(&markdown),
        help_markdown: markdown,
        tags: vec![group_tag(r.id).to_string()],
        security: false,
    }
}

fn policy(d: &PolicyDoc) -> RuleInfo {
    let security = d.sensitive || d.tags.iter().any(|t| t == "security");
    let mut tags = vec!["policy".to_string()];
    // `policies/argocd/…` → `argocd`.
    if let Some(group) = d
        .path
        .strip_prefix("policies/")
        .and_then(|p| p.split_once('/'))
    {
        tags.push(group.0.to_string());
    }
    for t in &d.tags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    if security && !tags.iter().any(|t| t == "security") {
        tags.push("security".into());
    }
    let markdown = d.documentation();
    let title = if d.title.is_empty() {
        format!("Rego policy `{}`", d.id)
    } else {
        d.title.clone()
    };
    let full = if d.description.is_empty() {
        title.clone()
    } else {
        d.description
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    RuleInfo {
        id: d.id.clone(),
        name: d.name.clone(),
        severity: d.severity,
        short: title,
        full,
        help_text: plain(&markdown),
        help_markdown: markdown,
        tags,
        security,
    }
}

/// An id no documentation covers: a user policy without a `# METADATA` block.
fn undocumented(id: &str, severity: Severity) -> RuleInfo {
    let package = id.strip_prefix("conftest:").unwrap_or(id);
    let text = format!(
        "Results of the user Rego policy package `{package}` (a `--policy` directory). The \
         policy has no `# METADATA` block: give it a `title`, a `description` and \
         `custom.recommended_actions` to document it here (see policies/README.md)."
    );
    RuleInfo {
        id: id.to_string(),
        name: package.replace(['.', '_'], "-"),
        severity,
        short: format!("User Rego policy `{package}`"),
        full: text.clone(),
        help_text: text.clone(),
        help_markdown: text,
        tags: vec!["policy".into()],
        security: false,
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_plain_text() {
        let doc = "## What it does\nReports a\nthing.\n\n## Why is this bad\nBad.\n";
        assert_eq!(section(doc, "What it does").unwrap(), "Reports a thing.");
        assert_eq!(section(doc, "Why is this bad").unwrap(), "Bad.");
        assert_eq!(section(doc, "Example"), None);
        assert!(plain(doc).starts_with("What it does:\nReports a"));
    }

    #[test]
    fn every_builtin_rule_is_documented() {
        for r in rules::ALL {
            let info = builtin(r);
            assert!(!info.short.is_empty() && !info.full.is_empty(), "{}", r.id);
            assert!(info.help_markdown.contains("## What it does"), "{}", r.id);
        }
    }
}
