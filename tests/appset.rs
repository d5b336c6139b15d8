//! ApplicationSet expansion (`gitops::appset`) against the Argo CD documentation's examples.
//! Expected Applications are written by hand from the docs (Generators-List, Generators-Git,
//! Generators-Cluster, Generators-Matrix, Generators-Merge, GoTemplate).

use std::path::{Path, PathBuf};

use gitgate::gitops::appset::{expand, glob_match, Expansion, MAX_APPLICATIONS, SOURCE_ANNOTATION};
use serde_json::{json, Value};

const ARGO: &str = "https://github.com/argoproj/argo-cd.git";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/appset/repo")
}

fn appset(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
           "metadata": {"name": name, "namespace": "argocd"}, "spec": spec})
}

fn run(a: &Value) -> Expansion {
    expand(a, &repo(), &[], &[]).unwrap_or_else(|e| panic!("expand failed: {e}"))
}

fn err(a: &Value) -> String {
    match expand(a, &repo(), &[], &[]) {
        Ok(x) => panic!("expected an error, got {:?}", x.applications),
        Err(e) => e,
    }
}

/// An Application as the controller would generate it.
fn app(appset: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
           "metadata": {"name": name, "namespace": "argocd", "annotations": {SOURCE_ANNOTATION: appset}},
           "spec": spec})
}

fn names(x: &Expansion) -> Vec<&str> {
    x.applications
        .iter()
        .map(|a| a["metadata"]["name"].as_str().unwrap())
        .collect()
}

fn secret(name: &str, server: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Secret",
           "metadata": {"name": format!("{name}-secret"), "namespace": "argocd", "labels": labels},
           "type": "Opaque", "stringData": {"name": name, "server": server}})
}

#[test]
fn list_generator_fasttemplate() {
    // Generators-List.md: the guestbook example.
    let a = appset(
        "guestbook",
        json!({
            "generators": [{"list": {"elements": [
                {"cluster": "engineering-dev", "url": "https://1.2.3.4"},
                {"cluster": "engineering-prod", "url": "https://2.4.6.8"}]}}],
            "template": {
                "metadata": {"name": "{{cluster}}-guestbook"},
                "spec": {"project": "my-project",
                         "source": {"repoURL": ARGO, "targetRevision": "HEAD",
                                    "path": "applicationset/examples/list-generator/guestbook/{{cluster}}"},
                         "destination": {"server": "{{url}}", "namespace": "guestbook"}}}}),
    );
    let x = run(&a);
    let want: Vec<Value> = [
        ("engineering-dev", "https://1.2.3.4"),
        ("engineering-prod", "https://2.4.6.8"),
    ]
    .iter()
    .map(|(c, u)| {
        app(
            "guestbook",
            &format!("{c}-guestbook"),
            json!({
                "project": "my-project",
                "source": {"repoURL": ARGO, "targetRevision": "HEAD",
                           "path": format!("applicationset/examples/list-generator/guestbook/{c}")},
                "destination": {"server": u, "namespace": "guestbook"}}),
        )
    })
    .collect();
    assert_eq!(x.applications, want);
    assert!(x.notes.is_empty());
}

#[test]
fn list_values_unknown_tags_and_elements_yaml() {
    // `values` become `values.<key>`; an unknown `{{tag}}` stays as it is (fasttemplate).
    let a = appset(
        "vals",
        json!({
            "generators": [{"list": {"elements": [
                {"cluster": "dev", "values": {"revision": "main"}}]}}],
            "template": {"metadata": {"name": "{{ cluster }}-{{values.revision}}",
                                      "labels": {"{{cluster}}": "{{nope}}"}},
                         "spec": {"project": "default"}}}),
    );
    let x = run(&a);
    assert_eq!(x.applications[0]["metadata"]["name"], "dev-main");
    assert_eq!(
        x.applications[0]["metadata"]["labels"],
        json!({"dev": "{{nope}}"})
    );

    // elementsYaml with goTemplate: values keep their types.
    let a = appset(
        "yaml",
        json!({
            "goTemplate": true,
            "generators": [{"list": {"elementsYaml": "- name: a\n  replicas: 2\n- name: b\n  replicas: 3\n"}}],
            "template": {"metadata": {"name": "{{.name}}"},
                         "spec": {"source": {"helm": {"parameters": [{"name": "replicas", "value": "{{.replicas}}"}]}}}}}),
    );
    let x = run(&a);
    assert_eq!(names(&x), ["a", "b"]);
    assert_eq!(
        x.applications[1]["spec"]["source"]["helm"]["parameters"][0]["value"],
        "3"
    );

    // Without goTemplate a non-string element value is an error naming the field.
    let a = appset(
        "bad",
        json!({"generators": [{"list": {"elements": [{"n": 1}]}}],
               "template": {"metadata": {"name": "x"}, "spec": {}}}),
    );
    assert!(
        err(&a).contains("spec.generators[0].list.elements[0].n"),
        "{}",
        err(&a)
    );
}

