//! The pre-commit hook (`.pre-commit-hooks.yaml`: `gitgate check --files`), run for real: a
//! temporary Git repository whose `.pre-commit-config.yaml` points at this checkout, with
//! `pre-commit install`, must refuse a commit that plants a violation and accept a clean one.
//! Also `--files` itself, without pre-commit.
//!
//! pre-commit installs the hook with `cargo install --path <its clone of this checkout>` (a
//! release build). The test points `CARGO_TARGET_DIR` at this build's target directory, so
//! the dependencies are compiled once and kept, and only the gitgate crate is built again for
//! a new commit; and it lowers the release profile to `opt-level = 1` with 16 codegen units
//! through cargo's environment (the same code, less optimised: the build time is what this
//! test pays, not the hook's speed). `PRE_COMMIT_HOME` is kept in the target directory too:
//! running the test again on the same commit reuses the installed hook. The install time is
//! printed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{gitgate, run_cmd, Run};

/// The target directory of this build (`…/target/debug/gitgate` → `…/target`).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_gitgate"))
        .parent()
        .and_then(Path::parent)
        .expect("target directory")
        .to_path_buf()
}

/// `pre-commit`, `git` and `cargo` on PATH; missing: a notice and a skip, or a failure
/// under `CI`.
fn tools() -> bool {
    common::tool_available("pre-commit", "runs the hook for real; PyPI pre-commit")
        && common::tool_available("git", "the repository the hook guards")
        && common::tool_available("cargo", "pre-commit builds the hook with cargo install")
}

struct Repo {
    dir: tempfile::TempDir,
    /// An empty global Git configuration: no user hooks, excludes or templates.
    gitconfig: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let gitconfig = dir.path().join(".gitconfig-empty");
        std::fs::write(&gitconfig, "").unwrap();
        let r = Repo { dir, gitconfig };
        std::fs::create_dir(r.path()).unwrap();
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    /// The repository (the temporary directory also holds the empty Git configuration).
    fn path(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.current_dir(self.path())
            .env("GIT_CONFIG_GLOBAL", &self.gitconfig)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE");
        c
    }

    fn git(&self, args: &[&str]) -> String {
        let r = run_cmd(self.cmd("git").args(args));
        assert_eq!(r.code, 0, "git {args:?}: {}", r.stderr);
        r.stdout
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn gitgate(&self, args: &[&str]) -> Run {
        let mut c = gitgate();
        c.arg("check").args(args).current_dir(self.path());
        run_cmd(&mut c)
    }
}

fn deployment(extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25.3{extra}
"
    )
}

/// A base with one overlay, an unrelated app whose overlay is broken, and a plain manifest.
fn app_repo() -> Repo {
    let r = Repo::new();
    r.write(
        "apps/web/base/kustomization.yaml",
        "resources:\n- deployment.yaml\n",
    );
    r.write("apps/web/base/deployment.yaml", &deployment(""));
    r.write(
        "apps/web/prod/kustomization.yaml",
        "resources:\n- ../base\nnamePrefix: prod-\n",
    );
    r.write(
        "apps/other/kustomization.yaml",
        "resources:\n- missing.yaml\n",
    );
    r
}

