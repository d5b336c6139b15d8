//! The kustomization file: found by its three names, keys matched case-insensitively (kustomize
//! decodes it through encoding/json, which does), unknown keys rejected.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::render::node::{Prov, RNode};

pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Every field kustomize v5.5 accepts, spelled canonically.
const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
];

#[derive(Clone, Debug)]
pub struct Kustomization {
    /// Repo-relative (or display) path of the kustomization file.
    pub file: Arc<str>,
    /// Absolute directory.
    pub dir: PathBuf,
    /// Absolute path of the kustomization file (empty for one made up in memory).
    pub path: PathBuf,
    /// (canonical name, key node, value node)
    fields: Vec<(&'static str, RNode, RNode)>,
}

/// Finds the kustomization file in `dir`: exactly one of the three names.
pub fn find_file(dir: &Path) -> Result<PathBuf, String> {
    let found: Vec<PathBuf> = FILE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| p.is_file())
        .collect();
    match found.len() {
        0 => Err(format!(
            "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
            dir.display()
        )),
        1 => Ok(found.into_iter().next().expect("one")),
        _ => Err(format!(
            "Found multiple kustomization files under: {}",
            dir.display()
        )),
    }
}

impl Kustomization {
    pub fn parse(node: RNode, file: Arc<str>, dir: PathBuf) -> Result<Kustomization, String> {
        if node.is_null() {
            return Ok(Kustomization {
                file,
                dir,
                path: PathBuf::new(),
                fields: Vec::new(),
            });
        }
        if !node.is_map() {
            return Err(format!("{file}: a kustomization must be a mapping"));
        }
        let mut fields = Vec::new();
        for (k, v) in node.entries() {
            let key = k.as_str().unwrap_or_default();
            let canonical = FIELDS
                .iter()
                .find(|f| f.eq_ignore_ascii_case(key))
                .ok_or_else(|| format!("invalid Kustomization: json: unknown field \"{key}\""))?;
            fields.push((*canonical, k.clone(), v.clone()));
        }
        let k = Kustomization {
            file,
            dir,
            path: PathBuf::new(),
            fields,
        };
        let kind = k.kind();
        if !matches!(kind, "" | "Kustomization" | "Component") {
            return Err(format!(
                "kind should be Kustomization or Component, not {kind}"
            ));
        }
        let api_version = k.str("apiVersion").unwrap_or_default();
        if kind == "Component"
            && !api_version.is_empty()
            && api_version != "kustomize.config.k8s.io/v1alpha1"
        {
            return Err(format!(
                "{}: apiVersion for Component should be kustomize.config.k8s.io/v1alpha1, not {api_version}",
                k.file
            ));
        }
        Ok(k)
    }

    pub fn get(&self, name: &str) -> Option<&RNode> {
        self.fields
            .iter()
            .rev()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, v)| v)
            .filter(|v| !v.is_null())
    }

    /// Where the field's key is written, for provenance of what it sets.
    pub fn key_prov(&self, name: &str) -> Option<Prov> {
        self.fields
            .iter()
            .rev()
            .find(|(n, _, _)| *n == name)
            .and_then(|(_, k, _)| k.prov.clone())
    }

    pub fn kind(&self) -> &str {
        self.get("kind").and_then(RNode::as_str).unwrap_or("")
    }

    pub fn is_component(&self) -> bool {
        self.kind() == "Component"
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(RNode::as_str)
    }

    /// A list of strings (`resources`, `components`…), each with its provenance.
    pub fn strings(&self, name: &str) -> Result<Vec<(String, Option<Prov>)>, String> {
        let Some(v) = self.get(name) else {
            return Ok(Vec::new());
        };
        if !v.is_seq() {
            return Err(format!("{}: `{name}` must be a list", self.file));
        }
        v.items()
            .iter()
            .map(|i| {
                i.as_str()
                    .map(|s| (s.to_string(), i.prov.clone()))
                    .ok_or_else(|| format!("{}: `{name}` entries must be strings", self.file))
            })
            .collect()
    }

    /// A map of strings (`commonLabels`, `commonAnnotations`), in written order.
    pub fn string_map(&self, name: &str) -> Result<Vec<(String, String, Option<Prov>)>, String> {
        let Some(v) = self.get(name) else {
            return Ok(Vec::new());
        };
        string_pairs(v).map_err(|e| format!("{}: `{name}`: {e}", self.file))
    }
}

/// A map's entries as strings (scalars of any type are read as their text).
pub fn string_pairs(v: &RNode) -> Result<Vec<(String, String, Option<Prov>)>, String> {
    if !v.is_map() {
        return Err("must be a map of strings".into());
    }
    v.entries()
        .iter()
        .map(|(k, val)| {
            let key = k.as_str().unwrap_or_default().to_string();
            let value = if val.is_null() {
                String::new()
            } else {
                val.as_str()
                    .ok_or_else(|| format!("value of `{key}` must be a string"))?
                    .to_string()
            };
            Ok((key, value, val.prov.clone().or_else(|| k.prov.clone())))
        })
        .collect()
}