#[test]
fn git_directories_with_exclude_go_template() {
    // Generators-Git.md, "Exclude directories" (with the goTemplate form of the template).
    let a = appset(
        "cluster-addons",
        json!({
            "goTemplate": true,
            "goTemplateOptions": ["missingkey=error"],
            "generators": [{"git": {"repoURL": ARGO, "revision": "HEAD", "directories": [
                {"path": "applicationset/examples/git-generator-directory/excludes/cluster-addons/*"},
                {"path": "applicationset/examples/git-generator-directory/excludes/cluster-addons/exclude-helm-guestbook",
                 "exclude": true}]}}],
            "template": {
                "metadata": {"name": "{{.path.basename}}"},
                "spec": {"project": "my-project",
                         "source": {"repoURL": ARGO, "targetRevision": "HEAD", "path": "{{.path.path}}"},
                         "destination": {"server": "https://kubernetes.default.svc",
                                         "namespace": "{{.path.basename}}"}}}}),
    );
    let x = run(&a);
    let base = "applicationset/examples/git-generator-directory/excludes/cluster-addons";
    let want: Vec<Value> = ["argo-workflows", "prometheus-operator"]
        .iter()
        .map(|d| {
            app("cluster-addons", d, json!({
                "project": "my-project",
                "source": {"repoURL": ARGO, "targetRevision": "HEAD", "path": format!("{base}/{d}")},
                "destination": {"server": "https://kubernetes.default.svc", "namespace": d}}))
        })
        .collect();
    assert_eq!(x.applications, want);
}

#[test]
fn git_directories_fasttemplate_params() {
    // `*` does not cross `/` (path.Match): only the directories one level below.
    let a = appset(
        "dirs",
        json!({
            "generators": [{"git": {"repoURL": "git@github.com:argoproj/argo-cd", "revision": "HEAD",
                "directories": [{"path": "applicationset/examples/git-generator-directory/*"}]}}],
            "template": {"metadata": {"name": "{{path.basenameNormalized}}"},
                         "spec": {"source": {"path": "{{path}}"},
                                  "info": ["{{path[0]}}", "{{path[2]}}", "{{path.basename}}"]}}}),
    );
    // This repository named by URL: the scp-like form normalises to the same.
    let x = expand(
        &a,
        &repo(),
        &["https://github.com/argoproj/argo-cd.git".into()],
        &[],
    )
    .unwrap();
    assert_eq!(names(&x), ["cluster-addons", "excludes"]);
    assert_eq!(
        x.applications[0]["spec"],
        json!({"source": {"path": "applicationset/examples/git-generator-directory/cluster-addons"},
               "info": ["applicationset", "git-generator-directory", "cluster-addons"]})
    );

    // Another repository: a note, no Applications.
    let x = expand(
        &a,
        &repo(),
        &["https://github.com/example/other".into()],
        &[],
    )
    .unwrap();
    assert!(x.applications.is_empty());
    assert_eq!(x.notes.len(), 1);
    assert!(
        x.notes[0].contains("git@github.com:argoproj/argo-cd"),
        "{:?}",
        x.notes
    );
}

