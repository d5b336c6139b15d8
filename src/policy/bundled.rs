//! The bundled policy library (`policies/`), embedded in the binary. One entry per file; a new
//! bundled rule is a `.rego` file, its `_test.rego`, and two lines here.

pub const FILES: &[(&str, &str)] = &[
    (
        "policies/flux/kustomization_prune.rego",
        include_str!("../../policies/flux/kustomization_prune.rego"),
    ),
    (
        "policies/flux/kustomization_prune_test.rego",
        include_str!("../../policies/flux/kustomization_prune_test.rego"),
    ),
    (
        "policies/argocd/application_prune.rego",
        include_str!("../../policies/argocd/application_prune.rego"),
    ),
    (
        "policies/argocd/application_prune_test.rego",
        include_str!("../../policies/argocd/application_prune_test.rego"),
    ),
    (
        "policies/workloads/image_tag.rego",
        include_str!("../../policies/workloads/image_tag.rego"),
    ),
    (
        "policies/workloads/image_tag_test.rego",
        include_str!("../../policies/workloads/image_tag_test.rego"),
    ),
];
