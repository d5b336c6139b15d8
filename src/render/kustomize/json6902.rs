//! JSON patches (RFC 6902) the way kustomize v5.5 applies them (`patches:` with a list of ops,
//! `patchesJson6902`): evanphx/json-patch v5 on the resource's JSON form.
//!
//! kustomize turns the resource into JSON, applies the ops and reads the result back. We apply
//! the ops on the node tree instead (so untouched nodes keep their provenance) and reproduce
//! what the round trip changes in the data:
//! - values come from the patch as sigs.k8s.io/yaml reads YAML (go-yaml v2, YAML 1.1: `yes` is
//!   `true`, `0755` is 493, `1_000` is 1000), as strings, numbers, booleans and nulls; nodes an
//!   op sets carry the provenance of the patch text that set them (a copied subtree, the op's);
//! - every number passes through a float64 (integers beyond 2^53 lose precision);
//! - a document holding `.inf`/`.nan` cannot be turned into JSON: error.
//!
//! Key order is irrelevant to the output (kustomize prints every map with sorted keys); here
//! existing keys keep their place and new ones are appended.
//!
//! evanphx v5 specifics kept: negative array indices count from the end (`/a/-1` is the last
//! element; `add` at `-1` appends), `01`/`+1` are read as indices, `move`/`copy` read `from`
//! first. `test` compares as JSON (numbers by value) and fails on a missing path.

use crate::load::resolve::{resolve_scalar, Scalar as Resolved};
use crate::load::tree::ScalarStyle;
use crate::render::node::{resolve_v3, Kind, Prov, RNode, Style, Tag};

/// Applies the ops (a list of `{op, path, from, value}` maps) to `target`, in order. An error
/// names the failing op's index, kind and path.
pub fn apply(target: &mut RNode, ops: &RNode) -> Result<(), String> {
    let Kind::Seq(list) = &ops.kind else {
        return Err("a JSON patch must be a list of operations".into());
    };
    let mut doc = target.clone();
    check_finite(&doc, &mut String::new())?;
    for (i, op) in list.iter().enumerate() {
        apply_op(&mut doc, op).map_err(|e| {
            let kind = op.str_at(&["op"]).unwrap_or("?");
            match op.str_at(&["path"]) {
                Some(p) => format!("JSON patch op {i} ({kind} {:?}): {e}", p),
                None => format!("JSON patch op {i} ({kind}): {e}"),
            }
        })?;
    }
    if !doc.is_map() {
        return Err("the JSON patch leaves something other than an object".into());
    }
    through_float64(&mut doc);
    *target = doc;
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
}

fn apply_op(doc: &mut RNode, op: &RNode) -> Result<(), String> {
    if !op.is_map() {
        return Err("an operation must be a map with `op` and `path`".into());
    }
    let name = op.get("op").ok_or("missing `op`")?;
    let kind = match name.as_str().ok_or("`op` is not a string")? {
        "add" => Op::Add,
        "remove" => Op::Remove,
        "replace" => Op::Replace,
        "move" => Op::Move,
        "copy" => Op::Copy,
        "test" => Op::Test,
        other => {
            return Err(format!(
                "unknown op {other:?} (add, remove, replace, move, copy, test)"
            ))
        }
    };
    let path_node = op.get("path").ok_or("missing `path`")?;
    let path = pointer(path_node.as_str().ok_or("`path` is not a string")?)?;
    // evanphx treats a missing `value` as `null`.
    let value = || -> Result<RNode, String> {
        match op.get("value") {
            Some(v) => json_node(v),
            None => Ok(RNode::implicit("null").with_prov(op.prov.clone())),
        }
    };
    let from = || -> Result<Vec<String>, String> {
        let f = op.get("from").ok_or("missing `from`")?;
        pointer(f.as_str().ok_or("`from` is not a string")?)
    };
    let key_prov = path_node.prov.clone();
    match kind {
        Op::Add => add(doc, &path, value()?, key_prov),
        Op::Remove => remove(doc, &path).map(drop),
        Op::Replace => replace(doc, &path, value()?, key_prov),
        Op::Move => {
            let from = from()?;
            if path.len() > from.len() && path[..from.len()] == from[..] {
                return Err("cannot move a value into itself".into());
            }
            let v = remove(doc, &from)?;
            add(doc, &path, v, key_prov)
        }
        Op::Copy => {
            // A missing key in an existing map copies `null`, as evanphx does.
            let mut v = lookup(doc, &from()?)?
                .cloned()
                .unwrap_or_else(|| RNode::implicit("null"));
            set_prov(&mut v, &op.prov);
            add(doc, &path, v, key_prov)
        }
        Op::Test => {
            let want = value()?.to_json();
            let ok = match lookup(doc, &path)? {
                Some(have) => json_eq(&have.to_json(), &want),
                None => want.is_null(),
            };
            if ok {
                Ok(())
            } else {
                Err("test failed: the value differs".into())
            }
        }
    }
}

