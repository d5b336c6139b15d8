//! Rules about the GitOps graph: what Flux and Argo CD apply, from where, to which cluster.

pub mod applied_twice;
pub mod missing_path;
pub mod orphan;
