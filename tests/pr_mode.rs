//! PR mode, `gitgate check --changed-since REV`, on real temporary Git repositories built with
//! the `git` command line: which files count as changed (committed, staged, unstaged,
//! untracked, deleted, renamed), which kustomizations they affect, and which findings are
//! reported (changed lines by default, `--report all`).

mod common;

use std::path::Path;
use std::process::Command;

use common::{gitgate, run_cmd, Run};
use serde_json::Value;

/// `git` on PATH; missing: a notice and a skip, or a failure under `CI`.
fn have_git() -> bool {
    common::tool_available("git", "the PR mode tests build Git repositories with it")
}

/// A temporary Git repository; `git` runs isolated from the user's configuration.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(self.path())
            .env("HOME", self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn commit(&self, msg: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
    }

    /// `gitgate check <args…>` from inside the repository.
    fn check(&self, args: &[&str]) -> Run {
        self.check_with(gitgate(), args)
    }

    fn check_with(&self, mut cmd: Command, args: &[&str]) -> Run {
        cmd.arg("check")
            .args(args)
            .current_dir(self.path())
            .env("HOME", self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1");
        run_cmd(&mut cmd)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let r = self.check(&all);
        assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
        serde_json::from_str(&r.stdout).expect("JSON report")
    }
}

fn deployment(name: &str, extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: {name}
        image: nginx:1.25.3{extra}
"
    )
}

/// Two bases, three overlays of the first, one of the second.
fn layered() -> Repo {
    let r = Repo::new();
    for (base, overlays) in [("web", &["dev", "prod", "qa"][..]), ("api", &["dev"][..])] {
        r.write(
            &format!("apps/{base}/base/kustomization.yaml"),
            "resources:\n- deployment.yaml\n",
        );
        r.write(
            &format!("apps/{base}/base/deployment.yaml"),
            &deployment(base, ""),
        );
        for o in overlays {
            r.write(
                &format!("apps/{base}/overlays/{o}/kustomization.yaml"),
                &format!("resources:\n- ../../base\nnamePrefix: {o}-\n"),
            );
        }
    }
    r.commit("init");
    r
}

/// (rule, path, line) of every finding.
fn found(report: &Value) -> Vec<(String, String, u64)> {
    common::findings(report)
        .into_iter()
        .map(|(rule, path, line, _)| (rule, path, line))
        .collect()
}

fn row(rule: &str, path: &str, line: u64) -> (String, String, u64) {
    (rule.to_string(), path.to_string(), line)
}

fn changes(report: &Value) -> &Value {
    &report["summary"]["changes"]
}

#[test]
fn a_changed_base_checks_the_overlays_that_use_it_and_nothing_else() {
    if !have_git() {
        return;
    }
    let r = layered();
    // A typo in the web base (line 15), used by three overlays; the api base is untouched.
    r.write(
        "apps/web/base/deployment.yaml",
        &deployment("web", "\n        imagePullPolcy: Always"),
    );
    let v = r.json(&["--changed-since", "HEAD"]);
    assert_eq!(
        found(&v),
        vec![row("SCHEMA002", "apps/web/base/deployment.yaml", 15)]
    );
    let notes = v["findings"][0]["notes"].to_string();
    for o in [
        "apps/web/overlays/dev",
        "apps/web/overlays/prod",
        "apps/web/overlays/qa",
    ] {
        assert!(notes.contains(o), "{notes}");
    }
    let c = changes(&v);
    assert_eq!(c["since"], "HEAD");
    assert_eq!(c["changed_files"], 1);
    // The web base and its three overlays, of the six kustomizations.
    assert_eq!(c["kustomizations"]["affected"], 4);
    assert_eq!(c["kustomizations"]["total"], 6);
    assert_eq!(c["report"], "changed");
    // Only those were rendered: the api base and its overlay were not.
    assert_eq!(v["summary"]["overlays"], 4);
    assert_eq!(v["summary"]["validated_objects"], 4);

    // The text summary says it is PR mode.
    let t = r.check(&["--changed-since", "HEAD"]);
    assert_eq!(t.code, 1);
    assert!(
        t.stdout.contains(
            "PR mode: 1 changed file since `HEAD`; checked 4 of 6 kustomizations affected by it"
        ),
        "{}",
        t.stdout
    );
}

