crate::declare_rule! {
    /// ## What it does
    /// Reports a symbolic link that leads back into one of its own parent directories.
    ///
    /// ## Why is this bad
    /// Tools that follow links (kustomize, some CI scanners) loop or fail on it; gitgate stops
    /// at the link and reports it.
    ///
    /// ## Example
    /// `apps/base/loop -> ..`
    ///
    /// ## Use instead
    /// Remove the link or point it at a directory outside its own ancestry.
    pub const RULE = {
        id: "FILE005",
        name: "symlink-loop",
        severity: Error,
        summary: "symbolic link loop",
        fix: "remove the link or point it elsewhere",
    };
}
