//! Policy stage (stage 5): the bundled rules on real files and where their findings land,
//! rendered objects, conftest-style user policies (v0 and v1), a runaway policy, a recursive
//! function, and `gitgate policy test`.

mod common;

use common::*;

type Row = (String, String, u64, u64);

/// Findings of policies (bundled `GG-*`, user `conftest:*`, and the stage's `POLICY*`).
fn policy_findings(report: &serde_json::Value) -> Vec<Row> {
    findings(report)
        .into_iter()
        .filter(|f| {
            f.0.starts_with("GG-") || f.0.starts_with("conftest:") || f.0.starts_with("POLICY")
        })
        .collect()
}

fn message_of(report: &serde_json::Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

const FLUX: &str = "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: false
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infra
  namespace: flux-system
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
  name: good
  namespace: flux-system
spec:
  interval: 10m
  path: ./good
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
";

const ARGO: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: apps
  source:
    repoURL: https://example.com/repo.git
    path: apps/web
    targetRevision: v1.0.0
  destination:
    server: https://kubernetes.default.svc
    namespace: web
  syncPolicy:
    automated:
      selfHeal: true
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: api
  namespace: argocd
spec:
  project: apps
  source:
    repoURL: https://example.com/repo.git
    path: apps/api
    targetRevision: v1.0.0
  destination:
    server: https://kubernetes.default.svc
    namespace: api
  syncPolicy:
    automated:
      prune: true
";

const WORKLOADS: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:latest
      - name: sidecar
        image: envoyproxy/envoy:v1.31.0
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: '0 3 * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: backup
            image: registry.local:5000/backup
---
apiVersion: v1
kind: Pod
metadata:
  name: pinned
spec:
  containers:
  - name: app
    image: nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
";

#[test]
fn bundled_rules_fire_at_the_right_place_and_not_on_good_objects() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "flux.yaml", FLUX);
    write(tmp.path(), "argo.yaml", ARGO);
    write(tmp.path(), "workloads.yaml", WORKLOADS);
    let (code, report) = check_json(tmp.path(), &[]);
    assert_eq!(code, 1);
    // The first three bundled rules (the rest of the library has its fixture repositories,
    // tests/policy_library.rs).
    let first_three: Vec<Row> = policy_findings(&report)
        .into_iter()
        .filter(|f| ["GG-ARGO-001", "GG-FLUX-001", "GG-IMG-001"].contains(&f.0.as_str()))
        .collect();
    assert_eq!(
        first_three,
        expect(&[
            // `automated:` has no `prune`: the key.
            ("GG-ARGO-001", "argo.yaml", 16, 5),
            // `prune: false`: the value; no `prune` at all: `spec:`.
            ("GG-FLUX-001", "flux.yaml", 9, 10),
            ("GG-FLUX-001", "flux.yaml", 19, 1),
            // The `image` values.
            ("GG-IMG-001", "workloads.yaml", 14, 16),
            ("GG-IMG-001", "workloads.yaml", 31, 20),
        ])
    );
    let f = &report["findings"].as_array().unwrap();
    let argo = f.iter().find(|f| f["rule"] == "GG-ARGO-001").unwrap();
    assert_eq!(argo["severity"], "warning");
    assert!(argo["message"].as_str().unwrap().contains("`web`"));
    let img = f.iter().find(|f| f["rule"] == "GG-IMG-001").unwrap();
    assert_eq!(img["severity"], "error");
    assert!(img["help"].as_str().unwrap().contains("digest"), "{img}");

    // Off: no policy findings at all.
    let (_, off) = check_json(tmp.path(), &["--no-policy"]);
    assert!(policy_findings(&off).is_empty());
    let (_, off) = check_json(tmp.path(), &["--no-bundled-policies"]);
    assert!(policy_findings(&off).is_empty());
}

