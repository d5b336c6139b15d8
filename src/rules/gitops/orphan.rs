crate::declare_rule! {
    /// ## What it does
    /// Notes a manifest file, or a top-level kustomization directory, whose objects no Flux
    /// Kustomization and no Argo CD Application applies, in a repository that has deployers.
    /// Files holding only deployers, sources and AppProjects (entry points applied at
    /// bootstrap) are not reported. It is left out when an ApplicationSet's generated paths
    /// cannot be worked out. Suppress it per path with a `suppress:` entry in `.gitgate.yaml`
    /// when a directory is applied some other way.
    ///
    /// ## Why is this bad
    /// An object nothing applies never reaches a cluster: a change to it looks reviewed and
    /// merged but has no effect, often after a deployer's path was renamed.
    ///
    /// ## Use instead
    /// Apply it from a deployer (add it to a kustomization the deployer builds, or point a
    /// deployer at its directory), or delete it.
    pub const RULE = {
        id: "GITOPS003",
        name: "not-applied",
        severity: Note,
        summary: "no deployer applies these objects",
        fix: "",
    };
}
