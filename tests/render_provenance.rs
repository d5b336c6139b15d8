//! Provenance: every rendered value points at the line in the repository that produced it —
//! the base for untouched values, the overlay's kustomization entry for values a transformer
//! set, the patch line for patched values. Later stages put their findings there.

mod common;

use gitgate::render::kustomize::{build, Options};
use gitgate::render::node::RNode;

use common::*;

/// Follows `spec.template.spec.containers.0.image`-style paths.
fn at<'a>(n: &'a RNode, path: &str) -> &'a RNode {
    path.split('.')
        .fold(n, |n, seg| match seg.parse::<usize>() {
            Ok(i) => &n.items()[i],
            Err(_) => n.get(seg).unwrap_or_else(|| panic!("no `{seg}` in {path}")),
        })
}

/// (file, line) a node's provenance names.
fn origin(n: &RNode) -> (String, u32) {
    let p = n.prov.as_ref().expect("provenance");
    (p.file.to_string(), p.span.start.line)
}

#[test]
fn rendered_values_point_at_the_line_that_set_them() {
    let root = std::fs::canonicalize(repo_dir()).unwrap();
    let opts = Options {
        display_root: Some(root.clone()),
        ..Options::default()
    };
    let dir = fixture("render/app/overlays/prod");
    let (resources, _) = build(&dir, &opts).unwrap();
    let deploy = &resources
        .iter()
        .find(|r| r.id().gvk.kind == "Deployment")
        .unwrap()
        .node;
    let overlay = "tests/fixtures/render/app/overlays/prod/kustomization.yaml";
    let base = "tests/fixtures/render/app/base/deployment.yaml";
    let patch = "tests/fixtures/render/app/overlays/prod/resources-patch.yaml";

    // Set by transformers: the overlay's entries.
    assert_eq!(at(deploy, "metadata.namespace").as_str(), Some("shop-prod"));
    assert_eq!(
        origin(at(deploy, "metadata.namespace")),
        (overlay.into(), 3)
    );
    assert_eq!(origin(at(deploy, "metadata.name")), (overlay.into(), 4));
    assert_eq!(at(deploy, "spec.replicas").as_str(), Some("4"));
    assert_eq!(origin(at(deploy, "spec.replicas")), (overlay.into(), 12));
    let image = at(deploy, "spec.template.spec.containers.0.image");
    assert_eq!(image.as_str(), Some("ghcr.io/example/shop:1.4.2"));
    assert_eq!(origin(image), (overlay.into(), 14));
    assert_eq!(
        origin(at(deploy, "metadata.annotations.team")),
        (overlay.into(), 17)
    );

    // Set by a strategic-merge patch file: the patch's line.
    let memory = at(
        deploy,
        "spec.template.spec.containers.0.resources.limits.memory",
    );
    assert_eq!(memory.as_str(), Some("512Mi"));
    assert_eq!(origin(memory), (patch.into(), 14));

    // Untouched: the base's line.
    let sidecar = at(deploy, "spec.template.spec.containers.1.image");
    assert_eq!(origin(sidecar), (base.into(), 33));
    assert_eq!(
        origin(at(
            deploy,
            "spec.template.spec.containers.0.ports.0.containerPort"
        ))
        .0,
        base
    );

    // Made by a generator: the generator entry.
    let cm = resources
        .iter()
        .find(|r| r.id().gvk.kind == "ConfigMap")
        .unwrap();
    let (file, line) = origin(&cm.node);
    assert_eq!(file, "tests/fixtures/render/app/base/kustomization.yaml");
    assert_eq!(line, 11);
    // ... and the value the overlay's `behavior: merge` generator changed points at it.
    let level = at(&cm.node, "data.LOG_LEVEL");
    assert_eq!(level.as_str(), Some("warn"));
    assert_eq!(origin(level), (overlay.into(), 39));
    assert_eq!(
        origin(at(&cm.node, "data.FEATURE_FLAGS")).0,
        "tests/fixtures/render/app/base/kustomization.yaml"
    );
}