#[test]
fn git_files_generator() {
    // Generators-Git.md, "Git Generator: Files".
    let a = appset(
        "guestbook",
        json!({
            "generators": [{"git": {"repoURL": ARGO, "revision": "HEAD", "files": [
                {"path": "applicationset/examples/git-generator-files-discovery/cluster-config/**/config.json"}]}}],
            "template": {
                "metadata": {"name": "{{cluster.name}}-guestbook"},
                "spec": {"project": "default",
                         "source": {"repoURL": ARGO, "targetRevision": "HEAD",
                                    "path": "applicationset/examples/git-generator-files-discovery/apps/guestbook"},
                         "destination": {"server": "{{cluster.address}}", "namespace": "guestbook"},
                         "info": "{{aws_account}} {{path}} {{path.basename}} {{path.filename}} {{path[3]}}"}}}),
    );
    let x = run(&a);
    let want: Vec<Value> = [("dev", "https://1.2.3.4"), ("prod", "https://2.4.6.8")]
        .iter()
        .map(|(env, addr)| {
            app("guestbook", &format!("engineering-{env}-guestbook"), json!({
                "project": "default",
                "source": {"repoURL": ARGO, "targetRevision": "HEAD",
                           "path": "applicationset/examples/git-generator-files-discovery/apps/guestbook"},
                "destination": {"server": addr, "namespace": "guestbook"},
                "info": format!("123456 applicationset/examples/git-generator-files-discovery/cluster-config/engineering/{env} {env} config.json cluster-config")}))
        })
        .collect();
    assert_eq!(x.applications, want);
}

#[test]
fn git_files_yaml_list_go_template() {
    // A YAML file holding a list gives one parameter set per element; goTemplate keeps
    // nested values and `.path.segments`.
    let a = appset(
        "teams",
        json!({
            "goTemplate": true,
            "generators": [{"git": {"repoURL": ARGO, "revision": "HEAD", "files": [{"path": "teams/*.yaml"}]}}],
            "template": {"metadata": {"name": "{{ .team | normalize }}"},
                         "spec": {"info": "{{ index .path.segments 0 }}/{{ .path.filename }}:{{ .replicas }}:{{ join \",\" .tags }}"}}}),
    );
    let x = run(&a);
    assert_eq!(names(&x), ["blue-team", "red"]);
    assert_eq!(
        x.applications[0]["spec"]["info"],
        "teams/teams.yaml:2:web,api"
    );
    assert_eq!(x.applications[1]["spec"]["info"], "teams/teams.yaml:1:");

    // Without goTemplate the nested values are flattened to dotted keys.
    let a = appset(
        "teams",
        json!({
            "generators": [{"git": {"repoURL": ARGO, "revision": "HEAD", "files": [{"path": "teams/*.yaml"}]}}],
            "template": {"metadata": {"name": "{{team}}"}, "spec": {"info": "{{tags.1}}-{{replicas}}"}}}),
    );
    let x = run(&a);
    assert_eq!(x.applications[0]["spec"]["info"], "api-2");
}

