//! Reading YAML the way the Kubernetes API server receives it.
//!
//! `kubectl`, Flux and Argo CD turn YAML into JSON with sigs.k8s.io/yaml, which uses go-yaml v2:
//! YAML 1.1 scalars (`yes`/`on` are booleans, `0755` is octal 493, `1_000` is 1000), merge keys
//! applied, non-string keys turned into strings. Schemas and policies must see that JSON, not
//! what a YAML 1.2 parser would produce.

use serde_json::{Map, Number, Value};

use super::tree::{is_merge_key, Anchors, Node, NodeKind, ScalarStyle, Span};

/// A scalar as go-yaml v2 resolves it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str,
}

/// go-yaml v2's boolean words (`resolve.go`).
pub fn yaml11_bool(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Some(false)
        }
        _ => None,
    }
}

/// Resolves a plain (unquoted, untagged) scalar.
pub fn resolve_plain(s: &str) -> Scalar {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Scalar::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
        _ => {}
    }
    if let Some(b) = yaml11_bool(s) {
        return Scalar::Bool(b);
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Scalar::Str;
    }
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    if let Some(i) = go_parse_int(&plain) {
        return match i {
            GoInt::Signed(v) => Scalar::Int(v),
            GoInt::Unsigned(v) => Scalar::Uint(v),
        };
    }
    if is_yaml_style_float(&plain) {
        if let Ok(f) = plain.parse::<f64>() {
            return Scalar::Float(f);
        }
    }
    Scalar::Str
}

pub enum GoInt {
    Signed(i64),
    Unsigned(u64),
}

