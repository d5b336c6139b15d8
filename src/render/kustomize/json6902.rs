//! Interface placeholder; the implementation lands from the `wt-patch` worktree.

use crate::render::node::RNode;

pub fn apply(_target: &mut RNode, _ops: &RNode) -> Result<(), String> {
    Err("JSON 6902 patches are not implemented yet".into())
}
