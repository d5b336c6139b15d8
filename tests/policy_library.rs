//! The bundled policy library on fixture repositories: every directory under
//! `tests/fixtures/policies/` is a small GitOps repository with an `expected.txt` listing,
//! for the rule-id prefixes it is about, every finding `gitgate check` must report — rule,
//! severity and exact file:line:col — and nothing else. A finding that moves, disappears or
//! appears fails the test.
//!
//! `expected.txt`:
//! ```text
//! # prefixes: GG-SEC- GG-ARGO-
//! GG-SEC-001 error secrets/plain.yaml:7:3
//! ```
//! Optional `# args: …` adds command-line arguments; `# absent: TEXT` asserts TEXT (e.g. a
//! secret value) appears in no output format.

mod common;

use std::collections::BTreeSet;

use common::*;

fn check_fixture(dir: &std::path::Path) -> Result<(), String> {
    let spec = std::fs::read_to_string(dir.join("expected.txt"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut prefixes = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut absent = Vec::new();
    let mut expected = BTreeSet::new();
    for line in spec.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(p) = line.strip_prefix("# prefixes:") {
            prefixes.extend(p.split_whitespace().map(String::from));
        } else if let Some(a) = line.strip_prefix("# args:") {
            args.extend(a.split_whitespace().map(String::from));
        } else if let Some(a) = line.strip_prefix("# absent:") {
            absent.push(a.trim().to_string());
        } else if !line.starts_with('#') {
            expected.insert(line.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    if prefixes.is_empty() {
        return Err(format!(
            "{}: expected.txt has no `# prefixes:`",
            dir.display()
        ));
    }
    let extra: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, report) = check_json(dir, &extra);
    let actual: BTreeSet<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap_or("");
            prefixes.iter().any(|p| rule.starts_with(p.as_str()))
        })
        .map(|f| {
            format!(
                "{} {} {}:{}:{}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                f["location"]["start"]["line"].as_u64().unwrap_or(0),
                f["location"]["start"]["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut problems = Vec::new();
    for missing in expected.difference(&actual) {
        problems.push(format!("missing:    {missing}"));
    }
    for extra in actual.difference(&expected) {
        problems.push(format!("unexpected: {extra}"));
    }
    if !absent.is_empty() {
        let d = dir.to_str().unwrap();
        for format in ["text", "json", "sarif", "junit", "github"] {
            let r = run(&[
                "check", d, "--root", d, "--format", format, "--color", "always",
            ]);
            for a in &absent {
                if r.stdout.contains(a.as_str()) || r.stderr.contains(a.as_str()) {
                    problems.push(format!("`{a}` appears in the {format} output"));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}:\n  {}", dir.display(), problems.join("\n  ")))
    }
}

#[test]
fn bundled_rules_report_exactly_the_expected_findings() {
    let root = fixture("policies");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("expected.txt").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no fixtures under {}", root.display());
    let failures: Vec<String> = dirs.iter().filter_map(|d| check_fixture(d).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
