//! `.gitgate.yaml`: the same settings as the command line, for the whole repository.
//! The command line wins over the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::load::tree::PathSeg;
use crate::load::{self, DocClass, LoadOptions};
use crate::walk::PathKind;

/// Names searched at the repository root, in order.
pub const FILE_NAMES: &[&str] = &[".gitgate.yaml", ".gitgate.yml"];

/// The lowest severity that makes the run fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Note => "note",
            FailOn::Never => "never",
        }
    }

    pub fn fails(self, s: crate::diag::Severity) -> bool {
        use crate::diag::Severity::*;
        match self {
            FailOn::Never => false,
            FailOn::Note => true,
            FailOn::Warning => matches!(s, Warning | Error),
            FailOn::Error => s == Error,
        }
    }
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Only files matching one of these globs are checked.
    pub include: Option<Vec<String>>,
    /// Files and directories matching these globs are skipped.
    pub exclude: Option<Vec<String>>,
    pub fail_on: Option<FailOn>,
    /// How kustomizations may reach files outside their directory: `root-only` (kustomize's
    /// default) or `none` (as Flux and Argo CD build).
    pub load_restrictor: Option<LoadRestrictorSetting>,
    /// Kubernetes version to validate against (`"1.33"`); default the newest bundled.
    pub kubernetes_version: Option<String>,
    /// Unknown fields are errors (default true).
    pub strict: Option<bool>,
    /// Objects without a schema: `error`, `warning` (default) or `off`.
    pub missing_schema: Option<crate::validate::MissingSchema>,
    /// Extra JSON schemas, kubeconform layout; relative to the repository root.
    pub schema_dir: Option<Vec<String>>,
    /// Rego policy directories (conftest-style `package main`); relative to the root.
    pub policy: Option<Vec<String>>,
    /// Run the bundled policy library (default true).
    pub bundled_policies: Option<bool>,
    /// Packages whose rules user policies contribute (default `[main]`).
    pub policy_namespace: Option<Vec<String>>,
    /// Every package of the user policies contributes rules.
    pub policy_all_namespaces: Option<bool>,
    /// Rego syntax of user policies: `auto` (default), `v0` or `v1`.
    pub rego_version: Option<crate::policy::load::RegoVersion>,
    /// JSON/YAML files or directories loaded into `data`, as conftest's `--data`.
    pub policy_data: Option<Vec<String>>,
    /// Parameters of the bundled rules (`lib.param`), e.g. `flux-min-interval: 1m`.
    pub policy_parameters: Option<serde_json::Map<String, serde_json::Value>>,
    /// Environment name → path globs (first match wins), over the conventions.
    pub environments: Option<EnvironmentGlobs>,
    /// Findings not to report: rule, path glob, optional object selector, reason, until.
    pub suppress: Option<Vec<Suppression>>,
    /// Honour `gitgate.dev/ignore` annotations on objects (default true).
    pub inline_suppressions: Option<bool>,
    /// URLs of this repository as Flux `GitRepository` / Argo CD `repoURL` name it; sources
    /// with other URLs are other repositories (not checked). Default: every Git URL is this
    /// repository (a monorepo).
    pub repository_urls: Option<Vec<String>>,
    /// Where each `policy-parameters` key and `suppress` entry is, for findings about them.
    #[serde(skip)]
    pub spans: ConfigSpans,
    /// Execution time limit of one policy rule on one object, in milliseconds (default 1000).
    pub policy_timeout: Option<u64>,
    /// Baseline file (relative to the root): only findings not in it are reported and fail.
    pub baseline: Option<String>,
    #[serde(default)]
    pub limits: LimitsConfig,
}

/// Locations in the config file (display path and spans), filled in by [`load`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConfigSpans {
    pub file: String,
    pub parameters: Vec<(String, crate::span::Span)>,
    pub suppress: Vec<crate::span::Span>,
}

