//! Ordinary conftest policies run unchanged (tests/fixtures/conftest/policy: Rego v0 and v1,
//! `deny`/`deny_<suffix>`/`violation`/`warn`, an `exception` rule, `--data`,
//! `data.conftest.file`, a second package selected with `--namespace`), and suppressions.

mod common;

use common::*;

fn conftest_dir() -> std::path::PathBuf {
    fixture("conftest")
}

/// (rule, severity, line, message) of the policy findings.
fn rows(report: &serde_json::Value) -> Vec<(String, String, u64, String)> {
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("conftest:"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["location"]["start"]["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn run_conftest(extra: &[&str]) -> serde_json::Value {
    let d = conftest_dir();
    let policy = d.join("policy");
    let data = d.join("data");
    let mut args = vec![
        "--no-bundled-policies",
        "--policy",
        policy.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    check_json(&d.join("repo"), &args).1
}

#[test]
fn conftest_policies_run_unchanged_with_exceptions_data_and_file() {
    let report = run_conftest(&[]);
    let row = |rule: &str, sev: &str, line: u64, msg: &str| {
        (rule.to_string(), sev.to_string(), line, msg.to_string())
    };
    assert_eq!(
        rows(&report),
        vec![
            // deny_run_as_root: `can-run-as-root` is excepted, `root-app` is not.
            row("conftest:main", "error", 4, "Deployment root-app: containers must not run as root"),
            // violation with data.registries (from data/registries/allowed.yaml) and
            // data.conftest.file.
            row("conftest:main", "error", 21, "deploy/apps.yaml: image docker.io/library/legacy:2.1 is not from an allowed registry (deploy)"),
            row("conftest:main", "warning", 40, "Service public is exposed with a LoadBalancer"),
        ]
    );
    // The exception is counted, not hidden silently.
    assert_eq!(
        report["summary"]["policy"]["exceptions"], 1,
        "{}",
        report["summary"]
    );
    // Packages other than `main` only with --namespace / --all-namespaces.
    let only_security = run_conftest(&["--namespace", "kubernetes.security"]);
    assert_eq!(
        rows(&only_security),
        vec![row(
            "conftest:kubernetes.security",
            "error",
            21,
            "container legacy is privileged"
        )]
    );
    let all = run_conftest(&["--all-namespaces"]);
    assert_eq!(rows(&all).len(), 4);
}

#[test]
fn bad_policy_data_is_reported_and_the_rest_still_runs() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "data/a.yaml", "allowed: [x\n");
    write(
        tmp.path(),
        "repo/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    let d = tmp.path().join("data");
    let (_, report) = check_json(&tmp.path().join("repo"), &["--data", d.to_str().unwrap()]);
    let f: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0 == "POLICY001")
        .collect();
    assert_eq!(f.len(), 1, "{report}");
    assert!(
        report.to_string().contains("invalid YAML at 1:10"),
        "{report}"
    );
}

const FLUX_NO_PRUNE: &str = "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
  annotations:
    gitgate.dev/ignore: \"GG-FLUX-001: the platform team prunes with its own job\"
spec:
  interval: 10m
  path: ./apps
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infra
  namespace: flux-system
  annotations:
    gitgate.dev/ignore: GG-FLUX-001
spec:
  interval: 10m
  path: ./infra
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: tenants
  namespace: flux-system
spec:
  interval: 10m
  path: ./tenants
  sourceRef:
    kind: GitRepository
    name: flux-system
";

fn rule_rows(report: &serde_json::Value, rule: &str) -> Vec<(String, u64)> {
    findings(report)
        .into_iter()
        .filter(|f| f.0 == rule)
        .map(|f| (f.1, f.2))
        .collect()
}

#[test]
fn suppressions_need_a_reason_and_are_counted() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "clusters/prod/flux.yaml", FLUX_NO_PRUNE);
    let (_, report) = check_json(tmp.path(), &[]);
    // `apps` is suppressed with a reason; `infra`'s annotation has none, so it is reported
    // together with a POLICY003 warning; `tenants` has no suppression.
    let flux = |r: &serde_json::Value| rule_rows(r, "GG-FLUX-001");
    let at = |lines: &[u64]| -> Vec<(String, u64)> {
        lines
            .iter()
            .map(|l| ("clusters/prod/flux.yaml".to_string(), *l))
            .collect()
    };
    // `spec:` of `infra` (line 22) and `tenants` (line 34).
    assert_eq!(flux(&report), at(&[22, 34]), "{report}");
    assert_eq!(rule_rows(&report, "POLICY003").len(), 1, "{report}");
    assert!(report["summary"]["suppressed"].as_u64().unwrap() >= 1);

    // --no-inline-suppressions: the annotation with a reason no longer applies either.
    let (_, strict) = check_json(tmp.path(), &["--no-inline-suppressions"]);
    assert_eq!(flux(&strict), at(&[8, 22, 34]), "{strict}");
    assert_eq!(strict["summary"]["suppressed"], 0);

    // Config entries: by rule, path glob and object name, with a reason; an expired one is
    // reported and no longer applies.
    write(
        tmp.path(),
        ".gitgate.yaml",
        "suppress:
  - rule: GG-FLUX-001
    path: clusters/**
    name: tenants
    reason: tenants are pruned by the tenant operator
  - rule: GG-FLUX-001
    name: infra
    reason: temporary while infra moves to its own repo
    until: 2020-01-31
",
    );
    let (_, cfg) = check_json(tmp.path(), &[]);
    // `tenants` suppressed by the config; `infra`'s entry expired (and its annotation has no
    // reason), so it is reported again.
    assert_eq!(flux(&cfg), at(&[22]), "{cfg}");
    let expired: Vec<_> = report_messages(&cfg, "POLICY003");
    assert!(
        expired.iter().any(|m| m.contains("expired on 2020-01-31")),
        "{expired:?}"
    );
    // A suppression without a reason is a config error at its line.
    write(
        tmp.path(),
        ".gitgate.yaml",
        "suppress:\n  - rule: GG-FLUX-001\n    reason: \"\"\n",
    );
    let d = tmp.path().to_str().unwrap();
    let r = run(&["check", d, "--root", d]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(".gitgate.yaml:3:5: a suppression needs a reason"),
        "{}",
        r.stderr
    );
}

fn report_messages(report: &serde_json::Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn unknown_policy_parameters_are_reported_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        ".gitgate.yaml",
        "policy-parameters:\n  flux-min-interval: 5m\n  flux-min-intervall: 5m\n",
    );
    write(
        tmp.path(),
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    let (_, report) = check_json(tmp.path(), &[]);
    let f: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "POLICY001")
        .collect();
    assert_eq!(f.len(), 1, "{report}");
    assert_eq!(f[0]["location"]["path"], ".gitgate.yaml");
    assert_eq!(f[0]["location"]["start"]["line"], 3);
    assert_eq!(f[0]["severity"], "warning");
    assert!(f[0]["help"].as_str().unwrap().contains("flux-min-interval"));
}

#[test]
fn rego_version_flag_forces_one_syntax() {
    // The v0 policy file is rejected under --rego-version v1 (at its line), the v1 one still runs.
    let report = run_conftest(&["--rego-version", "v1"]);
    let bad: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0 == "POLICY001")
        .collect();
    assert_eq!(bad.len(), 1, "{report}");
    assert!(bad[0].1.ends_with("policy/deployment.rego"), "{bad:?}");
    assert!(bad[0].2 > 0, "{bad:?}");
    assert!(rows(&report)
        .iter()
        .any(|r| r.3.contains("not from an allowed registry")));
    // Both files parse as v0 (`import rego.v1` allows v1 keywords there, as in OPA).
    let v0 = run_conftest(&["--rego-version", "v0"]);
    assert_eq!(rows(&v0), rows(&run_conftest(&[])));
}
