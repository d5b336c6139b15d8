//! The command line: `gitgate check`, `rules`, `explain`. Exit codes: 0 no finding at or above
//! `--fail-on`, 1 findings, 2 usage, configuration or internal error.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{self, FailOn};
use crate::pipeline::{self, CheckOptions};
use crate::report::{
    github::Github, json::Json, junit::Junit, sarif::Sarif, text::Text, Report, Reporter,
};
use crate::rules;

mod parse_only;

#[derive(Parser, Debug)]
#[command(
    name = "gitgate",
    version,
    about = "GitOps linter: checks what Argo CD and Flux will apply, and points at the line to fix"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a repository (or some paths in it).
    Check(CheckArgs),
    /// Render a kustomization directory, as `kubectl kustomize DIR` prints it.
    Render(RenderArgs),
    /// List the built-in rules.
    Rules {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show a rule's full documentation.
    Explain {
        /// Rule id (YAML002) or name (duplicate-key).
        rule: String,
    },
    /// Print which Flux and Argo CD deployers apply what, per cluster.
    Graph(GraphArgs),
    /// Rego policies: `gitgate policy test [DIR]`.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Developer aid: render as a JSON array of documents (no emitter involved).
    #[command(name = "__render-json", hide = true)]
    RenderJson(RenderArgs),
    /// Developer benchmark: parse only, no conversion or rules (see bench/load.sh).
    #[command(name = "__parse-only", hide = true)]
    ParseOnly {
        #[arg(long)]
        jobs: Option<usize>,
        paths: Vec<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Run the `test_*` rules of the bundled library (and of DIR), as `opa test` does.
    Test {
        /// A directory of `.rego` files and their `*_test.rego` files.
        dir: Option<PathBuf>,
        /// Only DIR's tests, not the bundled library's (the helper library is still loaded).
        #[arg(long)]
        no_bundled: bool,
    },
}

#[derive(Args, Debug)]
pub struct RenderArgs {
    /// The kustomization directory.
    pub dir: PathBuf,
    /// LoadRestrictionsRootOnly (kustomize's default) or LoadRestrictionsNone (as Flux and
    /// Argo CD build).
    #[arg(long, default_value = "LoadRestrictionsRootOnly", value_parser = ["LoadRestrictionsRootOnly", "LoadRestrictionsNone", "rootOnly", "none"])]
    pub load_restrictor: String,
    /// Output order: `legacy` (kind order, the default) or `none` (as accumulated).
    #[arg(long, default_value = "legacy", value_parser = ["legacy", "none"])]
    pub reorder: String,
    /// Add the `app.kubernetes.io/managed-by` label.
    #[arg(long)]
    pub enable_managedby_label: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// What `check --format` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
}

impl OutputFormat {
    const ALL: [(&'static str, OutputFormat); 5] = [
        ("text", OutputFormat::Text),
        ("json", OutputFormat::Json),
        ("sarif", OutputFormat::Sarif),
        ("junit", OutputFormat::Junit),
        ("github", OutputFormat::Github),
    ];
}

/// One `--format`: a format, and the file it goes to (`None`: standard output).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub format: OutputFormat,
    pub path: Option<PathBuf>,
}

fn parse_output(s: &str) -> Result<Output, String> {
    let (name, path) = match s.split_once('=') {
        Some((n, "")) => return Err(format!("`{n}=`: the file name is missing")),
        Some((n, p)) => (n, Some(PathBuf::from(p))),
        None => (s, None),
    };
    let format = OutputFormat::ALL
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            format!(
                "unknown format `{name}`; use one of {} (FORMAT, or FORMAT=PATH to write a file)",
                OutputFormat::ALL.map(|(n, _)| n).join(", ")
            )
        })?;
    Ok(Output { format, path })
}

