//! Rules of the policy stage (stage 5) itself. Findings of Rego policies carry the policy's own
//! id (`custom.id` in its `# METADATA`, or `conftest:<package>`), not one of these.

pub mod eval_error;
pub mod load_error;
pub mod suppression;
pub mod violation;
