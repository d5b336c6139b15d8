//! `transformers:` and `generators:` entries: configurations of kustomize's builtin plugins
//! (`PrefixSuffixTransformer`, `LabelTransformer`, `PatchTransformer`, `ConfigMapGenerator`…),
//! given inline, in files, or as the output of a kustomization directory. Exec and Go plugins
//! are not run (kustomize itself refuses them unless alpha plugins are enabled).

use super::build::{Accumulator, Builder};
use super::fieldspec::FieldSpec;
use super::generators::{self, GenKind};
use super::kustomization::{string_pairs, Kustomization};
use super::{generate, patches, transform, Error};
use crate::render::node::RNode;

/// The plugin configurations listed under `field`.
/// Each configuration with the file it was read from (the kustomization for inline ones).
fn configs(
    b: &mut Builder<'_>,
    k: &Kustomization,
    field: &str,
) -> Result<Vec<(RNode, std::path::PathBuf)>, Error> {
    let mut out = Vec::new();
    for (entry, prov) in k.strings(field).map_err(Error::msg)? {
        if entry.contains('\n') {
            let docs =
                super::parse_docs(&k.file, &entry).map_err(|e| Error::at(e, prov.clone()))?;
            out.extend(
                docs.into_iter()
                    .filter(|d| !d.is_null())
                    .map(|d| (d.with_prov(prov.clone()), k.path.clone())),
            );
            continue;
        }
        let path = k.dir.join(&entry);
        b.record_input(&path);
        if path.is_dir() {
            let kfile = super::kustomization::find_file(&path).unwrap_or_default();
            out.extend(
                b.build_configs(&path, prov.clone())?
                    .into_iter()
                    .map(|n| (n, kfile.clone())),
            );
            continue;
        }
        let file = b.resolve_file(k, &entry, prov.clone())?;
        let shown = b.display(&file);
        let text = std::fs::read_to_string(&file)
            .map_err(|e| Error::at(format!("{shown}: {e}"), prov.clone()))?;
        let docs = super::parse_docs(&shown, &text).map_err(|e| Error::at(e, prov.clone()))?;
        out.extend(
            docs.into_iter()
                .filter(|d| !d.is_null())
                .map(|d| (d, file.clone())),
        );
    }
    Ok(out)
}

