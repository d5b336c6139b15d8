crate::declare_rule! {
    /// ## What it does
    /// Reports an `apiVersion` that still works but is deprecated. That covers a beta or alpha
    /// version of a kind when the target Kubernetes version also serves a stable version of it,
    /// and the deprecated GitOps APIs (Flux `v1beta2` sources and Kustomizations, Helm
    /// `v2beta2`, …). Names the replacement.
    ///
    /// ## Why is this bad
    /// A deprecated version is removed in a later release. Migrating while both versions are
    /// served is a one-line change; after the removal it is an outage.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kustomize.toolkit.fluxcd.io/v1beta2
    /// kind: Kustomization
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: kustomize.toolkit.fluxcd.io/v1
    /// kind: Kustomization
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>
    /// - <https://fluxcd.io/flux/migration/>
    pub const RULE = {
        id: "SCHEMA005",
        name: "deprecated-api",
        severity: Warning,
        summary: "deprecated API version",
        fix: "",
    };
}
