use super::DocCtx;
use crate::diag::Finding;
use crate::load::resolve::{float_json, resolve_plain, Scalar};
use crate::load::tree::{Node, PathSeg};

crate::declare_rule! {
    /// ## What it does
    /// Reports an unquoted decimal number that does not survive being read as a number, such
    /// as `1.10` (becomes 1.1) or `2.0` (becomes 2) — nearly always a version written without
    /// quotes.
    ///
    /// ## Why is this bad
    /// Every YAML parser reads `1.10` as the float 1.1. Image tags, chart versions, Kubernetes
    /// versions and app versions written this way silently change: `targetRevision: 1.10`
    /// deploys a different revision than the one written, and a ConfigMap value `1.20` reaches
    /// the pod as `1.2`.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   APP_VERSION: 1.10
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   APP_VERSION: "1.10"
    /// ```
    pub const RULE = {
        id: "YAML005",
        name: "lossy-float",
        severity: Warning,
        summary: "version-like number that changes when read as a float",
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
    let unsigned = text.trim_start_matches('+');
    let (int_part, frac) = unsigned.trim_start_matches('-').split_once('.')?;
    if int_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let Scalar::Float(f) = resolve_plain(text) else {
        return None;
    };
    let read = float_json(f)?.to_string();
    if read == unsigned {
        return None;
    }
    let (message, help) = if secret {
        (
            "this value is read as a number and loses digits".to_string(),
            "quote the value if it is a string".to_string(),
        )
    } else {
        (
            format!(
                "`{text}` is read as the number {read}; as a version it loses its trailing zero"
            ),
            format!("quote it (\"{text}\") if it is a version or any other string"),
        )
    };
    Some(
        Finding::new(&RULE, ctx.path, Some(node.span), message)
            .label(if secret {
                "read as a number".to_string()
            } else {
                format!("read as {read}")
            })
            .help(help)
            .identity(ctx.identity(path, if is_key { "key" } else { "value" })),
    )
}
