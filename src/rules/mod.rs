//! Every built-in rule, one per file. A rule's doc comment is its user documentation: it is what
//! `gitgate explain RULE` prints, so it follows one shape — What it does / Why is this bad /
//! Example / Use instead / References.

use crate::diag::Severity;

pub mod file;
pub mod gitops;
pub mod internal;
pub mod policy;
pub mod render;
pub mod schema;
pub mod yaml;

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable id (`YAML002`): what suppressions, SARIF and the JSON output use.
    pub id: &'static str,
    /// Human name (`duplicate-key`).
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// One line: how to fix it (the `= help:` line), empty when there is nothing generic to say.
    pub fix: &'static str,
    /// The full documentation (Markdown).
    pub doc: &'static str,
}

impl Rule {
    /// The documentation with the one leading space of each `///` line removed.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Declares a rule constant whose documentation is its doc comment.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub const $NAME:ident = {
            id: $id:literal,
            name: $name:literal,
            severity: $sev:ident,
            summary: $summary:literal,
            fix: $fix:literal $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub const $NAME: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            name: $name,
            severity: $crate::diag::Severity::$sev,
            summary: $summary,
            fix: $fix,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

/// All built-in rules, in id order.
pub const ALL: &[&Rule] = &[
    &file::too_large::RULE,
    &file::invalid_utf8::RULE,
    &file::binary::RULE,
    &file::unreadable::RULE,
    &file::symlink_loop::RULE,
    &file::outside_repo::RULE,
    &file::templated::RULE,
    &file::helm_chart::RULE,
    &internal::RULE,
    &yaml::syntax_error::RULE,
    &yaml::duplicate_key::RULE,
    &yaml::yaml11_boolean::RULE,
    &yaml::yaml11_octal::RULE,
    &yaml::lossy_float::RULE,
    &yaml::alias_limit::RULE,
    &yaml::nesting_limit::RULE,
    &yaml::json_incompatible::RULE,
    &render::build_error::RULE,
    &render::remote_resource::RULE,
    &render::helm_charts::RULE,
    &gitops::missing_path::RULE,
    &gitops::applied_twice::RULE,
    &gitops::orphan::RULE,
    &schema::invalid::RULE,
    &schema::unknown_field::RULE,
    &schema::missing_schema::RULE,
    &schema::removed_api::RULE,
    &schema::deprecated_api::RULE,
    &schema::unusable_schema::RULE,
    &policy::load_error::RULE,
    &policy::eval_error::RULE,
    &policy::suppression::RULE,
];

/// Looks a rule up by id (case-insensitive) or name.
pub fn find(key: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(key) || r.name == key)
}