#[test]
fn clusters_generator_with_selector() {
    // Generators-Cluster.md: label selector; the local cluster is only added without one.
    let secrets = vec![
        secret(
            "staging",
            "https://1.2.3.4",
            json!({"argocd.argoproj.io/secret-type": "cluster", "environment": "staging"}),
        ),
        secret(
            "production",
            "https://2.4.6.8",
            json!({"argocd.argoproj.io/secret-type": "cluster", "environment": "production"}),
        ),
    ];
    let tmpl = json!({"metadata": {"name": "{{name}}-guestbook"},
                      "spec": {"project": "my-project",
                               "destination": {"server": "{{server}}", "namespace": "guestbook"},
                               "info": "{{metadata.labels.environment}}"}});
    let a = appset(
        "guestbook",
        json!({
        "generators": [{"clusters": {"selector": {"matchLabels": {"environment": "staging"}}}}],
        "template": tmpl}),
    );
    let x = expand(&a, &repo(), &[], &secrets).unwrap();
    assert_eq!(
        x.applications,
        vec![app(
            "guestbook",
            "staging-guestbook",
            json!({
            "project": "my-project",
            "destination": {"server": "https://1.2.3.4", "namespace": "guestbook"},
            "info": "staging"})
        )]
    );

    let a = appset(
        "guestbook",
        json!({
        "generators": [{"clusters": {"selector": {"matchExpressions": [
            {"key": "environment", "operator": "In", "values": ["staging", "production"]}]}}}],
        "template": tmpl}),
    );
    let x = expand(&a, &repo(), &[], &secrets).unwrap();
    assert_eq!(names(&x), ["staging-guestbook", "production-guestbook"]);

    // An empty selector selects every cluster, the local one too; a Secret's `data` is base64.
    let mut b64 = secret("x", "y", json!({}));
    b64["stringData"] = Value::Null;
    b64["data"] = json!({"name": "ZGV2", "server": "aHR0cHM6Ly85LjkuOS45"}); // dev, https://9.9.9.9
    let a = appset(
        "guestbook",
        json!({"generators": [{"clusters": {"selector": {}}}], "template": tmpl}),
    );
    let x = expand(&a, &repo(), &[], &[b64]).unwrap();
    assert_eq!(names(&x), ["in-cluster-guestbook", "dev-guestbook"]);
    assert_eq!(
        x.applications[0]["spec"]["destination"]["server"],
        "https://kubernetes.default.svc"
    );
    assert_eq!(
        x.applications[1]["spec"]["destination"]["server"],
        "https://9.9.9.9"
    );
    // An unset label stays a literal tag in fasttemplate.
    assert_eq!(
        x.applications[1]["spec"]["info"],
        "{{metadata.labels.environment}}"
    );

    // A bad selector operator names the field.
    let a = appset(
        "bad",
        json!({
        "generators": [{"clusters": {"selector": {"matchExpressions": [{"key": "a", "operator": "Near"}]}}}],
        "template": tmpl}),
    );
    let e = expand(&a, &repo(), &[], &secrets).unwrap_err();
    assert!(
        e.contains("spec.generators[0].clusters.selector.matchExpressions[0].operator"),
        "{e}"
    );
}

#[test]
fn matrix_git_directories_times_clusters() {
    // Generators-Matrix.md: git directories × clusters (goTemplate).
    let secrets = vec![
        secret(
            "staging",
            "https://1.2.3.4",
            json!({"argocd.argoproj.io/secret-type": "cluster"}),
        ),
        secret(
            "production",
            "https://2.4.6.8",
            json!({"argocd.argoproj.io/secret-type": "cluster"}),
        ),
    ];
    let a = appset(
        "cluster-git",
        json!({
        "goTemplate": true,
        "goTemplateOptions": ["missingkey=error"],
        "generators": [{"matrix": {"generators": [
            {"git": {"repoURL": ARGO, "revision": "HEAD", "directories": [
                {"path": "applicationset/examples/git-generator-directory/cluster-addons/*"}]}},
            {"clusters": {"selector": {"matchLabels": {"argocd.argoproj.io/secret-type": "cluster"}}}}]}}],
        "template": {"metadata": {"name": "{{.path.basename}}-{{.name}}"},
                     "spec": {"project": "default",
                              "source": {"repoURL": ARGO, "targetRevision": "HEAD", "path": "{{.path.path}}"},
                              "destination": {"server": "{{.server}}", "namespace": "{{.path.basename}}"}}}}),
    );
    let x = expand(&a, &repo(), &[], &secrets).unwrap();
    let mut want = Vec::new();
    for d in ["argo-workflows", "prometheus-operator"] {
        for (c, s) in [
            ("staging", "https://1.2.3.4"),
            ("production", "https://2.4.6.8"),
        ] {
            want.push(app("cluster-git", &format!("{d}-{c}"), json!({
                "project": "default",
                "source": {"repoURL": ARGO, "targetRevision": "HEAD",
                           "path": format!("applicationset/examples/git-generator-directory/cluster-addons/{d}")},
                "destination": {"server": s, "namespace": d}})));
        }
    }
    assert_eq!(x.applications, want);
}

