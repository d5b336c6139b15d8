//! The builtin transformers configured by kustomization fields: namespace, namePrefix/
//! nameSuffix, commonLabels/labels, commonAnnotations, replicas, images. Each value they set
//! carries the provenance of the kustomization entry that asked for it.

use super::build::Accumulator;
use super::fieldspec::{split_path, visit_path, FieldSpec, Gvk};
use super::kustomization::{string_pairs, Kustomization};
use super::resource::{is_cluster_scoped, Resource};
use super::Error;
use crate::render::node::{Prov, RNode};

fn set_string(node: &mut RNode, value: &str, prov: &Option<Prov>) {
    *node = RNode::string(value).with_prov(prov.clone());
}

/// Runs `f` at every path the field specs select in the resource.
fn each_field(
    r: &mut Resource,
    specs: &[FieldSpec],
    create: Option<&dyn Fn() -> RNode>,
    f: &mut dyn FnMut(&mut RNode) -> Result<(), String>,
) -> Result<(), String> {
    let gvk = r.id().gvk;
    for spec in specs.iter().filter(|s| s.applies_to(&gvk)) {
        let create = if spec.create { create } else { None };
        visit_path(&mut r.node, &spec.path, create, f)?;
    }
    Ok(())
}

pub fn namespace(k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
    let Some(ns) = k.str("namespace").map(str::to_string) else {
        return Ok(());
    };
    let prov = k.get("namespace").and_then(|n| n.prov.clone());
    let specs = acc.config.namespace.clone();
    namespace_with(acc, &ns, &specs, prov)
}

/// The NamespaceTransformer: `specs` are where besides `metadata.namespace` it writes.
pub fn namespace_with(
    acc: &mut Accumulator,
    ns: &str,
    specs: &[FieldSpec],
    prov: Option<Prov>,
) -> Result<(), Error> {
    let ns = ns.to_string();
    let specs: Vec<FieldSpec> = specs
        .iter()
        .filter(|s| {
            // metadata/namespace and subjects are handled below, with kustomize's special rules.
            let p = s.path.join("/");
            p != "metadata/namespace" && !p.starts_with("subjects")
        })
        .cloned()
        .collect();
    for r in acc.resources.iter_mut() {
        let gvk = r.id().gvk;
        r.remember_id();
        if !is_cluster_scoped(&gvk) {
            r.node
                .ensure_map("metadata")
                .set("namespace", RNode::string(&ns).with_prov(prov.clone()));
        }
        for spec in specs.iter().filter(|s| s.applies_to(&gvk)) {
            // A Namespace object is renamed only when it is the core v1 kind.
            if spec.path == ["metadata", "name"]
                && (gvk.kind != "Namespace" || gvk.api_version() != "v1")
            {
                continue;
            }
            let make = || RNode::string(&ns);
            let create: Option<&dyn Fn() -> RNode> = if spec.create { Some(&make) } else { None };
            visit_path(&mut r.node, &spec.path, create, &mut |n| {
                set_string(n, &ns, &prov);
                Ok(())
            })
            .map_err(Error::msg)?;
        }
        if matches!(gvk.kind.as_str(), "RoleBinding" | "ClusterRoleBinding") {
            if let Some(subjects) = r.node.get_mut("subjects").and_then(RNode::items_mut) {
                // Only the `default` service account follows the namespace; other subjects
                // follow the objects they name (see nameref.rs).
                for s in subjects.iter_mut() {
                    let is_sa = s.str_at(&["kind"]) == Some("ServiceAccount");
                    if is_sa && s.str_at(&["name"]) == Some("default") {
                        s.set("namespace", RNode::string(&ns).with_prov(prov.clone()));
                    }
                }
            }
        }
    }
    Ok(())
}

/// `namePrefix` (with `prefix`) and/or `nameSuffix` (with `suffix`): kustomize runs them as
/// two transformers.
pub fn prefix_suffix(
    k: &Kustomization,
    acc: &mut Accumulator,
    prefix: bool,
    suffix: bool,
) -> Result<(), Error> {
    let prefix = if prefix {
        k.str("namePrefix").unwrap_or_default().to_string()
    } else {
        String::new()
    };
    let suffix = if suffix {
        k.str("nameSuffix").unwrap_or_default().to_string()
    } else {
        String::new()
    };
    if prefix.is_empty() && suffix.is_empty() {
        return Ok(());
    }
    let prov = k
        .get("namePrefix")
        .or(k.get("nameSuffix"))
        .and_then(|n| n.prov.clone());
    let (ps, ss) = (
        acc.config.name_prefix.clone(),
        acc.config.name_suffix.clone(),
    );
    prefix_suffix_with(acc, &prefix, &suffix, &ps, &ss, prov)
}

