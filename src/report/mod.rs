//! Stage 6, report: one file per output format, all behind [`Reporter`].

use std::io::{self, Write};

use crate::config::FailOn;
use crate::diag::Finding;
use crate::load::SourceFile;
use crate::pipeline::Stats;

pub mod json;
pub mod text;

/// Everything an output format may show.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub files: &'a [SourceFile],
    pub stats: &'a Stats,
    pub fail_on: FailOn,
}

impl Report<'_> {
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| self.fail_on.fails(f.severity))
    }

    pub fn file(&self, path: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

pub trait Reporter {
    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()>;
}
