//! The pipeline: walk → load → render → validate → policy → findings.
//! Each stage is a module named after it; this file only wires them together.

use std::collections::{BTreeSet, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diag::{assign_fingerprints, Finding, Location};
use crate::load::{self, FileKind, LoadOptions, SourceFile};
use crate::rules;
use crate::walk::{self, WalkError, WalkOptions};

pub struct CheckOptions {
    /// Canonical repository root.
    pub root: PathBuf,
    /// Canonical paths to check (files or directories under the root).
    pub paths: Vec<PathBuf>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub load: LoadOptions,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    /// How kustomizations may reach files outside their directory.
    pub load_restrictor: crate::render::kustomize::LoadRestrictor,
    /// Render kustomizations (off: YAML checks only).
    pub render: bool,
    /// Validate objects against schemas (`None`: off).
    pub validate: Option<crate::validate::ValidateOptions>,
    /// Evaluate Rego policies (`None`: off).
    pub policy: Option<crate::policy::PolicyOptions>,
    /// Accepted findings (config entries and object annotations).
    pub suppress: crate::suppress::SuppressOptions,
    /// URLs naming this repository in Flux and Argo CD sources (empty: every Git URL).
    pub repository_urls: Vec<String>,
    /// Build and check the GitOps graph (needs `render`).
    pub gitops: bool,
    /// PR mode: check only what these changes affect.
    pub changes: Option<ChangeOptions>,
}

/// PR mode (`--changed-since REV`, `--files`).
pub struct ChangeOptions {
    pub set: crate::changes::ChangeSet,
    /// Report every finding of the affected objects, not only those on changed lines.
    pub report_all: bool,
    /// The configuration file, policy directories and data, schema directories (absolute):
    /// a change there affects every object.
    pub settings: Vec<PathBuf>,
}

/// What PR mode checked, for the summary.
#[derive(Clone, Debug, Default)]
pub struct ChangeStats {
    /// `--changed-since REV`; `None` for `--files`.
    pub since: Option<String>,
    /// Changed files under the root (added, modified, deleted).
    pub changed_files: usize,
    /// Kustomization directories the changes affect (rendered and checked), and all of them.
    pub kustomizations: usize,
    pub total_kustomizations: usize,
    /// Kustomizations rendered only for the policy index.
    pub index_only: usize,
    /// Changed files whose plain manifests were checked.
    pub manifests: usize,
    /// The configuration or a policy changed: everything was checked and reported.
    pub everything: bool,
    /// Every finding of the affected objects is reported (`--report all`, `--files`).
    pub report_all: bool,
    /// Findings of the affected objects left out for not being on a changed line.
    pub hidden: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Files read and parsed.
    pub files: usize,
    pub documents: usize,
    /// Files not parsed: templates, chart templates, unreadable files.
    pub skipped: usize,
    pub bytes: u64,
    /// Kustomization directories rendered, and the objects they produced.
    pub overlays: usize,
    pub rendered_objects: usize,
    /// Objects validated against a schema (plain and rendered).
    pub validated_objects: usize,
    /// Objects evaluated against policies, and single rule evaluations.
    pub policy_objects: usize,
    pub policy_evaluations: usize,
    /// Policy results excepted by conftest `exception` rules.
    pub policy_exceptions: usize,
    /// Findings not reported because a suppression covers them.
    pub suppressed: usize,
    pub elapsed: Duration,
    /// PR mode: what the changes affected.
    pub changes: Option<ChangeStats>,
}

pub struct Outcome {
    /// Sorted by file and position, fingerprinted.
    pub findings: Vec<Finding>,
    pub files: Vec<SourceFile>,
    /// Every kustomization directory that built.
    pub rendered: Vec<crate::render::Rendered>,
    pub stats: Stats,
    /// gitgate itself failed somewhere (a bug): the run must exit 2.
    pub internal_error: bool,
    /// What validation looked at, when it ran.
    pub validation: Option<crate::validate::Report>,
    /// What the policy stage did, when it ran.
    pub policy: Option<crate::policy::Report>,
    /// Which deployers apply what (when rendering ran).
    pub graph: Option<crate::gitops::Graph>,
    /// PR mode: what the changes affect.
    pub scope: Option<crate::changes::Scope>,
}

/// Deep documents recurse in a few places (conversion, rules, drop): give workers room.
const WORKER_STACK: usize = 64 << 20;
/// Nesting beyond this is refused whatever the configuration says.
pub const MAX_DEPTH_CEILING: usize = 10_000;

pub fn thread_pool(jobs: Option<usize>) -> rayon::ThreadPool {
    let mut b = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK);
    if let Some(n) = jobs {
        b = b.num_threads(n.max(1));
    }
    b.build().expect("cannot start worker threads")
}

