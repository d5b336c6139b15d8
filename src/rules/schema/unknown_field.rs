crate::declare_rule! {
    /// ## What it does
    /// In strict mode (the default), reports a field the schema does not declare, such as a
    /// typo (`imagePullPolcy`) or a field at the wrong level, and suggests the closest
    /// declared name. Objects whose schema keeps unknown fields
    /// (`x-kubernetes-preserve-unknown-fields`) are left open. Relax with `--strict=false` or
    /// `strict: false` in `.gitgate.yaml`.
    ///
    /// ## Why is this bad
    /// The API server drops unknown fields silently (or, with server-side field validation,
    /// rejects the object). Either way the setting you wrote never takes effect: the image is
    /// pulled with the default policy, the probe you configured does not exist.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: web:1.2
    ///   imagePullPolcy: Always
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: web:1.2
    ///   imagePullPolicy: Always
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation>
    pub const RULE = {
        id: "SCHEMA002",
        name: "unknown-field",
        severity: Error,
        summary: "field not declared by the schema",
        fix: "",
    };
}
