crate::declare_rule! {
    /// ## What it does
    /// Reports YAML that does not parse, at the position the parser stopped. In a file with
    /// several documents, only the broken document is lost: the others are still checked.
    ///
    /// ## Why is this bad
    /// `kubectl`, kustomize and the GitOps controllers reject the whole file, so nothing in it
    /// is applied (Flux marks the Kustomization not ready; Argo CD shows a ComparisonError).
    ///
    /// ## Example
    /// ```yaml
    /// args: [--port, 8080
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// args: [--port, "8080"]
    /// ```
    ///
    /// Tabs are not allowed for indentation in YAML; use spaces.
    pub const RULE = {
        id: "YAML001",
        name: "syntax-error",
        severity: Error,
        summary: "YAML syntax error",
        fix: "",
    };
}
