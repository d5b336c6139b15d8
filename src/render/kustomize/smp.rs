//! Strategic merge patches the way kustomize v5.5 applies them (`patches:` with a strategic
//! merge patch, `patchesStrategicMerge`): kyaml's `merge2` walker, with
//! `ListIncreaseDirection: Prepend` and without inferring merge keys.
//!
//! The walk is ported operation by operation onto a small node arena, because kyaml's results
//! depend on node identity (a list element merged in place versus a node taken from the patch)
//! and on the side effects of its list helpers. What it does, for the record (each checked
//! against `kubectl kustomize`):
//!
//! - Maps merge recursively; fields are visited in sorted order and new ones appended in that
//!   order. A `null` in the patch removes the field. A `~`/`null` already in the target stays
//!   when the patch does not mention the field; an empty null (`key:`) is dropped.
//! - A scalar from the patch takes the target's quoting style (a quoted `"1"` patched with `2`
//!   becomes the string `"2"`).
//! - Lists whose schema says `x-kubernetes-patch-strategy: merge` merge by the merge key(s)
//!   (`x-kubernetes-list-map-keys` when present): patch elements come first in patch order,
//!   then target elements the patch does not name. With several keys (container `ports`),
//!   target elements keep their order and new ones go first. Target elements lacking a key,
//!   duplicate keys, `{}` and `null` elements get kyaml's (lossy) treatment. A merge strategy
//!   without a key (`finalizers`) merges primitives, patch values first.
//! - Every other list is replaced. Resources without a schema (CRDs, unknown apiVersions) get
//!   no merge keys at all: kustomize does not set kyaml's `InferAssociativeLists`.
//! - `$patch: delete` / `replace` / `merge` on maps and as a list element `{$patch: ...}`.
//!   `$patch: replace` on an element the target already has is a no-op (kyaml puts the target
//!   element back), and on the resource itself too (kustomize keeps its own node).
//! - `$retainKeys`, `$setElementOrder/...` and `$deleteFromPrimitiveList/...` are not
//!   directives to kyaml: they are copied into the result like any field.
//! - Kind mismatches (a map patched with a scalar) are errors.
//!
//! Provenance: every node the patch adds or changes carries the patch's `prov`; nodes kept
//! from the target keep theirs.
//!
//! Left to the caller, as kustomize's `ApplySmPatch` does them around the merge (the corpus
//! harness at the end of this file does exactly this): give each target its own copy of the
//! patch with the target's `apiVersion` (the patch's `kind` stays); afterwards put back the
//! target's `kind` and `metadata.name` unless `allowKindChange`/`allowNameChange`, and its
//! `metadata.namespace` (removing it when it had none); drop the resource when the outcome is
//! [`Outcome::Deleted`] or the result is an empty map.

use std::collections::BTreeSet;

use super::patch_meta::{PatchMeta, TypeRef};
use crate::render::node::{Kind, Prov, RNode, Scalar, Style, Tag};

/// What became of the resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Merged,
    /// The patch deleted the whole resource (`$patch: delete` at the top).
    Deleted,
}

/// Merges `patch` into `target` with `meta` as the schema of the target (`None`: no schema, all
/// lists are replaced). Nested objects with their own `apiVersion`/`kind` are looked up in
/// `meta`'s bundle when no schema reaches them, as kyaml does.
///
/// When the patch deletes the whole target (`$patch: delete`), `target` becomes a null scalar
/// (use [`merge_resource`] to get an [`Outcome`]).
pub fn merge(target: &mut RNode, patch: &RNode, meta: Option<TypeRef<'_>>) -> Result<(), String> {
    let bundle = meta.map(|m| m.meta());
    if run(target, patch, meta, bundle)? == Outcome::Deleted {
        *target = RNode::implicit("null").with_prov(patch.prov.clone());
    }
    Ok(())
}

/// Merges a patch into a resource the way kustomize does: the schema is found from the
/// target's `apiVersion`/`kind` (else the patch's) in `meta` (the built-in bundle, or the
/// kustomization's custom OpenAPI document).
pub fn merge_resource(
    target: &mut RNode,
    patch: &RNode,
    meta: &PatchMeta,
) -> Result<Outcome, String> {
    run(target, patch, None, Some(meta))
}

