//! Baselines (`--baseline`, `--write-baseline`, `baseline:` in .gitgate.yaml): only findings
//! not in the baseline are reported and fail; moved lines still match; fixed findings are
//! counted; a missing or corrupt baseline is a clear error (exit 2). Also the progress line,
//! which only a terminal outside CI sees.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// A small repository with findings of several kinds: YAML rules (duplicate key, YAML 1.1
/// octal), a schema error, a broken file included by a kustomization (whose KUST001 message
/// quotes `file:line:col`) and whatever the bundled policies find on the Deployment.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    std::fs::create_dir(t.join(".git")).unwrap();
    write(
        t,
        "apps/base/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - broken.yaml\n",
    );
    write(
        t,
        "apps/base/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.1\n",
    );
    write(
        t,
        "apps/base/broken.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  list: [a, b\n",
    );
    write(
        t,
        "config/settings.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: 0755\n",
    );
    write(
        t,
        "config/limits.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: limits\ndata:\n  replicas: \"2\"\n  replicas: \"3\"\n",
    );
    tmp
}

fn check(dir: &Path, extra: &[&str]) -> Run {
    let d = dir.to_str().unwrap();
    let mut c = gitgate();
    // Relative file arguments (`--baseline gitgate-baseline.json`) are the repository's.
    c.current_dir(dir)
        .args(["check", d, "--root", d])
        .args(extra);
    c.env_remove("GITHUB_STEP_SUMMARY");
    run_cmd(&mut c)
}

fn json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let r = check(dir, &args);
    assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
    (
        r.code,
        serde_json::from_str(&r.stdout).expect("JSON report"),
    )
}

fn baseline_counts(report: &Value) -> (u64, u64, u64) {
    let b = &report["summary"]["baseline"];
    (
        b["new"].as_u64().unwrap(),
        b["fixed"].as_u64().unwrap(),
        b["still_present"].as_u64().unwrap(),
    )
}

