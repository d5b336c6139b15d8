//! Stage 2, load: read each file, guard against bad input, parse YAML keeping exact spans,
//! classify every document, and convert Kubernetes documents to the JSON the API server sees.
//!
//! Output: one [`SourceFile`] per candidate, with its [`Document`]s, plus findings.

use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use crate::diag::Finding;
use crate::rules;
use crate::rules::yaml::DocCtx;
use crate::span::Span;
use crate::walk::{Candidate, PathKind};
use tree::NodeKind;

pub mod lines;
pub mod parse;
pub mod resolve;
pub mod tree;

use lines::LineIndex;
use parse::{ParseErrorKind, ParsedDoc};
use resolve::{ConvErrorKind, Limits};
use tree::{collect_anchors, Node, PathSeg};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    pub max_file_size: u64,
    pub max_depth: usize,
    pub max_alias_nodes: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_size: 16 * 1024 * 1024,
            max_depth: 256,
            max_alias_nodes: 100_000,
        }
    }
}

/// What a file is, after reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// Kubernetes objects (`apiVersion` + `kind`), including Flux and Argo CD resources.
    Manifest,
    /// A kustomize `kustomization.yaml` / `Kustomization`.
    Kustomization,
    /// Kubernetes objects with a SOPS `sops:` block (encrypted values).
    Sops,
    /// `Chart.yaml` of a Helm chart.
    HelmChart,
    /// `values*.yaml` of a Helm chart.
    HelmValues,
    /// A file under a chart's `templates/`: Go templates, not read.
    HelmTemplate,
    /// A template (`*.j2`, Go-template markers): not read as YAML.
    Templated,
    /// YAML that is not Kubernetes: workflows, tool configs, data files.
    NonKubernetes,
    /// No documents, or only comments.
    Empty,
    /// Could not be read as text (see its findings).
    Unreadable,
}

impl FileKind {
    pub fn skipped(self) -> bool {
        matches!(
            self,
            FileKind::HelmTemplate | FileKind::Templated | FileKind::Unreadable
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum DocClass {
    Manifest {
        api_version: String,
        kind: String,
        name: Option<String>,
    },
    Kustomization,
    /// YAML that is not a Kubernetes object.
    Other,
    Empty,
    /// Did not parse or convert; see the findings.
    Broken,
}

#[derive(Clone, Debug)]
pub struct Document {
    pub index: usize,
    pub span: Span,
    pub root: Option<Node>,
    pub class: DocClass,
    /// Has a top-level SOPS `sops:` block.
    pub sops: bool,
    /// The JSON the API server would receive; for manifests and kustomizations.
    pub value: Option<Value>,
}

impl Document {
    /// The YAML node at a JSON path, through aliases and merge keys.
    pub fn locate(&self, path: &[PathSeg]) -> Option<tree::Located<'_>> {
        let root = self.root.as_ref()?;
        let anchors = collect_anchors(root);
        tree::locate(root, &anchors, path, &resolve::k8s_key)
    }

    /// Like [`Document::locate`], but falls back to the nearest existing parent; returns how
    /// many path segments were found.
    pub fn locate_nearest(&self, path: &[PathSeg]) -> Option<(tree::Located<'_>, usize)> {
        let root = self.root.as_ref()?;
        let anchors = collect_anchors(root);
        Some(tree::locate_nearest(
            root,
            &anchors,
            path,
            &resolve::k8s_key,
        ))
    }
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Repo-relative, `/`-separated.
    pub path: String,
    pub kind: FileKind,
    /// The text, when the file was read as UTF-8.
    pub text: Option<Arc<str>>,
    pub docs: Vec<Document>,
    pub comments: Vec<parse::Comment>,
    /// Byte ranges of secret values, never to be shown in any output.
    pub redactions: Vec<Range<usize>>,
    pub bytes: u64,
}

impl SourceFile {
    pub fn empty(path: &str, kind: FileKind, bytes: u64) -> Self {
        SourceFile {
            path: path.to_string(),
            kind,
            text: None,
            docs: Vec::new(),
            comments: Vec::new(),
            redactions: Vec::new(),
            bytes,
        }
    }

    /// The text with every secret value replaced by `*` (same byte length, so spans still hold).
    pub fn redacted_text(&self) -> Option<String> {
        let text = self.text.as_deref()?;
        let mut out = text.to_string();
        for r in &self.redactions {
            if r.end <= out.len() && out.is_char_boundary(r.start) && out.is_char_boundary(r.end) {
                let stars: String = out[r.clone()]
                    .chars()
                    .map(|c| if c == '\n' || c == '\r' { c } else { '*' })
                    .collect::<String>();
                // Multi-byte characters become several stars so the length is unchanged.
                let stars = pad_to_bytes(&stars, r.len());
                out.replace_range(r.clone(), &stars);
            }
        }
        Some(out)
    }
}

fn pad_to_bytes(s: &str, len: usize) -> String {
    let mut out = s.to_string();
    while out.len() < len {
        out.push('*');
    }
    out
}

/// Reads and loads one file. Never panics on any input; problems become findings.
pub fn load_file(c: &Candidate, opts: &LoadOptions) -> (SourceFile, Vec<Finding>) {
    let path = c.rel.as_str();
    if c.kind == PathKind::HelmTemplate {
        return (SourceFile::empty(path, FileKind::HelmTemplate, 0), vec![]);
    }
    let unreadable = |msg: String| {
        (
            SourceFile::empty(path, FileKind::Unreadable, 0),
            vec![Finding::new(
                &rules::file::unreadable::RULE,
                path,
                None,
                msg,
            )],
        )
    };
    // Metadata first: never open a FIFO or device (that would block), never read a huge file.
    let meta = match std::fs::metadata(&c.abs) {
        Ok(m) => m,
        Err(e) => {
            let what = if std::fs::symlink_metadata(&c.abs).is_ok() {
                "dangling symbolic link"
            } else {
                "cannot stat"
            };
            return unreadable(format!("cannot read `{path}`: {what}: {e}"));
        }
    };
    if !meta.is_file() {
        return unreadable(format!("`{path}` is not a regular file; not read"));
    }
    if meta.len() > opts.max_file_size {
        return (
            SourceFile::empty(path, FileKind::Unreadable, meta.len()),
            vec![Finding::new(
                &rules::file::too_large::RULE,
                path,
                None,
                format!(
                    "file is {} and the limit is {}; it was not checked",
                    human_size(meta.len()),
                    human_size(opts.max_file_size)
                ),
            )],
        );
    }
    let bytes = match read_limited(&c.abs, opts.max_file_size) {
        Ok(b) => b,
        Err(e) => return unreadable(format!("cannot read `{path}`: {e}")),
    };
    load_bytes(path, c.kind, &bytes, opts)
}

fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    // The file may grow between stat and read: never read past the limit (+1 to notice).
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(std::io::Error::other(
            "file grew past max-file-size while reading",
        ));
    }
    Ok(buf)
}