/// The keys of `patch` that are apimachinery strategic-merge directives kyaml does not know
/// (`$retainKeys`, `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`): kustomize
/// copies them into the output as ordinary fields. For a finding on the patch line.
pub fn ignored_directives(patch: &RNode) -> Vec<&RNode> {
    fn walk<'a>(n: &'a RNode, out: &mut Vec<&'a RNode>) {
        match &n.kind {
            Kind::Scalar(_) => {}
            Kind::Seq(items) => items.iter().for_each(|i| walk(i, out)),
            Kind::Map(entries) => {
                for (k, v) in entries {
                    if k.as_str().is_some_and(|k| {
                        k == "$retainKeys"
                            || k.starts_with("$setElementOrder/")
                            || k.starts_with("$deleteFromPrimitiveList/")
                    }) {
                        out.push(k);
                    }
                    walk(v, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(patch, &mut out);
    out
}

fn run(
    target: &mut RNode,
    patch: &RNode,
    schema: Option<TypeRef<'_>>,
    bundle: Option<&PatchMeta>,
) -> Result<Outcome, String> {
    let mut m = Merger {
        nodes: Vec::new(),
        bundle,
    };
    let dest = m.import(target);
    let origin = m.import(patch);
    let mut path = Vec::new();
    let res = m.walk([Some(dest), Some(origin)], schema, &mut path)?;
    if res.is_none() {
        return Ok(Outcome::Deleted);
    }
    // kustomize keeps the resource's own node: a top-level `$patch: replace` returns the
    // patch from the walk but leaves the resource as it was.
    *target = m.export(dest);
    Ok(Outcome::Merged)
}

type Id = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NKind {
    Scalar,
    Seq,
    Map,
}

/// A go-yaml `yaml.Node` as kyaml sees it.
#[derive(Clone, Debug)]
struct N {
    kind: NKind,
    value: String,
    style: Style,
    tag: Tag,
    /// Made by kyaml without a tag (`NewScalarRNode`): never "tagged null".
    untagged: bool,
    /// Seq items, or map keys and values interleaved.
    content: Vec<Id>,
    prov: Option<Prov>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Directive {
    Unknown,
    Replace,
    Delete,
    Merge,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Associative,
    NonAssociative,
}

struct Merger<'m> {
    nodes: Vec<N>,
    bundle: Option<&'m PatchMeta>,
}

const DIRECTIVE_KEY: &str = "$patch";

impl<'m> Merger<'m> {
    // ---- arena ----------------------------------------------------------------------------

    fn import(&mut self, n: &RNode) -> Id {
        let node = match &n.kind {
            Kind::Scalar(s) => N {
                kind: NKind::Scalar,
                value: if is_empty_null(n, s) {
                    // kyaml tells `key:` (value "") from `key: ~`; the loader writes both as
                    // `~`, the empty one with a zero-width span.
                    String::new()
                } else {
                    s.value.clone()
                },
                style: s.style,
                tag: s.tag.clone(),
                untagged: false,
                content: Vec::new(),
                prov: n.prov.clone(),
            },
            Kind::Seq(items) => {
                let content = items.iter().map(|i| self.import(i)).collect();
                N::collection(NKind::Seq, content, n.prov.clone())
            }
            Kind::Map(entries) => {
                let mut content = Vec::with_capacity(entries.len() * 2);
                for (k, v) in entries {
                    content.push(self.import(k));
                    content.push(self.import(v));
                }
                N::collection(NKind::Map, content, n.prov.clone())
            }
        };
        self.push(node)
    }

    fn export(&self, id: Id) -> RNode {
        let n = &self.nodes[id];
        let kind = match n.kind {
            NKind::Scalar => Kind::Scalar(Scalar {
                value: if n.value.is_empty() && n.tag == Tag::Implicit && n.style == Style::Plain {
                    "~".to_string()
                } else {
                    n.value.clone()
                },
                style: n.style,
                tag: if n.untagged {
                    Tag::Implicit
                } else {
                    n.tag.clone()
                },
            }),
            NKind::Seq => Kind::Seq(n.content.iter().map(|&i| self.export(i)).collect()),
            NKind::Map => Kind::Map(
                n.content
                    .chunks(2)
                    .map(|kv| (self.export(kv[0]), self.export(kv[1])))
                    .collect(),
            ),
        };
        RNode {
            kind,
            prov: n.prov.clone(),
        }
    }

    fn push(&mut self, n: N) -> Id {
        self.nodes.push(n);
        self.nodes.len() - 1
    }

    fn new_scalar(&mut self, value: &str, prov: Option<Prov>) -> Id {
        self.push(N {
            kind: NKind::Scalar,
            value: value.to_string(),
            style: Style::Plain,
            tag: Tag::Implicit,
            untagged: true,
            content: Vec::new(),
            prov,
        })
    }

    // ---- kyaml predicates -----------------------------------------------------------------

    fn kind(&self, id: Id) -> NKind {
        self.nodes[id].kind
    }

    fn content(&self, id: Id) -> &[Id] {
        &self.nodes[id].content
    }

    /// `IsTaggedNull`: the node's resolved tag is `!!null`.
    fn tagged_null(&self, id: Option<Id>) -> bool {
        let Some(id) = id else { return false };
        let n = &self.nodes[id];
        if n.kind != NKind::Scalar || n.untagged {
            return false;
        }
        match &n.tag {
            Tag::Implicit => {
                n.style == Style::Plain
                    && matches!(n.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            Tag::Str => false,
            Tag::Explicit(t) => matches!(&**t, "!!null" | "tag:yaml.org,2002:null"),
        }
    }

    /// `IsMissingOrNull`.
    fn missing_or_null(&self, id: Option<Id>) -> bool {
        id.is_none() || self.tagged_null(id)
    }

    /// `IsEmptyMap`: missing, null or `{}`.
    fn empty_map(&self, id: Option<Id>) -> bool {
        self.missing_or_null(id)
            || id.is_some_and(|i| self.kind(i) == NKind::Map && self.content(i).is_empty())
    }

    /// `IsNilOrEmpty` on a value: missing, null, `{}` or `[]`.
    fn nil_or_empty(&self, id: Option<Id>) -> bool {
        self.missing_or_null(id)
            || id.is_some_and(|i| self.kind(i) != NKind::Scalar && self.content(i).is_empty())
    }

    fn is_map(&self, id: Id) -> bool {
        self.kind(id) == NKind::Map
    }

    /// `ErrorIfInvalid`: nulls pass.
    fn check_kind(&self, id: Option<Id>, kind: NKind, path: &[String]) -> Result<(), String> {
        let Some(i) = id else { return Ok(()) };
        if self.tagged_null(Some(i)) || self.kind(i) == kind {
            return Ok(());
        }
        Err(format!(
            "wrong node kind at {}: expected {}, got {} (`{}`)",
            show_path(path),
            kind_name(kind),
            kind_name(self.kind(i)),
            self.preview(i)
        ))
    }

    fn preview(&self, id: Id) -> String {
        let mut s = match self.kind(id) {
            NKind::Scalar => self.nodes[id].value.clone(),
            NKind::Seq => format!("a list of {}", self.content(id).len()),
            NKind::Map => {
                let keys: Vec<&str> = self
                    .content(id)
                    .chunks(2)
                    .map(|kv| self.nodes[kv[0]].value.as_str())
                    .collect();
                format!("{{{}}}", keys.join(", "))
            }
        };
        if s.chars().count() > 60 {
            s = s.chars().take(57).collect::<String>() + "...";
        }
        s
    }

    /// `RNode.Field`: the first entry with this key (maps only).
    fn field(&self, map: Id, name: &str) -> Option<(Id, Id)> {
        if !self.is_map(map) {
            return None;
        }
        self.content(map)
            .chunks(2)
            .find(|kv| self.nodes[kv[0]].value == name)
            .map(|kv| (kv[0], kv[1]))
    }

    fn field_value(&self, map: Id, name: &str) -> Option<Id> {
        self.field(map, name).map(|(_, v)| v)
    }

    /// `FieldMatcher{Name}` (`yaml.Get`): errors on a non-map, nothing for null.
    fn get(&self, id: Id, name: &str, path: &[String]) -> Result<Option<Id>, String> {
        if self.tagged_null(Some(id)) {
            return Ok(None);
        }
        self.check_kind(Some(id), NKind::Map, path)?;
        Ok(self.field_value(id, name))
    }

    /// `FieldMatcher` matching a field's value: `want = None` matches any value. With an empty
    /// name it compares a scalar's own value.
    fn field_matches(
        &self,
        id: Id,
        name: &str,
        want: Option<&str>,
        path: &[String],
    ) -> Result<bool, String> {
        if self.tagged_null(Some(id)) {
            return Ok(false);
        }
        if name.is_empty() {
            self.check_kind(Some(id), NKind::Scalar, path)?;
            return Ok(self.nodes[id].value == want.unwrap_or(""));
        }
        self.check_kind(Some(id), NKind::Map, path)?;
        Ok(self.content(id).chunks(2).any(|kv| {
            self.nodes[kv[0]].value == name && want.is_none_or(|w| self.nodes[kv[1]].value == w)
        }))
    }

    fn fields(&self, id: Id) -> Vec<String> {
        if !self.is_map(id) {
            return Vec::new();
        }
        self.content(id)
            .chunks(2)
            .map(|kv| self.nodes[kv[0]].value.clone())
            .collect()
    }

    /// `FieldClearer`: removes the first entry with this key.
    fn clear(&mut self, map: Id, name: &str) {
        if !self.is_map(map) {
            return;
        }
        let pos = self
            .content(map)
            .chunks(2)
            .position(|kv| self.nodes[kv[0]].value == name);
        if let Some(i) = pos {
            self.nodes[map].content.drain(2 * i..2 * i + 2);
        }
    }

    /// `FieldSetter{Name, Value}`: clears on a missing or null value; otherwise overwrites the
    /// existing value node in place (taking its style), or appends the entry.
    fn set_field(
        &mut self,
        map: Id,
        name: &str,
        value: Option<Id>,
        key_src: Option<Id>,
        path: &[String],
    ) -> Result<(), String> {
        let Some(value) = value.filter(|&v| !self.tagged_null(Some(v))) else {
            self.clear(map, name);
            return Ok(());
        };
        self.check_kind(Some(map), NKind::Map, path)?;
        match self.field_value(map, name) {
            Some(existing) => {
                if existing != value {
                    let style = self.nodes[existing].style;
                    self.restyle(value, style);
                    self.overwrite(existing, value);
                }
            }
            None => {
                // kyaml makes a fresh key node; ours copies the patch's key (its provenance).
                let key = match key_src {
                    Some(k) => {
                        let n = self.nodes[k].clone();
                        self.push(n)
                    }
                    None => {
                        let prov = self.nodes[value].prov.clone();
                        let k = self.new_scalar(name, prov);
                        self.nodes[k].untagged = false;
                        self.nodes[k].tag = Tag::Str;
                        k
                    }
                };
                self.nodes[map].content.push(key);
                self.nodes[map].content.push(value);
            }
        }
        Ok(())
    }

    /// `SetYNode`: `*existing = *value`, keeping the target's provenance when nothing changes.
    fn overwrite(&mut self, existing: Id, value: Id) {
        let mut n = self.nodes[value].clone();
        let old = &self.nodes[existing];
        if n.kind == NKind::Scalar
            && old.kind == NKind::Scalar
            && n.value == old.value
            && n.style == old.style
            && n.tag == old.tag
            && n.untagged == old.untagged
        {
            n.prov = old.prov.clone();
        }
        self.nodes[existing] = n;
    }

    /// The value takes the target's style (`FieldSetter` copies it), read the way go-yaml
    /// would read it back: a quoted string made plain stays a string, a plain number made
    /// quoted becomes one.
    fn restyle(&mut self, id: Id, style: Style) {
        let n = &mut self.nodes[id];
        if n.kind != NKind::Scalar || n.style == style {
            return;
        }
        if n.tag == Tag::Implicit && !n.untagged && n.style != Style::Plain && style == Style::Plain
        {
            n.tag = Tag::Str;
        }
        n.style = style;
    }

    // ---- list helpers (kyaml `ElementSetter`, `ElementMatcher`, ...) ------------------------

    /// `ElementSetter`: drops null and `{}` elements, replaces (or with `element = None`
    /// deletes) the elements matching all key/value pairs (an empty value matches any value),
    /// and appends the element when none matched.
    fn element_setter(
        &mut self,
        list: Id,
        element: Option<Id>,
        keys: &[String],
        values: &[String],
        path: &[String],
    ) -> Result<Option<Id>, String> {
        let empty = [String::new()];
        let keys = if keys.is_empty() { &empty[..] } else { keys };
        self.check_kind(Some(list), NKind::Seq, path)?;
        let mapping_setter = !keys[0].is_empty() && values.first().is_some_and(|v| !v.is_empty());
        let mut out = Vec::new();
        let mut matched = false;
        for &elem in &self.nodes[list].content.clone() {
            if self.empty_map(Some(elem)) {
                continue;
            }
            if !self.is_map(elem) && mapping_setter {
                out.push(elem);
                continue;
            }
            let mut found = true;
            let mut last = false;
            for (j, key) in keys.iter().enumerate() {
                if let Some(v) = values.get(j) {
                    let want = (!v.is_empty()).then_some(v.as_str());
                    last = self.field_matches(elem, key, want, path)?;
                }
                if !last {
                    found = false;
                    break;
                }
            }
            if !found {
                if !values.is_empty() {
                    out.push(elem);
                }
                continue;
            }
            matched = true;
            if let Some(e) = element {
                out.push(e);
            }
        }
        self.nodes[list].content = out;
        let Some(e) = element.filter(|&e| !self.tagged_null(Some(e))) else {
            return Ok(None);
        };
        if !matched {
            self.nodes[list].content.push(e);
        }
        Ok(Some(e))
    }

    /// `RNode.ElementList` (`ElementMatcher`): the first element whose fields equal all the
    /// values (an empty value matching an empty field); primitives by their own value.
    fn element_list(&self, list: Id, keys: &[String], values: &[String]) -> Option<Id> {
        if self.kind(list) != NKind::Seq {
            return None;
        }
        let key0 = keys.first().map_or("", String::as_str);
        if key0.is_empty() {
            let want = values.first().map_or("", String::as_str);
            return self
                .content(list)
                .iter()
                .copied()
                .find(|&e| self.nodes[e].value == want);
        }
        if keys.len() != values.len() {
            return None;
        }
        self.content(list).iter().copied().find(|&e| {
            self.is_map(e)
                && keys
                    .iter()
                    .zip(values)
                    .all(|(k, v)| self.field_matches(e, k, Some(v), &[]).unwrap_or(false))
        })
    }

    /// `RNode.ElementValuesList`: each element's values for the keys (`""` when missing or
    /// empty).
    fn element_values_list(&self, list: Id, keys: &[String]) -> Vec<Vec<String>> {
        if !self.tagged_null(Some(list)) && self.kind(list) != NKind::Seq {
            return Vec::new();
        }
        self.content(list)
            .iter()
            .map(|&e| {
                keys.iter()
                    .map(|k| {
                        let v = self.field_value(e, k);
                        if self.nil_or_empty(v) {
                            String::new()
                        } else {
                            self.nodes[v.unwrap()].value.clone()
                        }
                    })
                    .collect()
            })
            .collect()
    }

    // ---- the walk --------------------------------------------------------------------------

    fn walk(
        &mut self,
        mut src: [Option<Id>; 2],
        schema: Option<TypeRef<'m>>,
        path: &mut Vec<String>,
    ) -> Result<Option<Id>, String> {
        let schema = self.schema_for(&src, schema);
        let kind = src
            .iter()
            .flatten()
            .find(|&&i| !self.tagged_null(Some(i)))
            .map(|&i| self.kind(i));
        match kind {
            Some(k @ NKind::Map) | Some(k @ NKind::Seq) | Some(k @ NKind::Scalar) => {
                for s in src {
                    self.check_kind(s, k, path)?;
                }
                match k {
                    NKind::Map => self.walk_map(src, schema, path),
                    NKind::Seq if self.is_associative(schema) => {
                        self.walk_associative(&mut src, schema, path)
                    }
                    NKind::Seq => Ok(self.visit_list(&mut src, ListKind::NonAssociative, path)?),
                    NKind::Scalar => Ok(src[1].or(src[0])),
                }
            }
            None => self.walk_map(src, schema, path),
        }
    }

    /// kyaml's `GetSchema`: the schema handed down, else the one for the node's own
    /// `apiVersion`/`kind`.
    fn schema_for(
        &self,
        src: &[Option<Id>; 2],
        schema: Option<TypeRef<'m>>,
    ) -> Option<TypeRef<'m>> {
        if schema.is_some() {
            return schema;
        }
        let bundle = self.bundle?;
        for &s in src.iter().flatten() {
            if self.tagged_null(Some(s)) {
                continue;
            }
            let meta_str = |name: &str| {
                let v = self.field_value(s, name);
                if self.nil_or_empty(v) {
                    ""
                } else {
                    self.nodes[v.unwrap()].value.as_str()
                }
            };
            let (api_version, kind) = (meta_str("apiVersion"), meta_str("kind"));
            if api_version.is_empty() || kind.is_empty() {
                continue;
            }
            if let Some(t) = bundle.for_api_version(api_version, kind) {
                return Some(t);
            }
        }
        None
    }

    fn is_associative(&self, schema: Option<TypeRef<'m>>) -> bool {
        schema.is_some_and(|s| {
            s.patch_strategy_and_keys()
                .0
                .split(',')
                .any(|p| p == "merge")
        })
    }

    fn walk_map(
        &mut self,
        mut src: [Option<Id>; 2],
        schema: Option<TypeRef<'m>>,
        path: &mut Vec<String>,
    ) -> Result<Option<Id>, String> {
        let Some(dest) = self.visit_map(&src, path)? else {
            return Ok(None);
        };
        src[0] = Some(dest);
        let mut names = BTreeSet::new();
        for &s in src.iter().flatten() {
            names.extend(self.fields(s));
        }
        for name in names {
            let child = schema.and_then(|s| s.field_schema(&name));
            let fv = src.map(|s| s.and_then(|s| self.field_value(s, &name)));
            let key_src = src[1].and_then(|o| self.field(o, &name)).map(|(k, _)| k);
            path.push(name);
            let val = self.walk(fv, child, path)?;
            let name = path.pop().unwrap_or_default();
            self.set_field(dest, &name, val, key_src, path)?;
        }
        Ok(Some(dest))
    }

    fn visit_map(&mut self, src: &[Option<Id>; 2], path: &[String]) -> Result<Option<Id>, String> {
        let [dest, origin] = *src;
        if self.missing_or_null(dest) {
            let d = self.directive(origin, path).unwrap_or(Directive::Unknown);
            if d == Directive::Delete {
                return Ok(None);
            }
            // An explicit `~`/`null` in the target survives a patch that does not mention it
            // (kyaml returns an untagged copy so that it is not cleared).
            if let (None, Some(d)) = (origin, dest) {
                if !self.nodes[d].value.is_empty() {
                    let value = self.nodes[d].value.clone();
                    let prov = self.nodes[d].prov.clone();
                    return Ok(Some(self.new_scalar(&value, prov)));
                }
            }
            return Ok(origin);
        }
        if self.tagged_null(origin) {
            return Ok(None);
        }
        Ok(match self.directive(origin, path)? {
            Directive::Delete => None,
            Directive::Replace => origin,
            _ => dest,
        })
    }

    fn visit_list(
        &mut self,
        src: &mut [Option<Id>; 2],
        kind: ListKind,
        path: &[String],
    ) -> Result<Option<Id>, String> {
        let [dest, origin] = *src;
        if kind == ListKind::NonAssociative {
            return Ok(origin.or(dest));
        }
        if self.missing_or_null(dest) {
            return Ok(origin);
        }
        if self.tagged_null(origin) {
            return Ok(None);
        }
        Ok(match self.directive(origin, path)? {
            Directive::Delete => None,
            Directive::Replace => origin,
            _ => dest,
        })
    }

    /// `determineSmpDirective`: reads (and removes) `$patch` from a map, or from the list
    /// element that holds only `$patch`.
    fn directive(&mut self, patch: Option<Id>, path: &[String]) -> Result<Directive, String> {
        let Some(p) = patch else {
            return Ok(Directive::Merge);
        };
        match self.kind(p) {
            NKind::Map => {
                let Some(v) = self.field_value(p, DIRECTIVE_KEY) else {
                    return Ok(Directive::Merge);
                };
                let d = parse_directive(&self.nodes[v].value, path)?;
                self.clear(p, DIRECTIVE_KEY);
                Ok(d)
            }
            NKind::Seq => {
                let holder = self
                    .content(p)
                    .iter()
                    .copied()
                    .find(|&e| self.is_map(e) && self.field_value(e, DIRECTIVE_KEY).is_some());
                let Some(h) = holder else {
                    return Ok(Directive::Merge);
                };
                if self.content(h).len() > 2 {
                    return Ok(Directive::Merge);
                }
                let v = self.nodes[self.field_value(h, DIRECTIVE_KEY).unwrap()]
                    .value
                    .clone();
                let d = parse_directive(&v, path)?;
                self.element_setter(p, None, &[DIRECTIVE_KEY.to_string()], &[v], path)?;
                Ok(d)
            }
            NKind::Scalar => Err(format!(
                "no strategic merge patch strategy for the scalar `{}` at {}",
                self.nodes[p].value,
                show_path(path)
            )),
        }
    }

    fn walk_associative(
        &mut self,
        src: &mut [Option<Id>; 2],
        schema: Option<TypeRef<'m>>,
        path: &mut Vec<String>,
    ) -> Result<Option<Id>, String> {
        let Some(dest) = self.visit_list(src, ListKind::Associative, path)? else {
            return Ok(None);
        };
        src[0] = Some(dest);
        let (strategy, keys) = schema
            .map(|s| s.patch_strategy_and_keys())
            .unwrap_or_default();
        let mut keys: Vec<String> = keys.into_iter().map(str::to_string).collect();
        if strategy.is_empty() && keys.is_empty() {
            // Unreachable with kustomize's settings (no inference): kept for completeness.
            keys.push(self.element_key(src, path)?);
        }
        let values = self.element_values(src, &keys);
        if !values.is_empty() || !keys.is_empty() {
            return self.set_associative(src, values, &keys, dest, schema, path);
        }
        let primitives = self.element_primitive_values(src);
        self.set_associative(src, primitives, &[String::new()], dest, schema, path)
    }

    /// `elementKey` (for inferred merge keys): `name` when every element has it.
    fn element_key(&self, src: &[Option<Id>; 2], path: &[String]) -> Result<String, String> {
        let mut key = String::new();
        for &s in src.iter().flatten() {
            if self.content(s).is_empty() {
                continue;
            }
            let all = self
                .content(s)
                .iter()
                .all(|&e| self.field(e, "name").is_some());
            let new = if all { "name" } else { "" };
            if !key.is_empty() && key != new {
                return Err(format!(
                    "conflicting merge keys [{key},{new}] for field {}",
                    show_path(path)
                ));
            }
            key = new.to_string();
        }
        if key.is_empty() {
            return Err(format!("no merge key found for field {}", show_path(path)));
        }
        Ok(key)
    }

    /// Each element's key values, patch elements first, deduplicated.
    fn element_values(&self, src: &[Option<Id>; 2], keys: &[String]) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for s in [src[1], src[0]].into_iter().flatten() {
            for v in self.element_values_list(s, keys) {
                if v.is_empty() || out.contains(&v) {
                    continue;
                }
                out.push(v);
            }
        }
        out
    }

    fn element_primitive_values(&self, src: &[Option<Id>; 2]) -> Vec<Vec<String>> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for s in [src[1], src[0]].into_iter().flatten() {
            for &item in self.content(s) {
                let v = self.nodes[item].value.clone();
                if seen.insert(v.clone()) {
                    out.push(vec![v]);
                }
            }
        }
        out
    }

    fn element_value_list(
        &self,
        src: &[Option<Id>; 2],
        keys: &[String],
        values: &[String],
    ) -> [Option<Id>; 2] {
        let (keys, values) = validate_keys(std::slice::from_ref(&values.to_vec()), values, keys);
        src.map(|s| s.and_then(|s| self.element_list(s, &keys, &values)))
    }

    fn set_associative(
        &mut self,
        src: &[Option<Id>; 2],
        mut values_list: Vec<Vec<String>>,
        keys: &[String],
        dest: Id,
        schema: Option<TypeRef<'m>>,
        path: &mut Vec<String>,
    ) -> Result<Option<Id>, String> {
        let prov = self.nodes[dest].prov.clone();
        let items = self.push(N::collection(NKind::Seq, Vec::new(), prov));
        let element_schema = schema.and_then(|s| s.elements());
        if keys.len() > 1 {
            merge_values(&mut values_list);
        }
        let mut valid_keys: Vec<String> = Vec::new();
        for values in &values_list {
            if values.is_empty() {
                continue;
            }
            let (vk, vv) = validate_keys(&values_list, values, keys);
            valid_keys.clone_from(&vk);
            let srcs = self.element_value_list(src, &vk, &vv);
            path.push(element_label(&vk, &vv));
            let val = self.walk(srcs, element_schema, path);
            path.pop();
            let val = val?;
            let mut exit = false;
            for (i, key) in vk.iter().enumerate() {
                if self.empty_map(val) {
                    self.element_setter(dest, None, &vk, &vv, path)?;
                    exit = true;
                } else if let Some(v) = val {
                    if self.field(v, key).is_none() && !vv[i].is_empty() {
                        self.set_key(v, key, &vv[i], path)?;
                    }
                }
            }
            if exit {
                continue;
            }
            self.element_setter(items, val, &vk, &vv, path)?;
        }
        let mut dest = Some(dest);
        if !values_list.is_empty() {
            dest = Some(self.append_list_node(items, dest.unwrap(), &valid_keys, path)?);
        }
        if self.missing_or_null(dest) {
            return Ok(None);
        }
        Ok(dest)
    }

    /// `val.Pipe(SetField(key, NewScalarRNode(value)))`; with an empty key (primitive lists)
    /// the scalar itself is replaced by an untagged copy.
    fn set_key(&mut self, val: Id, key: &str, value: &str, path: &[String]) -> Result<(), String> {
        if key.is_empty() {
            self.check_kind(Some(val), NKind::Scalar, path)?;
            let n = &mut self.nodes[val];
            n.value = value.to_string();
            n.tag = Tag::Implicit;
            n.untagged = true;
            return Ok(());
        }
        let prov = self.nodes[val].prov.clone();
        let v = self.new_scalar(value, prov);
        self.set_field(val, key, Some(v), None, path)
    }

    /// `appendListNode(items, dest, keys)`: puts the target's elements into the new list,
    /// replacing the element with the same keys, or appending.
    fn append_list_node(
        &mut self,
        dst: Id,
        src: Id,
        keys: &[String],
        path: &[String],
    ) -> Result<Id, String> {
        for elem in self.content(src).to_vec() {
            if keys.first().is_none_or(|k| k.is_empty()) {
                let v = self.nodes[elem].value.clone();
                self.element_setter(dst, Some(elem), &[String::new()], &[v], path)?;
                continue;
            }
            let mut v = Vec::new();
            for key in keys {
                match self.get(elem, key, path)? {
                    Some(n) => v.push(self.nodes[n].value.clone()),
                    None => self.nodes[dst].content.push(elem),
                }
            }
            if keys.len() > 1 {
                self.element_setter(dst, None, keys, &v, path)?;
            }
            self.element_setter(dst, Some(elem), keys, &v, path)?;
        }
        Ok(dst)
    }
}

impl N {
    fn collection(kind: NKind, content: Vec<Id>, prov: Option<Prov>) -> N {
        N {
            kind,
            value: String::new(),
            style: Style::Plain,
            tag: Tag::Implicit,
            untagged: false,
            content,
            prov,
        }
    }
}

fn is_empty_null(n: &RNode, s: &Scalar) -> bool {
    s.value == "~"
        && s.style == Style::Plain
        && s.tag == Tag::Implicit
        && n.prov
            .as_ref()
            .is_some_and(|p| p.span.start.byte == p.span.end.byte)
}

fn parse_directive(v: &str, path: &[String]) -> Result<Directive, String> {
    match v {
        "delete" => Ok(Directive::Delete),
        "replace" => Ok(Directive::Replace),
        "merge" => Ok(Directive::Merge),
        _ => Err(format!(
            "unknown patch strategy '{v}' at {} (`$patch` takes delete, replace or merge)",
            show_path(path)
        )),
    }
}

/// `validateKeys`: drops the keys no value list fills (all of them kept when none does).
fn validate_keys(
    values_list: &[Vec<String>],
    values: &[String],
    keys: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut valid = BTreeSet::new();
    for vs in values_list {
        for (i, v) in vs.iter().enumerate() {
            if !v.is_empty() {
                if let Some(k) = keys.get(i) {
                    valid.insert(k.as_str());
                }
            }
        }
    }
    if valid.is_empty() {
        return (keys.to_vec(), values.to_vec());
    }
    let vk = keys
        .iter()
        .filter(|k| valid.contains(k.as_str()))
        .cloned()
        .collect();
    let vv = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_empty() || keys.get(*i).is_some_and(|k| valid.contains(k.as_str())))
        .map(|(_, v)| v.clone())
        .collect();
    (vk, vv)
}

/// `mergeValues`: key tuples that agree wherever both are set (`[8080, ""]` and
/// `[8080, TCP]`) become the same tuple.
fn merge_values(list: &mut [Vec<String>]) {
    for i in 0..list.len() {
        let v1 = list[i].clone();
        for j in 0..list.len() {
            let v2 = list[j].clone();
            if let Some(res) = match_values(&v1, &v2) {
                list[i].clone_from(&res);
                list[j] = res;
            }
        }
    }
}

fn match_values(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut res = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            res.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else if !x.is_empty() {
            res.push(x.clone());
        } else {
            res.push(y.clone());
        }
    }
    common.then_some(res)
}

fn element_label(keys: &[String], values: &[String]) -> String {
    let pairs: Vec<String> = keys
        .iter()
        .zip(values)
        .map(|(k, v)| {
            if k.is_empty() {
                v.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    format!("[{}]", pairs.join(","))
}

fn show_path(path: &[String]) -> String {
    if path.is_empty() {
        return "the top level".into();
    }
    let mut s = String::new();
    for p in path {
        if !s.is_empty() && !p.starts_with('[') {
            s.push('.');
        }
        s.push_str(p);
    }
    s
}

fn kind_name(k: NKind) -> &'static str {
    match k {
        NKind::Scalar => "a scalar",
        NKind::Seq => "a list",
        NKind::Map => "a map",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::render::kustomize::patch_meta::PatchMeta;

    /// The documents of a YAML text, as nodes whose provenance names `file`.
    pub(crate) fn docs(text: &str, file: &str) -> Vec<RNode> {
        let (src, findings) = crate::load::load_bytes(
            file,
            crate::walk::PathKind::Yaml,
            text.as_bytes(),
            &Default::default(),
        );
        assert!(
            src.docs
                .iter()
                .all(|d| d.root.is_some() || d.value.is_none()),
            "{file}: {findings:?}"
        );
        let file: Arc<str> = Arc::from(file);
        src.docs
            .iter()
            .filter_map(|d| d.root.as_ref())
            .map(|r| crate::render::node::from_tree(r, &file).unwrap())
            .collect()
    }

    pub(crate) fn doc(text: &str, file: &str) -> RNode {
        docs(text, file).pop().expect("one document")
    }

    fn dedent(s: &str) -> String {
        let lines: Vec<&str> = s.lines().skip_while(|l| l.trim().is_empty()).collect();
        let indent = lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        lines
            .iter()
            .map(|l| l.get(indent..).unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    }

    /// Merges like kustomize (schema from the built-in bundle) and returns the result.
    fn smp(target: &str, patch: &str) -> Result<Option<RNode>, String> {
        smp_with(target, patch, PatchMeta::builtin())
    }

    fn smp_with(target: &str, patch: &str, meta: &PatchMeta) -> Result<Option<RNode>, String> {
        let mut t = doc(&dedent(target), "target.yaml");
        let p = doc(&dedent(patch), "patch.yaml");
        Ok(match merge_resource(&mut t, &p, meta)? {
            Outcome::Merged => Some(t),
            Outcome::Deleted => None,
        })
    }

    #[track_caller]
    fn assert_json(got: &RNode, want: &str) {
        let want = doc(&dedent(want), "want.yaml").to_json();
        assert_eq!(
            got.to_json(),
            want,
            "\n got: {}\nwant: {}",
            serde_json::to_string_pretty(&got.to_json()).unwrap(),
            serde_json::to_string_pretty(&want).unwrap()
        );
    }

    fn keys(n: &RNode) -> Vec<&str> {
        n.entries().iter().filter_map(|(k, _)| k.as_str()).collect()
    }

    const DEP: &str = "
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: d
        spec:
          template:
            spec:
              containers:
              - name: a
                image: x
              - name: b
                image: y
    ";

    #[test]
    fn merge_keyed_lists_put_patch_elements_first() {
        let got = smp(
            DEP,
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                spec:
                  containers:
                  - name: b
                    image: yy
                  - name: c
                    image: c
            ",
        )
        .unwrap()
        .unwrap();
        assert_json(
            &got,
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              template:
                spec:
                  containers:
                  - {name: b, image: yy}
                  - {name: c, image: c}
                  - {name: a, image: x}
            ",
        );
    }

    #[test]
    fn lists_without_schema_are_replaced() {
        // Unknown kind, and a Deployment in an apiVersion kyaml has no schema for.
        for api in ["example.com/v1", "v1"] {
            let target = DEP.replace("apps/v1", api);
            let got = smp(
                &target,
                &format!(
                    "
                    apiVersion: {api}
                    kind: Deployment
                    metadata:
                      name: d
                    spec:
                      template:
                        spec:
                          containers:
                          - name: b
                            image: z
                    "
                ),
            )
            .unwrap()
            .unwrap();
            let c = got
                .path(&["spec", "template", "spec", "containers"])
                .unwrap();
            assert_eq!(
                c.to_json(),
                serde_json::json!([{"name": "b", "image": "z"}])
            );
        }
    }

    const PORTS: &str = "
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: d
        spec:
          template:
            spec:
              containers:
              - name: a
                image: x
                ports:
                - containerPort: 80
                  protocol: TCP
                - containerPort: 443
                  protocol: TCP
                - containerPort: 53
                  protocol: UDP
    ";

    fn ports_after(patch_ports: &str) -> serde_json::Value {
        let patch = format!(
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                spec:
                  containers:
                  - name: a
                    ports: {patch_ports}
            "
        );
        let got = smp(PORTS, &patch).unwrap().unwrap();
        got.path(&["spec", "template", "spec", "containers"])
            .unwrap()
            .items()[0]
            .get("ports")
            .unwrap()
            .to_json()
    }

    #[test]
    fn multi_key_lists_keep_target_order() {
        use serde_json::json;
        let p = |port: u16, proto: &str| json!({"containerPort": port, "protocol": proto});
        // All verified with `kubectl kustomize` (v5.5.0).
        assert_eq!(
            ports_after("[{containerPort: 8080, protocol: TCP}]"),
            json!([p(8080, "TCP"), p(80, "TCP"), p(443, "TCP"), p(53, "UDP")])
        );
        assert_eq!(
            ports_after("[{containerPort: 8080}]"),
            json!([{"containerPort": 8080}, p(80, "TCP"), p(443, "TCP"), p(53, "UDP")])
        );
        assert_eq!(
            ports_after(
                "[{containerPort: 53, protocol: UDP, name: dns}, {containerPort: 9, protocol: TCP}, \
                 {containerPort: 443, protocol: TCP, name: https}]"
            ),
            json!([
                p(9, "TCP"),
                p(80, "TCP"),
                {"containerPort": 443, "protocol": "TCP", "name": "https"},
                {"containerPort": 53, "protocol": "UDP", "name": "dns"}
            ])
        );
        // Without its protocol the patch element matches nothing and is lost.
        assert_eq!(
            ports_after("[{containerPort: 443, name: https}]"),
            json!([p(80, "TCP"), p(443, "TCP"), p(53, "UDP")])
        );
        assert_eq!(
            ports_after("[{containerPort: 443, protocol: UDP}]"),
            json!([p(443, "UDP"), p(80, "TCP"), p(443, "TCP"), p(53, "UDP")])
        );
    }

    #[test]
    fn kyaml_list_quirks() {
        let patch = "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
              labels:
                x: y
        ";
        // A target element without the merge key leaves only itself.
        let got = smp(
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                spec:
                  containers:
                  - {name: a, image: x}
                  - {image: nokey}
                  - {name: b, image: y}
            ",
            patch,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            got.path(&["spec", "template", "spec", "containers"])
                .unwrap()
                .to_json(),
            serde_json::json!([{"image": "nokey"}])
        );
        // Duplicate names: the last one wins, unmerged; `{}` elements go.
        let got = smp(
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                spec:
                  containers:
                  - name: a
                    image: x
                    env:
                    - {name: A, value: '1'}
                    - {}
                    - {name: A, value: '2'}
                  - {name: a, image: dup}
            ",
            patch,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            got.path(&["spec", "template", "spec", "containers"])
                .unwrap()
                .to_json(),
            serde_json::json!([{"name": "a", "image": "dup"}])
        );
    }

    #[test]
    fn nulls() {
        let got = smp(
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              replicas:
              paused: ~
              minReadySeconds: null
              strategy:
              template:
                spec:
                  containers:
                  - {name: a, image: x, args: null}
                  tolerations:
                  - {key: k, value: null}
            ",
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              revisionHistoryLimit: null
              template:
                spec:
                  containers:
                  - name: a
                    image: y
                    command: ~
                  nodeSelector: null
            ",
        )
        .unwrap()
        .unwrap();
        // `~`/`null` stay, empty nulls go, nulls in the patch add nothing.
        assert_json(
            &got,
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              paused: null
              minReadySeconds: null
              template:
                spec:
                  containers:
                  - {name: a, image: y, args: null}
                  tolerations:
                  - {key: k, value: null}
            ",
        );
        let got = smp(
            DEP,
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template: null
            ",
        )
        .unwrap()
        .unwrap();
        assert!(got.path(&["spec", "template"]).is_none());
    }

    #[test]
    fn directives() {
        let target = "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
              finalizers: [a, b, c]
              labels: {x: '1', y: '2'}
            spec:
              strategy:
                type: RollingUpdate
                rollingUpdate: {maxSurge: 1}
              template:
                spec:
                  containers:
                  - name: a
                    image: x
                    args: [p, q]
                    env:
                    - {name: E1, value: '1'}
                    - {name: E2, value: '2'}
                  - {name: b, image: y}
                  volumes:
                  - {name: v1, emptyDir: {}}
                  - {name: v2, configMap: {name: c}}
        ";
        let patch = "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
              finalizers: [d, a]
              labels:
                $patch: replace
                z: '3'
            spec:
              strategy:
                $retainKeys: [type]
                type: Recreate
              template:
                spec:
                  $setElementOrder/containers:
                  - name: b
                  - name: a
                  containers:
                  - name: a
                    $deleteFromPrimitiveList/args: [p]
                    env:
                    - name: E1
                      $patch: delete
                  - name: b
                    $patch: replace
                    image: yy
                  volumes:
                  - name: v1
                    emptyDir: null
                    hostPath:
                      path: /x
        ";
        let p = doc(&dedent(patch), "p.yaml");
        let ignored: Vec<&str> = ignored_directives(&p)
            .iter()
            .filter_map(|k| k.as_str())
            .collect();
        assert_eq!(
            ignored,
            [
                "$retainKeys",
                "$setElementOrder/containers",
                "$deleteFromPrimitiveList/args"
            ]
        );
        let got = smp(target, patch).unwrap().unwrap();
        // As `kubectl kustomize` prints it: the apimachinery-only directives stay as fields,
        // `$patch: replace` on an element the target has changes nothing.
        assert_json(
            &got,
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
              finalizers: [d, a, b, c]
              labels: {z: '3'}
            spec:
              strategy:
                $retainKeys: [type]
                rollingUpdate: {maxSurge: 1}
                type: Recreate
              template:
                spec:
                  $setElementOrder/containers:
                  - name: b
                  - name: a
                  containers:
                  - $deleteFromPrimitiveList/args: [p]
                    args: [p, q]
                    env:
                    - {name: E2, value: '2'}
                    image: x
                    name: a
                  - {image: y, name: b}
                  volumes:
                  - {hostPath: {path: /x}, name: v1}
                  - {configMap: {name: c}, name: v2}
            ",
        );
    }

    #[test]
    fn list_replace_directive() {
        let got = smp(
            DEP,
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                spec:
                  containers:
                  - $patch: replace
                  - name: n
                    image: new
                  initContainers:
                  - $patch: replace
                  - name: n
                    image: new
            ",
        )
        .unwrap()
        .unwrap();
        let spec = got.path(&["spec", "template", "spec"]).unwrap();
        assert_eq!(
            spec.get("containers").unwrap().to_json(),
            serde_json::json!([{"name": "n", "image": "new"}])
        );
        // Where the target has no such list, kyaml keeps only the directive element.
        assert_eq!(
            spec.get("initContainers").unwrap().to_json(),
            serde_json::json!([{"$patch": "replace"}])
        );
    }

    #[test]
    fn whole_resource_directives() {
        let header = "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
        ";
        let with = |extra: &str| format!("{}{extra}", dedent(header));
        assert!(smp(DEP, &with("$patch: delete")).unwrap().is_none());
        // `$patch: replace` on the resource itself changes nothing.
        let got = smp(DEP, &with("$patch: replace\nspec: {replicas: 7}"))
            .unwrap()
            .unwrap();
        assert_json(&got, DEP);
        let got = smp(DEP, &with("spec:\n  $patch: replace\n  replicas: 7"))
            .unwrap()
            .unwrap();
        assert_eq!(
            got.get("spec").unwrap().to_json(),
            serde_json::json!({"replicas": 7})
        );
        let err = smp(DEP, &with("spec:\n  $patch: bogus")).unwrap_err();
        assert!(err.contains("unknown patch strategy 'bogus'"), "{err}");
        // `merge()` reports a deletion as a null target.
        let mut t = doc(&dedent(DEP), "t.yaml");
        let p = doc(&with("$patch: delete"), "p.yaml");
        merge(&mut t, &p, None).unwrap();
        assert!(t.is_null());
    }

    #[test]
    fn scalars_take_the_target_style() {
        let got = smp(
            "
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
            data:
              a: \"1\"
              b: 'x'
              d: plain
            other:
              n: \"5\"
              m: 7
              t: \"true\"
            ",
            "
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
            data:
              a: 2
              b: y
              d: \"quoted\"
            other:
              n: 6
              m: \"8\"
              t: false
            ",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            got.get("data").unwrap().to_json(),
            serde_json::json!({"a": "2", "b": "y", "d": "quoted"})
        );
        assert_eq!(
            got.get("other").unwrap().to_json(),
            serde_json::json!({"n": "6", "m": "8", "t": "false"})
        );
    }

    #[test]
    fn kind_mismatch_is_an_error() {
        let err = smp(
            DEP,
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template: [1, 2]
            ",
        )
        .unwrap_err();
        assert!(err.contains("spec.template"), "{err}");
    }

    #[test]
    fn field_order_and_provenance() {
        let got = smp(
            "
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
            data:
              zz: '1'
              aa: '2'
            ",
            "
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
            data:
              zz: changed
              mm: new
              bb: new
            ",
        )
        .unwrap()
        .unwrap();
        let data = got.get("data").unwrap();
        assert_eq!(keys(data), ["zz", "aa", "bb", "mm"]);
        let file = |n: &RNode| n.prov.as_ref().map(|p| p.file.to_string());
        assert_eq!(file(data.get("zz").unwrap()).as_deref(), Some("patch.yaml"));
        assert_eq!(
            file(data.get("aa").unwrap()).as_deref(),
            Some("target.yaml")
        );
        assert_eq!(file(data.get("bb").unwrap()).as_deref(), Some("patch.yaml"));
        let bb_key = &data.entries()[2].0;
        assert_eq!(file(bb_key).as_deref(), Some("patch.yaml"));
        // An unchanged value keeps the target's line.
        let name = got.path(&["metadata", "name"]).unwrap();
        assert_eq!(file(name).as_deref(), Some("target.yaml"));
        let span = data.get("zz").unwrap().prov.as_ref().unwrap().span;
        assert_eq!(span.start.line, 6);
    }

    #[test]
    fn custom_schema_replaces_the_builtin_one() {
        let schema: serde_json::Value = serde_json::json!({
            "definitions": {
                "v1alpha1.MyCRD": {
                    "properties": {"spec": {"properties": {"list": {
                        "type": "array",
                        "items": {"type": "object"},
                        "x-kubernetes-patch-strategy": "merge",
                        "x-kubernetes-patch-merge-key": "id"
                    }}}},
                    "x-kubernetes-group-version-kind": [
                        {"group": "example.com", "kind": "MyCRD", "version": "v1alpha1"}
                    ]
                }
            }
        });
        let meta = PatchMeta::from_openapi(&schema, None).unwrap();
        let got = smp_with(
            "
            apiVersion: example.com/v1alpha1
            kind: MyCRD
            metadata: {name: m}
            spec:
              list: [{id: a, v: 1}, {id: b, v: 2}]
            ",
            "
            apiVersion: example.com/v1alpha1
            kind: MyCRD
            metadata: {name: m}
            spec:
              list: [{id: b, v: 3}]
            ",
            &meta,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            got.path(&["spec", "list"]).unwrap().to_json(),
            serde_json::json!([{"id": "b", "v": 3}, {"id": "a", "v": 1}])
        );
        // The custom document knows no Deployment: its containers are replaced.
        let got = smp_with(
            DEP,
            "
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                spec:
                  containers:
                  - {name: b, image: z}
            ",
            &meta,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            got.path(&["spec", "template", "spec", "containers"])
                .unwrap()
                .to_json(),
            serde_json::json!([{"name": "b", "image": "z"}])
        );
    }

    #[test]
    fn nested_objects_find_their_schema_by_gvk() {
        // A CRD embedding a Deployment: kyaml looks the embedded object up by its own
        // apiVersion/kind where no schema reaches it.
        let got = smp(
            "
            apiVersion: example.com/v1
            kind: Wrapper
            metadata: {name: w}
            spec:
              object:
                apiVersion: apps/v1
                kind: Deployment
                spec:
                  template:
                    spec:
                      containers: [{name: a, image: x}]
            ",
            "
            apiVersion: example.com/v1
            kind: Wrapper
            metadata: {name: w}
            spec:
              object:
                spec:
                  template:
                    spec:
                      containers: [{name: b, image: y}]
            ",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            got.path(&["spec", "object", "spec", "template", "spec", "containers"])
                .unwrap()
                .to_json(),
            serde_json::json!([{"name": "b", "image": "y"}, {"name": "a", "image": "x"}])
        );
    }
}

/// Differential testing against `kubectl kustomize` (development aid): for every directory
/// under `$GITGATE_PATCH_DIFF_DIR` holding `target.yaml` and `patch.yaml` (a strategic merge
/// patch, or a JSON patch when it is a list), and optionally `openapi.json`, writes our result
/// as `got.json` (or the error as `got.err`) for a script to compare with kubectl's output.
/// `cargo test --lib patch_diff -- --ignored`.
#[cfg(test)]
mod diff {
    use super::tests::doc;
    use super::*;

    #[test]
    #[ignore]
    fn patch_diff() {
        let Ok(dir) = std::env::var("GITGATE_PATCH_DIFF_DIR") else {
            eprintln!("NOTICE: GITGATE_PATCH_DIFF_DIR not set, skipping");
            return;
        };
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let case = entry.unwrap().path();
            let (Ok(t), Ok(p)) = (
                std::fs::read_to_string(case.join("target.yaml")),
                std::fs::read_to_string(case.join("patch.yaml")),
            ) else {
                continue;
            };
            let mut target = doc(&t, "target.yaml");
            let patch = doc(&p, "patch.yaml");
            let custom = std::fs::read_to_string(case.join("openapi.json"))
                .ok()
                .map(|s| {
                    PatchMeta::from_openapi(&serde_json::from_str(&s).unwrap(), None).unwrap()
                });
            let res = if patch.is_seq() {
                crate::render::kustomize::json6902::apply(&mut target, &patch).map(|_| true)
            } else {
                let meta = custom.as_ref().unwrap_or_else(|| PatchMeta::builtin());
                merge_resource(&mut target, &patch, meta).map(|o| o == Outcome::Merged)
            };
            let _ = std::fs::remove_file(case.join("got.json"));
            let _ = std::fs::remove_file(case.join("got.err"));
            match res {
                Ok(kept) => {
                    let v = if kept {
                        target.to_json()
                    } else {
                        serde_json::Value::Null
                    };
                    std::fs::write(case.join("got.json"), v.to_string()).unwrap();
                }
                Err(e) => std::fs::write(case.join("got.err"), e).unwrap(),
            }
            n += 1;
        }
        eprintln!("patch_diff: {n} cases");
    }
}

/// Conformance: the kustomize corpus cases that are "resources + patches" (kustomizations using
/// only `resources`, `patches`, `patchesStrategicMerge`, `patchesJson6902` and `openapi`), built
/// with a minimal kustomize (resource loading, patch targeting as kustomize does it) around our
/// merge and apply, compared with `expected.yaml` as data.
#[cfg(test)]
mod corpus {
    use std::path::{Path, PathBuf};

    use serde_json::Value;

    use super::tests::docs;
    use super::*;
    use crate::render::kustomize::json6902;

    const SUPPORTED: &[&str] = &[
        "apiVersion",
        "kind",
        "resources",
        "patches",
        "patchesStrategicMerge",
        "patchesJson6902",
        "openapi",
    ];

    fn corpus_dir() -> Option<PathBuf> {
        // `GITGATE_KUSTOMIZE_CORPUS` points at another corpus of the same layout.
        let dir = std::env::var_os("GITGATE_KUSTOMIZE_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/kustomize")
            });
        if dir.is_dir() {
            return Some(dir);
        }
        if std::env::var_os("CI").is_some() {
            panic!("{} is missing", dir.display());
        }
        eprintln!(
            "NOTICE: {} not found, skipping the kustomize corpus",
            dir.display()
        );
        None
    }

    fn kustomization_file(dir: &Path) -> Option<PathBuf> {
        ["kustomization.yaml", "kustomization.yml", "Kustomization"]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
    }

    fn load(path: &Path, root: &Path) -> Result<Vec<RNode>, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let rel = path.strip_prefix(root).unwrap_or(path).to_string_lossy();
        Ok(docs(&text, &rel)
            .into_iter()
            .filter(|d| !d.is_null())
            .collect())
    }

    /// A resource's id: (group, version, kind, name, namespace).
    #[derive(Clone, Debug, PartialEq)]
    struct Id {
        group: String,
        version: String,
        kind: String,
        name: String,
        namespace: String,
    }

    fn id_of(n: &RNode) -> Id {
        let av = n.str_at(&["apiVersion"]).unwrap_or_default();
        let (group, version) = match av.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), av.to_string()),
        };
        let ns = n.str_at(&["metadata", "namespace"]).unwrap_or_default();
        Id {
            group,
            version,
            kind: n.str_at(&["kind"]).unwrap_or_default().to_string(),
            name: n
                .str_at(&["metadata", "name"])
                .unwrap_or_default()
                .to_string(),
            namespace: if ns == "default" {
                String::new()
            } else {
                ns.to_string()
            },
        }
    }

    struct Res {
        node: RNode,
        /// The ids it had before patches renamed it.
        previous: Vec<Id>,
    }

    /// The schema kustomize uses: the first `openapi:` met walking the kustomizations
    /// top-down (kyaml sets it once).
    fn find_openapi(dir: &Path) -> Result<Option<Value>, String> {
        let Some(kf) = kustomization_file(dir) else {
            return Ok(None);
        };
        let k = load(&kf, dir)?.pop().unwrap_or_else(RNode::map);
        if let Some(o) = k.get("openapi") {
            if o.get("path").is_some() && o.get("version").is_some() {
                return Err("builtin version and custom schema provided, cannot use both".into());
            }
            if let Some(p) = o.str_at(&["path"]) {
                let text = std::fs::read_to_string(dir.join(p))
                    .map_err(|e| format!("openapi {p}: {e}"))?;
                let doc = load_text(&text, p)?;
                return Ok(Some(doc.to_json()));
            }
            if let Some(v) = o.str_at(&["version"]) {
                if v != "v1.21.2" {
                    return Err(format!("the specified OpenAPI version {v} is not built in"));
                }
                return Ok(Some(Value::Null));
            }
        }
        for r in k.get("resources").map(RNode::items).unwrap_or_default() {
            let p = dir.join(r.as_str().unwrap_or_default());
            if p.is_dir() {
                if let Some(s) = find_openapi(&p)? {
                    return Ok(Some(s));
                }
            }
        }
        Ok(None)
    }

    fn load_text(text: &str, file: &str) -> Result<RNode, String> {
        docs(text, file)
            .pop()
            .ok_or_else(|| format!("{file}: no document"))
    }

    fn build(
        dir: &Path,
        root: &Path,
        meta: &PatchMeta,
        restrict: bool,
    ) -> Result<Vec<Res>, String> {
        let kf = kustomization_file(dir).ok_or("no kustomization")?;
        let k = load(&kf, root)?.pop().unwrap_or_else(RNode::map);
        for (key, _) in k.entries() {
            let key = key.as_str().unwrap_or_default();
            if !SUPPORTED.contains(&key) {
                return Err(format!("UNSUPPORTED kustomization field {key}"));
            }
        }
        let mut resources = Vec::new();
        for r in k.get("resources").map(RNode::items).unwrap_or_default() {
            let p = dir.join(r.as_str().unwrap_or_default());
            if p.is_dir() {
                resources.extend(build(&p, root, meta, restrict)?);
            } else {
                for node in load(&p, root)? {
                    resources.push(Res {
                        node,
                        previous: Vec::new(),
                    });
                }
            }
        }
        let kust_file = kf
            .strip_prefix(root)
            .unwrap_or(&kf)
            .to_string_lossy()
            .to_string();
        let patch_docs = |entry: &RNode, key: &str| -> Result<Vec<RNode>, String> {
            if let Some(path) = entry.str_at(&[key]) {
                let p = dir.join(path);
                if p.is_file() {
                    // kustomize's load restrictor: files in or below the kustomization.
                    let canon = p.canonicalize().map_err(|e| e.to_string())?;
                    if restrict
                        && !canon.starts_with(dir.canonicalize().map_err(|e| e.to_string())?)
                    {
                        return Err(format!("security; file {path} is not in or below the root"));
                    }
                    return load(&p, root);
                }
            }
            let text = entry
                .str_at(&["patch"])
                .or_else(|| entry.as_str())
                .ok_or("a patch without path or patch")?;
            Ok(docs(text, &kust_file)
                .into_iter()
                .filter(|d| !d.is_null())
                .collect())
        };
        // patchesStrategicMerge, then patches, then patchesJson6902 (kustomize's order).
        for entry in k
            .get("patchesStrategicMerge")
            .map(RNode::items)
            .unwrap_or_default()
        {
            let entry = match entry.as_str() {
                Some(s) if dir.join(s).is_file() => {
                    let mut m = RNode::map();
                    m.set("path", RNode::string(s));
                    m
                }
                _ => entry.clone(),
            };
            for patch in patch_docs(&entry, "path")? {
                let i = find_one(&resources, &id_of(&patch))?;
                apply_smp(&mut resources, &[i], &patch, false, false, meta)?;
            }
        }
        for entry in k.get("patches").map(RNode::items).unwrap_or_default() {
            let allow_name = entry.str_at(&["options", "allowNameChange"]) == Some("true");
            let allow_kind = entry.str_at(&["options", "allowKindChange"]) == Some("true");
            let patches = patch_docs(entry, "path")?;
            let target = entry.get("target");
            if patches.len() == 1 && patches[0].is_seq() {
                let sel = select(&resources, target.ok_or("a JSON patch needs a target")?)?;
                for i in sel {
                    json6902::apply(&mut resources[i].node, &patches[0])?;
                }
                continue;
            }
            for patch in &patches {
                let sel = match target {
                    Some(t) => select(&resources, t)?,
                    None => vec![find_one(&resources, &id_of(patch))?],
                };
                apply_smp(&mut resources, &sel, patch, allow_name, allow_kind, meta)?;
            }
        }
        for entry in k
            .get("patchesJson6902")
            .map(RNode::items)
            .unwrap_or_default()
        {
            let ops = patch_docs(entry, "path")?
                .pop()
                .ok_or("an empty JSON patch")?;
            let sel = select(&resources, entry.get("target").ok_or("no target")?)?;
            for i in sel {
                json6902::apply(&mut resources[i].node, &ops)?;
            }
        }
        Ok(resources)
    }

    fn find_one(resources: &[Res], id: &Id) -> Result<usize, String> {
        let hits: Vec<usize> = resources
            .iter()
            .enumerate()
            .filter(|(_, r)| id_of(&r.node) == *id || r.previous.contains(id))
            .map(|(i, _)| i)
            .collect();
        match hits[..] {
            [i] => Ok(i),
            [] => Err(format!("no resource matches the patch {id:?}")),
            _ => Err(format!("several resources match the patch {id:?}")),
        }
    }

    fn select(resources: &[Res], target: &RNode) -> Result<Vec<usize>, String> {
        let want = |k: &str| target.str_at(&[k]).filter(|s| !s.is_empty());
        // kustomize reads these as anchored regexes; `.*` is all the corpus uses.
        let anchored = |pat: &str, s: &str| {
            pat == s || (pat.contains(".*") && glob(&pat.replace(".*", "*"), s))
        };
        let mut out = Vec::new();
        for (i, r) in resources.iter().enumerate() {
            let id = id_of(&r.node);
            let ok = want("group").is_none_or(|g| g == id.group)
                && want("version").is_none_or(|v| v == id.version)
                && want("kind").is_none_or(|k| anchored(k, &id.kind))
                && want("name").is_none_or(|n| anchored(n, &id.name))
                && want("namespace").is_none_or(|n| anchored(n, &id.namespace))
                && want("labelSelector").is_none_or(|s| selector(&r.node, "labels", s))
                && want("annotationSelector").is_none_or(|s| selector(&r.node, "annotations", s));
            if ok {
                out.push(i);
            }
        }
        Ok(out)
    }

    fn glob(pat: &str, s: &str) -> bool {
        let parts: Vec<&str> = pat.split('*').collect();
        let mut rest = s;
        for (i, p) in parts.iter().enumerate() {
            if i == 0 {
                let Some(r) = rest.strip_prefix(p) else {
                    return false;
                };
                rest = r;
            } else if i == parts.len() - 1 {
                return rest.ends_with(p);
            } else {
                let Some(at) = rest.find(p) else { return false };
                rest = &rest[at + p.len()..];
            }
        }
        rest.is_empty()
    }

    /// `k=v`, `k!=v`, `k`, `!k`, comma-separated.
    fn selector(n: &RNode, field: &str, sel: &str) -> bool {
        let map = n.path(&["metadata", field]);
        let get = |k: &str| map.and_then(|m| m.get(k)).and_then(RNode::as_str);
        sel.split(',').map(str::trim).all(|term| {
            if let Some((k, v)) = term.split_once("!=") {
                get(k.trim()) != Some(v.trim())
            } else if let Some((k, v)) = term.split_once('=') {
                get(k.trim()) == Some(v.trim_start_matches('=').trim())
            } else if let Some(k) = term.strip_prefix('!') {
                get(k).is_none()
            } else {
                get(term).is_some()
            }
        })
    }

    /// `resWrangler.ApplySmPatch` + `Resource.ApplySmPatch`.
    fn apply_smp(
        resources: &mut Vec<Res>,
        selected: &[usize],
        patch: &RNode,
        allow_name: bool,
        allow_kind: bool,
        meta: &PatchMeta,
    ) -> Result<(), String> {
        let mut deleted = Vec::new();
        for &i in selected {
            let res = &mut resources[i];
            let before = id_of(&res.node);
            let mut p = patch.clone();
            // The patch takes the target's apiVersion (its kind stays).
            if let Some(av) = res.node.get("apiVersion").cloned() {
                p.set("apiVersion", av);
            }
            let (name, ns, kind) = (
                res.node.path(&["metadata", "name"]).cloned(),
                res.node.path(&["metadata", "namespace"]).cloned(),
                res.node.get("kind").cloned(),
            );
            if merge_resource(&mut res.node, &p, meta)? == Outcome::Deleted
                || res.node.entries().is_empty()
            {
                deleted.push(i);
                continue;
            }
            if !allow_kind {
                if let Some(k) = kind {
                    res.node.set("kind", k);
                }
            }
            if !allow_name {
                if let Some(n) = name {
                    res.node.ensure_map("metadata").set("name", n);
                }
            }
            match ns {
                Some(ns) => res.node.ensure_map("metadata").set("namespace", ns),
                None => {
                    if let Some(m) = res.node.get_mut("metadata") {
                        m.remove("namespace");
                    }
                }
            }
            if id_of(&res.node) != before {
                res.previous.push(before);
            }
        }
        deleted.sort_unstable();
        for i in deleted.into_iter().rev() {
            resources.remove(i);
        }
        Ok(())
    }

    /// Numbers compared by value (the expected output went through float64 and YAML).
    fn normalize(v: Value) -> Value {
        match v {
            Value::Number(n) => n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map(|f| Value::from(f as i64))
                .unwrap_or(Value::Number(n)),
            Value::Array(a) => Value::Array(a.into_iter().map(normalize).collect()),
            Value::Object(o) => {
                Value::Object(o.into_iter().map(|(k, v)| (k, normalize(v))).collect())
            }
            other => other,
        }
    }

    /// Known differences, with the reason (none of them in the merge or the patch itself).
    const KNOWN: &[(&str, &str)] = &[(
        "gvknpatch__TestNameReferenceAfterGvknChange",
        "needs the name-reference transformer (references follow the renamed ConfigMap)",
    )];

    #[test]
    fn kustomize_patch_cases() {
        let Some(corpus) = corpus_dir() else { return };
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("case.json").is_file())
            .collect();
        cases.sort();
        let (mut pass, mut fail, mut skipped) = (Vec::new(), Vec::new(), 0);
        for case in &cases {
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            let cj: Value =
                serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).unwrap())
                    .unwrap();
            let root = case.join("in");
            let run_dir = root.join(cj["run_dir"].as_str().unwrap_or("."));
            let Some(kf) = kustomization_file(&run_dir) else {
                skipped += 1;
                continue;
            };
            let text = std::fs::read_to_string(&kf).unwrap();
            if !["patches", "patchesStrategicMerge", "patchesJson6902"]
                .iter()
                .any(|k| text.contains(&format!("{k}:")))
            {
                continue;
            }
            let custom = find_openapi(&run_dir);
            let result = custom.and_then(|c| {
                let owned;
                let meta = match c {
                    Some(Value::Null) | None => PatchMeta::builtin(),
                    Some(doc) => {
                        owned = PatchMeta::from_openapi(&doc, None)?;
                        &owned
                    }
                };
                let restrict = !cj["flags"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|f| f == "LoadRestrictionsNone"));
                build(&run_dir, &root, meta, restrict)
            });
            if let Err(e) = &result {
                if e.starts_with("UNSUPPORTED") {
                    skipped += 1;
                    continue;
                }
            }
            let expect_error = cj["expect"] == "error";
            let verdict = match (&result, expect_error) {
                (Err(_), true) => Ok(()),
                (Ok(_), true) => Err("expected an error".to_string()),
                (Err(e), false) => Err(format!("error: {e}")),
                (Ok(res), false) => {
                    let want: Vec<Value> = load(&case.join("expected.yaml"), case)
                        .unwrap()
                        .iter()
                        .map(|d| normalize(d.to_json()))
                        .collect();
                    let got: Vec<Value> = res.iter().map(|r| normalize(r.node.to_json())).collect();
                    if got == want {
                        Ok(())
                    } else {
                        Err(format!(
                            "differs\n    got:  {}\n    want: {}",
                            serde_json::to_string(&got).unwrap(),
                            serde_json::to_string(&want).unwrap()
                        ))
                    }
                }
            };
            match verdict {
                Ok(()) => pass.push(name),
                Err(e) => fail.push((name, e)),
            }
        }
        eprintln!(
            "kustomize corpus, patch cases: {} pass, {} differ, {} out of scope",
            pass.len(),
            fail.len(),
            skipped
        );
        for p in &pass {
            eprintln!("  pass {p}");
        }
        let mut unexpected = Vec::new();
        for (name, e) in &fail {
            let known = KNOWN.iter().find(|(n, _)| n == name);
            eprintln!("  FAIL {name}: {}", known.map_or(e.as_str(), |k| k.1));
            if known.is_none() {
                unexpected.push(name.clone());
            }
        }
        assert!(unexpected.is_empty(), "unexpected failures: {unexpected:?}");
        assert!(pass.len() >= 40, "only {} cases pass", pass.len());
    }
}
