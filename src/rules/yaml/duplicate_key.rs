use std::collections::HashMap;

use super::DocCtx;
use crate::diag::Finding;
use crate::load::resolve::k8s_key;
use crate::load::tree::{is_merge_key, Node, NodeKind, PathSeg};

crate::declare_rule! {
    /// ## What it does
    /// Reports a mapping that has the same key twice, at the second occurrence, with the first
    /// as a related location. In manifests, keys are compared as Kubernetes reads them, so
    /// `yes:` and `true:` collide.
    ///
    /// ## Why is this bad
    /// Tools disagree on what a duplicate means: `kubectl` (go-yaml v2) keeps the last value
    /// silently; kustomize rejects a resource with a duplicate key ("mapping key already
    /// defined") but keeps the *first* value in a strategic-merge patch; strict decoders reject
    /// the file. The same line applies differently depending on the path it takes to the
    /// cluster, and a reviewer reading one occurrence may see a value that is never applied.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: 2
    ///   selector: {}
    ///   replicas: 5
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   replicas: 5
    ///   selector: {}
    /// ```
    pub const RULE = {
        id: "YAML002",
        name: "duplicate-key",
        severity: Error,
        summary: "duplicate mapping key",
        fix: "remove one of the two keys: kubectl keeps the last value, kustomize rejects the file or keeps the first",
    };
}

pub fn check(ctx: &DocCtx<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    walk(ctx, ctx.root, &mut Vec::new(), &mut out);
    out
}

fn walk(ctx: &DocCtx<'_>, node: &Node, path: &mut Vec<PathSeg>, out: &mut Vec<Finding>) {
    match &node.kind {
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathSeg::Index(i));
                walk(ctx, item, path, out);
                path.pop();
            }
        }
        NodeKind::Map(entries) => {
            let mut first: HashMap<String, &Node> = HashMap::new();
            for e in entries {
                if is_merge_key(&e.key) {
                    continue;
                }
                let name = if ctx.k8s {
                    k8s_key(&e.key)
                } else {
                    e.key.as_scalar().map(str::to_string)
                };
                let Some(name) = name else { continue };
                path.push(PathSeg::Key(name.clone()));
                if let Some(prev) = first.get(&name) {
                    out.push(finding(ctx, &e.key, prev, &name, path));
                } else {
                    first.insert(name, &e.key);
                }
                walk(ctx, &e.value, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn finding(ctx: &DocCtx<'_>, key: &Node, prev: &Node, name: &str, path: &[PathSeg]) -> Finding {
    let written = key.as_scalar().unwrap_or(name);
    let message = if written == name {
        format!("duplicate key `{name}`")
    } else {
        format!(
            "duplicate key `{written}`: Kubernetes reads it as `{name}`, like the key on line {}",
            prev.span.start.line
        )
    };
    Finding::new(&RULE, ctx.path, Some(key.span), message)
        .label("duplicate key")
        .related(
            ctx.path,
            Some(prev.span),
            format!("`{name}` first defined here"),
        )
        .identity(ctx.identity(path, "duplicate"))
}
