crate::declare_rule! {
    /// ## What it does
    /// Reports a file with a YAML name whose content is binary (it contains NUL bytes).
    ///
    /// ## Why is this bad
    /// YAML cannot contain NUL. A binary file with a `.yaml` name is an archive, an encrypted
    /// blob or a mistake, and nothing in the repository can apply it.
    ///
    /// ## Use instead
    /// Rename or remove the file, or exclude it.
    pub const RULE = {
        id: "FILE003",
        name: "binary-file",
        severity: Error,
        summary: "file has a YAML name but binary content",
        fix: "rename, remove or exclude the file",
    };
}