#[test]
fn matrix_second_generator_uses_first_params() {
    // The second child is rendered with each of the first's parameter sets.
    let a = appset(
        "nested",
        json!({
        "generators": [{"matrix": {"generators": [
            {"list": {"elements": [{"dir": "applicationset/examples/git-generator-directory/excludes/cluster-addons"}]}},
            {"git": {"repoURL": ARGO, "revision": "HEAD", "directories": [{"path": "{{dir}}/*"}]}}]}}],
        "template": {"metadata": {"name": "{{path.basename}}"}, "spec": {"source": {"path": "{{path}}"}}}}),
    );
    let x = run(&a);
    assert_eq!(
        names(&x),
        [
            "argo-workflows",
            "exclude-helm-guestbook",
            "prometheus-operator"
        ]
    );

    // Without goTemplate, a parameter both children give with different values is an error;
    // with goTemplate the first child's value wins.
    let clash = |go: bool| {
        appset(
            "clash",
            json!({"goTemplate": go,
            "generators": [{"matrix": {"generators": [
                {"list": {"elements": [{"env": "a"}]}}, {"list": {"elements": [{"env": "b", "x": "y"}]}}]}}],
            "template": {"metadata": {"name": "n"}, "spec": {"info": "{{.env}}{{.x}}"}}}),
        )
    };
    assert!(
        err(&clash(false)).contains("\"env\""),
        "{}",
        err(&clash(false))
    );
    assert_eq!(run(&clash(true)).applications[0]["spec"]["info"], "ay");

    // A matrix takes exactly two generators.
    let a = appset(
        "three",
        json!({
        "generators": [{"matrix": {"generators": [{"list": {"elements": []}}, {"list": {"elements": []}}, {"list": {"elements": []}}]}}],
        "template": {"metadata": {"name": "x"}, "spec": {}}}),
    );
    assert!(
        err(&a).contains("spec.generators[0].matrix.generators"),
        "{}",
        err(&a)
    );
}

#[test]
fn merge_generator() {
    // Generators-Merge.md: base clusters + override clusters with a selector + a list.
    let secrets = vec![
        secret(
            "staging",
            "https://1.2.3.4",
            json!({"environment": "staging", "use-kafka": "false"}),
        ),
        secret(
            "production",
            "https://2.4.6.8",
            json!({"environment": "production"}),
        ),
    ];
    let a = appset(
        "cluster-git",
        json!({
        "generators": [{"merge": {"mergeKeys": ["server"], "generators": [
            {"clusters": {"values": {"kafka": "true", "redis": "false"}}},
            {"clusters": {"selector": {"matchLabels": {"use-kafka": "false"}}, "values": {"kafka": "false"}}},
            {"list": {"elements": [{"server": "https://2.4.6.8", "values.redis": "true"}]}}]}}],
        "template": {"metadata": {"name": "{{name}}"},
                     "spec": {"project": "{{metadata.labels.environment}}",
                              "source": {"helm": {"parameters": [
                                  {"name": "kafka", "value": "{{values.kafka}}"},
                                  {"name": "redis", "value": "{{values.redis}}"}]}}}}}),
    );
    let x = expand(&a, &repo(), &[], &secrets).unwrap();
    let params =
        |k: &str, r: &str| json!([{"name": "kafka", "value": k}, {"name": "redis", "value": r}]);
    assert_eq!(names(&x), ["in-cluster", "staging", "production"]);
    assert_eq!(x.applications[1]["spec"]["project"], "staging");
    assert_eq!(
        x.applications[1]["spec"]["source"]["helm"]["parameters"],
        params("false", "false")
    );
    assert_eq!(
        x.applications[2]["spec"]["source"]["helm"]["parameters"],
        params("true", "true")
    );
    assert_eq!(
        x.applications[0]["spec"]["source"]["helm"]["parameters"],
        params("true", "false")
    );

    // Duplicate merge keys in the base generator are an error.
    let a = appset(
        "dup",
        json!({
        "generators": [{"merge": {"mergeKeys": ["k"], "generators": [
            {"list": {"elements": [{"k": "a"}, {"k": "a"}]}}, {"list": {"elements": []}}]}}],
        "template": {"metadata": {"name": "x"}, "spec": {}}}),
    );
    assert!(err(&a).contains("not unique by mergeKeys"), "{}", err(&a));
}

