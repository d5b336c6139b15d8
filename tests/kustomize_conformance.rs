//! kustomize conformance: every case in `../shared/conformance/kustomize` (from kustomize's own
//! test suite, checked against `kubectl kustomize` v5.5.0).
//!
//! For `expect: output`, the rendered YAML is compared with `expected.yaml` byte for byte and,
//! separately, as data (the same documents in the same order). For `expect: error`, the build
//! must fail. Prints the counts and the failing cases; fails if a case listed in
//! `tests/conformance/passing.txt` (the cases that passed when the list was last updated)
//! regresses. `scripts/conformance` runs this and prints the summary.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use gitgate::render::kustomize::{self, LoadRestrictor, Options, Reorder};
use gitgate::render::node::RNode;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/kustomize");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("../shared/conformance/kustomize is required in CI");
    }
    eprintln!("NOTICE: ../shared/conformance/kustomize not found; skipping the kustomize conformance suite");
    None
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Outcome {
    /// Output byte-identical.
    Exact,
    /// Same documents as data, different bytes.
    Data,
    /// Expected an error and got one.
    ErrorOk,
    Wrong,
}

fn options(flags: &[String]) -> Options {
    let mut o = Options::default();
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        match f.as_str() {
            "--reorder" => {
                o.reorder = if it.next().map(String::as_str) == Some("none") {
                    Reorder::None
                } else {
                    Reorder::Legacy
                }
            }
            "--load-restrictor"
                if it.next().map(String::as_str) == Some("LoadRestrictionsNone") =>
            {
                o.load_restrictor = LoadRestrictor::None;
            }
            "--enable-managedby-label" => o.managed_by_label = true,
            _ => {}
        }
    }
    o
}

fn parse_expected(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    kustomize::parse_docs("expected.yaml", &text)
        .unwrap()
        .iter()
        .filter(|d| !d.is_null())
        .map(RNode::to_json)
        .collect()
}

fn run_case(case: &Path) -> (Outcome, String) {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).unwrap()).unwrap();
    let flags: Vec<String> = meta["flags"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let input = case.join("in");
    let empty = tempfile::tempdir().unwrap();
    let root = if input.is_dir() {
        input
    } else {
        empty.path().to_path_buf()
    };
    let dir = root.join(meta["run_dir"].as_str().unwrap_or("."));
    let mut opts = options(&flags);
    opts.display_root = std::fs::canonicalize(&root).ok();
    let expect_error = meta["expect"] == "error";
    let result = catch_unwind(AssertUnwindSafe(|| {
        let (resources, _) = kustomize::build(&dir, &opts)?;
        let nodes = kustomize::output_nodes(&resources)?;
        let data: Vec<serde_json::Value> = nodes.iter().map(RNode::to_json).collect();
        let text = catch_unwind(AssertUnwindSafe(|| {
            gitgate::render::emit::emit_stream(&nodes)
        }))
        .ok();
        Ok::<_, kustomize::Error>((data, text))
    }));
    match (expect_error, result) {
        (_, Err(_)) => (Outcome::Wrong, "panicked".into()),
        (true, Ok(Err(_))) => (Outcome::ErrorOk, String::new()),
        (true, Ok(Ok(_))) => (Outcome::Wrong, "expected an error, rendered output".into()),
        (false, Ok(Err(e))) => (Outcome::Wrong, format!("error: {e}")),
        (false, Ok(Ok((data, text)))) => {
            let expected_path = case.join("expected.yaml");
            let expected_text = std::fs::read_to_string(&expected_path).unwrap();
            if text.as_deref() == Some(expected_text.as_str()) {
                return (Outcome::Exact, String::new());
            }
            if data == parse_expected(&expected_path) {
                (Outcome::Data, "same data, different bytes".into())
            } else {
                (Outcome::Wrong, "different output".into())
            }
        }
    }
}

#[test]
fn kustomize_conformance() {
    let Some(dir) = corpus() else { return };
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("case.json").is_file())
        .collect();
    cases.sort();
    let mut results = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (outcome, why) = run_case(case);
        results.push((name, outcome, why));
    }
    let count = |o: Outcome| results.iter().filter(|r| r.1 == o).count();
    let outputs = results.iter().filter(|r| r.1 != Outcome::ErrorOk).count();
    println!("kustomize conformance over {} cases:", results.len());
    println!("  byte-identical output: {}", count(Outcome::Exact));
    println!("  same data, other bytes: {}", count(Outcome::Data));
    println!("  expected errors raised: {}", count(Outcome::ErrorOk));
    println!(
        "  failing: {} (of {outputs} not counted above)",
        count(Outcome::Wrong)
    );
    for (name, o, why) in &results {
        if *o == Outcome::Wrong || *o == Outcome::Data {
            println!("  {o:?} {name}: {}", why.lines().next().unwrap_or(""));
        }
    }
    let passing: BTreeSet<String> = results
        .iter()
        .filter(|r| matches!(r.1, Outcome::Exact | Outcome::ErrorOk))
        .map(|r| r.0.clone())
        .collect();
    if let Ok(path) = std::env::var("GITGATE_WRITE_PASSING") {
        let text: String = passing.iter().map(|n| format!("{n}\n")).collect();
        std::fs::write(path, text).unwrap();
    }
    let listed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/passing.txt"),
    )
    .unwrap_or_default();
    let regressed: Vec<&str> = listed
        .lines()
        .filter(|l| !l.trim().is_empty() && !passing.contains(l.trim()))
        .collect();
    assert!(
        regressed.is_empty(),
        "cases that passed before now fail: {regressed:?}"
    );
}
