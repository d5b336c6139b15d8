//! The Kustomize engine: renders a kustomization directory the way kustomize v5.5.0 does.

pub mod generators;
pub mod json6902;
pub mod patch_meta;
pub mod smp;
