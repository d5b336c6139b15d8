//! CI outputs: SARIF 2.1.0 (validated against the official schema with check-jsonschema and
//! by the SARIF Multitool's SARIF and GitHub rules, plus our own checks of what GitHub code
//! scanning requires), JUnit XML, GitHub workflow commands and step summary, and several
//! outputs from one run. No planted secret appears in any of them.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

fn check_cmd(dir: &Path, extra: &[&str]) -> Command {
    let d = dir.to_str().unwrap();
    let mut c = gitgate();
    c.args(["check", d, "--root", d]).args(extra);
    c.env_remove("GITHUB_STEP_SUMMARY");
    c
}

/// `gitgate check DIR --root DIR --format sarif EXTRA…`, parsed; stdout must be SARIF alone.
fn sarif(dir: &Path, extra: &[&str]) -> (Run, Value) {
    let mut c = check_cmd(dir, &["--format", "sarif"]);
    c.args(extra);
    let r = run_cmd(&mut c);
    assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not SARIF alone ({e}):\n{}", r.stdout));
    (r, v)
}

fn run0(v: &Value) -> &Value {
    &v["runs"][0]
}

fn results(v: &Value) -> &Vec<Value> {
    run0(v)["results"].as_array().expect("results array")
}

/// The repositories whose SARIF is validated: the example repository, the test fixtures, the
/// bundled-policy fixtures and conftest-style user policies.
fn sarif_inputs() -> Vec<(String, PathBuf, Vec<String>)> {
    let mut v = vec![
        ("examples".to_string(), repo_dir().join("examples"), vec![]),
        ("mistakes".to_string(), fixture("mistakes"), vec![]),
        ("clean".to_string(), fixture("clean"), vec![]),
    ];
    for e in std::fs::read_dir(fixture("policies")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        v.push((format!("policies-{name}"), p, vec![]));
    }
    let c = fixture("conftest");
    v.push((
        "conftest".to_string(),
        c.join("repo"),
        vec![
            "--policy".to_string(),
            c.join("policy").display().to_string(),
            "--data".to_string(),
            c.join("data").display().to_string(),
        ],
    ));
    v
}

/// npm `@microsoft/sarif-multitool-linux` (it ships `sarif-2.1.0.json`): `$SARIF_MULTITOOL_DIR`,
/// or where `.ci/run` installs it. Missing: a notice and a skip, or a failure under `CI`.
fn sarif_multitool_dir() -> Option<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
    let found = std::env::var_os("SARIF_MULTITOOL_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            cache.map(|c| c.join("gitgate-ci/npm/node_modules/@microsoft/sarif-multitool-linux")),
        )
        .find(|d| d.join("sarif-2.1.0.json").is_file());
    if found.is_none() {
        let why = "npm @microsoft/sarif-multitool-linux ships the SARIF 2.1.0 schema; \
                   set SARIF_MULTITOOL_DIR or run .ci/run";
        if std::env::var_os("CI").is_some() {
            panic!("the SARIF schema is required in CI ({why})");
        }
        eprintln!("NOTICE: skipping: SARIF schema not found ({why})");
    }
    found
}