#[test]
fn rendered_findings_point_at_the_patch_or_base_line() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "app/base/kustomization.yaml",
        "resources:\n- deployment.yaml\n",
    );
    write(
        d,
        "app/base/deployment.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
      - name: helper
        image: busybox
",
    );
    for env in ["staging", "production"] {
        write(
            d,
            &format!("app/overlays/{env}/kustomization.yaml"),
            "resources:\n- ../../base\npatches:\n- path: patch.yaml\n",
        );
    }
    let patch = |image: &str| {
        format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: {image}
"
        )
    };
    write(d, "app/overlays/staging/patch.yaml", patch("nginx:latest"));
    write(
        d,
        "app/overlays/production/patch.yaml",
        patch("nginx:1.27.3"),
    );
    let (_, report) = check_json(d, &[]);
    assert_eq!(
        policy_findings(&report),
        expect(&[
            // The helper image comes from the base, in every overlay (and the base itself).
            ("GG-IMG-001", "app/base/deployment.yaml", 16, 16),
            // Only staging's patch sets `latest`.
            ("GG-IMG-001", "app/overlays/staging/patch.yaml", 10, 16),
        ])
    );
    let f = &report["findings"].as_array().unwrap();
    let base = f
        .iter()
        .find(|f| f["rule"] == "GG-IMG-001" && f["location"]["path"] == "app/base/deployment.yaml")
        .unwrap();
    let notes = base["notes"].to_string();
    assert!(notes.contains("3 kustomizations"), "{notes}");
}

const V0_DENY: &str = r#"package main

deny[msg] {
  input.kind == "Deployment"
  not input.spec.template.spec.securityContext.runAsNonRoot
  msg := sprintf("Containers must not run as root in Deployment %s", [input.metadata.name])
}

violation[{"msg": msg, "details": {}}] {
  input.kind == "Service"
  input.spec.type == "LoadBalancer"
  msg := "LoadBalancer services are not allowed"
}
"#;

const V1_WARN: &str = r#"package main

import rego.v1

warn contains msg if {
  input.kind == "Service"
  input.spec.type == "NodePort"
  msg := sprintf("Service %s: NodePort is discouraged", [input.metadata.name])
}

deny_replicas contains {"msg": msg, "path": ["spec", "replicas"]} if {
  input.kind == "Deployment"
  input.spec.replicas < 2
  msg := "at least 2 replicas"
}
"#;

const USER_OBJECTS: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: api:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: NodePort
  selector: {app: api}
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: lb
spec:
  type: LoadBalancer
  selector: {app: api}
  ports:
  - port: 80
";

#[test]
fn conftest_style_user_policies_run_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "objects.yaml", USER_OBJECTS);
    write(d, "policy/v0.rego", V0_DENY);
    write(d, "policy/v1.rego", V1_WARN);
    let (code, report) = check_json(d, &["--policy", d.join("policy").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        policy_findings(&report),
        expect(&[
            ("conftest:main", "objects.yaml", 4, 9),
            ("conftest:main", "objects.yaml", 6, 13),
            ("conftest:main", "objects.yaml", 20, 9),
            ("conftest:main", "objects.yaml", 30, 9),
        ])
    );
    let sev: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "conftest:main")
        .map(|f| {
            format!(
                "{} {}",
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        sev,
        [
            "error Containers must not run as root in Deployment api",
            "error at least 2 replicas",
            "warning Service api: NodePort is discouraged",
            "error LoadBalancer services are not allowed",
        ]
    );
    // The same directory from the configuration file.
    write(d, ".gitgate.yaml", "policy: [policy]\n");
    let (_, from_config) = check_json(d, &[]);
    assert_eq!(policy_findings(&from_config), policy_findings(&report));
}

#[test]
fn a_runaway_policy_is_stopped_and_the_others_still_report() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "objects.yaml", USER_OBJECTS);
    write(d, "policy/v0.rego", V0_DENY);
    write(
        d,
        "policy/runaway.rego",
        r#"package main

import rego.v1

deny_slow contains msg if {
  input.kind == "Service"
  n := count([x | some i in numbers.range(1, 20000); some j in numbers.range(1, 20000); x := i * j])
  msg := sprintf("%d", [n])
}
"#,
    );
    let started = std::time::Instant::now();
    let (_, report) = check_json(
        d,
        &[
            "--policy",
            d.join("policy").to_str().unwrap(),
            "--policy-timeout",
            "200",
        ],
    );
    // Stopped once (not once per Service), well before the 4e8 iterations would end.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let rows = policy_findings(&report);
    assert_eq!(
        rows.iter()
            .filter(|r| r.0 == "POLICY002")
            .collect::<Vec<_>>(),
        [&(
            "POLICY002".to_string(),
            "policy/runaway.rego".to_string(),
            5,
            1
        )]
    );
    let msg = &message_of(&report, "POLICY002")[0];
    assert!(msg.contains("data.main.deny_slow"), "{msg}");
    assert!(msg.contains("policy/runaway.rego"), "{msg}");
    assert!(msg.contains("200 ms time limit"), "{msg}");
    assert!(msg.contains("Service `"), "{msg}");
    // The other policies still report.
    assert!(rows.contains(&("conftest:main".into(), "objects.yaml".into(), 4, 9)));
    assert!(rows.contains(&("conftest:main".into(), "objects.yaml".into(), 30, 9)));
}

