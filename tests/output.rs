//! Output formats: rustc-style text, colour control, the versioned JSON schema, and secrets
//! never shown in any of them.

mod common;

use common::*;

const SECRET: &str = "Sup3r-S3cret-Passw0rd";
const SECRET_B64: &str = "U3VwM3ItUzNjcmV0LVBhc3N3MHJk";

fn secret_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // Every finding here sits on a line holding a secret value.
    write(
        t,
        "secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: {SECRET}\n  password: {SECRET}\n  enabled: yes\n  pin: 0755\n  version: 1.10\ndata:\n  token: {SECRET_B64}\n  token: {SECRET_B64}\n"
        ),
    );
    write(
        t,
        "broken-secret.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\nstringData:\n  password: {SECRET}\n  other: [unclosed, {SECRET}\n"),
    );
    tmp
}

#[test]
fn secret_values_never_appear_in_any_output() {
    let tmp = secret_repo();
    let d = tmp.path().to_str().unwrap();
    for args in [
        vec!["check", d, "--root", d],
        vec!["check", d, "--root", d, "--color", "always"],
        vec!["check", d, "--root", d, "--format", "json"],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 1, "{}", r.stderr);
        for out in [&r.stdout, &r.stderr] {
            for secret in [
                SECRET,
                SECRET_B64,
                "0755",
                "1.10",
                "493",
                "number 1.1",
                "read as 1",
            ] {
                assert!(
                    !out.contains(secret),
                    "`{secret}` leaked with {args:?}:\n{out}"
                );
            }
        }
        if args.contains(&"json") {
            let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
            let rules: Vec<_> = findings(&v).into_iter().map(|f| f.0).collect();
            assert_eq!(
                rules,
                vec![
                    "YAML001",
                    "YAML002",
                    // Secret values must be strings: `yes`, 0755 and 1.10 are not.
                    "SCHEMA001",
                    "YAML003",
                    "SCHEMA001",
                    "YAML004",
                    "SCHEMA001",
                    "YAML005",
                    "YAML002",
                    // The plaintext Secret itself (bundled policy), located without its value.
                    "GG-SEC-001"
                ],
                "every finding is still reported, just masked"
            );
        } else {
            assert!(r.stdout.contains("password: ****"), "{}", r.stdout);
        }
    }
}

#[test]
fn text_is_rustc_style() {
    let d = fixture("mistakes");
    let d = d.to_str().unwrap();
    let r = run(&["check", d, "--root", d]);
    assert_eq!(r.code, 1);
    let expected = "\
error[YAML002]: duplicate key `replicas`
 --> apps/deployment.yaml:9:3
  |
6 |   replicas: 2
  |   -------- `replicas` first defined here
...
9 |   replicas: 3
  |   ^^^^^^^^ duplicate key
  |
  = help: remove one of the two keys: kubectl keeps the last value, kustomize rejects the file or keeps the first
";
    assert!(r.stdout.contains(expected), "{}", r.stdout);
    assert!(r
        .stdout
        .contains("warning[YAML003]: `on` is read as the boolean true"));
    assert!(r
        .stdout
        .contains("note[FILE007]: template file (by its name): skipped"));
    // Sorted by file, then line.
    let order: Vec<usize> = [
        "apps/config.yaml:6",
        "apps/config.yaml:7",
        "apps/config.yaml:14",
        "apps/deployment.yaml:9",
        "charts/demo/Chart.yaml:1",
        "templates/ns.yaml.j2",
    ]
    .iter()
    .map(|p| r.stdout.find(p).unwrap_or_else(|| panic!("{p} missing")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let last = r.stdout.trim_end().lines().last().unwrap();
    assert!(
        last.starts_with(
            "gitgate: checked 5 files (7 documents, 2 skipped), validated 3 objects in "
        ) && last.ends_with("s: 5 errors, 3 warnings, 2 notes"),
        "{last}"
    );
    assert!(!r.stdout.contains('\x1b'), "no colour when not a terminal");
}

#[test]
fn colour_is_controlled() {
    let d = fixture("mistakes");
    let d = d.to_str().unwrap();
    let always = run(&["check", d, "--root", d, "--color", "always"]);
    assert!(always.stdout.contains('\x1b'));
    let never = run(&["check", d, "--root", d, "--color", "never"]);
    assert!(!never.stdout.contains('\x1b'));
    // NO_COLOR wins over a terminal in auto mode; under `script` stdout is a terminal.
    // stderr (where the progress line goes on a terminal) is left out: `script` would merge it.
    if tool_available("script", "util-linux, for a pseudo-terminal") {
        let cmd = |no_color: bool| {
            let mut c = std::process::Command::new("script");
            c.args([
                "-qec",
                &format!(
                    "{} check {d} --root {d} 2>/dev/null",
                    env!("CARGO_BIN_EXE_gitgate")
                ),
                "/dev/null",
            ]);
            c.env_remove("NO_COLOR");
            if no_color {
                c.env("NO_COLOR", "1");
            }
            run_cmd(&mut c)
        };
        assert!(cmd(false).stdout.contains('\x1b'), "colour on a terminal");
        assert!(!cmd(true).stdout.contains('\x1b'), "NO_COLOR turns it off");
    }
}

#[test]
fn json_report_matches_its_published_schema() {
    let schema = repo_dir().join("docs/gitgate-report.schema.json");
    let tmp = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    for (name, dir) in [
        ("mistakes", fixture("mistakes")),
        ("clean", fixture("clean")),
        ("secrets", secret_repo().keep()),
    ] {
        let (_, report) = check_json(&dir, &[]);
        assert_eq!(report["version"], 1);
        let out = tmp.path().join(format!("{name}.json"));
        std::fs::write(&out, serde_json::to_string(&report).unwrap()).unwrap();
        reports.push(out);
    }
    if !tool_available(
        "check-jsonschema",
        "PyPI check-jsonschema validates the report schema",
    ) {
        return;
    }
    let mut c = std::process::Command::new("check-jsonschema");
    c.arg("--schemafile").arg(&schema).args(&reports);
    let r = run_cmd(&mut c);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}
