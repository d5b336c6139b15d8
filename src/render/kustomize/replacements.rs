//! Interface placeholder; the implementation lands from the `wt-repl` worktree.

use super::resource::Resource;
use crate::render::node::RNode;

/// Applies kustomize `replacements` (each entry: `source` + `targets`, already loaded from
/// `path:` files by the caller) to the resources, in order.
pub fn apply(_resources: &mut [Resource], _replacements: &[RNode]) -> Result<(), String> {
    Err("replacements are not implemented yet".into())
}
