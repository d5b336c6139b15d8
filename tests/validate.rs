//! Schema validation (stage 4): each finding, its rule and its line:column, on real objects.

mod common;

use common::*;

/// `gitgate check --format json` without the policy stage: these tests are about validation
/// (the bundled policies have their own fixtures).
fn check_validate(dir: &std::path::Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = extra.to_vec();
    args.push("--no-policy");
    args.push("--no-gitops");
    check_json(dir, &args)
}

fn rules_at(report: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    findings(report)
}

fn messages(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  creationTimestamp: null
spec:
  replicas: \"two\"
  selector:
    matchLabels: {app: web}
  strategy:
    rollingUpdate:
      maxSurge: true
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: web:1.2
        imagePullPolcy: Always
      - image: sidecar:1
";

#[test]
fn core_kind_errors_are_reported_at_their_lines() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "deploy.yaml", DEPLOYMENT);
    let (code, report) = check_validate(tmp.path(), &[]);
    assert_eq!(code, 1);
    // `creationTimestamp: null` is fine: optional fields are nullable.
    assert_eq!(
        rules_at(&report),
        expect(&[
            ("SCHEMA001", "deploy.yaml", 7, 13),
            ("SCHEMA001", "deploy.yaml", 12, 17),
            ("SCHEMA002", "deploy.yaml", 20, 9),
            ("SCHEMA001", "deploy.yaml", 21, 9),
        ])
    );
    assert_eq!(
        messages(&report),
        [
            "spec.replicas: expected integer, got string \"two\"",
            // int-or-string
            "spec.strategy.rollingUpdate.maxSurge: expected string or integer, got boolean true",
            "spec.template.spec.containers[0].imagePullPolcy: unknown field `imagePullPolcy`",
            "spec.template.spec.containers[1]: missing required field `name`",
        ]
    );
    assert_eq!(
        report["findings"][2]["help"],
        "did you mean `imagePullPolicy`?"
    );

    // Not strict: unknown fields pass, wrong types still do not.
    let (_, relaxed) = check_validate(tmp.path(), &["--strict=false"]);
    assert!(!rules_at(&relaxed).iter().any(|f| f.0 == "SCHEMA002"));
    assert_eq!(rules_at(&relaxed).len(), 3);
    write(tmp.path(), ".gitgate.yaml", "strict: false\n");
    let (_, from_config) = check_validate(tmp.path(), &[]);
    assert_eq!(rules_at(&from_config), rules_at(&relaxed));

    // Validation off.
    let (code, off) = check_validate(tmp.path(), &["--no-validate"]);
    assert_eq!((code, rules_at(&off).len()), (0, 0));
    assert_eq!(off["summary"]["validated_objects"], 0);
}

#[test]
fn removed_and_deprecated_apis_follow_the_target_version() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "apis.yaml",
        "apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 3
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: nightly}
spec: {schedule: '@daily'}
---
apiVersion: helm.toolkit.fluxcd.io/v2beta1
kind: HelmRelease
metadata: {name: nginx}
spec:
  interval: 30m
  chart: {spec: {chart: nginx, sourceRef: {kind: HelmRepository, name: charts}}}
