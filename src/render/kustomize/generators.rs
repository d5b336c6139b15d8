//! Interface placeholder; the implementation lands from the `wt-gen` worktree.

use crate::render::node::RNode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    ConfigMap,
    Secret,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Behavior {
    #[default]
    Create,
    Merge,
    Replace,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct GeneratorOptions {
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub disable_name_suffix_hash: Option<bool>,
    pub immutable: Option<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GeneratorArgs {
    pub kind: GenKind,
    pub name: String,
    pub namespace: Option<String>,
    pub behavior: Behavior,
}

pub struct Generated {
    pub node: RNode,
    pub needs_hash: bool,
    pub behavior: Behavior,
}

pub fn parse_args(_kind: GenKind, _entry: &RNode) -> Result<GeneratorArgs, String> {
    Err("generators are not implemented yet".into())
}

pub fn parse_options(_node: &RNode) -> Result<GeneratorOptions, String> {
    Err("generatorOptions are not implemented yet".into())
}

pub fn generate(
    _args: &GeneratorArgs,
    _global: Option<&GeneratorOptions>,
    _read: &dyn Fn(&str) -> Result<Vec<u8>, String>,
) -> Result<Generated, String> {
    Err("generators are not implemented yet".into())
}

pub fn merge(_existing: &mut RNode, _generated: &Generated) -> Result<(), String> {
    Err("generator merge is not implemented yet".into())
}

pub fn hash_suffix(_node: &RNode) -> Result<String, String> {
    Err("hash suffix is not implemented yet".into())
}
