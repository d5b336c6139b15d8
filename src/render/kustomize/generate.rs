//! Runs a kustomization's `configMapGenerator` and `secretGenerator` (`generators.rs` builds
//! the objects) and applies their `behavior` against what is already accumulated.

use super::build::{append, Accumulator, Builder};
use super::generators::{self, Behavior, GenKind};
use super::kustomization::Kustomization;
use super::resource::Resource;
use super::Error;

pub fn run(b: &Builder<'_>, k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
    let global = k
        .get("generatorOptions")
        .map(generators::parse_options)
        .transpose()
        .map_err(|e| Error::at(e, k.key_prov("generatorOptions")))?;
    for (field, kind) in [
        ("configMapGenerator", GenKind::ConfigMap),
        ("secretGenerator", GenKind::Secret),
    ] {
        let Some(list) = k.get(field) else { continue };
        for entry in list.items() {
            let prov = entry.prov.clone();
            let args =
                generators::parse_args(kind, entry).map_err(|e| Error::at(e, prov.clone()))?;
            let read = |path: &str| -> Result<Vec<u8>, String> {
                let file = b
                    .resolve_file(k, path, prov.clone())
                    .map_err(|e| e.message)?;
                std::fs::read(&file).map_err(|e| format!("{path}: {e}"))
            };
            let mut generated = generators::generate(&args, global.as_ref(), &read)
                .map_err(|e| Error::at(e, prov.clone()))?;
            generated.node.prov = prov.clone();
            match generated.behavior {
                Behavior::Create => {
                    let mut r = Resource::new(generated.node, prov.clone());
                    r.needs_hash = generated.needs_hash;
                    append(&mut acc.resources, r)?;
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
                    generators::merge(&mut existing.node, &generated)
                        .map_err(|e| Error::at(e, prov.clone()))?;
                    existing.needs_hash = existing.needs_hash || generated.needs_hash;
                }
            }
        }
    }
    Ok(())
}
