crate::declare_rule! {
    /// ## What it does
    /// Notes a `resources` or `components` entry that is remote (`https://…`,
    /// `github.com/org/repo//path?ref=v1`), which gitgate does not fetch. The rest of the
    /// kustomization is rendered and checked without it.
    ///
    /// ## Why is this bad
    /// Objects from a remote base are not validated, and a remote base without a pinned `ref`
    /// changes under you: the same commit renders differently on different days.
    ///
    /// ## Use instead
    /// Pin remote bases to a tag or commit (`?ref=v1.2.3`), or vendor them into the repository
    /// so they are reviewed and checked with everything else.
    pub const RULE = {
        id: "KUST002",
        name: "remote-resource-not-fetched",
        severity: Warning,
        summary: "remote base or component not fetched; not checked",
        fix: "vendor the remote base into the repository, or pin it with ?ref=<tag or commit>",
    };
}