#[test]
fn an_unaffected_overlay_is_not_checked() {
    if !have_git() {
        return;
    }
    let r = layered();
    // A broken overlay committed before: a full check reports it, PR mode on an unrelated
    // change does not even render it.
    r.write(
        "apps/api/overlays/dev/kustomization.yaml",
        "resources:\n- ../../base\n- missing.yaml\n",
    );
    r.commit("broken api overlay");
    let full = r.json(&[]);
    assert!(found(&full)
        .iter()
        .any(|(rule, path, _)| rule == "KUST001"
            && path == "apps/api/overlays/dev/kustomization.yaml"));
    r.write(
        "apps/web/overlays/prod/kustomization.yaml",
        "resources:\n- ../../base\nnamePrefix: prod-\nreplicas:\n- name: web\n  count: 3\n",
    );
    let v = r.json(&["--changed-since", "HEAD"]);
    assert_eq!(found(&v), vec![]);
    assert_eq!(changes(&v)["kustomizations"]["affected"], 1);
    assert_eq!(v["summary"]["overlays"], 1);
    // Even with --report all: the broken overlay is not among the affected objects.
    let v = r.json(&["--changed-since", "HEAD", "--report", "all"]);
    assert_eq!(found(&v), vec![]);
}

#[test]
fn committed_staged_unstaged_and_untracked_changes_count_ignored_files_do_not() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    let cm = |name: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: \"1\"\n")
    };
    for f in ["committed", "staged", "unstaged", "untouched"] {
        r.write(&format!("{f}.yaml"), &cm(f));
    }
    r.write(".gitignore", "ignored.yaml\n");
    r.commit("init");
    // Each change plants a YAML 1.1 boolean (YAML003) on line 7.
    let planted = |name: &str| format!("{}immutable: yes\n", cm(name));
    r.write("committed.yaml", &planted("committed"));
    r.write("added.yaml", &planted("added"));
    r.commit("second");
    r.write("staged.yaml", &planted("staged"));
    r.git(&["add", "staged.yaml"]);
    r.write("unstaged.yaml", &planted("unstaged"));
    r.write("untracked.yaml", &planted("untracked"));
    r.write("ignored.yaml", &planted("ignored"));
    let v = r.json(&["--changed-since", "HEAD~1"]);
    let paths: Vec<String> = found(&v)
        .into_iter()
        .filter(|(rule, _, line)| rule == "YAML003" && *line == 7)
        .map(|(_, p, _)| p)
        .collect();
    assert_eq!(
        paths,
        vec![
            "added.yaml",
            "committed.yaml",
            "staged.yaml",
            "unstaged.yaml",
            "untracked.yaml"
        ]
    );
    assert_eq!(changes(&v)["changed_files"], 5);
    assert_eq!(changes(&v)["manifests"], 5);
    // The same revision by SHA.
    let sha = r.git(&["rev-parse", "HEAD~1"]);
    let by_sha = r.json(&["--changed-since", sha.trim()]);
    assert_eq!(found(&by_sha), found(&v));
}