/// An RFC 6901 pointer: `""` is the whole document.
fn pointer(p: &str) -> Result<Vec<String>, String> {
    if p.is_empty() {
        return Ok(Vec::new());
    }
    let rest = p
        .strip_prefix('/')
        .ok_or_else(|| format!("{p:?} is not a JSON pointer (it must start with `/`)"))?;
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// An array index as evanphx reads it; negative counts from the end. `len` is the length the
/// index may reach (one more than the array for `add`).
fn index(token: &str, len: usize) -> Result<usize, String> {
    let i: i64 = token
        .parse()
        .map_err(|_| format!("{token:?} is not an array index"))?;
    let len = len as i64;
    let i = if i < 0 { i + len } else { i };
    if i < 0 || i >= len {
        return Err(format!("index {token} is out of range"));
    }
    Ok(i as usize)
}

fn get<'a>(doc: &'a RNode, path: &[String]) -> Option<&'a RNode> {
    let mut n = doc;
    for t in path {
        n = match &n.kind {
            Kind::Map(_) => n.get(t)?,
            Kind::Seq(items) => items.get(index(t, items.len()).ok()?)?,
            Kind::Scalar(_) => return None,
        };
    }
    Some(n)
}

/// The value at `path`: `None` for a missing key of an existing map, an error when the path
/// does not reach a container or an index is invalid.
fn lookup<'a>(doc: &'a RNode, path: &[String]) -> Result<Option<&'a RNode>, String> {
    let Some(last) = path.last() else {
        return Ok(Some(doc));
    };
    let parent = get(doc, &path[..path.len() - 1])
        .filter(|p| p.is_map() || p.is_seq())
        .ok_or("the path does not exist in the resource")?;
    match &parent.kind {
        Kind::Seq(items) => Ok(Some(&items[index(last, items.len())?])),
        _ => Ok(parent.get(last)),
    }
}

fn get_mut<'a>(doc: &'a mut RNode, path: &[String]) -> Option<&'a mut RNode> {
    let mut n = doc;
    for t in path {
        n = match &mut n.kind {
            Kind::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| k.as_str() == Some(t.as_str()))
                .map(|(_, v)| v)?,
            Kind::Seq(items) => {
                let i = index(t, items.len()).ok()?;
                items.get_mut(i)?
            }
            Kind::Scalar(_) => return None,
        };
    }
    Some(n)
}

fn parent<'a>(doc: &'a mut RNode, path: &[String]) -> Result<&'a mut RNode, String> {
    let parent = &path[..path.len() - 1];
    match get_mut(doc, parent) {
        Some(p) if p.is_map() || p.is_seq() => Ok(p),
        _ => Err("the path does not exist in the resource".into()),
    }
}

fn add(
    doc: &mut RNode,
    path: &[String],
    value: RNode,
    key_prov: Option<Prov>,
) -> Result<(), String> {
    let Some(last) = path.last() else {
        return Err("cannot add at the document root (use replace)".into());
    };
    let p = parent(doc, path)?;
    match &mut p.kind {
        Kind::Map(entries) => {
            match entries.iter_mut().find(|(k, _)| k.as_str() == Some(last)) {
                Some((_, v)) => *v = value,
                None => entries.push((RNode::string(last.clone()).with_prov(key_prov), value)),
            }
            Ok(())
        }
        Kind::Seq(items) => {
            if last == "-" {
                items.push(value);
            } else {
                let i = index(last, items.len() + 1)?;
                items.insert(i, value);
            }
            Ok(())
        }
        Kind::Scalar(_) => unreachable!("parent() returns containers"),
    }
}

fn remove(doc: &mut RNode, path: &[String]) -> Result<RNode, String> {
    let Some(last) = path.last() else {
        return Err("cannot remove the whole resource".into());
    };
    let p = parent(doc, path)?;
    match &mut p.kind {
        Kind::Map(entries) => {
            let i = entries
                .iter()
                .position(|(k, _)| k.as_str() == Some(last))
                .ok_or("the path does not exist in the resource")?;
            Ok(entries.remove(i).1)
        }
        Kind::Seq(items) => {
            let i = index(last, items.len())?;
            Ok(items.remove(i))
        }
        Kind::Scalar(_) => unreachable!("parent() returns containers"),
    }
}

