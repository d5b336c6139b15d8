//! Rules about YAML as written: syntax, duplicate keys, and the YAML 1.1 traps where Kubernetes
//! reads a value differently from YAML 1.2 tools (and from what the author meant).

use crate::load::tree::{Node, NodeKind, PathSeg};

pub mod alias_limit;
pub mod duplicate_key;
pub mod json_incompatible;
pub mod lossy_float;
pub mod nesting_limit;
pub mod syntax_error;
pub mod yaml11_boolean;
pub mod yaml11_octal;

/// One document handed to the per-document YAML rules.
pub struct DocCtx<'a> {
    /// Repo-relative file path.
    pub path: &'a str,
    pub doc_index: usize,
    pub root: &'a Node,
    /// Read with Kubernetes' YAML 1.1 rules (manifests, kustomizations) rather than plain YAML.
    pub k8s: bool,
    /// Which values must never be shown (Secret data).
    pub is_secret: &'a dyn Fn(&[PathSeg]) -> bool,
}

impl DocCtx<'_> {
    /// A fingerprint identity that does not depend on line numbers.
    pub fn identity(&self, path: &[PathSeg], what: &str) -> String {
        format!(
            "doc {}: {} {what}",
            self.doc_index,
            crate::load::tree::display_path(path)
        )
    }
}

/// Calls `f(node, path, is_key)` for every scalar, keys included. Recursion depth is bounded by
/// the parser's nesting limit.
pub fn visit_scalars(root: &Node, f: &mut dyn FnMut(&Node, &[PathSeg], bool)) {
    fn go(n: &Node, path: &mut Vec<PathSeg>, f: &mut dyn FnMut(&Node, &[PathSeg], bool)) {
        match &n.kind {
            NodeKind::Scalar { .. } => f(n, path, false),
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(PathSeg::Index(i));
                    go(item, path, f);
                    path.pop();
                }
            }
            NodeKind::Map(entries) => {
                for e in entries {
                    let key = e.key.as_scalar().unwrap_or("?").to_string();
                    path.push(PathSeg::Key(key));
                    if matches!(e.key.kind, NodeKind::Scalar { .. }) {
                        f(&e.key, path, true);
                    }
                    go(&e.value, path, f);
                    path.pop();
                }
            }
            NodeKind::Alias(_) => {}
        }
    }
    go(root, &mut Vec::new(), f)
}

/// Runs every per-document YAML rule.
pub fn check_document(ctx: &DocCtx<'_>) -> Vec<crate::diag::Finding> {
    let mut out = duplicate_key::check(ctx);
    if ctx.k8s {
        visit_scalars(ctx.root, &mut |node, path, is_key| {
            if !node.is_plain_scalar() {
                return;
            }
            let secret = !is_key && (ctx.is_secret)(path);
            out.extend(yaml11_boolean::check(ctx, node, path, is_key, secret));
            out.extend(yaml11_octal::check(ctx, node, path, is_key, secret));
            out.extend(lossy_float::check(ctx, node, path, is_key, secret));
        });
    }
    out
}