#[test]
fn a_deleted_base_file_fails_the_overlays_that_read_it() {
    if !have_git() {
        return;
    }
    let r = layered();
    // An overlay that names the base file directly, besides those using the base directory.
    r.write(
        "apps/web/overlays/direct/kustomization.yaml",
        "resources:\n- ../../base/deployment.yaml\n",
    );
    r.commit("direct overlay");
    r.git(&["rm", "-q", "apps/web/base/deployment.yaml"]);
    let run = r.check(&["--changed-since", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    // The errors point at unchanged lines (the entries naming the file) and are reported.
    assert_eq!(
        found(&v),
        vec![
            row("KUST001", "apps/web/base/kustomization.yaml", 2),
            row("KUST001", "apps/web/overlays/direct/kustomization.yaml", 2),
        ]
    );
    let notes = v["findings"][0]["notes"].to_string();
    for o in [
        "apps/web/overlays/dev",
        "apps/web/overlays/prod",
        "apps/web/overlays/qa",
    ] {
        assert!(notes.contains(o), "{notes}");
    }
    assert_eq!(changes(&v)["kustomizations"]["affected"], 5);

    // Deleting the whole base directory: the overlays that used it fail too.
    r.git(&["reset", "-q", "--hard"]);
    r.git(&["rm", "-q", "-r", "apps/api/base"]);
    let v = r.json(&["--changed-since", "HEAD"]);
    assert_eq!(
        found(&v),
        vec![row(
            "KUST001",
            "apps/api/overlays/dev/kustomization.yaml",
            2
        )]
    );
}

#[test]
fn renames_are_a_deletion_and_an_addition() {
    if !have_git() {
        return;
    }
    let r = layered();
    // A pre-existing warning (YAML004, an octal-looking number) in the web base.
    r.write(
        "apps/web/base/deployment.yaml",
        &deployment("web", "\n        env:\n        - name: MODE\n          value: \"x\"\n        - name: UMASK\n          value: 0755"),
    );
    r.commit("umask");
    // Renamed, and the kustomization updated: nothing new, nothing reported.
    r.git(&[
        "mv",
        "apps/web/base/deployment.yaml",
        "apps/web/base/web.yaml",
    ]);
    r.write(
        "apps/web/base/kustomization.yaml",
        "resources:\n- web.yaml\n",
    );
    let v = r.json(&["--changed-since", "HEAD"]);
    assert_eq!(found(&v), vec![]);
    let c = changes(&v);
    assert_eq!(c["changed_files"], 3); // deleted, added, modified
    assert_eq!(c["kustomizations"]["affected"], 4);
    assert!(c["hidden"].as_u64().unwrap() >= 1, "{c}");
    // Every finding of what the rename affects.
    let all = r.json(&["--changed-since", "HEAD", "--report", "all"]);
    assert!(found(&all)
        .iter()
        .any(|(rule, path, _)| rule == "YAML004" && path == "apps/web/base/web.yaml"));

    // Renamed without updating the kustomization: its build fails, reported.
    r.write(
        "apps/web/base/kustomization.yaml",
        "resources:\n- deployment.yaml\n",
    );
    let v = r.json(&["--changed-since", "HEAD"]);
    assert_eq!(
        found(&v),
        vec![row("KUST001", "apps/web/base/kustomization.yaml", 2)]
    );
}

#[test]
fn findings_on_unchanged_lines_are_hidden_unless_report_all() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    let pod = |tty: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: flags\nspec:\n  hostNetwork: yes\n  containers:\n  - name: app\n    image: nginx:1.25.3\n    tty: {tty}\n"
        )
    };
    r.write("flags.yaml", &pod("false"));
    r.write("other.yaml", &pod("on"));
    r.commit("init");
    // Line 6 (`yes`) was already there; line 10 becomes `on`.
    r.write("flags.yaml", &pod("on"));
    let v = r.json(&["--changed-since", "HEAD", "--no-policy"]);
    assert_eq!(found(&v), vec![row("YAML003", "flags.yaml", 10)]);
    assert_eq!(changes(&v)["hidden"], 1);
    let all = r.json(&["--changed-since", "HEAD", "--no-policy", "--report", "all"]);
    // Both of the changed file; never the unchanged file's.
    assert_eq!(
        found(&all),
        vec![
            row("YAML003", "flags.yaml", 6),
            row("YAML003", "flags.yaml", 10)
        ]
    );
    assert_eq!(changes(&all)["report"], "all");
    assert_eq!(changes(&all)["hidden"], 0);

    // Every output format lists the same findings.
    let sarif = r.path().join("out.sarif");
    let step_summary = r.path().join("step-summary.md");
    let mut cmd = gitgate();
    cmd.env("GITHUB_STEP_SUMMARY", &step_summary);
    let run = r.check_with(
        cmd,
        &[
            "--changed-since",
            "HEAD",
            "--no-policy",
            "--format",
            "github",
            "--format",
            &format!("sarif={}", sarif.display()),
        ],
    );
    assert_eq!(run.code, 0, "warnings only: {}", run.stderr);
    let annotations: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::warning"))
        .collect();
    assert_eq!(annotations.len(), 1, "{}", run.stdout);
    assert!(
        annotations[0].contains("file=flags.yaml,line=10"),
        "{}",
        annotations[0]
    );
    assert!(run.stdout.contains("PR mode"), "{}", run.stdout);
    let md = std::fs::read_to_string(&step_summary).unwrap();
    assert!(
        md.contains("PR mode: 1 changed file since `HEAD`")
            && md.contains("1 more with `--report all`"),
        "{md}"
    );
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
}

