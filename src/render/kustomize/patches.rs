//! `patchesStrategicMerge`, `patches` and `patchesJson6902`: finding the patch text, selecting
//! the targets, and applying it (the merge itself is `smp.rs` / `json6902.rs`).

use regex::Regex;

use super::build::{Accumulator, Builder};
use super::fieldspec::Gvk;
use super::kustomization::Kustomization;
use super::patch_meta::PatchMeta;
use super::resource::{ResId, Resource};
use super::{json6902, parse_docs, smp, Error};
use crate::render::node::{Prov, RNode};

/// Reads a patch given as a file path or inline YAML.
fn patch_docs(
    b: &Builder<'_>,
    k: &Kustomization,
    text_or_path: &str,
    inline: bool,
    prov: Option<Prov>,
) -> Result<Vec<RNode>, Error> {
    let (shown, text) = if inline {
        (k.file.to_string(), text_or_path.to_string())
    } else {
        let file = b.resolve_file(k, text_or_path, prov.clone())?;
        let shown = b.display(&file);
        let text = std::fs::read_to_string(&file)
            .map_err(|e| Error::at(format!("{shown}: {e}"), prov.clone()))?;
        (shown, text)
    };
    let mut docs = parse_docs(&shown, &text).map_err(|e| Error::at(e, prov.clone()))?;
    if inline {
        // Inline patches carry the kustomization entry's location.
        for d in docs.iter_mut() {
            reprov(d, &prov);
        }
    }
    docs.retain(|d| !d.is_null());
    // kyaml looks a field up by its first occurrence: in a patch, the first of two
    // duplicate keys is the one that applies.
    for d in docs.iter_mut() {
        first_key_wins(d);
    }
    Ok(docs)
}

fn first_key_wins(n: &mut RNode) {
    match &mut n.kind {
        crate::render::node::Kind::Map(entries) => {
            let mut seen = std::collections::HashSet::new();
            entries.retain(|(k, _)| seen.insert(k.as_str().map(str::to_string)));
            for (_, v) in entries.iter_mut() {
                first_key_wins(v);
            }
        }
        crate::render::node::Kind::Seq(items) => items.iter_mut().for_each(first_key_wins),
        _ => {}
    }
}

fn reprov(n: &mut RNode, prov: &Option<Prov>) {
    n.prov = prov.clone();
    match &mut n.kind {
        crate::render::node::Kind::Map(e) => {
            for (k, v) in e {
                reprov(k, prov);
                reprov(v, prov);
            }
        }
        crate::render::node::Kind::Seq(items) => items.iter_mut().for_each(|i| reprov(i, prov)),
        _ => {}
    }
}

/// Whether a patch that names `patch` (its own apiVersion/kind/name) targets `id`: kind and
/// name must match, and group, version and namespace where the patch gives them.
fn patch_targets(patch: &ResId, id: &ResId) -> bool {
    id.gvk.kind == patch.gvk.kind
        && id.name == patch.name
        && (patch.namespace.is_empty() || id.namespace == patch.namespace)
        && (patch.gvk.version.is_empty()
            || (id.gvk.version == patch.gvk.version && id.gvk.group == patch.gvk.group))
}

/// Applies one strategic-merge patch document to `r`. Returns false when the patch deletes it.
fn apply_smp(
    r: &mut Resource,
    patch: &RNode,
    allow_name: bool,
    allow_kind: bool,
    meta: &PatchMeta,
) -> Result<bool, Error> {
    let before = r.id();
    let mut patch = patch.clone();
    if !allow_name {
        if let Some(m) = patch.get_mut("metadata") {
            m.remove("name");
        }
    }
    if !allow_kind {
        patch.remove("kind");
        patch.remove("apiVersion");
    }
    let outcome = smp::merge_resource(&mut r.node, &patch, meta)
        .map_err(|e| Error::at(e, patch.prov.clone()))?;
    if outcome == smp::Outcome::Deleted {
        return Ok(false);
    }
    if r.id() != before {
        let mut b = before.clone();
        b.namespace = r.id().namespace.clone();
        r.previous.push(before);
    }
    Ok(true)
}

pub fn run_strategic_merge(
    b: &Builder<'_>,
    k: &Kustomization,
    acc: &mut Accumulator,
) -> Result<(), Error> {
    let Some(list) = k.get("patchesStrategicMerge") else {
        return Ok(());
    };
    for entry in list.items() {
        let s = entry.as_str().unwrap_or_default();
        let inline =
            s.contains('\n') || s.trim_start().starts_with("apiVersion") || s.contains(": ");
        let docs = patch_docs(b, k, s, inline, entry.prov.clone())?;
        smp_by_id(acc, docs, entry.prov.clone())?;
    }
    Ok(())
}

