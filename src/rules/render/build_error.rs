crate::declare_rule! {
    /// ## What it does
    /// Reports a kustomization that kustomize cannot build: a missing file or base, a cycle
    /// between kustomizations, a patch that matches nothing, a file outside the kustomization's
    /// root under the default load restrictor, a Component listed as a resource, conflicting
    /// objects, invalid fields. The finding sits on the line that causes it — the `resources`
    /// entry, the patch, the field — and the message names the chain of kustomizations that led
    /// there.
    ///
    /// ## Why is this bad
    /// Flux marks the Kustomization not ready and applies nothing from it; Argo CD shows a
    /// ComparisonError and stops syncing the Application. Every change behind it is blocked
    /// until the overlay builds again.
    ///
    /// ## Example
    /// ```yaml
    /// # apps/overlays/production/kustomization.yaml
    /// resources:
    ///   - ../../base/guestbok   # typo: no such directory
    /// ```
    ///
    /// ## Use instead
    /// Fix the reference; `gitgate render DIR` (or `kubectl kustomize DIR`) shows the build.
    /// Repositories deployed by Flux or Argo CD build without load restrictions: use
    /// `load-restrictor: none` in `.gitgate.yaml` for them.
    pub const RULE = {
        id: "KUST001",
        name: "kustomize-build-error",
        severity: Error,
        summary: "kustomization does not build",
        fix: "",
    };
}
