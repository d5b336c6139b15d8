//! Output order: kustomize's legacy kind order (the CLI default), FIFO, or `sortOptions`.

use super::build::Reorder;
use super::resource::Resource;
use super::Error;
use crate::render::node::RNode;

const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
const ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// kyaml's `typeOrders`: the legacy position of a kind (negative first, 0 unknown, positive last),
/// also what `Gvk.IsLessThan` sorts transformer configurations by.
pub fn type_order(kind: &str) -> i32 {
    if let Some(i) = ORDER_FIRST.iter().position(|k| *k == kind) {
        return i as i32 - ORDER_FIRST.len() as i32;
    }
    match ORDER_LAST.iter().position(|k| *k == kind) {
        Some(i) => 1 + i as i32,
        None => 0,
    }
}

pub fn apply(
    resources: &mut [Resource],
    reorder: Reorder,
    options: Option<&RNode>,
) -> Result<(), Error> {
    let (mut legacy, mut first, mut last) = (
        reorder == Reorder::Legacy,
        ORDER_FIRST
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
        ORDER_LAST.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    if let Some(o) = options {
        match o.str_at(&["order"]) {
            Some("fifo") => {
                if o.get("legacySortOptions").is_some() {
                    return Err(Error::at(
                        "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
                        o.prov.clone(),
                    ));
                }
                legacy = false
            }
            Some("legacy") => {
                legacy = true;
                let list = |k: &str| -> Option<Vec<String>> {
                    o.path(&["legacySortOptions", k]).map(|l| {
                        l.items()
                            .iter()
                            .filter_map(|i| i.as_str().map(str::to_string))
                            .collect()
                    })
                };
                if let Some(f) = list("orderFirst") {
                    first = f;
                }
                if let Some(l) = list("orderLast") {
                    last = l;
                }
            }
            other => {
                return Err(Error::at(
                    format!(
                        "sortOptions: unknown order `{}` (use legacy or fifo)",
                        other.unwrap_or("")
                    ),
                    o.prov.clone(),
                ))
            }
        }
    }
    if !legacy {
        return Ok(());
    }
    let rank = |kind: &str| -> i64 {
        if let Some(i) = first.iter().position(|k| k == kind) {
            i as i64 - first.len() as i64
        } else if let Some(i) = last.iter().position(|k| k == kind) {
            i as i64 + 1
        } else {
            0
        }
    };
    resources.sort_by_cached_key(|r| {
        let id = r.id();
        (
            rank(&id.gvk.kind),
            id.gvk.sort_string(),
            id.effective_namespace().to_string(),
            id.name.clone(),
        )
    });
    Ok(())
}
