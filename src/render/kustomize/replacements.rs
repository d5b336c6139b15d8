//! kustomize's `replacements` transformer (kustomize v5.5.0: `api/filters/replacement`, with
//! kyaml's `PathGetter` for the source and `PathMatcher` for the targets).
//!
//! Each replacement reads one value from one source object and writes it into fields of every
//! selected target object, in order (a later replacement sees what an earlier one wrote).
//!
//! What kustomize does, and this reproduces (each point checked against `kubectl kustomize`):
//! - The source must select exactly one object; an object is selected when *any* id it has had
//!   (current, or before prefixes, suffixes and namespaces changed it) matches. `fieldPath`
//!   (default `metadata.name`) is looked up with kyaml's `PathGetter`: field names, list
//!   indexes, `-` for the last element, `[name=value]` / `[=value]` matching exactly; `*` is an
//!   error there. A missing, null or empty value is an error.
//! - Targets are looked up with kyaml's `PathMatcher`, which differs: `[name=value]` is an
//!   *unanchored regular expression* matched against the YAML text of the field (so a quoted
//!   value is matched with its quotes), `*` walks every list element, `[=value]` stops at the
//!   matching element whatever follows it, and with `create` missing fields, list elements
//!   (`[name=x]`) and an index equal to the list length are created.
//! - A scalar target keeps its type: only the text changes. A string field stays a string
//!   (`"42"`); a number, boolean, null or timestamp field that receives text of another type
//!   makes kustomize fail when it prints the object ("cannot decode !!str `x` as a !!int"),
//!   which is raised here at once. A created scalar has no type of its own: it reads as whatever
//!   the text is (`42` an int, `true` a bool). A map or list target, or a target receiving a
//!   map or list, is replaced by a copy of the source node.
//! - Creating inside a null field silently does nothing (kyaml appends to the null node, which
//!   is never printed).
//! - Field paths split on `.` except inside `[...]` and after `\`; `[a.b]` (no `=`) is the map
//!   key `a.b`.
//! - `options.delimiter`/`index`: the source value is split and one part taken (out of bounds
//!   is an error); the target text is split and the part at `index` replaced (`index` < 0
//!   prepends, past the end appends). Only scalars can be split.
//! - `reject` entries with `labelSelector`/`annotationSelector` reject on those alone, and
//!   entries with group/version/kind/name/namespace reject on those alone (either half
//!   suffices).
//! - The fields are decoded as kustomize decodes them (go-yaml v2 into typed Go structs):
//!   `name: 123` or `index: "1"` are errors, and in a kustomization (not in a `path:` file)
//!   unknown fields are errors.
//!
//! Nodes written here carry the provenance of the replacement entry that wrote them.

use std::sync::OnceLock;

use regex::Regex;

use super::fieldspec::Gvk;
use super::kustomization::FILE_NAMES;
use super::patches::label_selector_matches;
use super::resource::{is_cluster_scoped, ResId, Resource};
use crate::load::resolve::{resolve_plain, Scalar as V2};
use crate::render::node::{resolve_v3, Kind, Prov, RNode, Scalar, Style, Tag};

const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// Applies kustomize `replacements` (each entry: `source` + `targets`, already loaded from
/// `path:` files by the caller) to the resources, in order.
pub fn apply(resources: &mut [Resource], replacements: &[RNode]) -> Result<(), String> {
    // kustomize decodes every entry before running the first.
    let specs = replacements
        .iter()
        .enumerate()
        .map(|(i, node)| Replacement::parse(node).map_err(|e| format!("{}: {e}", label(i, node))))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, (spec, node)) in specs.iter().zip(replacements).enumerate() {
        run(resources, spec, &node.prov).map_err(|e| format!("{}: {e}", label(i, node)))?;
    }
    Ok(())
}

/// `replacement #2 (kustomization.yaml:14:3)`, to say which entry an error is about.
fn label(i: usize, node: &RNode) -> String {
    match &node.prov {
        Some(p) => format!(
            "replacement #{} ({}:{}:{})",
            i + 1,
            p.file,
            p.span.start.line,
            p.span.start.col
        ),
        None => format!("replacement #{}", i + 1),
    }
}

// ---------------------------------------------------------------------------------------------
// The replacement entries, decoded as kustomize decodes them
// ---------------------------------------------------------------------------------------------

/// A resource id used as a selector; empty parts match anything.
#[derive(Clone, Debug, Default)]
struct IdSelector {
    gvk: Gvk,
    name: String,
    namespace: String,
}

impl IdSelector {
    fn is_empty(&self) -> bool {
        self.gvk.group.is_empty()
            && self.gvk.version.is_empty()
            && self.gvk.kind.is_empty()
            && self.name.is_empty()
            && self.namespace.is_empty()
    }

    /// kyaml `ResId.IsSelectedBy`.
    fn selects(&self, id: &ResId) -> bool {
        (self.name.is_empty() || self.name == id.name)
            && (self.namespace.is_empty()
                || effective_namespace(&self.gvk, &self.namespace, true)
                    == effective_namespace(&id.gvk, &id.namespace, false))
            && id.gvk.selected_by(&self.gvk)
    }

    /// kyaml `ResId.String()`: `Kind.version.group/name.namespace` with `[noKind]`-style
    /// placeholders.
    fn display(&self) -> String {
        let or = |s: &str, d: &'static str| {
            if s.is_empty() {
                d.to_string()
            } else {
                s.to_string()
            }
        };
        format!(
            "{}.{}.{}/{}.{}",
            or(&self.gvk.kind, "[noKind]"),
            or(&self.gvk.version, "[noVer]"),
            or(&self.gvk.group, "[noGrp]"),
            or(&self.name, "[noName]"),
            or(&self.namespace, "[noNs]")
        )
    }
}

/// kyaml `ResId.EffectiveNamespace`. A selector's kind counts as cluster-scoped only with a
/// version (kyaml looks the scope up by apiVersion and kind).
fn effective_namespace<'a>(gvk: &Gvk, ns: &'a str, selector: bool) -> &'a str {
    if is_cluster_scoped(gvk) && !(selector && gvk.version.is_empty()) {
        "_non_namespaceable_"
    } else if ns.is_empty() || ns == "default" {
        "default"
    } else {
        ns
    }
}

#[derive(Clone, Debug, Default)]
struct FieldOptions {
    delimiter: String,
    index: i64,
    create: bool,
}

impl FieldOptions {
    /// kustomize `FieldOptions.String()`.
    fn display(&self) -> Option<String> {
        if self.delimiter.is_empty() && !self.create {
            return None;
        }
        Some(format!(
            "{}({}), create={}",
            self.delimiter, self.index, self.create
        ))
    }
}

#[derive(Debug)]
struct Source {
    id: IdSelector,
    field_path: String,
    options: FieldOptions,
}

impl Source {
    /// kustomize `SourceSelector.String()`, as its errors print the source.
    fn display(&self) -> String {
        let mut s = self.id.display();
        if !self.field_path.is_empty() {
            s.push(':');
            s.push_str(&self.field_path);
        }
        if let Some(o) = self.options.display() {
            s.push(':');
            s.push_str(&o);
        }
        s
    }
}

#[derive(Debug)]
struct Selector {
    id: IdSelector,
    label_selector: String,
    annotation_selector: String,
}

impl Selector {
    /// Whether the object's labels and annotations satisfy the selector's (empty ones match).
    fn matches_labels(&self, r: &Resource) -> Result<bool, String> {
        Ok(label_selector_matches(
            &self.annotation_selector,
            r.node.path(&["metadata", "annotations"]),
        )? && label_selector_matches(
            &self.label_selector,
            r.node.path(&["metadata", "labels"]),
        )?)
    }
}

#[derive(Debug)]
struct Target {
    select: Option<Selector>,
    reject: Vec<Option<Selector>>,
    field_paths: Vec<String>,
    options: FieldOptions,
}

#[derive(Debug)]
struct Replacement {
    source: Option<Source>,
    /// `None` when `targets` is missing or null (an error when run); entries are `None` when
    /// null.
    targets: Option<Vec<Option<Target>>>,
}

