//! Human output, rustc-style: the source line, a caret under the span, the label, `= help:`.
//! Secret values are masked in every line shown.

use std::collections::HashMap;
use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::{Report, Reporter};
use crate::diag::{Counts, Finding, Severity};
use crate::span::Span;

pub struct Text {
    pub color: bool,
}

impl Reporter for Text {
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let renderer = if self.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut sources: HashMap<&str, Option<String>> = HashMap::new();
        for f in r.findings {
            for path in std::iter::once(&f.location.path)
                .chain(f.related.iter().map(|rel| &rel.location.path))
            {
                sources.entry(path.as_str()).or_insert_with(|| {
                    // CR would print as a control picture: show CRLF files like LF ones
                    // (same byte length, so spans still hold).
                    r.file(path)
                        .and_then(|file| file.redacted_text())
                        .map(|t| t.replace('\r', " "))
                });
            }
        }
        for f in r.findings {
            let text = renderer.render(&[group(f, &sources)]);
            writeln!(out, "{text}\n")?;
        }
        writeln!(out, "{}", summary(r))
    }
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// The lines `[first, last]` of `text` that cover the spans, as (excerpt, byte offset, line).
/// Rendering an excerpt keeps the cost independent of the file's size.
fn excerpt<'t>(text: &'t str, spans: &[Span]) -> (&'t str, usize, usize) {
    let start = spans
        .iter()
        .map(|s| s.start.byte)
        .min()
        .unwrap_or(0)
        .min(text.len());
    let end = spans
        .iter()
        .map(|s| s.end.byte.max(s.start.byte))
        .max()
        .unwrap_or(0)
        .min(text.len());
    let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let to = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let line = text[..from].bytes().filter(|b| *b == b'\n').count() + 1;
    (&text[from..to], from, line)
}

fn group<'a>(f: &'a Finding, sources: &'a HashMap<&str, Option<String>>) -> Group<'a> {
    let title = level(f.severity)
        .primary_title(f.message.as_str())
        .id(f.rule);
    let mut g = Group::with_title(title);
    let path = f.location.path.as_str();
    // A finding about a secret-looking value shows no source line (the value is on it).
    let source = sources
        .get(path)
        .and_then(|s| s.as_deref())
        .filter(|_| !f.sensitive);
    match (f.location.span, source) {
        (Some(span), Some(text)) => {
            let same_file: Vec<_> = f
                .related
                .iter()
                .filter(|rel| rel.location.path == path && rel.location.span.is_some())
                .collect();
            let spans: Vec<Span> = std::iter::once(span)
                .chain(same_file.iter().filter_map(|r| r.location.span))
                .collect();
            let (ex, offset, line) = excerpt(text, &spans);
            let shift = |s: Span| {
                let r = s.bytes();
                (r.start - offset).min(ex.len())..(r.end - offset).min(ex.len())
            };
            let mut primary = AnnotationKind::Primary.span(shift(span));
            if let Some(label) = &f.label {
                primary = primary.label(label.as_str());
            }
            let mut snippet = Snippet::source(ex)
                .path(path)
                .line_start(line)
                .annotation(primary);
            for rel in &same_file {
                if let Some(s) = rel.location.span {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(shift(s))
                            .label(rel.message.as_str()),
                    );
                }
            }
            g = g.element(snippet);
        }
        (Some(span), None) => {
            g = g.element(
                Origin::path(path)
                    .line(span.start.line as usize)
                    .char_column(span.start.col as usize),
            );
        }
        (None, _) => g = g.element(Origin::path(path)),
    }
    for rel in f.related.iter().filter(|rel| rel.location.path != path) {
        let at = match rel.location.span {
            Some(s) => format!("{}:{}:{}", rel.location.path, s.start.line, s.start.col),
            None => rel.location.path.clone(),
        };
        g = g.element(Level::NOTE.message(format!("{}: {at}", rel.message)));
    }
    for note in &f.notes {
        g = g.element(Level::NOTE.message(note.as_str()));
    }
    if let Some(help) = &f.help {
        g = g.element(Level::HELP.message(help.as_str()));
    }
    g
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closing line: files, documents, findings by severity, elapsed time.
pub(crate) fn summary(r: &Report<'_>) -> String {
    let c = Counts::of(r.findings);
    let s = r.stats;
    let findings = if r.findings.is_empty() {
        if r.baseline.is_some() {
            "no new findings".to_string()
        } else {
            "no findings".to_string()
        }
    } else {
        [
            plural(c.error, "error"),
            plural(c.warning, "warning"),
            plural(c.note, "note"),
        ]
        .join(", ")
    };
    let skipped = if s.skipped > 0 {
        format!(", {} skipped", s.skipped)
    } else {
        String::new()
    };
    let rendered = if s.overlays > 0 {
        format!(
            ", rendered {} ({})",
            plural(s.overlays, "kustomization"),
            plural(s.rendered_objects, "object")
        )
    } else {
        String::new()
    };
    let rendered = if s.validated_objects > 0 {
        format!(
            "{rendered}, validated {}",
            plural(s.validated_objects, "object")
        )
    } else {
        rendered
    };
    let mut hidden = Vec::new();
    if s.suppressed > 0 {
        hidden.push(format!("{} suppressed", s.suppressed));
    }
    if s.policy_exceptions > 0 {
        hidden.push(format!(
            "{} policy {}",
            s.policy_exceptions,
            if s.policy_exceptions == 1 {
                "exception"
            } else {
                "exceptions"
            }
        ));
    }
    let findings = if hidden.is_empty() {
        findings
    } else {
        format!("{findings} ({})", hidden.join(", "))
    };
    let baseline = r
        .baseline
        .map(|b| format!("; {}", baseline_counts(r, b)))
        .unwrap_or_default();
    let line = format!(
        "gitgate: checked {} ({}{skipped}){rendered} in {:.2}s: {findings}{baseline}",
        plural(s.files, "file"),
        plural(s.documents, "document"),
        s.elapsed.as_secs_f64(),
    );
    match changes_sentence(s) {
        Some(pr) => format!("gitgate: {pr}\n{line}"),
        None => line,
    }
}

