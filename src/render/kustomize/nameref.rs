//! After names change (prefixes, suffixes, hashes), every field that names another object is
//! updated to the new name: `configMapRef.name`, `roleRef.name`, `serviceAccountName`, …
//! (the `nameReference` field specs). The choice among same-named objects follows kustomize's
//! sieve: previous names, then same namespace as the referrer, then matching name prefixes and
//! suffixes.

use std::collections::HashMap;

use super::fieldspec::{visit_path, Gvk, TransformerConfig};
use super::resource::{is_cluster_scoped, ResId, Resource};
use super::Error;
use crate::render::node::{Kind, RNode};

/// A possible target of a reference: the ids it had before (not the current one: an object
/// never renamed or moved needs no fix), its current id, its affixes.
struct Referral {
    /// Every id, the current one last (indexes the names a blank-namespace check looks at).
    ids: Vec<ResId>,
    previous: Vec<ResId>,
    current: ResId,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

/// The object holding the reference.
struct Referrer {
    cluster_scoped: bool,
    namespace: String,
    /// For a RoleBinding: the namespaces its subjects name (it may refer there).
    subject_namespaces: Vec<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

pub fn fix_back_references(
    resources: &mut [Resource],
    config: &TransformerConfig,
) -> Result<(), Error> {
    let referrals: Vec<Referral> = resources
        .iter()
        .map(|r| Referral {
            ids: r.all_ids(),
            previous: r.previous.clone(),
            current: r.id(),
            prefixes: r.prefixes.clone(),
            suffixes: r.suffixes.clone(),
        })
        .collect();
    for backref in &config.name_reference {
        let candidates: Vec<&Referral> = referrals
            .iter()
            .filter(|r| r.ids.iter().any(|id| id.gvk.selected_by(&backref.gvk)))
            .collect();
        if candidates.is_empty() {
            continue;
        }
        // Indexed by every name each candidate has had.
        let mut by_name: HashMap<&str, Vec<&Referral>> = HashMap::new();
        for c in &candidates {
            let mut names: Vec<&str> = c.ids.iter().map(|id| id.name.as_str()).collect();
            names.dedup();
            for n in names {
                by_name.entry(n).or_default().push(c);
            }
        }
        for r in resources.iter_mut() {
            let id = r.id();
            let subject_namespaces = if id.gvk.kind == "RoleBinding" {
                r.node
                    .get("subjects")
                    .map(RNode::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|s| s.str_at(&["namespace"]).map(str::to_string))
                    .collect()
            } else {
                Vec::new()
            };
            let referrer = Referrer {
                cluster_scoped: is_cluster_scoped(&id.gvk),
                namespace: id.effective_namespace().to_string(),
                subject_namespaces,
                prefixes: r.prefixes.clone(),
                suffixes: r.suffixes.clone(),
            };
            for spec in backref.referrers.iter().filter(|s| s.applies_to(&id.gvk)) {
                // `roleRef.name` names a Role or a ClusterRole: its `kind` says which.
                if spec.path.first().is_some_and(|p| p == "roleRef")
                    && r.node
                        .str_at(&["roleRef", "kind"])
                        .is_some_and(|k| k != backref.gvk.kind)
                {
                    continue;
                }
                visit_path(&mut r.node, &spec.path, None, &mut |n| {
                    fix_node(n, &by_name, &backref.gvk, &referrer)
                })
                .map_err(|e| Error::at(e, r.origin.clone()))?;
            }
        }
    }
    Ok(())
}

type ByName<'a> = HashMap<&'a str, Vec<&'a Referral>>;

fn fix_node(
    n: &mut RNode,
    candidates: &ByName<'_>,
    target: &Gvk,
    referrer: &Referrer,
) -> Result<(), String> {
    match &mut n.kind {
        Kind::Scalar(_) => fix_name(n, candidates, target, referrer, None, false).map(|_| ()),
        Kind::Seq(items) => {
            for item in items {
                fix_node(item, candidates, target, referrer)?;
            }
            Ok(())
        }
        Kind::Map(_) => {
            // A subject or a webhook service: {kind?, name, namespace?}
            if n.get("kind")
                .and_then(RNode::as_str)
                .is_some_and(|k| k != target.kind)
            {
                return Ok(());
            }
            let ns = n.str_at(&["namespace"]).map(str::to_string);
            let blank_ns = n
                .get("namespace")
                .is_some_and(|v| v.is_null() || v.as_str() == Some(""));
            let Some(name) = n.get_mut("name") else {
                return Ok(());
            };
            if blank_ns {
                let old = name.as_str().unwrap_or_default();
                if candidates.contains_key(old) {
                    return Err(format!(
                        "Invalid Input: namespace is blank for resource `{old}`"
                    ));
                }
            }
            // The referral's namespace moves with it (a subject, a webhook's service).
            if let Some(new_ns) = fix_name(name, candidates, target, referrer, ns.as_deref(), true)?
            {
                if !new_ns.is_empty() {
                    let prov = n.get("namespace").and_then(|x| x.prov.clone());
                    n.set("namespace", RNode::string(new_ns).with_prov(prov));
                }
            }
            Ok(())
        }
    }
}

/// Whether the shorter list ends the longer one; an empty list agrees with a non-empty one
/// only when `lenient`.
fn same_ending(a: &[String], b: &[String], lenient: bool) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() && !long.is_empty() {
        return lenient;
    }
    long[long.len() - short.len()..] == *short
}

/// Renames one reference to the object it names; returns that object's current namespace.
fn fix_name(
    n: &mut RNode,
    candidates: &ByName<'_>,
    target: &Gvk,
    referrer: &Referrer,
    explicit_ns: Option<&str>,
    map_ref: bool,
) -> Result<Option<String>, String> {
    let Some(old) = n.as_str().map(str::to_string) else {
        return Ok(None);
    };
    let Some(named) = candidates.get(old.as_str()) else {
        return Ok(None);
    };
    // What the referrer can refer to at all: a cluster-scoped referrer anything; others what
    // is cluster-scoped, in their namespace, or (a RoleBinding) in its subjects' namespaces.
    let mut list: Vec<&Referral> = named.clone();
    if !referrer.cluster_scoped {
        list.retain(|c| {
            let ns = c.current.effective_namespace();
            is_cluster_scoped(&c.current.gvk)
                || ns == referrer.namespace
                || referrer.subject_namespaces.iter().any(|s| s == ns)
        });
    }
    // A {name, namespace} reference: objects originally in that namespace, else objects now
    // in it.
    if let Some(ns) = explicit_ns {
        let originally = |c: &&Referral| {
            let org = c.previous.first().unwrap_or(&c.current);
            !is_cluster_scoped(&org.gvk) && org.effective_namespace() == ns
        };
        if list.iter().any(originally) {
            list.retain(originally);
        } else {
            list.retain(|c| {
                !is_cluster_scoped(&c.current.gvk) && c.current.effective_namespace() == ns
            });
        }
    }
    // Objects that were called this and were of the kind (previous ids only, as kustomize:
    // an object never renamed or moved needs no fix).
    list.retain(|c| c.previous.iter().any(|id| id.name == old));
    list.retain(|c| c.previous.iter().any(|id| id.gvk.selected_by(target)));
    // In the referrer's namespace (cluster-scoped objects and service accounts can be named
    // from anywhere; a cluster-scoped referrer can name anything).
    if !referrer.cluster_scoped {
        list.retain(|c| {
            is_cluster_scoped(&c.current.gvk)
                || c.current.gvk.kind == "ServiceAccount"
                || c.current.effective_namespace() == referrer.namespace
        });
    }
    // Among several, those whose prefixes and suffixes end the same way as the referrer's
    // (kustomize's SameEndingSubSlice, where an empty list agrees only with an empty one).
    // When none does, an empty list agrees with any: that is what kustomize v5.5 outputs on
    // its TestPrefixSuffix (an object generated a level above a suffixed referrer).
    if list.len() > 1 {
        let agrees = |c: &&Referral, lenient: bool| {
            same_ending(&referrer.prefixes, &c.prefixes, lenient)
                && same_ending(&referrer.suffixes, &c.suffixes, lenient)
        };
        let strict: Vec<&Referral> = list.iter().copied().filter(|c| agrees(c, false)).collect();
        if strict.is_empty() {
            list.retain(|c| agrees(c, true));
        } else {
            list = strict;
        }
    }
    let chosen = match list.as_slice() {
        [] => return Ok(None),
        [one] => *one,
        many => {
            // Equivalent candidates: the same name (and, for a {name, namespace} reference,
            // which takes both from the referral, the same namespace).
            if many.iter().all(|c| {
                c.current.name == many[0].current.name
                    && (!map_ref || c.current.namespace == many[0].current.namespace)
            }) {
                many[0]
            } else {
                return Err(format!(
                    "found multiple possible referrals for name `{old}`: {}",
                    many.iter()
                        .map(|c| c.current.display())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    };
    if chosen.current.name != old {
        let prov = n.prov.clone();
        *n = RNode::string(chosen.current.name.clone()).with_prov(prov);
    }
    Ok(Some(chosen.current.namespace.clone()))
}
