//! Loader unit tests: spans, multi-document streams, Kubernetes scalar reading, and every trap.

use serde_json::json;

use super::tree::PathSeg;
use super::*;
use crate::diag::Finding;
use crate::walk::PathKind;

fn load(src: &str) -> (SourceFile, Vec<Finding>) {
    load_bytes(
        "f.yaml",
        PathKind::Yaml,
        src.as_bytes(),
        &LoadOptions::default(),
    )
}

fn path(p: &[&str]) -> Vec<PathSeg> {
    p.iter()
        .map(|s| match s.parse::<usize>() {
            Ok(i) => PathSeg::Index(i),
            Err(_) => PathSeg::Key(s.to_string()),
        })
        .collect()
}

/// (rule, line, col) of every finding.
fn ids(findings: &[Finding]) -> Vec<(&'static str, u32, u32)> {
    let mut v: Vec<_> = findings
        .iter()
        .map(|f| {
            let s = f.location.span.expect("span");
            (f.rule, s.start.line, s.start.col)
        })
        .collect();
    v.sort();
    v
}

const APP: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
spec:
  syncPolicy:
    automated:
      prune: true
  template:
    spec:
      containers:
        - name: a
          image: nginx:1.25
        - name: b
          image: \"busybox\"
";

#[test]
fn spans_of_nested_keys_and_sequence_items() {
    let (file, findings) = load(APP);
    assert!(findings.is_empty(), "{findings:?}");
    let doc = &file.docs[0];
    let prune = doc
        .locate(&path(&["spec", "syncPolicy", "automated", "prune"]))
        .unwrap();
    let key = prune.key.unwrap().span;
    assert_eq!((key.start.line, key.start.col), (8, 7));
    assert_eq!((key.end.line, key.end.col), (8, 12));
    assert_eq!(
        (prune.value.span.start.line, prune.value.span.start.col),
        (8, 14)
    );
    assert_eq!(&APP[prune.value.span.bytes()], "true");

    let image = doc
        .locate(&path(&[
            "spec",
            "template",
            "spec",
            "containers",
            "1",
            "image",
        ]))
        .unwrap();
    assert_eq!(
        (image.value.span.start.line, image.value.span.start.col),
        (15, 18)
    );
    assert_eq!(&APP[image.value.span.bytes()], "\"busybox\"");
    let item = doc
        .locate(&path(&["spec", "template", "spec", "containers", "1"]))
        .unwrap();
    assert!(item.key.is_none());
    assert_eq!((item.caret().start.line, item.caret().start.col), (14, 11));
    assert_eq!(
        item.caret().end.line,
        15,
        "a block item ends at its last child"
    );
}

#[test]
fn nearest_parent_when_path_is_missing() {
    let (file, _) = load(APP);
    let (found, depth) = file.docs[0]
        .locate_nearest(&path(&["spec", "syncPolicy", "retry", "limit"]))
        .unwrap();
    assert_eq!(depth, 2);
    assert_eq!(found.caret().start.line, 6);
}

#[test]
fn multi_document_files_keep_their_positions() {
    let src = "# leading comment\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n...\n";
    let (file, findings) = load(src);
    assert!(findings.is_empty());
    assert_eq!(file.docs.len(), 3);
    assert_eq!(
        file.docs[0].class,
        DocClass::Manifest {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            name: Some("a".into())
        }
    );
    assert_eq!(file.docs[1].class, DocClass::Empty);
    let name = file.docs[2].locate(&path(&["metadata", "name"])).unwrap();
    assert_eq!(name.value.span.start.line, 10);
    assert_eq!(file.docs[2].index, 2);
    assert_eq!(file.comments.len(), 1);
    assert_eq!(file.comments[0].text, " leading comment");
    assert_eq!(file.kind, FileKind::Manifest);
}

#[test]
fn a_syntax_error_does_not_hide_the_other_documents() {
    let src = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\ndata: [1, 2\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: c}\n";
    let (file, findings) = load(src);
    assert_eq!(file.docs.len(), 3);
    assert!(file.docs[0].value.is_some());
    assert_eq!(file.docs[1].class, DocClass::Broken);
    assert!(matches!(&file.docs[2].class, DocClass::Manifest { kind, .. } if kind == "Secret"));
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, "YAML001");
    assert_eq!(
        findings[0].location.span.unwrap().start.line,
        7,
        "the unclosed line"
    );
}