pub fn check(opts: &CheckOptions) -> Result<Outcome, WalkError> {
    check_with(opts, &crate::progress::Progress::hidden())
}

/// [`check`], showing each stage on `progress` (a terminal's progress line).
pub fn check_with(
    opts: &CheckOptions,
    progress: &crate::progress::Progress,
) -> Result<Outcome, WalkError> {
    let started = Instant::now();
    progress.stage("walking", None);
    let walked = walk::walk(
        &opts.paths,
        &WalkOptions {
            root: opts.root.clone(),
            include: opts.include.clone(),
            exclude: opts.exclude.clone(),
        },
    )?;
    let mut load_opts = opts.load;
    load_opts.max_depth = load_opts.max_depth.clamp(1, MAX_DEPTH_CEILING);

    let pool = thread_pool(opts.jobs);
    progress.stage("loading", Some(walked.candidates.len() as u64));
    let loaded: Vec<(SourceFile, Vec<Finding>, bool)> = pool.install(|| {
        walked
            .candidates
            .par_iter()
            .map(
                |c| match catch_unwind(AssertUnwindSafe(|| load::load_file(c, &load_opts))) {
                    Ok((file, findings)) => (file, findings, false),
                    Err(_) => {
                        let f = Finding::new(
                            &rules::internal::RULE,
                            c.rel.clone(),
                            None,
                            "internal error while loading this file; it was not checked".into(),
                        );
                        (
                            SourceFile::empty(&c.rel, FileKind::Unreadable, 0),
                            vec![f],
                            true,
                        )
                    }
                },
            )
            .inspect(|_| progress.inc())
            .collect()
    });

    let mut findings = walked.findings;
    let mut files = Vec::with_capacity(loaded.len());
    let mut stats = Stats::default();
    let mut internal_error = false;
    for (file, mut f, internal) in loaded {
        internal_error |= internal;
        if file.kind.skipped() {
            stats.skipped += 1;
        } else {
            stats.files += 1;
            stats.documents += file.docs.len();
            stats.bytes += file.bytes;
        }
        findings.append(&mut f);
        files.push(file);
    }
    findings.extend(chart_notes(&walked.charts, &files));
    let indexed = opts.validate.is_some() || opts.policy.is_some();
    let scope = opts
        .changes
        .as_ref()
        .map(|c| crate::changes::scope::scope(&opts.root, &files, &c.set, &c.settings, indexed));
    // In PR mode, only the affected kustomizations (and those the policy index needs).
    let partial = scope.as_ref().filter(|s| s.everything.is_none());
    if opts.render {
        progress.stage("rendering", None);
    }
    let (rendered, render_findings) = if !opts.render {
        (Vec::new(), Vec::new())
    } else if let Some(s) = partial {
        let checked: BTreeSet<String> = s.kustomizations.keys().cloned().collect();
        let root = &opts.root;
        let (mut rendered, found) = pool.install(|| {
            crate::render::render_repo(root, &files, opts.load_restrictor, Some(&checked))
        });
        if !s.index_only.is_empty() {
            // For the index only: their build errors are not this change's.
            let (more, _) = pool.install(|| {
                crate::render::render_repo(root, &files, opts.load_restrictor, Some(&s.index_only))
            });
            rendered.extend(more);
        }
        (rendered, found)
    } else {
        pool.install(|| crate::render::render_repo(&opts.root, &files, opts.load_restrictor, None))
    };
    internal_error |= render_findings
        .iter()
        .any(|f| f.rule == rules::internal::RULE.id);
    if let Some(s) = partial {
        // File findings (YAML, FILE rules) of the files the check covers: the changed ones
        // and those the affected kustomizations read.
        let mut covered: HashSet<&str> = s.manifests.iter().map(String::as_str).collect();
        if let Some(c) = &opts.changes {
            covered.extend(c.set.files.keys().map(String::as_str));
        }
        for r in rendered
            .iter()
            .filter(|r| s.kustomizations.contains_key(&r.dir))
        {
            covered.extend(r.inputs.iter().map(String::as_str));
        }
        findings.retain(|f| {
            f.rule == rules::internal::RULE.id || covered.contains(f.location.path.as_str())
        });
    }
    findings.extend(render_findings);
    stats.overlays = rendered.len();
    stats.rendered_objects = rendered.iter().map(|r| r.resources.len()).sum();
    // The objects later stages check, converted once for all of them.
    let mut objects = if indexed || (opts.render && opts.gitops) {
        pool.install(|| crate::objects::collect(&files, &rendered))
    } else {
        Vec::new()
    };
    if let Some(s) = partial {
        for o in &mut objects {
            o.checked = match &o.origin {
                crate::objects::Origin::Plain { file, .. } => s.manifests.contains(&file.path),
                crate::objects::Origin::Rendered { dir, .. } => s.kustomizations.contains_key(*dir),
            };
        }
    }
    let mut graph = None;
    if opts.render && opts.gitops {
        let stage =
            || crate::gitops::gitops_repo(&opts.root, &files, &objects, &opts.repository_urls);
        let what = "building the GitOps graph; it was not checked";
        if let Some((g, mut f)) = guarded(&pool, what, &mut findings, &mut internal_error, stage) {
            if partial.is_some() {
                // PR mode rendered only part of the repository: objects applied twice and
                // objects nothing applies need all of it. A deployer's path is checked still.
                f.retain(|f| f.rule == rules::gitops::missing_path::RULE.id);
            }
            findings.extend(f);
            graph = Some(g);
        }
    }
    let mut validation = None;
    if let Some(v) = &opts.validate {
        progress.stage("validating", None);
        let stage = || crate::validate::validate_repo(&files, &objects, v);
        let what = "validating; objects were not validated";
        if let Some((f, report)) = guarded(&pool, what, &mut findings, &mut internal_error, stage) {
            findings.extend(f);
            stats.validated_objects = report.objects;
            validation = Some(report);
        }
    }

    let mut policy = None;
    if let Some(p) = &opts.policy {
        progress.stage("evaluating policies", None);
        let stage = || crate::policy::policy_repo(&opts.root, &objects, p);
        let what = "evaluating policies; policies were not evaluated";
        if let Some((f, report)) = guarded(&pool, what, &mut findings, &mut internal_error, stage) {
            internal_error |= f.iter().any(|f| f.rule == rules::internal::RULE.id);
            findings.extend(f);
            stats.policy_objects = report.objects;
            stats.policy_evaluations = report.evaluations;
            stats.policy_exceptions = report.exceptions;
            policy = Some(report);
        }
    }

    if let Some(g) = &graph {
        crate::gitops::annotate(g, &objects, &mut findings);
    }
    stats.suppressed = crate::suppress::apply(&mut findings, &opts.suppress);
    if let (Some(c), Some(s)) = (&opts.changes, &scope) {
        let everything = s.everything.is_some();
        let report_all = c.report_all || everything;
        let before = findings.len();
        if !report_all {
            // Findings on changed lines; a kustomization that no longer builds (a base file
            // deleted or renamed) always, wherever its error points.
            findings.retain(|f| {
                c.set.shows(f)
                    || f.rule == rules::render::build_error::RULE.id
                    || f.rule == rules::internal::RULE.id
            });
        }
        stats.changes = Some(ChangeStats {
            since: match &c.set.source {
                crate::changes::Source::Since(rev) => Some(rev.clone()),
                crate::changes::Source::Files => None,
            },
            changed_files: c.set.files.len(),
            kustomizations: s.kustomizations.len(),
            total_kustomizations: s.total_kustomizations,
            index_only: s.index_only.len(),
            manifests: s.manifests.len(),
            everything,
            report_all,
            hidden: before - findings.len(),
        });
    }

    let by_path: std::collections::HashMap<&str, &SourceFile> =
        files.iter().map(|f| (f.path.as_str(), f)).collect();
    assign_fingerprints(&mut findings, &|loc: &Location| {
        line_text(by_path.get(loc.path.as_str()).copied(), loc)
    });
    stats.elapsed = started.elapsed();
    progress.finish();
    Ok(Outcome {
        findings,
        files,
        rendered,
        stats,
        internal_error,
        validation,
        policy,
        graph,
        scope,
    })
}

