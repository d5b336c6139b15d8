//! Rules from rendering kustomizations.

pub mod build_error;
pub mod helm_charts;
pub mod remote_resource;