#[test]
fn a_changed_policy_or_configuration_checks_everything() {
    if !have_git() {
        return;
    }
    let r = layered();
    r.write(
        "policy/replicas.rego",
        "package main\n\nimport rego.v1\n\ndeny contains msg if {\n  input.kind == \"Deployment\"\n  not input.spec.replicas\n  msg := \"set replicas\"\n}\n",
    );
    r.write(".gitgate.yaml", "policy: [policy]\n");
    r.commit("policy");
    // The policy now also wants a label: every Deployment, in files nobody changed, answers.
    r.write(
        "policy/replicas.rego",
        "package main\n\nimport rego.v1\n\ndeny contains msg if {\n  input.kind == \"Deployment\"\n  not input.spec.replicas\n  msg := \"set replicas\"\n}\n\ndeny contains msg if {\n  input.kind == \"Deployment\"\n  not input.metadata.labels.team\n  msg := \"label the team\"\n}\n",
    );
    let v = r.json(&["--changed-since", "HEAD"]);
    let c = changes(&v);
    assert_eq!(c["everything"], true, "{c}");
    assert_eq!(c["report"], "all");
    assert_eq!(v["summary"]["overlays"], 6);
    let teams = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("label the team"))
        .count();
    // One per Deployment rendered (2 bases, 4 overlays: each placed on its name, which
    // the overlays' namePrefix sets).
    assert_eq!(teams, 6, "{v}");

    // The configuration file itself.
    r.commit("label policy");
    r.write(".gitgate.yaml", "policy: [policy]\nfail-on: warning\n");
    let v = r.json(&["--changed-since", "HEAD"]);
    assert_eq!(changes(&v)["everything"], true);
}

#[test]
fn objects_of_unaffected_kustomizations_stay_in_the_policy_index() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    // Flux's layout: flux-system is a kustomization (rendering the GitRepository), the
    // cluster's Flux Kustomizations are plain files next to it.
    r.write(
        "clusters/prod/flux-system/kustomization.yaml",
        "resources:\n- gotk-sync.yaml\n",
    );
    r.write(
        "clusters/prod/flux-system/gotk-sync.yaml",
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m\n  ref:\n    branch: main\n  url: ssh://git@github.com/example/fleet\n",
    );
    let flux_ks = |source: &str| {
        format!(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  timeout: 5m\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: {source}\n"
        )
    };
    r.write("clusters/prod/apps.yaml", &flux_ks("flux-system"));
    r.write("apps/kustomization.yaml", "resources:\n- deployment.yaml\n");
    r.write("apps/deployment.yaml", &deployment("web", ""));
    r.commit("init");
    // A change to the Flux Kustomization (its interval): its sourceRef still resolves.
    r.write(
        "clusters/prod/apps.yaml",
        &flux_ks("flux-system").replace("interval: 10m", "interval: 15m"),
    );
    let v = r.json(&["--changed-since", "HEAD", "--report", "all"]);
    let rules: Vec<String> = found(&v).into_iter().map(|(rule, _, _)| rule).collect();
    assert!(!rules.contains(&"GG-FLUX-006".to_string()), "{rules:?}");
    let c = changes(&v);
    assert_eq!(c["kustomizations"]["affected"], 0);
    assert_eq!(c["kustomizations"]["index_only"], 1, "{c}");
    // Its objects are in the index, not checked: one object validated (the changed one).
    assert_eq!(v["summary"]["validated_objects"], 1);
    // A sourceRef to a repository that exists nowhere is still reported.
    r.write("clusters/prod/apps.yaml", &flux_ks("fleet-typo"));
    let v = r.json(&["--changed-since", "HEAD"]);
    assert!(found(&v)
        .iter()
        .any(|(rule, path, _)| rule == "GG-FLUX-006" && path == "clusters/prod/apps.yaml"));
}