/// Strategic-merge patches that name their target by their own kind and name.
pub fn smp_by_id(acc: &mut Accumulator, docs: Vec<RNode>, prov: Option<Prov>) -> Result<(), Error> {
    for patch in docs {
        let patch = patch.clone();
        let id = ResId::of(&patch);
        let matches: Vec<usize> = acc
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.all_ids().iter().any(|rid| patch_targets(&id, rid)))
            .map(|(i, _)| i)
            .collect();
        match matches.len() {
            0 => {
                return Err(Error::at(
                    format!(
                        "no resource matches strategic merge patch \"{}\"",
                        id.display()
                    ),
                    prov,
                ))
            }
            1 => {}
            _ => {
                return Err(Error::at(
                    format!(
                        "multiple resources match strategic merge patch \"{}\"",
                        id.display()
                    ),
                    prov,
                ))
            }
        }
        let i = matches[0];
        let meta = acc.patch_meta.clone();
        let meta = meta.as_deref().unwrap_or(PatchMeta::builtin());
        if !apply_smp(&mut acc.resources[i], &patch, false, false, meta)? {
            acc.resources.remove(i);
        }
    }
    Ok(())
}

/// A `target:` selector.
struct Selector {
    gvk: Gvk,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Option<String>,
    annotations: Option<String>,
}

fn anchored(pattern: &str) -> Result<Regex, String> {
    Regex::new(&format!("^(?:{pattern})$")).map_err(|e| format!("invalid regex `{pattern}`: {e}"))
}

impl Selector {
    fn parse(n: &RNode) -> Result<Selector, String> {
        let s = |k: &str| n.str_at(&[k]).unwrap_or_default().to_string();
        Ok(Selector {
            gvk: Gvk {
                group: s("group"),
                version: s("version"),
                kind: s("kind"),
            },
            name: n.str_at(&["name"]).map(anchored).transpose()?,
            namespace: n.str_at(&["namespace"]).map(anchored).transpose()?,
            labels: n.str_at(&["labelSelector"]).map(str::to_string),
            annotations: n.str_at(&["annotationSelector"]).map(str::to_string),
        })
    }

