//! Stage 6, report: one file per output format, all behind [`Reporter`].

use std::io::{self, Write};

use crate::config::FailOn;
use crate::diag::Finding;
use crate::load::SourceFile;
use crate::pipeline::Stats;
use crate::policy::PolicyDoc;

pub mod catalog;
pub mod github;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

/// Everything an output format may show.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub files: &'a [SourceFile],
    pub stats: &'a Stats,
    pub fail_on: FailOn,
    /// Documentation of the run's user policies (`--policy`), for the rule catalog.
    pub policy_docs: &'a [PolicyDoc],
    /// The root's path inside its Git work tree (`deploy/` when `.gitgate.yaml` sits in
    /// `deploy/`; empty when the root is the work tree). SARIF, JUnit and GitHub annotations
    /// show paths from the work tree, as the CI checkout does; text and JSON from the root.
    pub checkout_prefix: &'a str,
    /// The baseline in effect (`--baseline`, `--write-baseline`): `findings` are then only the
    /// new ones; the findings it holds are in the status.
    pub baseline: Option<&'a crate::baseline::Status>,
}

impl Report<'_> {
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| self.fail_on.fails(f.severity))
    }

    pub fn file(&self, path: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// A report path as seen from the Git work tree (see `checkout_prefix`).
    pub fn checkout_path(&self, path: &str) -> String {
        if self.checkout_prefix.is_empty() || path.starts_with('/') {
            path.to_string()
        } else if path.is_empty() {
            self.checkout_prefix.trim_end_matches('/').to_string()
        } else {
            format!("{}{path}", self.checkout_prefix)
        }
    }

    /// Indices of the findings, most severe first; in report order (file, line) within a
    /// severity. Formats that must cap what they show keep a prefix of this.
    pub fn by_severity(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.findings.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.findings[i].severity));
        order
    }
}

pub trait Reporter {
    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()>;
}
