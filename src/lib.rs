//! gitgate: a GitOps linter. The modules are the pipeline's stages, in order:
//! [`walk`] → [`load`] → render → [`gitops`] → validate → policy → [`report`]; [`pipeline`] wires them,
//! [`diag`] is the finding model they share, [`rules`] documents every built-in rule.
//! See ARCHITECTURE.md.

pub mod baseline;
pub mod changes;
pub mod cli;
pub mod config;
pub mod diag;
pub mod gitops;
pub mod load;
pub mod objects;
pub mod pipeline;
pub mod policy;
pub mod progress;
pub mod render;
pub mod report;
pub mod rules;
pub mod schemas;
pub mod span;
pub mod suppress;
pub mod validate;
pub mod walk;
