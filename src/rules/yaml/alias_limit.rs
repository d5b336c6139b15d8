crate::declare_rule! {
    /// ## What it does
    /// Reports a document whose aliases (`*name`) expand to more nodes than
    /// `max-alias-nodes` (default 100,000). The document is not checked further.
    ///
    /// ## Why is this bad
    /// Nested anchors and aliases grow exponentially when expanded (the "billion laughs"
    /// attack): a 1 KB file can become gigabytes in any tool that expands it, the API server
    /// included, which rejects "excessive aliasing".
    ///
    /// ## Example
    /// ```yaml
    /// a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// # ... nine levels: 387 million strings
    /// ```
    ///
    /// ## Use instead
    /// Write the data out, or use kustomize components/patches for reuse.
    pub const RULE = {
        id: "YAML006",
        name: "alias-expansion-limit",
        severity: Error,
        summary: "aliases expand beyond max-alias-nodes",
        fix: "remove the nested aliases, or raise `max-alias-nodes` if the document is legitimate",
    };
}
