//! Serialises [`RNode`]s exactly as `kustomize build` prints them (go-yaml v3's encoder as kyaml
//! configures it). Being written in the `emit` worktree.

use super::node::RNode;

/// One document, without a leading `---`, ending in a newline.
pub fn emit_document(node: &RNode) -> String {
    let _ = node;
    unimplemented!("emitter in progress")
}

/// A stream of documents separated by `---\n`, as `kustomize build` prints them.
pub fn emit_stream(docs: &[RNode]) -> String {
    docs.iter()
        .map(emit_document)
        .collect::<Vec<_>>()
        .join("---\n")
}
