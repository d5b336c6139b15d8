crate::declare_rule! {
    /// ## What it does
    /// Reports a suppression gitgate does not apply: a `gitgate.dev/ignore` annotation entry
    /// without a reason, an annotation when `--no-inline-suppressions` forbids them, or a
    /// `suppress:` entry in `.gitgate.yaml` whose `until:` date has passed.
    ///
    /// ## Why is this bad
    /// A suppression is a decision someone must be able to review: without a reason nobody
    /// knows why a finding is accepted, and an expired one was meant to be revisited. The
    /// findings it would hide are reported again.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     gitgate.dev/ignore: GG-FLUX-001
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     gitgate.dev/ignore: "GG-FLUX-001: objects of this Kustomization are pruned by the platform team's job"
    /// ```
    /// or fix the finding and remove the expired entry.
    pub const RULE = {
        id: "POLICY003",
        name: "suppression-not-applied",
        severity: Warning,
        summary: "a suppression without a reason, forbidden, or expired",
        fix: "give the suppression a reason (`RULE-ID: reason`), or remove it",
    };
}