/// Decodes like `encoding/json` into kustomize's types after go-yaml v2 read the YAML: scalars
/// typed by YAML 1.1, unknown fields refused when `strict` (kustomizations are decoded
/// strictly, `path:` files not).
struct Decoder {
    strict: bool,
    /// The Go field path prefix (`replacements.` inside a kustomization).
    prefix: &'static str,
}

/// What a node is once go-yaml v2 read it and it went through JSON.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum JsonType {
    Null,
    Bool,
    Number,
    String,
    Object,
    Array,
}

impl JsonType {
    fn of(n: &RNode) -> JsonType {
        match &n.kind {
            Kind::Map(_) => JsonType::Object,
            Kind::Seq(_) => JsonType::Array,
            Kind::Scalar(s) => match &s.tag {
                Tag::Str => JsonType::String,
                Tag::Explicit(t) => match short_tag(t).as_str() {
                    "!!null" => JsonType::Null,
                    "!!bool" => JsonType::Bool,
                    "!!int" | "!!float" => JsonType::Number,
                    _ => JsonType::String,
                },
                Tag::Implicit if s.style != Style::Plain => JsonType::String,
                Tag::Implicit => match resolve_plain(&s.value) {
                    V2::Null => JsonType::Null,
                    V2::Bool(_) => JsonType::Bool,
                    V2::Int(_) | V2::Uint(_) | V2::Float(_) => JsonType::Number,
                    V2::Str => JsonType::String,
                },
            },
        }
    }

    fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Bool => "bool",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Object => "object",
            JsonType::Array => "array",
        }
    }
}

impl Decoder {
    fn mismatch(&self, got: &RNode, strukt: &str, path: &str, want: &str) -> String {
        let ty = JsonType::of(got);
        let what = match (ty, got.as_str()) {
            (JsonType::Number, Some(v)) if want == "int" => format!("number {v}"),
            _ => ty.name().to_string(),
        };
        if path.is_empty() {
            return format!("json: cannot unmarshal {what} into Go value of type {want}");
        }
        format!(
            "json: cannot unmarshal {what} into Go struct field {strukt}.{}{path} of type {want}",
            self.prefix
        )
    }

    /// The entries of a struct-like map; a null node is an absent struct.
    fn object<'a>(
        &self,
        n: &'a RNode,
        strukt: &str,
        path: &str,
        known: &[&str],
    ) -> Result<Option<&'a RNode>, String> {
        match JsonType::of(n) {
            JsonType::Null => Ok(None),
            JsonType::Object => {
                if self.strict {
                    for (k, _) in n.entries() {
                        let k = k.as_str().unwrap_or_default();
                        if !known.contains(&k) {
                            return Err(format!("json: unknown field \"{k}\""));
                        }
                    }
                }
                Ok(Some(n))
            }
            _ => Err(self.mismatch(n, strukt, path, &format!("types.{}", type_name(path)))),
        }
    }

    fn string(&self, m: &RNode, key: &str, strukt: &str, path: &str) -> Result<String, String> {
        let Some(v) = m.get(key) else {
            return Ok(String::new());
        };
        match JsonType::of(v) {
            JsonType::Null => Ok(String::new()),
            JsonType::String => Ok(v.as_str().unwrap_or_default().to_string()),
            _ => Err(self.mismatch(v, strukt, &format!("{path}.{key}"), "string")),
        }
    }

    fn int(&self, m: &RNode, key: &str, strukt: &str, path: &str) -> Result<i64, String> {
        let Some(v) = m.get(key) else {
            return Ok(0);
        };
        let text = v.as_str().unwrap_or_default();
        match (JsonType::of(v), resolve_plain(text)) {
            (JsonType::Null, _) => Ok(0),
            (JsonType::Number, V2::Int(i)) => Ok(i),
            (JsonType::Number, V2::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Ok(f as i64)
            }
            _ => Err(self.mismatch(v, strukt, &format!("{path}.{key}"), "int")),
        }
    }

    fn bool(&self, m: &RNode, key: &str, strukt: &str, path: &str) -> Result<bool, String> {
        let Some(v) = m.get(key) else {
            return Ok(false);
        };
        match (
            JsonType::of(v),
            resolve_plain(v.as_str().unwrap_or_default()),
        ) {
            (JsonType::Null, _) => Ok(false),
            (JsonType::Bool, V2::Bool(b)) => Ok(b),
            (JsonType::Bool, _) => Ok(matches!(
                v.as_str().map(str::to_ascii_lowercase).as_deref(),
                Some("true" | "yes" | "on" | "y")
            )),
            _ => Err(self.mismatch(v, strukt, &format!("{path}.{key}"), "bool")),
        }
    }

    fn string_list(
        &self,
        m: &RNode,
        key: &str,
        strukt: &str,
        path: &str,
    ) -> Result<Vec<String>, String> {
        let Some(v) = m.get(key) else {
            return Ok(Vec::new());
        };
        match JsonType::of(v) {
            JsonType::Null => Ok(Vec::new()),
            JsonType::Array => v
                .items()
                .iter()
                .map(|i| match JsonType::of(i) {
                    JsonType::Null => Ok(String::new()),
                    JsonType::String => Ok(i.as_str().unwrap_or_default().to_string()),
                    _ => Err(self.mismatch(i, strukt, &format!("{path}.{key}"), "string")),
                })
                .collect(),
            _ => Err(self.mismatch(v, strukt, &format!("{path}.{key}"), "[]string")),
        }
    }

    fn id(&self, m: &RNode, strukt: &str, path: &str) -> Result<IdSelector, String> {
        Ok(IdSelector {
            gvk: Gvk {
                group: self.string(m, "group", strukt, path)?,
                version: self.string(m, "version", strukt, path)?,
                kind: self.string(m, "kind", strukt, path)?,
            },
            name: self.string(m, "name", strukt, path)?,
            namespace: self.string(m, "namespace", strukt, path)?,
        })
    }

    fn options(&self, m: &RNode, path: &str) -> Result<FieldOptions, String> {
        let Some(v) = m.get("options") else {
            return Ok(FieldOptions::default());
        };
        let path = format!("{path}.options");
        let Some(o) = self.object(
            v,
            "FieldOptions",
            &path,
            &["delimiter", "index", "encoding", "create"],
        )?
        else {
            return Ok(FieldOptions::default());
        };
        self.string(o, "encoding", "FieldOptions", &path)?;
        Ok(FieldOptions {
            delimiter: self.string(o, "delimiter", "FieldOptions", &path)?,
            index: self.int(o, "index", "FieldOptions", &path)?,
            create: self.bool(o, "create", "FieldOptions", &path)?,
        })
    }

    fn selector(&self, n: &RNode, path: &str) -> Result<Option<Selector>, String> {
        let Some(m) = self.object(
            n,
            "TargetSelector",
            path,
            &[
                "group",
                "version",
                "kind",
                "name",
                "namespace",
                "labelSelector",
                "annotationSelector",
            ],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(Selector {
            id: self.id(m, "Selector", path)?,
            label_selector: self.string(m, "labelSelector", "Selector", path)?,
            annotation_selector: self.string(m, "annotationSelector", "Selector", path)?,
        }))
    }

    fn target(&self, n: &RNode) -> Result<Option<Target>, String> {
        let path = "targets";
        let Some(m) = self.object(
            n,
            "Replacement",
            path,
            &["select", "reject", "fieldPaths", "options"],
        )?
        else {
            return Ok(None);
        };
        let select = match m.get("select") {
            Some(s) => self.selector(s, "targets.select")?,
            None => None,
        };
        let mut reject = Vec::new();
        if let Some(r) = m.get("reject") {
            match JsonType::of(r) {
                JsonType::Null => {}
                JsonType::Array => {
                    for i in r.items() {
                        reject.push(self.selector(i, "targets.reject")?);
                    }
                }
                _ => {
                    return Err(self.mismatch(
                        r,
                        "TargetSelector",
                        "targets.reject",
                        "[]*types.Selector",
                    ))
                }
            }
        }
        Ok(Some(Target {
            select,
            reject,
            field_paths: self.string_list(m, "fieldPaths", "TargetSelector", path)?,
            options: self.options(m, path)?,
        }))
    }
}

