crate::declare_rule! {
    /// ## What it does
    /// Notes a kustomization with `helmCharts`: gitgate does not inflate Helm charts yet, so
    /// the chart's objects are not rendered; the rest of the kustomization is.
    ///
    /// ## Why is this bad
    /// The chart's objects are not checked.
    ///
    /// ## Use instead
    /// Nothing to change; chart inflation is planned.
    pub const RULE = {
        id: "KUST003",
        name: "helm-charts-not-rendered",
        severity: Note,
        summary: "helmCharts need the chart and helm; not rendered",
        fix: "",
    };
}
