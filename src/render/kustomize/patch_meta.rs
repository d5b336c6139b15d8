//! Interface placeholder; the implementation lands from the `wt-patch` worktree.

#[derive(Clone, Copy, Debug)]
pub struct TypeRef;

pub struct PatchMeta;

impl PatchMeta {
    pub fn builtin() -> &'static PatchMeta {
        &PatchMeta
    }

    pub fn for_gvk(&self, _group: &str, _version: &str, _kind: &str) -> Option<TypeRef> {
        None
    }
}
