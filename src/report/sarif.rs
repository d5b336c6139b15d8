//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers
//! (`docs/sarif-output.md`). One run; one rule per id of the catalog; repo-relative URIs under
//! `%SRCROOT%`; stable `partialFingerprints`; capped to what GitHub accepts. No source text is
//! ever included (SARIF snippets are not emitted), so no secret value can appear.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location as SarifLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, RunAutomationDetails,
    Sarif as Log, Tool, ToolComponent,
};

use super::catalog::{Catalog, RuleInfo};
use super::{Report, Reporter};
use crate::diag::{Finding, Location, Severity};
use crate::load::FileKind;

pub const SCHEMA_URL: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// GitHub rejects a run with more results.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub rejects a file larger than this, gzipped.
pub const MAX_GZIP_BYTES: usize = 10_000_000;
/// GitHub keeps the first 100 locations of a result.
pub const MAX_RELATED: usize = 100;
/// GitHub keeps the first 10 tags of a rule.
const MAX_TAGS: usize = 10;
/// The base every artifact URI is relative to.
pub const SRCROOT: &str = "%SRCROOT%";
pub const DEFAULT_CATEGORY: &str = "gitgate/";

pub struct Sarif {
    /// `runAutomationDetails.id`; GitHub takes the part before the last `/` as the category.
    pub category: String,
    /// The repository root (absolute), given as `%SRCROOT%`'s URI so that viewers can open
    /// the files.
    pub root: Option<std::path::PathBuf>,
    /// Limits, lowered by tests.
    pub max_results: usize,
    pub max_gzip_bytes: usize,
}

impl Default for Sarif {
    fn default() -> Self {
        Sarif {
            category: DEFAULT_CATEGORY.into(),
            root: None,
            max_results: MAX_RESULTS,
            max_gzip_bytes: MAX_GZIP_BYTES,
        }
    }
}

/// `foo` → `foo/`: the whole value is the category, with an empty run id.
pub fn category_id(category: &str) -> String {
    if category.ends_with('/') {
        category.to_string()
    } else {
        format!("{category}/")
    }
}

/// A result to write: the finding, and its `baselineState` when a baseline is in effect.
type Item<'a> = (&'a Finding, Option<&'static str>);

/// The results: without a baseline, the findings; with one, the new findings (`new`) and
/// those the baseline holds (`unchanged`). Code scanning closes an alert that an upload no
/// longer contains, so findings accepted by a baseline stay in the SARIF.
fn items<'a>(r: &Report<'a>) -> Vec<Item<'a>> {
    match r.baseline {
        None => r.findings.iter().map(|f| (f, None)).collect(),
        Some(b) => {
            let mut v: Vec<Item<'a>> = r.findings.iter().map(|f| (f, Some("new"))).collect();
            v.extend(b.unchanged.iter().map(|f| (f, Some("unchanged"))));
            v
        }
    }
}

/// Indices of the items, most severe first; new before unchanged, then report order.
fn by_severity(items: &[Item<'_>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(items[i].0.severity));
    order
}

impl Reporter for Sarif {
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let catalog = Catalog::new(r);
        let items = items(r);
        let order = by_severity(&items);
        let total = order.len();
        let mut keep = total.min(self.max_results);
        let (bytes, kept) = loop {
            let mut kept: Vec<usize> = order[..keep].to_vec();
            kept.sort_unstable();
            let log = self.log(r, &catalog, &items, &kept);
            let mut bytes = serde_json::to_vec_pretty(&log).map_err(io::Error::other)?;
            bytes.push(b'\n');
            if bytes.len() <= self.max_gzip_bytes || keep == 0 {
                break (bytes, kept);
            }
            let gz = gzip_len(&bytes)?;
            if gz <= self.max_gzip_bytes {
                break (bytes, kept);
            }
            // Shrink in proportion, with a margin, and measure again.
            let scaled = (keep as f64 * self.max_gzip_bytes as f64 / gz as f64 * 0.9) as usize;
            keep = scaled.min(keep - 1);
        };
        if kept.len() < total {
            eprintln!("gitgate: {}", cap_note(&items, &order, kept.len(), self));
        }
        out.write_all(&bytes)
    }
}