#[test]
fn go_template_functions() {
    let a = appset(
        "fns",
        json!({
        "goTemplate": true,
        "generators": [{"list": {"elements": [
            {"name": "My_App", "env": "prod", "region": "eu-west-1", "long": "abcdefghij"},
            {"name": "other", "env": "dev", "region": ""}]}}],
        "template": {"metadata": {"name": "{{ .name | normalize }}", "namespace": "elsewhere",
                                  "labels": {"env": "{{ upper .env }}"}},
                     "spec": {
                         "a": "{{ .region | replace \"-\" \"_\" | lower }}",
                         "b": "{{ default \"us-east-1\" .region }}",
                         "c": "{{ .name | trunc 2 }}{{ trunc -2 \"xyz\" }}",
                         "d": "{{ quote .env }} {{ squote .env }}",
                         "e": "{{- if eq .env \"prod\" }} live {{- else if eq .env \"dev\" -}} test {{ else }}other{{ end -}}",
                         "f": "{{ .missing }}|{{ printf \"%s-%d\" .env 7 }}",
                         "g": "{{/* a comment */}}{{ if and .region (not (eq .env \"dev\")) }}yes{{ else }}no{{ end }}"}}}),
    );
    let x = run(&a);
    let s0 = &x.applications[0]["spec"];
    let s1 = &x.applications[1]["spec"];
    assert_eq!(names(&x), ["my-app", "other"]);
    // Applications are created in their ApplicationSet's namespace, whatever the template says.
    assert_eq!(x.applications[0]["metadata"]["namespace"], "argocd");
    assert_eq!(x.applications[0]["metadata"]["labels"]["env"], "PROD");
    assert_eq!(s0["a"], "eu_west_1");
    assert_eq!(s0["b"], "eu-west-1");
    assert_eq!(s1["b"], "us-east-1");
    assert_eq!(s0["c"], "Myyz");
    assert_eq!(s0["d"], "\"prod\" 'prod'");
    assert_eq!(s0["e"], " live"); // `{{-` trims only the text before it
    assert_eq!(s1["e"], "test ");
    assert_eq!(s0["f"], "<no value>|prod-7");
    assert_eq!(s0["g"], "yes");
    assert_eq!(s1["g"], "no");
}

#[test]
fn go_template_errors_name_template_and_construct() {
    let with = |tmpl: &str, opts: Value| {
        appset(
            "e",
            json!({"goTemplate": true, "goTemplateOptions": opts,
            "generators": [{"list": {"elements": [{"name": "a"}]}}],
            "template": {"metadata": {"name": "x"}, "spec": {"project": tmpl}}}),
        )
    };
    let e = err(&with("{{ .nope }}", json!(["missingkey=error"])));
    assert!(
        e.contains("spec.template.spec.project") && e.contains("\"nope\""),
        "{e}"
    );
    let e = err(&with("{{ .name | sha256sum }}", json!([])));
    assert!(
        e.contains("{{ .name | sha256sum }}") && e.contains("sha256sum"),
        "{e}"
    );
    let e = err(&with("{{ range .items }}x{{ end }}", json!([])));
    assert!(e.contains("range"), "{e}");
    let e = err(&with("{{ $x := .name }}", json!([])));
    assert!(e.contains("variable"), "{e}");
    let e = err(&with("{{ if .name }}open", json!([])));
    assert!(e.contains("{{if}} without {{end}}"), "{e}");
    let e = err(&with("{{ .name", json!([])));
    assert!(e.contains("unclosed action"), "{e}");
    let e = err(&with("{{ .name.first }}", json!([])));
    assert!(e.contains("can't evaluate field first"), "{e}");
    let e = err(&with("{{ index .name 1 }}", json!([])));
    assert!(e.contains("cannot index string"), "{e}");
    let e = err(&with("x", json!(["missingkey=bogus"])));
    assert!(e.contains("spec.goTemplateOptions"), "{e}");
    // Deep nesting is refused, not a stack overflow.
    let deep = format!("{{{{ {}.name{} }}}}", "(".repeat(500), ")".repeat(500));
    assert!(err(&with(&deep, json!([]))).contains("nested too deeply"));
}

#[test]
fn template_patch_and_generator_template() {
    let a = appset(
        "patched",
        json!({
        "goTemplate": true,
        "generators": [{"list": {"elements": [{"name": "a", "auto": true}, {"name": "b", "auto": false}],
                                 "template": {"metadata": {}, "spec": {"project": "override"}}}}],
        "template": {"metadata": {"name": "{{.name}}"},
                     "spec": {"project": "default", "destination": {"namespace": "ns"}}},
        "templatePatch": "{{- if .auto }}\nspec:\n  syncPolicy:\n    automated:\n      prune: true\n{{- end }}\n"}),
    );
    let x = run(&a);
    assert_eq!(
        x.applications[0]["spec"],
        json!({
        "project": "override", "destination": {"namespace": "ns"},
        "syncPolicy": {"automated": {"prune": true}}})
    );
    assert_eq!(
        x.applications[1]["spec"],
        json!({"project": "override", "destination": {"namespace": "ns"}})
    );
}

