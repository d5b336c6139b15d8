//! Removed and deprecated API versions, derived from the schema data rather than a hand list:
//! a kind whose group still serves it under another version, but not this one, was removed; a
//! prerelease version (`v1beta2`) next to a served stable one (`v1`) is deprecated. For
//! Kubernetes built-ins "served" means the target version's kinds; for GitOps CRDs the CRDs in
//! the repository (which also say `deprecated: true`), else the bundled ones.

use super::catalog::{group_of, Catalog};
use crate::schemas::bundle;

pub enum ApiStatus {
    Current,
    Deprecated { message: String },
    Removed { message: String },
}

fn version_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or(api_version, |(_, v)| v)
}

fn is_prerelease(version: &str) -> bool {
    version.contains("alpha") || version.contains("beta")
}

/// `v2` > `v1` > `v1beta2` > `v1beta1` > `v1alpha1`, as Kubernetes orders versions.
fn version_rank(version: &str) -> (u32, u32, u32) {
    let rest = version.strip_prefix('v').unwrap_or(version);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let major = digits.parse().unwrap_or(0);
    let tail = &rest[digits.len()..];
    let (stage, n) = if let Some(n) = tail.strip_prefix("beta") {
        (1, n.parse().unwrap_or(0))
    } else if let Some(n) = tail.strip_prefix("alpha") {
        (0, n.parse().unwrap_or(0))
    } else {
        (2, 0)
    };
    (major, stage, n)
}

/// The preferred replacement among served apiVersions of the same kind: stable first, newest.
fn best(mut served: Vec<String>) -> Option<String> {
    served.sort_by_key(|av| version_rank(version_of(av)));
    served.pop()
}

pub fn status(catalog: &Catalog, api_version: &str, kind: &str) -> ApiStatus {
    let group = group_of(api_version);
    let version = version_of(api_version);
    let target = &catalog.version;

    // A CRD in the repository: its own versions decide.
    let repo = catalog.repo_crd_versions(group, kind);
    if !repo.is_empty() {
        return match repo.iter().find(|c| c.api_version == api_version) {
            Some(c) => match &c.deprecated {
                Some(warning) => ApiStatus::Deprecated {
                    message: format!(
                        "{api_version} {kind} is deprecated by its CustomResourceDefinition{}",
                        if warning.is_empty() {
                            String::new()
                        } else {
                            format!(": {warning}")
                        }
                    ),
                },
                None => ApiStatus::Current,
            },
            None => {
                let served: Vec<String> = repo.iter().map(|c| c.api_version.clone()).collect();
                ApiStatus::Removed {
                    message: format!(
                        "{api_version} {kind} is not served by the CustomResourceDefinition in {}; use {}",
                        repo[0].path,
                        best(served).unwrap_or_default()
                    ),
                }
            }
        };
    }

    let b = bundle();
    // Kubernetes built-ins of the target version.
    let builtin_served: Vec<String> = b
        .kinds(target)
        .into_iter()
        .filter(|(av, k)| *k == kind && group_of(av) == group)
        .map(|(av, _)| av.to_string())
        .collect();
    let known_builtin_group = group.is_empty()
        || group == "extensions"
        || b.kinds(target).iter().any(|(av, _)| group_of(av) == group);
    if known_builtin_group && b.crd(api_version, kind, false).is_none() {
        if builtin_served.iter().any(|av| av == api_version) {
            return match stable_successor(version, &builtin_served) {
                Some(to) => ApiStatus::Deprecated {
                    message: format!(
                        "{api_version} {kind} is deprecated: Kubernetes {target} serves {to}"
                    ),
                },
                None => ApiStatus::Current,
            };
        }
        // Not served by the target. Removed if it was served before, or if the kind lives on
        // under another version (or, for `extensions`, another group).
        let earlier = b.versions_with_kind(api_version, kind);
        let mut replacement = best(builtin_served);
        if replacement.is_none() {
            replacement = best(
                b.kinds(target)
                    .into_iter()
                    .filter(|(_, k)| *k == kind)
                    .map(|(av, _)| av.to_string())
                    .collect(),
            );
        }
        if !earlier.is_empty() || replacement.is_some() {
            let t = version_rank_k8s(target);
            let since = match (earlier.first(), earlier.last()) {
                (Some(first), _) if version_rank_k8s(first) > t => {
                    format!("is not served yet by Kubernetes {target} (it is from {first} on)")
                }
                (_, Some(last)) => {
                    let after = b
                        .kubernetes_versions()
                        .iter()
                        .find(|v| version_rank_k8s(v) > version_rank_k8s(last))
                        .cloned()
                        .unwrap_or_else(|| target.clone());
                    format!("was removed in Kubernetes {after}")
                }
                _ => format!(
                    "is not served by Kubernetes {target} (removed before {})",
                    b.kubernetes_versions().first().map_or("", String::as_str)
                ),
            };
            let use_ = replacement.map_or(String::new(), |r| format!("; use {r}"));
            return ApiStatus::Removed {
                message: format!("{api_version} {kind} {since}{use_}"),
            };
        }
        return ApiStatus::Current;
    }

    // Bundled GitOps CRDs (the controllers' current CRDs).
    let crd_served: Vec<String> = b
        .crd_kinds()
        .into_iter()
        .filter(|(av, k)| *k == kind && group_of(av) == group)
        .map(|(av, _)| av.to_string())
        .collect();
    if crd_served.is_empty() {
        return ApiStatus::Current;
    }
    if crd_served.iter().any(|av| av == api_version) {
        return match stable_successor(version, &crd_served) {
            Some(to) => ApiStatus::Deprecated {
                message: format!("{api_version} {kind} is deprecated; use {to}"),
            },
            None => ApiStatus::Current,
        };
    }
    let source = b
        .crd(crd_served[0].as_str(), kind, false)
        .map(|c| c.source)
        .unwrap_or_default();
    ApiStatus::Removed {
        message: format!(
            "{api_version} {kind} is no longer served by the current CRDs ({source}); use {}",
            best(crd_served).unwrap_or_default()
        ),
    }
}

/// For a prerelease version, the best stable apiVersion served beside it.
fn stable_successor(version: &str, served: &[String]) -> Option<String> {
    if !is_prerelease(version) {
        return None;
    }
    best(
        served
            .iter()
            .filter(|av| !is_prerelease(version_of(av)))
            .cloned()
            .collect(),
    )
}

fn version_rank_k8s(v: &str) -> Vec<u32> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_versions_as_kubernetes_does() {
        let mut v = vec!["v1beta1", "v2", "v1", "v1alpha1", "v1beta2", "v2beta1"];
        v.sort_by_key(|s| version_rank(s));
        assert_eq!(v, ["v1alpha1", "v1beta1", "v1beta2", "v1", "v2beta1", "v2"]);
    }
}
