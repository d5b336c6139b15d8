crate::declare_rule! {
    /// ## What it does
    /// Reports an object (same API group, kind, namespace and name) that two different
    /// deployers — Flux Kustomizations, Argo CD Applications — apply to the same cluster. The
    /// finding is at the second object, with the first one and both deployers as related
    /// locations.
    ///
    /// ## Why is this bad
    /// Both controllers reconcile the object towards their own copy: it flaps between the two
    /// versions, Argo CD shows the Application permanently out of sync (or reports a
    /// `SharedResourceWarning`), and whichever deployer is pruned or deleted first deletes
    /// the object the other still needs.
    ///
    /// ## Example
    /// `clusters/prod/apps.yaml` applies `./apps/prod`, and `clusters/prod/infra.yaml` applies
    /// `./infrastructure`, and both directories define `Namespace/monitoring`.
    ///
    /// ## Use instead
    /// Give every object one owner: keep it in one directory, and reference it from the other
    /// deployer with `dependsOn` (Flux) or sync waves (Argo CD) instead of a copy.
    ///
    /// ## References
    /// - <https://argo-cd.readthedocs.io/en/stable/user-guide/resource_tracking/>
    /// - <https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies>
    pub const RULE = {
        id: "GITOPS002",
        name: "object-applied-twice",
        severity: Error,
        summary: "two deployers apply the same object to the same cluster",
        fix: "keep the object in one deployer's path only",
    };
}
