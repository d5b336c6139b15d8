crate::declare_rule! {
    /// ## What it does
    /// Notes a Helm chart (a directory with `Chart.yaml`) whose `templates/` were skipped.
    ///
    /// ## Why is this bad
    /// Chart templates are Go templates, not YAML: they become manifests only when Helm renders
    /// them with values. `Chart.yaml`, values files and `crds/` are still read.
    ///
    /// ## Use instead
    /// Nothing to change; rendering charts is planned.
    pub const RULE = {
        id: "FILE008",
        name: "helm-chart-not-rendered",
        severity: Note,
        summary: "Helm chart templates are not rendered",
        fix: "",
    };
}