/// The outputs of a run: at most one on standard output; `--output` redirects that one.
fn outputs(formats: &[Output], output: Option<&Path>) -> Result<Vec<Output>, String> {
    let mut outs: Vec<Output> = formats.to_vec();
    if outs.is_empty() {
        outs.push(Output {
            format: OutputFormat::Text,
            path: None,
        });
    }
    let bare = outs.iter().filter(|o| o.path.is_none()).count();
    if bare > 1 {
        return Err(
            "only one --format can go to standard output; give the others a file, e.g.              `--format text --format sarif=gitgate.sarif`"
                .into(),
        );
    }
    if let Some(path) = output {
        let Some(o) = outs.iter_mut().find(|o| o.path.is_none()) else {
            return Err("--output names the file for the --format without `=PATH`, and every --format already has a file".into());
        };
        o.path = Some(path.to_path_buf());
    }
    let mut seen = std::collections::HashSet::new();
    for p in outs.iter().filter_map(|o| o.path.as_ref()) {
        if !seen.insert(p) {
            return Err(format!("two outputs write `{}`", p.display()));
        }
    }
    Ok(outs)
}

/// `--report`: which findings PR mode shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportScope {
    /// Findings on added or changed lines (or whose related locations are).
    Changed,
    /// Every finding of the objects the changes affect.
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Where the repository is and how it is configured (`check`, `graph`).
#[derive(Args, Debug)]
pub struct RepoArgs {
    /// Files or directories to check [default: .]
    pub paths: Vec<PathBuf>,
    /// Repository root: paths in findings are relative to it and `.gitgate.yaml` is read from
    /// it [default: nearest ancestor of the first path with .gitgate.yaml or .git]
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Configuration file [default: <root>/.gitgate.yaml]
    #[arg(long, conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any configuration file.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// How kustomizations may reach files outside their directory.
    #[arg(long, value_enum)]
    pub load_restrictor: Option<config::LoadRestrictorSetting>,
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GraphFormat {
    /// A tree per cluster.
    Text,
    Json,
    /// Graphviz (`gitgate graph --format dot | dot -Tsvg > graph.svg`).
    Dot,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// Only check files matching this glob (repeatable; replaces the config's `include`).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files and directories matching this glob (repeatable; replaces the config's `exclude`).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Output format: text, json, sarif, junit or github; FORMAT=PATH writes a file
    /// (repeatable: one run, several outputs; at most one goes to standard output) [default:
    /// text]
    #[arg(long = "format", value_name = "FORMAT[=PATH]", value_parser = parse_output)]
    pub formats: Vec<Output>,
    /// Write the output that would go to standard output to this file instead.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// SARIF `runAutomationDetails.id`: GitHub code scanning keeps one set of alerts per
    /// category [default: gitgate/]
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,
    /// Lowest severity that makes the run exit 1 [default: error, or the config's `fail-on`]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Colour in text output (also off when NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Worker threads [default: one per core]
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// How kustomizations may reach files outside their directory: root-only (kustomize's
    /// default) or none (as Flux and Argo CD build) [default: root-only, or the config's]
    #[arg(long, value_enum)]
    pub load_restrictor: Option<config::LoadRestrictorSetting>,
    /// Do not render kustomizations (YAML checks only; faster on very large repositories).
    #[arg(long)]
    pub no_render: bool,
    /// PR mode: check only what changed since REV (a branch, tag or commit; `REV...` for
    /// its merge base with HEAD) in the work tree, committed or not, and report findings on
    /// changed lines.
    #[arg(long, value_name = "REV", conflicts_with = "files")]
    pub changed_since: Option<String>,
    /// With --changed-since: `changed` shows findings on changed lines, `all` every finding
    /// of the objects the changes affect [default: changed]
    #[arg(long, value_enum, value_name = "WHAT", requires = "changed_since")]
    pub report: Option<ReportScope>,
    /// The PATHs are changed files (pre-commit passes the staged ones): check what they
    /// affect in the whole repository, and report every finding of it.
    #[arg(long)]
    pub files: bool,
    /// Kubernetes version to validate against, e.g. 1.33 [default: the newest bundled, or the
    /// config's `kubernetes-version`]
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<String>,
    /// Unknown fields are errors [default: true, or the config's `strict`]
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub strict: Option<bool>,
    /// Objects without a schema [default: warning, or the config's `missing-schema`]
    #[arg(long, value_enum)]
    pub missing_schema: Option<crate::validate::MissingSchema>,
    /// Extra JSON schemas named {kind}-{group}-{version}.json (repeatable; adds to the config's)
    #[arg(long, value_name = "DIR")]
    pub schema_dir: Vec<PathBuf>,
    /// Do not validate objects against schemas.
    #[arg(long)]
    pub no_validate: bool,
    /// Rego policy directory, conftest-style `package main` (repeatable; adds to the config's
    /// `policy`).
    #[arg(long = "policy", value_name = "DIR")]
    pub policy_dirs: Vec<PathBuf>,
    /// Do not evaluate policies (neither the bundled library nor --policy).
    #[arg(long)]
    pub no_policy: bool,
    /// Do not check the GitOps graph (GITOPS rules: deployer paths, objects applied twice,
    /// objects nothing applies).
    #[arg(long)]
    pub no_gitops: bool,
    /// Do not run the bundled policy library (user policies still run).
    #[arg(long)]
    pub no_bundled_policies: bool,
    /// Package whose deny/violation/warn rules user policies contribute, as conftest's
    /// `--namespace` (repeatable) [default: main, or the config's `policy-namespace`]
    #[arg(long = "namespace", value_name = "PACKAGE")]
    pub namespaces: Vec<String>,
    /// Every package of the user policies contributes rules (conftest's --all-namespaces).
    #[arg(long)]
    pub all_namespaces: bool,
    /// Rego syntax of your policies: v1, v0, or auto (v1, else v0 per file) [default: auto,
    /// or the config's `rego-version`]
    #[arg(long, value_enum)]
    pub rego_version: Option<crate::policy::load::RegoVersion>,
    /// JSON/YAML file or directory loaded into `data` for policies, as conftest's --data
    /// (repeatable; adds to the config's `policy-data`).
    #[arg(long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// Ignore `gitgate.dev/ignore` annotations (only `suppress:` in .gitgate.yaml counts).
    #[arg(long)]
    pub no_inline_suppressions: bool,
    /// Time limit of one policy rule on one object, in milliseconds [default: 1000, or the
    /// config's `policy-timeout`]
    #[arg(long, value_name = "MS")]
    pub policy_timeout: Option<u64>,
    /// Also print what validation used (CRDs from the repository, CEL rules not checked) on
    /// standard error.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Report and fail only on findings not in this baseline file (matched by fingerprint, so
    /// moved lines still match) [default: the config's `baseline`]
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to this baseline file (created or refreshed); the run then
    /// accepts them all.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Ignore the config's `baseline`.
    #[arg(long, conflicts_with = "baseline")]
    pub no_baseline: bool,
    /// Largest file to read, e.g. 16MiB [default: 16MiB]
    #[arg(long, value_parser = parse_size_arg)]
    pub max_file_size: Option<u64>,
    /// Deepest nesting of collections in a document [default: 256]
    #[arg(long)]
    pub max_depth: Option<usize>,
    /// Most nodes alias expansion may produce in one document [default: 100000]
    #[arg(long)]
    pub max_alias_nodes: Option<usize>,
}

/// Validation settings: command line over `.gitgate.yaml` over defaults.
fn validate_options(
    args: &CheckArgs,
    cfg: &config::Config,
    root: &std::path::Path,
) -> Result<crate::validate::ValidateOptions, String> {
    let bundle = crate::schemas::bundle();
    let wanted = args
        .kubernetes_version
        .clone()
        .or_else(|| cfg.kubernetes_version.clone());
    let kubernetes_version = match wanted {
        None => bundle.newest_kubernetes().to_string(),
        Some(v) => {
            // Accept `1.33`, `v1.33` and `1.33.2`.
            let t = v.trim().trim_start_matches('v');
            let minor: String = t.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
            if !bundle.has_kubernetes(&minor) {
                return Err(format!(
                    "Kubernetes version `{v}` is not bundled; use one of {}",
                    bundle.kubernetes_versions().join(", ")
                ));
            }
            minor
        }
    };
    let mut schema_dirs: Vec<PathBuf> = cfg
        .schema_dir
        .iter()
        .flatten()
        .map(|d| root.join(d))
        .collect();
    schema_dirs.extend(args.schema_dir.iter().cloned());
    for d in &schema_dirs {
        if !d.is_dir() {
            return Err(format!("schema directory `{}` does not exist", d.display()));
        }
    }
    Ok(crate::validate::ValidateOptions {
        kubernetes_version,
        strict: args.strict.or(cfg.strict).unwrap_or(true),
        missing_schema: args
            .missing_schema
            .or(cfg.missing_schema)
            .unwrap_or(crate::validate::MissingSchema::Warning),
        schema_dirs,
    })
}

/// Policy settings: command line over `.gitgate.yaml` over defaults.
fn policy_options(
    args: &CheckArgs,
    cfg: &config::Config,
    root: &Path,
    kubernetes_version: Option<&str>,
) -> Result<Option<crate::policy::PolicyOptions>, String> {
    if args.no_policy {
        return Ok(None);
    }
    let mut dirs: Vec<PathBuf> = cfg.policy.iter().flatten().map(|d| root.join(d)).collect();
    dirs.extend(args.policy_dirs.iter().cloned());
    let dirs = dirs
        .iter()
        .map(|d| {
            if d.exists() {
                canonical(d)
            } else {
                Err(format!("policy directory `{}` does not exist", d.display()))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut opts = crate::policy::PolicyOptions {
        dirs,
        bundled: !args.no_bundled_policies && cfg.bundled_policies.unwrap_or(true),
        ..Default::default()
    };
    if args.all_namespaces || cfg.policy_all_namespaces == Some(true) {
        opts.namespaces = None;
    } else if !args.namespaces.is_empty() {
        opts.namespaces = Some(args.namespaces.clone());
    } else if let Some(ns) = &cfg.policy_namespace {
        opts.namespaces = Some(ns.clone());
    }
    if let Some(v) = kubernetes_version {
        opts.kubernetes_version = v.to_string();
    }
    if let Some(ms) = args.policy_timeout.or(cfg.policy_timeout) {
        opts.timeout = std::time::Duration::from_millis(ms.max(1));
    }
    if let Some(envs) = &cfg.environments {
        opts.environments = crate::policy::context::Environments::new(&envs.0)?;
    }
    opts.params = cfg.policy_parameters.clone().unwrap_or_default();
    opts.param_spans = cfg.spans.parameters.clone();
    opts.config_file = cfg.spans.file.clone();
    let mut data: Vec<PathBuf> = cfg
        .policy_data
        .iter()
        .flatten()
        .map(|d| root.join(d))
        .collect();
    data.extend(args.data.iter().cloned());
    for d in &data {
        if !d.exists() {
            return Err(format!("policy data `{}` does not exist", d.display()));
        }
    }
    opts.data = data;
    opts.rego_version = args.rego_version.or(cfg.rego_version).unwrap_or_default();
    Ok(Some(opts))
}

fn parse_size_arg(s: &str) -> Result<u64, String> {
    config::parse_size(s)
}

/// Entry point; never panics outward (a panic is reported as an internal error, exit 2).
pub fn main() -> ExitCode {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(code) => code,
        Err(_) => ExitCode::from(2),
    }
}

/// Panic payloads may quote file content, and file content may be a secret: print only where
/// in gitgate it happened.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("gitgate: internal error{at}; please report it");
    }));
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => match check(args) {
            Ok(code) => code,
            Err(msg) => {
                eprintln!("gitgate: error: {msg}");
                ExitCode::from(2)
            }
        },
        Command::Graph(args) => match graph(args) {
            Ok(code) => code,
            Err(msg) => {
                eprintln!("gitgate: error: {msg}");
                ExitCode::from(2)
            }
        },
        Command::Render(args) => render(args, false),
        Command::RenderJson(args) => render(args, true),
        Command::Rules { format } => {
            list_rules(format);
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match rules::find(&rule) {
            Some(r) => {
                println!("# {} ({}): {}\n", r.id, r.name, r.summary);
                println!("Default severity: {}\n", r.severity.as_str());
                println!("{}", r.documentation().trim_end());
                ExitCode::SUCCESS
            }
            None => match crate::policy::bundled_docs()
                .into_iter()
                .find(|d| d.id.eq_ignore_ascii_case(&rule) || d.name == rule)
            {
                Some(d) => {
                    println!("# {} ({}): {}\n", d.id, d.name, d.title);
                    println!("Default severity: {}\n", d.severity.as_str());
                    println!("{}", d.documentation());
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!("gitgate: error: no rule `{rule}`; `gitgate rules` lists them");
                    ExitCode::from(2)
                }
            },
        },
        Command::ParseOnly { jobs, paths } => parse_only::run(jobs, &paths),
        Command::Policy(PolicyCommand::Test { dir, no_bundled }) => {
            let mut out = std::io::stdout().lock();
            if crate::policy::test_command(dir.as_deref(), !no_bundled, &mut out) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn render(args: RenderArgs, json: bool) -> ExitCode {
    use crate::render::kustomize::{
        build, output_nodes, render_to_string, LoadRestrictor, Options, Reorder,
    };
    let opts = Options {
        load_restrictor: match args.load_restrictor.as_str() {
            "LoadRestrictionsNone" | "none" => LoadRestrictor::None,
            _ => LoadRestrictor::RootOnly,
        },
        reorder: if args.reorder == "none" {
            Reorder::None
        } else {
            Reorder::Legacy
        },
        managed_by_label: args.enable_managedby_label,
        display_root: std::env::current_dir()
            .ok()
            .and_then(|d| std::fs::canonicalize(d).ok()),
    };
    if json {
        let out = build(&args.dir, &opts).and_then(|(r, _)| output_nodes(&r));
        return match out {
            Ok(nodes) => {
                let v: Vec<_> = nodes.iter().map(|n| n.to_json()).collect();
                println!("{}", serde_json::Value::Array(v));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("gitgate: error: {e}");
                ExitCode::from(1)
            }
        };
    }
    match render_to_string(&args.dir, &opts) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gitgate: error: {e}");
            ExitCode::from(1)
        }
    }
}