#[test]
fn unsupported_generators_are_notes() {
    let a = appset(
        "prs",
        json!({
        "generators": [
            {"pullRequest": {"github": {"owner": "o", "repo": "r"}}},
            {"scmProvider": {"github": {"organization": "o"}}},
            {"list": {"elements": [{"n": "kept"}]}}],
        "template": {"metadata": {"name": "{{n}}"}, "spec": {}}}),
    );
    let x = run(&a);
    assert_eq!(names(&x), ["kept"]);
    assert_eq!(x.notes.len(), 2);
    assert!(
        x.notes[0].contains("pullRequest") && x.notes[1].contains("scmProvider"),
        "{:?}",
        x.notes
    );
}

#[test]
fn malformed_input_is_an_error_naming_the_field() {
    let t = json!({"metadata": {"name": "x"}, "spec": {}});
    let cases = [
        (
            json!({"generators": [{"git": {"repoURL": ARGO, "directories": [{"path": "apps/[a-"}]}}], "template": t}),
            "spec.generators[0].git.directories[0].path",
        ),
        (
            json!({"generators": [{"bogus": {}}], "template": t}),
            "unknown generator \"bogus\"",
        ),
        (
            json!({"generators": [{"list": {}, "git": {}}], "template": t}),
            "exactly one generator",
        ),
        (
            json!({"generators": [{"git": {"repoURL": ARGO}}], "template": t}),
            "spec.generators[0].git",
        ),
        (
            json!({"generators": "nope", "template": t}),
            "spec.generators",
        ),
        (json!({"generators": []}), "spec.template"),
        (
            json!({"generators": [{"list": {"elements": [{"a": "b"}]}}],
                "template": {"metadata": {"name": "{{a"}, "spec": {}}}),
            "spec.template.metadata.name",
        ),
        (
            json!({"generators": [{"merge": {"generators": [{"list": {"elements": []}}]}}], "template": t}),
            "spec.generators[0].merge.mergeKeys",
        ),
    ];
    for (spec, want) in cases {
        let e = err(&appset("bad", spec));
        assert!(e.contains(want), "{want:?} not in {e:?}");
    }
}

#[test]
fn application_count_is_capped() {
    let many = |n: usize| Value::Array((0..n).map(|i| json!({"i": i.to_string()})).collect());
    let a = appset(
        "huge",
        json!({
        "generators": [{"matrix": {"generators": [
            {"list": {"elements": many(200)}},
            {"list": {"elements": many(100).as_array().unwrap().iter()
                .map(|e| json!({"j": e["i"]})).collect::<Vec<_>>()}}]}}],
        "template": {"metadata": {"name": "{{i}}-{{j}}"}, "spec": {}}}),
    );
    let e = err(&a);
    assert!(e.contains(&MAX_APPLICATIONS.to_string()), "{e}");
}

#[test]
fn path_match_semantics() {
    // Go's path.Match: `*` and `?` stop at `/`, classes with `^` and ranges, `\` escapes.
    assert!(glob_match("apps/*", "apps/web", true).unwrap());
    assert!(!glob_match("apps/*", "apps/web/base", true).unwrap());
    assert!(glob_match("apps/*/base", "apps/web/base", true).unwrap());
    assert!(glob_match("apps/?eb", "apps/web", true).unwrap());
    assert!(glob_match("apps/[a-w]eb", "apps/web", true).unwrap());
    assert!(!glob_match("apps/[^w]eb", "apps/web", true).unwrap());
    assert!(glob_match("apps/\\*", "apps/*", true).unwrap());
    assert!(!glob_match("apps/\\*", "apps/x", true).unwrap());
    // The files generator's default globbing: `*` crosses `/`.
    assert!(glob_match("apps/*.yaml", "apps/a/b.yaml", false).unwrap());
    assert!(glob_match("[", "x", true).is_err());
    assert!(glob_match("a\\", "a", true).is_err());
}