/// Runs a stage over the whole repository on the worker pool. A panic (a bug) does not take
/// the run down: it becomes an internal-error finding ("internal error while {what}").
fn guarded<T: Send>(
    pool: &rayon::ThreadPool,
    what: &str,
    findings: &mut Vec<Finding>,
    internal_error: &mut bool,
    stage: impl FnOnce() -> T + Send,
) -> Option<T> {
    let out = catch_unwind(AssertUnwindSafe(|| pool.install(stage))).ok();
    if out.is_none() {
        *internal_error = true;
        findings.push(Finding::new(
            &rules::internal::RULE,
            String::new(),
            None,
            format!("internal error while {what}"),
        ));
    }
    out
}

/// The redacted text of a finding's first line, for fingerprints.
fn line_text(file: Option<&SourceFile>, loc: &Location) -> String {
    let (Some(file), Some(span)) = (file, loc.span) else {
        return String::new();
    };
    let Some(text) = file.text.as_deref() else {
        return String::new();
    };
    let start = text[..span.start.byte.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut line = text[start..end].to_string();
    for r in &file.redactions {
        if r.start < end && r.end > start {
            let (a, b) = (r.start.max(start) - start, r.end.min(end) - start);
            if line.is_char_boundary(a) && line.is_char_boundary(b) {
                line.replace_range(a..b, "*");
            }
        }
    }
    line
}

/// One note per chart whose templates were skipped, at its `Chart.yaml`.
fn chart_notes(charts: &[String], files: &[SourceFile]) -> Vec<Finding> {
    charts
        .iter()
        .filter_map(|chart| {
            let prefix = if chart.is_empty() {
                String::new()
            } else {
                format!("{chart}/")
            };
            let templates = files
                .iter()
                .filter(|f| f.kind == FileKind::HelmTemplate && f.path.starts_with(&prefix))
                .count();
            (templates > 0).then(|| {
                let name = if chart.is_empty() {
                    ".".to_string()
                } else {
                    chart.clone()
                };
                let chart_yaml = format!("{prefix}Chart.yaml");
                let span = files
                    .iter()
                    .find(|f| f.path == chart_yaml)
                    .and_then(|f| f.docs.first())
                    .map(|d| d.span);
                Finding::new(
                    &rules::file::helm_chart::RULE,
                    chart_yaml,
                    span.map(|s| crate::span::Span {
                        start: s.start,
                        end: s.start,
                    }),
                    format!(
                        "Helm chart `{name}`: {templates} template file(s) not rendered or checked"
                    ),
                )
            })
        })
        .collect()
}