#[test]
fn sarif_validates_against_the_official_schema_and_the_multitool() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let secrets = secret_repo();
    let mut inputs = sarif_inputs();
    inputs.push(("secrets".into(), secrets.path().to_path_buf(), vec![]));
    for (name, dir, extra) in &inputs {
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let (r, _) = sarif(dir, &extra);
        let out = tmp.path().join(format!("{name}.sarif"));
        std::fs::write(&out, &r.stdout).unwrap();
        files.push(out);
    }
    let Some(tool) = sarif_multitool_dir() else {
        return;
    };
    if tool_available(
        "check-jsonschema",
        "PyPI check-jsonschema validates SARIF against its schema",
    ) {
        let mut c = Command::new("check-jsonschema");
        c.arg("--schemafile")
            .arg(tool.join("sarif-2.1.0.json"))
            .args(&files);
        let r = run_cmd(&mut c);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    // The Multitool's own validator: the schema again, the SARIF rules (SARIF1xxx) and
    // GitHub code scanning's ingestion rules (GH1xxx).
    let exe = tool.join("Sarif.Multitool");
    let _ = Command::new("chmod").arg("u+x").arg(&exe).status();
    for f in &files {
        let log = f.with_extension("validation.sarif");
        let mut c = Command::new(&exe);
        c.args([
            "validate",
            "--rule-kind",
            "Sarif;Gh",
            "--log",
            "ForceOverwrite",
        ])
        .arg("-o")
        .arg(&log)
        .arg(f)
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        let r = run_cmd(&mut c);
        assert_eq!(r.code, 0, "{}: {}{}", f.display(), r.stdout, r.stderr);
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
        let problems: Vec<String> = v["runs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|run| run["results"].as_array().cloned().unwrap_or_default())
            .filter(|res| res["level"].as_str().unwrap_or("warning") != "note")
            .map(|res| format!("{} {}", res["ruleId"], res["message"]))
            .collect();
        assert!(
            problems.is_empty(),
            "{}: {problems:#?}\n{}",
            f.display(),
            r.stdout
        );
    }
}

/// What GitHub code scanning requires of an upload, checked on every SARIF we produce.
fn assert_github_rules(name: &str, v: &Value) {
    assert_eq!(v["version"], "2.1.0", "{name}");
    assert_eq!(v["runs"].as_array().unwrap().len(), 1, "{name}: one run");
    let run = run0(v);
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "gitgate");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(run["automationDetails"]["id"], "gitgate/", "{name}");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap()
        .starts_with("file:///"));
    let rules = driver["rules"].as_array().unwrap();
    let mut ids = std::collections::HashSet::new();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(ids.insert(id), "{name}: rule {id} twice");
        for field in ["shortDescription", "fullDescription"] {
            assert!(
                !rule[field]["text"].as_str().unwrap_or("").is_empty(),
                "{name}: {id} has no {field}"
            );
        }
        assert!(!rule["help"]["text"].as_str().unwrap_or("").is_empty());
        assert!(!rule["help"]["markdown"].as_str().unwrap_or("").is_empty());
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level), "{id}");
        let tags: Vec<&str> = rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(!tags.is_empty() && tags.len() <= 10, "{id}: {tags:?}");
        if let Some(s) = rule["properties"].get("security-severity") {
            let s: f64 = s.as_str().expect("a string number").parse().unwrap();
            assert!(s > 0.0 && s <= 10.0, "{id}");
            assert!(tags.contains(&"security"), "{id}");
        }
    }
    let check_location = |loc: &Value, what: &str| {
        let pl = &loc["physicalLocation"];
        let uri = pl["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            !uri.is_empty() && !uri.starts_with('/') && !uri.contains("://"),
            "{name}: {what}: URI `{uri}` is not relative"
        );
        assert!(!uri.contains(' ') && !uri.contains('\\'), "{uri}");
        assert_eq!(pl["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &pl["region"];
        let start = region["startLine"].as_i64().expect("startLine");
        assert!(start >= 1, "{name}: {what}: {region}");
        for k in ["startColumn", "endLine", "endColumn"] {
            if let Some(n) = region.get(k) {
                assert!(n.as_i64().unwrap() >= 1, "{name}: {what}: {region}");
            }
        }
        if let Some(end) = region.get("endLine") {
            assert!(end.as_i64().unwrap() >= start, "{name}: {region}");
        }
        assert!(region.get("snippet").is_none() && pl.get("contextRegion").is_none());
    };
    let mut fingerprints = std::collections::HashSet::new();
    for res in results(v) {
        let id = res["ruleId"].as_str().unwrap();
        let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id, "{name}: ruleIndex of {id}");
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let locs = res["locations"].as_array().unwrap();
        assert_eq!(locs.len(), 1);
        check_location(&locs[0], id);
        for rel in res["relatedLocations"].as_array().into_iter().flatten() {
            check_location(rel, &format!("{id} related"));
            assert!(rel["id"].as_u64().is_some());
        }
        let fp = res["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        assert!(!fp.is_empty(), "{name}: {id}: no fingerprint");
        assert!(
            fingerprints.insert(fp.to_string()),
            "{name}: duplicate {fp}"
        );
    }
}

#[test]
fn sarif_follows_githubs_rules_on_every_fixture() {
    for (name, dir, extra) in sarif_inputs() {
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let (r, v) = sarif(&dir, &extra);
        assert_github_rules(&name, &v);
        // As many results as the JSON report has findings, and nothing else on stdout.
        let mut args = vec![
            "check",
            dir.to_str().unwrap(),
            "--root",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(&extra);
        let json: Value = serde_json::from_str(&run(&args).stdout).unwrap();
        assert_eq!(
            results(&v).len(),
            json["findings"].as_array().unwrap().len(),
            "{name}"
        );
        assert!(r.stderr.is_empty(), "{name}: {}", r.stderr);
    }
}

#[test]
fn sarif_rule_catalog_covers_every_rule() {
    let (_, v) = sarif(&fixture("clean"), &[]);
    let listed: Value = serde_json::from_str(&run(&["rules", "--format", "json"]).stdout).unwrap();
    let rules = run0(&v)["tool"]["driver"]["rules"].as_array().unwrap();
    let by_id: BTreeMap<&str, &Value> = rules
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r))
        .collect();
    for r in listed.as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let rule = by_id
            .get(id)
            .unwrap_or_else(|| panic!("{id} not in driver.rules"));
        assert_eq!(rule["defaultConfiguration"]["level"], r["severity"], "{id}");
        // help.markdown is the rule's documentation, as `gitgate explain` prints it.
        let doc = r["documentation"].as_str().unwrap().trim();
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .starts_with(doc.lines().next().unwrap()),
            "{id}"
        );
    }
    // Schema and YAML errors have rules too; security rules are tagged and scored.
    for id in ["SCHEMA001", "SCHEMA002", "YAML001", "YAML002"] {
        assert!(by_id.contains_key(id), "{id}");
    }
    for (id, score) in [
        ("GG-SEC-001", "7.5"),
        ("GG-SEC-003", "5.0"),
        ("GG-ARGO-022", "7.5"),
    ] {
        let p = &by_id[id]["properties"];
        assert!(
            p["tags"].as_array().unwrap().contains(&"security".into()),
            "{id}"
        );
        assert_eq!(p["security-severity"], score, "{id}");
    }
    assert!(by_id["YAML002"]["properties"]
        .get("security-severity")
        .is_none());
    // Clean: `results: []`, not a missing array.
    assert_eq!(run0(&v)["results"], serde_json::json!([]));
}

