crate::declare_rule! {
    /// ## What it does
    /// Stands for a finding of a Rego policy. Each finding shows the policy's own id: the
    /// `custom.id` of its `# METADATA` block (`GG-FLUX-001`), or `conftest:<package>` for a
    /// user policy without one. `deny` and `violation` results are errors and `warn` results
    /// warnings, unless `custom.severity` says otherwise. See `policies/README.md`.
    ///
    /// ## Why is this bad
    /// See the policy's `description` and `custom.recommended_actions`.
    pub const RULE = {
        id: "POLICY",
        name: "policy",
        severity: Error,
        summary: "a Rego policy reported this object",
        fix: "",
    };
}
