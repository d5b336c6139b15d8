//! Stage 3, render: turn kustomizations into the objects kustomize (and so Flux and Argo CD)
//! would apply, keeping for every node where in the repository it came from.

pub mod emit;
pub mod kustomize;
pub mod node;