/// Like evanphx: a missing key of an existing map is added.
fn replace(
    doc: &mut RNode,
    path: &[String],
    value: RNode,
    key_prov: Option<Prov>,
) -> Result<(), String> {
    let Some(last) = path.last() else {
        *doc = value;
        return Ok(());
    };
    let p = parent(doc, path)?;
    if let Kind::Seq(items) = &mut p.kind {
        let i = index(last, items.len())?;
        items[i] = value;
        return Ok(());
    }
    add(doc, path, value, key_prov)
}

fn set_prov(n: &mut RNode, prov: &Option<Prov>) {
    n.prov.clone_from(prov);
    match &mut n.kind {
        Kind::Scalar(_) => {}
        Kind::Seq(items) => items.iter_mut().for_each(|i| set_prov(i, prov)),
        Kind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            set_prov(k, prov);
            set_prov(v, prov);
        }),
    }
}

/// A patch value as sigs.k8s.io/yaml turns it into JSON, as nodes that keep where each part was
/// written.
fn json_node(v: &RNode) -> Result<RNode, String> {
    let kind = match &v.kind {
        Kind::Scalar(s) => {
            let style = match s.style {
                Style::Plain => ScalarStyle::Plain,
                Style::SingleQuoted => ScalarStyle::SingleQuoted,
                Style::DoubleQuoted => ScalarStyle::DoubleQuoted,
                Style::Literal => ScalarStyle::Literal,
                Style::Folded => ScalarStyle::Folded,
            };
            let tag = match &s.tag {
                Tag::Implicit => None,
                Tag::Str => Some("!!str"),
                Tag::Explicit(t) => Some(&**t),
            };
            let text = match resolve_scalar(&s.value, style, tag) {
                Resolved::Null => "null".to_string(),
                Resolved::Bool(b) => b.to_string(),
                Resolved::Int(i) => i.to_string(),
                Resolved::Uint(u) => u.to_string(),
                Resolved::Float(f) => float_text(f)
                    .ok_or_else(|| format!("`{}` (NaN or infinity) has no JSON form", s.value))?,
                Resolved::Str => {
                    return Ok(RNode::string(s.value.clone()).with_prov(v.prov.clone()))
                }
            };
            return Ok(RNode::implicit(text).with_prov(v.prov.clone()));
        }
        Kind::Seq(items) => Kind::Seq(items.iter().map(json_node).collect::<Result<_, _>>()?),
        Kind::Map(entries) => {
            let mut out: Vec<(RNode, RNode)> = Vec::with_capacity(entries.len());
            for (k, val) in entries {
                let key = json_key(k)?;
                let val = json_node(val)?;
                // Later duplicates win, as when decoding into a map.
                match out.iter_mut().find(|(ok, _)| ok.as_str() == Some(&key)) {
                    Some(slot) => slot.1 = val,
                    None => out.push((RNode::string(key).with_prov(k.prov.clone()), val)),
                }
            }
            Kind::Map(out)
        }
    };
    Ok(RNode {
        kind,
        prov: v.prov.clone(),
    })
}

/// A map key as sigs.k8s.io/yaml makes a JSON key of it (`yes` → `"true"`, `1` → `"1"`).
fn json_key(k: &RNode) -> Result<String, String> {
    let Kind::Scalar(_) = &k.kind else {
        return Err("a map key in a patch value is not a scalar".into());
    };
    let j = json_node(k)?;
    match j.to_json() {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Null => Err("a map key in a patch value is null".into()),
        other => Ok(other.to_string()),
    }
}

/// Go's encoding/json text for a float64: the shortest digits that read back, written without
/// an exponent from 1e-6 to 1e21 (`12345678901234567000`, `0.000001`, `1e+21`).
fn float_text(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some("0".into());
    }
    // Rust's `{:e}` prints the shortest round-tripping digits: `1.2345678901234567e19`.
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let abs = f.abs();
    if !(1e-6..1e21).contains(&abs) {
        let frac = &digits[1..];
        let m = if frac.is_empty() {
            digits[..1].to_string()
        } else {
            format!("{}.{frac}", &digits[..1])
        };
        // Go writes `e+21` and `e-7` (it trims `e-07`).
        let exp = if exp < 0 {
            format!("-{}", -exp)
        } else {
            format!("+{exp:02}")
        };
        return Some(format!("{sign}{m}e{exp}"));
    }
    // Decimal point after position exp+1 of the digits.
    let point = exp + 1;
    let text = if point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        format!(
            "{}.{}",
            &digits[..point as usize],
            &digits[point as usize..]
        )
    };
    Some(format!("{sign}{text}"))
}

