//! Field specs: where in which kinds a transformer acts (`path: spec/template/metadata/labels`,
//! `kind: Deployment`, `create: true`). The builtin set is `builtin_config.yaml`; a
//! kustomization's `configurations:` files add to it.

use std::sync::OnceLock;

use crate::render::node::{Kind, RNode};

/// Group/version/kind; empty parts match anything when used as a selector.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    pub fn from_api_version(api_version: &str, kind: &str) -> Gvk {
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version.to_string()),
        };
        Gvk {
            group,
            version,
            kind: kind.to_string(),
        }
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether `self` (an object's GVK) is selected by `sel` (empty fields are wildcards).
    pub fn selected_by(&self, sel: &Gvk) -> bool {
        (sel.group.is_empty() || sel.group == self.group)
            && (sel.version.is_empty() || sel.version == self.version)
            && (sel.kind.is_empty() || sel.kind == self.kind)
    }

    /// kyaml's `Gvk.IsLessThan` key: legacy kind order, then `Kind.version.group` with
    /// `[noKind]`/`[noVer]`/`[noGrp]` for empty parts.
    fn config_order_key(&self) -> (i32, String) {
        let or = |s: &str, d: &'static str| {
            if s.is_empty() {
                d.to_string()
            } else {
                s.to_string()
            }
        };
        (
            super::sort::type_order(&self.kind),
            format!(
                "{}.{}.{}",
                or(&self.kind, "[noKind]"),
                or(&self.version, "[noVer]"),
                or(&self.group, "[noGrp]")
            ),
        )
    }

    /// kustomize's `Gvk.String()`: `group_version_kind` with `~G`/`~V`/`~K` for empty parts.
    pub fn sort_string(&self) -> String {
        let or = |s: &str, d: &'static str| {
            if s.is_empty() {
                d.to_string()
            } else {
                s.to_string()
            }
        };
        format!(
            "{}_{}_{}",
            or(&self.group, "~G"),
            or(&self.version, "~V"),
            or(&self.kind, "~K")
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    pub gvk: Gvk,
    /// Path segments (`\/` in the written path is a literal slash inside a segment).
    pub path: Vec<String>,
    pub create: bool,
}

impl FieldSpec {
    pub fn parse(node: &RNode) -> Result<FieldSpec, String> {
        let s = |k: &str| node.str_at(&[k]).unwrap_or_default().to_string();
        let path = node
            .str_at(&["path"])
            .ok_or_else(|| "fieldSpec without `path`".to_string())?;
        Ok(FieldSpec {
            gvk: Gvk {
                group: s("group"),
                version: s("version"),
                kind: s("kind"),
            },
            path: split_path(path),
            create: node.str_at(&["create"]) == Some("true"),
        })
    }

    pub fn applies_to(&self, gvk: &Gvk) -> bool {
        gvk.selected_by(&self.gvk)
    }
}

/// Splits `a/b\/c/d[]` into `["a", "b/c", "d[]"]`.
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => {
                cur.push('/');
                chars.next();
            }
            '/' => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.retain(|s| !s.is_empty());
    out
}

/// A kind whose names others refer to, and where they refer to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameBackRef {
    pub gvk: Gvk,
    pub referrers: Vec<FieldSpec>,
}

/// Field specs per transformer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransformerConfig {
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    pub common_labels: Vec<FieldSpec>,
    pub template_labels: Vec<FieldSpec>,
    /// Extra places every `labels:` entry sets its labels.
    pub labels: Vec<FieldSpec>,
    pub common_annotations: Vec<FieldSpec>,
    pub namespace: Vec<FieldSpec>,
    pub images: Vec<FieldSpec>,
    pub replicas: Vec<FieldSpec>,
    pub var_reference: Vec<FieldSpec>,
    pub name_reference: Vec<NameBackRef>,
}