/// The Go type a struct-valued field decodes into, for messages.
fn type_name(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "source" => "SourceSelector",
        "targets" => "TargetSelector",
        "select" | "reject" => "Selector",
        "options" => "FieldOptions",
        _ => "Replacement",
    }
}

impl Replacement {
    fn parse(node: &RNode) -> Result<Replacement, String> {
        // Inline entries are decoded with the kustomization (strictly); `path:` files with
        // sigs.k8s.io/yaml's lenient Unmarshal.
        let strict = node.prov.as_ref().is_some_and(|p| {
            let base = p.file.rsplit(['/', '\\']).next().unwrap_or_default();
            FILE_NAMES.contains(&base)
        });
        let d = Decoder {
            strict,
            prefix: if strict { "replacements." } else { "" },
        };
        let Some(m) = d.object(node, "Replacement", "", &["source", "targets", "path"])? else {
            return Ok(Replacement {
                source: None,
                targets: None,
            });
        };
        let source = match m.get("source") {
            None => None,
            Some(s) => d
                .object(
                    s,
                    "Replacement",
                    "source",
                    &[
                        "group",
                        "version",
                        "kind",
                        "name",
                        "namespace",
                        "fieldPath",
                        "options",
                    ],
                )?
                .map(|s| -> Result<Source, String> {
                    Ok(Source {
                        id: d.id(s, "SourceSelector", "source")?,
                        field_path: d.string(s, "fieldPath", "SourceSelector", "source")?,
                        options: d.options(s, "source")?,
                    })
                })
                .transpose()?,
        };
        let targets = match m.get("targets") {
            None => None,
            Some(t) => match JsonType::of(t) {
                JsonType::Null => None,
                JsonType::Array => Some(
                    t.items()
                        .iter()
                        .map(|i| d.target(i))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                _ => {
                    return Err(d.mismatch(t, "Replacement", "targets", "[]*types.TargetSelector"))
                }
            },
        };
        Ok(Replacement { source, targets })
    }
}

// ---------------------------------------------------------------------------------------------
// Running one replacement
// ---------------------------------------------------------------------------------------------

fn run(resources: &mut [Resource], spec: &Replacement, prov: &Option<Prov>) -> Result<(), String> {
    let (Some(source), Some(targets)) = (&spec.source, &spec.targets) else {
        return Err("replacements must specify a source and at least one target".into());
    };
    let value = source_value(resources, source)?;
    for target in targets {
        let Some(target) = target else {
            return Err("target must specify resources to select".into());
        };
        let Some(select) = &target.select else {
            return Err("target must specify resources to select".into());
        };
        let default_paths = [DEFAULT_FIELD_PATH.to_string()];
        let field_paths: &[String] = if target.field_paths.is_empty() {
            &default_paths
        } else {
            &target.field_paths
        };
        for r in resources.iter_mut() {
            if !select.matches_labels(r)? {
                continue;
            }
            let mut rejected = false;
            for rej in target.reject.iter().flatten() {
                if rej.label_selector.is_empty() && rej.annotation_selector.is_empty() {
                    continue;
                }
                if rej.matches_labels(r)? {
                    rejected = true;
                    break;
                }
            }
            if rejected {
                continue;
            }
            let ids = r.all_ids();
            let rejected_by_id = target
                .reject
                .iter()
                .flatten()
                .any(|rej| !rej.id.is_empty() && ids.iter().any(|id| rej.id.selects(id)));
            if rejected_by_id || !ids.iter().any(|id| select.id.selects(id)) {
                continue;
            }
            let shown = r.id().display();
            for fp in field_paths {
                copy_to_target(&mut r.node, fp, &value, &target.options, prov)
                    .map_err(|e| format!("{e} (target {shown})"))?;
            }
        }
    }
    Ok(())
}

/// Finds the one source object and reads the value (kustomize `getReplacement`).
fn source_value(resources: &[Resource], source: &Source) -> Result<RNode, String> {
    let mut found: Option<&Resource> = None;
    for r in resources {
        if r.all_ids().iter().any(|id| source.id.selects(id)) {
            if found.is_some() {
                return Err(format!(
                    "multiple matches for selector {}",
                    source.display()
                ));
            }
            found = Some(r);
        }
    }
    let Some(r) = found else {
        return Err(format!("nothing selected by {}", source.display()));
    };
    let field_path = if source.field_path.is_empty() {
        DEFAULT_FIELD_PATH
    } else {
        &source.field_path
    };
    let parts = split_path(field_path);
    let node =
        lookup(&r.node, &parts).map_err(|e| format!("error looking up replacement source: {e}"))?;
    let node = match node {
        Some(n) if !is_nil_or_empty(n) => n,
        _ => {
            return Err(format!(
                "fieldPath `{field_path}` is missing for replacement source {}",
                source.id.display()
            ))
        }
    };
    refine(&source.options, node)
}

/// The `delimiter`/`index` options on the source: one part of the split value.
fn refine(options: &FieldOptions, node: &RNode) -> Result<RNode, String> {
    if options.delimiter.is_empty() {
        return Ok(node.clone());
    }
    let Kind::Scalar(s) = &node.kind else {
        return Err("delimiter option can only be used with scalar nodes".into());
    };
    let parts: Vec<&str> = get_value(node).split(options.delimiter.as_str()).collect();
    let part = usize::try_from(options.index)
        .ok()
        .and_then(|i| parts.get(i))
        .ok_or_else(|| {
            format!(
                "options.index {} is out of bounds for value {}",
                options.index,
                get_value(node)
            )
        })?;
    let mut out = node.clone();
    out.kind = Kind::Scalar(Scalar {
        value: part.to_string(),
        ..s.clone()
    });
    Ok(out)
}

/// Writes the value into every field the path matches (kustomize `copyValueToTarget`).
fn copy_to_target(
    root: &mut RNode,
    field_path: &str,
    value: &RNode,
    options: &FieldOptions,
    prov: &Option<Prov>,
) -> Result<(), String> {
    let create = options.create.then(|| Shape::of(value));
    let not_found = || {
        if create.is_some() {
            format!("unable to find or create field {field_path:?} in replacement target")
        } else {
            format!("unable to find field {field_path:?} in replacement target")
        }
    };
    let mut setter = |node: &mut RNode, fresh: bool| set_field(node, fresh, value, options, prov);
    let mut walker = Walker {
        create,
        prov: prov.clone(),
        set: &mut setter,
        set_error: None,
    };
    let parts = split_path_keep_empty(field_path);
    let matched = walker.walk(root, &parts);
    if let Some(e) = walker.set_error {
        return Err(format!("field {field_path:?}: {e}"));
    }
    match matched {
        Ok(0) => Err(not_found()),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("{}: {e}", not_found())),
    }
}

/// Sets one matched target field (kustomize `setFieldValue`). `fresh` is a scalar the path
/// walk just created: it has no type yet and takes the text as written.
fn set_field(
    target: &mut RNode,
    fresh: bool,
    value: &RNode,
    options: &FieldOptions,
    prov: &Option<Prov>,
) -> Result<(), String> {
    let mut text = get_value(value).to_string();
    if !options.delimiter.is_empty() {
        let Kind::Scalar(t) = &target.kind else {
            return Err("delimiter option can only be used with scalar nodes".into());
        };
        let mut parts: Vec<&str> = t.value.split(options.delimiter.as_str()).collect();
        match usize::try_from(options.index) {
            Err(_) => parts.insert(0, &text),
            Ok(i) if i >= parts.len() => parts.push(&text),
            Ok(i) => parts[i] = &text,
        }
        text = parts.join(&options.delimiter);
    } else if let Kind::Scalar(s) = &value.kind {
        // The raw text, whatever it reads as.
        text = s.value.clone();
    }
    match &mut target.kind {
        Kind::Scalar(_) if fresh => {
            *target = RNode::implicit(text).with_prov(prov.clone());
        }
        Kind::Scalar(t) => {
            retype(t, text)?;
            target.prov = prov.clone();
        }
        _ => {
            let mut v = value.clone();
            if let Kind::Scalar(s) = &mut v.kind {
                s.value = text;
            }
            *target = v.with_prov(prov.clone());
        }
    }
    Ok(())
}

