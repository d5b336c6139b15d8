//! What a file is, judged by its path alone. Content refines it in the load stage
//! (`apiVersion`/`kind`, a `sops:` block, template markers).

/// How a candidate file will be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathKind {
    /// Any other YAML file: manifests, or non-Kubernetes YAML decided by content.
    Yaml,
    /// `kustomization.yaml`, `kustomization.yml` or `Kustomization`.
    Kustomization,
    /// A chart's `Chart.yaml`.
    HelmChart,
    /// A chart's `values*.yaml`.
    HelmValues,
    /// Anything under a chart's `templates/`: Go templates, not read.
    HelmTemplate,
    /// A template by its name (`*.yaml.j2`, `*.yaml.tpl`, …): not read as YAML.
    Templated,
    /// YAML known not to be Kubernetes (CI workflows, tool configs): parsed for syntax only.
    NonKubernetes,
}

const TEMPLATE_EXTS: &[&str] = &["j2", "jinja", "jinja2", "tpl", "tmpl", "gotmpl"];

/// Tool configuration files that are YAML but never Kubernetes objects.
const NON_K8S_NAMES: &[&str] = &[
    ".gitgate.yaml",
    ".gitgate.yml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
    ".sops.yaml",
    ".yamllint",
    ".yamllint.yaml",
    ".yamllint.yml",
    ".gitlab-ci.yml",
    ".golangci.yml",
    ".golangci.yaml",
    "mkdocs.yml",
    "mkdocs.yaml",
    "action.yml",
    "action.yaml",
    "codecov.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "renovate.json5",
    "Taskfile.yml",
    "Taskfile.yaml",
];

/// Classifies a repo-relative path; `None` for files that are not YAML at all.
/// `charts` are the repo-relative directories holding a `Chart.yaml`.
pub fn classify_path(rel: &str, charts: &[String]) -> Option<PathKind> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if let Some((stem, ext)) = name.rsplit_once('.') {
        if TEMPLATE_EXTS.contains(&ext) {
            let inner = stem.rsplit_once('.').map(|(_, e)| e);
            if in_chart_templates(rel, charts) {
                return Some(PathKind::HelmTemplate);
            }
            return matches!(inner, Some("yaml" | "yml")).then_some(PathKind::Templated);
        }
    }
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    let kustomization = matches!(
        name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    );
    if !yaml && !kustomization && !NON_K8S_NAMES.contains(&name) {
        return None;
    }
    if in_chart_templates(rel, charts) {
        return Some(PathKind::HelmTemplate);
    }
    if kustomization {
        return Some(PathKind::Kustomization);
    }
    if let Some(chart) = chart_of(rel, charts) {
        let inside = rel[chart.len()..].trim_start_matches('/');
        if inside == "Chart.yaml" {
            return Some(PathKind::HelmChart);
        }
        if !inside.contains('/') && name.starts_with("values") {
            return Some(PathKind::HelmValues);
        }
    }
    if NON_K8S_NAMES.contains(&name) || rel.starts_with(".github/") || rel.contains("/.github/") {
        return Some(PathKind::NonKubernetes);
    }
    Some(PathKind::Yaml)
}

/// The innermost chart directory containing `rel`.
fn chart_of<'a>(rel: &str, charts: &'a [String]) -> Option<&'a String> {
    charts
        .iter()
        .filter(|c| c.is_empty() || rel.starts_with(&format!("{c}/")))
        .max_by_key(|c| c.len())
}

fn in_chart_templates(rel: &str, charts: &[String]) -> bool {
    chart_of(rel, charts).is_some_and(|c| {
        let inside = rel[c.len()..].trim_start_matches('/');
        inside.starts_with("templates/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_path() {
        let charts = vec!["charts/web".to_string()];
        let k = |p| classify_path(p, &charts);
        assert_eq!(
            k("apps/base/kustomization.yaml"),
            Some(PathKind::Kustomization)
        );
        assert_eq!(k("apps/base/Kustomization"), Some(PathKind::Kustomization));
        assert_eq!(k("apps/base/deploy.yml"), Some(PathKind::Yaml));
        assert_eq!(k("charts/web/Chart.yaml"), Some(PathKind::HelmChart));
        assert_eq!(k("charts/web/values.yaml"), Some(PathKind::HelmValues));
        assert_eq!(k("charts/web/values-prod.yaml"), Some(PathKind::HelmValues));
        assert_eq!(
            k("charts/web/templates/deploy.yaml"),
            Some(PathKind::HelmTemplate)
        );
        assert_eq!(
            k("charts/web/templates/_helpers.tpl"),
            Some(PathKind::HelmTemplate)
        );
        assert_eq!(k("charts/web/crds/crd.yaml"), Some(PathKind::Yaml));
        assert_eq!(k("templates/ns.yaml.j2"), Some(PathKind::Templated));
        assert_eq!(k("nginx.conf.j2"), None);
        assert_eq!(
            k(".github/workflows/ci.yaml"),
            Some(PathKind::NonKubernetes)
        );
        assert_eq!(k(".pre-commit-config.yaml"), Some(PathKind::NonKubernetes));
        assert_eq!(k("README.md"), None);
    }
}
