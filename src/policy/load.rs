//! Loading policies: the bundled library and user directories, Rego v1 first and v0 as a
//! fallback per file, `# METADATA` read by us (regorus lacks `rego.metadata.*`), and a
//! recursion check regorus does not make (a recursive function overflows its stack and aborts
//! the process, whatever the time limit or stack size).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diag::{Finding, Severity};
use crate::rules::policy::load_error;
use crate::span::{Pos, Span};

/// One `.rego` file.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Shown in findings: repo-relative when inside the repository, `policies/…` when bundled.
    pub path: String,
    pub text: String,
    /// Without the `data.` prefix: `main`, `gitgate.flux.kustomization_prune`.
    pub package: String,
    pub rego_v0: bool,
    pub bundled: bool,
    /// A `*_test.rego` file: loaded by `policy test` only.
    pub test: bool,
    pub meta: Option<Meta>,
    pub heads: Vec<Head>,
}

/// What a `# METADATA` block says (trivy-checks' fields).
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub id: Option<String>,
    pub severity: Option<Severity>,
    pub recommended_actions: Option<String>,
    /// `Kind` or `group/Kind`: the objects the policy applies to (empty: all).
    pub kinds: Vec<String>,
    /// `custom.scope: repo`: evaluated once over `data.gitgate.objects`, not per object.
    pub repo_scope: bool,
    /// `related_resources` (URLs, plain or `{ref: URL}`).
    pub related_resources: Vec<String>,
    /// `custom.tags` (e.g. `security`), for SARIF.
    pub tags: Vec<String>,
    /// `custom.sensitive: true`: findings point at secret-looking values; no source text is
    /// shown for them.
    pub sensitive: bool,
}

/// A rule or function definition found in the text.
#[derive(Clone, Debug)]
pub struct Head {
    pub name: String,
    /// 1-based.
    pub line: u32,
    pub function: bool,
}

/// Reads the bundled library and every `.rego` file under `dirs`. Files that cannot be used
/// become POLICY001 findings and are left out.
pub fn load(
    dirs: &[PathBuf],
    root: &Path,
    bundled: bool,
    with_tests: bool,
    version: RegoVersion,
) -> (Vec<Policy>, Vec<Finding>) {
    let mut sources: Vec<(String, String, bool)> = Vec::new();
    let mut findings = Vec::new();
    for (path, text) in super::bundled::FILES {
        // The helper library (`policies/lib/`) is there for user policies too.
        if bundled || path.starts_with("policies/lib/") {
            sources.push((path.to_string(), text.to_string(), true));
        }
    }
    for dir in dirs {
        let mut found = Vec::new();
        collect_rego(dir, &mut found);
        found.sort();
        for p in found {
            let shown = crate::walk::relative(root, &p).unwrap_or_else(|| p.display().to_string());
            match std::fs::read_to_string(&p) {
                Ok(text) => sources.push((shown, text, false)),
                Err(e) => findings.push(Finding::new(
                    &load_error::RULE,
                    shown,
                    None,
                    format!("cannot read policy: {e}"),
                )),
            }
        }
    }
    let mut policies = Vec::new();
    for (path, text, bundled) in sources {
        let test = path.ends_with("_test.rego");
        if test && !with_tests {
            continue;
        }
        // The bundled library is Rego v1 whatever users write.
        let version = if bundled { RegoVersion::Auto } else { version };
        match parse(&path, &text, version) {
            Ok((package, rego_v0)) => {
                let meta = match metadata(&path, &text) {
                    Ok(m) => m,
                    Err(f) => {
                        findings.push(*f);
                        continue;
                    }
                };
                let heads = heads(&scrub(&text));
                policies.push(Policy {
                    path,
                    text,
                    package,
                    rego_v0,
                    bundled,
                    test,
                    meta,
                    heads,
                });
            }
            Err(f) => findings.push(*f),
        }
    }
    let rejected = recursion(&policies);
    findings.extend(rejected.iter().map(|(_, f)| f.clone()));
    let bad: HashSet<usize> = rejected.iter().map(|(i, _)| *i).collect();
    let policies = policies
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !bad.contains(i))
        .map(|(_, p)| p)
        .collect();
    (policies, findings)
}

