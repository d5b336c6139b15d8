//! The span-preserving YAML tree: every key and value keeps where it was written.
//!
//! Scalars keep their text and style unresolved, so each later stage decides how to read them
//! (Kubernetes' YAML 1.1 rules for manifests, plain text for other YAML), and aliases stay
//! unexpanded so an alias bomb costs nothing until a budgeted conversion.

use std::collections::HashMap;

pub use crate::span::{Pos, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// The scalar's value after YAML escape processing, and how it was written.
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    Seq(Vec<Node>),
    Map(Vec<Entry>),
    /// A reference to the node carrying this anchor id (see [`Node::anchor`]).
    Alias(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    /// Anchor id defined on this node; 0 when none.
    pub anchor: usize,
    /// Explicit tag, as `!!str` / `!custom` (core tags are written with `!!`).
    pub tag: Option<Box<str>>,
}

/// One step of a path into a document, as JSON pointers and Rego paths use.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl From<&str> for PathSeg {
    fn from(s: &str) -> Self {
        PathSeg::Key(s.to_string())
    }
}

impl From<usize> for PathSeg {
    fn from(i: usize) -> Self {
        PathSeg::Index(i)
    }
}

/// Renders a path the way users write it: `spec.template.spec.containers[1].image`.
pub fn display_path(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSeg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Where a path led: the key that names the value (absent for sequence items and the root) and
/// the value itself.
#[derive(Clone, Copy, Debug)]
pub struct Located<'a> {
    pub key: Option<&'a Node>,
    pub value: &'a Node,
    /// True when the value was reached through an alias or merge key: its span is the anchor's.
    pub via_alias: bool,
}

impl Located<'_> {
    /// The span a caret should go under: the key for mappings (that is the line a user edits),
    /// the value for sequence items.
    pub fn caret(&self) -> Span {
        self.key.map(|k| k.span).unwrap_or(self.value.span)
    }
}

impl Node {
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn is_plain_scalar(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Scalar {
                style: ScalarStyle::Plain,
                ..
            }
        ) && self.tag.is_none()
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            NodeKind::Map(e) => e,
            _ => &[],
        }
    }

    /// The last entry whose key reads as `key` (last wins, as the API server reads duplicates).
    pub fn get_entry(&self, key: &str) -> Option<&Entry> {
        self.entries()
            .iter()
            .rev()
            .find(|e| e.key.as_scalar() == Some(key))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|e| &e.value)
    }
}

/// Anchor id → anchored node, for following aliases.
pub type Anchors<'a> = HashMap<usize, &'a Node>;

/// Collects the anchors of a tree (iteratively: trees may be deep).
pub fn collect_anchors(root: &Node) -> Anchors<'_> {
    let mut anchors = HashMap::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.anchor != 0 {
            anchors.insert(n.anchor, n);
        }
        match &n.kind {
            NodeKind::Seq(items) => stack.extend(items.iter()),
            NodeKind::Map(entries) => {
                for e in entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
    }
    anchors
}

/// Follows a path through the tree, through aliases and `<<` merge keys as the converted value
/// does. Keys match on their scalar text, or on the string Kubernetes turns them into
/// (`key_text`), so a path taken from the JSON value finds its YAML node.
pub fn locate<'a>(
    root: &'a Node,
    anchors: &Anchors<'a>,
    path: &[PathSeg],
    key_text: &dyn Fn(&Node) -> Option<String>,
) -> Option<Located<'a>> {
    let mut here = Located {
        key: None,
        value: root,
        via_alias: false,
    };
    for seg in path {
        let (node, aliased) = deref(here.value, anchors);
        here.via_alias |= aliased;
        here = match (seg, &node.kind) {
            (PathSeg::Index(i), NodeKind::Seq(items)) => Located {
                key: None,
                value: items.get(*i)?,
                via_alias: here.via_alias,
            },
            (PathSeg::Key(k), NodeKind::Map(_)) => {
                let (entry, merged) = find_key(node, anchors, k, key_text, 0)?;
                Located {
                    key: Some(&entry.key),
                    value: &entry.value,
                    via_alias: here.via_alias || merged,
                }
            }
            _ => return None,
        };
    }
    Some(here)
}

/// Like [`locate`], but falls back to the deepest existing ancestor: a finding about a missing
/// field points at the object that should have it.
pub fn locate_nearest<'a>(
    root: &'a Node,
    anchors: &Anchors<'a>,
    path: &[PathSeg],
    key_text: &dyn Fn(&Node) -> Option<String>,
) -> (Located<'a>, usize) {
    for depth in (0..=path.len()).rev() {
        if let Some(found) = locate(root, anchors, &path[..depth], key_text) {
            return (found, depth);
        }
    }
    unreachable!("the empty path always locates the root")
}

fn deref<'a>(mut node: &'a Node, anchors: &Anchors<'a>) -> (&'a Node, bool) {
    let mut aliased = false;
    // Bounded: an alias can only name an earlier anchor, but a self-referencing collection
    // is legal YAML, so guard against cycles anyway.
    for _ in 0..64 {
        match node.kind {
            NodeKind::Alias(id) => match anchors.get(&id) {
                Some(target) => {
                    node = target;
                    aliased = true;
                }
                None => break,
            },
            _ => break,
        }
    }
    (node, aliased)
}

fn find_key<'a>(
    map: &'a Node,
    anchors: &Anchors<'a>,
    key: &str,
    key_text: &dyn Fn(&Node) -> Option<String>,
    depth: usize,
) -> Option<(&'a Entry, bool)> {
    if depth > 16 {
        return None;
    }
    // Explicit keys win over merged ones; among explicit duplicates the last wins.
    if let Some(e) = map
        .entries()
        .iter()
        .rev()
        .find(|e| key_text(&e.key).as_deref() == Some(key))
    {
        return Some((e, false));
    }
    for e in map.entries().iter().filter(|e| is_merge_key(&e.key)) {
        let (src, _) = deref(&e.value, anchors);
        let sources: Vec<&Node> = match &src.kind {
            NodeKind::Seq(items) => items.iter().map(|i| deref(i, anchors).0).collect(),
            _ => vec![src],
        };
        for s in sources {
            if let Some((found, _)) = find_key(s, anchors, key, key_text, depth + 1) {
                return Some((found, true));
            }
        }
    }
    None
}

/// `<<` written plain (or tagged `!!merge`) is a merge key in YAML 1.1, which Kubernetes reads.
pub fn is_merge_key(key: &Node) -> bool {
    matches!(&key.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if value == "<<")
        && key.tag.as_deref().is_none_or(|t| t == "!!merge")
}
