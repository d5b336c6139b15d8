use std::sync::Arc;
use std::time::Instant;

use serde_json::{json, Value};

use super::*;

#[test]
fn versions_are_1_25_to_1_37_ascending() {
    let b = bundle();
    let want: Vec<String> = (25..=37).map(|m| format!("1.{m}")).collect();
    assert_eq!(b.kubernetes_versions(), want.as_slice());
    assert_eq!(b.newest_kubernetes(), "1.37");
    assert!(b.has_kubernetes("1.30") && !b.has_kubernetes("1.24"));
}

#[test]
fn deployment_in_every_version() {
    let b = bundle();
    assert_eq!(b.versions_with_kind("apps/v1", "Deployment").len(), 13);
    for v in b.kubernetes_versions() {
        assert_eq!(
            b.kind_definition(v, "apps/v1", "Deployment"),
            Some("io.k8s.api.apps.v1.Deployment")
        );
    }
    assert_eq!(
        b.kind_definition("1.37", "v1", "Pod"),
        Some("io.k8s.api.core.v1.Pod")
    );
    assert_eq!(b.kind_definition("1.99", "v1", "Pod"), None);
}

/// Checked against the data: batch/v1beta1 CronJob and PodSecurityPolicy were removed *in*
/// 1.25, so no bundled version serves them; later removals show up as version ranges.
#[test]
fn removed_apis() {
    let b = bundle();
    assert!(b.versions_with_kind("batch/v1beta1", "CronJob").is_empty());
    assert!(b
        .versions_with_kind("policy/v1beta1", "PodSecurityPolicy")
        .is_empty());
    assert_eq!(b.versions_with_kind("batch/v1", "CronJob").len(), 13);
    assert_eq!(
        b.versions_with_kind("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
        ["1.25"]
    );
    assert_eq!(
        b.versions_with_kind("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"),
        ["1.26", "1.27", "1.28", "1.29", "1.30", "1.31"]
    );
    assert_eq!(
        b.versions_with_kind("resource.k8s.io/v1", "ResourceClaim"),
        ["1.34", "1.35", "1.36", "1.37"]
    );
    let k137 = b.kinds("1.37");
    assert!(k137.contains(&("autoscaling/v2", "HorizontalPodAutoscaler")));
    assert!(!k137.contains(&("autoscaling/v2beta2", "HorizontalPodAutoscaler")));
    assert!(b.kinds("1.24").is_empty());
}

#[test]
fn definitions_document_and_strictness() {
    let b = bundle();
    let loose = b.kubernetes_definitions("1.37", false);
    let strict = b.kubernetes_definitions("1.37", true);
    assert!(
        Arc::ptr_eq(&strict, &b.kubernetes_definitions("1.37", true)),
        "cached"
    );
    assert_eq!(loose["$schema"], DRAFT_2020_12);
    let container = "io.k8s.api.core.v1.Container";
    assert!(loose["$defs"][container]
        .get("additionalProperties")
        .is_none());
    assert_eq!(strict["$defs"][container]["additionalProperties"], false);
    // Free-form maps keep their own additionalProperties.
    let labels =
        &strict["$defs"]["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["labels"];
    assert_eq!(
        labels["additionalProperties"]["type"],
        json!(["string", "null"])
    );
    // Every reference is local and resolves.
    let mut refs = Vec::new();
    collect_refs(&strict, &mut refs);
    assert!(refs.len() > 500);
    for r in refs {
        let name = r
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("non-local $ref {r}"));
        assert!(strict["$defs"].get(name).is_some(), "dangling {r}");
    }
    assert!(b.try_kubernetes_definitions("1.24", false).is_none());
}

#[test]
fn bundled_crds() {
    let b = bundle();
    let kinds = b.crd_kinds();
    for want in [
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"),
        ("source.toolkit.fluxcd.io/v1", "GitRepository"),
        ("source.toolkit.fluxcd.io/v1", "OCIRepository"),
        ("helm.toolkit.fluxcd.io/v2", "HelmRelease"),
        ("argoproj.io/v1alpha1", "Application"),
        ("argoproj.io/v1alpha1", "ApplicationSet"),
        ("argoproj.io/v1alpha1", "AppProject"),
        ("argoproj.io/v1alpha1", "Rollout"),
        ("flagger.app/v1beta1", "Canary"),
        ("bitnami.com/v1alpha1", "SealedSecret"),
        ("external-secrets.io/v1", "ExternalSecret"),
        ("cert-manager.io/v1", "Certificate"),
        ("acme.cert-manager.io/v1", "Challenge"),
    ] {
        assert!(kinds.contains(&want), "{want:?} not bundled");
    }
    let k = b
        .crd("kustomize.toolkit.fluxcd.io/v1", "Kustomization", false)
        .expect("Flux Kustomization");
    assert!(k.source.starts_with("kcr_kustomize_toolkit_fluxcd_io "));
    assert!(!k.approximate && k.namespaced);
    assert!(k
        .lost
        .iter()
        .any(|l| l.contains("x-kubernetes-validations")));
    let spec = &k.schema["properties"]["spec"];
    assert_eq!(spec["required"], json!(["interval", "prune", "sourceRef"]));
    assert_eq!(
        spec["properties"]["decryption"]["properties"]["provider"]["enum"],
        json!(["sops"])
    );
    let app = b
        .crd("argoproj.io/v1alpha1", "Application", true)
        .expect("Argo CD Application");
    assert!(!app.lost.is_empty() && !app.approximate);
    // `operation` is a top-level field kube-derive cannot carry; recovered from kopium's struct.
    assert!(app.schema["properties"].get("operation").is_some());
    let rollout = b
        .crd("argoproj.io/v1alpha1", "Rollout", false)
        .expect("Rollout");
    assert!(rollout.approximate);
    assert!(b.crd("argoproj.io/v1alpha1", "Nope", false).is_none());
    for (api_version, kind) in kinds {
        let crd = b.crd(api_version, kind, false).expect("listed CRD");
        let mut refs = Vec::new();
        collect_refs(&crd.schema, &mut refs);
        assert!(
            refs.iter().all(|r| r.starts_with("#/")),
            "{api_version}/{kind}: {refs:?}"
        );
        assert_eq!(
            crd.schema["properties"]["apiVersion"]["enum"],
            json!([api_version])
        );
    }
}

#[test]
fn strict_transform() {
    let mut s = json!({
        "type": "object",
        "properties": {
            "closed": {"type": "object", "properties": {"a": {"type": "string"}}},
            "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                     "properties": {"inner": {"properties": {"b": {}}}}},
            "map": {"type": "object", "additionalProperties": {"properties": {"c": {}}}},
            "free": {"type": "object"},
            "empty": {"type": "object", "properties": {}},
            "stated": {"properties": {"d": {}}, "additionalProperties": true},
            "embedded": {"x-kubernetes-embedded-resource": true, "properties": {"kind": {}}},
            "union": {"properties": {"e": {}}, "oneOf": [{"properties": {"f": {}}}]},
            "list": {"type": "array", "items": {"properties": {"g": {}}}},
            // A property named like a keyword is data, not a schema position.
            "properties": {"properties": {"h": {}}}
        },
        "$defs": {"D": {"properties": {"i": {}}}}
    });
    apply_strict(&mut s);
    let p = &s["properties"];
    assert_eq!(s["additionalProperties"], false);
    assert_eq!(p["closed"]["additionalProperties"], false);
    assert!(p["open"].get("additionalProperties").is_none());
    assert_eq!(
        p["open"]["properties"]["inner"]["additionalProperties"],
        false
    );
    assert_eq!(
        p["map"]["additionalProperties"]["additionalProperties"],
        false
    );
    assert!(p["free"].get("additionalProperties").is_none());
    assert!(p["empty"].get("additionalProperties").is_none());
    assert_eq!(p["stated"]["additionalProperties"], true);
    assert!(p["embedded"].get("additionalProperties").is_none());
    assert!(p["union"].get("additionalProperties").is_none());
    assert_eq!(p["union"]["oneOf"][0]["additionalProperties"], false);
    assert_eq!(p["list"]["items"]["additionalProperties"], false);
    assert_eq!(p["properties"]["additionalProperties"], false);
    assert_eq!(s["$defs"]["D"]["additionalProperties"], false);
}

// -- the bundle compiles and validates with jsonschema (the validate stage's engine) ----------

const DEFS_URI: &str = "https://gitgate.invalid/kubernetes/_definitions.json";

fn k8s_validator(
    version: &str,
    api_version: &str,
    kind: &str,
    strict: bool,
) -> jsonschema::Validator {
    let b = bundle();
    let name = b.kind_definition(version, api_version, kind).expect("kind");
    let registry = jsonschema::Registry::new()
        .add(DEFS_URI, b.kubernetes_definitions(version, strict))
        .expect("add")
        .prepare()
        .expect("prepare");
    jsonschema::options()
        .with_registry(&registry)
        .build(&json!({"$ref": format!("{DEFS_URI}#/$defs/{name}")}))
        .unwrap_or_else(|e| panic!("{version} {name}: {e}"))
}

fn crd_validator(api_version: &str, kind: &str, strict: bool) -> jsonschema::Validator {
    let crd = bundle().crd(api_version, kind, strict).expect("CRD");
    jsonschema::validator_for(&crd.schema).unwrap_or_else(|e| panic!("{api_version}/{kind}: {e}"))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path().as_str()))
        .collect()
}

