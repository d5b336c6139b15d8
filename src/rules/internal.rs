crate::declare_rule! {
    /// ## What it does
    /// Reports that gitgate itself failed while processing a file.
    ///
    /// ## Why is this bad
    /// A bug in gitgate must never pass a repository silently: the file it failed on was not
    /// checked. The run exits with code 2.
    ///
    /// ## Use instead
    /// Report the problem with the file that triggers it (or a minimal copy of it).
    pub const RULE = {
        id: "INT001",
        name: "internal-error",
        severity: Error,
        summary: "gitgate failed while processing this file",
        fix: "this is a bug in gitgate; please report it with a copy of the file",
    };
}
