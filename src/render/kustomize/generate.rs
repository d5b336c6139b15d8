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
    // Everything a generator writes points at its entry.
    fill_prov(&mut generated.node, &prov);
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
            // The object keeps the origin of the generator that created it; the values this
            // one merges in point at this entry.
            let created_at = existing.node.prov.clone();
            let before = existing.node.clone();
            generators::merge(&mut existing.node, &generated).map_err(|e| Error::at(e, prov))?;
            carry_prov(&mut existing.node, &generated.node, &before);
            if generated.behavior == Behavior::Merge {
                existing.node.prov = created_at;
            }
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

fn fill_prov(n: &mut RNode, prov: &Option<crate::render::node::Prov>) {
    if n.prov.is_none() {
        n.prov = prov.clone();
    }
    match &mut n.kind {
        crate::render::node::Kind::Map(entries) => {
            for (k, v) in entries {
                fill_prov(k, prov);
                fill_prov(v, prov);
            }
        }
        crate::render::node::Kind::Seq(items) => items.iter_mut().for_each(|i| fill_prov(i, prov)),
        _ => {}
    }
}

/// After a merge rebuilt `after`: each value points where it came from — the new generator's
/// entry when it supplied that key, else wherever the old object had it.
fn carry_prov(after: &mut RNode, new: &RNode, old: &RNode) {
    if let crate::render::node::Kind::Map(entries) = &mut after.kind {
        for (k, v) in entries.iter_mut() {
            let key = k.as_str().unwrap_or_default();
            match (new.get(key), old.get(key)) {
                (Some(n), o) if v.is_map() => {
                    carry_prov(v, n, o.unwrap_or(n));
                    v.prov = n.prov.clone();
                }
                (Some(n), _) => v.prov = n.prov.clone(),
                (None, Some(o)) => {
                    if v.is_map() {
                        carry_prov(v, o, o);
                    }
                    v.prov = o.prov.clone();
                }
                (None, None) => {}
            }
        }
    }
}