/// Puts new text into a scalar that keeps its type, as go-yaml v3 re-encodes a node whose
/// value changed under its resolved tag: a string stays a string, another type must still fit.
fn retype(t: &mut Scalar, text: String) -> Result<(), String> {
    let old = scalar_tag(t);
    match old.as_str() {
        // Plain text read as a string: kustomize keeps the `!!str` tag, quoting if needed.
        "!!str" if t.tag == Tag::Implicit && t.style == Style::Plain => t.tag = Tag::Str,
        "!!null" | "!!bool" | "!!int" | "!!float" | "!!timestamp" => {
            let new = v3_tag(&text);
            if new != old && !(old == "!!float" && new == "!!int") {
                return Err(format!(
                    "cannot decode {new} `{text}` as a {old} (the field keeps its type)"
                ));
            }
        }
        _ => {}
    }
    t.value = text;
    Ok(())
}

/// kyaml `GetValue`: a scalar's text; empty for null and for maps and lists.
fn get_value(n: &RNode) -> &str {
    if is_null(n) {
        return "";
    }
    n.as_str().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Field paths
// ---------------------------------------------------------------------------------------------

/// kyaml `SmarterPathSplitter` on `.`: `\.` is a literal dot, `[...]` holding a `=` stays one
/// part with its brackets, `[a.b]` without `=` becomes the part `a.b`.
fn split_path_keep_empty(path: &str) -> Vec<String> {
    // PathSplitter: split on the delimiter, re-joining parts that end in a backslash.
    let mut split: Vec<String> = Vec::new();
    for (i, p) in path.split('.').enumerate() {
        match split.last_mut() {
            Some(last) if i > 0 && last.ends_with('\\') => {
                last.pop();
                last.push('.');
                last.push_str(p);
            }
            _ => split.push(p.to_string()),
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < split.len() {
        let elem = &split[i];
        if elem.starts_with('[') && !elem.ends_with(']') {
            let mut bracketed = vec![elem.clone()];
            while i < split.len() - 1 {
                i += 1;
                bracketed.push(split[i].clone());
                if split[i].ends_with(']') {
                    break;
                }
            }
            let joined = bracketed.join(".");
            if joined.contains('=') {
                out.push(joined);
            } else {
                out.push(joined.trim_matches(['[', ']']).to_string());
            }
        } else {
            out.push(elem.clone());
        }
        i += 1;
    }
    out
}

/// The split path without blank parts (`PathGetter` cleans its path; `PathMatcher` does not).
fn split_path(path: &str) -> Vec<String> {
    split_path_keep_empty(path)
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn is_list_index(p: &str) -> bool {
    p.starts_with('[') && p.ends_with(']')
}

/// kyaml `IsIdxNumber`: what `strconv.Atoi` reads, not negative.
fn idx_number(p: &str) -> Option<usize> {
    go_atoi(p).and_then(|i| usize::try_from(i).ok())
}

fn go_atoi(p: &str) -> Option<i64> {
    let digits = p.strip_prefix(['+', '-']).unwrap_or(p);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.parse::<i64>().ok()
}

/// kyaml `SplitIndexNameValue`: `[name=value]` → (`name`, `value`).
fn split_index_name_value(p: &str) -> Result<(&str, &str), String> {
    let elem = p.strip_suffix(']').unwrap_or(p);
    let elem = elem.strip_prefix('[').unwrap_or(elem);
    elem.split_once('=').ok_or_else(|| {
        "list path element must contain fieldName=fieldValue for element to match".to_string()
    })
}

// ---------------------------------------------------------------------------------------------
// Node helpers (kyaml semantics)
// ---------------------------------------------------------------------------------------------

/// Tagged null (`~`, `null`, empty plain, `!!null`).
fn is_null(n: &RNode) -> bool {
    match &n.kind {
        Kind::Scalar(s) => match &s.tag {
            Tag::Explicit(t) => short_tag(t) == "!!null",
            _ => n.is_null(),
        },
        _ => false,
    }
}

/// kyaml `IsNilOrEmpty` (for a found node): null, `{}` or `[]`.
fn is_nil_or_empty(n: &RNode) -> bool {
    match &n.kind {
        Kind::Map(e) => e.is_empty(),
        Kind::Seq(i) => i.is_empty(),
        Kind::Scalar(_) => is_null(n),
    }
}

fn kind_name(n: &RNode) -> &'static str {
    match n.kind {
        Kind::Scalar(_) => "ScalarNode",
        Kind::Seq(_) => "SequenceNode",
        Kind::Map(_) => "MappingNode",
    }
}

fn wrong_kind(n: &RNode, expected: &str) -> String {
    format!(
        "wrong node kind: expected {expected} but got {}: node contents:\n{}",
        kind_name(n),
        yaml_text(n).trim_end()
    )
}

/// The first value under `key` (kyaml's `FieldMatcher` takes the first).
fn first_field<'a>(m: &'a RNode, key: &str) -> Option<&'a RNode> {
    m.entries()
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

/// kyaml `Get(name)` through `FieldMatcher`: nothing under null, an error on non-maps.
fn get_field<'a>(n: &'a RNode, key: &str) -> Result<Option<&'a RNode>, String> {
    if is_null(n) {
        return Ok(None);
    }
    if !n.is_map() {
        return Err(wrong_kind(n, "MappingNode"));
    }
    Ok(first_field(n, key))
}

/// kyaml `Elements()`: none under null, an error on non-lists.
fn elements(n: &RNode) -> Result<&[RNode], String> {
    if is_null(n) {
        return Ok(&[]);
    }
    if !n.is_seq() {
        return Err(wrong_kind(n, "SequenceNode"));
    }
    Ok(n.items())
}

