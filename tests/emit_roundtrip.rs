//! The emitter reproduces kustomize's output byte for byte: every `expected.yaml` of the
//! kustomize conformance corpus (exact `kustomize build` output), loaded with our loader and
//! emitted again, must come out identical.
//!
//! The corpus lives outside the repository (`../shared/conformance/kustomize`); without it the
//! test is skipped, except on CI.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gitgate::render::emit::emit_stream;
use gitgate::render::node::{from_tree, RNode};

fn corpus() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/conformance/kustomize"
    ))
}

/// Loads every non-empty document of a kustomize output file.
fn load(path: &Path, bytes: &[u8]) -> Result<Vec<RNode>, String> {
    let (source, _findings) = gitgate::load::load_bytes(
        "expected.yaml",
        gitgate::walk::PathKind::Yaml,
        bytes,
        &Default::default(),
    );
    let file: Arc<str> = Arc::from("expected.yaml");
    let mut docs = Vec::new();
    for doc in &source.docs {
        if let Some(root) = doc.root.as_ref() {
            docs.push(from_tree(root, &file).map_err(|e| format!("{}: {e}", path.display()))?);
        }
    }
    Ok(docs)
}

/// The first differing line, for the failure report.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    for i in 0..w.len().max(g.len()) {
        if w.get(i) != g.get(i) {
            return format!(
                "line {}: want {:?}, got {:?}",
                i + 1,
                w.get(i).unwrap_or(&"<end>"),
                g.get(i).unwrap_or(&"<end>")
            );
        }
    }
    "line endings differ".into()
}

#[test]
fn expected_outputs_round_trip() {
    let root = corpus();
    if !root.is_dir() {
        if std::env::var_os("CI").is_some() {
            panic!("../shared/conformance/kustomize not found (required on CI)");
        }
        println!("NOTICE: ../shared/conformance/kustomize not found; skipping");
        return;
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("read corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.yaml").is_file())
        .collect();
    cases.sort();

    let mut failing = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(case.join("expected.yaml")).expect("read expected.yaml");
        let want = String::from_utf8_lossy(&bytes).to_string();
        match load(case, &bytes) {
            Ok(docs) => {
                let got = emit_stream(&docs);
                if got != want {
                    failing.push(format!("{name}: {}", first_difference(&want, &got)));
                }
            }
            Err(e) => failing.push(format!("{name}: load error: {e}")),
        }
    }
    let identical = cases.len() - failing.len();
    println!("emit round-trip: {identical}/{} identical", cases.len());
    for f in &failing {
        println!("  FAIL {f}");
    }
    assert!(
        !cases.is_empty(),
        "no case with expected.yaml in the corpus"
    );
    assert!(failing.is_empty(), "{} case(s) differ", failing.len());
}
