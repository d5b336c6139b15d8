//! Rules from validating objects against their schemas (stage 4).

pub mod deprecated_api;
pub mod invalid;
pub mod missing_schema;
pub mod removed_api;
pub mod unknown_field;
pub mod unusable_schema;