#[test]
fn sarif_user_policies_are_in_the_catalog() {
    let c = fixture("conftest");
    let (_, v) = sarif(
        &c.join("repo"),
        &[
            "--no-bundled-policies",
            "--policy",
            c.join("policy").to_str().unwrap(),
            "--data",
            c.join("data").to_str().unwrap(),
        ],
    );
    let rules = run0(&v)["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = results(&v)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(ids.iter().any(|id| id.starts_with("conftest:")), "{ids:?}");
    for id in ids {
        assert!(rules.iter().any(|r| r["id"] == id), "{id}");
    }
}

#[test]
fn sarif_category_flag() {
    let (_, v) = sarif(&fixture("clean"), &["--sarif-category", "gitops/prod"]);
    assert_eq!(run0(&v)["automationDetails"]["id"], "gitops/prod/");
}

/// A repository whose findings sit on lines GitHub would otherwise key alerts by.
fn moving_repo(top: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), ".gitgate.yaml", "fail-on: error\n");
    write(
        tmp.path(),
        "apps/deploy.yaml",
        format!(
            "{top}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  replicas: 3\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          imagePullPolcy: Always\n          tty: yes\n"
        ),
    );
    write(
        tmp.path(),
        "apps/config.yaml",
        format!("{top}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  mode: 0755\n  on: \"x\"\n"),
    );
    tmp
}

