crate::declare_rule! {
    /// ## What it does
    /// Reports a schema gitgate found but cannot use: a `CustomResourceDefinition` in the
    /// repository without `openAPIV3Schema` for a served version, a schema that does not
    /// compile, or an unreadable file in a `--schema-dir`. Objects of that kind are not
    /// validated.
    ///
    /// ## Why is this bad
    /// A CRD the API server accepts with a broken schema validates nothing; a CRD with no
    /// structural schema is rejected by `apiextensions.k8s.io/v1`.
    ///
    /// ## Use instead
    /// Give every served version a structural `schema.openAPIV3Schema`.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema>
    pub const RULE = {
        id: "SCHEMA006",
        name: "unusable-schema",
        severity: Warning,
        summary: "schema found but not usable; objects of this kind not validated",
        fix: "",
    };
}
