crate::declare_rule! {
    /// ## What it does
    /// Reports a symbolic link inside the repository that points outside it. The target is not
    /// read.
    ///
    /// ## Why is this bad
    /// A GitOps controller clones the repository; whatever the link points at on a CI machine
    /// does not exist in the cluster's clone. On a pull request, such a link could also make a
    /// checker read files from the runner (`/etc`, credentials).
    ///
    /// ## Use instead
    /// Commit the file itself, or reference it with a remote base.
    pub const RULE = {
        id: "FILE006",
        name: "path-outside-repo",
        severity: Error,
        summary: "symbolic link points outside the repository",
        fix: "commit the file itself instead of a link to outside the repository",
    };
}