#[test]
fn sarif_fingerprints_are_stable_when_a_line_is_inserted_above() {
    let fingerprints = |top: &str| -> BTreeMap<String, (String, i64)> {
        let repo = moving_repo(top);
        let (_, v) = sarif(repo.path(), &[]);
        results(&v)
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    (
                        r["ruleId"].as_str().unwrap().to_string(),
                        r["locations"][0]["physicalLocation"]["region"]["startLine"]
                            .as_i64()
                            .unwrap(),
                    ),
                )
            })
            .collect()
    };
    let before = fingerprints("");
    let after = fingerprints("# a comment added above\n\n");
    assert!(before.len() >= 4, "{before:?}");
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "fingerprints changed: {before:?} vs {after:?}"
    );
    for (fp, (rule, line)) in &before {
        assert_eq!(after[fp], (rule.clone(), line + 2), "{rule}");
    }
}

#[test]
fn sarif_caps_results_most_severe_first() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let n = 25_010;
    let mut body = String::from("apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  dup: 1\n  dup: 2\n");
    for i in 0..n {
        body.push_str(&format!("  k{i}: yes\n"));
    }
    write(t, "thing.yaml", body);
    write(t, "ns.yaml.j2", "kind: Namespace\n");
    let (r, v) = sarif(t, &["--no-validate", "--no-policy"]);
    let res = results(&v);
    assert_eq!(res.len(), 25_000);
    assert!(
        res.iter().any(|r| r["ruleId"] == "YAML002"),
        "the error is kept"
    );
    assert!(
        !res.iter().any(|r| r["ruleId"] == "FILE007"),
        "the note goes first"
    );
    let note = &run0(&v)["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "warning");
    let text = note["message"]["text"].as_str().unwrap();
    assert!(
        text.contains("25000 most severe of 25012 findings")
            && text.contains("11 warnings, 1 note"),
        "{text}"
    );
    assert!(r.stderr.contains(text), "{}", r.stderr);
    assert_eq!(r.code, 1);
}

// ---------------------------------------------------------------------------------------
// Secrets

const SECRET: &str = "Sup3r-S3cret-Passw0rd";
const TOKEN: &str = "sk_live_PLANTED4eC39HqLyjWDarjtT1zdp7dcQx81";

/// A plaintext Secret, a hardcoded token in a ConfigMap and a broken Secret: findings sit
/// on the lines that hold the values.
fn secret_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    write(
        t,
        "secret.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: {SECRET}\n  password: {SECRET}\n  enabled: yes\n"),
    );
    write(
        t,
        "config.yaml",
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  API_TOKEN: {TOKEN}\n"),
    );
    write(
        t,
        "broken-secret.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\nstringData:\n  other: [unclosed, {SECRET}\n"),
    );
    tmp
}

/// The `# absent:` values of the bundled secrets fixture.
fn planted(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("expected.txt"))
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("# absent:"))
        .map(|s| s.trim().to_string())
        .collect()
}

