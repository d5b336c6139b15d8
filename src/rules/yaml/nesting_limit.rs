crate::declare_rule! {
    /// ## What it does
    /// Reports a document nested deeper than `max-depth` (default 256 levels). The document is
    /// not checked further.
    ///
    /// ## Why is this bad
    /// No real manifest nests that deep (a Deployment reaches about 12). Deep nesting is a
    /// generator bug or an attempt to exhaust the stack of the tools that read the file.
    ///
    /// ## Use instead
    /// Flatten the data, or raise `limits.max-depth` in `.gitgate.yaml` / `--max-depth`.
    pub const RULE = {
        id: "YAML007",
        name: "nesting-too-deep",
        severity: Error,
        summary: "document nested deeper than max-depth",
        fix: "flatten the document or raise `max-depth`",
    };
}
