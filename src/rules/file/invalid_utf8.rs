crate::declare_rule! {
    /// ## What it does
    /// Reports a YAML file that is not valid UTF-8, at the first invalid byte.
    ///
    /// ## Why is this bad
    /// Kubernetes, kustomize and the GitOps controllers read YAML as UTF-8; a Latin-1 or UTF-16
    /// file is rejected or misread by them, so it cannot be checked either.
    ///
    /// ## Example
    /// A ConfigMap saved by an editor in Windows-1252, with `caf\xe9` in a value.
    ///
    /// ## Use instead
    /// Re-encode the file as UTF-8 (`iconv -f latin1 -t utf-8`).
    pub const RULE = {
        id: "FILE002",
        name: "invalid-utf8",
        severity: Error,
        summary: "file is not valid UTF-8",
        fix: "re-encode the file as UTF-8",
    };
}