#[test]
fn secret_values_never_appear_in_sarif_junit_or_github_output() {
    let own = secret_repo();
    let bundled = fixture("policies/secrets-basic");
    for (dir, secrets) in [
        (
            own.path().to_path_buf(),
            vec![SECRET.to_string(), TOKEN.to_string()],
        ),
        (bundled.clone(), planted(&bundled)),
    ] {
        assert!(!secrets.is_empty());
        let tmp = tempfile::tempdir().unwrap();
        let summary = tmp.path().join("summary.md");
        let mut c = check_cmd(
            &dir,
            &[
                "--format",
                "github",
                "--format",
                &format!("sarif={}", tmp.path().join("out.sarif").display()),
                "--format",
                &format!("junit={}", tmp.path().join("out.xml").display()),
            ],
        );
        c.env("GITHUB_STEP_SUMMARY", &summary);
        let r = run_cmd(&mut c);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let outputs = [
            ("github", r.stdout.clone()),
            ("stderr", r.stderr.clone()),
            ("summary", std::fs::read_to_string(&summary).unwrap()),
            (
                "sarif",
                std::fs::read_to_string(tmp.path().join("out.sarif")).unwrap(),
            ),
            (
                "junit",
                std::fs::read_to_string(tmp.path().join("out.xml")).unwrap(),
            ),
        ];
        for (what, out) in &outputs {
            for s in &secrets {
                assert!(!out.contains(s.as_str()), "`{s}` leaked in {what}:\n{out}");
            }
        }
        // The findings on those values are all there, just without the values.
        let v: Value = serde_json::from_str(&outputs[3].1).unwrap();
        let ids: Vec<&str> = results(&v)
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"GG-SEC-001"), "{ids:?}");
        assert!(ids.contains(&"GG-SEC-003"), "{ids:?}");
        assert!(r.stdout.contains("title=GG-SEC-001::"));
        assert!(outputs[4].1.contains("classname=\"gitgate.GG-SEC-001\""));
    }
}

// ---------------------------------------------------------------------------------------
// Several outputs in one run