#[test]
fn duplicate_keys_are_errors_with_both_locations() {
    let src = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata:\n  on: x\n  \"true\": y\n";
    let (file, findings) = load(src);
    let dups: Vec<_> = findings.iter().filter(|f| f.rule == "YAML002").collect();
    assert_eq!(dups.len(), 2, "{findings:?}");
    assert_eq!(dups[0].location.span.unwrap().start.line, 5);
    assert_eq!(dups[0].related[0].location.span.unwrap().start.line, 4);
    // `on` and "true" are the same key once Kubernetes reads them.
    assert_eq!(dups[1].location.span.unwrap().start.line, 8);
    assert!(
        dups[1].message.contains("reads it as `true`")
            || dups[1].message.contains("duplicate key `true`")
    );
    // The value still converts, last one wins, like the API server.
    assert_eq!(
        file.docs[0].value.as_ref().unwrap()["metadata"]["name"],
        "b"
    );
}

#[test]
fn duplicate_keys_in_non_kubernetes_yaml_compare_text() {
    // A GitHub workflow: `on` and `true` are different keys in YAML 1.2.
    let src = "on: push\n\"true\": 1\njobs: {}\njobs: {}\n";
    let (_, findings) = load_bytes(
        ".github/workflows/ci.yaml",
        PathKind::NonKubernetes,
        src.as_bytes(),
        &LoadOptions::default(),
    );
    assert_eq!(ids(&findings), vec![("YAML002", 4, 1)]);
}

#[test]
fn yaml11_traps_are_warnings_at_the_value() {
    let src = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  A: yes\n  B: Off\n  C: 0755\n  D: 1.10\n  E: \"yes\"\n  F: true\n  G: 0\n  H: 1.5\n  I: 0o755\n  J: '0755'\n  K: 2.0\n  L: 08\n  y: 1\n";
    let (file, findings) = load(src);
    assert_eq!(
        ids(&findings),
        vec![
            ("YAML003", 5, 6),
            ("YAML003", 6, 6),
            ("YAML003", 17, 3),
            ("YAML004", 7, 6),
            ("YAML005", 8, 6),
            ("YAML005", 15, 6),
        ]
    );
    assert!(findings
        .iter()
        .all(|f| f.severity == crate::diag::Severity::Warning));
    let v = file.docs[0].value.as_ref().unwrap();
    assert_eq!(v["data"]["A"], json!(true));
    assert_eq!(v["data"]["B"], json!(false));
    assert_eq!(v["data"]["C"], json!(493));
    assert_eq!(v["data"]["D"], json!(1.1));
    assert_eq!(v["data"]["E"], json!("yes"));
    assert_eq!(v["data"]["I"], json!(493));
    assert_eq!(v["data"]["J"], json!("0755"));
    assert_eq!(v["data"]["K"], json!(2));
    assert_eq!(v["data"]["L"], json!(8));
    assert_eq!(v["data"]["true"], json!(1), "the key `y` becomes \"true\"");
}

#[test]
fn traps_are_not_reported_outside_kubernetes_yaml() {
    let src = "on:\n  push: {}\nenabled: yes\n";
    let (_, findings) = load_bytes(
        ".github/workflows/ci.yaml",
        PathKind::NonKubernetes,
        src.as_bytes(),
        &LoadOptions::default(),
    );
    assert!(findings.is_empty());
    let (file, findings) = load(src);
    assert!(findings.is_empty(), "no apiVersion/kind: not a manifest");
    assert_eq!(file.kind, FileKind::NonKubernetes);
}