",
    );
    let (_, newest) = check_validate(tmp.path(), &[]);
    assert_eq!(
        rules_at(&newest),
        expect(&[
            ("SCHEMA004", "apis.yaml", 1, 13),
            ("SCHEMA004", "apis.yaml", 8, 13),
            ("SCHEMA005", "apis.yaml", 13, 13),
        ])
    );
    assert_eq!(
        messages(&newest),
        [
            "autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26; use autoscaling/v2",
            "batch/v1beta1 CronJob is not served by Kubernetes 1.37 (removed before 1.25); use batch/v1",
            "helm.toolkit.fluxcd.io/v2beta1 HelmRelease is deprecated; use helm.toolkit.fluxcd.io/v2",
        ]
    );
    // Kubernetes 1.25 still serves autoscaling/v2beta2 (deprecated there).
    let (_, old) = check_validate(tmp.path(), &["--kubernetes-version", "v1.25.3"]);
    assert_eq!(
        rules_at(&old)[0],
        ("SCHEMA005".into(), "apis.yaml".into(), 1, 13)
    );
    // A version that is not bundled is a usage error.
    let d = tmp.path().to_str().unwrap();
    let r = run(&["check", d, "--root", d, "--kubernetes-version", "1.19"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not bundled; use one of 1.25"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_bundled_gitops_crd_accepts_a_valid_object_and_rejects_a_typo() {
    let text = std::fs::read_to_string(fixture("gitops-crds.yaml")).unwrap();
    let docs: Vec<&str> = text.split("---\n").collect();
    assert_eq!(
        docs.len(),
        15,
        "Argo CD x3, Flux x7, Flagger, SealedSecret, ESO, cert-manager, Rollouts"
    );
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "valid.yaml", &text);
    let (code, report) = check_validate(tmp.path(), &[]);
    assert_eq!((code, rules_at(&report)), (0, vec![]), "{report:#}");
    assert_eq!(report["summary"]["validated_objects"], 15);

    let tmp = tempfile::tempdir().unwrap();
    for (i, doc) in docs.iter().enumerate() {
        let mut lines: Vec<&str> = doc.lines().collect();
        let spec = lines.iter().position(|l| *l == "spec:").unwrap();
        lines.insert(spec + 1, "  specTypo: 1");
        write(
            tmp.path(),
            &format!("d{i:02}.yaml"),
            lines.join("\n") + "\n",
        );
    }
    let (_, report) = check_validate(tmp.path(), &[]);
    let got = rules_at(&report);
    assert_eq!(got.len(), 15, "{got:?}");
    for (i, f) in got.iter().enumerate() {
        assert_eq!(f, &("SCHEMA002".to_string(), format!("d{i:02}.yaml"), 5, 3));
    }
    // Argo Rollouts' bundled schema is an older API: a hint, not an error.
    assert_eq!(report["findings"][14]["severity"], "warning");
    assert_eq!(report["findings"][0]["severity"], "error");

    // A missing required field of a CRD.
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  project: default\n",
    );
    let (_, report) = check_validate(tmp.path(), &[]);
    assert_eq!(
        rules_at(&report),
        expect(&[("SCHEMA001", "app.yaml", 4, 1)])
    );
    assert_eq!(
        messages(&report),
        ["spec: missing required field `destination`"]
    );
}

#[test]
fn crds_in_the_repository_take_precedence_over_the_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    write(
        t,
        "crds/widgets.yaml",
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            x-kubernetes-validations:
            - rule: self.size > 0
            properties:
              size: {type: integer, nullable: true}
              port: {x-kubernetes-int-or-string: true}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
  - name: v1beta1
    served: true
    storage: false
    deprecated: true
    deprecationWarning: example.com/v1beta1 Widget is deprecated; use example.com/v1
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gitrepositories.source.toolkit.fluxcd.io}
spec:
  group: source.toolkit.fluxcd.io
  names: {kind: GitRepository, plural: gitrepositories}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              url: {type: string}
",
    );
    write(
        t,
        "objects.yaml",
        "apiVersion: example.com/v1
kind: Widget
metadata: {name: ok}
spec:
  size: null
  port: http
  extra: {anything: [1, 2]}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: bad}
spec:
  port: 1.5
  colour: red
---
apiVersion: example.com/v1beta1
kind: Widget
metadata: {name: old}
spec: {whatever: true}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: repo}
spec:
  url: https://example.com/repo
  interval: 1m
",
    );
    let (_, report) = check_validate(t, &[]);
    assert_eq!(
        rules_at(&report),
        expect(&[
            ("SCHEMA001", "objects.yaml", 12, 1),
            ("SCHEMA001", "objects.yaml", 13, 9),
            ("SCHEMA002", "objects.yaml", 14, 3),
            ("SCHEMA005", "objects.yaml", 16, 13),
            // The repository's GitRepository CRD declares `url` only: it wins over the bundle.
            ("SCHEMA002", "objects.yaml", 26, 3),
        ])
    );
    assert_eq!(
        messages(&report),
        [
            "spec: missing required field `size`",
            "spec.port: expected integer or string, got number 1.5",
            "spec.colour: unknown field `colour`",
            "example.com/v1beta1 Widget is deprecated by its CustomResourceDefinition: example.com/v1beta1 Widget is deprecated; use example.com/v1",
            "spec.interval: unknown field `interval`",
        ]
    );
    // --verbose says where schemas came from and that CEL rules were not evaluated.
    let d = t.to_str().unwrap();
    let r = run(&["check", d, "--root", d, "-v"]);
    assert!(
        r.stderr
            .contains("schema for example.com/v1/Widget from crds/widgets.yaml")
            && r.stderr
                .contains("1 CEL rule(s) (x-kubernetes-validations) not checked"),
        "{}",
        r.stderr
    );
}