/// `strconv.ParseInt(s, 0, 64)`, then `ParseUint`: sign, then `0x`/`0o`/`0b` prefixes or a
/// leading `0` for octal.
pub fn go_parse_int(s: &str) -> Option<GoInt> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if neg {
        if magnitude <= i64::MAX as u128 + 1 {
            return Some(GoInt::Signed((-(magnitude as i128)) as i64));
        }
        None
    } else if magnitude <= i64::MAX as u128 {
        Some(GoInt::Signed(magnitude as i64))
    } else if magnitude <= u64::MAX as u128 {
        Some(GoInt::Unsigned(magnitude as u64))
    } else {
        None
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
pub fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && matches!(b[i], b'-' | b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'-' | b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Resolves any scalar node: quoted and block scalars are strings, tags are honoured.
pub fn resolve_scalar(value: &str, style: ScalarStyle, tag: Option<&str>) -> Scalar {
    match tag {
        Some("!!str") | Some("!!binary") | Some("!!timestamp") => return Scalar::Str,
        Some("!!null") => return Scalar::Null,
        Some("!!bool") => return yaml11_bool(value).map_or(Scalar::Str, Scalar::Bool),
        Some("!!int") | Some("!!float") => {
            let r = resolve_plain(value);
            return if matches!(r, Scalar::Int(_) | Scalar::Uint(_) | Scalar::Float(_)) {
                r
            } else {
                Scalar::Str
            };
        }
        _ => {}
    }
    if style == ScalarStyle::Plain {
        resolve_plain(value)
    } else {
        Scalar::Str
    }
}

/// The JSON object key sigs.k8s.io/yaml makes of a scalar key (`yes:` becomes `"true"`,
/// `1.10:` becomes `"1.1"`); `None` for keys it rejects (collections, null).
pub fn k8s_key(node: &Node) -> Option<String> {
    let NodeKind::Scalar { value, style } = &node.kind else {
        return None;
    };
    Some(match resolve_scalar(value, *style, node.tag.as_deref()) {
        Scalar::Str => value.clone(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Uint(u) => u.to_string(),
        // Go formats float keys with FormatFloat(f, 'g', -1, 32).
        Scalar::Float(f) => format!("{}", f as f32),
        Scalar::Null => return None,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_depth: usize,
    /// Nodes that alias expansion may produce in one document.
    pub max_alias_nodes: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConvErrorKind {
    AliasBudget,
    TooDeep,
    /// Valid YAML with no JSON form: a collection or null as a key, NaN/infinity, a bad merge.
    Unsupported,
}

#[derive(Clone, Debug)]
pub struct ConvError {
    pub kind: ConvErrorKind,
    pub message: String,
    pub span: Span,
}

struct Converter<'a> {
    anchors: &'a Anchors<'a>,
    limits: Limits,
    alias_nodes: usize,
}

/// Converts a document to the JSON the API server would receive.
pub fn to_json(root: &Node, anchors: &Anchors<'_>, limits: Limits) -> Result<Value, ConvError> {
    let mut c = Converter {
        anchors,
        limits,
        alias_nodes: 0,
    };
    c.node(root, 0, None)
}

impl Converter<'_> {
    /// `alias`: the outermost alias being expanded, where an exhausted budget is reported.
    fn node(&mut self, node: &Node, depth: usize, alias: Option<Span>) -> Result<Value, ConvError> {
        if depth > self.limits.max_depth {
            return Err(ConvError {
                kind: ConvErrorKind::TooDeep,
                message: format!(
                    "nesting deeper than {} levels (through aliases)",
                    self.limits.max_depth
                ),
                span: alias.unwrap_or(node.span),
            });
        }
        if let Some(at) = alias {
            self.alias_nodes += 1;
            if self.alias_nodes > self.limits.max_alias_nodes {
                return Err(ConvError {
                    kind: ConvErrorKind::AliasBudget,
                    message: format!(
                        "aliases expand to more than {} nodes (an alias bomb?)",
                        self.limits.max_alias_nodes
                    ),
                    span: at,
                });
            }
        }
        match &node.kind {
            NodeKind::Scalar { value, style } => {
                scalar_json(value, *style, node.tag.as_deref(), node.span)
            }
            NodeKind::Alias(id) => {
                let target = self.anchors.get(id).ok_or_else(|| ConvError {
                    kind: ConvErrorKind::Unsupported,
                    message: "alias to an unknown anchor".into(),
                    span: node.span,
                })?;
                // The alias stands where its target is expanded: no extra level.
                self.node(target, depth, Some(alias.unwrap_or(node.span)))
            }
            NodeKind::Seq(items) => {
                // A plain loop: iterator adaptors cost several stack frames per level in
                // debug builds, and this recursion is as deep as the document.
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.node(item, depth + 1, alias)?);
                }
                Ok(Value::Array(out))
            }
            NodeKind::Map(entries) => {
                let mut obj = Map::with_capacity(entries.len());
                let mut merges = Vec::new();
                for e in entries {
                    if is_merge_key(&e.key) {
                        merges.push(&e.value);
                        continue;
                    }
                    let key = self.key(&e.key)?;
                    let value = self.node(&e.value, depth + 1, alias)?;
                    // Duplicates: the last one wins, as in go-yaml v2 (reported elsewhere).
                    obj.insert(key, value);
                }
                // Explicit keys win over merged ones; earlier merge sources win over later.
                for m in merges {
                    for source in self.merge_sources(m, depth + 1, alias)? {
                        for (k, v) in source {
                            obj.entry(k).or_insert(v);
                        }
                    }
                }
                Ok(Value::Object(obj))
            }
        }
    }

    fn key(&mut self, key: &Node) -> Result<String, ConvError> {
        let node = match key.kind {
            NodeKind::Alias(id) => self.anchors.get(&id).copied().unwrap_or(key),
            _ => key,
        };
        k8s_key(node).ok_or_else(|| ConvError {
            kind: ConvErrorKind::Unsupported,
            message: "a mapping key must be a string, number or boolean to become JSON".into(),
            span: key.span,
        })
    }

    fn merge_sources(
        &mut self,
        value: &Node,
        depth: usize,
        alias: Option<Span>,
    ) -> Result<Vec<Map<String, Value>>, ConvError> {
        let bad = |span| ConvError {
            kind: ConvErrorKind::Unsupported,
            message: "a merge key `<<` takes a mapping or a list of mappings".into(),
            span,
        };
        let items: Vec<&Node> = match &value.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            _ => vec![value],
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match self.node(item, depth, alias)? {
                Value::Object(m) => out.push(m),
                _ => return Err(bad(item.span)),
            }
        }
        Ok(out)
    }
}

fn scalar_json(
    value: &str,
    style: ScalarStyle,
    tag: Option<&str>,
    span: Span,
) -> Result<Value, ConvError> {
    Ok(match resolve_scalar(value, style, tag) {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(i) => Value::from(i),
        Scalar::Uint(u) => Value::from(u),
        Scalar::Str => Value::String(value.to_string()),
        Scalar::Float(f) => float_json(f).ok_or_else(|| ConvError {
            kind: ConvErrorKind::Unsupported,
            message: format!("`{value}` (NaN or infinity) cannot be represented in JSON"),
            span,
        })?,
    })
}

/// Go's encoding/json writes an integral float without a fraction (`3.0` → `3`), so the API
/// server reads it as an integer: do the same.
pub fn float_json(f: f64) -> Option<Value> {
    if !f.is_finite() {
        return None;
    }
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        return Some(Value::from(f as i64));
    }
    Number::from_f64(f).map(Value::Number)
}