pub fn human_size(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            return format!("{:.1} {unit}", n as f64 / size as f64);
        }
    }
    format!("{n} bytes")
}

/// Loads bytes already in memory (also the entry point for tests).
pub fn load_bytes(
    path: &str,
    kind: PathKind,
    bytes: &[u8],
    opts: &LoadOptions,
) -> (SourceFile, Vec<Finding>) {
    let size = bytes.len() as u64;
    if let Some(nul) = memchr_nul(bytes) {
        let pos = lines::pos_in_bytes(bytes, nul);
        return (
            SourceFile::empty(path, FileKind::Unreadable, size),
            vec![Finding::new(
                &rules::file::binary::RULE,
                path,
                Some(Span {
                    start: pos,
                    end: pos,
                }),
                "file has a YAML name but binary content (NUL byte)".into(),
            )],
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let pos = lines::pos_in_bytes(bytes, e.valid_up_to());
            let bad = &bytes[e.valid_up_to()..bytes.len().min(e.valid_up_to() + 4)];
            return (
                SourceFile::empty(path, FileKind::Unreadable, size),
                vec![Finding::new(
                    &rules::file::invalid_utf8::RULE,
                    path,
                    Some(Span {
                        start: pos,
                        end: pos,
                    }),
                    format!(
                        "invalid UTF-8 (byte 0x{:02x}); YAML must be UTF-8",
                        bad.first().copied().unwrap_or(0)
                    ),
                )],
            );
        }
    };
    if kind == PathKind::Templated {
        return templated(path, size, "template file (by its name)");
    }
    load_text(path, kind, text, opts)
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == 0)
}

fn templated(path: &str, size: u64, why: &str) -> (SourceFile, Vec<Finding>) {
    (
        SourceFile::empty(path, FileKind::Templated, size),
        vec![Finding::new(
            &rules::file::templated::RULE,
            path,
            None,
            format!("{why}: skipped, not checked as YAML"),
        )],
    )
}