/// kyaml `PathGetter` (without create), as the source is read.
fn lookup<'a>(root: &'a RNode, parts: &[String]) -> Result<Option<&'a RNode>, String> {
    let mut cur = root;
    for part in parts {
        let next = if let Some(i) = go_atoi(part) {
            if i < 0 {
                return Err(format!("array index {i} cannot be negative"));
            }
            usize::try_from(i)
                .ok()
                .and_then(|i| elements(cur).map(|e| e.get(i)).transpose())
                .transpose()?
        } else if part == "-" {
            elements(cur)?.last()
        } else if part == "*" {
            return Err("wildcard is not supported in PathGetter".into());
        } else if is_list_index(part) {
            let (name, value) = split_index_name_value(part)?;
            let elems = elements(cur)?;
            if name.is_empty() {
                elems.iter().find(|e| raw_value(e) == value)
            } else {
                elems.iter().find(|e| {
                    e.is_map() && first_field(e, name).is_some_and(|v| raw_value(v) == value)
                })
            }
        } else {
            get_field(cur, part)?
        };
        match next {
            Some(n) => cur = n,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// A node's `Value` in go-yaml terms: a scalar's text, empty for maps and lists.
fn raw_value(n: &RNode) -> &str {
    n.as_str().unwrap_or_default()
}

/// The kind a created node gets.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    Scalar,
    Map,
    Seq,
}

impl Shape {
    fn of(n: &RNode) -> Shape {
        match n.kind {
            Kind::Scalar(_) => Shape::Scalar,
            Kind::Map(_) => Shape::Map,
            Kind::Seq(_) => Shape::Seq,
        }
    }

    /// kyaml `getPathPartKind`: what the next path part needs, the value's kind at the end.
    fn for_next(next: Option<&String>, leaf: Shape) -> Shape {
        match next {
            None => leaf,
            Some(p) if p.is_empty() => leaf,
            Some(p) if is_list_index(p) || idx_number(p).is_some() => Shape::Seq,
            Some(_) => Shape::Map,
        }
    }

    fn node(self, prov: &Option<Prov>) -> RNode {
        match self {
            Shape::Scalar => RNode::implicit(""),
            Shape::Map => RNode::map(),
            Shape::Seq => RNode::seq(Vec::new()),
        }
        .with_prov(prov.clone())
    }
}

type Setter<'s> = dyn FnMut(&mut RNode, bool) -> Result<(), String> + 's;

/// kyaml `PathMatcher` (with `Create`), setting every match as it is found. Returns how many
/// fields matched.
struct Walker<'s, 'f> {
    create: Option<Shape>,
    prov: Option<Prov>,
    set: &'f mut Setter<'s>,
    /// An error from setting a value (reported as such, not as a lookup failure).
    set_error: Option<String>,
}

impl Walker<'_, '_> {
    fn set(&mut self, node: &mut RNode, fresh: bool) -> Result<usize, String> {
        if let Err(e) = (self.set)(node, fresh) {
            self.set_error = Some(e.clone());
            return Err(e);
        }
        Ok(1)
    }

    fn walk(&mut self, node: &mut RNode, path: &[String]) -> Result<usize, String> {
        let Some((part, rest)) = path.split_first() else {
            return self.set(node, false);
        };
        if let Some(idx) = idx_number(part) {
            return self.index(node, idx, rest);
        }
        if is_list_index(part) {
            return self.list_match(node, part, rest);
        }
        if part == "*" {
            if is_null(node) {
                return Ok(0);
            }
            let Some(items) = node.items_mut() else {
                return Err(wrong_kind(node, "SequenceNode"));
            };
            let mut n = 0;
            for item in items {
                n += self.walk(item, rest)?;
            }
            return Ok(n);
        }
        self.field(node, part, rest)
    }

    /// A list element by position; with `create`, appending at the list's length.
    fn index(&mut self, node: &mut RNode, idx: usize, rest: &[String]) -> Result<usize, String> {
        if is_null(node) {
            // kyaml appends to the null node, which is never printed.
            if idx == 0 && self.create.is_some() {
                return Ok(1);
            }
            return Err(format!("index {idx} specified but only 0 elements found"));
        }
        let shape = self.create.map(|c| Shape::for_next(rest.first(), c));
        let prov = self.prov.clone();
        let Some(items) = node.items_mut() else {
            return Err(wrong_kind(node, "SequenceNode"));
        };
        let mut fresh = false;
        if let Some(shape) = shape {
            if items.len() == idx {
                items.push(shape.node(&prov));
                fresh = rest.is_empty() && shape == Shape::Scalar;
            }
        }
        let len = items.len();
        let Some(item) = items.get_mut(idx) else {
            return Err(format!(
                "index {idx} specified but only {len} elements found"
            ));
        };
        if fresh {
            return self.set(item, true);
        }
        self.walk(item, rest)
    }

    /// `[field=regex]` / `[=regex]`: every element whose field (or itself) matches.
    fn list_match(
        &mut self,
        node: &mut RNode,
        part: &str,
        rest: &[String],
    ) -> Result<usize, String> {
        let (field, pattern) = split_index_name_value(part)?;
        if is_null(node) {
            return Ok(usize::from(self.create.is_some()));
        }
        let prov = self.prov.clone();
        let create = self.create;
        let Some(items) = node.items_mut() else {
            return Err(wrong_kind(node, "SequenceNode"));
        };
        let mut re: Option<Regex> = None;
        let mut matches = |text: &str| -> Result<bool, String> {
            if re.is_none() {
                re = Some(Regex::new(pattern).map_err(|e| regex_error(pattern, &e))?);
            }
            Ok(re.as_ref().is_some_and(|r| r.is_match(text.trim())))
        };
        let mut n = 0;
        for item in items.iter_mut() {
            if field.is_empty() {
                // A primitive element: the rest of the path is not followed.
                if matches(&yaml_text(item))? {
                    n += self.set(item, false)?;
                }
                continue;
            }
            let Some(v) = item.is_map().then(|| first_field(item, field)).flatten() else {
                continue;
            };
            if !matches(&yaml_text(v))? {
                continue;
            }
            n += self.walk(item, rest)?;
        }
        if n > 0 || create.is_none() {
            return Ok(n);
        }
        // Not found: append an element that matches, then look again (only it can match).
        let value = RNode::implicit(pattern).with_prov(prov.clone());
        if field.is_empty() {
            items.push(value);
            let last = items.last_mut().expect("just pushed");
            return self.set(last, true);
        }
        let mut elem = RNode::map().with_prov(prov.clone());
        if let Some(e) = elem.entries_mut() {
            e.push((RNode::implicit(field).with_prov(prov), value));
        }
        items.push(elem);
        let last = items.last_mut().expect("just pushed");
        let text = first_field(last, field).map(yaml_text).unwrap_or_default();
        if !matches(&text)? {
            return Ok(0);
        }
        self.walk(last, rest)
    }

    /// A map field; with `create`, added when missing.
    fn field(&mut self, node: &mut RNode, part: &str, rest: &[String]) -> Result<usize, String> {
        if part.is_empty() {
            // kyaml's FieldMatcher without a name compares scalar values.
            if is_null(node) {
                return Ok(0);
            }
            if !matches!(node.kind, Kind::Scalar(_)) {
                return Err(wrong_kind(node, "ScalarNode"));
            }
            if get_value(node).is_empty() {
                return self.walk(node, rest);
            }
            return Ok(0);
        }
        if is_null(node) {
            // kyaml appends to the null node, which is never printed.
            return Ok(usize::from(self.create.is_some()));
        }
        let prov = self.prov.clone();
        let create = self.create;
        let Some(entries) = node.entries_mut() else {
            return Err(wrong_kind(node, "MappingNode"));
        };
        if let Some(i) = entries.iter().position(|(k, _)| k.as_str() == Some(part)) {
            return self.walk(&mut entries[i].1, rest);
        }
        let Some(leaf) = create else {
            return Ok(0);
        };
        let shape = Shape::for_next(rest.first(), leaf);
        entries.push((
            RNode::implicit(part).with_prov(prov.clone()),
            shape.node(&prov),
        ));
        let created = &mut entries.last_mut().expect("just pushed").1;
        if rest.is_empty() && shape == Shape::Scalar {
            return self.set(created, true);
        }
        self.walk(created, rest)
    }
}

// ---------------------------------------------------------------------------------------------
// Scalar types and text (go-yaml v3)
// ---------------------------------------------------------------------------------------------

/// `tag:yaml.org,2002:int` → `!!int`.
fn short_tag(t: &str) -> String {
    t.strip_prefix("tag:yaml.org,2002:")
        .map(|rest| format!("!!{rest}"))
        .unwrap_or_else(|| t.to_string())
}

/// The tag go-yaml v3 gives a scalar node.
fn scalar_tag(s: &Scalar) -> String {
    match &s.tag {
        Tag::Str => "!!str".into(),
        Tag::Explicit(t) => short_tag(t),
        Tag::Implicit if s.style != Style::Plain => "!!str".into(),
        Tag::Implicit => v3_tag(&s.value).into(),
    }
}

/// How go-yaml v3 resolves plain text.
fn v3_tag(s: &str) -> &'static str {
    use serde_json::Value;
    if matches!(
        s,
        ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | ".nan"
            | ".NaN"
            | ".NAN"
    ) {
        return "!!float";
    }
    match resolve_v3(s) {
        Value::Null => "!!null",
        Value::Bool(_) => "!!bool",
        Value::Number(n) if n.is_f64() => "!!float",
        Value::Number(_) => "!!int",
        _ if is_timestamp(s) => "!!timestamp",
        _ => "!!str",
    }
}

