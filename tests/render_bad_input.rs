//! Rendering hostile or broken kustomizations: a clear error (or finding) at the line that
//! refers to the problem, never a panic or a hang; the rest of the repository is still checked.

mod common;

use std::os::unix::fs::symlink;
use std::time::{Duration, Instant};

use common::*;

fn alias_bomb() -> String {
    let mut s = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        s.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    s
}

#[test]
fn broken_kustomizations_give_located_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    write(t, "ok/kustomization.yaml", "resources:\n  - cm.yaml\n");
    write(
        t,
        "ok/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n",
    );
    write(t, "bomb/kustomization.yaml", "resources:\n  - bomb.yaml\n");
    write(t, "bomb/bomb.yaml", alias_bomb());
    write(t, "deep/kustomization.yaml", "resources:\n  - deep.yaml\n");
    write(
        t,
        "deep/deep.yaml",
        format!(
            "apiVersion: v1\nkind: X\nx: {}{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        ),
    );
    write(
        t,
        "binary/kustomization.yaml",
        "resources:\n  - blob.yaml\n",
    );
    write(t, "binary/blob.yaml", b"\x00\x01\x02binary");
    write(t, "latin1/kustomization.yaml", "resources:\n  - cm.yaml\n");
    write(
        t,
        "latin1/cm.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n",
    );
    write(
        t,
        "cycle-a/kustomization.yaml",
        "resources:\n  - ../cycle-b\n",
    );
    write(
        t,
        "cycle-b/kustomization.yaml",
        "resources:\n  - ../cycle-a\n",
    );
    write(t, "self/kustomization.yaml", "resources:\n  - .\n");
    write(
        t,
        "missing/kustomization.yaml",
        "resources:\n  - ../nope\n  - gone.yaml\n",
    );
    write(
        t,
        "escape/kustomization.yaml",
        "resources:\n  - ../../../../etc/hostname\n",
    );
    write(
        t,
        "remote/kustomization.yaml",
        "resources:\n  - https://github.com/example/repo//deploy?ref=v1.0.0\n  - cm.yaml\n",
    );
    write(
        t,
        "remote/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: local}\n",
    );
    write(t, "badpatch/kustomization.yaml", "resources:\n  - cm.yaml\npatches:\n  - patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata: {name: other}\n");
    write(
        t,
        "badpatch/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
    );
    std::fs::create_dir_all(t.join("loop")).unwrap();
    write(t, "loop/kustomization.yaml", "resources:\n  - sub\n");
    symlink(".", t.join("loop/sub")).unwrap();

    let started = Instant::now();
    let (code, report) = check_json(t, &[]);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(code, 1);
    let kust: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0.starts_with("KUST"))
        .collect();
    let at = |path: &str| {
        kust.iter()
            .filter(|f| f.1 == path)
            .map(|f| (f.0.as_str(), f.2, f.3))
            .collect::<Vec<_>>()
    };
    assert_eq!(at("bomb/kustomization.yaml"), vec![("KUST001", 2, 5)]);
    assert_eq!(at("deep/kustomization.yaml"), vec![("KUST001", 2, 5)]);
    assert_eq!(at("binary/kustomization.yaml"), vec![("KUST001", 2, 5)]);
    assert_eq!(at("latin1/kustomization.yaml"), vec![("KUST001", 2, 5)]);
    assert_eq!(at("missing/kustomization.yaml"), vec![("KUST001", 2, 5)]);
    assert_eq!(at("escape/kustomization.yaml"), vec![("KUST001", 2, 5)]);
    assert_eq!(at("remote/kustomization.yaml"), vec![("KUST002", 2, 5)]);
    assert_eq!(at("badpatch/kustomization.yaml"), vec![("KUST001", 4, 5)]);
    assert_eq!(at("self/kustomization.yaml"), vec![("KUST001", 2, 5)]);
    assert_eq!(at("loop/kustomization.yaml"), vec![("KUST001", 2, 5)]);
    // The cycle is reported (through whichever side is built first), once per side.
    assert!(kust
        .iter()
        .any(|f| f.1.starts_with("cycle-") && f.0 == "KUST001"));
    let messages: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("KUST"))
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("cycle detected")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("not in or below")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("not fetched")),
        "{messages:#?}"
    );
    // Healthy kustomizations still render.
    assert!(report["summary"]["overlays"].as_u64().unwrap() >= 2);

    // `gitgate render` on a broken one: exit 1 and an error naming the line.
    let r = run(&["render", t.join("missing").to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("kustomization.yaml:2:5"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}
