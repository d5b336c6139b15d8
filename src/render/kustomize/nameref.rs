//! After names change (prefixes, suffixes, hashes), every field that names another object is
//! updated to the new name: `configMapRef.name`, `roleRef.name`, `serviceAccountName`, …
//! (the `nameReference` field specs).

use super::fieldspec::{visit_path, TransformerConfig};
use super::resource::{is_cluster_scoped, ResId, Resource};
use super::Error;
use crate::render::node::{Kind, RNode};

/// A renamed object: every id it has had, and its current id.
struct Referral {
    ids: Vec<ResId>,
    current: ResId,
    affixes: (Vec<String>, Vec<String>),
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
            affixes: (r.prefixes.clone(), r.suffixes.clone()),
        })
        .collect();
    for backref in &config.name_reference {
        let candidates: Vec<&Referral> = referrals
            .iter()
            .filter(|r| r.current.gvk.selected_by(&backref.gvk))
            .collect();
        if candidates.is_empty() {
            continue;
        }
        for r in resources.iter_mut() {
            let referrer = r.id();
            // A cluster-scoped referrer (a ClusterRole's resourceNames) may name objects in any
            // namespace.
            let referrer_ns: Vec<String> = if is_cluster_scoped(&referrer.gvk) {
                Vec::new()
            } else {
                r.all_ids().into_iter().map(|i| i.namespace).collect()
            };
            let affixes = (r.prefixes.clone(), r.suffixes.clone());
            for spec in backref
                .referrers
                .iter()
                .filter(|s| s.applies_to(&referrer.gvk))
            {
                // `roleRef.name` names a Role or a ClusterRole: its `kind` says which.
                if spec.path.first().is_some_and(|p| p == "roleRef")
                    && r.node
                        .str_at(&["roleRef", "kind"])
                        .is_some_and(|k| k != backref.gvk.kind)
                {
                    continue;
                }
                visit_path(&mut r.node, &spec.path, None, &mut |n| {
                    fix_node(n, &candidates, &backref.gvk.kind, &referrer_ns, &affixes)
                })
                .map_err(|e| Error::at(e, r.origin.clone()))?;
            }
        }
    }
    Ok(())
}

type Affixes = (Vec<String>, Vec<String>);

fn fix_node(
    n: &mut RNode,
    candidates: &[&Referral],
    kind: &str,
    referrer_ns: &[String],
    affixes: &Affixes,
) -> Result<(), String> {
    match &mut n.kind {
        Kind::Scalar(_) => fix_name(n, candidates, referrer_ns, None, affixes).map(|_| ()),
        Kind::Seq(items) => {
            for item in items {
                fix_node(item, candidates, kind, referrer_ns, affixes)?;
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
                if candidates
                    .iter()
                    .any(|c| c.ids.iter().any(|id| id.name == old))
                {
                    return Err(format!(
                        "Invalid Input: namespace is blank for resource `{old}`"
                    ));
                }
            }
            // The referral's namespace moves with it (a subject, a webhook's service).
            if let Some(new_ns) = fix_name(name, candidates, referrer_ns, ns.as_deref(), affixes)? {
                if !new_ns.is_empty() {
                    let prov = n.get("namespace").and_then(|x| x.prov.clone());
                    n.set("namespace", RNode::string(new_ns).with_prov(prov));
                }
            }
            Ok(())
        }
    }
}

/// Renames one reference when exactly one object answers to the old name; returns the
/// referral's current namespace when one was found.
fn fix_name(
    n: &mut RNode,
    candidates: &[&Referral],
    referrer_ns: &[String],
    explicit_ns: Option<&str>,
    affixes: &Affixes,
) -> Result<Option<String>, String> {
    let Some(old) = n.as_str().map(str::to_string) else {
        return Ok(None);
    };
    let ns_ok = |id: &ResId| {
        if is_cluster_scoped(&id.gvk) {
            return true;
        }
        match explicit_ns {
            Some(ns) => id.effective_namespace() == ns || id.namespace == ns,
            None if referrer_ns.is_empty() => true,
            None => referrer_ns.iter().any(|rn| rn == &id.namespace),
        }
    };
    let matches: Vec<&&Referral> = candidates
        .iter()
        .filter(|c| c.ids.iter().any(|id| id.name == old && ns_ok(id)))
        .collect();
    let chosen: Vec<&&Referral> = if matches.len() > 1 {
        let mut names: Vec<&str> = matches.iter().map(|c| c.current.name.as_str()).collect();
        names.dedup();
        let same_affixes: Vec<&&Referral> = matches
            .iter()
            .copied()
            .filter(|c| &c.affixes == affixes)
            .collect();
        if names.len() == 1 {
            matches[..1].to_vec()
        } else if same_affixes.len() == 1 {
            same_affixes
        } else if same_affixes.len() > 1 {
            return Err(format!(
                "found multiple possible referrals for name `{old}`: {}",
                same_affixes
                    .iter()
                    .map(|c| c.current.display())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        } else {
            let current_ns = referrer_ns.last().cloned().unwrap_or_default();
            let same_ns: Vec<&&Referral> = matches
                .iter()
                .copied()
                .filter(|c| c.current.namespace == current_ns)
                .collect();
            if same_ns.len() == 1 {
                same_ns
            } else {
                return Err(format!(
                    "found multiple possible referrals for name `{old}`: {}",
                    matches
                        .iter()
                        .map(|c| c.current.display())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    } else {
        matches
    };
    let Some(c) = chosen.first() else {
        return Ok(None);
    };
    if c.current.name != old {
        let prov = n.prov.clone();
        *n = RNode::string(c.current.name.clone()).with_prov(prov);
    }
    Ok(Some(c.current.namespace.clone()))
}
