//! Legacy `vars`: `$(NAME)` in the `varReference` fields is replaced by a field of another
//! object, read after every transformation (so it sees prefixed names and namespaces).

use super::fieldspec::{visit_path, TransformerConfig};
use super::resource::Resource;
use super::Error;
use crate::render::node::{Kind, Prov, RNode};

#[derive(Clone, Debug)]
pub struct Var {
    pub name: String,
    pub kind: String,
    pub api_version: Option<String>,
    pub obj_name: String,
    pub namespace: Option<String>,
    pub field_path: String,
    pub prov: Option<Prov>,
}

impl Var {
    pub fn parse(n: &RNode) -> Result<Var, String> {
        let name = n.str_at(&["name"]).ok_or("var without `name`")?.to_string();
        let objref = n
            .get("objref")
            .ok_or_else(|| format!("var `{name}` has no `objref`"))?;
        Ok(Var {
            kind: objref.str_at(&["kind"]).unwrap_or_default().to_string(),
            api_version: objref.str_at(&["apiVersion"]).map(str::to_string),
            obj_name: objref
                .str_at(&["name"])
                .ok_or_else(|| format!("var `{name}`: objref has no `name`"))?
                .to_string(),
            namespace: objref.str_at(&["namespace"]).map(str::to_string),
            field_path: n
                .str_at(&["fieldref", "fieldpath"])
                .unwrap_or("metadata.name")
                .to_string(),
            name,
            prov: n.prov.clone(),
        })
    }
}

/// Binds newly declared vars to the one object each names, among the objects of the
/// kustomization that declares them (as kustomize does), then adds them.
pub fn declare(
    into: &mut Vec<Var>,
    new: Vec<Var>,
    resources: &mut [Resource],
) -> Result<(), Error> {
    for v in &new {
        let matching: Vec<usize> = resources
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.all_ids().iter().any(|id| {
                    id.gvk.kind == v.kind
                        && id.name == v.obj_name
                        && v.namespace.as_ref().is_none_or(|ns| &id.namespace == ns)
                        && v.api_version
                            .as_ref()
                            .is_none_or(|av| &id.gvk.api_version() == av)
                })
            })
            .map(|(i, _)| i)
            .collect();
        match matching.as_slice() {
            [i] => resources[*i].ref_vars.push(v.name.clone()),
            [] => {}
            _ => {
                return Err(Error::at(
                    format!(
                        "found {} resId matches for var {} (unable to disambiguate)",
                        matching.len(),
                        v.name
                    ),
                    v.prov.clone(),
                ))
            }
        }
    }
    merge(into, new)
}

/// Adds vars, refusing a second var of the same name.
pub fn merge(into: &mut Vec<Var>, new: Vec<Var>) -> Result<(), Error> {
    for v in new {
        if into.iter().any(|x| x.name == v.name) {
            return Err(Error::at(
                format!("var '{}' already encountered", v.name),
                v.prov,
            ));
        }
        into.push(v);
    }
    Ok(())
}

/// Reads `metadata.name`, `spec.ports[0].port`, `data.key` from an object.
fn field_value(node: &RNode, path: &str) -> Option<RNode> {
    let mut n = node;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        if !key.is_empty() {
            n = n.get(key)?;
        }
        if let Some(i) = index {
            n = n.items().get(i)?;
        }
    }
    matches!(n.kind, Kind::Scalar(_)).then(|| n.clone())
}

/// Replaces `$(NAME)` in every var-reference field; `$$` escapes a `$`.
pub fn resolve(
    resources: &mut [Resource],
    vars: &[Var],
    config: &TransformerConfig,
) -> Result<(), Error> {
    if vars.is_empty() {
        return Ok(());
    }
    let mut values: Vec<(String, RNode)> = Vec::new();
    for v in vars {
        let found: Vec<&Resource> = resources
            .iter()
            .filter(|r| r.ref_vars.contains(&v.name))
            .collect();
        let r = match found.as_slice() {
            [r] => *r,
            [] => {
                return Err(Error::at(
                    format!(
                        "var '{}' cannot be mapped to a field in the set of known resources",
                        v.name
                    ),
                    v.prov.clone(),
                ))
            }
            _ => {
                return Err(Error::at(
                    format!("var '{}' matches more than one resource", v.name),
                    v.prov.clone(),
                ))
            }
        };
        let value = field_value(&r.node, &v.field_path).ok_or_else(|| {
            Error::at(
                format!(
                    "var '{}': field `{}` not found in {}",
                    v.name,
                    v.field_path,
                    r.id().display()
                ),
                v.prov.clone(),
            )
        })?;
        values.push((v.name.clone(), value));
    }
    for r in resources.iter_mut() {
        let gvk = r.id().gvk;
        for spec in config.var_reference.iter().filter(|s| s.applies_to(&gvk)) {
            visit_path(&mut r.node, &spec.path, None, &mut |n| {
                expand_node(n, &values);
                Ok(())
            })
            .map_err(Error::msg)?;
        }
    }
    Ok(())
}

fn expand_node(n: &mut RNode, values: &[(String, RNode)]) {
    match &mut n.kind {
        Kind::Scalar(s) if s.value.contains('$') => {
            let text = s.value.clone();
            // A field that is exactly one reference takes the value with its type.
            if let Some(name) = text.strip_prefix("$(").and_then(|t| t.strip_suffix(')')) {
                if let Some((_, v)) = values.iter().find(|(n, _)| n == name) {
                    let prov = n.prov.clone();
                    *n = v.clone();
                    n.prov = prov;
                    return;
                }
            }
            if let Some(expanded) = expand(&text, values) {
                let prov = n.prov.clone();
                *n = RNode::string(expanded).with_prov(prov);
            }
        }
        Kind::Seq(items) => items.iter_mut().for_each(|i| expand_node(i, values)),
        Kind::Map(entries) => entries.iter_mut().for_each(|(_, v)| expand_node(v, values)),
        _ => {}
    }
}

/// Kubernetes' `$(VAR)` expansion; `None` when nothing changed.
fn expand(s: &str, values: &[(String, RNode)]) -> Option<String> {
    if !s.contains('$') {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut changed = false;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            changed = true;
        } else if let Some(inner) = after.strip_prefix('(') {
            match inner.find(')') {
                Some(end) => {
                    let name = &inner[..end];
                    match values.iter().find(|(n, _)| n == name) {
                        Some((_, v)) => {
                            out.push_str(v.as_str().unwrap_or_default());
                            changed = true;
                        }
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = &inner[end + 1..];
                }
                None => {
                    out.push('$');
                    rest = after;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion() {
        let v = vec![
            ("A".to_string(), RNode::string("x")),
            ("N".to_string(), RNode::implicit("3")),
        ];
        assert_eq!(
            expand("$(A)-$(B)-$$(A)", &v).as_deref(),
            Some("x-$(B)-$(A)")
        );
        assert_eq!(expand("no vars", &v), None);
        assert_eq!(expand("port $(N)", &v).as_deref(), Some("port 3"));
    }
}