/// The PrefixSuffixTransformer over the given field specs.
pub fn prefix_suffix_with(
    acc: &mut Accumulator,
    prefix: &str,
    suffix: &str,
    prefix_specs: &[FieldSpec],
    suffix_specs: &[FieldSpec],
    prov: Option<Prov>,
) -> Result<(), Error> {
    for r in acc.resources.iter_mut() {
        // Hard-coded in kustomize's prefix/suffix transformers, whatever the field specs say.
        let gvk = r.id().gvk;
        if gvk.kind == "Namespace"
            || gvk.kind == "CustomResourceDefinition"
            || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io")
        {
            continue;
        }
        // Only a `metadata/name` spec selecting the kind renames it (a configuration can limit
        // the prefix to some kinds); other specs still change the fields they select.
        let renames = |specs: &[FieldSpec]| {
            specs
                .iter()
                .any(|f| f.applies_to(&gvk) && f.path == ["metadata", "name"])
        };
        let (renamed_p, renamed_s) = (
            !prefix.is_empty() && renames(prefix_specs),
            !suffix.is_empty() && renames(suffix_specs),
        );
        if renamed_p || renamed_s {
            r.remember_id();
        }
        if renamed_p {
            r.prefixes.push(prefix.to_string());
        }
        if renamed_s {
            r.suffixes.push(suffix.to_string());
        }
        for (specs, p, s) in [(prefix_specs, prefix, ""), (suffix_specs, "", suffix)] {
            if p.is_empty() && s.is_empty() {
                continue;
            }
            each_field(r, specs, None, &mut |n| {
                if let Some(v) = n.as_str().map(str::to_string) {
                    set_string(n, &format!("{p}{v}{s}"), &prov);
                }
                Ok(())
            })
            .map_err(Error::msg)?;
        }
    }
    Ok(())
}

/// Sets entries (labels, annotations) in the maps at `specs` (creating them where allowed).
pub fn set_map_entries(
    resources: &mut [Resource],
    specs: &[FieldSpec],
    pairs: &[(String, String, Option<Prov>)],
) -> Result<(), Error> {
    if pairs.is_empty() {
        return Ok(());
    }
    for r in resources.iter_mut() {
        each_field(r, specs, Some(&RNode::map), &mut |n| {
            if !n.is_map() {
                if n.is_null() {
                    *n = RNode::map();
                } else {
                    return Ok(());
                }
            }
            for (k, v, prov) in pairs {
                n.set(k, RNode::string(v).with_prov(prov.clone()));
            }
            Ok(())
        })
        .map_err(Error::msg)?;
    }
    Ok(())
}

/// Adds labels to `metadata.labels` only (the managed-by label).
pub fn set_labels_simple(resources: &mut [Resource], pairs: &[(String, String, Option<Prov>)]) {
    let spec = FieldSpec {
        gvk: Gvk::default(),
        path: split_path("metadata/labels"),
        create: true,
    };
    let _ = set_map_entries(resources, &[spec], pairs);
}

pub fn labels(k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
    let common = k.string_map("commonLabels").map_err(Error::msg)?;
    let specs = acc.config.common_labels.clone();
    set_map_entries(&mut acc.resources, &specs, &common)?;
    let Some(list) = k.get("labels") else {
        return Ok(());
    };
    for entry in list.items() {
        let pairs = entry
            .get("pairs")
            .map(string_pairs)
            .transpose()
            .map_err(|e| Error::at(format!("labels: {e}"), entry.prov.clone()))?
            .unwrap_or_default();
        let flag = |name: &str| entry.str_at(&[name]) == Some("true");
        let mut specs: Vec<FieldSpec> = if flag("includeSelectors") {
            acc.config.common_labels.clone()
        } else {
            let mut s = vec![FieldSpec {
                gvk: Gvk::default(),
                path: split_path("metadata/labels"),
                create: true,
            }];
            if flag("includeTemplates") {
                s.extend(acc.config.template_labels.iter().cloned());
            }
            s
        };
        specs.extend(acc.config.labels.iter().cloned());
        if let Some(fields) = entry.get("fields") {
            for f in fields.items() {
                specs.push(FieldSpec::parse(f).map_err(|e| Error::at(e, f.prov.clone()))?);
            }
        }
        set_map_entries(&mut acc.resources, &specs, &pairs)?;
    }
    Ok(())
}

pub fn annotations(k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
    let pairs = k.string_map("commonAnnotations").map_err(Error::msg)?;
    let specs = acc.config.common_annotations.clone();
    set_map_entries(&mut acc.resources, &specs, &pairs)
}