#[test]
fn a_recursive_function_is_rejected_at_load_without_crashing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "objects.yaml", USER_OBJECTS);
    write(d, "policy/v0.rego", V0_DENY);
    write(
        d,
        "policy/recursive.rego",
        r#"package main

import rego.v1

# Counts forever: regorus would overflow its stack here.
f(x) := f(x + 1)

deny_loop contains msg if {
  input.kind == "Deployment"
  msg := sprintf("%d", [f(1)])
}
"#,
    );
    write(
        d,
        "policy/broken.rego",
        "package main\n\ndeny contains msg if {\n  input.kind ==\n}\n",
    );
    // Rules only (no function): regorus reports it at evaluation, without crashing.
    write(
        d,
        "policy/cycle.rego",
        "package main\nimport rego.v1\na if b\nb if a\ndeny_cycle contains \"x\" if {\n  input.kind == \"Deployment\"\n  a\n}\n",
    );
    let (code, report) = check_json(d, &["--policy", d.join("policy").to_str().unwrap()]);
    assert_eq!(code, 1);
    let rows = policy_findings(&report);
    assert!(
        rows.contains(&("POLICY001".into(), "policy/recursive.rego".into(), 6, 1)),
        "{rows:?}"
    );
    let msgs = message_of(&report, "POLICY001");
    assert!(
        msgs.iter().any(|m| m.contains("function `f` calls itself")),
        "{msgs:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.0 == "POLICY001" && r.1 == "policy/broken.rego"),
        "{rows:?}"
    );
    assert!(rows.contains(&("conftest:main".into(), "objects.yaml".into(), 4, 9)));
    let errors = message_of(&report, "POLICY002");
    assert!(
        errors.iter().any(|m| m.contains("data.main.deny_cycle")
            && m.contains("recursion detected")
            && m.contains("policy/cycle.rego:3:1")),
        "{errors:?}"
    );
    // The broken v1 file is not retried as v0 (regorus would print keyword warnings).
    let r = run(&[
        "check",
        d.to_str().unwrap(),
        "--root",
        d.to_str().unwrap(),
        "--policy",
        d.join("policy").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "");
}

