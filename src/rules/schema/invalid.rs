crate::declare_rule! {
    /// ## What it does
    /// Validates every object (plain manifests and every object a kustomization renders) against
    /// the schema of its `apiVersion` and `kind`: the bundled Kubernetes schemas for the target
    /// version (`--kubernetes-version`), a CRD found in the repository, a `--schema-dir`, or
    /// the bundled GitOps CRDs (Argo CD, Flux, Argo Rollouts, Flagger, SealedSecrets, External
    /// Secrets, cert-manager). Reports wrong types, missing required fields, values outside an
    /// enum, patterns and bounds, at the line of the offending value. For a rendered object
    /// that line is in the base or patch that produced the value.
    ///
    /// ## Why is this bad
    /// The API server rejects the object, so the whole sync fails (Flux marks the Kustomization
    /// not ready, Argo CD the Application degraded), usually after the change was merged.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: "two"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   replicas: 2
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/kubernetes-api/>
    pub const RULE = {
        id: "SCHEMA001",
        name: "schema-violation",
        severity: Error,
        summary: "object does not match its schema",
        fix: "",
    };
}