fn field_specs(config: &RNode) -> Result<Vec<FieldSpec>, Error> {
    config
        .get("fieldSpecs")
        .map(|f| {
            f.items()
                .iter()
                .map(FieldSpec::parse)
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
        .map_err(|e| Error::at(e, config.prov.clone()))
        .map(Option::unwrap_or_default)
}

fn unsupported(config: &RNode, kind: &str) -> Error {
    Error::at(
        format!(
            "plugin kind `{kind}` is not a builtin kustomize plugin; external (exec/Go/KRM function) plugins are not run"
        ),
        config.prov.clone(),
    )
}

pub fn run_generators(
    b: &mut Builder<'_>,
    k: &Kustomization,
    acc: &mut Accumulator,
) -> Result<(), Error> {
    for (config, file) in configs(b, k, "generators")? {
        let kind = config.str_at(&["kind"]).unwrap_or_default().to_string();
        match kind.as_str() {
            "ConfigMapGenerator" | "SecretGenerator" => {
                // Plugin configs are read as plain YAML and take no generatorOptions.
                let gk = if kind == "ConfigMapGenerator" {
                    GenKind::ConfigMap
                } else {
                    GenKind::Secret
                };
                let args = generators::parse_plugin_config(gk, &config)
                    .map_err(|e| Error::at(e, config.prov.clone()))?;
                let name = config.str_at(&["metadata", "name"]).map(str::to_string);
                let ns = config
                    .str_at(&["metadata", "namespace"])
                    .map(str::to_string);
                generate::run_args(
                    b,
                    k,
                    acc,
                    args,
                    None,
                    config.prov.clone(),
                    Some((file, name, ns)),
                )?;
            }
            "IAMPolicyGenerator" => {
                let r = iam_policy(&config)?;
                super::build::append(&mut acc.resources, r)?;
            }
            _ => return Err(unsupported(&config, &kind)),
        }
    }
    Ok(())
}

/// The builtin IAMPolicyGenerator (GKE workload identity): a ServiceAccount annotated with the
/// Google service account it acts as.
fn iam_policy(config: &RNode) -> Result<super::resource::Resource, Error> {
    let prov = config.prov.clone();
    let need = |path: &[&str]| {
        config.str_at(path).map(str::to_string).ok_or_else(|| {
            Error::at(
                format!("IAMPolicyGenerator: `{}` is required", path.join(".")),
                prov.clone(),
            )
        })
    };
    if config.str_at(&["cloud"]) != Some("gke") {
        return Err(Error::at(
            "IAMPolicyGenerator: only `cloud: gke` is supported",
            prov,
        ));
    }
    let name = need(&["kubernetesService", "name"])?;
    let gsa = format!(
        "{}@{}.iam.gserviceaccount.com",
        need(&["serviceAccount", "name"])?,
        need(&["serviceAccount", "projectId"])?
    );
    let mut node = RNode::map();
    node.set("apiVersion", RNode::string("v1"));
    node.set("kind", RNode::string("ServiceAccount"));
    let meta = node.ensure_map("metadata");
    meta.ensure_map("annotations")
        .set("iam.gke.io/gcp-service-account", RNode::string(gsa));
    meta.set("name", RNode::string(name));
    if let Some(ns) = config.str_at(&["kubernetesService", "namespace"]) {
        meta.set("namespace", RNode::string(ns));
    }
    Ok(super::resource::Resource::new(
        node.with_prov(prov.clone()),
        prov,
    ))
}

pub fn run_transformers(
    b: &mut Builder<'_>,
    k: &Kustomization,
    acc: &mut Accumulator,
) -> Result<(), Error> {
    for (config, file) in configs(b, k, "transformers")? {
        run_transformer(b, k, acc, &config)?;
        if b.track_transformations {
            let kind = config.str_at(&["kind"]).unwrap_or_default().to_string();
            let name = config.str_at(&["metadata", "name"]).map(str::to_string);
            let ns = config
                .str_at(&["metadata", "namespace"])
                .map(str::to_string);
            super::build::record(acc, &file, &kind, name, ns);
        }
    }
    Ok(())
}

fn run_transformer(
    b: &mut Builder<'_>,
    k: &Kustomization,
    acc: &mut Accumulator,
    config: &RNode,
) -> Result<(), Error> {
    let kind = config.str_at(&["kind"]).unwrap_or_default().to_string();
    let prov = config.prov.clone();
    let s = |key: &str| config.str_at(&[key]).unwrap_or_default().to_string();
    match kind.as_str() {
        "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
            let specs = field_specs(config)?;
            transform::prefix_suffix_with(acc, &s("prefix"), &s("suffix"), &specs, &specs, prov)
        }
        "LabelTransformer" | "AnnotationsTransformer" => {
            let field = if kind == "LabelTransformer" {
                "labels"
            } else {
                "annotations"
            };
            let pairs = config
                .get(field)
                .map(string_pairs)
                .transpose()
                .map_err(|e| Error::at(e, prov.clone()))?
                .unwrap_or_default();
            let specs = field_specs(config)?;
            transform::set_map_entries(&mut acc.resources, &specs, &pairs)
        }
        "NamespaceTransformer" => {
            let ns = config
                .str_at(&["metadata", "namespace"])
                .unwrap_or_default()
                .to_string();
            let specs = field_specs(config)?;
            transform::namespace_with(acc, &ns, &specs, prov)
        }
        "ImageTagTransformer" => {
            let image = config
                .get("imageTag")
                .ok_or_else(|| Error::at("ImageTagTransformer without `imageTag`", prov.clone()))?;
            let specs = field_specs(config)?;
            transform::image_with(acc, image, &specs)
        }
        "ReplicaCountTransformer" => {
            let replica = config.get("replica").ok_or_else(|| {
                Error::at("ReplicaCountTransformer without `replica`", prov.clone())
            })?;
            let specs = field_specs(config)?;
            transform::replica_with(acc, replica, &specs)
        }
        "PatchTransformer" => patches::patch_entry(b, k, acc, config),
        "PatchJson6902Transformer" => patches::json6902_entry(b, k, acc, config),
        "PatchStrategicMergeTransformer" => {
            let mut docs = Vec::new();
            for p in config.get("paths").map(RNode::items).unwrap_or_default() {
                let path = p.as_str().unwrap_or_default();
                let file = b.resolve_file(k, path, p.prov.clone())?;
                let shown = b.display(&file);
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| Error::at(format!("{shown}: {e}"), p.prov.clone()))?;
                docs.extend(
                    super::parse_docs(&shown, &text).map_err(|e| Error::at(e, p.prov.clone()))?,
                );
            }
            if let Some(inline) = config.str_at(&["patches"]) {
                docs.extend(
                    super::parse_docs(&k.file, inline).map_err(|e| Error::at(e, prov.clone()))?,
                );
            }
            docs.retain(|d| !d.is_null());
            patches::smp_by_id(acc, docs, prov)
        }
        "ReplacementTransformer" => {
            let list: Vec<RNode> = config
                .get("replacements")
                .map(|l| l.items().to_vec())
                .unwrap_or_default();
            super::replacements::apply(&mut acc.resources, &list).map_err(|e| Error::at(e, prov))
        }
        _ => Err(unsupported(config, &kind)),
    }
}