fn deployment(container: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [container]}
            }
        }
    })
}

#[test]
fn deployment_validates_strict_and_loose() {
    let strict = k8s_validator("1.37", "apps/v1", "Deployment", true);
    let loose = k8s_validator("1.37", "apps/v1", "Deployment", false);
    let good =
        deployment(json!({"name": "web", "image": "nginx:1.27", "imagePullPolicy": "Always"}));
    assert_eq!(errors(&strict, &good), Vec::<String>::new());
    let typo =
        deployment(json!({"name": "web", "image": "nginx:1.27", "imagePullPolcy": "Always"}));
    let errs = errors(&strict, &typo);
    assert!(
        errs.len() == 1
            && errs[0].contains("imagePullPolcy")
            && errs[0].starts_with("/spec/template/spec/containers/0"),
        "{errs:?}"
    );
    assert!(loose.is_valid(&typo));
    let mut wrong_type = good.clone();
    wrong_type["spec"]["replicas"] = json!("two");
    assert!(!loose.is_valid(&wrong_type));
}

/// Every version's definitions compile, strict and not.
#[test]
fn every_kubernetes_version_compiles() {
    for v in bundle().kubernetes_versions() {
        for strict in [false, true] {
            let validator = k8s_validator(v, "v1", "Pod", strict);
            let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                             "spec": {"containers": [{"name": "c", "image": "busybox"}]}});
            assert_eq!(
                errors(&validator, &pod),
                Vec::<String>::new(),
                "{v} strict={strict}"
            );
        }
    }
}