fn collect_rego(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            collect_rego(&p, out);
        } else if ft.is_file() && p.extension().is_some_and(|x| x == "rego") {
            out.push(p);
        }
    }
}

/// Which Rego syntax user policies are read as (`--rego-version`, conftest's flag).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegoVersion {
    /// v1, and v0 for a file that only parses as v0.
    #[default]
    Auto,
    V0,
    V1,
}

/// Parses with a scratch engine: Rego v1, then v0 (conftest users have both). Returns the
/// package and whether v0 was needed.
fn parse(path: &str, text: &str, version: RegoVersion) -> Result<(String, bool), Box<Finding>> {
    if version != RegoVersion::Auto {
        let mut e = regorus::Engine::new();
        e.set_rego_v0(version == RegoVersion::V0);
        let name = if version == RegoVersion::V0 {
            "v0"
        } else {
            "v1"
        };
        return match e.add_policy(path.to_string(), text.to_string()) {
            Ok(p) => Ok((
                p.trim_start_matches("data.").to_string(),
                version == RegoVersion::V0,
            )),
            Err(err) => {
                let msg = err.to_string();
                let first = msg
                    .lines()
                    .find(|l| l.contains("error"))
                    .unwrap_or("")
                    .trim();
                let first = first.split_once("error:").map_or(first, |(_, m)| m.trim());
                Err(Box::new(Finding::new(
                    &load_error::RULE,
                    path,
                    error_pos(path, &msg),
                    format!(
                        "policy does not parse as Rego {name} (--rego-version {name}): {first}"
                    ),
                )))
            }
        };
    }
    let v1 = regorus::Engine::new().add_policy(path.to_string(), text.to_string());
    let (pkg, v0) = match v1 {
        Ok(p) => (p, false),
        Err(e1) => {
            let mut e = regorus::Engine::new();
            e.set_rego_v0(true);
            // A v1-style file (bare `if`/`contains`) with a syntax error is not retried as
            // v0: regorus would print a keyword warning on stderr, and the v1 error is the
            // useful one.
            let retry: Result<String, ()> = if v1_style(text) {
                Err(())
            } else {
                e.add_policy(path.to_string(), text.to_string())
                    .map_err(|_| ())
            };
            match retry {
                Ok(p) => (p, true),
                Err(()) => {
                    let msg = e1.to_string();
                    let span = error_pos(path, &msg);
                    let first = msg
                        .lines()
                        .find(|l| l.contains("error"))
                        .unwrap_or("")
                        .trim();
                    let first = first.split_once("error:").map_or(first, |(_, m)| m.trim());
                    return Err(Box::new(Finding::new(
                        &load_error::RULE,
                        path,
                        span,
                        format!("policy does not parse as Rego v1 or v0: {first}"),
                    )));
                }
            }
        }
    };
    Ok((pkg.trim_start_matches("data.").to_string(), v0))
}

/// Uses `if` or `contains` as keywords without importing them (only v1 allows that).
fn v1_style(text: &str) -> bool {
    let code = scrub(text);
    if code.contains("import rego.v1") || code.contains("import future.keywords") {
        return false;
    }
    references(&code)
        .iter()
        .any(|(w, _)| w == "if" || w == "contains")
}

/// `path:LINE:COL` in a regorus error message.
fn error_pos(path: &str, msg: &str) -> Option<Span> {
    let at = msg.find(&format!("{path}:"))? + path.len() + 1;
    let mut it = msg[at..].split(|c: char| !c.is_ascii_digit());
    let line: u32 = it.next()?.parse().ok()?;
    let col: u32 = it.next()?.parse().ok()?;
    Some(point(line, col))
}

