use super::DocCtx;
use crate::diag::Finding;
use crate::load::resolve::{resolve_plain, Scalar};
use crate::load::tree::{Node, PathSeg};

crate::declare_rule! {
    /// ## What it does
    /// Reports an unquoted number with a leading zero, such as `0755` or `0644`, in a Kubernetes
    /// manifest or kustomization.
    ///
    /// ## Why is this bad
    /// The API server (YAML 1.1, go-yaml v2) reads `0755` as octal, 493; YAML 1.2 tools read it
    /// as decimal 755, and where a string was meant (ConfigMap data, an env var, an annotation)
    /// it is not a string at all. For a file mode such as `defaultMode: 0644` the octal reading
    /// is what Kubernetes applies, but every YAML 1.2 tool in the pipeline disagrees about it.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   UMASK: 0022
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   UMASK: "0022"
    /// ```
    /// and for numbers, the unambiguous `0o644` or decimal `420`.
    pub const RULE = {
        id: "YAML004",
        name: "yaml11-octal",
        severity: Warning,
        summary: "number with a leading zero that Kubernetes reads as octal",
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
    let digits = text.trim_start_matches(['-', '+']);
    if digits.len() < 2
        || !digits.starts_with('0')
        || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b))
    {
        return None;
    }
    let Scalar::Int(octal) = resolve_plain(text) else {
        return None;
    };
    let decimal = digits.trim_start_matches('0');
    let decimal = if decimal.is_empty() { "0" } else { decimal };
    let sign = if text.starts_with('-') { "-" } else { "" };
    let (message, help) = if secret {
        (
            "this value is read as an octal number by Kubernetes (YAML 1.1), as decimal by YAML 1.2 tools".to_string(),
            "quote the value if it is a string".to_string(),
        )
    } else {
        (
            format!("`{text}` is read as the octal number {octal} by Kubernetes (YAML 1.1), but as {sign}{decimal} by YAML 1.2 tools"),
            format!("quote it (\"{text}\") if it is a string; write `{sign}0o{}` or `{octal}` if it is a number", &digits[1..]),
        )
    };
    Some(
        Finding::new(&RULE, ctx.path, Some(node.span), message)
            .label(if secret {
                "read as a number".to_string()
            } else {
                format!("read as {octal}")
            })
            .help(help)
            .identity(ctx.identity(path, if is_key { "key" } else { "value" })),
    )
}