fn load_text(
    path: &str,
    kind: PathKind,
    text: &str,
    opts: &LoadOptions,
) -> (SourceFile, Vec<Finding>) {
    let lines = LineIndex::new(text);
    let parsed = parse::parse(text, &lines, opts.max_depth);
    let limits = Limits {
        max_depth: opts.max_depth,
        max_alias_nodes: opts.max_alias_nodes,
    };
    let mut findings = Vec::new();
    let mut docs = Vec::with_capacity(parsed.docs.len());
    let mut redactions = Vec::new();
    let mut broken = false;

    for pd in parsed.docs {
        let (doc, mut f) = load_doc(path, kind, text, pd, limits, &mut redactions);
        broken |= doc.class == DocClass::Broken;
        docs.push(doc);
        findings.append(&mut f);
    }
    // A file that is not valid YAML and carries template markers is a template, not a mistake.
    if broken && (text.contains("{{") || text.contains("{%")) {
        return templated(
            path,
            text.len() as u64,
            "template markers ({{ or {%) in invalid YAML",
        );
    }

    let file_kind = file_kind(kind, &docs);
    let source = SourceFile {
        path: path.to_string(),
        kind: file_kind,
        text: Some(Arc::from(text)),
        docs,
        comments: parsed.comments,
        redactions,
        bytes: text.len() as u64,
    };
    (source, findings)
}

fn file_kind(kind: PathKind, docs: &[Document]) -> FileKind {
    match kind {
        PathKind::Kustomization => return FileKind::Kustomization,
        PathKind::HelmChart => return FileKind::HelmChart,
        PathKind::HelmValues => return FileKind::HelmValues,
        PathKind::NonKubernetes => return FileKind::NonKubernetes,
        _ => {}
    }
    if docs.iter().any(|d| d.sops) {
        FileKind::Sops
    } else if docs
        .iter()
        .any(|d| matches!(d.class, DocClass::Manifest { .. }))
    {
        FileKind::Manifest
    } else if docs.iter().all(|d| matches!(d.class, DocClass::Empty)) {
        FileKind::Empty
    } else {
        FileKind::NonKubernetes
    }
}

fn load_doc(
    path: &str,
    kind: PathKind,
    text: &str,
    pd: ParsedDoc,
    limits: Limits,
    redactions: &mut Vec<Range<usize>>,
) -> (Document, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut doc = Document {
        index: pd.index,
        span: pd.span,
        root: None,
        class: DocClass::Empty,
        sops: false,
        value: None,
    };
    if let Some(err) = pd.error {
        if looks_like_secret(&text[pd.span.bytes()]) {
            redact_lines(text, pd.span, redactions);
        }
        let rule = match err.kind {
            ParseErrorKind::Syntax => &rules::yaml::syntax_error::RULE,
            ParseErrorKind::TooDeep => &rules::yaml::nesting_limit::RULE,
        };
        let message = match err.kind {
            ParseErrorKind::Syntax => err.message.clone(),
            ParseErrorKind::TooDeep => format!(
                "document {} nests collections deeper than {} levels; not checked",
                pd.index + 1,
                limits.max_depth
            ),
        };
        let span = Span {
            start: err.pos,
            end: err.pos,
        };
        findings.push(
            Finding::new(rule, path, Some(span), message)
                .identity(format!("doc {}: {}", pd.index, err.message)),
        );
        doc.class = DocClass::Broken;
        return (doc, findings);
    }
    let Some(root) = pd.root else {
        return (doc, findings);
    };

    let is_kustomization = kind == PathKind::Kustomization;
    let k8s_doc = kind != PathKind::NonKubernetes
        && kind != PathKind::HelmChart
        && kind != PathKind::HelmValues;
    let manifest = k8s_doc.then(|| manifest_identity(&root)).flatten();
    doc.sops = root
        .get("sops")
        .is_some_and(|s| s.get("mac").is_some() || s.get("lastmodified").is_some());
    doc.class = match (&manifest, is_kustomization) {
        (_, true) => DocClass::Kustomization,
        (Some((api_version, kind, name)), false) => DocClass::Manifest {
            api_version: api_version.clone(),
            kind: kind.clone(),
            name: name.clone(),
        },
        (None, false) => DocClass::Other,
    };
    let k8s = matches!(
        doc.class,
        DocClass::Kustomization | DocClass::Manifest { .. }
    );
    let secret = matches!(&doc.class, DocClass::Manifest { kind, .. } if kind == "Secret");
    if secret {
        redact_secret_values(&root, redactions);
    }
    if root
        .get("sops")
        .is_some_and(|s| matches!(s.kind, NodeKind::Map(_)))
    {
        redact_sops_plaintext(&root, redactions);
    }
    let is_secret = |p: &[PathSeg]| {
        secret
            && p.len() >= 2
            && matches!(&p[0], PathSeg::Key(k) if k == "data" || k == "stringData")
    };
    findings.extend(rules::yaml::check_document(&DocCtx {
        path,
        doc_index: doc.index,
        root: &root,
        k8s,
        is_secret: &is_secret,
    }));

    if k8s {
        let anchors = collect_anchors(&root);
        match resolve::to_json(&root, &anchors, limits) {
            Ok(v) => doc.value = Some(v),
            Err(e) => {
                let rule = match e.kind {
                    ConvErrorKind::AliasBudget => &rules::yaml::alias_limit::RULE,
                    ConvErrorKind::TooDeep => &rules::yaml::nesting_limit::RULE,
                    ConvErrorKind::Unsupported => &rules::yaml::json_incompatible::RULE,
                };
                findings.push(
                    Finding::new(rule, path, Some(e.span), e.message.clone())
                        .identity(format!("doc {}: {}", doc.index, e.message)),
                );
                doc.class = DocClass::Broken;
            }
        }
    }
    doc.root = Some(root);
    (doc, findings)
}

