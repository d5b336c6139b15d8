crate::declare_rule! {
    /// ## What it does
    /// Reports a Flux `Kustomization` `spec.path`, an Argo CD `Application` `source.path`
    /// (or `sources[].path`), or a Flux `HelmRelease` chart path in a `GitRepository`, that
    /// names a directory this repository does not have, or one outside it.
    ///
    /// ## Why is this bad
    /// Flux fails the Kustomization with "kustomization path not found" and applies nothing;
    /// Argo CD shows `ComparisonError: app path does not exist`. A directory renamed in one
    /// pull request silently breaks every deployer still pointing at the old name.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kustomize.toolkit.fluxcd.io/v1
    /// kind: Kustomization
    /// spec:
    ///   path: ./apps/prodution   # typo
    /// ```
    ///
    /// ## Use instead
    /// Point the path at an existing directory, relative to the source's root.
    ///
    /// ## References
    /// - <https://fluxcd.io/flux/components/kustomize/kustomizations/#path>
    /// - <https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/>
    pub const RULE = {
        id: "GITOPS001",
        name: "deployer-path-not-found",
        severity: Error,
        summary: "the path a deployer applies does not exist in the repository",
        fix: "point the path at an existing directory, relative to the repository root",
    };
}