/// `environments:` in file order (a map whose order matters).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EnvironmentGlobs(pub Vec<(String, Vec<String>)>);

impl<'de> Deserialize<'de> for EnvironmentGlobs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // serde_json's map keeps insertion order (preserve_order).
        let m = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let mut out = Vec::new();
        for (name, v) in m {
            let globs = match v {
                serde_json::Value::String(s) => vec![s],
                v => Vec::<String>::deserialize(v).map_err(|_| {
                    serde::de::Error::custom(format!(
                        "environment `{name}`: expected a glob or a list of globs"
                    ))
                })?,
            };
            out.push((name, globs));
        }
        Ok(EnvironmentGlobs(out))
    }
}

/// One `suppress:` entry.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Suppression {
    /// Rule id (`GG-FLUX-001`, `SCHEMA002`); `*` for every rule.
    pub rule: String,
    /// Glob over the finding's file path (default every file).
    pub path: Option<String>,
    /// Only findings on objects of this kind / name / namespace (globs).
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// Why it is accepted: required.
    pub reason: String,
    /// `YYYY-MM-DD`: the suppression stops applying after this day.
    pub until: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum LoadRestrictorSetting {
    RootOnly,
    None,
}

impl LoadRestrictorSetting {
    pub fn restrictor(self) -> crate::render::kustomize::LoadRestrictor {
        match self {
            LoadRestrictorSetting::RootOnly => crate::render::kustomize::LoadRestrictor::RootOnly,
            LoadRestrictorSetting::None => crate::render::kustomize::LoadRestrictor::None,
        }
    }
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsConfig {
    pub max_file_size: Option<Size>,
    pub max_depth: Option<usize>,
    pub max_alias_nodes: Option<usize>,
}

/// A byte size: a number, or a string such as `16MiB`, `500KB`, `1G`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size(pub u64);

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            N(u64),
            S(String),
        }
        match Repr::deserialize(d)? {
            Repr::N(n) => Ok(Size(n)),
            Repr::S(s) => parse_size(&s).map(Size).map_err(serde::de::Error::custom),
        }
    }
}

/// Parses `16MiB`, `16MB`, `16M`, `1024` (bytes). Binary and decimal units both mean powers of
/// 1024, as most users expect of file sizes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid size `{s}` (expected e.g. 16MiB)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "invalid size unit in `{s}` (use B, KiB, MiB or GiB)"
            ))
        }
    };
    Ok((n * mult as f64) as u64)
}

/// A configuration error, at file:line:col when it comes from the file.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The config file at the root, if any.
pub fn discover(root: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|n| root.join(n))
        .find(|p| p.is_file())
}