pub fn replicas(k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
    let Some(list) = k.get("replicas") else {
        return Ok(());
    };
    let specs = acc.config.replicas.clone();
    for entry in list.items() {
        replica_with(acc, entry, &specs)?;
    }
    Ok(())
}

/// The ReplicaCountTransformer for one `{name, count}`.
pub fn replica_with(
    acc: &mut Accumulator,
    entry: &RNode,
    specs: &[FieldSpec],
) -> Result<(), Error> {
    {
        let name = entry
            .str_at(&["name"])
            .ok_or_else(|| Error::at("replicas: entry without `name`", entry.prov.clone()))?;
        let count = entry.get("count").ok_or_else(|| {
            Error::at(
                format!("replicas: `{name}` has no `count`"),
                entry.prov.clone(),
            )
        })?;
        let count_text = count.as_str().unwrap_or_default().to_string();
        if count_text.parse::<i64>().is_err() {
            return Err(Error::at(
                format!("replicas: count of `{name}` must be an integer, got `{count_text}`"),
                count.prov.clone(),
            ));
        }
        for r in acc
            .resources
            .iter_mut()
            .filter(|r| r.all_ids().iter().any(|id| id.name == name))
        {
            each_field(r, specs, Some(&|| RNode::implicit("0")), &mut |n| {
                *n = RNode::implicit(count_text.clone()).with_prov(count.prov.clone());
                Ok(())
            })
            .map_err(Error::msg)?;
        }
    }
    Ok(())
}

/// Splits `registry/name:tag@digest` into (name, tag, digest).
pub fn split_image(image: &str) -> (&str, &str, &str) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, d),
        None => (image, ""),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], &rest[slash + i + 1..], digest),
        None => (rest, "", digest),
    }
}

pub fn images(k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
    let mut list: Vec<RNode> = k
        .get("images")
        .map(|l| l.items().to_vec())
        .unwrap_or_default();
    list.extend(
        k.get("imageTags")
            .map(|l| l.items().to_vec())
            .unwrap_or_default(),
    );
    let specs = acc.config.images.clone();
    for entry in &list {
        image_with(acc, entry, &specs)?;
    }
    Ok(())
}

/// The ImageTagTransformer for one `{name, newName, newTag, digest}`.
pub fn image_with(acc: &mut Accumulator, entry: &RNode, specs: &[FieldSpec]) -> Result<(), Error> {
    {
        let Some(name) = entry.str_at(&["name"]).map(str::to_string) else {
            return Err(Error::at(
                "images: entry without `name`",
                entry.prov.clone(),
            ));
        };
        let new_name = entry.str_at(&["newName"]).map(str::to_string);
        let new_tag = entry.str_at(&["newTag"]).map(str::to_string);
        let digest = entry.str_at(&["digest"]).map(str::to_string);
        let prov = entry.prov.clone();
        for r in acc.resources.iter_mut() {
            let mut update = |n: &mut RNode| -> Result<(), String> {
                let Some(current) = n.as_str().map(str::to_string) else {
                    return Ok(());
                };
                let (img, tag, dig) = split_image(&current);
                if img != name {
                    return Ok(());
                }
                let mut value = new_name.clone().unwrap_or_else(|| img.to_string());
                let (tag, dig) = match (&new_tag, &digest) {
                    (_, Some(d)) => (String::new(), d.clone()),
                    (Some(t), None) => (t.clone(), String::new()),
                    (None, None) => (tag.to_string(), dig.to_string()),
                };
                if !tag.is_empty() {
                    value.push(':');
                    value.push_str(&tag);
                }
                if !dig.is_empty() {
                    value.push('@');
                    value.push_str(&dig);
                }
                set_string(n, &value, &prov);
                Ok(())
            };
            // Every `containers` / `initContainers` list anywhere in the object, plus the
            // configured field specs (for custom image fields).
            each_container_image(&mut r.node, &mut update).map_err(Error::msg)?;
            each_field(r, specs, None, &mut update).map_err(Error::msg)?;
        }
    }
    Ok(())
}

fn each_container_image(
    n: &mut RNode,
    f: &mut dyn FnMut(&mut RNode) -> Result<(), String>,
) -> Result<(), String> {
    match &mut n.kind {
        crate::render::node::Kind::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                let containers = matches!(k.as_str(), Some("containers" | "initContainers"));
                if containers && v.is_seq() {
                    for c in v.items_mut().into_iter().flatten() {
                        if let Some(image) = c.get_mut("image") {
                            f(image)?;
                        }
                    }
                } else {
                    each_container_image(v, f)?;
                }
            }
        }
        crate::render::node::Kind::Seq(items) => {
            for i in items {
                each_container_image(i, f)?;
            }
        }
        _ => {}
    }
    Ok(())
}