#[test]
fn policy_test_command_runs_test_rules() {
    let r = run(&["policy", "test"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("PASS  data.gitgate.flux.kustomization_prune_test."),
        "{}",
        r.stdout
    );
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "p/main.rego",
        "package main\nimport rego.v1\ndeny contains \"no\" if input.kind == \"Pod\"\n",
    );
    write(
        tmp.path(),
        "p/main_test.rego",
        "package main\nimport rego.v1\ntest_pod_denied if { count(deny) == 1 with input as {\"kind\": \"Pod\"} }\ntest_wrong if { count(deny) == 1 with input as {\"kind\": \"Service\"} }\n",
    );
    let r = run(&["policy", "test", tmp.path().join("p").to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("PASS  data.main.test_pod_denied"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("FAIL  data.main.test_wrong"),
        "{}",
        r.stdout
    );
}

#[test]
fn policies_see_the_context_and_never_leak_secret_values() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "app/kustomization.yaml", "resources:\n- cm.yaml\n");
    write(
        d,
        "app/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n",
    );
    write(
        d,
        "secret.yaml",
        // `aHVudGVyMg==` is base64 for `hunter2`.
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: aHVudGVyMg==\nstringData:\n  token: s3cr3t-t0ken\n",
    );
    write(
        d,
        "policy/context.rego",
        r#"package main

import rego.v1

warn contains msg if {
  ctx := gitgate.context()
  msg := sprintf("%s from %s:%d via %v (k8s %s)", [input.kind, ctx.file, ctx.line, ctx.kustomization, ctx.kubernetes_version])
}

deny contains msg if {
  input.kind == "Secret"
  msg := sprintf("leaks %s and %s and %s", [input.data.password, base64.decode(input.data.password), input.stringData.token])
}
"#,
    );
    let (_, report) = check_json(
        d,
        &[
            "--policy",
            d.join("policy").to_str().unwrap(),
            "--kubernetes-version",
            "1.33",
        ],
    );
    let msgs = message_of(&report, "conftest:main");
    assert!(
        msgs.contains(&"ConfigMap from app/cm.yaml:1 via app (k8s 1.33)".to_string()),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"Secret from secret.yaml:1 via null (k8s 1.33)".to_string()),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"leaks *** and *** and ***".to_string()),
        "{msgs:?}"
    );
    for format in ["json", "text"] {
        let r = run(&[
            "check",
            d.to_str().unwrap(),
            "--root",
            d.to_str().unwrap(),
            "--format",
            format,
            "--policy",
            d.join("policy").to_str().unwrap(),
        ]);
        for secret in ["hunter2", "aHVudGVyMg==", "s3cr3t-t0ken"] {
            assert!(!r.stdout.contains(secret), "{format}: {}", r.stdout);
        }
    }
}

#[test]
fn bundled_policies_are_listed_and_explained() {
    let r = run(&["rules"]);
    assert_eq!(r.code, 0);
    for id in [
        "GG-FLUX-001",
        "GG-ARGO-001",
        "GG-IMG-001",
        "POLICY001",
        "POLICY002",
    ] {
        assert!(r.stdout.contains(id), "{id}: {}", r.stdout);
    }
    let r = run(&["explain", "gg-flux-001"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .starts_with("# GG-FLUX-001 (kustomization-prune): Flux Kustomization without pruning"));
    assert!(r.stdout.contains("Default severity: warning"));
    assert!(r.stdout.contains("## Use instead\nSet `spec.prune: true`"));
}

#[test]
fn context_names_deployer_cluster_and_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "clusters/eu-1/apps.yaml",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/overlays/live
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
",
    );
    write(
        root,
        "apps/base/kustomization.yaml",
        "resources: [cm.yaml]\n",
    );
    write(
        root,
        "apps/base/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
    );
    for env in ["live", "staging"] {
        write(
            root,
            &format!("apps/overlays/{env}/kustomization.yaml"),
            format!("resources: [../../base]\nnamePrefix: {env}-\n"),
        );
    }
    write(
        root,
        "argocd/web-staging.yaml",
        "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-staging
  namespace: argocd
spec:
  project: web
  destination:
    name: stg-cluster
    namespace: web
  source:
    repoURL: https://example.com/repo.git
    path: apps/overlays/staging
    targetRevision: v1.0.0
",
    );
    write(
        root,
        "policy/ctx.rego",
        "package main
import rego.v1
import data.gitgate.lib
warn contains msg if {
\tinput.kind == \"ConfigMap\"
\tmsg := sprintf(\"%s env=%v cluster=%v deployer=%v/%v\", [input.metadata.name, lib.environment, lib.cluster, lib.deployer.kind, lib.deployer.name])
}
",
    );
    // `live` is production only through `environments:` (not a conventional name).
    write(
        root,
        ".gitgate.yaml",
        "environments:\n  production: [\"apps/overlays/live/**\"]\n",
    );
    let policy = root.join("policy");
    let (_, report) = check_json(
        root,
        &[
            "--no-bundled-policies",
            "--policy",
            policy.to_str().unwrap(),
        ],
    );
    let mut msgs = message_of(&report, "conftest:main");
    msgs.sort();
    assert_eq!(
        msgs,
        vec![
            "live-web env=production cluster=eu-1 deployer=Kustomization/apps",
            "staging-web env=staging cluster=stg-cluster deployer=Application/web-staging",
        ],
        "{report}"
    );
}