/// go-yaml v3's timestamp forms: `2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00` (`t` too),
/// `2006-1-2 15:4:5.999999999`.
fn is_timestamp(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"^[0-9]{4}-([0-9]{1,2})-([0-9]{1,2})(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)?$",
        )
        .expect("valid regex")
    });
    re.captures(s).is_some_and(|c| {
        let month: u32 = c[1].parse().unwrap_or(0);
        let day: u32 = c[2].parse().unwrap_or(0);
        (1..=12).contains(&month) && (1..=31).contains(&day)
    })
}

/// A node as kyaml's `String()` writes it (go-yaml v3, indent 2): what `[field=regex]`
/// matches against, and what errors show.
fn yaml_text(n: &RNode) -> String {
    let Kind::Scalar(s) = &n.kind else {
        return crate::render::emit::emit_document(n);
    };
    match s.style {
        Style::DoubleQuoted => double_quoted(&s.value),
        Style::SingleQuoted => format!("'{}'", s.value.replace('\'', "''")),
        Style::Literal | Style::Folded => {
            let indicator = if s.style == Style::Literal { '|' } else { '>' };
            let chomp = if s.value.ends_with("\n\n") {
                "+"
            } else if s.value.ends_with('\n') {
                ""
            } else {
                "-"
            };
            let body: Vec<String> = s
                .value
                .trim_end_matches('\n')
                .lines()
                .map(|l| format!("  {l}"))
                .collect();
            format!("{indicator}{chomp}\n{}", body.join("\n"))
        }
        Style::Plain => match &s.tag {
            Tag::Str if v3_tag(&s.value) != "!!str" => double_quoted(&s.value),
            Tag::Explicit(t) if short_tag(t) != v3_tag(&s.value) => {
                format!("{} {}", short_tag(t), s.value)
            }
            _ => s.value.clone(),
        },
    }
}

/// Go's wording (`error parsing regexp: missing closing ): `(``), with the regex crate's reason.
fn regex_error(pattern: &str, e: &regex::Error) -> String {
    let text = e.to_string();
    let reason = text.lines().last().unwrap_or_default();
    let reason = reason.strip_prefix("error: ").unwrap_or(reason);
    format!("error parsing regexp: {reason}: `{pattern}`")
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use crate::render::kustomize::{render_to_string, Options};

    /// The resources most tests run against.
    const RESOURCES: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: deploy
  annotations:
    a.b/c: "x"
  labels:
    app: web
spec:
  replicas: 3
  template:
    spec:
      containers:
      - image: foobar:1
        name: nginx
        args: ["-jar", "foo", "7"]
        env:
        - name: A
          value: "$(X)"
        - name: B
          value: plain
        - name: C
          value: 5
        - name: D
          value: "true"
        - name: E
          value:
      - image: postgres:1.8.0
        name: nginx-sidecar
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  num: "42"
  word: hello
  t: "true"
  path: a/b/c
  ip: 10.0.0.1
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - port: 80
    name: http
"#;

    /// Writes the files into a fresh directory and renders it as `kubectl kustomize` would.
    fn render(files: &[(&str, &str)]) -> Result<String, String> {
        render_at(files, ".")
    }

    /// Like [`render`], building the kustomization in the subdirectory `run_dir`.
    fn render_at(files: &[(&str, &str)], run_dir: &str) -> Result<String, String> {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, text).expect("write");
        }
        render_to_string(&dir.path().join(run_dir), &Options::default()).map_err(|e| e.to_string())
    }

    /// A kustomization over [`RESOURCES`] with the given `replacements:` block.
    fn render_with(replacements: &str) -> Result<String, String> {
        let k = format!("resources: [res.yaml]\n{replacements}");
        render(&[("kustomization.yaml", &k), ("res.yaml", RESOURCES)])
    }

    fn assert_error(replacements: &str, want: &str) {
        match render_with(replacements) {
            Ok(out) => panic!("expected an error containing {want:?}, rendered:\n{out}"),
            Err(e) => assert!(e.contains(want), "error {e:?} does not contain {want:?}"),
        }
    }

    #[test]
    fn scalar_targets_keep_their_type() {
        let got = render_with(
            r#"replacements:
- source: {kind: ConfigMap, fieldPath: data.num}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name=nginx].env.[name=B].value
    - spec.replicas
    - spec.template.spec.containers.0.env.[name=D].value
    - spec.template.spec.containers.0.args.2
    - spec.template.spec.containers.0.args.1
  - select: {kind: Service}
    fieldPaths:
    - spec.ports.0.name
    - spec.ports.0.port
"#,
        )
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  ip: 10.0.0.1
  num: "42"
  path: a/b/c
  t: "true"
  word: hello
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - name: "42"
    port: 42
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a.b/c: x
  labels:
    app: web
  name: deploy
spec:
  replicas: 42
  template:
    spec:
      containers:
      - args:
        - -jar
        - "42"
        - "42"
        env:
        - name: A
          value: $(X)
        - name: B
          value: "42"
        - name: C
          value: 5
        - name: D
          value: "42"
        - name: E
          value: null
        image: foobar:1
        name: nginx
      - image: postgres:1.8.0
        name: nginx-sidecar
"#
        );
    }

    #[test]
    fn create_fields_list_elements_and_indexes() {
        let got = render_with(
            r#"replacements:
- source: {kind: ConfigMap, fieldPath: data.num}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.newint
    - spec.template.spec.containers.0.env.[name=NEW].value
    - spec.template.spec.containers.0.args.3
    - spec.template.spec.containers.0.ports.0.containerPort
    - spec.template.spec.containers.0.volumeMounts.[name=x].path
    - spec.template.spec.containers.0.foo.[=bar]
    options: {create: true}
- source: {kind: ConfigMap, fieldPath: data.t}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.newbool
    options: {create: true}
- source: {kind: Deployment, fieldPath: spec.replicas}
  targets:
  - select: {kind: ConfigMap}
    fieldPaths:
    - data.word
    - data.newrep
    options: {create: true}
- source: {kind: Deployment, fieldPath: spec.template.spec.containers.1}
  targets:
  - select: {kind: Service}
    fieldPaths:
    - spec.ports.0
    - spec.x.y
    options: {create: true}
"#,
        )
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  ip: 10.0.0.1
  newrep: 3
  num: "42"
  path: a/b/c
  t: "true"
  word: "3"
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - image: postgres:1.8.0
    name: nginx-sidecar
  x:
    "y":
      image: postgres:1.8.0
      name: nginx-sidecar
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a.b/c: x
  labels:
    app: web
  name: deploy
spec:
  newbool: true
  newint: 42
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - -jar
        - foo
        - "7"
        - 42
        env:
        - name: A
          value: $(X)
        - name: B
          value: plain
        - name: C
          value: 5
        - name: D
          value: "true"
        - name: E
          value: null
        - name: NEW
          value: 42
        foo:
        - 42
        image: foobar:1
        name: nginx
        ports:
        - containerPort: 42
        volumeMounts:
        - name: x
          path: 42
      - image: postgres:1.8.0
        name: nginx-sidecar
"#
        );
    }

    #[test]
    fn path_syntax_brackets_escapes_wildcards_and_last_element() {
        let got = render_with(
            r#"replacements:
- source:
    kind: Deployment
    fieldPath: metadata.annotations.[a.b/c]
  targets:
  - select: {kind: ConfigMap}
    fieldPaths:
    - data.word
    - metadata.annotations.[x.y/z]
    - metadata.labels.a\.b
    options: {create: true}
- source:
    kind: Deployment
    fieldPath: spec.template.spec.containers.[name=nginx-sidecar].image
  targets:
  - select: {kind: ConfigMap}
    fieldPaths:
    - data.side
    options: {create: true}
- source:
    kind: Deployment
    fieldPath: spec.template.spec.containers.-.name
  targets:
  - select: {kind: ConfigMap}
    fieldPaths:
    - data.last
    options: {create: true}
- source:
    kind: Deployment
    fieldPath: metadata.annotations.a\.b/c
  targets:
  - select: {kind: ConfigMap}
    fieldPaths:
    - data.esc
    options: {create: true}
- source:
    kind: Deployment
    fieldPath: spec.template.spec.containers.0.args.[=foo]
  targets:
  - select: {kind: ConfigMap}
    fieldPaths:
    - data.prim
    options: {create: true}
- source:
    kind: ConfigMap
    fieldPath: data.word
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.*.image
    - spec.template.spec.containers.0.args.[=fo]
"#,
        )
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  esc: x
  ip: 10.0.0.1
  last: nginx-sidecar
  num: "42"
  path: a/b/c
  prim: foo
  side: postgres:1.8.0
  t: "true"
  word: x
kind: ConfigMap
metadata:
  annotations:
    x.y/z: x
  labels:
    a.b: x
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a.b/c: x
  labels:
    app: web
  name: deploy
spec:
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - -jar
        - x
        - "7"
        env:
        - name: A
          value: $(X)
        - name: B
          value: plain
        - name: C
          value: 5
        - name: D
          value: "true"
        - name: E
          value: null
        image: x
        name: nginx
      - image: x
        name: nginx-sidecar
"#
        );
    }

    #[test]
    fn create_list_element_by_key() {
        let got = render_with(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data.word
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name=nothing].image
    options: {create: true}
"#,
        )
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  ip: 10.0.0.1
  num: "42"
  path: a/b/c
  t: "true"
  word: hello
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a.b/c: x
  labels:
    app: web
  name: deploy