/// Reads a config file; errors name the file, line and column of the offending key.
pub fn load(path: &Path, display: &str) -> Result<Config, ConfigError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ConfigError(format!("{display}: cannot read config: {e}")))?;
    let (file, findings) = load::load_bytes(
        display,
        PathKind::Kustomization,
        &bytes,
        &LoadOptions::default(),
    );
    if let Some(f) = findings
        .iter()
        .find(|f| f.severity == crate::diag::Severity::Error)
    {
        let at = f
            .location
            .span
            .map(|s| format!(":{}:{}", s.start.line, s.start.col))
            .unwrap_or_default();
        return Err(ConfigError(format!("{display}{at}: {}", f.message)));
    }
    let Some(doc) = file.docs.iter().find(|d| d.class != DocClass::Empty) else {
        return Ok(Config::default());
    };
    let value = doc.value.clone().unwrap_or_default();
    let mut cfg = parse(doc, value, display)?;
    let at = |path: Vec<PathSeg>| doc.locate(&path).map(|l| l.caret());
    let key = |k: &str| PathSeg::Key(k.into());
    cfg.spans.file = display.to_string();
    for name in cfg.policy_parameters.iter().flatten().map(|(k, _)| k) {
        if let Some(s) = at(vec![key("policy-parameters"), key(name)]) {
            cfg.spans.parameters.push((name.clone(), s));
        }
    }
    let bad = |path: Vec<PathSeg>, msg: String| {
        let at = at(path)
            .map(|s| format!(":{}:{}", s.start.line, s.start.col))
            .unwrap_or_default();
        ConfigError(format!("{display}{at}: {msg}"))
    };
    for (i, s) in cfg.suppress.iter().flatten().enumerate() {
        let entry = vec![key("suppress"), PathSeg::Index(i)];
        cfg.spans
            .suppress
            .push(at(entry.clone()).unwrap_or_default());
        if s.reason.trim().is_empty() {
            let mut p = entry.clone();
            p.push(key("reason"));
            return Err(bad(p, "a suppression needs a reason".into()));
        }
        if let Some(u) = &s.until {
            if crate::suppress::parse_date(u).is_none() {
                let mut p = entry.clone();
                p.push(key("until"));
                return Err(bad(p, format!("`until: {u}` is not a date (YYYY-MM-DD)")));
            }
        }
        for (field, glob) in [
            ("path", &s.path),
            ("kind", &s.kind),
            ("name", &s.name),
            ("namespace", &s.namespace),
        ] {
            if let Some(g) = glob {
                if let Err(e) = globset::Glob::new(g) {
                    let mut p = entry.clone();
                    p.push(key(field));
                    return Err(bad(p, format!("invalid glob `{g}`: {e}")));
                }
            }
        }
    }
    if let Some(envs) = &cfg.environments {
        if let Err(e) = crate::policy::context::Environments::new(&envs.0) {
            return Err(bad(vec![key("environments")], e));
        }
    }
    Ok(cfg)
}

fn parse(
    doc: &crate::load::Document,
    value: serde_json::Value,
    display: &str,
) -> Result<Config, ConfigError> {
    serde_path_to_error::deserialize::<_, Config>(value).map_err(|e| {
        let path: Vec<PathSeg> = e
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Map { key } => Some(PathSeg::Key(key.clone())),
                serde_path_to_error::Segment::Seq { index } => Some(PathSeg::Index(*index)),
                _ => None,
            })
            .collect();
        let at = doc
            .locate_nearest(&path)
            .map(|(l, _)| l.caret())
            .map(|s| format!(":{}:{}", s.start.line, s.start.col))
            .unwrap_or_default();
        let field = crate::load::tree::display_path(&path);
        let field = if field.is_empty() {
            String::new()
        } else {
            format!(" (at `{field}`)")
        };
        ConfigError(format!("{display}{at}: {}{field}", e.inner()))
    })
}

impl Config {
    /// Applies the file's limits over the defaults.
    pub fn load_options(&self) -> LoadOptions {
        let d = LoadOptions::default();
        LoadOptions {
            max_file_size: self.limits.max_file_size.map_or(d.max_file_size, |s| s.0),
            max_depth: self.limits.max_depth.unwrap_or(d.max_depth),
            max_alias_nodes: self.limits.max_alias_nodes.unwrap_or(d.max_alias_nodes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("500 KB"), Ok(500 << 10));
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert!(parse_size("12 parsecs").is_err());
    }

    #[test]
    fn errors_point_at_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".gitgate.yaml");
        std::fs::write(&p, "exclude: [a]\nlimits:\n  max-depht: 3\n").unwrap();
        let err = load(&p, ".gitgate.yaml").unwrap_err().0;
        assert!(
            err.starts_with(".gitgate.yaml:3:3: unknown field `max-depht`"),
            "{err}"
        );
        std::fs::write(&p, "fail-on: sometimes\n").unwrap();
        let err = load(&p, ".gitgate.yaml").unwrap_err().0;
        assert!(
            err.starts_with(".gitgate.yaml:1:1: unknown variant `sometimes`"),
            "{err}"
        );
    }
}
