//! Differential test: every kustomization directory in `examples/` and `tests/fixtures/render/`
//! is rendered by `gitgate render` and by `kubectl kustomize` (kustomize v5.5.0, the oracle).
//! Both must succeed with byte-identical output, or both must fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn kustomization_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in walk(root) {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if matches!(
            name,
            "kustomization.yaml" | "kustomization.yml" | "Kustomization"
        ) {
            out.push(entry.parent().unwrap().to_path_buf());
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn kubectl(dir: &Path, extra: &[&str]) -> Result<String, String> {
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .args(extra)
        .output()
        .expect("run kubectl");
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn gitgate_render(dir: &Path, extra: &[&str]) -> Result<String, String> {
    let mut args = vec!["render", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let r = run(&args);
    match r.code {
        0 => Ok(r.stdout),
        1 => Err(r.stderr),
        other => panic!("gitgate render exited {other}: {}", r.stderr),
    }
}

#[test]
fn render_matches_kubectl_kustomize() {
    if !tool_available("kubectl", "kubectl kustomize is the rendering oracle") {
        return;
    }
    let mut dirs = kustomization_dirs(&repo_dir().join("examples"));
    dirs.extend(kustomization_dirs(&fixture("render")));
    assert!(dirs.len() >= 8, "{dirs:?}");
    let mut compared = 0;
    let mut failures = Vec::new();
    for dir in &dirs {
        for flags in [&[][..], &["--load-restrictor", "LoadRestrictionsNone"][..]] {
            let ours = gitgate_render(dir, flags);
            let theirs = kubectl(dir, flags);
            compared += 1;
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) if a == b => {}
                (Err(_), Err(_)) => {}
                _ => failures.push(format!(
                    "{} {flags:?}:\n--- gitgate: {}\n--- kubectl: {}",
                    dir.display(),
                    ours.as_ref()
                        .map_or_else(|e| format!("error {e}"), |o| format!("{} bytes", o.len())),
                    theirs
                        .as_ref()
                        .map_or_else(|e| format!("error {e}"), |o| format!("{} bytes", o.len())),
                )),
            }
        }
    }
    println!(
        "render differential: {} of {compared} agree",
        compared - failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
