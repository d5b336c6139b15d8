//! PR mode decides which kustomizations a change affects before rendering any, from a
//! prediction of each kustomization's inputs (`render::inputs::Graph`). The engine records
//! what each build really reads (`Rendered::inputs`). Here every recorded input must be
//! predicted, on kustomize's own test suite (`../shared/conformance/kustomize`), the example
//! repository and the render fixtures: a change to any file a build reads marks that
//! kustomization affected.

use std::path::{Path, PathBuf};

use gitgate::pipeline::{self, CheckOptions};
use gitgate::render::inputs::Graph;
use gitgate::render::kustomize::LoadRestrictor;

fn options(root: &Path, restrictor: LoadRestrictor) -> CheckOptions {
    CheckOptions {
        root: root.to_path_buf(),
        paths: vec![root.to_path_buf()],
        include: Vec::new(),
        exclude: Vec::new(),
        load: Default::default(),
        jobs: Some(1),
        load_restrictor: restrictor,
        render: true,
        validate: None,
        policy: None,
        suppress: Default::default(),
        changes: None,
        repository_urls: Vec::new(),
        // Only the render stage's inputs are under test.
        gitops: false,
    }
}

/// (kustomizations rendered, recorded inputs checked, inputs not predicted as
/// `dir: input`).
fn uncovered(root: &Path, restrictor: LoadRestrictor) -> (usize, usize, Vec<String>) {
    let root = std::fs::canonicalize(root).unwrap();
    let outcome = pipeline::check(&options(&root, restrictor)).expect("check runs");
    let graph = Graph::new(&outcome.files);
    let mut checked = 0;
    let mut missing = Vec::new();
    for r in &outcome.rendered {
        assert!(
            r.inputs
                .iter()
                .any(|i| graph.dirs.get(&r.dir).is_some_and(|d| d.own.contains(i))),
            "{}: the kustomization file itself is recorded: {:?}",
            root.display(),
            r.inputs
        );
        for input in &r.inputs {
            checked += 1;
            if !graph.covers(&r.dir, input) {
                missing.push(format!("{}: {} reads {input}", root.display(), r.dir));
            }
        }
    }
    (outcome.rendered.len(), checked, missing)
}

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/kustomize");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("../shared/conformance/kustomize is required in CI");
    }
    eprintln!("NOTICE: ../shared/conformance/kustomize not found; skipping");
    None
}

#[test]
fn predicted_inputs_cover_what_kustomize_test_suite_builds_read() {
    let Some(corpus) = corpus() else { return };
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("in").is_dir())
        .collect();
    cases.sort();
    let (mut rendered, mut inputs, mut missing) = (0, 0, Vec::new());
    for case in &cases {
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).unwrap())
                .unwrap();
        let none = meta["flags"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == "LoadRestrictionsNone"));
        let restrictor = if none {
            LoadRestrictor::None
        } else {
            LoadRestrictor::RootOnly
        };
        let (r, i, m) = uncovered(&case.join("in"), restrictor);
        rendered += r;
        inputs += i;
        missing.extend(m);
    }
    eprintln!(
        "{} cases: {rendered} kustomizations rendered, {inputs} recorded inputs, {} not predicted",
        cases.len(),
        missing.len()
    );
    assert!(cases.len() > 250, "the corpus has its cases");
    assert!(rendered > 400 && inputs > 1000, "{rendered} {inputs}");
    assert!(missing.is_empty(), "not predicted:\n{}", missing.join("\n"));
}

#[test]
fn predicted_inputs_cover_the_examples_and_fixtures() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for (dir, restrictor) in [
        (repo.join("examples"), LoadRestrictor::RootOnly),
        (repo.join("examples"), LoadRestrictor::None),
        (repo.join("tests/fixtures/render"), LoadRestrictor::RootOnly),
        (
            repo.join("tests/fixtures/mistakes"),
            LoadRestrictor::RootOnly,
        ),
    ] {
        let (rendered, inputs, missing) = uncovered(&dir, restrictor);
        assert!(missing.is_empty(), "not predicted:\n{}", missing.join("\n"));
        total += rendered;
        assert!(inputs >= rendered);
    }
    assert!(total > 10, "{total}");
}

#[test]
fn the_prediction_is_not_everything() {
    // What an overlay does not read is not among its inputs: a sibling overlay's patch, an
    // unrelated directory.
    let repo =
        std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")).unwrap();
    let outcome = pipeline::check(&options(&repo, LoadRestrictor::RootOnly)).unwrap();
    let graph = Graph::new(&outcome.files);
    let prod = "apps/overlays/production";
    assert!(graph.covers(prod, "apps/overlays/production/deployment-patch.yaml"));
    assert!(graph.covers(prod, "apps/base/guestbook/kustomization.yaml"));
    assert!(!graph.covers(prod, "apps/overlays/staging/deployment-patch.yaml"));
    assert!(!graph.covers(prod, "clusters/production/flux-system/gotk-sync.yaml"));
    let affected = graph.affected_by(["apps/base/guestbook/deployment.yaml"]);
    let dirs: Vec<&str> = affected.keys().map(String::as_str).collect();
    assert_eq!(
        dirs,
        vec![
            "apps/base/guestbook",
            "apps/overlays/dev",
            "apps/overlays/production",
            "apps/overlays/staging"
        ]
    );
}
