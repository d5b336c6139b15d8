crate::declare_rule! {
    /// ## What it does
    /// Reports a Rego policy file that could not be used: it does not parse as Rego v1 nor as
    /// Rego v0, its `# METADATA` block is not valid YAML, or it defines a recursive function
    /// or rule. The file is left out; every other policy still runs.
    ///
    /// ## Why is this bad
    /// The checks that file was meant to make are not made. Recursion in particular is
    /// forbidden by Rego (OPA rejects it when compiling) and would otherwise exhaust the stack.
    ///
    /// ## Use instead
    /// Fix the policy at the reported line; `opa check` or `gitgate policy test DIR` help.
    ///
    /// ## References
    /// - <https://www.openpolicyagent.org/docs/policy-language#recursion>
    pub const RULE = {
        id: "POLICY001",
        name: "policy-load-error",
        severity: Error,
        summary: "a policy file could not be loaded; its checks did not run",
        fix: "fix the policy at the reported line",
    };
}