impl TransformerConfig {
    /// The defaults kustomize v5.5.0 ships.
    pub fn builtin() -> &'static TransformerConfig {
        static BUILTIN: OnceLock<TransformerConfig> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let text = include_str!("builtin_config.yaml");
            let node = super::parse_single("builtin_config.yaml", text)
                .expect("builtin_config.yaml parses");
            TransformerConfig::parse(&node).expect("builtin_config.yaml is a valid config")
        })
    }

    /// Parses a `configurations:` file (the same shape as `builtin_config.yaml`).
    pub fn parse(node: &RNode) -> Result<TransformerConfig, String> {
        let mut c = TransformerConfig::default();
        for (k, v) in node.entries() {
            let key = k.as_str().unwrap_or_default();
            let specs = || -> Result<Vec<FieldSpec>, String> {
                v.items().iter().map(FieldSpec::parse).collect()
            };
            match key {
                "namePrefix" => c.name_prefix = specs()?,
                "nameSuffix" => c.name_suffix = specs()?,
                "commonLabels" => c.common_labels = specs()?,
                "templateLabels" => c.template_labels = specs()?,
                "labels" => c.labels = specs()?,
                "commonAnnotations" => c.common_annotations = specs()?,
                "namespace" => c.namespace = specs()?,
                "images" => c.images = specs()?,
                "replicas" => c.replicas = specs()?,
                "varReference" => c.var_reference = specs()?,
                "nameReference" => {
                    for item in v.items() {
                        let s = |k: &str| item.str_at(&[k]).unwrap_or_default().to_string();
                        let referrers = item
                            .get("fieldSpecs")
                            .map(|f| f.items().iter().map(FieldSpec::parse).collect())
                            .transpose()?
                            .unwrap_or_default();
                        c.name_reference.push(NameBackRef {
                            gvk: Gvk {
                                group: s("group"),
                                version: s("version"),
                                kind: s("kind"),
                            },
                            referrers,
                        });
                    }
                }
                other => return Err(format!("unknown transformer configuration `{other}`")),
            }
        }
        Ok(c)
    }

    /// The configuration a kustomization contributes: the builtin one merged with its
    /// `configurations:` files (each merged in turn), as kustomize's `MakeTransformerConfig`.
    pub fn with_user(user: &[TransformerConfig]) -> Result<TransformerConfig, String> {
        let mut files = TransformerConfig::default();
        for u in user {
            files.merge(u)?;
        }
        let mut merged = TransformerConfig::builtin().clone();
        merged.merge(&files)?;
        Ok(merged)
    }

    /// kustomize's `TransformerConfig.Merge`: adds `other`'s specs, then sorts each list by GVK.
    /// A spec counts as already present when an existing spec on the same path is selected by
    /// its GVK. Merges happen twice on the way into a build (builtin+user, then into the
    /// accumulator), so a user's kind-specific `metadata/name` spec, sorted before the kind-less
    /// default, makes the default count as present: the prefix then applies to that kind only.
    pub fn merge(&mut self, other: &TransformerConfig) -> Result<(), String> {
        // A base usually carries the configuration it inherited: nothing to add.
        if self == other {
            return Ok(());
        }
        fn add(into: &mut Vec<FieldSpec>, from: &[FieldSpec], what: &str) -> Result<(), String> {
            for f in from {
                match into.iter().find(|e| e.gvk.selected_by(&f.gvk) && e.path == f.path) {
                    Some(e) if e.create != f.create => {
                        return Err(format!(
                            "failed to merge {what} fieldSpec: conflicting fieldspecs (path `{}`, create {} and {})",
                            f.path.join("/"),
                            e.create,
                            f.create
                        ))
                    }
                    Some(_) => {}
                    None => into.push(f.clone()),
                }
            }
            Ok(())
        }
        add(&mut self.name_prefix, &other.name_prefix, "NamePrefix")?;
        add(&mut self.name_suffix, &other.name_suffix, "NameSuffix")?;
        add(
            &mut self.common_labels,
            &other.common_labels,
            "CommonLabels",
        )?;
        add(
            &mut self.template_labels,
            &other.template_labels,
            "TemplateLabels",
        )?;
        add(&mut self.labels, &other.labels, "Labels")?;
        add(
            &mut self.common_annotations,
            &other.common_annotations,
            "CommonAnnotations",
        )?;
        add(&mut self.namespace, &other.namespace, "NameSpace")?;
        add(&mut self.images, &other.images, "Images")?;
        add(&mut self.replicas, &other.replicas, "Replicas")?;
        add(
            &mut self.var_reference,
            &other.var_reference,
            "VarReference",
        )?;
        for nb in &other.name_reference {
            match self.name_reference.iter_mut().find(|x| x.gvk == nb.gvk) {
                Some(existing) => add(&mut existing.referrers, &nb.referrers, "NameReference")?,
                None => self.name_reference.push(nb.clone()),
            }
        }
        // Stable, where Go's sort.Sort is not: equal GVKs keep their order. Referrers inside a
        // name reference stay unsorted, as in kustomize.
        for specs in [
            &mut self.name_prefix,
            &mut self.name_suffix,
            &mut self.common_labels,
            &mut self.template_labels,
            &mut self.labels,
            &mut self.common_annotations,
            &mut self.namespace,
            &mut self.images,
            &mut self.replicas,
            &mut self.var_reference,
        ] {
            specs.sort_by_cached_key(|f| f.gvk.config_order_key());
        }
        self.name_reference
            .sort_by_cached_key(|n| n.gvk.config_order_key());
        Ok(())
    }
}