/// Timing varies between runs: the elapsed time of the text summary, JSON's `elapsed_ms`,
/// JUnit's `time`.
fn untimed(s: &str) -> String {
    let mut s = s.to_string();
    for (pat, to) in [
        (r" in [0-9.]+s:", " in Xs:"),
        (r#""elapsed_ms": [0-9]+"#, r#""elapsed_ms": 0"#),
        (r#"time="[0-9.]+""#, r#"time="0""#),
    ] {
        s = regex::Regex::new(pat)
            .unwrap()
            .replace_all(&s, to)
            .into_owned();
    }
    s
}

#[test]
fn one_run_writes_every_output_as_separate_runs_do() {
    let dir = repo_dir().join("examples");
    let tmp = tempfile::tempdir().unwrap();
    let path = |n: &str| tmp.path().join(n);
    let file_arg = |f: &str, n: &str| format!("{f}={}", path(n).display());
    let mut c = check_cmd(
        &dir,
        &[
            "--format",
            "text",
            "--format",
            &file_arg("sarif", "gitgate.sarif"),
            "--format",
            &file_arg("json", "out.json"),
            "--format",
            &file_arg("junit", "out.xml"),
            "--format",
            &file_arg("github", "annotations.txt"),
        ],
    );
    let all = run_cmd(&mut c);
    assert_eq!(all.code, 1, "{}", all.stderr);
    for (format, file) in [
        ("text", None),
        ("sarif", Some("gitgate.sarif")),
        ("json", Some("out.json")),
        ("junit", Some("out.xml")),
        ("github", Some("annotations.txt")),
    ] {
        let alone = run_cmd(&mut check_cmd(&dir, &["--format", format]));
        assert_eq!(alone.code, 1);
        let combined = match file {
            None => all.stdout.clone(),
            Some(f) => std::fs::read_to_string(path(f)).unwrap(),
        };
        assert_eq!(untimed(&combined), untimed(&alone.stdout), "{format}");
    }
    // `--output` sends the standard-output format to a file instead.
    let mut c = check_cmd(&dir, &["--format", "json", "--output"]);
    c.arg(path("o.json"));
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path("o.json")).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
}

#[test]
fn output_mistakes_are_usage_errors() {
    let d = fixture("clean");
    for (args, says) in [
        (
            vec!["--format", "text", "--format", "json"],
            "only one --format",
        ),
        (vec!["--format", "yaml"], "unknown format `yaml`"),
        (vec!["--format", "sarif="], "file name is missing"),
        (
            vec![
                "--format",
                "json=/tmp/x.json",
                "--format",
                "sarif=/tmp/x.json",
            ],
            "two outputs write",
        ),
    ] {
        let r = run_cmd(&mut check_cmd(&d, &args));
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    let r = run_cmd(&mut check_cmd(
        &d,
        &["--format", "sarif=/nonexistent-dir/x.sarif"],
    ));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot write `/nonexistent-dir/x.sarif`"));
}

/// The path of `dir` in the Git work tree holding it (`examples/`), as gitgate computes it.
fn checkout_prefix(dir: &Path) -> String {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .and_then(|top| dir.strip_prefix(top).ok())
        .map(|rel| rel.to_string_lossy().into_owned())
        .filter(|rel| !rel.is_empty())
        .map(|rel| format!("{rel}/"))
        .unwrap_or_default()
}

#[test]
fn ci_paths_are_relative_to_the_git_work_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().canonicalize().unwrap();
    std::fs::create_dir(top.join(".git")).unwrap();
    write(&top, "deploy/.gitgate.yaml", "fail-on: error\n");
    write(&top, "deploy/apps/x.yaml", "a: 1\na: 2\n");
    let d = top.join("deploy");
    let (_, v) = sarif(&d, &[]);
    let loc = &results(&v)[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "deploy/apps/x.yaml");
    assert_eq!(
        run0(&v)["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", top.display())
    );
    let gh = run_cmd(&mut check_cmd(&d, &["--format", "github"]));
    assert!(
        gh.stdout
            .starts_with("::error file=deploy/apps/x.yaml,line=2,"),
        "{}",
        gh.stdout
    );
    // Text and JSON stay relative to the root.
    let (_, json) = check_json(&d, &[]);
    assert_eq!(json["findings"][0]["location"]["path"], "apps/x.yaml");
}

// ---------------------------------------------------------------------------------------
// JUnit

#[test]
fn junit_has_a_suite_per_file_and_fails_on_fail_on() {
    let d = repo_dir().join("examples");
    let junit = |extra: &[&str]| {
        let mut args = vec!["--format", "junit"];
        args.extend_from_slice(extra);
        run_cmd(&mut check_cmd(&d, &args)).stdout
    };
    let (_, json) = check_json(&d, &[]);
    let n = |sev: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == sev)
            .count()
    };
    let errors_only = junit(&[]);
    assert!(errors_only.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert_eq!(errors_only.matches("<failure ").count(), n("error"));
    assert!(errors_only.contains(&format!("failures=\"{}\" errors=\"0\"", n("error"))));
    let with_warnings = junit(&["--fail-on", "warning"]);
    assert_eq!(
        with_warnings.matches("<failure ").count(),
        n("error") + n("warning")
    );
    // Every file is a suite; a clean one has one passing test case.
    let files = json["files"].as_array().unwrap().len();
    assert!(errors_only.matches("<testsuite ").count() >= files);
    // Paths are shown from the Git work tree (this checkout), as CI systems link them.
    let p = checkout_prefix(&d);
    assert!(errors_only.contains(&format!(
        "<testsuite name=\"{p}apps/overlays/staging/deployment-patch.yaml\" tests=\"1\" failures=\"1\""
    )));
    assert!(errors_only.contains("classname=\"gitgate.YAML002\""));
    assert!(errors_only.contains(&format!(
        "<testcase name=\"{p}.gitgate.yaml\" classname=\"gitgate\""
    )));
    if tool_available("python3", "python3 checks that the XML is well-formed") {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("junit.xml");
        std::fs::write(&f, &with_warnings).unwrap();
        let r = run_cmd(
            Command::new("python3")
                .args([
                    "-c",
                    "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); \
                     print(r.tag, r.get('tests'), len(r.findall('.//failure')))",
                ])
                .arg(&f),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.starts_with("testsuites "), "{}", r.stdout);
    }
}