fn list_rules(format: Format) {
    match format {
        Format::Text => {
            let policies = crate::policy::bundled_docs();
            let id_width = rules::ALL
                .iter()
                .map(|r| r.id.len())
                .chain(policies.iter().map(|d| d.id.len()))
                .max()
                .unwrap_or(8);
            for r in rules::ALL {
                println!(
                    "{:<id_width$} {:<8} {:<26} {}",
                    r.id,
                    r.severity.as_str(),
                    r.name,
                    r.summary
                );
            }
            for d in policies {
                println!(
                    "{:<id_width$} {:<8} {:<26} {}",
                    d.id,
                    d.severity.as_str(),
                    d.name,
                    d.title
                );
            }
        }
        Format::Json => {
            let mut v: Vec<_> = rules::ALL
                .iter()
                .map(|r| {
                    serde_json::json!({"id": r.id, "name": r.name, "severity": r.severity,
                        "summary": r.summary, "help": r.fix, "documentation": r.documentation()})
                })
                .collect();
            v.extend(crate::policy::bundled_docs().into_iter().map(|d| {
                serde_json::json!({"id": d.id, "name": d.name, "severity": d.severity,
                    "summary": d.title, "help": d.recommended_actions,
                    "documentation": d.documentation(), "policy": d.path})
            }));
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
    }
}

/// `--verbose` in PR mode: what changed and what it affects.
fn print_scope(s: &crate::changes::Scope, set: &crate::changes::ChangeSet) {
    use crate::changes::Status;
    for (path, c) in &set.files {
        let how = match &c.status {
            Status::Added { from: Some(f) } => format!("renamed from {f}"),
            Status::Added { from: None } => "added".into(),
            Status::Modified => "modified".into(),
            Status::Deleted => "deleted".into(),
        };
        eprintln!("gitgate: changed: {path} ({how})");
    }
    for p in &set.outside {
        eprintln!("gitgate: changed outside the root: {}", p.display());
    }
    if let Some(why) = &s.everything {
        eprintln!("gitgate: checking everything: {why}");
        return;
    }
    for (dir, why) in &s.kustomizations {
        let dir = if dir.is_empty() { "." } else { dir };
        eprintln!("gitgate: affected kustomization {dir} (reads {why})");
    }
    for dir in &s.index_only {
        let dir = if dir.is_empty() { "." } else { dir };
        eprintln!("gitgate: rendered for the policy index only: {dir}");
    }
}

fn canonical(p: &Path) -> Result<PathBuf, String> {
    std::fs::canonicalize(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))
}