/// PR mode (`--changed-since`, `--files`): what changed, what that affected, what is not
/// shown. `None` outside PR mode.
pub(crate) fn changes_sentence(s: &crate::pipeline::Stats) -> Option<String> {
    let c = s.changes.as_ref()?;
    let mut out = match &c.since {
        Some(rev) => format!(
            "PR mode: {} since `{rev}`",
            plural(c.changed_files, "changed file")
        ),
        None => format!("--files: {}", plural(c.changed_files, "changed file")),
    };
    let them = if c.changed_files == 1 { "it" } else { "them" };
    if c.everything {
        out.push_str(
            "; the configuration, a policy or a schema changed, so everything was checked and every finding is reported",
        );
        return Some(out);
    }
    out.push_str(&format!(
        "; checked {} of {} kustomizations affected by {them}",
        c.kustomizations, c.total_kustomizations
    ));
    if c.index_only > 0 {
        out.push_str(&format!(
            " ({} more rendered for the policy index only)",
            c.index_only
        ));
    }
    out.push_str(&format!(
        " and {}",
        plural(c.manifests, "changed manifest file")
    ));
    if !c.report_all {
        out.push_str("; showing findings on changed lines only");
        if c.hidden > 0 {
            out.push_str(&format!(", {} more with `--report all`", c.hidden));
        }
    }
    Some(out)
}

/// `baseline FILE: 1 new, 2 fixed, 12 still present` (`FILE written: …` when this run wrote it).
pub(crate) fn baseline_counts(r: &Report<'_>, b: &crate::baseline::Status) -> String {
    format!(
        "baseline {}{}: {} new, {} fixed, {} still present",
        b.file,
        if b.written { " written" } else { "" },
        r.findings.len(),
        b.fixed.len(),
        b.unchanged.len()
    )
}