#[test]
fn scalars_read_like_the_api_server() {
    let src = "apiVersion: v1\nkind: X\nmetadata: {name: a}\nv:\n  - ~\n  - null\n  -\n  - 1_000\n  - 0x1F\n  - -0b101\n  - +12\n  - 1e3\n  - .5\n  - 9223372036854775807\n  - 18446744073709551615\n  - 2001-12-14\n  - !!str 123\n  - !!int \"42\"\n  - 1:20\n  - |\n    literal\n";
    let (file, findings) = load(src);
    assert!(findings.iter().all(|f| f.rule != "YAML008"), "{findings:?}");
    assert_eq!(
        file.docs[0].value.as_ref().unwrap()["v"],
        json!([
            null,
            null,
            null,
            1000,
            31,
            -5,
            12,
            1000,
            0.5,
            9223372036854775807i64,
            18446744073709551615u64,
            "2001-12-14",
            "123",
            42,
            "1:20",
            "literal\n"
        ])
    );
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let src = "apiVersion: v1\nkind: X\nmetadata: {name: a}\nbase: &base\n  cpu: 1\n  mem: 2Gi\nsmall:\n  <<: *base\n  cpu: 2\nboth:\n  <<: [*base, {extra: true, cpu: 9}]\nlist: &l [a, b]\ncopy: *l\n";
    let (file, findings) = load(src);
    assert!(findings.is_empty(), "{findings:?}");
    let doc = &file.docs[0];
    let v = doc.value.as_ref().unwrap();
    assert_eq!(v["small"], json!({"cpu": 2, "mem": "2Gi"}));
    assert_eq!(v["both"], json!({"cpu": 1, "mem": "2Gi", "extra": true}));
    assert_eq!(v["copy"], json!(["a", "b"]));
    // Paths through aliases and merges find the anchored node.
    let mem = doc.locate(&path(&["small", "mem"])).unwrap();
    assert!(mem.via_alias);
    assert_eq!(mem.key.unwrap().span.start.line, 6);
    let cpu = doc.locate(&path(&["small", "cpu"])).unwrap();
    assert!(!cpu.via_alias);
    assert_eq!(cpu.key.unwrap().span.start.line, 9);
    let b = doc.locate(&path(&["copy", "1"])).unwrap();
    assert_eq!((b.value.span.start.line, b.value.span.start.col), (12, 14));
}

#[test]
fn alias_bomb_is_stopped_by_the_budget() {
    let mut src = String::from(
        "apiVersion: v1\nkind: X\nmetadata: {name: a}\na0: &a0 [x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        src.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let started = std::time::Instant::now();
    let (file, findings) = load(&src);
    assert!(started.elapsed().as_secs() < 10);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, "YAML006");
    assert_eq!(file.docs[0].class, DocClass::Broken);
    assert!(file.docs[0].value.is_none());
}

#[test]
fn self_referencing_alias_is_bounded() {
    let src = "apiVersion: v1\nkind: X\nmetadata: {name: a}\nloop: &l [*l]\n";
    let (_, findings) = load(src);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(matches!(
        findings[0].rule,
        "YAML006" | "YAML007" | "YAML001"
    ));
}

#[test]
fn deep_nesting_is_a_finding_not_a_crash() {
    // Flow nesting 10,000 deep: reported on its line. Block nesting: at the first key too deep
    // (k0 is on line 3 at depth 1, the root mapping; k255 at depth 256 is the last allowed).
    for (src, line) in [
        (
            format!(
                "apiVersion: v1\nkind: X\nx: {}{}\n",
                "[".repeat(10_000),
                "]".repeat(10_000)
            ),
            3,
        ),
        (
            format!(
                "apiVersion: v1\nkind: X\n{}",
                (0..400)
                    .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
                    .collect::<String>()
            ),
            259,
        ),
    ] {
        let (_, findings) = load(&src);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, "YAML007");
        assert_eq!(findings[0].location.span.unwrap().start.line, line);
    }
    let opts = LoadOptions {
        max_depth: 3,
        ..LoadOptions::default()
    };
    let (_, findings) = load_bytes(
        "f.yaml",
        PathKind::Yaml,
        b"a:\n  b:\n    c:\n      d: 1\n",
        &opts,
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, "YAML007");
}

