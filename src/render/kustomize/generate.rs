//! Runs a kustomization's `configMapGenerator` and `secretGenerator` (`generators.rs` builds
//! the objects) and applies their `behavior` against what is already accumulated.

use super::build::{append, Accumulator, Builder};
use super::generators::{self, Behavior, GenKind, GeneratorOptions};
use super::kustomization::Kustomization;
use super::resource::Resource;
use super::Error;
use crate::render::node::RNode;

pub fn run(b: &Builder<'_>, k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
    let global = k
        .get("generatorOptions")
        .map(generators::parse_options)
        .transpose()
        .map_err(|e| Error::at(e, k.key_prov("generatorOptions")))?;
    for field in ["configMapGenerator", "secretGenerator"] {
        let Some(list) = k.get(field) else { continue };
        for entry in list.items() {
            run_entry(b, k, acc, field, entry, global.as_ref())?;
        }
    }
    Ok(())
}

/// One generator entry; `field` is `configMapGenerator` or `secretGenerator`.
pub fn run_entry(
    b: &Builder<'_>,
    k: &Kustomization,
    acc: &mut Accumulator,
    field: &str,
    entry: &RNode,
    global: Option<&GeneratorOptions>,
) -> Result<(), Error> {
    let kind = if field == "configMapGenerator" {
        GenKind::ConfigMap
    } else {
        GenKind::Secret
    };
    let prov = entry.prov.clone();

    let args = generators::parse_args(kind, entry).map_err(|e| Error::at(e, prov.clone()))?;
    run_args(b, k, acc, args, global, prov, None)
}

/// Generates from parsed arguments and applies the behavior.
pub fn run_args(
    b: &Builder<'_>,
    k: &Kustomization,
    acc: &mut Accumulator,
    args: generators::GeneratorArgs,
    global: Option<&GeneratorOptions>,
    prov: Option<crate::render::node::Prov>,
    plugin: Option<(std::path::PathBuf, Option<String>, Option<String>)>,
) -> Result<(), Error> {
    let (configured_in, plugin_name, plugin_ns) = match plugin {
        Some((file, name, ns)) => (file, name, ns),
        None => (k.path.clone(), None, None),
    };
    let source = super::resource::Source::Generated {
        kustomization: configured_in,
        kind: match args.kind {
            GenKind::ConfigMap => "ConfigMapGenerator".into(),
            GenKind::Secret => "SecretGenerator".into(),
        },
        name: plugin_name,
        namespace: plugin_ns,
    };
    let kind = args.kind;
    let read = |path: &str| -> Result<Vec<u8>, String> {
        let file = b
            .resolve_file(k, path, prov.clone())
            .map_err(|e| e.message)?;
        std::fs::read(&file).map_err(|e| format!("{path}: {e}"))
    };
    let mut generated =
        generators::generate(&args, global, &read).map_err(|e| Error::at(e, prov.clone()))?;
    generated.node.prov = prov.clone();
    match generated.behavior {
        Behavior::Create => {
            let mut r = Resource::new(generated.node, prov);
            r.needs_hash = generated.needs_hash;
            r.source = source;
            append(&mut acc.resources, r)
        }
        Behavior::Merge | Behavior::Replace => {
            let kind_name = match kind {
                GenKind::ConfigMap => "ConfigMap",
                GenKind::Secret => "Secret",
            };
            let ns = args.namespace.clone().unwrap_or_default();
            let existing = acc.resources.iter_mut().find(|r| {
                r.all_ids().iter().any(|id| {
                    id.gvk.kind == kind_name
                        && id.name == args.name
                        && (ns.is_empty() || id.namespace == ns)
                })
            });
            let Some(existing) = existing else {
                return Err(Error::at(
                    format!(
                        "id {kind_name}/{} does not exist; cannot merge or replace",
                        args.name
                    ),
                    prov,
                ));
            };
            generators::merge(&mut existing.node, &generated).map_err(|e| Error::at(e, prov))?;
            // A hash only when both the base and the overlay want one.
            existing.needs_hash = generators::merged_needs_hash(existing.needs_hash, &generated);
            // A replaced object comes from the generator that replaced it.
            if generated.behavior == Behavior::Replace {
                existing.source = source;
            }
            Ok(())
        }
    }
}
