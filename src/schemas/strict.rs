//! Strict mode: reject fields a schema does not declare (typos such as `imagePullPolcy`), which
//! the API server would silently drop.

use serde_json::{Map, Value};

/// Keywords holding a map of name -> subschema.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords holding a list of subschemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords holding one subschema (`items` may also be a list in old drafts).
const SCHEMA_ONE: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
];

/// Adds `"additionalProperties": false` to every object schema that declares `properties`
/// (non-empty), in place, through every subschema.
///
/// Left open, because closing them would reject what the API server accepts:
/// - `x-kubernetes-preserve-unknown-fields: true` (the server keeps unknown fields there);
/// - objects without declared properties (free-form maps and values);
/// - schemas that already state `additionalProperties`, `patternProperties` or
///   `unevaluatedProperties` (their author decided);
/// - `x-kubernetes-embedded-resource: true`: an embedded object is a whole resource whose kind
///   the schema usually does not know, so its declared `apiVersion`/`kind`/`metadata` are not
///   the full list;
/// - schemas combining `allOf`/`anyOf`/`oneOf`: a branch may declare further properties that
///   `additionalProperties` on the parent would not see.
///
/// Property *names* are never touched (a property called `$ref` or `properties` is data).
pub fn apply_strict(schema: &mut Value) {
    let Value::Object(map) = schema else {
        return;
    };
    if should_close(map) {
        map.insert("additionalProperties".into(), Value::Bool(false));
    }
    for key in SCHEMA_MAPS {
        if let Some(Value::Object(subs)) = map.get_mut(*key) {
            for sub in subs.values_mut() {
                apply_strict(sub);
            }
        }
    }
    for key in SCHEMA_LISTS {
        if let Some(Value::Array(subs)) = map.get_mut(*key) {
            for sub in subs {
                apply_strict(sub);
            }
        }
    }
    for key in SCHEMA_ONE {
        match map.get_mut(*key) {
            Some(Value::Array(subs)) => subs.iter_mut().for_each(apply_strict),
            Some(sub) => apply_strict(sub),
            None => {}
        }
    }
}

fn should_close(map: &Map<String, Value>) -> bool {
    let flag = |k: &str| map.get(k) == Some(&Value::Bool(true));
    let declares = matches!(map.get("properties"), Some(Value::Object(p)) if !p.is_empty());
    declares
        && !flag("x-kubernetes-preserve-unknown-fields")
        && !flag("x-kubernetes-embedded-resource")
        && ![
            "additionalProperties",
            "patternProperties",
            "unevaluatedProperties",
        ]
        .iter()
        .any(|k| map.contains_key(*k))
        && !["allOf", "anyOf", "oneOf"]
            .iter()
            .any(|k| map.contains_key(*k))
}