#[test]
fn flux_kustomization_validates() {
    let v = crd_validator("kustomize.toolkit.fluxcd.io/v1", "Kustomization", true);
    let good = json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": "apps", "namespace": "flux-system"},
        "spec": {"interval": "10m", "path": "./apps", "prune": true,
                 "sourceRef": {"kind": "GitRepository", "name": "flux-system"},
                 "decryption": {"provider": "sops", "secretRef": {"name": "sops-age"}}}
    });
    assert_eq!(errors(&v, &good), Vec::<String>::new());
    let mut missing = good.clone();
    missing["spec"]
        .as_object_mut()
        .expect("spec")
        .remove("sourceRef");
    let errs = errors(&v, &missing);
    assert!(errs.len() == 1 && errs[0].contains("sourceRef"), "{errs:?}");
    let mut bad_enum = good.clone();
    bad_enum["spec"]["decryption"]["provider"] = json!("vault");
    assert!(!v.is_valid(&bad_enum));
    let mut typo = good.clone();
    typo["spec"]["prun"] = json!(true);
    assert!(!v.is_valid(&typo));
    assert!(
        crd_validator("kustomize.toolkit.fluxcd.io/v1", "Kustomization", false).is_valid(&typo)
    );
}

#[test]
fn argo_application_validates() {
    let v = crd_validator("argoproj.io/v1alpha1", "Application", true);
    let good = json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": "guestbook", "namespace": "argocd",
                     "finalizers": ["resources-finalizer.argocd.argoproj.io"]},
        "spec": {
            "project": "default",
            "source": {"repoURL": "https://github.com/argoproj/argocd-example-apps.git",
                       "targetRevision": "HEAD", "path": "guestbook",
                       "helm": {"valuesObject": {"replicaCount": 2, "any": {"thing": [1]}}}},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "guestbook"},
            "syncPolicy": {"automated": {"prune": true, "selfHeal": true},
                           "syncOptions": ["CreateNamespace=true"]}
        }
    });
    assert_eq!(errors(&v, &good), Vec::<String>::new());
    let mut typo = good.clone();
    typo["spec"]["syncPolicy"]["automated"]["selfHeel"] = json!(true);
    let errs = errors(&v, &typo);
    assert!(errs.len() == 1 && errs[0].contains("selfHeel"), "{errs:?}");
    let mut missing = good.clone();
    missing["spec"]
        .as_object_mut()
        .expect("spec")
        .remove("destination");
    assert!(!v.is_valid(&missing));
}

/// Every bundled CRD compiles (the compiler checks schemas against the meta-schema).
#[test]
fn every_crd_compiles() {
    for (api_version, kind) in bundle().crd_kinds() {
        for strict in [false, true] {
            crd_validator(api_version, kind, strict);
        }
    }
}

/// Timings for the report: `cargo test --release --lib schemas::tests::measure -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn measure() {
    let t = Instant::now();
    let b = Bundle::decode(BUNDLE_ZST);
    let decoded = t.elapsed();
    let t = Instant::now();
    let defs = b.kubernetes_definitions("1.37", true);
    let built = t.elapsed();
    let t = Instant::now();
    let _ = b.crd("argoproj.io/v1alpha1", "ApplicationSet", true);
    let crd = t.elapsed();
    println!(
        "bundle: {} bytes compressed; decode+index {decoded:?}; 1.37 strict definitions ({} defs) {built:?}; ApplicationSet strict {crd:?}",
        BUNDLE_ZST.len(),
        defs["$defs"].as_object().map_or(0, |m| m.len()),
    );
    let t = Instant::now();
    let bytes = zstd::stream::decode_all(BUNDLE_ZST).expect("zstd");
    println!(
        "zstd alone: {} bytes uncompressed in {:?}",
        bytes.len(),
        t.elapsed()
    );
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, sub) in m {
                match (k.as_str(), sub) {
                    // `properties` maps names to schemas; a property may be called "$ref".
                    ("properties", Value::Object(props)) => {
                        props.values().for_each(|s| collect_refs(s, out))
                    }
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(sub, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|s| collect_refs(s, out)),
        _ => {}
    }
}