pub(crate) fn point(line: u32, col: u32) -> Span {
    let p = Pos { line, col, byte: 0 };
    Span { start: p, end: p }
}

/// The first `# METADATA` block: the comment lines after it, without `# `, as YAML.
fn metadata(path: &str, text: &str) -> Result<Option<Meta>, Box<Finding>> {
    let mut lines = text.lines().enumerate();
    let Some((start, _)) = lines.find(|(_, l)| l.trim() == "# METADATA") else {
        return Ok(None);
    };
    let mut yaml = String::new();
    for (_, l) in lines {
        let Some(rest) = l.trim_start().strip_prefix('#') else {
            break;
        };
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        yaml.push('\n');
    }
    let (file, found) = crate::load::load_bytes(
        path,
        crate::walk::PathKind::Kustomization,
        yaml.as_bytes(),
        &crate::load::LoadOptions::default(),
    );
    let bad = |msg: String, line: u32| {
        Box::new(Finding::new(
            &load_error::RULE,
            path,
            Some(point(start as u32 + 1 + line, 1)),
            msg,
        ))
    };
    if let Some(f) = found.iter().find(|f| f.severity == Severity::Error) {
        let line = f.location.span.map_or(0, |s| s.start.line);
        return Err(bad(format!("invalid METADATA: {}", f.message), line));
    }
    let v = file
        .docs
        .iter()
        .find_map(|d| d.value.clone())
        .unwrap_or(Value::Null);
    let s = |v: &Value| v.as_str().map(|s| s.trim().to_string());
    let custom = &v["custom"];
    let severity = match custom["severity"].as_str().map(str::to_ascii_lowercase) {
        None => None,
        Some(s) => Some(match s.as_str() {
            "error" | "critical" | "high" => Severity::Error,
            "warning" | "medium" | "low" => Severity::Warning,
            "note" | "info" => Severity::Note,
            other => {
                return Err(bad(
                    format!("METADATA `custom.severity: {other}`: use error, warning or note"),
                    1,
                ))
            }
        }),
    };
    Ok(Some(Meta {
        title: s(&v["title"]),
        description: s(&v["description"]),
        id: s(&custom["id"]),
        severity,
        recommended_actions: s(&custom["recommended_actions"]),
        kinds: strings(&custom["kinds"]),
        repo_scope: match custom["scope"].as_str() {
            None | Some("object") => false,
            Some("repo") => true,
            Some(other) => {
                return Err(bad(
                    format!("METADATA `custom.scope: {other}`: use object or repo"),
                    1,
                ))
            }
        },
        related_resources: [&v["related_resources"], &custom["references"]]
            .into_iter()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|r| r.as_str().or_else(|| r["ref"].as_str()).map(String::from))
            .collect(),
        tags: strings(&custom["tags"]),
        sensitive: custom["sensitive"].as_bool().unwrap_or(false),
    }))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().map(String::from))
        .collect()
}

