crate::declare_rule! {
    /// ## What it does
    /// Notes a file that is a template (`*.j2`, `*.tpl`, `*.tmpl`, `*.gotmpl`, or YAML with Go
    /// template / Jinja markers such as `{{- if` or `{% for` that is not valid YAML), which
    /// gitgate skips.
    ///
    /// ## Why is this bad
    /// It is not bad: templates are not manifests until something renders them. The note makes
    /// the skip visible, so nobody assumes the file was validated.
    ///
    /// ## Example
    /// ```yaml
    /// {{- if .Values.enabled }}
    /// apiVersion: v1
    /// kind: ConfigMap
    /// {{- end }}
    /// ```
    ///
    /// ## Use instead
    /// Nothing to change. Quoted template expressions in valid YAML (Argo CD ApplicationSet
    /// templates such as `name: '{{path.basename}}'`) are read and checked as YAML.
    pub const RULE = {
        id: "FILE007",
        name: "templated-file",
        severity: Note,
        summary: "template file skipped",
        fix: "",
    };
}