/// The size of `bytes` gzipped (default level, as `gzip` and GitHub's upload action use).
fn gzip_len(bytes: &[u8]) -> io::Result<usize> {
    struct Count(usize);
    impl Write for Count {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0 += b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut gz = flate2::write::GzEncoder::new(Count(0), flate2::Compression::default());
    gz.write_all(bytes)?;
    Ok(gz.finish()?.0)
}

/// What was left out and why, by severity.
fn cap_note(items: &[Item<'_>], order: &[usize], kept: usize, s: &Sarif) -> String {
    let left = &order[kept..];
    let count = |sev: Severity| left.iter().filter(|&&i| items[i].0.severity == sev).count();
    let by_sev: Vec<String> = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Note, "note"),
    ]
    .iter()
    .filter(|(sev, _)| count(*sev) > 0)
    .map(|(sev, word)| {
        format!(
            "{} {word}{}",
            count(*sev),
            if count(*sev) == 1 { "" } else { "s" }
        )
    })
    .collect();
    let why = if kept == s.max_results.min(order.len()) && order.len() > s.max_results {
        format!("GitHub accepts at most {} results per run", s.max_results)
    } else {
        let size = if s.max_gzip_bytes % 1_000_000 == 0 {
            format!("{} MB", s.max_gzip_bytes / 1_000_000)
        } else {
            format!("{} bytes", s.max_gzip_bytes)
        };
        format!("GitHub accepts at most {size} of SARIF, gzipped")
    };
    format!(
        "SARIF output holds the {kept} most severe of {} findings ({why}); left out: {}. \
         The text and JSON outputs list every finding.",
        order.len(),
        by_sev.join(", ")
    )
}

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Note => ResultLevel::Note,
    }
}

fn text(t: impl Into<String>) -> Message {
    Message::builder().text(t.into()).build()
}

/// GitHub's scale: 9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "7.5",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

fn descriptor(info: &RuleInfo) -> ReportingDescriptor {
    let mut extra = BTreeMap::new();
    if info.security {
        extra.insert(
            "security-severity".to_string(),
            json!(security_severity(info.severity)),
        );
    }
    let tags: Vec<String> = info.tags.iter().take(MAX_TAGS).cloned().collect();
    ReportingDescriptor::builder()
        .id(info.id.clone())
        .name(info.name.clone())
        .short_description(
            MultiformatMessageString::builder()
                .text(info.short.clone())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(info.full.clone())
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(info.help_text.clone())
                .markdown(info.help_markdown.clone())
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(info.severity.as_str()))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(extra)
                .build(),
        )
        .build()
}