// ---------------------------------------------------------------------------------------
// GitHub workflow commands and step summary

#[test]
fn github_annotations_are_escaped_capped_and_summarised() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // 12 errors (duplicate keys), 12 warnings (`yes`), 12 notes (templates), one suppressed
    // finding, and a file name GitHub's property syntax must escape.
    let mut body =
        String::from("apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n");
    for i in 0..12 {
        body.push_str(&format!("  d{i}: 1\n  d{i}: 2\n  w{i}: yes\n"));
    }
    write(t, "a,b:c%.yaml", body);
    for i in 0..12 {
        write(t, &format!("tpl/t{i:02}.yaml.j2"), "x\n");
    }
    write(
        t,
        ".gitgate.yaml",
        "suppress:\n  - rule: FILE007\n    path: tpl/t00.yaml.j2\n    reason: test\n",
    );
    let summary = t.join("summary.md");
    std::fs::write(&summary, "previous step\n").unwrap();
    let mut c = check_cmd(t, &["--format", "github", "--no-validate", "--no-policy"]);
    c.env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_SERVER_URL", "https://github.example")
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_SHA", "abc123");
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let count = |p: &str| lines.iter().filter(|l| l.starts_with(p)).count();
    assert_eq!(count("::error "), 10);
    assert_eq!(count("::warning "), 10);
    assert_eq!(count("::notice "), 10, "9 notes and the closing notice");
    // Most severe first, then the rest as plain lines, the notice, the summary line.
    let first_warning = lines
        .iter()
        .position(|l| l.starts_with("::warning"))
        .unwrap();
    let last_error = lines
        .iter()
        .rposition(|l| l.starts_with("::error"))
        .unwrap();
    assert!(last_error < first_warning);
    assert_eq!(
        lines[0],
        "::error file=a%2Cb%3Ac%25.yaml,line=7,col=3,endLine=7,endColumn=4,title=YAML002::duplicate key `d0`%0Ahelp: remove one of the two keys: kubectl keeps the last value, kustomize rejects the file or keeps the first"
    );
    let plain = lines
        .iter()
        .filter(|l| l.starts_with("a,b:c%.yaml:") || l.starts_with("tpl/"))
        .count();
    assert_eq!(plain, 2 + 2 + 2, "11-12 of each level are plain log lines");
    let notice = lines
        .iter()
        .find(|l| l.starts_with("::notice title=gitgate::"))
        .unwrap();
    assert!(
        notice.contains("6 findings not annotated (2 errors, 2 warnings, 2 notes)"),
        "{notice}"
    );
    assert!(lines.last().unwrap().starts_with("gitgate: checked "));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("previous step\n## gitgate: 12 errors, 12 warnings, 11 notes\n"),
        "{md}"
    );
    assert!(md.contains("Suppressed: 1."), "{md}");
    assert!(
        md.contains("| error | 12 |\n| warning | 12 |\n| note | 11 |"),
        "{md}"
    );
    assert!(
        md.contains("| `YAML002` | error | 12 | Duplicate mapping key |"),
        "{md}"
    );
    assert!(
        md.contains(
            "[a,b:c%.yaml:7:3](https://github.example/o/r/blob/abc123/a%2Cb%3Ac%25.yaml#L7)"
        ),
        "{md}"
    );
    assert!(md.contains("…and 15 more"), "{md}");
}

#[test]
fn github_summary_of_a_clean_run() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    let mut c = check_cmd(&fixture("clean"), &["--format", "github"]);
    c.env("GITHUB_STEP_SUMMARY", &summary);
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("::"), "{}", r.stdout);
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("## gitgate: no findings\n\n✅ passed"),
        "{md}"
    );
}