/// The text with comments and string contents blanked (same length, newlines kept), so the
/// call-graph scan below sees only code.
fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                out.push(' ');
                while let Some(&n) = chars.peek() {
                    if n == '\n' {
                        break;
                    }
                    chars.next();
                    out.push(' ');
                }
            }
            '"' | '`' => {
                out.push(c);
                while let Some(n) = chars.next() {
                    if n == c {
                        out.push(c);
                        break;
                    }
                    if n == '\\' && c == '"' {
                        chars.next();
                        out.push_str("  ");
                        continue;
                    }
                    out.push(if n == '\n' { '\n' } else { ' ' });
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn ident_end(s: &str) -> usize {
    s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len())
}

/// Rule and function heads: a line that starts (column 1) with a name. `opa fmt` and every
/// style guide write heads there; an indented head is not seen (its references then count
/// for the rule above, which can only add edges, never hide one).
fn heads(scrubbed: &str) -> Vec<Head> {
    let mut out = Vec::new();
    for (i, line) in scrubbed.lines().enumerate() {
        let first = line.chars().next();
        if !first.is_some_and(|c| c.is_ascii_alphabetic() || c == '_') {
            continue;
        }
        let end = ident_end(line);
        let name = &line[..end];
        if matches!(name, "package" | "import" | "default" | "else") {
            continue;
        }
        out.push(Head {
            name: name.to_string(),
            line: i as u32 + 1,
            function: line[end..].starts_with('('),
        });
    }
    out
}

/// Rejects recursion that goes through a function. What it covers: calls and references by
/// name within a package (across its files), `data.pkg.name` references, and references
/// through `import data.x as y` aliases. Rule-only cycles are left to regorus, which reports
/// them at evaluation as an error. Dynamic references (`data[x]`) are not followed.
/// Returns (policy index, finding) for every policy file taking part in such a cycle.
fn recursion(policies: &[Policy]) -> Vec<(usize, Finding)> {
    // Node: "pkg.name"; where it is defined (first definition) and whether it is a function.
    let mut defs: BTreeMap<String, (usize, u32, bool)> = BTreeMap::new();
    let mut all_defs: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in policies.iter().enumerate() {
        for h in &p.heads {
            let key = format!("{}.{}", p.package, h.name);
            let e = defs.entry(key.clone()).or_insert((i, h.line, h.function));
            e.2 |= h.function;
            all_defs.entry(key).or_default().push(i);
        }
    }
    let mut edges: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for p in policies {
        let scrubbed = scrub(&p.text);
        let lines: Vec<&str> = scrubbed.lines().collect();
        let mut aliases: HashMap<String, String> = HashMap::new();
        for l in &lines {
            let Some(rest) = l.strip_prefix("import ") else {
                continue;
            };
            let mut words = rest.split_whitespace();
            let Some(target) = words.next() else { continue };
            let Some(target) = target.strip_prefix("data.") else {
                continue;
            };
            let alias = match (words.next(), words.next()) {
                (Some("as"), Some(a)) => a.to_string(),
                _ => target.rsplit('.').next().unwrap_or(target).to_string(),
            };
            aliases.insert(alias, target.to_string());
        }
        let mut current: Option<String> = None;
        for (i, line) in lines.iter().enumerate() {
            let mut body: &str = line;
            if let Some(h) = p.heads.iter().find(|h| h.line == i as u32 + 1) {
                current = Some(format!("{}.{}", p.package, h.name));
                body = &line[h.name.len()..];
            } else if line.starts_with("package ")
                || line.starts_with("import ")
                || line.starts_with("default ")
            {
                current = None;
                continue;
            }
            let Some(from) = &current else { continue };
            for (target, call) in references(body) {
                let key = if let Some(rest) = target.strip_prefix("data.") {
                    rest.to_string()
                } else if let Some((first, rest)) = target.split_once('.') {
                    match aliases.get(first) {
                        Some(a) => format!("{a}.{rest}"),
                        None => continue,
                    }
                } else if let Some(a) = aliases.get(&target) {
                    a.clone()
                } else {
                    format!("{}.{}", p.package, target)
                };
                if let Some(&(_, _, function)) = defs.get(&key) {
                    if call || !function {
                        edges.entry(from.clone()).or_default().insert(key);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for scc in cycles(&defs, &edges) {
        let functions: Vec<&String> = scc.iter().filter(|k| defs[*k].2).collect();
        let Some(first) = functions.first() else {
            continue;
        };
        let (idx, line, _) = defs[*first];
        let names: Vec<String> = scc
            .iter()
            .map(|k| k.rsplit('.').next().unwrap_or(k).to_string())
            .collect();
        let msg = if scc.len() == 1 {
            format!(
                "function `{}` calls itself: Rego forbids recursion; policy not loaded",
                names[0]
            )
        } else {
            format!(
                "recursion between {}: Rego forbids recursion; policy not loaded",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let mut files: Vec<usize> = scc.iter().flat_map(|k| all_defs[k].clone()).collect();
        files.sort_unstable();
        files.dedup();
        for f in files {
            let (span, m) = if f == idx {
                (Some(point(line, 1)), msg.clone())
            } else {
                (None, format!("{msg} (see {}:{line})", policies[idx].path))
            };
            out.push((
                f,
                Finding::new(&load_error::RULE, policies[f].path.clone(), span, m),
            ));
        }
    }
    out
}

/// Dotted names in `code`, each with whether it is called (`name(`).
fn references(code: &str) -> Vec<(String, bool)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        let prev_ok = i == 0 || {
            let p = b[i - 1] as char;
            !(p.is_ascii_alphanumeric() || p == '_' || p == '.')
        };
        if (c.is_ascii_alphabetic() || c == '_') && prev_ok {
            let start = i;
            while i < b.len()
                && ((b[i] as char).is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
            {
                i += 1;
            }
            let name = code[start..i].trim_end_matches('.');
            let call = code[i..].trim_start().starts_with('(');
            out.push((name.to_string(), call));
        } else {
            i += 1;
        }
    }
    out
}

/// Strongly connected components that are cycles (more than one node, or a self-loop).
fn cycles(
    defs: &BTreeMap<String, (usize, u32, bool)>,
    edges: &BTreeMap<String, HashSet<String>>,
) -> Vec<Vec<String>> {
    // Tarjan, iteratively (policies are untrusted: no recursion on their shape here either).
    let nodes: Vec<&String> = defs.keys().collect();
    let index_of: HashMap<&String, usize> =
        nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            let mut v: Vec<usize> = edges
                .get(*n)
                .map(|s| s.iter().filter_map(|t| index_of.get(t).copied()).collect())
                .unwrap_or_default();
            v.sort_unstable();
            v
        })
        .collect();
    let n = nodes.len();
    let (mut index, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut next, mut out) = (Vec::new(), 0, Vec::new());
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if *pos == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on[v] = true;
            }
            if *pos < succ[v].len() {
                let w = succ[v][*pos];
                *pos += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 || succ[v].contains(&v) {
                    comp.sort_unstable();
                    out.push(comp.into_iter().map(|i| nodes[i].clone()).collect());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(path: &str, text: &str) -> Policy {
        let (package, rego_v0) = parse(path, text, RegoVersion::Auto)
            .map_err(|f| f.message)
            .unwrap();
        Policy {
            path: path.into(),
            text: text.into(),
            package,
            rego_v0,
            bundled: false,
            test: false,
            meta: None,
            heads: heads(&scrub(text)),
        }
    }

    #[test]
    fn recursion_through_functions_is_found() {
        let direct = policy(
            "a.rego",
            "package a\n\n# f(x) := f(x)\nf(x) := y if {\n  y := f(x + 1)\n}\n",
        );
        let r = recursion(&[direct]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].1.location.span.unwrap().start.line, 4);
        let mutual = policy(
            "b.rego",
            "package b\nimport rego.v1\ng(x) := h(x)\nh(x) := data.b.g(x)\nok(x) := \"f(\" if x\n",
        );
        assert_eq!(recursion(&[mutual]).len(), 1);
        let fine = policy(
            "c.rego",
            "package c\nimport rego.v1\nf(x) := x + 1\ndeny contains msg if {\n  msg := sprintf(\"%d\", [f(1)])\n}\n",
        );
        assert!(recursion(&[fine]).is_empty());
    }

    #[test]
    fn metadata_is_read() {
        let m = metadata(
            "x.rego",
            "# METADATA\n# title: T\n# custom:\n#   id: X-1\n#   severity: warning\npackage x\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(m.id.as_deref(), Some("X-1"));
        assert_eq!(m.severity, Some(Severity::Warning));
        assert_eq!(m.title.as_deref(), Some("T"));
    }
}
