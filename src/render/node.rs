//! The node the renderer works on: an ordered YAML tree that remembers how each scalar was
//! written (kustomize's output keeps source styles) and where each node came from (provenance).
//!
//! Modelled on what kustomize manipulates (go-yaml v3 `yaml.Node` inside kyaml `RNode`), so that
//! emitting it reproduces `kustomize build` byte for byte: see `emit.rs`.

use std::sync::Arc;

use crate::load::tree::{self, is_merge_key, Anchors, NodeKind};
use crate::span::Span;

/// Where a node was written: a repo-relative file and the span in it. Nodes that a transformer
/// sets point at the kustomization line that asked for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prov {
    pub file: Arc<str>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A scalar's tag, in the three ways go-yaml v3's encoder treats them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tag {
    /// Read from a source file without an explicit tag: the encoder drops the resolved tag and
    /// keeps the written style, so it comes out as it went in.
    Implicit,
    /// A string kustomize made (`!!str`): double-quoted on output when the text would read as
    /// another type (`"true"`, `"2020"`), plain otherwise.
    Str,
    /// An explicit tag from the source (`!!binary`, `!custom`), written out again.
    Explicit(Box<str>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    pub value: String,
    pub style: Style,
    pub tag: Tag,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Scalar(Scalar),
    Seq(Vec<RNode>),
    /// Entries in order; keys are scalars.
    Map(Vec<(RNode, RNode)>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RNode {
    pub kind: Kind,
    pub prov: Option<Prov>,
}

impl RNode {
    /// A string set by kustomize (tagged `!!str`).
    pub fn string(s: impl Into<String>) -> RNode {
        RNode {
            kind: Kind::Scalar(Scalar {
                value: s.into(),
                style: Style::Plain,
                tag: Tag::Str,
            }),
            prov: None,
        }
    }

    /// A scalar that reads as whatever its text resolves to (`3` is an int, `true` a bool).
    pub fn implicit(s: impl Into<String>) -> RNode {
        RNode {
            kind: Kind::Scalar(Scalar {
                value: s.into(),
                style: Style::Plain,
                tag: Tag::Implicit,
            }),
            prov: None,
        }
    }

    pub fn map() -> RNode {
        RNode {
            kind: Kind::Map(Vec::new()),
            prov: None,
        }
    }

    pub fn seq(items: Vec<RNode>) -> RNode {
        RNode {
            kind: Kind::Seq(items),
            prov: None,
        }
    }

    pub fn with_prov(mut self, prov: Option<Prov>) -> RNode {
        self.prov = prov;
        self
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, Kind::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.kind, Kind::Seq(_))
    }

    /// The scalar text, for scalars.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s) => Some(&s.value),
            _ => None,
        }
    }

    /// Null as go-yaml v3 reads it: `~`, `null`, empty plain scalar.
    pub fn is_null(&self) -> bool {
        match &self.kind {
            Kind::Scalar(s) => {
                s.tag == Tag::Implicit
                    && s.style == Style::Plain
                    && matches!(s.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    pub fn entries(&self) -> &[(RNode, RNode)] {
        match &self.kind {
            Kind::Map(e) => e,
            _ => &[],
        }
    }

    pub fn entries_mut(&mut self) -> Option<&mut Vec<(RNode, RNode)>> {
        match &mut self.kind {
            Kind::Map(e) => Some(e),
            _ => None,
        }
    }

    pub fn items(&self) -> &[RNode] {
        match &self.kind {
            Kind::Seq(i) => i,
            _ => &[],
        }
    }

    pub fn items_mut(&mut self) -> Option<&mut Vec<RNode>> {
        match &mut self.kind {
            Kind::Seq(i) => Some(i),
            _ => None,
        }
    }

    /// The value of `key`; with a repeated key, the last one (go-yaml v2 semantics, as
    /// kustomize reads kustomization files).
    pub fn get(&self, key: &str) -> Option<&RNode> {
        self.entries()
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut RNode> {
        self.entries_mut()?
            .iter_mut()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// Follows a path of map keys.
    pub fn path(&self, keys: &[&str]) -> Option<&RNode> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn path_mut(&mut self, keys: &[&str]) -> Option<&mut RNode> {
        let mut n = self;
        for k in keys {
            n = n.get_mut(k)?;
        }
        Some(n)
    }

    /// The string at a path of map keys.
    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys).and_then(RNode::as_str)
    }

    /// Sets `key` (replacing the value in place, or appending the entry). Does nothing on a
    /// non-map.
    pub fn set(&mut self, key: &str, value: RNode) {
        if let Some(entries) = self.entries_mut() {
            match entries
                .iter_mut()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
            {
                Some((_, v)) => *v = value,
                None => entries.push((RNode::string(key), value)),
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<RNode> {
        let entries = self.entries_mut()?;
        let i = entries.iter().position(|(k, _)| k.as_str() == Some(key))?;
        Some(entries.remove(i).1)
    }

    /// The map at `key`, created (appended) when missing or null.
    pub fn ensure_map(&mut self, key: &str) -> &mut RNode {
        let missing = !self.get(key).is_some_and(RNode::is_map);
        if missing {
            self.set(key, RNode::map());
        }
        self.get_mut(key).expect("just set")
    }

    /// Converts to JSON (for conversions kustomize does through JSON, and for later stages).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Scalar(s) => match s.tag {
                Tag::Str => Value::String(s.value.clone()),
                _ if s.style != Style::Plain => Value::String(s.value.clone()),
                _ => resolve_v3(&s.value),
            },
            Kind::Seq(items) => Value::Array(items.iter().map(RNode::to_json).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// How go-yaml v3 reads a plain scalar (YAML 1.2 core schema, as kustomize's kyaml does):
/// only `true`/`false` are booleans, `0755` is decimal, `0o755` octal.
pub fn resolve_v3(s: &str) -> serde_json::Value {
    use serde_json::Value;
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    if let Some(v) = parse_v3_int(&plain) {
        return v;
    }
    if plain.parse::<f64>().is_ok()
        && plain
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && plain.chars().any(|c| c.is_ascii_digit())
    {
        if let Some(n) = plain
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    Value::String(s.to_string())
}

fn parse_v3_int(s: &str) -> Option<serde_json::Value> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b") {
        (2, d)
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let m = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -m } else { m };
    i64::try_from(v)
        .map(serde_json::Value::from)
        .or_else(|_| u64::try_from(v).map(serde_json::Value::from))
        .ok()
}

/// Converts a parsed document into an [`RNode`], expanding aliases and merge keys. `file` is
/// the repo-relative path every node's provenance names.
pub fn from_tree(root: &tree::Node, file: &Arc<str>) -> Result<RNode, String> {
    let anchors = tree::collect_anchors(root);
    let mut budget = MAX_ALIAS_NODES;
    convert(root, &anchors, file, 0, &mut budget, false)
}

/// Nodes alias expansion may produce in one document (as the load stage allows).
const MAX_ALIAS_NODES: usize = 100_000;

fn convert(
    n: &tree::Node,
    anchors: &Anchors<'_>,
    file: &Arc<str>,
    depth: usize,
    budget: &mut usize,
    in_alias: bool,
) -> Result<RNode, String> {
    if depth > 512 {
        return Err("nesting (through aliases) deeper than 512 levels".into());
    }
    if in_alias {
        if *budget == 0 {
            return Err(format!(
                "aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)"
            ));
        }
        *budget -= 1;
    }
    let prov = Some(Prov {
        file: file.clone(),
        span: n.span,
    });
    let kind = match &n.kind {
        NodeKind::Scalar { value, style } => Kind::Scalar(Scalar {
            value: value.clone(),
            style: match style {
                tree::ScalarStyle::Plain => Style::Plain,
                tree::ScalarStyle::SingleQuoted => Style::SingleQuoted,
                tree::ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                tree::ScalarStyle::Literal => Style::Literal,
                tree::ScalarStyle::Folded => Style::Folded,
            },
            tag: match n.tag.as_deref() {
                None => Tag::Implicit,
                Some(t) => Tag::Explicit(t.into()),
            },
        }),
        NodeKind::Alias(id) => {
            let target = anchors
                .get(id)
                .ok_or_else(|| "alias to an unknown anchor".to_string())?;
            return convert(target, anchors, file, depth + 1, budget, true);
        }
        NodeKind::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(convert(i, anchors, file, depth + 1, budget, in_alias)?);
            }
            Kind::Seq(out)
        }
        NodeKind::Map(entries) => {
            let mut out: Vec<(RNode, RNode)> = Vec::with_capacity(entries.len());
            let mut merged: Vec<(RNode, RNode)> = Vec::new();
            for e in entries {
                if is_merge_key(&e.key) {
                    let v = convert(&e.value, anchors, file, depth + 1, budget, in_alias)?;
                    let sources = match v.kind {
                        Kind::Seq(items) => items,
                        _ => vec![v],
                    };
                    for s in sources {
                        if let Kind::Map(m) = s.kind {
                            merged.extend(m);
                        }
                    }
                    continue;
                }
                let k = convert(&e.key, anchors, file, depth + 1, budget, in_alias)?;
                let v = convert(&e.value, anchors, file, depth + 1, budget, in_alias)?;
                out.push((k, v));
            }
            for (k, v) in merged {
                if !out.iter().any(|(ok, _)| ok.as_str() == k.as_str()) {
                    out.push((k, v));
                }
            }
            Kind::Map(out)
        }
    };
    Ok(RNode { kind, prov })
}