#[test]
fn rev_dot_dot_dot_compares_with_the_merge_base() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    let cm = |name: &str, extra: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: \"1\"\n{extra}")
    };
    r.write("main.yaml", &cm("main", ""));
    r.write("feature.yaml", &cm("feature", ""));
    r.commit("init");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("feature.yaml", &cm("feature", "immutable: yes\n"));
    r.commit("feature work");
    // main moves on after the branch left it.
    r.git(&["checkout", "-q", "main"]);
    r.write("main.yaml", &cm("main", "  c: \"2\"\n"));
    r.commit("main work");
    r.git(&["checkout", "-q", "feature"]);
    let v = r.json(&["--changed-since", "main...", "-v"]);
    assert_eq!(changes(&v)["changed_files"], 1);
    assert_eq!(found(&v), vec![row("YAML003", "feature.yaml", 7)]);
    // Against main's tip, main's own change shows up as a difference too.
    let v = r.json(&["--changed-since", "main"]);
    assert_eq!(changes(&v)["changed_files"], 2);
}

#[test]
fn bad_revision_and_no_repository_are_usage_errors() {
    if !have_git() {
        return;
    }
    let r = layered();
    let run = r.check(&["--changed-since", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("revision `no-such-branch` not found"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("a.yaml"), "a: 1\n").unwrap();
    let mut cmd = gitgate();
    cmd.args(["check", "--changed-since", "HEAD"])
        .current_dir(plain.path())
        .env("GIT_CEILING_DIRECTORIES", plain.path().parent().unwrap());
    let run = run_cmd(&mut cmd);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--changed-since needs a Git repository"),
        "{}",
        run.stderr
    );
    // --report belongs to --changed-since.
    let run = r.check(&["--report", "all"]);
    assert_eq!(run.code, 2);
}

#[test]
fn the_json_summary_of_pr_mode_matches_the_published_schema() {
    if !have_git() {
        return;
    }
    let r = layered();
    r.write(
        "apps/web/base/deployment.yaml",
        &deployment("web", "\n        imagePullPolcy: Always"),
    );
    let tmp = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    for (name, args) in [
        ("changed", &["--changed-since", "HEAD"][..]),
        ("all", &["--changed-since", "HEAD", "--report", "all"][..]),
        ("files", &["--files", "apps/web/base/deployment.yaml"][..]),
    ] {
        let v = r.json(args);
        assert!(changes(&v).is_object(), "{name}: {v}");
        let out = tmp.path().join(format!("{name}.json"));
        std::fs::write(&out, v.to_string()).unwrap();
        reports.push(out);
    }
    if !common::tool_available(
        "check-jsonschema",
        "PyPI check-jsonschema validates the report schema",
    ) {
        return;
    }
    let schema = common::repo_dir().join("docs/gitgate-report.schema.json");
    let mut c = Command::new("check-jsonschema");
    c.arg("--schemafile").arg(&schema).args(&reports);
    let run = run_cmd(&mut c);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}