#[test]
fn objects_rendered_by_an_overlay_point_at_the_patch_line() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    write(t, "base/kustomization.yaml", "resources: [deploy.yaml]\n");
    write(
        t,
        "base/deploy.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: web:1
",
    );
    for env in ["dev", "prod"] {
        write(
            t,
            &format!("{env}/kustomization.yaml"),
            "resources: [../base]\npatches:\n- path: patch.yaml\n",
        );
        write(
            t,
            &format!("{env}/patch.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: \"3\"\n",
        );
    }
    let (_, report) = check_validate(t, &[]);
    assert_eq!(
        rules_at(&report),
        expect(&[
            ("SCHEMA001", "dev/patch.yaml", 5, 13),
            ("SCHEMA001", "prod/patch.yaml", 5, 13),
        ])
    );
    assert_eq!(report["findings"][0]["notes"][0], "in the output of `dev`");
    // The base's own file is not validated alone: it is part of what the overlays render.
    assert_eq!(report["summary"]["validated_objects"], 3);
}

#[test]
fn sops_documents_are_validated_without_their_encrypted_values() {
    let tmp = tempfile::tempdir().unwrap();
    let sops = "sops:\n  age:\n  - recipient: age1xyz\n    enc: |\n      -----BEGIN AGE ENCRYPTED FILE-----\n  lastmodified: \"2026-01-01T00:00:00Z\"\n  mac: ENC[AES256_GCM,data:abc,type:str]\n  version: 3.9.0\n";
    write(
        tmp.path(),
        "secret.enc.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: db}}\ntype: Opaque\ndata:\n  password: ENC[AES256_GCM,data:Zm9v,iv:aa,tag:bb,type:str]\n{sops}"),
    );
    write(
        tmp.path(),
        "deploy.enc.yaml",
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: ENC[AES256_GCM,data:Mw==,iv:aa,tag:bb,type:int]\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers: [{{name: web, image: web:1}}]\n{sops}"),
    );
    let (code, report) = check_validate(tmp.path(), &[]);
    assert_eq!((code, rules_at(&report)), (0, vec![]), "{report:#}");
    // Structure is still checked.
    write(
        tmp.path(),
        "typo.enc.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: x}}\ndatta:\n  password: ENC[AES256_GCM,data:Zm9v,type:str]\n{sops}"),
    );
    let (_, report) = check_validate(tmp.path(), &[]);
    assert_eq!(
        rules_at(&report),
        expect(&[("SCHEMA002", "typo.enc.yaml", 4, 1)])
    );
    assert_eq!(report["findings"][0]["help"], "did you mean `data`?");
}

#[test]
fn secret_values_never_appear_in_validation_output() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata:\n  password: 918273645\nstringData:\n  token: true\n  other: [s3cr3tvalue]\n",
    );
    let d = tmp.path().to_str().unwrap();
    for format in ["text", "json"] {
        let r = run(&[
            "check", d, "--root", d, "--format", format, "--color", "always",
        ]);
        assert_eq!(r.code, 1);
        for secret in ["918273645", "s3cr3tvalue"] {
            assert!(
                !r.stdout.contains(secret) && !r.stderr.contains(secret),
                "{format} output shows `{secret}`:\n{}",
                r.stdout
            );
        }
        assert!(
            r.stdout
                .contains("data.password: expected string, got an integer"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout
                .contains("stringData.token: expected string, got a boolean"),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn missing_schemas_and_schema_dirs() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    write(
        t,
        "widget.yaml",
        "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec:\n  size: big\n",
    );
    let (code, report) = check_validate(t, &[]);
    assert_eq!(code, 0, "a missing schema is a warning by default");
    assert_eq!(
        rules_at(&report),
        expect(&[("SCHEMA003", "widget.yaml", 1, 13)])
    );
    assert_eq!(
        messages(&report),
        ["no schema for example.com/v1 Gadget (Kubernetes 1.37); not validated"]
    );
    let (code, _) = check_validate(t, &["--missing-schema", "error"]);
    assert_eq!(code, 1);
    let (_, report) = check_validate(t, &["--missing-schema", "off"]);
    assert!(rules_at(&report).is_empty());

    // kubeconform's layout: {kind}-{group}-{version}.json
    write(
        t,
        "schemas/gadget-example.com-v1.json",
        r#"{"type": "object", "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
            "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}"#,
    );
    let dir = t.join("schemas");
    let (_, report) = check_validate(t, &["--schema-dir", dir.to_str().unwrap()]);
    assert_eq!(
        rules_at(&report),
        expect(&[("SCHEMA001", "widget.yaml", 5, 9)])
    );
    write(t, ".gitgate.yaml", "schema-dir: [schemas]\n");
    let (_, report) = check_validate(t, &[]);
    assert_eq!(
        rules_at(&report),
        expect(&[("SCHEMA001", "widget.yaml", 5, 9)])
    );
}
