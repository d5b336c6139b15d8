crate::declare_rule! {
    /// ## What it does
    /// Reports valid YAML that has no JSON form, which the Kubernetes API requires: a mapping or
    /// `null` used as a key, `.nan` / `.inf`, a merge key `<<` whose value is not a mapping, an
    /// alias to an unknown anchor.
    ///
    /// ## Why is this bad
    /// `kubectl apply` and the GitOps controllers convert YAML to JSON before sending it; this
    /// document fails that conversion ("unsupported map key", "json: unsupported value: NaN").
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   ? [a, b]
    ///   : value
    /// ```
    ///
    /// ## Use instead
    /// Use string keys and finite numbers.
    pub const RULE = {
        id: "YAML008",
        name: "not-json-compatible",
        severity: Error,
        summary: "YAML that cannot be converted to JSON",
        fix: "",
    };
}
