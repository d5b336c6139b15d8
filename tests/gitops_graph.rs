//! The GitOps graph (issue 6, items 1, 5, 6): deployers found, what each applies, clusters,
//! the graph checks (GITOPS001–003) at exact locations, and `gitgate graph` in its three
//! formats. Fixture: tests/fixtures/gitops/graph-basic (Flux bootstrap per cluster, an app
//! base with two overlays, infrastructure, an Argo CD multi-source Application, a source in
//! another repository, a manifest nothing applies).

mod common;

use common::{check_json, fixture, run};
use serde_json::Value;

fn gitops_findings(report: &Value) -> Vec<(String, String, u64, u64)> {
    let mut f: Vec<_> = common::findings(report)
        .into_iter()
        .filter(|(rule, ..)| rule.starts_with("GITOPS"))
        .collect();
    f.sort();
    f
}

#[test]
fn graph_checks_report_at_the_field_that_is_wrong() {
    let dir = fixture("gitops/graph-basic");
    let (code, report) = check_json(&dir, &["--no-policy"]);
    assert_eq!(code, 1, "GITOPS001/002 are errors");
    assert_eq!(
        gitops_findings(&report),
        common::expect(&[
            // sources[1].path of the Argo CD Application: a typo.
            ("GITOPS001", "argocd/staging.yaml", 17, 13),
            // spec.path of the `monitoring` Kustomization (second document).
            ("GITOPS001", "clusters/prod/infrastructure.yaml", 21, 9),
            // Namespace `shop` from apps/base (through apps/prod) and infrastructure/.
            ("GITOPS002", "infrastructure/namespaces.yaml", 9, 9),
            ("GITOPS003", "unused/configmap.yaml", 1, 1),
        ])
    );
    let twice = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "GITOPS002")
        .unwrap();
    let msg = twice["message"].as_str().unwrap();
    assert!(
        msg.contains("Kustomization `apps`") && msg.contains("Kustomization `infrastructure`"),
        "{msg}"
    );
    let related: Vec<String> = twice["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r["location"]["path"].as_str().unwrap(),
                r["location"]["start"]["line"]
            )
        })
        .collect();
    assert_eq!(
        related,
        [
            "apps/base/namespace.yaml:4",
            "clusters/prod/apps.yaml:4",
            "clusters/prod/infrastructure.yaml:4"
        ]
    );
}

#[test]
fn without_repository_urls_every_git_source_is_this_repository() {
    // The monorepo default: the vendor GitRepository and the third Argo CD source now count
    // as this repository, so their paths must exist here.
    let dir = fixture("gitops/graph-basic");
    let (_, report) = check_json(&dir, &["--no-policy", "--no-config"]);
    let missing: Vec<(String, u64)> = gitops_findings(&report)
        .into_iter()
        .filter(|(rule, ..)| rule == "GITOPS001")
        .map(|(_, path, line, _)| (path, line))
        .collect();
    assert_eq!(
        missing,
        [
            ("argocd/staging.yaml".to_string(), 17),
            ("argocd/staging.yaml".to_string(), 20),
            ("clusters/prod/infrastructure.yaml".to_string(), 21),
            ("clusters/prod/vendor.yaml".to_string(), 19),
        ]
    );
}

#[test]
fn graph_json_has_the_deployer_tree_per_cluster() {
    let dir = fixture("gitops/graph-basic");
    let d = dir.to_str().unwrap();
    let r = run(&["graph", d, "--root", d, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g: Value = serde_json::from_str(&r.stdout).expect("JSON graph");
    let deployers = g["deployers"].as_array().unwrap();
    let name = |i: &Value| -> String {
        let d = &deployers[i.as_u64().unwrap() as usize];
        format!(
            "{} {}",
            d["kind"].as_str().unwrap(),
            d["name"].as_str().unwrap()
        )
    };
    let clusters: Vec<(String, Vec<String>)> = g["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or("").to_string(),
                c["roots"].as_array().unwrap().iter().map(name).collect(),
            )
        })
        .collect();
    assert_eq!(
        clusters,
        [
            (
                "prod".to_string(),
                vec!["Kustomization flux-system".to_string()]
            ),
            (
                "staging".to_string(),
                vec!["Application shop-staging".to_string()]
            ),
        ]
    );
    let root = deployers
        .iter()
        .find(|d| d["name"] == "flux-system")
        .unwrap();
    let children: Vec<String> = root["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(name)
        .collect();
    assert_eq!(
        children,
        [
            "Kustomization apps",
            "Kustomization infrastructure",
            "Kustomization monitoring",
            "Kustomization vendor"
        ]
    );
    let by_name = |n: &str| deployers.iter().find(|d| d["name"] == n).unwrap();
    let apps = by_name("apps");
    assert_eq!(apps["paths"], serde_json::json!(["apps/prod"]));
    assert_eq!(
        apps["depends_on"],
        serde_json::json!(["flux-system/infrastructure"])
    );
    assert_eq!(
        apps["objects"], 2,
        "Namespace and Deployment from apps/base"
    );
    assert_eq!(apps["cluster"], "prod");
    let vendor = by_name("vendor");
    assert_eq!(vendor["source"]["external"], true);
    assert_eq!(vendor["paths"], serde_json::json!([]));
    let argo = by_name("shop-staging");
    assert_eq!(
        argo["paths"],
        serde_json::json!(["apps/staging", "apps/stagin"])
    );
    assert_eq!(argo["target_namespace"], "shop");
}

#[test]
fn graph_text_and_dot() {
    let dir = fixture("gitops/graph-basic");
    let d = dir.to_str().unwrap();
    let r = run(&["graph", d, "--root", d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "cluster prod");
    assert!(
        lines[1].starts_with("└─ Kustomization flux-system/flux-system → ./clusters/prod"),
        "{}",
        r.stdout
    );
    assert!(
        lines[2].starts_with("   ├─ Kustomization flux-system/apps → ./apps/prod"),
        "{}",
        r.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Kustomization flux-system/vendor")
                && l.contains("not in this repository")),
        "{}",
        r.stdout
    );
    let r = run(&["graph", d, "--root", d, "--format", "dot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("digraph gitgate {"), "{}", r.stdout);
    assert!(r.stdout.trim_end().ends_with('}'));
    assert!(r.stdout.contains("[style=dashed, label=dependsOn]"));
    assert_eq!(
        r.stdout.matches("c0 -> d").count() + r.stdout.matches("c1 -> d").count(),
        2,
        "one root per cluster: {}",
        r.stdout
    );
}

#[test]
fn findings_name_the_deployers_that_apply_them() {
    // `replicas: "2"` in apps/base, rendered by apps/prod (Flux, cluster prod) and
    // apps/staging (Argo CD, cluster staging): one finding, both deployers related.
    let dir = fixture("gitops/graph-basic");
    let (_, report) = check_json(&dir, &["--no-policy"]);
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "SCHEMA001")
        .expect("the schema error in apps/base");
    assert_eq!(f["location"]["path"], "apps/base/deployment.yaml");
    let related: Vec<&str> = f["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        related,
        [
            "applied by Kustomization flux-system/apps (cluster `prod`, via Kustomization flux-system/flux-system)",
            "applied by Application argocd/shop-staging (cluster `staging`)",
        ]
    );
}