#[test]
fn encodings_line_endings_and_empty_files() {
    // BOM + CRLF: positions are still right, values have no stray CR.
    let src = "\u{feff}apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf\r\ndata:\r\n  a: yes\r\n";
    let (file, findings) = load(src);
    assert_eq!(ids(&findings), vec![("YAML003", 6, 6)]);
    let span = findings[0].location.span.unwrap();
    assert_eq!(&src[span.bytes()], "yes");
    assert_eq!(
        file.docs[0].value.as_ref().unwrap()["metadata"]["name"],
        "crlf"
    );

    // Tabs as indentation: a syntax error at the tab.
    let (_, findings) = load("apiVersion: v1\nkind: X\ndata:\n\ta: b\n");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, "YAML001");
    assert_eq!(findings[0].location.span.unwrap().start.line, 4);

    for empty in ["", "# only\n# comments\n", "---\n", "\n\n"] {
        let (file, findings) = load(empty);
        assert!(findings.is_empty(), "{empty:?}");
        assert_eq!(file.kind, FileKind::Empty, "{empty:?}");
    }

    let (file, findings) = load_bytes(
        "f.yaml",
        PathKind::Yaml,
        b"a: caf\xe9\n",
        &LoadOptions::default(),
    );
    assert_eq!(file.kind, FileKind::Unreadable);
    assert_eq!(ids(&findings), vec![("FILE002", 1, 7)]);

    let (_, findings) = load_bytes(
        "f.yaml",
        PathKind::Yaml,
        b"a: 1\n\x00\x01",
        &LoadOptions::default(),
    );
    assert_eq!(ids(&findings), vec![("FILE003", 2, 1)]);
}

#[test]
fn non_ascii_columns_count_characters() {
    let src = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"héllo wörld\"}\ndata: {ünïcode: yes}\n";
    let (_, findings) = load(src);
    let s = findings[0].location.span.unwrap();
    assert_eq!((s.start.line, s.start.col), (4, 17));
    assert_eq!(&src[s.bytes()], "yes");
}

#[test]
fn classification() {
    let sops = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  pw: ENC[AES256_GCM,data:abc,type:str]\nsops:\n  mac: ENC[x]\n  lastmodified: '2024-01-01T00:00:00Z'\n";
    let (file, _) = load(sops);
    assert_eq!(file.kind, FileKind::Sops);
    assert!(file.docs[0].sops);

    let (file, _) = load_bytes(
        "kustomization.yaml",
        PathKind::Kustomization,
        b"resources: [a.yaml]\n",
        &LoadOptions::default(),
    );
    assert_eq!(file.kind, FileKind::Kustomization);
    assert_eq!(file.docs[0].class, DocClass::Kustomization);

    // An ApplicationSet with quoted template expressions is YAML, not a template.
    let appset = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: x}\nspec:\n  template:\n    metadata:\n      name: '{{cluster}}-app'\n";
    let (file, findings) = load(appset);
    assert!(findings.is_empty());
    assert_eq!(file.kind, FileKind::Manifest);

    // Go-template YAML that does not parse is a template.
    let tpl = "{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n{{- end }}\n";
    let (file, findings) = load(tpl);
    assert_eq!(file.kind, FileKind::Templated);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, "FILE007");
}

#[test]
fn secret_values_are_redacted() {
    let src = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: hunter2-very-secret\n  token: yes\ndata:\n  key: c2VjcmV0\n";
    let (file, findings) = load(src);
    let shown = file.redacted_text().unwrap();
    assert_eq!(shown.len(), src.len());
    for secret in ["hunter2-very-secret", "c2VjcmV0", "token: yes"] {
        assert!(!shown.contains(secret), "{secret} visible in {shown}");
    }
    assert!(shown.contains("name: s"));
    let trap = findings.iter().find(|f| f.rule == "YAML003").unwrap();
    assert!(!trap.message.contains("yes") && !trap.help.as_deref().unwrap_or("").contains("yes"));

    // A Secret that does not parse is still masked.
    let broken =
        "apiVersion: v1\nkind: Secret\nstringData:\n  password: hunter2-very-secret\n  bad: [\n";
    let (file, findings) = load(broken);
    assert_eq!(findings[0].rule, "YAML001");
    let shown = file.redacted_text().unwrap();
    assert!(!shown.contains("hunter2"), "{shown}");
}
