//! After names change (prefixes, suffixes, hashes), every field that names another object is
//! updated to the new name: `configMapRef.name`, `roleRef.name`, `serviceAccountName`, …
//! (the `nameReference` field specs). The choice among same-named objects follows kustomize's
//! sieve: previous names, then same namespace as the referrer, then matching name prefixes and
//! suffixes.

use std::collections::HashMap;

use super::fieldspec::{visit_path, TransformerConfig};
use super::resource::{is_cluster_scoped, ResId, Resource};
use super::Error;
use crate::render::node::{Kind, RNode};

/// A possible target of a reference: every id it has had, its current id, its affixes.
struct Referral {
    ids: Vec<ResId>,
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
                    fix_node(n, &by_name, &backref.gvk.kind, &referrer)
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
    kind: &str,
    referrer: &Referrer,
) -> Result<(), String> {
    match &mut n.kind {
        Kind::Scalar(_) => fix_name(n, candidates, referrer, None).map(|_| ()),
        Kind::Seq(items) => {
            for item in items {
                fix_node(item, candidates, kind, referrer)?;
            }
            Ok(())
        }
        Kind::Map(_) => {
            // A subject or a webhook service: {kind?, name, namespace?}
            if n.get("kind")
                .and_then(RNode::as_str)
                .is_some_and(|k| k != kind)
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
            if let Some(new_ns) = fix_name(name, candidates, referrer, ns.as_deref())? {
                if !new_ns.is_empty() {
                    let prov = n.get("namespace").and_then(|x| x.prov.clone());
                    n.set("namespace", RNode::string(new_ns).with_prov(prov));
                }
            }
            Ok(())
        }
    }
}

/// Whether `tail` is the end of `list` (the outermost affixes agree).
fn ends_with(list: &[String], tail: &[String]) -> bool {
    tail.len() <= list.len() && list[list.len() - tail.len()..] == *tail
}

/// Renames one reference to the object it names; returns that object's current namespace.
fn fix_name(
    n: &mut RNode,
    candidates: &ByName<'_>,
    referrer: &Referrer,
    explicit_ns: Option<&str>,
) -> Result<Option<String>, String> {
    let Some(old) = n.as_str().map(str::to_string) else {
        return Ok(None);
    };
    let Some(named) = candidates.get(old.as_str()) else {
        return Ok(None);
    };
    // Objects that have had this name (in the namespace a subject names, if it names one).
    let mut list: Vec<&Referral> = named
        .iter()
        .copied()
        .filter(|c| {
            c.ids.iter().any(|id| {
                id.name == old
                    && explicit_ns.is_none_or(|ns| {
                        is_cluster_scoped(&id.gvk)
                            || id.namespace == ns
                            || id.effective_namespace() == ns
                    })
            })
        })
        .collect();
    // What the referrer can refer to at all: a cluster-scoped referrer anything; others what
    // is cluster-scoped, in their namespace, or (a RoleBinding) in its subjects' namespaces.
    if !referrer.cluster_scoped {
        list.retain(|c| {
            let ns = c.current.effective_namespace();
            is_cluster_scoped(&c.current.gvk)
                || ns == referrer.namespace
                || referrer.subject_namespaces.iter().any(|s| s == ns)
        });
    }
    // In the referrer's namespace (cluster-scoped objects and service accounts can be named
    // from anywhere; a cluster-scoped referrer can name anything).
    if !referrer.cluster_scoped && explicit_ns.is_none() {
        list.retain(|c| {
            is_cluster_scoped(&c.current.gvk)
                || c.current.gvk.kind == "ServiceAccount"
                || c.current.effective_namespace() == referrer.namespace
        });
    }
    // Among several, prefer objects that got exactly the referrer's prefixes and suffixes,
    // then those whose prefixes and suffixes end the referrer's (an object generated a level
    // above a suffixed one). This reproduces kustomize on its own test cases; its code compares
    // with SameEndingSubSlice.
    if list.len() > 1 {
        let exact: Vec<&Referral> = list
            .iter()
            .copied()
            .filter(|c| c.prefixes == referrer.prefixes && c.suffixes == referrer.suffixes)
            .collect();
        if exact.len() == 1 {
            list = exact;
        } else {
            list.retain(|c| {
                ends_with(&referrer.prefixes, &c.prefixes)
                    && ends_with(&referrer.suffixes, &c.suffixes)
            });
        }
    }
    let chosen = match list.as_slice() {
        [] => return Ok(None),
        [one] => *one,
        many => {
            if many.iter().all(|c| c.current.name == many[0].current.name) {
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