/// Calls `f` on every node at `path` in `obj`. Sequences along the way are walked element by
/// element (`containers` and `containers[]` both mean "each container"). With `create`, missing
/// maps along the path are created and a missing last field is set to `make()` before `f`.
pub fn visit_path(
    obj: &mut RNode,
    path: &[String],
    create: Option<&dyn Fn() -> RNode>,
    f: &mut dyn FnMut(&mut RNode) -> Result<(), String>,
) -> Result<(), String> {
    if let Kind::Seq(items) = &mut obj.kind {
        for item in items {
            visit_path(item, path, create, f)?;
        }
        return Ok(());
    }
    let Some((first, rest)) = path.split_first() else {
        return f(obj);
    };
    let is_array = first.ends_with("[]");
    let field = first.strip_suffix("[]").unwrap_or(first);
    if !obj.is_map() {
        return Ok(());
    }
    let present = obj.get(field).is_some_and(|v| !v.is_null());
    if !present {
        // `[]` marks a list: kustomize never creates one.
        let Some(make) = create.filter(|_| !is_array) else {
            return Ok(());
        };
        let value = if rest.is_empty() {
            make()
        } else {
            RNode::map()
        };
        obj.set(field, value);
    }
    let child = obj.get_mut(field).expect("present or created");
    if rest.is_empty() {
        f(child)
    } else {
        visit_path(child, rest, create, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str) -> TransformerConfig {
        let node = crate::render::kustomize::parse_single("c.yaml", yaml).unwrap();
        TransformerConfig::parse(&node).unwrap()
    }

    fn kinds(specs: &[FieldSpec]) -> Vec<&str> {
        specs.iter().map(|f| f.gvk.kind.as_str()).collect()
    }

    #[test]
    fn a_kind_specific_name_spec_replaces_the_kindless_default() {
        let user = config("namePrefix:\n- path: metadata/name\n  kind: IngressHost\n");
        let own = TransformerConfig::with_user(&[user]).unwrap();
        // Sorted: the kind-specific spec before the kind-less default.
        assert_eq!(kinds(&own.name_prefix), ["IngressHost", ""]);
        // Merged into a build, the default then counts as present already.
        let mut acc = TransformerConfig::default();
        acc.merge(&own).unwrap();
        assert_eq!(kinds(&acc.name_prefix), ["IngressHost"]);
        // Other transformers keep their defaults.
        assert_eq!(acc.name_suffix.len(), 1);
    }

    #[test]
    fn the_same_spec_with_another_create_flag_conflicts() {
        let user =
            config("namePrefix:\n- path: metadata/name\n  kind: IngressHost\n  create: true\n");
        let own = TransformerConfig::with_user(&[user]).unwrap();
        let err = TransformerConfig::default().merge(&own).unwrap_err();
        assert!(err.contains("conflicting fieldspecs"), "{err}");
    }

    #[test]
    fn configs_sort_by_legacy_kind_order_then_name() {
        let mut c = TransformerConfig::default();
        c.merge(&config(
            "commonLabels:\n- path: a\n  kind: Zeta\n- path: a\n  kind: Service\n- path: a\n  kind: Namespace\n- path: b\n",
        ))
        .unwrap();
        assert_eq!(
            kinds(&c.common_labels),
            ["Namespace", "Service", "Zeta", ""]
        );
    }
}