spec:
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - -jar
        - foo
        - "7"
        env:
        - name: A
          value: $(X)
        - name: B
          value: plain
        - name: C
          value: 5
        - name: D
          value: "true"
        - name: E
          value: null
        image: foobar:1
        name: nginx
      - image: postgres:1.8.0
        name: nginx-sidecar
      - image: hello
        name: nothing
"#
        );
    }

    #[test]
    fn create_under_null_does_nothing() {
        let got = render_with(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data.word
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.0.env.[name=E].value.sub
    options: {create: true}
"#,
        )
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  ip: 10.0.0.1
  num: "42"
  path: a/b/c
  t: "true"
  word: hello
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a.b/c: x
  labels:
    app: web
  name: deploy
spec:
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - -jar
        - foo
        - "7"
        env:
        - name: A
          value: $(X)
        - name: B
          value: plain
        - name: C
          value: 5
        - name: D
          value: "true"
        - name: E
          value: null
        image: foobar:1
        name: nginx
      - image: postgres:1.8.0
        name: nginx-sidecar
"#
        );
    }

    #[test]
    fn map_value_into_scalar_targets_writes_empty_text() {
        let got = render_with(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.0.env.[name=E].value
    - spec.template.spec.containers.0.env.[name=B].value
"#,
        )
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  ip: 10.0.0.1
  num: "42"
  path: a/b/c
  t: "true"
  word: hello
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a.b/c: x
  labels:
    app: web
  name: deploy
spec:
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - -jar
        - foo
        - "7"
        env:
        - name: A
          value: $(X)
        - name: B
          value: ""
        - name: C
          value: 5
        - name: D
          value: "true"
        - name: E
          value: null
        image: foobar:1
        name: nginx
      - image: postgres:1.8.0
        name: nginx-sidecar
"#
        );
    }

    #[test]
    fn delimiter_and_index_options() {
        let got = render_with(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data.path
    options: {delimiter: /, index: 1}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.image]
    options: {delimiter: ':', index: 1}
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.1.image]
    options: {delimiter: ':', index: -1}
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.env.1.value]
    options: {delimiter: ':', index: 5}
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.env.3.value, spec.new]
    options: {delimiter: '-', index: 0, create: true}
  - select: {kind: Deployment}
    fieldPaths: [spec.new2]
    options: {delimiter: '-', index: 1, create: true}
"#,
        )
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  ip: 10.0.0.1
  num: "42"
  path: a/b/c
  t: "true"
  word: hello
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a.b/c: x
  labels:
    app: web
  name: deploy
spec:
  new: b
  new2: -b
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - -jar
        - foo
        - "7"
        env:
        - name: A
          value: $(X)
        - name: B
          value: plain:b
        - name: C
          value: 5
        - name: D
          value: b
        - name: E
          value: null
        image: foobar:b
        name: nginx
      - image: b:postgres:1.8.0
        name: nginx-sidecar
"#
        );
    }

    #[test]
    fn reject_halves_reject_on_their_own() {
        let got = render_with(
            r#"replacements:
- source:
    kind: ConfigMap
    namespace: default
    fieldPath: data.word
  targets:
  - select: {namespace: default}
    reject:
    - labelSelector: app=web
      kind: Service
    fieldPaths: [metadata.annotations.x]
    options: {create: true}
"#,
        )
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  ip: 10.0.0.1
  num: "42"
  path: a/b/c
  t: "true"
  word: hello
kind: ConfigMap
metadata:
  annotations:
    x: hello
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a.b/c: x
  labels:
    app: web
  name: deploy
spec:
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - -jar
        - foo
        - "7"
        env:
        - name: A
          value: $(X)
        - name: B
          value: plain
        - name: C
          value: 5
        - name: D
          value: "true"
        - name: E
          value: null
        image: foobar:1
        name: nginx
      - image: postgres:1.8.0
        name: nginx-sidecar
"#
        );
    }

    #[test]
    fn label_and_annotation_selectors() {
        let got = render_with(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data.word
  targets:
  - select: {labelSelector: "app in (web,x)"}
    fieldPaths: [metadata.annotations.x]
    options: {create: true}
  - select: {annotationSelector: "a.b/c=x"}
    fieldPaths: [metadata.annotations.y]
    options: {create: true}
  - select: {}
    reject: [{kind: Deployment}, {name: cm}]
    fieldPaths: [metadata.annotations.z]
    options: {create: true}
"#,
        )
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  ip: 10.0.0.1
  num: "42"
  path: a/b/c
  t: "true"
  word: hello
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  annotations:
    z: hello
  name: svc
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a.b/c: x
    x: hello
    "y": hello
  labels:
    app: web
  name: deploy
spec:
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - -jar
        - foo
        - "7"
        env:
        - name: A
          value: $(X)
        - name: B
          value: plain
        - name: C
          value: 5
        - name: D
          value: "true"
        - name: E
          value: null
        image: foobar:1
        name: nginx
      - image: postgres:1.8.0
        name: nginx-sidecar
"#
        );
    }

    #[test]
    fn error_source_field_missing() {
        assert_error(
            r#"replacements:
- source: {kind: Deployment, fieldPath: spec.nothere}
  targets:
  - select: {kind: ConfigMap}
"#,
            r#"fieldPath `spec.nothere` is missing for replacement source Deployment.[noVer].[noGrp]/[noName].[noNs]"#,
        );
    }

    #[test]
    fn error_source_matches_several_objects() {
        assert_error(
            r#"replacements:
- source: {version: v1}
  targets:
  - select: {kind: ConfigMap}
"#,
            r#"multiple matches for selector [noKind].v1.[noGrp]/[noName].[noNs]"#,
        );
    }

    #[test]
    fn error_source_matches_nothing() {
        assert_error(
            r#"replacements:
- source:
    kind: Nope
    namespace: ns1
    fieldPath: data.word
    options: {encoding: base64, create: true}
  targets:
  - select: {kind: Deployment}
"#,
            r#"nothing selected by Nope.[noVer].[noGrp]/[noName].ns1:data.word:(0), create=true"#,
        );
    }

    #[test]
    fn error_no_source() {
        assert_error(
            r#"replacements:
- targets:
  - select: {kind: ConfigMap}
"#,
            r#"replacements must specify a source and at least one target"#,
        );
    }

    #[test]
    fn error_no_targets() {
        assert_error(
            r#"replacements:
- source: {kind: ConfigMap}
"#,
            r#"replacements must specify a source and at least one target"#,
        );
    }

    #[test]
    fn error_target_without_select() {
        assert_error(
            r#"replacements:
- source: {kind: ConfigMap}
  targets:
  - fieldPaths: [data.word]
"#,
            r#"target must specify resources to select"#,
        );
    }

    #[test]
    fn error_target_field_missing() {
        assert_error(
            r#"replacements:
- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.nothere.x]
"#,
            r#"unable to find field "spec.nothere.x" in replacement target"#,
        );
    }

    #[test]
    fn error_target_index_out_of_range() {
        assert_error(
            r#"replacements:
- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.5.name]
"#,
            r#"unable to find field "spec.template.spec.containers.5.name" in replacement target: index 5 specified but only 2 elements found"#,
        );
    }

    #[test]
    fn error_target_through_a_scalar() {
        assert_error(
            r#"replacements:
- source: {kind: ConfigMap}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.replicas.x]
    options: {create: true}
"#,
            r#"unable to find or create field "spec.replicas.x" in replacement target: wrong node kind: expected MappingNode but got ScalarNode"#,
        );
    }

    #[test]
    fn error_wildcard_in_source() {
        assert_error(
            r#"replacements:
- source:
    kind: Deployment
    fieldPath: spec.template.spec.containers.*.name
  targets:
  - select: {kind: ConfigMap}
    fieldPaths:
    - data.word
"#,
            r#"error looking up replacement source: wildcard is not supported in PathGetter"#,
        );
    }

    #[test]
    fn error_wildcard_on_a_map() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data.word
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - metadata.*
"#,
            r#"wrong node kind: expected SequenceNode but got MappingNode"#,
        );
    }

    #[test]
    fn error_string_into_int_field() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data.word
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.*.newfield
    - spec.template.spec.containers.[name=nginx].env.[name=C].value
    options: {create: true}
