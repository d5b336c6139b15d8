crate::declare_rule! {
    /// ## What it does
    /// Reports an `apiVersion` that the target Kubernetes version (`--kubernetes-version`) no
    /// longer serves: it is in an earlier bundled version and gone from the target, or the kind
    /// lives on only under another version. For custom resources, a version the
    /// CustomResourceDefinition in the repository (else the bundled, current CRD) does not
    /// serve. Names the replacement.
    ///
    /// ## Why is this bad
    /// The API server answers "no matches for kind" and nothing in the sync is applied. It
    /// usually surfaces during a cluster upgrade.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: autoscaling/v2beta2
    /// kind: HorizontalPodAutoscaler
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>
    /// - <https://fluxcd.io/flux/migration/>
    pub const RULE = {
        id: "SCHEMA004",
        name: "removed-api",
        severity: Error,
        summary: "API version removed in the target version",
        fix: "",
    };
}
