//! `--format github`: GitHub Actions workflow commands. Each finding becomes an annotation
//! (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=RULE::message`), the most
//! severe first, within GitHub's caps (10 annotations per level per step, 50 per job); the
//! rest are printed as plain log lines and a final `::notice::` says how many were not
//! annotated. With `$GITHUB_STEP_SUMMARY` set, a Markdown summary is appended to it: counts
//! by severity and by rule, the top findings, the suppressed count. No source text is shown.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use super::catalog::Catalog;
use super::{Report, Reporter};
use crate::diag::{Counts, Finding, Severity};

/// GitHub shows at most this many annotations of one level from one step…
pub const PER_LEVEL: usize = 10;
/// …and this many from one job.
pub const PER_JOB: usize = 50;
/// Rows of the step summary's "top findings" table.
const TOP: usize = 20;

#[derive(Default)]
pub struct Github {
    /// `$GITHUB_STEP_SUMMARY`: the Markdown summary is appended there.
    pub step_summary: Option<PathBuf>,
    /// `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA`: the summary links findings.
    pub blob_url: Option<String>,
}

impl Github {
    /// Settings from the GitHub Actions environment.
    pub fn from_env() -> Github {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let blob_url = match (
            var("GITHUB_SERVER_URL"),
            var("GITHUB_REPOSITORY"),
            var("GITHUB_SHA"),
        ) {
            (Some(s), Some(r), Some(sha)) => Some(format!("{s}/{r}/blob/{sha}")),
            _ => None,
        };
        Github {
            step_summary: var("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            blob_url,
        }
    }
}

/// A command's message: `%`, CR and LF escaped (as `@actions/core` does).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value: the message escapes, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// `::error file=…,line=…::message`.
pub fn annotation(r: &Report<'_>, f: &Finding) -> String {
    let mut props = Vec::new();
    let path = &r.checkout_path(&f.location.path);
    if !path.is_empty() {
        props.push(format!("file={}", escape_property(path)));
    }
    if let Some(s) = f.location.span {
        let line = s.start.line.max(1);
        let end_line = s.end.line.max(line);
        props.push(format!("line={line}"));
        // GitHub takes columns only on a one-line annotation; endColumn is the last
        // character's (our spans end after it).
        if end_line == line {
            let col = s.start.col.max(1);
            props.push(format!("col={col}"));
            props.push(format!("endLine={end_line}"));
            props.push(format!(
                "endColumn={}",
                s.end.col.saturating_sub(1).max(col)
            ));
        } else {
            props.push(format!("endLine={end_line}"));
        }
    }
    props.push(format!("title={}", escape_property(f.rule)));
    let mut msg = f.message.clone();
    for n in &f.notes {
        msg.push_str(&format!("\nnote: {n}"));
    }
    if let Some(h) = &f.help {
        msg.push_str(&format!("\nhelp: {h}"));
    }
    format!(
        "::{} {}::{}",
        command(f.severity),
        props.join(","),
        escape_data(&msg)
    )
}

/// A finding as one plain log line: line breaks flattened, so no text from the repository
/// can start a line (and so a workflow command) of its own.
fn plain(r: &Report<'_>, f: &Finding) -> String {
    let path = r.checkout_path(&f.location.path);
    let at = match f.location.span {
        Some(s) => format!("{path}:{}:{}", s.start.line, s.start.col),
        None => path,
    };
    let flat = |s: &str| s.replace(['\r', '\n'], " ");
    format!(
        "{}: {}[{}]: {}",
        flat(&at),
        f.severity.as_str(),
        f.rule,
        flat(&f.message)
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl Reporter for Github {
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let order = r.by_severity();
        let total_counts = Counts::of(r.findings);
        // Room for the closing notice when anything will be left out.
        let will_skip = [total_counts.error, total_counts.warning, total_counts.note]
            .iter()
            .any(|&n| n > PER_LEVEL);
        let mut shown: BTreeMap<Severity, usize> = BTreeMap::new();
        let mut annotated = 0;
        let mut skipped: Vec<&Finding> = Vec::new();
        for &i in &order {
            let f = &r.findings[i];
            let cap = if f.severity == Severity::Note && will_skip {
                PER_LEVEL - 1
            } else {
                PER_LEVEL
            };
            let n = shown.entry(f.severity).or_insert(0);
            if *n < cap && annotated < PER_JOB - 1 {
                *n += 1;
                annotated += 1;
                writeln!(out, "{}", annotation(r, f))?;
            } else {
                skipped.push(f);
            }
        }
        for f in &skipped {
            writeln!(out, "{}", plain(r, f))?;
        }
        if !skipped.is_empty() {
            let count = |sev: Severity| skipped.iter().filter(|f| f.severity == sev).count();
            let parts: Vec<String> = [
                (count(Severity::Error), "error"),
                (count(Severity::Warning), "warning"),
                (count(Severity::Note), "note"),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, w)| plural(*n, w))
            .collect();
            writeln!(
                out,
                "::notice title=gitgate::{}",
                escape_data(&format!(
                    "{} not annotated ({}): GitHub shows at most {PER_LEVEL} annotations per level in a step. They are listed in this log{}.",
                    plural(skipped.len(), "finding"),
                    parts.join(", "),
                    if self.step_summary.is_some() { " and in the step summary" } else { "" }
                ))
            )?;
        }
        writeln!(out, "{}", super::text::summary(r))?;
        if let Some(path) = &self.step_summary {
            let md = self.summary_markdown(r, &order);
            let res = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
                .and_then(|mut f| f.write_all(md.as_bytes()));
            if let Err(e) = res {
                eprintln!(
                    "gitgate: warning: cannot append to GITHUB_STEP_SUMMARY `{}`: {e}",
                    path.display()
                );
            }
        }
        Ok(())
    }
}

/// A Markdown table cell: no line breaks, pipes escaped.
fn cell(s: &str) -> String {
    s.replace(['\r', '\n'], " ").replace('|', "\\|")
}

impl Github {
    pub fn summary_markdown(&self, r: &Report<'_>, order: &[usize]) -> String {
        let c = Counts::of(r.findings);
        let s = r.stats;
        let mut md = String::new();
        let verdict = if r.failed() {
            "❌ failed"
        } else {
            "✅ passed"
        };
        let headline = if r.findings.is_empty() {
            if r.baseline.is_some() {
                "no new findings"
            } else {
                "no findings"
            }
            .to_string()
        } else {
            format!(
                "{}, {}, {}",
                plural(c.error, "error"),
                plural(c.warning, "warning"),
                plural(c.note, "note")
            )
        };
        md.push_str(&format!("## gitgate: {headline}\n\n"));
        md.push_str(&format!(
            "{verdict} (fails on: {}). Checked {} ({}) in {:.2} s",
            r.fail_on.as_str(),
            plural(s.files, "file"),
            plural(s.documents, "document"),
            s.elapsed.as_secs_f64()
        ));
        if s.overlays > 0 {
            md.push_str(&format!(
                ", rendered {}",
                plural(s.overlays, "kustomization")
            ));
        }
        md.push_str(&format!(". Suppressed: {}.\n\n", s.suppressed));
        if let Some(b) = r.baseline {
            md.push_str(&format!(
                "Baseline `{}`{}: **{} new**, {} fixed, {} still present (not listed here; \
                 the SARIF output marks them `unchanged`).\n\n",
                cell(&b.file).replace('`', "'"),
                if b.written {
                    " (written by this run)"
                } else {
                    ""
                },
                r.findings.len(),
                b.fixed.len(),
                b.unchanged.len()
            ));
        }
        if let Some(pr) = super::text::changes_sentence(s) {
            md.push_str(&format!("{}.\n\n", cell(&pr)));
        }
        md.push_str("| severity | findings |\n|---|---:|\n");
        md.push_str(&format!(
            "| error | {} |\n| warning | {} |\n| note | {} |\n\n",
            c.error, c.warning, c.note
        ));
        if r.findings.is_empty() {
            return md;
        }
        let catalog = Catalog::new(r);
        let mut by_rule: BTreeMap<(std::cmp::Reverse<Severity>, &str), usize> = BTreeMap::new();
        for f in r.findings {
            *by_rule
                .entry((std::cmp::Reverse(f.severity), f.rule))
                .or_insert(0) += 1;
        }
        md.push_str("| rule | severity | findings | what |\n|---|---|---:|---|\n");
        for ((sev, rule), n) in &by_rule {
            let what = catalog.get(rule).map(|i| i.short.as_str()).unwrap_or("");
            md.push_str(&format!(
                "| `{}` | {} | {n} | {} |\n",
                cell(rule),
                sev.0.as_str(),
                cell(what)
            ));
        }
        md.push_str(
            "\n### Top findings\n\n| severity | rule | location | message |\n|---|---|---|---|\n",
        );
        for &i in order.iter().take(TOP) {
            let f = &r.findings[i];
            let path = r.checkout_path(&f.location.path);
            let (at, anchor) = match f.location.span {
                Some(sp) => (
                    format!("{path}:{}:{}", sp.start.line, sp.start.col),
                    format!("#L{}", sp.start.line),
                ),
                None => (path.clone(), String::new()),
            };
            let place = match &self.blob_url {
                Some(base) if !path.is_empty() && !path.starts_with('/') => {
                    format!(
                        "[{}]({base}/{}{anchor})",
                        cell(&at).replace(['[', ']'], ""),
                        super::sarif::uri_path(&path)
                    )
                }
                _ => format!("`{}`", cell(&at).replace('`', "'")),
            };
            md.push_str(&format!(
                "| {} | `{}` | {place} | {} |\n",
                f.severity.as_str(),
                cell(f.rule),
                cell(&f.message)
            ));
        }
        if r.findings.len() > TOP {
            md.push_str(&format!(
                "\n_…and {} more: see the job log, or the SARIF/JSON output._\n",
                r.findings.len() - TOP
            ));
        }
        md.push('\n');
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_actions_core_does() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