/// A repo-relative path as a URI reference: every byte outside RFC 3986's unreserved set
/// (and `/`) percent-encoded, so spaces, `#`, `%`, `:` and non-ASCII names survive.
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `file:///abs/root/`, for `originalUriBaseIds`.
fn root_uri(root: &std::path::Path) -> Option<String> {
    let s = root.to_str()?;
    if !s.starts_with('/') {
        return None;
    }
    let mut uri = format!("file://{}", uri_path(s));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

/// A region with 1-based, positive lines and columns, at least one character wide; a
/// finding about a whole file (or directory) is placed at its first line, the least GitHub
/// accepts.
fn region(l: &Location) -> Region {
    let Some(s) = l.span else {
        return Region::builder().start_line(1).build();
    };
    let start_line = s.start.line.max(1) as i64;
    let start_col = s.start.col.max(1) as i64;
    let mut end_line = (s.end.line as i64).max(start_line);
    let mut end_col = s.end.col.max(1) as i64;
    if end_line == start_line && end_col <= start_col {
        end_col = start_col + 1;
    }
    // A span ending at the start of the next line ends with its own line.
    if end_line > start_line && end_col == 1 {
        end_line -= 1;
        return Region::builder()
            .start_line(start_line)
            .start_column(start_col)
            .end_line(end_line)
            .build();
    }
    Region::builder()
        .start_line(start_line)
        .start_column(start_col)
        .end_line(end_line)
        .end_column(end_col)
        .build()
}

fn artifact(path: &str) -> ArtifactLocation {
    if path.starts_with('/') {
        // Outside the repository (a `--policy` directory elsewhere): an absolute file URI.
        ArtifactLocation::builder()
            .uri(format!("file://{}", uri_path(path)))
            .build()
    } else {
        let path = path.trim_start_matches("./");
        ArtifactLocation::builder()
            .uri(if path.is_empty() {
                ".".to_string()
            } else {
                uri_path(path)
            })
            .uri_base_id(SRCROOT)
            .build()
    }
}

fn location(r: &Report<'_>, l: &Location, message: Option<&str>, id: Option<i64>) -> SarifLocation {
    let physical = PhysicalLocation::builder()
        .artifact_location(artifact(&r.checkout_path(&l.path)))
        .region(region(l))
        .build();
    let mut loc = SarifLocation::builder().physical_location(physical).build();
    loc.message = message.map(text);
    loc.id = id;
    loc
}

/// The kustomization file of a directory, as the report knows it.
fn kustomization_file(r: &Report<'_>, dir: &str) -> String {
    r.files
        .iter()
        .filter(|f| f.kind == FileKind::Kustomization)
        .find(|f| f.path.rsplit_once('/').map_or("", |(d, _)| d) == dir)
        .map(|f| f.path.clone())
        .unwrap_or_else(|| {
            if dir.is_empty() {
                "kustomization.yaml".to_string()
            } else {
                format!("{dir}/kustomization.yaml")
            }
        })
}

fn message(f: &Finding) -> String {
    let mut m = f.message.clone();
    for n in &f.notes {
        m.push_str(&format!("\nnote: {n}"));
    }
    if let Some(h) = &f.help {
        m.push_str(&format!("\nhelp: {h}"));
    }
    m
}

fn result(r: &Report<'_>, catalog: &Catalog, (f, state): Item<'_>) -> SarifResult {
    // A label sits under the source text in the text output; with a sensitive finding that
    // text is not shown, so neither is the label.
    let label = f.label.as_deref().filter(|_| !f.sensitive);
    let mut related: Vec<SarifLocation> = Vec::new();
    for rel in &f.related {
        related.push(location(
            r,
            &rel.location,
            Some(&rel.message),
            Some(related.len() as i64),
        ));
    }
    for dir in &f.overlays {
        let shown = if dir.is_empty() { "." } else { dir.as_str() };
        related.push(location(
            r,
            &Location {
                path: kustomization_file(r, dir),
                span: None,
            },
            Some(&format!("in the output of `{shown}`")),
            Some(related.len() as i64),
        ));
    }
    related.truncate(MAX_RELATED);
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("primaryLocationLineHash".to_string(), f.fingerprint.clone());
    let mut res = SarifResult::builder()
        .rule_id(f.rule)
        .level(level(f.severity))
        .message(text(message(f)))
        .locations(vec![location(r, &f.location, label, None)])
        .partial_fingerprints(fingerprints)
        .build();
    res.rule_index = catalog.index(f.rule).map(|i| i as i64);
    res.baseline_state = state.map(|s| json!(s));
    if !related.is_empty() {
        res.related_locations = Some(related);
    }
    res
}

impl Sarif {
    fn log(&self, r: &Report<'_>, catalog: &Catalog, items: &[Item<'_>], kept: &[usize]) -> Log {
        let results: Vec<SarifResult> =
            kept.iter().map(|&i| result(r, catalog, items[i])).collect();
        let driver = ToolComponent::builder()
            .name("gitgate")
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .version(env!("CARGO_PKG_VERSION"))
            .information_uri(env!("CARGO_PKG_HOMEPAGE"))
            .rules(catalog.rules.iter().map(descriptor).collect::<Vec<_>>())
            .build();
        let mut base = ArtifactLocation::builder()
            .description(text(
                "The repository root: every path gitgate reports is relative to it.",
            ))
            .build();
        base.uri = self.root.as_deref().and_then(root_uri);
        let mut bases = BTreeMap::new();
        bases.insert(SRCROOT.to_string(), base);
        let order = by_severity(items);
        let mut invocation = Invocation::builder()
            .execution_successful(
                !items
                    .iter()
                    .any(|(f, _)| f.rule == crate::rules::internal::RULE.id),
            )
            .build();
        if kept.len() < items.len() {
            invocation.tool_execution_notifications = Some(vec![Notification::builder()
                .level(json!("warning"))
                .message(text(cap_note(items, &order, kept.len(), self)))
                .build()]);
        }
        let run = Run::builder()
            .tool(Tool::builder().driver(driver).build())
            .results(results)
            .column_kind(json!("unicodeCodePoints"))
            .original_uri_base_ids(bases)
            .automation_details(
                RunAutomationDetails::builder()
                    .id(category_id(&self.category))
                    .build(),
            )
            .invocations(vec![invocation])
            .build();
        Log::builder()
            .schema(SCHEMA_URL)
            .version(json!("2.1.0"))
            .runs(vec![run])
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{Pos, Span};

    fn pos(line: u32, col: u32) -> Pos {
        Pos { line, col, byte: 0 }
    }

    fn loc(span: Option<(u32, u32, u32, u32)>) -> Location {
        Location {
            path: "a.yaml".into(),
            span: span.map(|(a, b, c, d)| Span {
                start: pos(a, b),
                end: pos(c, d),
            }),
        }
    }

    #[test]
    fn regions_are_positive_and_non_empty() {
        let r = region(&loc(None));
        assert_eq!(
            (r.start_line, r.start_column, r.end_line),
            (Some(1), None, None)
        );
        let r = region(&loc(Some((3, 5, 3, 5))));
        assert_eq!(
            (r.start_line, r.start_column, r.end_line, r.end_column),
            (Some(3), Some(5), Some(3), Some(6))
        );
        let r = region(&loc(Some((0, 0, 0, 0))));
        assert_eq!((r.start_line, r.start_column), (Some(1), Some(1)));
        let r = region(&loc(Some((3, 1, 4, 1))));
        assert_eq!((r.end_line, r.end_column), (Some(3), None));
    }

    #[test]
    fn caps_by_gzipped_size_keeping_the_most_severe() {
        use crate::diag::Finding;
        let mut findings = Vec::new();
        for i in 0..300u32 {
            let rule = if i % 3 == 0 {
                &crate::rules::yaml::duplicate_key::RULE
            } else {
                &crate::rules::yaml::yaml11_boolean::RULE
            };
            // Incompressible messages, so that the gzipped size grows with the results.
            let noise: String = (0..40)
                .map(|j| format!("{:08x}", (i * 7919 + j).wrapping_mul(2654435761)))
                .collect();
            let mut f = Finding::new(rule, format!("f{i}.yaml"), None, noise);
            f.fingerprint = format!("{i:032x}");
            findings.push(f);
        }
        let stats = crate::pipeline::Stats::default();
        let r = Report {
            findings: &findings,
            files: &[],
            stats: &stats,
            fail_on: crate::config::FailOn::Error,
            policy_docs: &[],
            checkout_prefix: "",
            baseline: None,
        };
        let s = Sarif {
            max_gzip_bytes: 60_000,
            ..Sarif::default()
        };
        let mut out = Vec::new();
        s.write(&r, &mut out).unwrap();
        assert!(gzip_len(&out).unwrap() <= 60_000);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let results = v["runs"][0]["results"].as_array().unwrap();
        assert!(
            results.len() >= 100 && results.len() < 300,
            "{}",
            results.len()
        );
        // All 100 errors are kept before any warning.
        let errors = results.iter().filter(|r| r["level"] == "error").count();
        assert_eq!(errors, 100);
        let note = v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]
            ["text"]
            .as_str()
            .unwrap();
        assert!(
            note.contains("at most 60000 bytes of SARIF, gzipped"),
            "{note}"
        );
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            uri_path("apps/a b/#1 é.yaml"),
            "apps/a%20b/%231%20%C3%A9.yaml"
        );
        assert_eq!(uri_path("x:y/100%.yaml"), "x%3Ay/100%25.yaml");
        let a = artifact("apps/x.yaml");
        assert_eq!(a.uri.as_deref(), Some("apps/x.yaml"));
        assert_eq!(a.uri_base_id.as_deref(), Some(SRCROOT));
        assert_eq!(
            root_uri(std::path::Path::new("/work/my repo")).as_deref(),
            Some("file:///work/my%20repo/")
        );
        assert_eq!(category_id("gitgate"), "gitgate/");
        assert_eq!(category_id("gitgate/"), "gitgate/");
    }
}
