//! The README's first command: `gitgate check examples/` finds the planted mistakes.

mod common;

use common::*;

#[test]
fn example_repository_shows_its_planted_mistakes() {
    // As the README runs it: the root and .gitgate.yaml are discovered from the path.
    let dir = repo_dir().join("examples");
    let r =
        run_cmd(
            gitgate()
                .current_dir(repo_dir())
                .args(["check", "examples/", "--format", "json"]),
        );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        findings(&report),
        expect(&[
            // ConfigMap data must be strings: the number 1.1 and the octal 0700 are not.
            ("SCHEMA001", "apps/base/guestbook/configmap.yaml", 12, 16),
            ("YAML005", "apps/base/guestbook/configmap.yaml", 12, 16),
            ("SCHEMA001", "apps/base/guestbook/configmap.yaml", 14, 18),
            ("YAML004", "apps/base/guestbook/configmap.yaml", 14, 18),
            // kustomize reads `yes` as a string (YAML 1.2), so the rendered env value is valid;
            // kubectl apply of the file alone would send a boolean.
            ("YAML003", "apps/base/guestbook/deployment.yaml", 37, 22),
            // A typo in the production patch, reported at the patch's line.
            (
                "SCHEMA002",
                "apps/overlays/production/deployment-patch.yaml",
                17,
                11
            ),
            (
                "YAML002",
                "apps/overlays/staging/deployment-patch.yaml",
                12,
                3
            ),
            // Bundled policies: production follows a branch; timeout not under interval.
            ("GG-ARGO-005", "argocd/guestbook-production.yaml", 14, 21),
            ("FILE008", "charts/podinfo-lite/Chart.yaml", 1, 1),
            ("GG-FLUX-004", "clusters/staging/apps.yaml", 11, 12),
            ("SCHEMA005", "clusters/staging/infrastructure.yaml", 1, 13),
            // The kustomization that includes the broken file does not build either.
            ("KUST001", "infrastructure/kustomization.yaml", 7, 5),
            ("YAML001", "infrastructure/monitoring.yaml", 33, 17),
            ("FILE007", "templates/namespace.yaml.j2", 0, 0),
        ])
    );
    let kinds = kinds(&report);
    for (path, kind) in [
        ("apps/overlays/production/db-secret.enc.yaml", "sops"),
        ("argocd/guestbook-dev-appset.yaml", "manifest"),
        ("clusters/production/apps.yaml", "manifest"),
        (
            "apps/overlays/production/kustomization.yaml",
            "kustomization",
        ),
        (".github/workflows/validate.yaml", "non-kubernetes"),
        // The example workflows of the GitHub Action: YAML, but not Kubernetes.
        ("workflows/gitgate-pr.yml", "non-kubernetes"),
        ("workflows/gitgate-nightly.yml", "non-kubernetes"),
        (".pre-commit-config.yaml", "non-kubernetes"),
        ("charts/podinfo-lite/values.yaml", "helm-values"),
        (
            "charts/podinfo-lite/templates/deployment.yaml",
            "helm-template",
        ),
    ] {
        assert!(
            kinds.contains(&(path.into(), kind.into())),
            "{path} as {kind}: {kinds:?}"
        );
    }
    // monitoring.yaml: the broken middle document does not hide the other two.
    let mon = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "infrastructure/monitoring.yaml")
        .unwrap();
    assert_eq!(mon["documents"], 3);

    // --no-render: YAML checks only, no kustomization is built.
    let r = run_cmd(gitgate().current_dir(repo_dir()).args([
        "check",
        "examples/",
        "--format",
        "json",
        "--no-render",
    ]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["summary"]["overlays"], 0);
    assert!(findings(&v).iter().all(|f| !f.0.starts_with("KUST")));

    // Text output, as a user sees it.
    let text = run(&["check", dir.to_str().unwrap()]);
    assert_eq!(text.code, 1);
    assert!(text.stdout.contains("error[YAML002]: duplicate key `replicas`\n  --> apps/overlays/staging/deployment-patch.yaml:12:3"), "{}", text.stdout);
    assert!(
        text.stdout.contains(
            "error[SCHEMA002]: spec.template.spec.containers[0].imagePullPolcy: unknown field `imagePullPolcy`\n  --> apps/overlays/production/deployment-patch.yaml:17:11"
        ) && text.stdout.contains("= help: did you mean `imagePullPolicy`?"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .trim_end()
            .ends_with("6 errors, 6 warnings, 2 notes"),
        "{}",
        text.stdout
    );
}
