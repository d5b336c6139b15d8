crate::declare_rule! {
    /// ## What it does
    /// Reports an object whose `apiVersion`/`kind` has no schema: not a Kubernetes built-in
    /// kind of the target version, no `CustomResourceDefinition` for it in the repository, no
    /// file for it in a `--schema-dir`, and not one of the bundled GitOps CRDs. The object is
    /// not validated. A warning by default; `--missing-schema error|warning|off` (or
    /// `missing-schema:` in `.gitgate.yaml`) changes that.
    ///
    /// ## Why is this bad
    /// Mistakes in that object reach the cluster unchecked. A misspelled `apiVersion` shows up
    /// here too (the API server would answer "no matches for kind").
    ///
    /// ## Use instead
    /// Commit the CRD to the repository (Flux's `gotk-components.yaml`, a chart's `crds/`
    /// directory), or point `--schema-dir` at JSON schemas named `{kind}-{group}-{version}.json`
    /// (kubeconform's layout, e.g. `certificate-cert-manager.io-v1.json`).
    ///
    /// ## References
    /// - <https://github.com/yannh/kubeconform#overriding-schemas-location>
    pub const RULE = {
        id: "SCHEMA003",
        name: "missing-schema",
        severity: Warning,
        summary: "no schema for this apiVersion/kind; not validated",
        fix: "commit the CRD to the repository or pass --schema-dir with a JSON schema for it",
    };
}