#[test]
fn files_checks_what_the_given_files_affect() {
    let r = app_repo();
    // A changed base file: its kustomization and the overlay using it; not the broken,
    // unrelated one. Every finding of them is reported (pre-commit passes whole files).
    r.write(
        "apps/web/base/deployment.yaml",
        &deployment("\n        imagePullPolcy: Always"),
    );
    let run = r.gitgate(&[
        "--files",
        "apps/web/base/deployment.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, String, u64, u64)> = common::findings(&v);
    assert_eq!(
        found,
        common::expect(&[("SCHEMA002", "apps/web/base/deployment.yaml", 15, 9)])
    );
    let c = &v["summary"]["changes"];
    assert_eq!(c["since"], serde_json::Value::Null);
    assert_eq!(c["kustomizations"]["affected"], 2);
    assert_eq!(c["kustomizations"]["total"], 3);
    assert_eq!(c["report"], "all");

    // A clean change passes, though the repository holds a broken kustomization elsewhere.
    r.write("apps/web/base/deployment.yaml", &deployment(""));
    let run = r.gitgate(&["--files", "apps/web/base/deployment.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("--files: 1 changed file; checked 2 of 3 kustomizations"),
        "{}",
        run.stdout
    );

    // A deleted file (a staged deletion): what read it no longer builds.
    std::fs::remove_file(r.path().join("apps/web/base/deployment.yaml")).unwrap();
    let run = r.gitgate(&["--files", "apps/web/base/deployment.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("error[KUST001]"), "{}", run.stdout);
    assert!(
        run.stdout.contains("apps/web/base/kustomization.yaml:2:3"),
        "{}",
        run.stdout
    );

    // Without files: a usage error.
    assert_eq!(r.gitgate(&["--files"]).code, 2);
}

#[test]
fn the_hook_blocks_a_commit_with_a_violation_and_passes_a_clean_one() {
    if !tools() {
        return;
    }
    let checkout = common::repo_dir();
    if !checkout.join(".git").exists() {
        if std::env::var_os("CI").is_some() {
            panic!("the checkout is not a Git repository");
        }
        eprintln!(
            "NOTICE: {} is not a Git repository; skipping",
            checkout.display()
        );
        return;
    }
    let r = app_repo();
    // The hook of this checkout, at its current commit (uncommitted changes are not in it).
    let rev = run_cmd(
        r.cmd("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(&checkout),
    );
    assert_eq!(rev.code, 0, "{}", rev.stderr);
    r.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n- repo: {}\n  rev: {}\n  hooks:\n  - id: gitgate\n",
            checkout.display(),
            rev.stdout.trim()
        ),
    );
    let home = target_dir().join("pre-commit-home");
    let pre = |args: &[&str]| {
        let mut c = r.cmd("pre-commit");
        c.args(args)
            .env("PRE_COMMIT_HOME", &home)
            .env("CARGO_TARGET_DIR", target_dir())
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env_remove("PRE_COMMIT_ALLOW_NO_CONFIG");
        run_cmd(&mut c)
    };
    let installed = pre(&["install"]);
    assert_eq!(
        installed.code, 0,
        "{}{}",
        installed.stdout, installed.stderr
    );
    // Build the hook's environment (cargo install), timed: the slow part.
    let started = Instant::now();
    let env = pre(&["install-hooks"]);
    assert_eq!(env.code, 0, "{}{}", env.stdout, env.stderr);
    eprintln!(
        "pre-commit install-hooks (cargo install of the hook) took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let commit = |msg: &str| {
        let mut c = r.cmd("git");
        c.args(["commit", "-q", "-m", msg])
            .env("PRE_COMMIT_HOME", &home)
            .env("CARGO_TARGET_DIR", target_dir());
        run_cmd(&mut c)
    };

    // A clean first commit passes (the unrelated broken kustomization is not staged).
    r.git(&["add", ".pre-commit-config.yaml", "apps/web"]);
    let ok = commit("web app");
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout.contains("gitgate") || ok.stderr.contains("gitgate"),
        "{}{}",
        ok.stdout,
        ok.stderr
    );

    // A typo in the base: the commit is refused, and the finding says where.
    r.write(
        "apps/web/base/deployment.yaml",
        &deployment("\n        imagePullPolcy: Always"),
    );
    r.git(&["add", "apps/web/base/deployment.yaml"]);
    let blocked = commit("typo");
    assert_ne!(
        blocked.code, 0,
        "the commit went through: {}",
        blocked.stdout
    );
    let out = format!("{}{}", blocked.stdout, blocked.stderr);
    assert!(out.contains("gitgate") && out.contains("Failed"), "{out}");
    assert!(out.contains("error[SCHEMA002]"), "{out}");
    assert!(
        out.contains("--> apps/web/base/deployment.yaml:15:9"),
        "{out}"
    );
    assert!(out.contains("in the output of 2 kustomizations"), "{out}");
    let head = r.git(&["log", "--oneline"]);
    assert_eq!(head.lines().count(), 1, "{head}");

    // Fixed: it goes through.
    r.write(
        "apps/web/base/deployment.yaml",
        &deployment("\n        imagePullPolicy: Always"),
    );
    r.git(&["add", "apps/web/base/deployment.yaml"]);
    let fixed = commit("fixed");
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
}