/// `apiVersion`, `kind` and `metadata.name` when the document is a Kubernetes object.
fn manifest_identity(root: &Node) -> Option<(String, String, Option<String>)> {
    let api_version = root.get("apiVersion")?.as_scalar()?.to_string();
    let kind = root.get("kind")?.as_scalar()?.to_string();
    if api_version.is_empty() || kind.is_empty() {
        return None;
    }
    let name = root
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_scalar)
        .map(str::to_string);
    Some((api_version, kind, name))
}

fn redact_secret_values(root: &Node, redactions: &mut Vec<Range<usize>>) {
    for field in ["data", "stringData"] {
        for e in root.get(field).map(Node::entries).unwrap_or_default() {
            if e.value.span.end.byte > e.value.span.start.byte {
                redactions.push(e.value.span.bytes());
            }
        }
    }
}

/// A SOPS document's values are meant to be encrypted: any that is not (`ENC[…]`) may be a
/// secret that slipped through, and is never shown.
fn redact_sops_plaintext(root: &Node, redactions: &mut Vec<Range<usize>>) {
    fn walk(n: &Node, redactions: &mut Vec<Range<usize>>) {
        match &n.kind {
            NodeKind::Scalar { value, .. } => {
                if !value.starts_with("ENC[") && n.span.end.byte > n.span.start.byte {
                    redactions.push(n.span.bytes());
                }
            }
            NodeKind::Seq(items) => items.iter().for_each(|i| walk(i, redactions)),
            NodeKind::Map(entries) => entries.iter().for_each(|e| walk(&e.value, redactions)),
            NodeKind::Alias(_) => {}
        }
    }
    for e in root.entries() {
        let key = match &e.key.kind {
            NodeKind::Scalar { value, .. } => value.as_str(),
            _ => "",
        };
        if !matches!(key, "sops" | "apiVersion" | "kind" | "metadata") {
            walk(&e.value, redactions);
        }
    }
}

fn looks_like_secret(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("kind:") && l[5..].trim().trim_matches(['"', '\'']) == "Secret"
    })
}

/// For a Secret that does not parse, hide everything after the first `:` on every line.
fn redact_lines(text: &str, span: Span, redactions: &mut Vec<Range<usize>>) {
    let mut offset = text[..span.start.byte.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    // The parser gave up inside this document: hide up to the next document marker.
    let from = span.end.byte.min(text.len());
    let end = text[from..].find("\n---").map_or(text.len(), |i| from + i);
    while offset < end {
        let line_end = text[offset..end].find('\n').map_or(end, |i| offset + i);
        let line = &text[offset..line_end];
        if let Some(colon) = line.find(':') {
            let start = offset + colon + 1;
            if start < line_end {
                redactions.push(start..line_end);
            }
        } else if !line.trim().is_empty() {
            redactions.push(offset..line_end);
        }
        offset = line_end + 1;
    }
}
#[cfg(test)]
mod tests;