/// The resource went through JSON: every number became a float64.
fn through_float64(n: &mut RNode) {
    match &mut n.kind {
        Kind::Scalar(s) => {
            if s.tag != Tag::Implicit || s.style != Style::Plain {
                return;
            }
            let digits = s.value.strip_prefix(['-', '+']).unwrap_or(&s.value);
            if digits.len() < 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return;
            }
            if let Ok(f) = s.value.parse::<f64>() {
                if f.abs() > 9_007_199_254_740_992.0 {
                    if let Some(t) = float_text(f) {
                        s.value = t;
                    }
                }
            }
        }
        Kind::Seq(items) => items.iter_mut().for_each(through_float64),
        Kind::Map(entries) => entries.iter_mut().for_each(|(_, v)| through_float64(v)),
    }
}

/// kustomize fails on documents JSON cannot hold.
fn check_finite(n: &RNode, path: &mut String) -> Result<(), String> {
    match &n.kind {
        Kind::Scalar(s) => {
            if s.tag == Tag::Implicit && s.style == Style::Plain {
                if let serde_json::Value::String(_) = resolve_v3(&s.value) {
                    let v = s.value.to_ascii_lowercase();
                    if matches!(v.as_str(), ".inf" | "+.inf" | "-.inf" | ".nan") {
                        return Err(format!(
                            "the resource holds `{}` at {}, which JSON cannot represent",
                            s.value,
                            if path.is_empty() { "/" } else { path }
                        ));
                    }
                }
            }
            Ok(())
        }
        Kind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                check_finite(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Kind::Map(entries) => {
            for (k, v) in entries {
                let len = path.len();
                path.push('/');
                path.push_str(k.as_str().unwrap_or_default());
                check_finite(v, path)?;
                path.truncate(len);
            }
            Ok(())
        }
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
fn json_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::render::kustomize::smp::tests::doc;

    const DEP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  annotations:
    a/b: x
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: a
        image: x
        args: [p, q, r]
";

    fn run(ops: &str) -> Result<RNode, String> {
        let mut t = doc(DEP, "target.yaml");
        apply(&mut t, &doc(ops, "ops.yaml"))?;
        Ok(t)
    }

    fn at(n: &RNode, pointer_: &str) -> serde_json::Value {
        get(n, &pointer(pointer_).unwrap()).unwrap().to_json()
    }

    #[test]
    fn basic_ops() {
        let got = run(r#"
- op: replace
  path: /spec/template/spec/containers/0/image
  value: nginx:1.25
- op: add
  path: /spec/template/spec/containers/0/args/1
  value: inserted
- op: add
  path: /spec/template/spec/containers/0/args/-
  value: last
- op: remove
  path: /spec/template/spec/containers/0/args/0
- op: copy
  from: /spec/replicas
  path: /spec/minReadySeconds
- op: move
  from: /metadata/annotations/a~1b
  path: /metadata/annotations/moved
- op: test
  path: /spec/replicas
  value: 1
"#)
        .unwrap();
        assert_eq!(
            at(&got, "/spec/template/spec/containers/0"),
            json!({"name": "a", "image": "nginx:1.25", "args": ["inserted", "q", "r", "last"]})
        );
        assert_eq!(at(&got, "/spec/minReadySeconds"), json!(1));
        assert_eq!(at(&got, "/metadata/annotations"), json!({"moved": "x"}));
    }

    #[test]
    fn values_are_read_as_sigs_yaml_reads_them() {
        let got = run(r#"
- {op: add, path: /spec/a, value: yes}
- {op: add, path: /spec/b, value: 0755}
- {op: add, path: /spec/c, value: "0755"}
- {op: add, path: /spec/d, value: 1_000}
- {op: add, path: /spec/e, value: 2001-12-14}
- {op: add, path: /spec/f, value: {on: 1, x: [n, ~]}}
- {op: add, path: /spec/g, value: 12345678901234567890}
- {op: add, path: /spec/h}
"#)
        .unwrap();
        assert_eq!(
            got.get("spec").unwrap().to_json(),
            json!({
                "replicas": 1,
                "template": {"spec": {"containers": [{"name": "a", "image": "x", "args": ["p", "q", "r"]}]}},
                "a": true, "b": 493, "c": "0755", "d": 1000, "e": "2001-12-14",
                "f": {"true": 1, "x": [false, null]},
                "g": 12345678901234567000u64,
                "h": null
            })
        );
    }

    #[test]
    fn evanphx_quirks() {
        // Negative indices, `01`, replace adding a missing key, copy of a missing key, test of
        // a missing key against null: all as `kubectl kustomize` does them.
        let got = run(r#"
- {op: replace, path: /spec/template/spec/containers/0/args/-1, value: z}
- {op: add, path: /spec/template/spec/containers/0/args/01, value: o}
- {op: add, path: /spec/template/spec/containers/0/args/-1, value: end}
- {op: replace, path: /spec/paused, value: true}
- {op: copy, from: /spec/nope, path: /spec/copied}
- {op: test, path: /spec/nope, value: null}
"#)
        .unwrap();
        assert_eq!(
            at(&got, "/spec/template/spec/containers/0/args"),
            json!(["p", "o", "q", "z", "end"])
        );
        assert_eq!(at(&got, "/spec/paused"), json!(true));
        assert_eq!(at(&got, "/spec/copied"), json!(null));
    }

    #[test]
    fn errors_name_the_op() {
        let cases = [
            (
                "- {op: remove, path: /spec/nope}",
                "op 0 (remove \"/spec/nope\")",
            ),
            (
                "- {op: add, path: /spec/x, value: 1}\n- {op: add, path: /nope/x, value: 1}",
                "op 1 (add \"/nope/x\")",
            ),
            (
                "- {op: replace, path: /spec/template/spec/containers/3, value: 1}",
                "out of range",
            ),
            (
                "- {op: test, path: /spec/replicas, value: 2}",
                "test failed",
            ),
            (
                "- {op: frobnicate, path: /spec}",
                "unknown op \"frobnicate\"",
            ),
            ("- {path: /spec}", "missing `op`"),
            ("- {op: add, path: spec, value: 1}", "must start with `/`"),
            ("- {op: add, path: '', value: {}}", "document root"),
            (
                "- {op: move, from: /spec, path: /spec/template/x}",
                "into itself",
            ),
            (
                "- {op: replace, path: '', value: [1]}",
                "other than an object",
            ),
            ("{op: add}", "list of operations"),
        ];
        for (ops, want) in cases {
            let err = run(ops).unwrap_err();
            assert!(err.contains(want), "{ops}: {err}");
        }
        let mut t = doc("a: .inf\n", "t.yaml");
        let err = apply(&mut t, &doc("[]", "o.yaml")).unwrap_err();
        assert!(err.contains("/a"), "{err}");
    }

    #[test]
    fn provenance() {
        let got = run("- op: add\n  path: /spec/template/spec/containers/0/env\n  value:\n  - {name: A, value: '1'}\n").unwrap();
        let env = get(
            &got,
            &pointer("/spec/template/spec/containers/0/env").unwrap(),
        )
        .unwrap();
        let file = |n: &RNode| n.prov.as_ref().unwrap().file.to_string();
        assert_eq!(file(env), "ops.yaml");
        assert_eq!(file(&env.items()[0]), "ops.yaml");
        assert_eq!(
            env.items()[0]
                .get("value")
                .unwrap()
                .prov
                .as_ref()
                .unwrap()
                .span
                .start
                .line,
            4
        );
        let key = &got
            .path(&["spec", "template", "spec", "containers"])
            .unwrap()
            .items()[0]
            .entries()
            .last()
            .unwrap()
            .0;
        assert_eq!(key.as_str(), Some("env"));
        assert_eq!(file(key), "ops.yaml");
        assert_eq!(
            file(got.path(&["spec", "replicas"]).unwrap()),
            "target.yaml"
        );
    }

    #[test]
    fn go_float_text() {
        assert_eq!(float_text(1.0).unwrap(), "1");
        assert_eq!(float_text(1.5).unwrap(), "1.5");
        assert_eq!(float_text(-0.25).unwrap(), "-0.25");
        assert_eq!(float_text(1e-7).unwrap(), "1e-7");
        assert_eq!(float_text(0.000001).unwrap(), "0.000001");
        assert_eq!(float_text(1e21).unwrap(), "1e+21");
        assert_eq!(
            float_text(1.2345678901234567e19).unwrap(),
            "12345678901234567000"
        );
        assert!(float_text(f64::NAN).is_none());
    }
}