    fn matches(&self, r: &Resource) -> Result<bool, String> {
        let id = r.id();
        if !id.gvk.selected_by(&self.gvk) {
            return Ok(false);
        }
        let ids = r.all_ids();
        if let Some(re) = &self.name {
            if !ids.iter().any(|i| re.is_match(&i.name)) {
                return Ok(false);
            }
        }
        if let Some(re) = &self.namespace {
            if !ids.iter().any(|i| re.is_match(&i.namespace)) {
                return Ok(false);
            }
        }
        if let Some(sel) = &self.labels {
            if !label_selector_matches(sel, r.node.path(&["metadata", "labels"]))? {
                return Ok(false);
            }
        }
        if let Some(sel) = &self.annotations {
            if !label_selector_matches(sel, r.node.path(&["metadata", "annotations"]))? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Kubernetes label selector syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
/// `a`, `!a`, comma-separated (all must hold).
pub fn label_selector_matches(selector: &str, labels: Option<&RNode>) -> Result<bool, String> {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(RNode::as_str);
    let mut terms = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in selector.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    terms.push(cur);
    for t in terms.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let ok = if let Some((k, v)) = t.split_once("!=") {
            get(k.trim()) != Some(v.trim())
        } else if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
            get(k.trim()) == Some(v.trim())
        } else if let Some((k, set)) = t.split_once(" notin ") {
            let set = parse_set(set)?;
            get(k.trim()).is_none_or(|v| !set.iter().any(|s| s == v))
        } else if let Some((k, set)) = t.split_once(" in ") {
            let set = parse_set(set)?;
            get(k.trim()).is_some_and(|v| set.iter().any(|s| s == v))
        } else if let Some(k) = t.strip_prefix('!') {
            get(k.trim()).is_none()
        } else {
            get(t).is_some()
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn parse_set(s: &str) -> Result<Vec<String>, String> {
    let inner = s
        .trim()
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .ok_or_else(|| format!("invalid selector set `{s}`"))?;
    Ok(inner.split(',').map(|x| x.trim().to_string()).collect())
}

/// Applies JSON 6902 `ops` to every selected resource, remembering ids a patch changes.
fn apply_json6902(
    acc: &mut Accumulator,
    sel: &Selector,
    ops: &RNode,
    prov: &Option<Prov>,
) -> Result<(), Error> {
    for r in acc.resources.iter_mut() {
        if sel.matches(r).map_err(|e| Error::at(e, prov.clone()))? {
            let before = r.id();
            json6902::apply(&mut r.node, ops).map_err(|e| Error::at(e, prov.clone()))?;
            if r.id() != before {
                r.previous.push(before);
            }
        }
    }
    Ok(())
}

pub fn run_patches(b: &Builder<'_>, k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
    let Some(list) = k.get("patches") else {
        return Ok(());
    };
    for entry in list.items() {
        patch_entry(b, k, acc, entry)?;
    }
    Ok(())
}

/// One `patches:` entry (also a PatchTransformer config): `path` or `patch`, `target`,
/// `options`.
pub fn patch_entry(
    b: &Builder<'_>,
    k: &Kustomization,
    acc: &mut Accumulator,
    entry: &RNode,
) -> Result<(), Error> {
    {
        let prov = entry.prov.clone();
        let (src, inline) = match (entry.str_at(&["path"]), entry.str_at(&["patch"])) {
            (Some(p), None) => (p.to_string(), false),
            (None, Some(p)) => (p.to_string(), true),
            (Some(_), Some(_)) => return Err(Error::at("patch has both `path` and `patch`", prov)),
            (None, None) => return Err(Error::at("patch needs `path` or `patch`", prov)),
        };
        let docs = patch_docs(b, k, &src, inline, prov.clone())?;
        let opt = |name: &str| entry.str_at(&["options", name]) == Some("true");
        let (allow_name, allow_kind) = (opt("allowNameChange"), opt("allowKindChange"));
        let selector = entry
            .get("target")
            .map(Selector::parse)
            .transpose()
            .map_err(|e| Error::at(e, prov.clone()))?;
        // A list is a JSON 6902 patch; mappings are strategic-merge patches.
        if docs.len() == 1 && docs[0].is_seq() {
            let sel = selector
                .ok_or_else(|| Error::at("a JSON 6902 patch needs a `target`", prov.clone()))?;
            apply_json6902(acc, &sel, &docs[0], &prov)?;
            return Ok(());
        }
        for patch in docs {
            let patch = patch.clone();
            let targets: Vec<usize> = match &selector {
                Some(sel) => {
                    let mut v = Vec::new();
                    for (i, r) in acc.resources.iter().enumerate() {
                        if sel.matches(r).map_err(|e| Error::at(e, prov.clone()))? {
                            v.push(i);
                        }
                    }
                    v
                }
                None => {
                    let id = ResId::of(&patch);
                    acc.resources
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| {
                            r.all_ids().iter().any(|rid| {
                                rid.gvk.kind == id.gvk.kind
                                    && rid.name == id.name
                                    && (id.namespace.is_empty() || rid.namespace == id.namespace)
                            })
                        })
                        .map(|(i, _)| i)
                        .collect()
                }
            };
            if selector.is_none() && targets.len() != 1 {
                let id = ResId::of(&patch).display();
                let msg = if targets.is_empty() {
                    format!("no resource matches patch \"{id}\"")
                } else {
                    format!(
                        "multiple matches for Id {id}; failed to find unique target for patch {id}"
                    )
                };
                return Err(Error::at(msg, prov));
            }
            let mut deleted = Vec::new();
            let meta = acc.patch_meta.clone();
            let meta = meta.as_deref().unwrap_or(PatchMeta::builtin());
            for i in targets {
                if !apply_smp(&mut acc.resources[i], &patch, allow_name, allow_kind, meta)? {
                    deleted.push(i);
                }
            }
            for i in deleted.into_iter().rev() {
                acc.resources.remove(i);
            }
        }
    }
    Ok(())
}

pub fn run_json6902(
    b: &Builder<'_>,
    k: &Kustomization,
    acc: &mut Accumulator,
) -> Result<(), Error> {
    let Some(list) = k.get("patchesJson6902") else {
        return Ok(());
    };
    for entry in list.items() {
        json6902_entry(b, k, acc, entry)?;
    }
    Ok(())
}

/// One `patchesJson6902` entry (also a PatchJson6902Transformer config): `target` and `path`,
/// `patch` or `jsonOp`.
pub fn json6902_entry(
    b: &Builder<'_>,
    k: &Kustomization,
    acc: &mut Accumulator,
    entry: &RNode,
) -> Result<(), Error> {
    {
        let prov = entry.prov.clone();
        let sel = entry
            .get("target")
            .map(Selector::parse)
            .transpose()
            .map_err(|e| Error::at(e, prov.clone()))?
            .ok_or_else(|| Error::at("patchesJson6902 entry needs a `target`", prov.clone()))?;
        let inline = entry.str_at(&["patch"]).or(entry.str_at(&["jsonOp"]));
        let docs = match (entry.str_at(&["path"]), inline) {
            (Some(p), _) => patch_docs(b, k, p, false, prov.clone())?,
            (None, Some(p)) => patch_docs(b, k, p, true, prov.clone())?,
            _ => {
                return Err(Error::at(
                    "patchesJson6902 entry needs `path` or `patch`",
                    prov,
                ))
            }
        };
        let ops = docs
            .into_iter()
            .next()
            .unwrap_or_else(|| RNode::seq(vec![]));
        apply_json6902(acc, &sel, &ops, &prov)?;
    }
    Ok(())
}
