//! `gitgate check` end to end: findings, locations, exit codes, walking and configuration.

mod common;

use common::*;

#[test]
fn clean_repository_exits_zero() {
    let (code, report) = check_json(&fixture("clean"), &[]);
    assert_eq!(code, 0);
    assert_eq!(findings(&report), vec![]);
    assert_eq!(report["summary"]["files"], 5);
    assert_eq!(report["summary"]["documents"], 7);
    let kinds = kinds(&report);
    assert!(kinds.contains(&(".github/workflows/ci.yaml".into(), "non-kubernetes".into())));
    assert!(kinds.contains(&(
        "apps/base/web/kustomization.yaml".into(),
        "kustomization".into()
    )));
    assert!(kinds.contains(&("clusters/prod/sync.yaml".into(), "manifest".into())));

    let d = fixture("clean");
    let r = run(&["check", d.to_str().unwrap(), "--root", d.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("gitgate: checked 5 files (7 documents)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.trim_end().ends_with("no findings"), "{}", r.stdout);
}

#[test]
fn planted_mistakes_are_found_at_their_lines() {
    let (code, report) = check_json(&fixture("mistakes"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        expect(&[
            // ConfigMap data must be strings: 0700 and 1.10 are numbers.
            ("SCHEMA001", "apps/config.yaml", 6, 10),
            ("YAML004", "apps/config.yaml", 6, 10),
            ("SCHEMA001", "apps/config.yaml", 7, 16),
            ("YAML005", "apps/config.yaml", 7, 16),
            ("YAML001", "apps/config.yaml", 14, 9),
            ("YAML002", "apps/deployment.yaml", 9, 3),
            // An env value must be a string; `yes` is a boolean.
            ("SCHEMA001", "apps/deployment.yaml", 19, 22),
            ("YAML003", "apps/deployment.yaml", 19, 22),
            ("FILE008", "charts/demo/Chart.yaml", 1, 1),
            ("FILE007", "templates/ns.yaml.j2", 0, 0),
        ])
    );
    let kinds = kinds(&report);
    for (path, kind) in [
        ("charts/demo/templates/deployment.yaml", "helm-template"),
        ("charts/demo/values.yaml", "helm-values"),
        ("charts/demo/Chart.yaml", "helm-chart"),
        ("templates/ns.yaml.j2", "templated"),
        (".github/workflows/ci.yml", "non-kubernetes"),
    ] {
        assert!(
            kinds.contains(&(path.into(), kind.into())),
            "{path}: {kinds:?}"
        );
    }
    // The broken middle document did not hide the Service after it.
    assert_eq!(report["summary"]["documents"], 7);
    let dup = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "YAML002")
        .unwrap();
    assert_eq!(dup["related"][0]["location"]["start"]["line"], 6);
    assert_eq!(
        dup["related"][0]["message"],
        "`replicas` first defined here"
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {A: yes}\n",
    );
    let d = tmp.path().to_str().unwrap();
    // `yes` in ConfigMap data is also a schema error; this test is about a warning alone.
    let code = |extra: &[&str]| {
        let mut a = vec!["check", d, "--root", d, "--no-validate"];
        a.extend_from_slice(extra);
        run(&a).code
    };
    assert_eq!(code(&[]), 0, "a warning does not fail by default");
    assert_eq!(code(&["--fail-on", "warning"]), 1);
    assert_eq!(code(&["--fail-on", "note"]), 1);
    assert_eq!(code(&["--fail-on", "never"]), 0);
    write(tmp.path(), ".gitgate.yaml", "fail-on: warning\n");
    assert_eq!(code(&[]), 1, "config file sets fail-on");
    assert_eq!(code(&["--fail-on", "error"]), 0, "the command line wins");
}

#[test]
fn usage_and_config_errors_exit_two() {
    assert_eq!(run(&["check", "--no-such-flag"]).code, 2);
    assert_eq!(run(&["frobnicate"]).code, 2);
    let r = run(&["check", "/definitely/not/here"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("/definitely/not/here"), "{}", r.stderr);

    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        ".gitgate.yaml",
        "exclude: [vendor]\nlimits:\n  max-file-sise: 1MiB\n",
    );
    let d = tmp.path().to_str().unwrap();
    let r = run(&["check", d]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(".gitgate.yaml:3:3: unknown field `max-file-sise`"),
        "{}",
        r.stderr
    );
    write(tmp.path(), ".gitgate.yaml", "include: [a\n");
    let r = run(&["check", d]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(".gitgate.yaml:"), "{}", r.stderr);
    // Without the config, the broken file is just a YAML file of the repository: a finding.
    let r = run(&["check", d, "--no-config"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("error[YAML001]"), "{}", r.stdout);
    let r = run(&["check", d, "--no-config", "--exclude", "[unclosed"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("invalid exclude glob"), "{}", r.stderr);
}

#[test]
fn walk_honours_ignore_files_globs_and_config() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let bad = "a: [\n";
    write(t, ".gitignore", "*.scratch.yaml\nbuild/\n");
    write(t, ".gitgateignore", "legacy/\n");
    write(
        t,
        "apps/good.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    write(t, "apps/x.scratch.yaml", bad);
    write(t, "build/out.yaml", bad);
    write(t, "legacy/old.yaml", bad);
    write(t, "vendor/dep.yaml", bad);
    write(t, "apps/nested/.gitignore", "local.yaml\n");
    write(t, "apps/nested/local.yaml", bad);
    write(t, "docs/readme.md", "not yaml");
    write(t, ".gitgate.yaml", "exclude: [vendor]\n");
    let (code, report) = check_json(t, &[]);
    assert_eq!(findings(&report), vec![]);
    assert_eq!(code, 0);
    let paths: Vec<String> = kinds(&report).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, vec![".gitgate.yaml", "apps/good.yaml"]);

    // The command line replaces the config's list.
    let (code, report) = check_json(t, &["--exclude", "apps"]);
    assert_eq!(code, 1, "vendor/ is no longer excluded");
    assert_eq!(
        findings(&report),
        expect(&[("YAML001", "vendor/dep.yaml", 1, 4)])
    );

    let (_, report) = check_json(t, &["--include", "apps/*.yaml"]);
    let paths: Vec<String> = kinds(&report).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, vec!["apps/good.yaml"]);

    // An explicit file is checked even where a directory walk would skip it.
    let f = t.join("build/out.yaml");
    let r = run(&["check", f.to_str().unwrap(), "--root", t.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("--> build/out.yaml:1:4"), "{}", r.stdout);
}

#[test]
fn root_is_found_from_the_config_file() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    write(t, ".gitgate.yaml", "fail-on: warning\n");
    write(
        t,
        "apps/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {A: on}\n",
    );
    let sub = t.join("apps");
    let r = run(&[
        "check",
        sub.to_str().unwrap(),
        "--format",
        "json",
        "--no-validate",
    ]);
    assert_eq!(r.code, 1, "fail-on from the config found above the path");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(findings(&v), expect(&[("YAML003", "apps/cm.yaml", 4, 11)]));
}

#[test]
fn fingerprints_survive_unrelated_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let body = "kind: ConfigMap\nmetadata: {name: a}\ndata:\n  A: yes\n  B: yes\n  A: no\n";
    write(t, "cm.yaml", format!("apiVersion: v1\n{body}"));
    let (_, before) = check_json(t, &["--no-validate"]);
    write(
        t,
        "cm.yaml",
        format!("# a comment\n\napiVersion: v1\n{body}"),
    );
    let (_, after) = check_json(t, &["--no-validate"]);
    let fps = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let (a, b) = (fps(&before), fps(&after));
    assert_eq!(a.len(), 4);
    assert_eq!(
        a, b,
        "same findings, moved two lines down, same fingerprints"
    );
    let mut unique = a.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), a.len(), "fingerprints are distinct");
    assert_ne!(
        findings(&before),
        findings(&after),
        "but the lines did move"
    );
}

#[test]
fn rules_are_documented() {
    let r = run(&["rules", "--format", "json"]);
    assert_eq!(r.code, 0);
    let rules: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert!(rules.len() >= 17);
    for rule in &rules {
        let doc = rule["documentation"].as_str().unwrap();
        for section in ["## What it does", "## Why is this bad"] {
            assert!(doc.contains(section), "{} lacks {section}", rule["id"]);
        }
    }
    let r = run(&["explain", "duplicate-key"]);
    assert_eq!(r.code, 0);
    assert!(r
        .stdout
        .starts_with("# YAML002 (duplicate-key): duplicate mapping key"));
    assert!(r.stdout.contains("## Use instead"));
    assert_eq!(run(&["explain", "NOPE01"]).code, 2);
}
