crate::declare_rule! {
    /// ## What it does
    /// Reports a policy rule whose evaluation failed: it ran past the execution time limit
    /// (`--policy-timeout`), or the engine reported an error (a conflict between rule values,
    /// a builtin error). A rule that ran past the limit is not evaluated again in the same run,
    /// so one runaway policy cannot stall the check; the other policies still report.
    ///
    /// ## Why is this bad
    /// The rule's checks were not made for the objects named.
    ///
    /// ## Use instead
    /// Make the rule cheaper (avoid large `numbers.range` comprehensions and nested walks), or
    /// raise `--policy-timeout` if the work is legitimate.
    pub const RULE = {
        id: "POLICY002",
        name: "policy-eval-error",
        severity: Error,
        summary: "a policy rule failed or ran past its time limit; its checks did not run",
        fix: "",
    };
}