"#,
            r#"cannot decode !!str `hello` as a !!int"#,
        );
    }

    #[test]
    fn error_source_index_out_of_bounds() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data.path
    options: {delimiter: /, index: 3}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.image]
"#,
            r#"options.index 3 is out of bounds for value a/b/c"#,
        );
    }

    #[test]
    fn error_source_delimiter_on_a_map() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data
    options: {delimiter: /}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.image]
"#,
            r#"delimiter option can only be used with scalar nodes"#,
        );
    }

    #[test]
    fn error_target_delimiter_on_a_map() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data.path
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template]
    options: {delimiter: /}
"#,
            r#"delimiter option can only be used with scalar nodes"#,
        );
    }

    #[test]
    fn error_list_index_without_equals() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
    name: cm
    fieldPath: data.word
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name].image
"#,
            r#"list path element must contain fieldName=fieldValue for element to match"#,
        );
    }

    #[test]
    fn error_number_for_a_string_field() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
    name: 123
  targets:
  - select: {kind: Deployment}
"#,
            r#"json: cannot unmarshal number into Go struct field SourceSelector.replacements.source.name of type string"#,
        );
    }

    #[test]
    fn error_string_for_an_int_field() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
    fieldPath: data.path
    options: {delimiter: /, index: "1"}
  targets:
  - select: {kind: Deployment}
"#,
            r#"json: cannot unmarshal string into Go struct field FieldOptions.replacements.source.options.index of type int"#,
        );
    }

    #[test]
    fn error_string_for_a_bool_field() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
  targets:
  - select: {kind: Deployment}
    options: {create: "true"}
"#,
            r#"json: cannot unmarshal string into Go struct field FieldOptions.replacements.targets.options.create of type bool"#,
        );
    }

    #[test]
    fn error_string_for_a_list_field() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
  targets:
  - select: {kind: Deployment}
    fieldPaths: metadata.name
"#,
            r#"json: cannot unmarshal string into Go struct field TargetSelector.replacements.targets.fieldPaths of type []string"#,
        );
    }

    #[test]
    fn error_unknown_field_inline() {
        assert_error(
            r#"replacements:
- source:
    kind: ConfigMap
  bogus: 1
  targets:
  - select: {kind: Deployment}
    bogus2: 1
"#,
            r#"json: unknown field "bogus""#,
        );
    }

    #[test]
    fn path_file_with_a_list_is_decoded_leniently() {
        let got = render(&[
            (
                "kustomization.yaml",
                r#"resources: [res.yaml]
replacements:
- path: r.yaml
"#,
            ),
            (
                "r.yaml",
                r#"- source:
    kind: ConfigMap
    name: cm
    fieldPath: data.word
    bogus: 1
  targets:
  - select: {kind: Deployment}
    fieldPaths: [metadata.labels.app]
- source:
    kind: ConfigMap
    name: cm
    fieldPath: data.num
  targets:
  - select: {kind: Service}
    fieldPaths: [spec.ports.0.port]
"#,
            ),
            ("res.yaml", RESOURCES),
        ])
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  ip: 10.0.0.1
  num: "42"
  path: a/b/c
  t: "true"
  word: hello
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - name: http
    port: 42
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a.b/c: x
  labels:
    app: hello
  name: deploy
spec:
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - -jar
        - foo
        - "7"
        env:
        - name: A
          value: $(X)
        - name: B
          value: plain
        - name: C
          value: 5
        - name: D
          value: "true"
        - name: E
          value: null
        image: foobar:1
        name: nginx
      - image: postgres:1.8.0
        name: nginx-sidecar
"#
        );
    }

    const BLUE_RED: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: blue\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: red\n";

    #[test]
    fn replacement_in_a_base_runs_before_the_overlay_prefix() {
        let got = render(&[
            (
                "kustomization.yaml",
                "namePrefix: overlay-\nresources:\n- base\n",
            ),
            (
                "base/kustomization.yaml",
                r#"resources: [cm.yaml]
replacements:
- source:
    kind: ConfigMap
    name: blue
    fieldPath: metadata.name
  targets:
  - select:
      name: red
    fieldPaths:
    - data.blue-name
    options:
      create: true
"#,
            ),
            ("base/cm.yaml", BLUE_RED),
        ])
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: overlay-blue
---
apiVersion: v1
data:
  blue-name: blue
kind: ConfigMap
metadata:
  name: overlay-red
"#
        );
    }

    #[test]
    fn source_namespace_is_read_in_the_base() {
        let got = render(&[
            (
                "kustomization.yaml",
                "namespace: overlay-namespace\nresources:\n- base\n",
            ),
            (
                "base/kustomization.yaml",
                r#"namespace: base-namespace
resources: [cm.yaml]
replacements:
- source:
    kind: ConfigMap
    name: blue
    fieldPath: metadata.namespace
  targets:
  - select:
      name: red
    fieldPaths:
    - data.blue-namespace
    options:
      create: true
"#,
            ),
            ("base/cm.yaml", BLUE_RED),
        ])
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: blue
  namespace: overlay-namespace
---
apiVersion: v1
data:
  blue-namespace: base-namespace
kind: ConfigMap
metadata:
  name: red
  namespace: overlay-namespace
"#
        );
    }

    #[test]
    fn select_and_reject_see_earlier_names() {
        let got = render_at(
            &[
                ("base/kustomization.yaml", "resources:\n  - app.yaml\n"),
                (
                    "base/app.yaml",
                    r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: original-name
spec:
  template:
    spec:
      containers:
        - image: app1:1.0
          name: app
"#,
                ),
                (
                    "overlay/cm.yaml",
                    r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  name: something-else
"#,
                ),
                (
                    "overlay/kustomization.yaml",
                    r#"nameSuffix: -dev
resources:
  - ../base
  - cm.yaml
replacements:
  - source:
      kind: ConfigMap
      name: app-config
      fieldPath: data.name
    targets:
      - fieldPaths:
          - spec.template.spec.containers.0.name
        select:
          kind: Deployment
        reject:
          - name: original-name
  - source:
      kind: ConfigMap
      name: app-config-dev
      fieldPath: data.name
    targets:
      - fieldPaths:
          - spec.template.spec.containers.0.image
        select:
          kind: Deployment
        reject:
          - name: something
"#,
                ),
            ],
            "overlay",
        )
        .unwrap();
        assert_eq!(
            got,
            r#"apiVersion: v1
data:
  name: something-else
kind: ConfigMap
metadata:
  name: app-config-dev
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: original-name-dev
spec:
  template:
    spec:
      containers:
      - image: something-else
        name: app
"#
        );
    }
}
