use super::DocCtx;
use crate::diag::Finding;
use crate::load::resolve::yaml11_bool;
use crate::load::tree::{Node, PathSeg};

crate::declare_rule! {
    /// ## What it does
    /// Reports an unquoted `yes`, `no`, `on`, `off`, `y` or `n` (any capitalisation) in a
    /// Kubernetes manifest or kustomization.
    ///
    /// ## Why is this bad
    /// The API server reads YAML 1.1 through go-yaml v2, where these words are booleans; YAML
    /// 1.2 tools (kustomize's kyaml, yq, most editors and linters) read them as strings. The
    /// same line means two different things along the path to the cluster. Where the field is a
    /// string (a label, an annotation, an env var, ConfigMap data), the API server rejects the
    /// object: `cannot unmarshal bool into Go struct field EnvVar.value of type string`.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: FEATURE_X
    ///     value: yes
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// env:
    ///   - name: FEATURE_X
    ///     value: "yes"
    /// ```
    /// or `true` where a boolean is meant.
    ///
    /// ## References
    /// - YAML 1.1 boolean type: <https://yaml.org/type/bool.html>
    pub const RULE = {
        id: "YAML003",
        name: "yaml11-boolean",
        severity: Warning,
        summary: "word that Kubernetes reads as a boolean",
        fix: "",
    };
}

pub fn check(
    ctx: &DocCtx<'_>,
    node: &Node,
    path: &[PathSeg],
    is_key: bool,
    secret: bool,
) -> Option<Finding> {
    let text = node.as_scalar()?;
    let value = yaml11_bool(text)?;
    if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
        return None;
    }
    let shown = if secret {
        "this value".to_string()
    } else {
        format!("`{text}`")
    };
    let message = if is_key {
        format!("the key {shown} becomes \"{value}\" for Kubernetes (YAML 1.1 boolean)")
    } else {
        format!("{shown} is read as the boolean {value} by Kubernetes (YAML 1.1), but as a string by YAML 1.2 tools")
    };
    let help = if secret {
        "quote the value if it is a string".to_string()
    } else {
        format!("quote it (\"{text}\") if you mean the string, or write `{value}`")
    };
    Some(
        Finding::new(&RULE, ctx.path, Some(node.span), message)
            .label(if secret {
                "read as a boolean".to_string()
            } else {
                format!("read as {value}")
            })
            .help(help)
            .identity(ctx.identity(path, if is_key { "key" } else { "value" })),
    )
}
