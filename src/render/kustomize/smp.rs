//! Interface placeholder; the implementation lands from the `wt-patch` worktree.

use super::patch_meta::TypeRef;
use crate::render::node::RNode;

pub fn merge(_target: &mut RNode, _patch: &RNode, _meta: Option<TypeRef>) -> Result<(), String> {
    Err("strategic merge patches are not implemented yet".into())
}
