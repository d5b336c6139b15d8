//! `CustomResourceDefinition`s found in the repository, converted to JSON Schema (draft
//! 2020-12): one schema per served version, keyed `"<group>/<version>/<Kind>"`.
//!
//! OpenAPI v3 structural schemas differ from JSON Schema in a few keywords, translated here:
//! `nullable` adds `"null"` to `type`; `x-kubernetes-int-or-string` becomes
//! `anyOf: [integer, string]`; boolean `exclusiveMinimum`/`exclusiveMaximum` (OpenAPI 3.0)
//! become the numeric form. `x-kubernetes-preserve-unknown-fields` and
//! `x-kubernetes-embedded-resource` stay as markers that strict mode leaves open. CEL rules
//! (`x-kubernetes-validations`) are not evaluated: they are counted so the report can say so.

use serde_json::{json, Map, Value};

use crate::span::Span;

/// One served version of a CRD from the repository.
#[derive(Clone, Debug)]
pub struct RepoCrd {
    /// `"<group>/<version>/<Kind>"`.
    pub key: String,
    pub api_version: String,
    pub kind: String,
    pub schema: Result<Value, String>,
    /// The CRD marks this version deprecated (with its warning, if any).
    pub deprecated: Option<String>,
    /// CEL rules in the schema (not checked).
    pub cel_rules: usize,
    pub path: String,
    pub span: Option<Span>,
}

/// The served versions of one CRD object (`apiextensions.k8s.io/v1` or `v1beta1`).
pub fn convert(crd: &Value, path: &str, span: Option<Span>) -> Vec<RepoCrd> {
    let spec = &crd["spec"];
    let (Some(group), Some(kind)) = (spec["group"].as_str(), spec["names"]["kind"].as_str()) else {
        return Vec::new();
    };
    // v1beta1 could give one schema for all versions (`spec.validation`).
    let shared = spec["validation"]["openAPIV3Schema"].clone();
    let mut versions: Vec<(String, &Value)> = spec["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["served"].as_bool() != Some(false))
        .filter_map(|v| Some((v["name"].as_str()?.to_string(), v)))
        .collect();
    let single = json!({});
    if versions.is_empty() {
        if let Some(v) = spec["version"].as_str() {
            versions.push((v.to_string(), &single));
        }
    }
    versions
        .into_iter()
        .map(|(version, v)| {
            let raw = match &v["schema"]["openAPIV3Schema"] {
                Value::Null => shared.clone(),
                s => s.clone(),
            };
            let api_version = format!("{group}/{version}");
            let mut cel_rules = 0;
            let schema = if raw.is_object() {
                let mut s = raw;
                to_json_schema(&mut s, &mut cel_rules);
                complete_root(&mut s);
                Ok(s)
            } else {
                Err(format!(
                    "CustomResourceDefinition for {kind} ({api_version}) has no openAPIV3Schema"
                ))
            };
            let deprecated = (v["deprecated"].as_bool() == Some(true)).then(|| {
                v["deprecationWarning"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            });
            RepoCrd {
                key: format!("{api_version}/{kind}"),
                api_version,
                kind: kind.to_string(),
                schema,
                deprecated,
                cel_rules,
                path: path.to_string(),
                span,
            }
        })
        .collect()
}

/// Every object may carry `apiVersion`, `kind` and `metadata`, declared or not (the API server
/// validates metadata itself); declare them so strict mode does not reject them.
fn complete_root(s: &mut Value) {
    let Some(obj) = s.as_object_mut() else {
        return;
    };
    let props = obj
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(props) = props.as_object_mut() {
        props
            .entry("apiVersion")
            .or_insert_with(|| json!({"type": "string"}));
        props
            .entry("kind")
            .or_insert_with(|| json!({"type": "string"}));
        props
            .entry("metadata")
            .or_insert_with(|| json!({"type": "object"}));
    }
}

/// Translates one OpenAPI v3 schema (and its subschemas) into JSON Schema 2020-12, in place.
fn to_json_schema(s: &mut Value, cel_rules: &mut usize) {
    let Some(obj) = s.as_object_mut() else {
        return;
    };
    if let Some(rules) = obj
        .get("x-kubernetes-validations")
        .and_then(Value::as_array)
    {
        *cel_rules += rules.len();
    }
    if obj.remove("nullable") == Some(Value::Bool(true)) {
        match obj.get_mut("type") {
            Some(Value::String(t)) => {
                let t = t.clone();
                obj.insert("type".into(), json!([t, "null"]));
            }
            Some(Value::Array(ts)) if !ts.contains(&json!("null")) => ts.push(json!("null")),
            _ => {}
        }
    }
    if obj.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        let nullable =
            matches!(obj.get("type"), Some(Value::Array(ts)) if ts.contains(&json!("null")));
        obj.remove("type");
        let mut branches = vec![json!({"type": "integer"}), json!({"type": "string"})];
        if nullable {
            branches.push(json!({"type": "null"}));
        }
        obj.insert("anyOf".into(), Value::Array(branches));
    }
    for (bound, limit) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(b)) = obj.get(bound).cloned() {
            obj.remove(bound);
            if b {
                if let Some(n) = obj.remove(limit) {
                    obj.insert(bound.into(), n);
                }
            }
        }
    }
    // `format`s the JSON Schema vocabulary defines with other meanings are annotations only
    // here (jsonschema does not assert formats by default), so nothing to translate.
    for key in ["properties", "patternProperties", "definitions", "$defs"] {
        if let Some(Value::Object(subs)) = obj.get_mut(key) {
            for sub in subs.values_mut() {
                to_json_schema(sub, cel_rules);
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(subs)) = obj.get_mut(key) {
            for sub in subs {
                to_json_schema(sub, cel_rules);
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        match obj.get_mut(key) {
            Some(Value::Array(subs)) => subs.iter_mut().for_each(|s| to_json_schema(s, cel_rules)),
            Some(sub @ Value::Object(_)) => to_json_schema(sub, cel_rules),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_openapi_keywords() {
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "spec": {
                "group": "example.com",
                "names": {"kind": "Widget"},
                "versions": [
                    {"name": "v1", "served": true, "schema": {"openAPIV3Schema": {
                        "type": "object",
                        "properties": {"spec": {"type": "object",
                            "x-kubernetes-validations": [{"rule": "self.size > 0"}],
                            "properties": {
                                "size": {"type": "integer", "nullable": true, "minimum": 0, "exclusiveMinimum": true},
                                "port": {"x-kubernetes-int-or-string": true},
                                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
                            }}}
                    }}},
                    {"name": "v0", "served": false},
                    {"name": "v2", "served": true, "deprecated": true, "deprecationWarning": "use v1"}
                ]
            }
        });
        let out = convert(&crd, "crds.yaml", None);
        assert_eq!(out.len(), 2);
        let v1 = &out[0];
        assert_eq!(v1.key, "example.com/v1/Widget");
        assert_eq!(v1.cel_rules, 1);
        let s = v1.schema.as_ref().unwrap();
        let size = &s["properties"]["spec"]["properties"]["size"];
        assert_eq!(size["type"], json!(["integer", "null"]));
        assert_eq!(size["exclusiveMinimum"], json!(0));
        assert!(size.get("minimum").is_none());
        let port = &s["properties"]["spec"]["properties"]["port"];
        assert_eq!(
            port["anyOf"],
            json!([{"type": "integer"}, {"type": "string"}])
        );
        assert_eq!(s["properties"]["metadata"], json!({"type": "object"}));
        assert!(out[1].schema.is_err());
        assert_eq!(out[1].deprecated.as_deref(), Some("use v1"));
    }
}