/// The Git work tree holding the root (the root itself when there is none), and the root's
/// path in it (`deploy/`, or empty).
fn checkout(root: &Path) -> (PathBuf, String) {
    let Some(top) = root.ancestors().find(|d| d.join(".git").exists()) else {
        return (root.to_path_buf(), String::new());
    };
    let prefix = crate::walk::relative(top, root)
        .filter(|rel| !rel.is_empty())
        .map(|rel| format!("{rel}/"))
        .unwrap_or_default();
    (top.to_path_buf(), prefix)
}

/// A path as the user wrote it, for messages.
fn shown_path(p: &Path) -> &str {
    p.to_str().unwrap_or("baseline")
}

/// The baseline in effect: `--baseline`, else the config's `baseline` (relative to the root),
/// unless `--no-baseline`. A missing file is an error, except the one `--write-baseline` is
/// about to create.
fn read_baseline(
    args: &CheckArgs,
    cfg: &config::Config,
    root: &Path,
) -> Result<Option<crate::baseline::Baseline>, String> {
    let (path, display) = match (&args.baseline, &cfg.baseline) {
        _ if args.no_baseline => return Ok(None),
        (Some(p), _) => (p.clone(), shown_path(p).to_string()),
        (None, Some(p)) => (root.join(p), p.clone()),
        (None, None) => return Ok(None),
    };
    match crate::baseline::load(&path, &display) {
        Ok(b) => Ok(Some(b)),
        Err(e)
            if e.missing
                && args
                    .write_baseline
                    .as_deref()
                    .is_some_and(|w| same_file(w, &path)) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Whether two paths (either may not exist yet) name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    let abs = |p: &Path| {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        match (
            p.parent().and_then(|d| std::fs::canonicalize(d).ok()),
            p.file_name(),
        ) {
            (Some(d), Some(n)) => d.join(n),
            _ => p,
        }
    };
    abs(a) == abs(b)
}

/// The nearest ancestor (or the directory itself) holding `.gitgate.yaml` or `.git`.
fn find_root(start: &Path) -> PathBuf {
    let dir = if start.is_dir() {
        start
    } else {
        start.parent().unwrap_or(start)
    };
    dir.ancestors()
        .find(|d| config::discover(d).is_some() || d.join(".git").exists())
        .unwrap_or(dir)
        .to_path_buf()
}

/// The canonical paths to check, the repository root, the configuration file and its
/// contents. `files`: `paths` are changed files (possibly deleted; `--files`): the repository
/// is found from the first one that exists (or its directory), and checked whole.
fn resolve(
    paths: &[PathBuf],
    root: Option<&Path>,
    config: Option<&Path>,
    no_config: bool,
    files: bool,
) -> Result<(Vec<PathBuf>, PathBuf, Option<PathBuf>, config::Config), String> {
    let mut paths: Vec<PathBuf> = if files {
        if paths.is_empty() {
            return Err("--files needs the changed files as PATHs".into());
        }
        let start = paths
            .iter()
            .find_map(|p| {
                std::fs::canonicalize(p)
                    .ok()
                    .or_else(|| p.parent().and_then(|d| std::fs::canonicalize(d).ok()))
            })
            .map_or_else(|| canonical(Path::new(".")), Ok)?;
        vec![start]
    } else if paths.is_empty() {
        vec![canonical(Path::new("."))?]
    } else {
        paths
            .iter()
            .map(|p| canonical(p))
            .collect::<Result<_, _>>()?
    };
    let root = match root {
        Some(r) => canonical(r)?,
        None => find_root(&paths[0]),
    };
    if files {
        paths = vec![root.clone()];
    }
    let config_path = match (config, no_config) {
        (_, true) => None,
        (Some(p), _) => Some(p.to_path_buf()),
        (None, false) => config::discover(&root),
    };
    let cfg = match &config_path {
        Some(p) => {
            let shown = crate::walk::relative(&root, &canonical(p)?)
                .unwrap_or_else(|| p.display().to_string());
            config::load(p, &shown).map_err(|e| e.to_string())?
        }
        None => config::Config::default(),
    };
    Ok((paths, root, config_path, cfg))
}

/// `gitgate graph`: load and render, then print which deployer applies what.
fn graph(args: GraphArgs) -> Result<ExitCode, String> {
    let (paths, root, _, cfg) = resolve(
        &args.repo.paths,
        args.repo.root.as_deref(),
        args.repo.config.as_deref(),
        args.repo.no_config,
        false,
    )?;
    let opts = CheckOptions {
        root,
        paths,
        include: cfg.include.clone().unwrap_or_default(),
        exclude: cfg.exclude.clone().unwrap_or_default(),
        load: cfg.load_options(),
        jobs: None,
        load_restrictor: args
            .load_restrictor
            .or(cfg.load_restrictor)
            .unwrap_or(config::LoadRestrictorSetting::RootOnly)
            .restrictor(),
        render: true,
        validate: None,
        policy: None,
        suppress: crate::suppress::SuppressOptions::default(),
        repository_urls: cfg.repository_urls.clone().unwrap_or_default(),
        gitops: true,
        changes: None,
    };
    let outcome = pipeline::check(&opts).map_err(|e| e.to_string())?;
    let graph = outcome.graph.unwrap_or_default();
    let text = match args.format {
        GraphFormat::Text => crate::gitops::print::text(&graph),
        GraphFormat::Json => crate::gitops::print::json(&graph),
        GraphFormat::Dot => crate::gitops::print::dot(&graph),
    };
    // A closed pipe (`gitgate graph | head`) is not an error.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    Ok(if outcome.internal_error {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn check(args: CheckArgs) -> Result<ExitCode, String> {
    let outs = outputs(&args.formats, args.output.as_deref())?;
    let (paths, root, config_path, cfg) = resolve(
        &args.repo.paths,
        args.repo.root.as_deref(),
        args.repo.config.as_deref(),
        args.repo.no_config,
        args.files,
    )?;
    let mut load = cfg.load_options();
    if let Some(n) = args.max_file_size {
        load.max_file_size = n;
    }
    if let Some(n) = args.max_depth {
        load.max_depth = n;
    }
    if let Some(n) = args.max_alias_nodes {
        load.max_alias_nodes = n;
    }
    let pick = |cli: Vec<String>, file: Option<Vec<String>>| {
        if cli.is_empty() {
            file.unwrap_or_default()
        } else {
            cli
        }
    };
    let validate = if args.no_validate {
        None
    } else {
        Some(validate_options(&args, &cfg, &root)?)
    };
    let policy = policy_options(
        &args,
        &cfg,
        &root,
        validate.as_ref().map(|v| v.kubernetes_version.as_str()),
    )?;
    // Read the baseline before the run: a missing or broken one fails fast.
    let old_baseline = read_baseline(&args, &cfg, &root)?;
    let mut opts = CheckOptions {
        root,
        paths,
        include: pick(args.include, cfg.include),
        exclude: pick(args.exclude, cfg.exclude),
        load,
        jobs: args.jobs,
        load_restrictor: args
            .load_restrictor
            .or(cfg.load_restrictor)
            .unwrap_or(config::LoadRestrictorSetting::RootOnly)
            .restrictor(),
        render: !args.no_render,
        validate,
        policy,
        suppress: crate::suppress::SuppressOptions {
            entries: cfg.suppress.clone().unwrap_or_default(),
            spans: cfg.spans.suppress.clone(),
            config_file: cfg.spans.file.clone(),
            inline: !args.no_inline_suppressions && cfg.inline_suppressions.unwrap_or(true),
            today: crate::suppress::today(),
        },
        repository_urls: cfg.repository_urls.clone().unwrap_or_default(),
        gitops: !args.no_gitops,
        changes: None,
    };
    let fail_on = args.fail_on.or(cfg.fail_on).unwrap_or(FailOn::Error);
    if args.changed_since.is_some() || args.files {
        // A change to any of these affects every object.
        let mut settings: Vec<PathBuf> = config_path
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        if let Some(p) = &opts.policy {
            settings.extend(p.dirs.iter().cloned());
            settings.extend(p.data.iter().filter_map(|d| std::fs::canonicalize(d).ok()));
        }
        if let Some(v) = &opts.validate {
            settings.extend(
                v.schema_dirs
                    .iter()
                    .filter_map(|d| std::fs::canonicalize(d).ok()),
            );
        }
        let set = match &args.changed_since {
            Some(rev) => crate::changes::ChangeSet::since(&opts.root, rev, &settings)?,
            None => crate::changes::ChangeSet::from_files(&opts.root, &args.repo.paths)?,
        };
        opts.changes = Some(pipeline::ChangeOptions {
            set,
            report_all: args.files || args.report == Some(ReportScope::All),
            settings,
        });
    }
    let progress = crate::progress::Progress::for_stderr();
    let mut outcome = pipeline::check_with(&opts, &progress).map_err(|e| e.to_string())?;
    drop(progress);
    let findings = std::mem::take(&mut outcome.findings);
    let write_to = args
        .write_baseline
        .as_ref()
        .map(|p| crate::baseline::WriteTo {
            path: p,
            display: shown_path(p),
        });
    let (findings, baseline) = crate::baseline::apply(findings, old_baseline, write_to)?;
    if let Some(b) = baseline.as_ref().filter(|b| b.written) {
        eprintln!(
            "gitgate: wrote baseline `{}`: {} finding{} ({} added, {} fixed and dropped)",
            b.file,
            b.unchanged.len(),
            if b.unchanged.len() == 1 { "" } else { "s" },
            b.added,
            b.fixed.len()
        );
    }
    if args.verbose {
        if let (Some(s), Some(c)) = (&outcome.scope, &opts.changes) {
            print_scope(s, &c.set);
        }
        if let Some(p) = &outcome.policy {
            eprintln!(
                "gitgate: {} policy rules from {} files on {} objects: {} evaluations in {:.1} ms",
                p.rules,
                p.policies,
                p.objects,
                p.evaluations,
                p.eval_time.as_secs_f64() * 1000.0
            );
            let slowest: Vec<String> = p
                .rule_times
                .iter()
                .take(5)
                .map(|(rule, t)| format!("{rule} {:.1} ms", t.as_secs_f64() * 1000.0))
                .collect();
            if !slowest.is_empty() {
                eprintln!(
                    "gitgate: slowest policy rules (CPU time): {}",
                    slowest.join(", ")
                );
            }
        }
        if let (Some(v), Some(r)) = (&opts.validate, &outcome.validation) {
            eprintln!(
                "gitgate: validated {} objects against Kubernetes {} ({}strict)",
                r.objects,
                v.kubernetes_version,
                if v.strict { "" } else { "not " }
            );
            for (key, path, cel) in &r.repo_crds {
                eprintln!("gitgate: schema for {key} from {path}");
                if *cel > 0 {
                    eprintln!(
                        "gitgate:   {cel} CEL rule(s) (x-kubernetes-validations) not checked"
                    );
                }
            }
        }
    }
    let (checkout_root, prefix) = checkout(&opts.root);
    let policy_docs = outcome
        .policy
        .as_ref()
        .map(|p| p.docs.as_slice())
        .unwrap_or_default();
    let report = Report {
        findings: &findings,
        files: &outcome.files,
        stats: &outcome.stats,
        fail_on,
        policy_docs,
        checkout_prefix: &prefix,
        baseline: baseline.as_ref(),
    };
    let stdout = std::io::stdout();
    let mut failed_write = false;
    for o in &outs {
        let color = match (args.color, &o.path) {
            (Color::Always, _) => true,
            (Color::Never, _) | (Color::Auto, Some(_)) => false,
            (Color::Auto, None) => {
                stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let reporter: Box<dyn Reporter> = match o.format {
            OutputFormat::Text => Box::new(Text { color }),
            OutputFormat::Json => Box::new(Json),
            OutputFormat::Sarif => Box::new(Sarif {
                category: args
                    .sarif_category
                    .clone()
                    .unwrap_or_else(|| crate::report::sarif::DEFAULT_CATEGORY.into()),
                root: Some(checkout_root.clone()),
                ..Sarif::default()
            }),
            OutputFormat::Junit => Box::new(Junit),
            OutputFormat::Github => Box::new(Github::from_env()),
        };
        let res = match &o.path {
            None => {
                let mut out = std::io::BufWriter::new(stdout.lock());
                match reporter.write(&report, &mut out).and_then(|_| out.flush()) {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    r => r.map_err(|e| format!("cannot write the report: {e}")),
                }
            }
            Some(path) => std::fs::File::create(path)
                .and_then(|f| {
                    let mut out = std::io::BufWriter::new(f);
                    reporter.write(&report, &mut out)?;
                    out.flush()
                })
                .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        };
        if let Err(e) = res {
            // Write the other outputs anyway; report the first failure.
            eprintln!("gitgate: error: {e}");
            failed_write = true;
        }
    }
    if failed_write {
        return Ok(ExitCode::from(2));
    }
    Ok(if outcome.internal_error {
        ExitCode::from(2)
    } else if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
