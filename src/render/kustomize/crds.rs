//! `crds:` files: OpenAPI definitions of custom kinds. A property marked
//! `x-kubernetes-object-ref-kind` names another object, so it joins the name references (a
//! renamed Secret is renamed in the custom object too); `x-kubernetes-annotation` and
//! `x-kubernetes-label-selector` extend where common annotations and labels go.

use std::collections::HashSet;

use serde_json::Value;

use super::fieldspec::{FieldSpec, Gvk, NameBackRef, TransformerConfig};

/// Builds the transformer configuration a `crds:` file implies.
pub fn config_from_crds(doc: &Value) -> Result<TransformerConfig, String> {
    let defs = doc
        .as_object()
        .ok_or("a crds file must map definition names to definitions")?;
    let mut cfg = TransformerConfig::default();
    for (name, def) in defs {
        let kind = name.rsplit('.').next().unwrap_or(name);
        let Some(schema) = def.get("Schema") else {
            continue;
        };
        // Only definitions that are objects of their own kind (they have `kind`).
        if schema.pointer("/properties/kind").is_none() {
            continue;
        }
        let mut seen = HashSet::new();
        walk(defs, schema, kind, &mut Vec::new(), &mut cfg, &mut seen);
    }
    Ok(cfg)
}

fn walk(
    defs: &serde_json::Map<String, Value>,
    schema: &Value,
    kind: &str,
    path: &mut Vec<String>,
    cfg: &mut TransformerConfig,
    seen: &mut HashSet<String>,
) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (field, prop) in props {
        path.push(field.clone());
        let spec = |suffix: Option<&str>| FieldSpec {
            gvk: Gvk {
                kind: kind.to_string(),
                ..Gvk::default()
            },
            path: path
                .iter()
                .cloned()
                .chain(suffix.map(str::to_string))
                .collect(),
            create: false,
        };
        if let Some(ref_kind) = prop
            .get("x-kubernetes-object-ref-kind")
            .and_then(Value::as_str)
        {
            let version = prop
                .get("x-kubernetes-object-ref-api-version")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let gvk = Gvk::from_api_version(version, ref_kind);
            let referrer = spec(Some("name"));
            match cfg.name_reference.iter_mut().find(|b| b.gvk == gvk) {
                Some(b) => b.referrers.push(referrer),
                None => cfg.name_reference.push(NameBackRef {
                    gvk,
                    referrers: vec![referrer],
                }),
            }
        }
        if prop.get("x-kubernetes-annotation").is_some() {
            cfg.common_annotations.push(spec(None));
        }
        if prop.get("x-kubernetes-label-selector").is_some() {
            cfg.common_labels.push(spec(None));
        }
        if let Some(r) = prop.get("$ref").and_then(Value::as_str) {
            if seen.insert(r.to_string()) {
                if let Some(target) = defs.get(r).and_then(|d| d.get("Schema")) {
                    walk(defs, target, kind, path, cfg, seen);
                }
                seen.remove(r);
            }
        }
        path.pop();
    }
}