fn fingerprints(report: &Value) -> Vec<String> {
    let mut v: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// Writes the baseline and returns the findings it accepted (a plain run's report).
fn write_baseline(dir: &Path) -> Value {
    let (code, before) = json(dir, &[]);
    assert_eq!(code, 1, "the repository has errors");
    let r = check(dir, &["--write-baseline", "gitgate-baseline.json"]);
    assert_eq!(
        r.code, 0,
        "writing a baseline accepts everything: {}",
        r.stderr
    );
    before
}

#[test]
fn only_findings_not_in_the_baseline_fail() {
    let tmp = repo();
    let d = tmp.path();
    let before = {
        // The baseline path is relative to the current directory, like any file argument.
        let (code, before) = json(d, &[]);
        assert_eq!(code, 1);
        let r = run_cmd(gitgate().current_dir(d).args([
            "check",
            ".",
            "--write-baseline",
            "gitgate-baseline.json",
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let n = before["findings"].as_array().unwrap().len();
        assert!(
            r.stderr.contains(&format!(
                "wrote baseline `gitgate-baseline.json`: {n} findings ({n} added, 0 fixed and dropped)"
            )),
            "{}",
            r.stderr
        );
        assert!(
            r.stdout.trim_end().ends_with(&format!(
                "no new findings; baseline gitgate-baseline.json written: 0 new, 0 fixed, {n} still present"
            )),
            "{}",
            r.stdout
        );
        before
    };
    let rules: Vec<String> = findings(&before).into_iter().map(|f| f.0).collect();
    for rule in ["YAML002", "YAML004", "SCHEMA001", "YAML001", "KUST001"] {
        assert!(rules.contains(&rule.to_string()), "{rule} in {rules:?}");
    }
    let total = rules.len() as u64;

    // The file: versioned, sorted, one entry per finding, readable.
    let file: Value =
        serde_json::from_slice(&std::fs::read(d.join("gitgate-baseline.json")).unwrap()).unwrap();
    assert_eq!(file["version"], 1);
    let entries = file["findings"].as_array().unwrap();
    assert_eq!(entries.len() as u64, total);
    let keys: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            for field in ["rule", "severity", "path", "message", "fingerprint"] {
                assert!(e[field].is_string(), "{field} in {e}");
            }
            (
                e["path"].as_str().unwrap().to_string(),
                e["rule"].as_str().unwrap().to_string(),
                e["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "entries sorted by path, rule, fingerprint");
    let mut fps: Vec<String> = keys.iter().map(|k| k.2.clone()).collect();
    fps.sort();
    assert_eq!(fps, fingerprints(&before));

    // Against the baseline nothing is new: exit 0, nothing reported.
    let r = check(
        d,
        &[
            "--baseline",
            d.join("gitgate-baseline.json").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("error["), "{}", r.stdout);
    assert!(
        r.stdout.trim_end().ends_with(&format!(
            "no new findings; baseline {}: 0 new, 0 fixed, {total} still present",
            d.join("gitgate-baseline.json").display()
        )),
        "{}",
        r.stdout
    );

    // A new violation: only it is reported, and it fails the run.
    write(
        d,
        "config/more.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: more\n  name: again\n",
    );
    let bl = d.join("gitgate-baseline.json");
    let (code, report) = json(d, &["--baseline", bl.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        expect(&[("YAML002", "config/more.yaml", 5, 3)])
    );
    assert_eq!(baseline_counts(&report), (1, 0, total));
    assert_eq!(report["summary"]["findings"]["error"], 1);
    assert_eq!(report["summary"]["failed"], true);
    // The text output shows the new finding only.
    let r = check(d, &["--baseline", bl.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.matches("error[").count(), 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("--> config/more.yaml:5:3"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .trim_end()
            .ends_with(&format!("1 new, 0 fixed, {total} still present")),
        "{}",
        r.stdout
    );
    // --fail-on still applies, to the new findings only.
    let (code, _) = json(
        d,
        &["--baseline", bl.to_str().unwrap(), "--fail-on", "never"],
    );
    assert_eq!(code, 0);
}

#[test]
fn moved_lines_still_match() {
    let tmp = repo();
    let d = tmp.path();
    let before = write_baseline(d);
    // Insert lines above every finding: comments at the top of every file, a label above the
    // duplicate key, blank lines before the broken line (whose position KUST001's message
    // quotes).
    for rel in [
        "apps/base/kustomization.yaml",
        "apps/base/deployment.yaml",
        "apps/base/broken.yaml",
        "config/settings.yaml",
        "config/limits.yaml",
    ] {
        let p = d.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, format!("# moved\n# down\n\n{text}")).unwrap();
    }
    let p = d.join("config/limits.yaml");
    let text = std::fs::read_to_string(&p).unwrap().replace(
        "  name: limits\n",
        "  name: limits\n  labels:\n    tier: front\n",
    );
    std::fs::write(&p, text).unwrap();
    let p = d.join("apps/base/broken.yaml");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("data:\n", "data:\n  first: one\n  second: two\n");
    std::fs::write(&p, text).unwrap();

    let (_, after) = json(d, &["--no-baseline"]);
    // The lines did move…
    let lines =
        |r: &Value| -> Vec<(String, u64)> { findings(r).into_iter().map(|f| (f.0, f.2)).collect() };
    assert_eq!(findings(&before).len(), findings(&after).len());
    assert_ne!(lines(&before), lines(&after));
    let kust = |r: &Value| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "KUST001")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_ne!(
        kust(&before),
        kust(&after),
        "KUST001 quotes the moved position"
    );
    // …and every finding keeps its fingerprint, so the baseline still holds them all.
    assert_eq!(fingerprints(&before), fingerprints(&after));
    let (code, report) = json(d, &["--baseline", "gitgate-baseline.json"]);
    let total = findings(&before).len() as u64;
    assert_eq!(code, 0, "{report}");
    assert_eq!(baseline_counts(&report), (0, 0, total));
    assert!(report["findings"].as_array().unwrap().is_empty());
}

#[test]
fn fixed_findings_are_counted_and_dropped_on_refresh() {
    let tmp = repo();
    let d = tmp.path();
    let before = write_baseline(d);
    let total = findings(&before).len() as u64;
    // Fix the duplicate key.
    let p = d.join("config/limits.yaml");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("  replicas: \"3\"\n", "");
    std::fs::write(&p, text).unwrap();
    let bl = d.join("gitgate-baseline.json");
    let bl = bl.to_str().unwrap();
    let (code, report) = json(d, &["--baseline", bl]);
    assert_eq!(code, 0);
    assert_eq!(baseline_counts(&report), (0, 1, total - 1));
    let r = check(d, &["--baseline", bl]);
    assert!(
        r.stdout
            .trim_end()
            .ends_with(&format!("0 new, 1 fixed, {} still present", total - 1)),
        "{}",
        r.stdout
    );
    // Refreshing drops it from the file, and says so.
    let r = check(d, &["--baseline", bl, "--write-baseline", bl]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "wrote baseline `{bl}`: {} findings (0 added, 1 fixed and dropped)",
            total - 1
        )),
        "{}",
        r.stderr
    );
    let file: Value = serde_json::from_slice(&std::fs::read(bl).unwrap()).unwrap();
    assert_eq!(file["findings"].as_array().unwrap().len() as u64, total - 1);
    assert!(!file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["rule"] == "YAML002"));
    let (_, report) = json(d, &["--baseline", bl]);
    assert_eq!(baseline_counts(&report), (0, 0, total - 1));
}

#[test]
fn missing_or_corrupt_baselines_are_errors() {
    let tmp = repo();
    let d = tmp.path();
    let bl = d.join("bl.json");
    let bls = bl.to_str().unwrap();
    let r = check(d, &["--baseline", bls]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!("baseline `{bls}` does not exist; create it with `gitgate check --write-baseline {bls}`")),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "no report: {}", r.stdout);
    for (content, expected) in [
        ("{\"version\": 1, \"findings\": [", "is not valid JSON: EOF while parsing"),
        ("not json at all", "is not valid JSON: expected"),
        ("[]", "is not a JSON object"),
        ("{\"findings\": []}", "has no `version`"),
        ("{\"version\": 9, \"findings\": []}", "has version 9; this gitgate reads version 1"),
        ("{\"version\": 1}", "missing field `findings`"),
        (
            "{\"version\": 1, \"findings\": [{\"fingerprint\": \"ab\", \"rule\": 7, \"path\": \"a.yaml\"}]}",
            "invalid type: integer `7`, expected a string (at `findings[0].rule`)",
        ),
        (
            "{\"version\": 1, \"findings\": [{\"fingerprint\": \"\", \"rule\": \"YAML002\", \"path\": \"a.yaml\"}]}",
            "empty fingerprint (at `findings[0]`)",
        ),
    ] {
        std::fs::write(&bl, content).unwrap();
        let r = check(d, &["--baseline", bls]);
        assert_eq!(r.code, 2, "{content}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("gitgate: error: baseline `{bls}`"))
                && r.stderr.contains(expected),
            "{content}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
    // A baseline that cannot be written is an error too, and the old file stays.
    let r = check(
        d,
        &[
            "--write-baseline",
            d.join("no/such/dir/bl.json").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot write baseline `"), "{}", r.stderr);
}

#[test]
fn the_config_names_the_baseline() {
    let tmp = repo();
    let d = tmp.path();
    write(d, ".gitgate.yaml", "baseline: ci/gitgate-baseline.json\n");
    // Missing: an error that names the configured file…
    let r = check(d, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("baseline `ci/gitgate-baseline.json` does not exist"),
        "{}",
        r.stderr
    );
    // …unless this run writes it.
    std::fs::create_dir(d.join("ci")).unwrap();
    let target = d.join("ci/gitgate-baseline.json");
    let r = check(d, &["--write-baseline", target.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(target.is_file());
    // From now on the config's baseline applies: the run passes…
    let (code, report) = json(d, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        report["summary"]["baseline"]["file"],
        "ci/gitgate-baseline.json"
    );
    assert_eq!(report["summary"]["baseline"]["written"], false);
    // …and --no-baseline shows everything again.
    let (code, report) = json(d, &["--no-baseline"]);
    assert_eq!(code, 1);
    assert!(report["summary"]["baseline"].is_null());
    // A bad value for the key is a config error at its line.
    write(d, ".gitgate.yaml", "fail-on: error\nbaseline: [a]\n");
    let r = check(d, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(".gitgate.yaml:2:"), "{}", r.stderr);
}

#[test]
fn sarif_and_github_outputs_mark_the_baseline() {
    let tmp = repo();
    let d = tmp.path();
    let before = write_baseline(d);
    let total = findings(&before).len();
    write(
        d,
        "config/more.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: more\n  name: again\n",
    );
    // Fix one, so that a fixed entry exists: it must not appear as a result.
    write(
        d,
        "config/settings.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: \"0755\"\n",
    );
    let summary = d.join("summary.md");
    let sarif = d.join("out.sarif");
    let mut c = gitgate();
    c.args(["check", d.to_str().unwrap(), "--root", d.to_str().unwrap()])
        .args([
            "--baseline",
            d.join("gitgate-baseline.json").to_str().unwrap(),
        ])
        .args(["--format", "github"])
        .arg("--format")
        .arg(format!("sarif={}", sarif.display()))
        .env("GITHUB_STEP_SUMMARY", &summary);
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Annotations: the new finding only.
    let annotations: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 1, "{}", r.stdout);
    assert!(annotations[0].starts_with("::error file=config/more.yaml,line=5,"));
    let md = std::fs::read_to_string(&summary).unwrap();
    // settings.yaml had two findings (YAML004 and SCHEMA001): both fixed.
    assert!(
        md.contains(&format!(
            "Baseline `{}`: **1 new**, 2 fixed, {} still present",
            d.join("gitgate-baseline.json").display(),
            total - 2
        )),
        "{md}"
    );
    // SARIF: new and still-present findings, marked; code scanning keeps the accepted alerts.
    let v: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), total - 2 + 1);
    let new: Vec<&Value> = results
        .iter()
        .filter(|r| r["baselineState"] == "new")
        .collect();
    assert_eq!(new.len(), 1);
    assert_eq!(
        new[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "config/more.yaml"
    );
    assert_eq!(
        results
            .iter()
            .filter(|r| r["baselineState"] == "unchanged")
            .count(),
        total - 2
    );
    assert!(!results.iter().any(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "config/settings.yaml"
    ));
    // Valid SARIF 2.1.0 (`baselineState` is the standard's), when the schema is installed.
    validate_sarif(&sarif);
    // Without a baseline, no result has a baselineState.
    let r = check(d, &["--format", "sarif"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.get("baselineState").is_none()));
}

#[test]
fn baselines_hold_no_secret_value() {
    const SECRET: &str = "Sup3r-S3cret-Passw0rd";
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "secret.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: {SECRET}\n  password: {SECRET}\n  pin: 0755\n"),
    );
    write(
        d,
        "config.yaml",
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  DB_PASSWORD: {SECRET}\n"),
    );
    let bl = d.join("bl.json");
    let r = check(d, &["--write-baseline", bl.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&bl).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"YAML002"), "{rules:?}");
    assert!(
        rules.iter().any(|r| r.starts_with("GG-SEC-")),
        "a secret policy finding: {rules:?}"
    );
    for leak in [SECRET, "0755", "493"] {
        assert!(!text.contains(leak), "`{leak}` in the baseline:\n{text}");
    }
}

#[test]
fn reports_and_baselines_match_their_schemas() {
    let tmp = repo();
    let d = tmp.path();
    write_baseline(d);
    let (_, report) = json(d, &["--baseline", "gitgate-baseline.json"]);
    let out = d.join("report.json");
    std::fs::write(&out, report.to_string()).unwrap();
    if !tool_available(
        "check-jsonschema",
        "PyPI check-jsonschema validates the report and baseline schemas",
    ) {
        return;
    }
    for (schema, file) in [
        ("docs/gitgate-report.schema.json", out),
        (
            "docs/gitgate-baseline.schema.json",
            d.join("gitgate-baseline.json"),
        ),
    ] {
        let mut c = std::process::Command::new("check-jsonschema");
        c.arg("--schemafile")
            .arg(repo_dir().join(schema))
            .arg(&file);
        let r = run_cmd(&mut c);
        assert_eq!(r.code, 0, "{schema}: {}{}", r.stdout, r.stderr);
    }
}

#[test]
fn progress_is_drawn_only_on_a_terminal_outside_ci() {
    let tmp = repo();
    let d = tmp.path().to_str().unwrap();
    // Not a terminal: nothing but the report.
    let mut c = gitgate();
    c.args(["check", d, "--root", d]).env_remove("CI");
    let r = run_cmd(&mut c);
    assert!(!r.stderr.contains("loading"), "{}", r.stderr);
    assert!(!r.stderr.contains('\r'), "{:?}", r.stderr);
    if !tool_available("script", "util-linux, for a pseudo-terminal") {
        return;
    }
    let under_pty = |ci: bool| {
        let mut c = std::process::Command::new("script");
        c.args([
            "-qec",
            &format!(
                "{} check {d} --root {d} --color never",
                env!("CARGO_BIN_EXE_gitgate")
            ),
            "/dev/null",
        ]);
        c.env_remove("CI").env_remove("TERM").env("TERM", "xterm");
        if ci {
            c.env("CI", "true");
        }
        run_cmd(&mut c)
    };
    let tty = under_pty(false);
    assert_eq!(tty.code, 1, "{}", tty.stdout);
    assert!(
        tty.stdout.contains("gitgate") && tty.stdout.contains("loading"),
        "a progress line on a terminal: {:?}",
        tty.stdout
    );
    let ci = under_pty(true);
    assert_eq!(ci.code, 1);
    assert!(!ci.stdout.contains("loading"), "{:?}", ci.stdout);
    // The report itself is the same either way.
    let report = |s: &str| -> String {
        s.lines()
            .map(|l| without_escapes(l.rsplit('\r').next().unwrap_or(l)))
            .filter(|l| l.contains("error[") || l.contains("-->"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(report(&tty.stdout), report(&ci.stdout));
}

/// A terminal line without its control sequences (`ESC [ params letter`).
fn without_escapes(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Validates a SARIF file against the official 2.1.0 schema (npm
/// `@microsoft/sarif-multitool-linux` ships it; `.ci/run` installs it) with check-jsonschema.
fn validate_sarif(file: &Path) {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")));
    let schema = std::env::var_os("SARIF_MULTITOOL_DIR")
        .map(std::path::PathBuf::from)
        .into_iter()
        .chain(
            cache.map(|c| c.join("gitgate-ci/npm/node_modules/@microsoft/sarif-multitool-linux")),
        )
        .map(|d| d.join("sarif-2.1.0.json"))
        .find(|f| f.is_file());
    let Some(schema) = schema else {
        let why = "npm @microsoft/sarif-multitool-linux ships the SARIF 2.1.0 schema; run .ci/run";
        if std::env::var_os("CI").is_some() {
            panic!("the SARIF schema is required in CI ({why})");
        }
        eprintln!("NOTICE: skipping the SARIF schema check ({why})");
        return;
    };
    if !tool_available("check-jsonschema", "PyPI check-jsonschema validates SARIF") {
        return;
    }
    let mut c = std::process::Command::new("check-jsonschema");
    c.arg("--schemafile").arg(schema).arg(file);
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}
