//! Helpers shared by the integration tests: run the real binary, read its JSON.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo_dir().join("tests/fixtures").join(name)
}

pub fn gitgate() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gitgate"));
    c.env_remove("NO_COLOR");
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    run_cmd(gitgate().args(args))
}

pub fn run_cmd(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run gitgate");
    Run {
        code: status.code().expect("exit code (not killed by a signal)"),
        stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
    }
}

/// `gitgate check <dir> --root <dir> --format json`, parsed.
pub fn check_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let d = dir.to_str().unwrap();
    let mut args = vec!["check", d, "--root", d, "--format", "json"];
    args.extend_from_slice(extra);
    let r = run(&args);
    assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON report");
    (r.code, v)
}

/// (rule, path, line, column) of every finding; line/column 0 when it has no span.
pub fn findings(report: &Value) -> Vec<(String, String, u64, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["location"];
            (
                f["rule"].as_str().unwrap().to_string(),
                l["path"].as_str().unwrap().to_string(),
                l["start"]["line"].as_u64().unwrap_or(0),
                l["start"]["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

pub fn expect(rows: &[(&str, &str, u64, u64)]) -> Vec<(String, String, u64, u64)> {
    rows.iter()
        .map(|(r, p, l, c)| (r.to_string(), p.to_string(), *l, *c))
        .collect()
}

/// The kind gitgate gave each file.
pub fn kinds(report: &Value) -> Vec<(String, String)> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Whether an external tool is on PATH. In CI (`CI` set) a missing tool is a failure, elsewhere
/// the test prints a notice and skips.
pub fn tool_available(name: &str, why: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("`{name}` is required in CI ({why}); .ci/run installs it");
        }
        eprintln!("NOTICE: skipping: `{name}` not installed ({why})");
    }
    found
}

pub fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}
