//! The Kustomize engine: renders a kustomization directory the way kustomize v5.5.0 does, and
//! keeps, for every node, where in the repository it came from.
//!
//! The order of work mirrors kustomize's `KustTarget`: `build.rs` accumulates resources and runs
//! generators (`generate.rs`) and transformers (`patches.rs`, `transform.rs`) in kustomize's
//! order, then `nameref.rs` fixes references to renamed objects and `sort.rs` orders the output.

use std::sync::Arc;

use crate::render::node::{self, Prov, RNode};

pub mod build;
pub mod crds;
pub mod fieldspec;
pub mod generate;
pub mod generators;
pub mod json6902;
pub mod kustomization;
pub mod nameref;
pub mod normalize;
pub mod patch_meta;
pub mod patches;
pub mod plugins;
pub mod replacements;
pub mod resource;
pub mod smp;
pub mod sort;
pub mod transform;
pub mod vars;

pub use build::{build, LoadRestrictor, Options, Reorder, Skipped};

/// Renders `dir` to the YAML `kustomize build` prints.
pub fn render_to_string(dir: &std::path::Path, opts: &Options) -> Result<String, Error> {
    let (resources, _warnings) = build(dir, opts)?;
    let docs = output_nodes(&resources)?;
    Ok(crate::render::emit::emit_stream(&docs))
}

/// The rendered objects as kustomize prints them (keys in go-yaml v3 order, scalars re-quoted).
pub fn output_nodes(resources: &[resource::Resource]) -> Result<Vec<RNode>, Error> {
    resources
        .iter()
        .map(|r| normalize::normalize(&r.node).map_err(|e| Error::at(e, r.origin.clone())))
        .collect()
}

/// A build error, with the place in the repository that caused it when known.
#[derive(Clone, Debug)]
pub struct Error {
    pub message: String,
    pub prov: Option<Prov>,
}

impl Error {
    pub fn msg(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            prov: None,
        }
    }

    pub fn at(message: impl Into<String>, prov: Option<Prov>) -> Error {
        Error {
            message: message.into(),
            prov,
        }
    }

    /// Prefixes the message; keeps the innermost location (closest to the cause), else `prov`.
    pub fn context(self, what: String, prov: Option<Prov>) -> Error {
        Error {
            message: format!("{what}: {}", self.message),
            prov: self.prov.or(prov),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.prov {
            Some(p) => write!(
                f,
                "{}:{}:{}: {}",
                p.file, p.span.start.line, p.span.start.col, self.message
            ),
            None => f.write_str(&self.message),
        }
    }
}

/// Parses a file expected to hold one YAML document (kustomizations, configurations, patches).
/// An empty file is a null node.
pub fn parse_single(shown: &str, text: &str) -> Result<RNode, String> {
    let docs = parse_docs(shown, text)?;
    Ok(docs
        .into_iter()
        .next()
        .unwrap_or_else(|| RNode::implicit("")))
}

/// Parses every document of a YAML text into nodes (aliases expanded). Repeated keys are kept
/// (readers take the last, as kustomize's decoding of kustomizations and patches does).
pub fn parse_docs(shown: &str, text: &str) -> Result<Vec<RNode>, String> {
    let (src, findings) = crate::load::load_bytes(
        shown,
        crate::walk::PathKind::NonKubernetes,
        text.as_bytes(),
        &crate::load::LoadOptions::default(),
    );
    if let Some(f) = findings.iter().find(|f| {
        f.severity == crate::diag::Severity::Error
            && f.rule != crate::rules::yaml::duplicate_key::RULE.id
    }) {
        let at = f
            .location
            .span
            .map(|s| format!(":{}:{}", s.start.line, s.start.col))
            .unwrap_or_default();
        return Err(format!("{shown}{at}: {}", f.message));
    }
    let file: Arc<str> = Arc::from(shown);
    src.docs
        .iter()
        .filter_map(|d| d.root.as_ref())
        .map(|root| node::from_tree(root, &file).map_err(|e| format!("{shown}: {e}")))
        .collect()
}
