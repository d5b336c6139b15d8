crate::declare_rule! {
    /// ## What it does
    /// Reports a YAML file larger than the configured `max-file-size` (default 16 MiB); the
    /// file is not read.
    ///
    /// ## Why is this bad
    /// A gate that silently skips what it cannot read can be bypassed. Manifests this large are
    /// almost always generated bundles or data committed by mistake, and reading them costs
    /// memory on every CI run.
    ///
    /// ## Example
    /// A 100 MB `dump.yaml` committed next to the manifests.
    ///
    /// ## Use instead
    /// Remove the file, exclude it (`exclude:` in `.gitgate.yaml` or `.gitgateignore`), or raise
    /// the limit: `limits: {max-file-size: 64MiB}` / `--max-file-size 64MiB`.
    pub const RULE = {
        id: "FILE001",
        name: "file-too-large",
        severity: Error,
        summary: "file is larger than max-file-size and was not checked",
        fix: "exclude the file or raise `max-file-size` (`--max-file-size`, or `limits.max-file-size` in .gitgate.yaml)",
    };
}
