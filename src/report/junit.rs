//! `--format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure DevOps,
//! CircleCI, Buildkite…). One `<testsuite>` per checked file, so a file with findings reads as
//! a failed suite; one `<testcase>` per finding (`classname` `gitgate.RULE`, `name`
//! `path:line:col`), or one passing test case for a clean file. A finding at or above
//! `--fail-on` is a `<failure>`; an internal error (INT001) is an `<error>`; other findings
//! pass, with their text in `<system-out>`. No source text is ever included.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Report, Reporter};
use crate::diag::Finding;

pub struct Junit;

/// XML 1.0 text or attribute value: markup characters escaped, characters XML cannot hold
/// (control characters other than tab and newlines) dropped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn at(r: &Report<'_>, f: &Finding) -> String {
    let path = r.checkout_path(&f.location.path);
    match f.location.span {
        Some(s) => format!("{path}:{}:{}", s.start.line, s.start.col),
        None => path,
    }
}

/// The finding as the text output heads it, without source lines.
fn details(r: &Report<'_>, f: &Finding) -> String {
    let mut d = format!(
        "{}[{}]: {}\n  --> {}",
        f.severity.as_str(),
        f.rule,
        f.message,
        at(r, f)
    );
    for rel in &f.related {
        let path = r.checkout_path(&rel.location.path);
        let place = match rel.location.span {
            Some(s) => format!("{path}:{}:{}", s.start.line, s.start.col),
            None => path,
        };
        d.push_str(&format!("\n  = note: {}: {place}", rel.message));
    }
    for n in &f.notes {
        d.push_str(&format!("\n  = note: {n}"));
    }
    if let Some(h) = &f.help {
        d.push_str(&format!("\n  = help: {h}"));
    }
    d
}

impl Reporter for Junit {
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        // Every checked file, and every path a finding names (directories, policies).
        let mut suites: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
        for f in r.files {
            suites.entry(r.checkout_path(&f.path)).or_default();
        }
        for f in r.findings {
            suites
                .entry(r.checkout_path(&f.location.path))
                .or_default()
                .push(f);
        }
        let internal = crate::rules::internal::RULE.id;
        let is_error = |f: &Finding| f.rule == internal;
        let is_failure = |f: &Finding| !is_error(f) && r.fail_on.fails(f.severity);
        let tests: usize = suites.values().map(|v| v.len().max(1)).sum();
        let failures = r.findings.iter().filter(|f| is_failure(f)).count();
        let errors = r.findings.iter().filter(|f| is_error(f)).count();
        let time = format!("{:.3}", r.stats.elapsed.as_secs_f64());
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="gitgate" tests="{tests}" failures="{failures}" errors="{errors}" time="{time}">"#
        )?;
        for (path, findings) in &suites {
            let path = if path.is_empty() { "." } else { path.as_str() };
            let p = esc(path);
            writeln!(
                out,
                r#"  <testsuite name="{p}" tests="{}" failures="{}" errors="{}" skipped="0">"#,
                findings.len().max(1),
                findings.iter().filter(|f| is_failure(f)).count(),
                findings.iter().filter(|f| is_error(f)).count(),
            )?;
            if findings.is_empty() {
                writeln!(
                    out,
                    r#"    <testcase name="{p}" classname="gitgate" file="{p}"/>"#
                )?;
            }
            for f in findings {
                write!(
                    out,
                    r#"    <testcase name="{}" classname="gitgate.{}" file="{p}">"#,
                    esc(&at(r, f)),
                    esc(f.rule)
                )?;
                let body = esc(&details(r, f));
                let msg = esc(&f.message);
                let rule = esc(f.rule);
                if is_error(f) {
                    write!(
                        out,
                        r#"<error message="{msg}" type="{rule}">{body}</error>"#
                    )?;
                } else if is_failure(f) {
                    write!(
                        out,
                        r#"<failure message="{msg}" type="{rule}">{body}</failure>"#
                    )?;
                } else {
                    write!(out, "<system-out>{body}</system-out>")?;
                }
                writeln!(out, "</testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(esc("a<b>&\"c'\u{1}\n"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;");
    }
}
