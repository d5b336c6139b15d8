//! `configMapGenerator`, `secretGenerator` and `generatorOptions`, as kustomize v5.5.0 (the one
//! inside `kubectl`) builds them, including the content-hash name suffix.
//!
//! Behaviour checked against `kubectl kustomize` (see the tests); the notes below are the facts
//! the code relies on.
//!
//! * The kustomization is decoded the way kustomize decodes it: YAML 1.1 (`yes`, `y`, `on` are
//!   booleans, `012` is a number) converted to JSON, then Go's `encoding/json` with unknown
//!   fields rejected. Field names match case-insensitively; when two keys name the same field,
//!   the one that sorts last (bytewise) wins. Builtin plugin configs (`generators:` entries with
//!   `kind: ConfigMapGenerator`) are read as YAML 1.2 and unknown fields are ignored.
//! * Pairs come from env files, then literals, then files. A key may appear once. kubectl's
//!   kustomize does not validate key names (`a b`, `a/b` are accepted), but a key that reads as
//!   another type in YAML 1.2 (`true`, `0755`, `1e3`, `null`, a date) makes kustomize fail when
//!   it writes the object, so it is an error here.
//! * Env files: lines split at `\n` (a trailing `\r` dropped), each line must be UTF-8, a BOM is
//!   dropped from line 1, leading whitespace trimmed, blank lines and `#` comments skipped;
//!   `KEY=value` keeps the value verbatim (no quote removal, trailing spaces kept); a line
//!   without `=` is a key with an empty value (not read from the environment); an empty key is
//!   skipped. A line of 64 KiB or more silently ends the file (kustomize ignores its scanner's
//!   error).
//! * Literals: `key=value`, split at the first `=`; surrounding matching quotes are removed
//!   from the value.
//! * Files: `path` (key = base name) or `key=path`; the bytes as read. A ConfigMap keeps UTF-8
//!   content in `data` and puts anything else, base64-encoded, in `binaryData`. A Secret's
//!   values are base64 in `data` (which is always present, even empty). Base64 longer than 69
//!   characters is cut into lines of 70, each ending in `\n`.
//! * The hash covers only `kind`, `data`, `binaryData` (ConfigMap) / `type`, `data`,
//!   `stringData` (Secret): kustomize looks the name up with a path that never matches, so the
//!   name always hashes as `""`. It is computed on the final object (after every transformer).
//! * kustomize passes the generator arguments through JSON that it reads back as YAML: a raw
//!   U+0085 (a YAML line break) in a literal is folded (`fold_nel`); U+007F–U+009F (except
//!   U+0085), U+FFFE and U+FFFF make it fail. The same happens to every string when kustomize
//!   prints its output, so a ConfigMap value from a file or env file with those characters
//!   fails too (an error here), and one with U+0085 is hashed raw but printed folded (the
//!   emitter's business).
//! * `kubectl kustomize` prints every object through JSON and go-yaml v2, so every map comes
//!   out in go-yaml v2's key order ([`yaml_v2_key_less`]). The nodes built here are already in
//!   that order. That order is not transitive for some keys (`a0b`, `a1b`, `a01c`; `1a`, `2a`,
//!   `10a`), and Go's map order is random, so kubectl's own output order varies between runs
//!   for such keys.
//! * Merge/replace: see [`merge`] and [`merged_needs_hash`].

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::render::node::{Kind, RNode, Scalar, Style, Tag};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    ConfigMap,
    Secret,
}

impl GenKind {
    /// The kustomization field that lists these generators.
    pub fn field(self) -> &'static str {
        match self {
            GenKind::ConfigMap => "configMapGenerator",
            GenKind::Secret => "secretGenerator",
        }
    }

    /// The kind of object generated.
    pub fn kind(self) -> &'static str {
        match self {
            GenKind::ConfigMap => "ConfigMap",
            GenKind::Secret => "Secret",
        }
    }

    fn plugin(self) -> &'static str {
        match self {
            GenKind::ConfigMap => "ConfigMapGenerator",
            GenKind::Secret => "SecretGenerator",
        }
    }
}

/// What a generator does with an object of the same id from a base. Any `behavior` other than
/// `merge` and `replace` (including misspellings such as `Merge`) acts as `create`, as in
/// kustomize: it fails only if the id already exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Behavior {
    #[default]
    Create,
    Merge,
    Replace,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct GeneratorOptions {
    /// Sorted by key, no duplicates.
    pub labels: Vec<(String, String)>,
    /// Sorted by key, no duplicates.
    pub annotations: Vec<(String, String)>,
    pub disable_name_suffix_hash: Option<bool>,
    pub immutable: Option<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GeneratorArgs {
    pub kind: GenKind,
    pub name: String,
    /// `None` when absent or empty.
    pub namespace: Option<String>,
    pub behavior: Behavior,
    pub literals: Vec<String>,
    pub files: Vec<String>,
    /// `envs`, then the legacy single `env`.
    pub envs: Vec<String>,
    /// Secrets only; `None` when absent or empty (generated as `Opaque`).
    pub secret_type: Option<String>,
    pub options: Option<GeneratorOptions>,
}

/// A generated ConfigMap or Secret, before any transformer and without its hash suffix.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    pub node: RNode,
    /// The name gets `-<hash_suffix>` at the very end of the build (after all transformers of
    /// the top kustomization), unless `disableNameSuffixHash` was set.
    pub needs_hash: bool,
    pub behavior: Behavior,
}

// ---------------------------------------------------------------------------------------------
// Decoding kustomization fields the way kustomize does (YAML -> JSON -> encoding/json).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Schema {
    /// go-yaml v2 (sigs.k8s.io/yaml), used for kustomization files.
    V11,
    /// go-yaml v3 (kyaml), used for plugin configs and for reading objects back.
    V12,
}

/// What a plain scalar resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Res {
    Null,
    Bool(bool),
    Int,
    Float,
    Timestamp,
    Merge,
    Str,
}

fn resolve_plain(s: &str, schema: Schema) -> Res {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Res::Null,
        "true" | "True" | "TRUE" => return Res::Bool(true),
        "false" | "False" | "FALSE" => return Res::Bool(false),
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return Res::Float,
        "<<" => return Res::Merge,
        _ => {}
    }
    if schema == Schema::V11 {
        match s {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Res::Bool(true),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Res::Bool(false),
            _ => {}
        }
    }
    let first = s.as_bytes()[0];
    if first == b'.' {
        return if float_syntax(s) {
            Res::Float
        } else {
            Res::Str
        };
    }
    if !(first.is_ascii_digit() || first == b'+' || first == b'-') {
        return Res::Str;
    }
    if is_timestamp(s) {
        // go-yaml v2 decodes timestamps into interface{} as strings.
        return match schema {
            Schema::V11 => Res::Str,
            Schema::V12 => Res::Timestamp,
        };
    }
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    if go_int_syntax(&plain) {
        return Res::Int;
    }
    if float_syntax(&plain) {
        return Res::Float;
    }
    let digits_ok = |d: &str, radix: u32| !d.is_empty() && d.chars().all(|c| c.is_digit(radix));
    for (prefix, radix) in [("0b", 2), ("-0b", 2), ("0o", 8), ("-0o", 8)] {
        if radix == 8 && schema == Schema::V11 {
            continue;
        }
        if let Some(d) = plain.strip_prefix(prefix) {
            if digits_ok(d, radix) {
                return Res::Int;
            }
        }
    }
    Res::Str
}

/// Go's `strconv.ParseInt(s, 0, 64)` or `ParseUint(s, 0, 64)` succeeds.
fn go_int_syntax(s: &str) -> bool {
    go_int_value(s).is_some()
}

/// The value of `s` when Go's `strconv.ParseInt(s, 0, 64)` or `ParseUint(s, 0, 64)` accepts it
/// (base prefixes `0x`, `0o`, `0b`, and a leading `0` for octal).
fn go_int_value(s: &str) -> Option<f64> {
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (Some(false), &s[1..]),
        Some(b'-') => (Some(true), &s[1..]),
        _ => (None, s),
    };
    let lower = rest.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mut v: u128 = 0;
    for c in digits.chars() {
        v = v * u128::from(radix) + u128::from(c.to_digit(radix).unwrap_or(0));
        if v > u128::from(u64::MAX) {
            return None;
        }
    }
    let ok = match sign {
        Some(true) => v <= 1u128 << 63,
        Some(false) => v <= i64::MAX as u128,
        None => true,
    };
    match (ok, sign) {
        (false, _) => None,
        (true, Some(true)) => Some(-(v as f64)),
        (true, _) => Some(v as f64),
    }
}

use crate::load::resolve::is_yaml_style_float as float_syntax;

/// go-yaml's timestamp formats: `2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00` (also `t`),
/// `2006-1-2 15:4:5.999999999`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let num = |i: &mut usize, max: usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == start {
            return None;
        }
        s[start..*i].parse().ok()
    };
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mut i = 5;
    let Some(month) = num(&mut i, 2) else {
        return false;
    };
    if i >= b.len() || b[i] != b'-' {
        return false;
    }
    i += 1;
    let Some(day) = num(&mut i, 2) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let zoned = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    let field = |i: &mut usize, max: u32, sep: Option<u8>| -> bool {
        match num(i, 2) {
            Some(v) if v < max => {}
            _ => return false,
        }
        match sep {
            Some(c) if *i < b.len() && b[*i] == c => {
                *i += 1;
                true
            }
            Some(_) => false,
            None => true,
        }
    };
    if !field(&mut i, 24, Some(b':')) || !field(&mut i, 60, Some(b':')) || !field(&mut i, 60, None)
    {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        let start = i + 1;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if !zoned {
        return i == b.len();
    }
    if i < b.len() && b[i] == b'Z' {
        return i + 1 == b.len();
    }
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        let z = &b[i + 1..];
        return z.len() == 5
            && z[0].is_ascii_digit()
            && z[1].is_ascii_digit()
            && z[2] == b':'
            && z[3].is_ascii_digit()
            && z[4].is_ascii_digit();
    }
    false
}

/// A YAML value as Go's JSON decoder sees it.
#[derive(Debug)]
enum Val<'a> {
    Null,
    Bool(&'a str),
    Num(&'a str),
    Str(&'a str),
    Seq(&'a [RNode]),
    Map(&'a RNode),
}

fn classify(n: &RNode, schema: Schema) -> Val<'_> {
    match &n.kind {
        Kind::Seq(items) => Val::Seq(items),
        Kind::Map(_) => Val::Map(n),
        Kind::Scalar(s) => {
            let v = s.value.as_str();
            match &s.tag {
                Tag::Str => Val::Str(v),
                Tag::Explicit(t) => match t.strip_prefix("!!").unwrap_or(t) {
                    "null" => Val::Null,
                    "bool" => Val::Bool(v),
                    "int" | "float" => Val::Num(v),
                    _ => Val::Str(v),
                },
                Tag::Implicit if s.style != Style::Plain => Val::Str(v),
                Tag::Implicit => match resolve_plain(v, schema) {
                    Res::Null => Val::Null,
                    Res::Bool(_) => Val::Bool(v),
                    Res::Int | Res::Float => Val::Num(v),
                    Res::Timestamp | Res::Merge | Res::Str => Val::Str(v),
                },
            }
        }
    }
}

fn describe(v: &Val<'_>) -> String {
    let hint = |t: &str| {
        if t == "true" || t == "false" {
            String::new()
        } else {
            " (quote it to make it a string)".to_string()
        }
    };
    match v {
        Val::Null => "null".into(),
        Val::Bool(t) => format!("`{t}`, which YAML reads as a boolean{}", hint(t)),
        Val::Num(t) => {
            format!("`{t}`, which YAML reads as a number (quote it to make it a string)")
        }
        Val::Str(t) => format!("the string `{t}`"),
        Val::Seq(_) => "a list".into(),
        Val::Map(_) => "a mapping".into(),
    }
}

/// Go's `encoding/json` case folding of field names.
fn fold_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_ascii_uppercase()
            } else {
                let l = c.to_lowercase().next().unwrap_or(c);
                l.to_uppercase().next().unwrap_or(l)
            }
        })
        .collect()
}

/// A map key as the YAML-to-JSON conversion spells it.
fn key_string(k: &RNode, schema: Schema) -> Result<String, String> {
    match classify(k, schema) {
        Val::Null => Err("a null key".into()),
        Val::Bool(t) => Ok(match resolve_plain(t, schema) {
            Res::Bool(false) => "false".into(),
            _ => "true".into(),
        }),
        Val::Num(t) | Val::Str(t) => Ok(t.to_string()),
        Val::Seq(_) | Val::Map(_) => Err("a key that is a list or mapping".into()),
    }
}

/// The fields of a mapping, as `encoding/json` assigns them: keys converted to strings,
/// duplicates collapsed (the last wins), then visited in bytewise order, each matched to a
/// known field exactly or case-insensitively. Unknown keys are errors when `strict`.
fn decode_object<'a>(
    node: &'a RNode,
    known: &[&'static str],
    strict: bool,
    schema: Schema,
    ctx: &str,
) -> Result<Vec<(&'static str, &'a RNode)>, String> {
    let mut keys: BTreeMap<String, &'a RNode> = BTreeMap::new();
    for (k, v) in node.entries() {
        let ks = key_string(k, schema).map_err(|e| format!("{ctx}: has {e}"))?;
        keys.insert(ks, v);
    }
    let mut out = Vec::new();
    for (k, v) in keys {
        let field = known
            .iter()
            .find(|f| **f == k)
            .or_else(|| known.iter().find(|f| fold_name(f) == fold_name(&k)));
        match field {
            Some(f) => out.push((*f, v)),
            None if strict => {
                return Err(format!(
                    "{ctx}: unknown field `{k}` (known: {})",
                    known.join(", ")
                ))
            }
            None => {}
        }
    }
    Ok(out)
}

fn want_string(
    v: &RNode,
    schema: Schema,
    ctx: &str,
    field: &str,
) -> Result<Option<String>, String> {
    match classify(v, schema) {
        Val::Null => Ok(None),
        Val::Str(s) => Ok(Some(s.to_string())),
        other => Err(format!(
            "{ctx}: `{field}` must be a string, not {}",
            describe(&other)
        )),
    }
}

fn want_bool(v: &RNode, schema: Schema, ctx: &str, field: &str) -> Result<Option<bool>, String> {
    match classify(v, schema) {
        Val::Null => Ok(None),
        Val::Bool(t) => Ok(Some(!matches!(resolve_plain(t, schema), Res::Bool(false)))),
        other => Err(format!(
            "{ctx}: `{field}` must be true or false, not {}",
            describe(&other)
        )),
    }
}

/// `None` for null (which clears the list).
fn want_string_list(
    v: &RNode,
    schema: Schema,
    ctx: &str,
    field: &str,
) -> Result<Option<Vec<String>>, String> {
    match classify(v, schema) {
        Val::Null => Ok(None),
        Val::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match classify(item, schema) {
                    Val::Null => out.push(String::new()),
                    Val::Str(s) => out.push(s.to_string()),
                    other => {
                        return Err(format!(
                            "{ctx}: `{field}` item {} must be a string, not {}",
                            i + 1,
                            describe(&other)
                        ))
                    }
                }
            }
            Ok(Some(out))
        }
        other => Err(format!(
            "{ctx}: `{field}` must be a list of strings, not {}",
            describe(&other)
        )),
    }
}

/// Merges a string map into `into` (Go's decoder reuses an existing map); null clears it.
fn want_string_map(
    v: &RNode,
    into: &mut Vec<(String, String)>,
    schema: Schema,
    ctx: &str,
    field: &str,
) -> Result<(), String> {
    match classify(v, schema) {
        Val::Null => {
            into.clear();
            Ok(())
        }
        Val::Map(m) => {
            for (k, val) in m.entries() {
                let key = match classify(k, schema) {
                    Val::Str(s) => s.to_string(),
                    other => {
                        return Err(format!(
                            "{ctx}: `{field}` has the key {}; keys must be strings, and \
                             kustomize cannot write this one back",
                            describe(&other)
                        ))
                    }
                };
                let value = match classify(val, schema) {
                    Val::Null => String::new(),
                    Val::Str(s) => s.to_string(),
                    other => {
                        return Err(format!(
                            "{ctx}: `{field}.{key}` must be a string, not {}",
                            describe(&other)
                        ))
                    }
                };
                match into.iter_mut().find(|(k, _)| *k == key) {
                    Some(e) => e.1 = value,
                    None => into.push((key, value)),
                }
            }
            into.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(())
        }
        other => Err(format!(
            "{ctx}: `{field}` must be a mapping of strings, not {}",
            describe(&other)
        )),
    }
}

const OPTION_FIELDS: &[&str] = &[
    "labels",
    "annotations",
    "disableNameSuffixHash",
    "immutable",
];

fn decode_options_into(
    o: &mut GeneratorOptions,
    node: &RNode,
    strict: bool,
    schema: Schema,
    ctx: &str,
) -> Result<(), String> {
    for (field, v) in decode_object(node, OPTION_FIELDS, strict, schema, ctx)? {
        match field {
            "labels" => want_string_map(v, &mut o.labels, schema, ctx, field)?,
            "annotations" => want_string_map(v, &mut o.annotations, schema, ctx, field)?,
            "disableNameSuffixHash" => {
                if let Some(b) = want_bool(v, schema, ctx, field)? {
                    o.disable_name_suffix_hash = Some(b);
                }
            }
            "immutable" => {
                if let Some(b) = want_bool(v, schema, ctx, field)? {
                    o.immutable = Some(b);
                }
            }
            _ => unreachable!("field list"),
        }
    }
    Ok(())
}

/// The kustomization's `generatorOptions`.
pub fn parse_options(node: &RNode) -> Result<GeneratorOptions, String> {
    let ctx = "generatorOptions";
    let mut o = GeneratorOptions::default();
    match classify(node, Schema::V11) {
        Val::Null => Ok(o),
        Val::Map(_) => {
            decode_options_into(&mut o, node, true, Schema::V11, ctx)?;
            Ok(o)
        }
        other => Err(format!("{ctx} must be a mapping, not {}", describe(&other))),
    }
}

/// One entry of a kustomization's configMapGenerator/secretGenerator list (keys as kustomize
/// accepts them, incl. the legacy `env:` single string).
pub fn parse_args(kind: GenKind, entry: &RNode) -> Result<GeneratorArgs, String> {
    decode_args(kind, entry, false)
}

/// A builtin generator plugin config listed under `generators:` (`apiVersion: builtin`,
/// `kind: ConfigMapGenerator` or `SecretGenerator`): read as YAML 1.2, unknown fields ignored,
/// `name`/`namespace` falling back to `metadata.name`/`metadata.namespace`. kustomize does not
/// apply the kustomization's `generatorOptions` to these (pass `None` as `global`).
pub fn parse_plugin_config(kind: GenKind, node: &RNode) -> Result<GeneratorArgs, String> {
    decode_args(kind, node, true)
}

fn peek_name(node: &RNode, schema: Schema) -> Option<String> {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in node.entries() {
        let Ok(ks) = key_string(k, schema) else {
            continue;
        };
        if fold_name(&ks) == "NAME" {
            if let Val::Str(s) = classify(v, schema) {
                found.insert(ks, s.to_string());
            }
        }
    }
    found
        .get("name")
        .or_else(|| found.values().last())
        .cloned()
        .filter(|s| !s.is_empty())
}

fn decode_args(kind: GenKind, node: &RNode, plugin: bool) -> Result<GeneratorArgs, String> {
    let schema = if plugin { Schema::V12 } else { Schema::V11 };
    let what = if plugin { kind.plugin() } else { kind.field() };
    let name_hint = peek_name(node, schema).or_else(|| {
        plugin
            .then(|| node.get("metadata").and_then(|m| peek_name(m, schema)))
            .flatten()
    });
    let ctx = match &name_hint {
        Some(n) => format!("{what} `{n}`"),
        None => format!("{what} entry"),
    };
    match classify(node, schema) {
        Val::Map(_) => {}
        other => return Err(format!("{ctx} must be a mapping, not {}", describe(&other))),
    }
    let mut known: Vec<&'static str> = vec![
        "namespace",
        "name",
        "behavior",
        "literals",
        "files",
        "envs",
        "env",
        "options",
    ];
    if kind == GenKind::Secret {
        known.push("type");
    }
    if plugin {
        known.push("metadata");
    }
    let mut args = GeneratorArgs {
        kind,
        name: String::new(),
        namespace: None,
        behavior: Behavior::Create,
        literals: Vec::new(),
        files: Vec::new(),
        envs: Vec::new(),
        secret_type: None,
        options: None,
    };
    let mut env = String::new();
    let mut namespace = String::new();
    let mut secret_type = String::new();
    let (mut meta_name, mut meta_ns) = (String::new(), String::new());
    for (field, v) in decode_object(node, &known, !plugin, schema, &ctx)? {
        let string = |v| want_string(v, schema, &ctx, field);
        let list = |v| want_string_list(v, schema, &ctx, field);
        match field {
            "name" => {
                if let Some(s) = string(v)? {
                    args.name = s;
                }
            }
            "namespace" => {
                if let Some(s) = string(v)? {
                    namespace = s;
                }
            }
            "behavior" => {
                if let Some(s) = string(v)? {
                    args.behavior = match s.as_str() {
                        "merge" => Behavior::Merge,
                        "replace" => Behavior::Replace,
                        _ => Behavior::Create,
                    };
                }
            }
            "literals" => args.literals = list(v)?.unwrap_or_default(),
            "files" => args.files = list(v)?.unwrap_or_default(),
            "envs" => args.envs = list(v)?.unwrap_or_default(),
            "env" => {
                if let Some(s) = string(v)? {
                    env = s;
                }
            }
            "type" => {
                if let Some(s) = string(v)? {
                    secret_type = s;
                }
            }
            "options" => match classify(v, schema) {
                Val::Null => args.options = None,
                Val::Map(_) => {
                    let mut o = args.options.take().unwrap_or_default();
                    decode_options_into(&mut o, v, !plugin, schema, &format!("{ctx}: options"))?;
                    args.options = Some(o);
                }
                other => {
                    return Err(format!(
                        "{ctx}: `options` must be a mapping, not {}",
                        describe(&other)
                    ))
                }
            },
            "metadata" => {
                if let Val::Map(_) = classify(v, schema) {
                    let mctx = format!("{ctx}: metadata");
                    for (f, mv) in decode_object(v, &["name", "namespace"], false, schema, &mctx)? {
                        if let Some(s) = want_string(mv, schema, &mctx, f)? {
                            if f == "name" {
                                meta_name = s;
                            } else {
                                meta_ns = s;
                            }
                        }
                    }
                }
            }
            _ => unreachable!("field list"),
        }
    }
    if plugin {
        if args.name.is_empty() {
            args.name = meta_name;
        }
        if namespace.is_empty() {
            namespace = meta_ns;
        }
    }
    if !env.is_empty() {
        args.envs.push(env);
    }
    args.namespace = (!namespace.is_empty()).then_some(namespace);
    args.secret_type = (!secret_type.is_empty()).then_some(secret_type);
    Ok(args)
}

/// kustomize's `MergeGlobalOptionsIntoLocal`: the generator's own labels and annotations win
/// over the global ones; a global `true` for a boolean wins over anything local.
pub fn merge_options(
    local: Option<&GeneratorOptions>,
    global: Option<&GeneratorOptions>,
) -> GeneratorOptions {
    let mut o = local.cloned().unwrap_or_default();
    if let Some(g) = global {
        for (dst, src) in [
            (&mut o.labels, &g.labels),
            (&mut o.annotations, &g.annotations),
        ] {
            for (k, v) in src {
                if !dst.iter().any(|(dk, _)| dk == k) {
                    dst.push((k.clone(), v.clone()));
                }
            }
            dst.sort_by(|a, b| a.0.cmp(&b.0));
        }
        if g.disable_name_suffix_hash == Some(true) {
            o.disable_name_suffix_hash = Some(true);
        }
        if g.immutable == Some(true) {
            o.immutable = Some(true);
        }
    }
    o
}

// ---------------------------------------------------------------------------------------------
// Loading key/value pairs.

#[derive(Debug)]
struct Pair {
    key: String,
    value: Vec<u8>,
    /// For messages: where the pair came from.
    from: String,
}

/// Go's `path.Base`.
fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// `[key=]path`.
fn parse_file_source(source: &str) -> Result<(String, String), String> {
    let n = source.matches('=').count();
    if n == 0 {
        return Ok((path_base(source), source.to_string()));
    }
    if n > 1 {
        return Err(format!(
            "file source `{source}`: the key name or the path contains `=`"
        ));
    }
    let (k, p) = source.split_once('=').unwrap_or_default();
    if k.is_empty() {
        return Err(format!("file source `{source}`: no key name before `=`"));
    }
    if p.is_empty() {
        return Err(format!("file source `{source}`: no file path after `=`"));
    }
    Ok((k.to_string(), p.to_string()))
}

/// `key=value`; matching surrounding quotes are removed from the value.
fn parse_literal(source: &str) -> Result<(String, String), String> {
    match source.split_once('=') {
        Some((k, v)) if !k.is_empty() => {
            let b = v.as_bytes();
            let v = if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
                &v[1..v.len() - 1]
            } else {
                v
            };
            Ok((k.to_string(), v.to_string()))
        }
        Some(_) => Err(format!(
            "literal `{source}` has no key before `=` (expected key=value)"
        )),
        None => Err(format!("literal `{source}` is not key=value")),
    }
}

/// bufio.Scanner's default limit: kustomize stops reading an env file at a line this long.
const MAX_ENV_LINE: usize = 64 * 1024;

/// Pairs from an env file, as kustomize's `keyValuesFromLines` reads them.
fn parse_env(content: &[u8], file: &str) -> Result<Vec<Pair>, String> {
    let mut out = Vec::new();
    if content.is_empty() {
        return Ok(out);
    }
    let body = content.strip_suffix(b"\n").unwrap_or(content);
    for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
        let lineno = i + 1;
        if raw.len() >= MAX_ENV_LINE {
            // kustomize's scanner stops here and the error is ignored: the rest of the file
            // is silently dropped.
            break;
        }
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Ok(mut line) = std::str::from_utf8(raw) else {
            return Err(format!(
                "env file `{file}`: line {lineno} is not valid UTF-8"
            ));
        };
        if i == 0 {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        let line = line.trim_start_matches(char::is_whitespace);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        if key.is_empty() {
            continue;
        }
        out.push(Pair {
            key: key.to_string(),
            value: value.as_bytes().to_vec(),
            from: format!("env file `{file}` line {lineno}"),
        });
    }
    Ok(out)
}

fn load_pairs(
    args: &GeneratorArgs,
    read: &dyn Fn(&str) -> Result<Vec<u8>, String>,
    ctx: &str,
) -> Result<Vec<Pair>, String> {
    let mut pairs = Vec::new();
    for env in &args.envs {
        let content = read(env).map_err(|e| format!("{ctx}: env file `{env}`: {e}"))?;
        pairs.extend(parse_env(&content, env).map_err(|e| format!("{ctx}: {e}"))?);
    }
    for lit in &args.literals {
        let (key, value) = parse_literal(lit).map_err(|e| format!("{ctx}: {e}"))?;
        pairs.push(Pair {
            key,
            value: value.into_bytes(),
            from: format!("literal `{lit}`"),
        });
    }
    for src in &args.files {
        let (key, path) = parse_file_source(src).map_err(|e| format!("{ctx}: {e}"))?;
        let value = read(&path).map_err(|e| format!("{ctx}: file `{path}`: {e}"))?;
        pairs.push(Pair {
            key,
            value,
            from: format!("file `{src}`"),
        });
    }
    Ok(pairs)
}

/// How go-yaml reads a raw U+0085 (NEL, a YAML line break) inside a double-quoted scalar:
/// spaces around the breaks are dropped, one break becomes a space, `k` breaks `k-1` newlines.
/// kustomize marshals generator arguments to JSON (which leaves NEL raw) and parses that as
/// YAML, so this is what becomes of a NEL in a literal.
fn fold_nel(s: &str) -> String {
    if !s.contains('\u{85}') {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        // A run ` *(NEL *)+` starting here?
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        let mut breaks = 0;
        let mut end = i;
        while j < chars.len() && chars[j] == '\u{85}' {
            breaks += 1;
            j += 1;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            end = j;
        }
        if breaks == 0 {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        if breaks == 1 {
            out.push(' ');
        } else {
            out.extend(std::iter::repeat_n('\n', breaks - 1));
        }
        i = end;
    }
    out
}

fn fold_pairs(v: &[(String, String)]) -> Vec<(String, String)> {
    v.iter().map(|(k, x)| (fold_nel(k), fold_nel(x))).collect()
}

fn fold_options(o: &GeneratorOptions) -> GeneratorOptions {
    GeneratorOptions {
        labels: fold_pairs(&o.labels),
        annotations: fold_pairs(&o.annotations),
        ..o.clone()
    }
}

fn fold_args(a: &GeneratorArgs) -> GeneratorArgs {
    let list = |v: &[String]| v.iter().map(|s| fold_nel(s)).collect();
    GeneratorArgs {
        name: fold_nel(&a.name),
        namespace: a.namespace.as_deref().map(fold_nel),
        literals: list(&a.literals),
        files: list(&a.files),
        envs: list(&a.envs),
        secret_type: a.secret_type.as_deref().map(fold_nel),
        options: a.options.as_ref().map(fold_options),
        ..a.clone()
    }
}

/// Characters that kustomize cannot write out (go-yaml's reader rejects them when kustomize
/// re-reads its own output): U+007F–U+009F except U+0085, and U+FFFE, U+FFFF.
fn unwritable_char(s: &str) -> Option<char> {
    s.chars()
        .find(|c| matches!(*c as u32, 0x7f..=0x84 | 0x86..=0x9f | 0xfffe | 0xffff))
}

fn check_writable(s: &str, ctx: &str, what: &str) -> Result<(), String> {
    match unwritable_char(s) {
        Some(c) => Err(format!(
            "{ctx}: {what} contains the control character U+{:04X}, which kustomize cannot write \
             (it fails with \"yaml: control characters are not allowed\")",
            c as u32
        )),
        None => Ok(()),
    }
}

/// A key that YAML 1.2 reads as something other than a string: kustomize writes it unquoted,
/// reads it back as that type, and fails.
fn key_reads_as(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        return None;
    }
    match resolve_plain(key, Schema::V12) {
        Res::Null => Some("null"),
        Res::Bool(_) => Some("a boolean"),
        Res::Int | Res::Float => Some("a number"),
        Res::Timestamp => Some("a timestamp"),
        Res::Merge => Some("a merge key"),
        Res::Str => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Building the object.

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// kustomize's `encodeBase64`: standard base64, cut into 70-character lines each followed by
/// `\n` when the encoding is 70 characters or longer.
fn encode_base64(data: &[u8]) -> String {
    const LINE: usize = 70;
    let enc = base64(data);
    if enc.len() < LINE {
        return enc;
    }
    let mut out = String::with_capacity(enc.len() + enc.len() / LINE + 1);
    for chunk in enc.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// A string value as kyaml makes it (`!!str`, literal style when multi-line).
fn data_value(s: String) -> RNode {
    let style = if s.contains('\n') {
        Style::Literal
    } else {
        Style::Plain
    };
    RNode {
        kind: Kind::Scalar(Scalar {
            value: s,
            style,
            tag: Tag::Str,
        }),
        prov: None,
    }
}

fn map_of(entries: Vec<(String, RNode)>) -> RNode {
    RNode {
        kind: Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (RNode::string(k), v))
                .collect(),
        ),
        prov: None,
    }
}

fn string_map(entries: &[(String, String)]) -> RNode {
    map_of(
        entries
            .iter()
            .map(|(k, v)| (k.clone(), RNode::string(v.clone())))
            .collect(),
    )
}

/// Builds the ConfigMap/Secret as kustomize does (field order, data key order, string tagging,
/// base64 for Secret, binaryData for non-UTF-8 files, labels/annotations/immutable from the
/// args' and the global options merged as kustomize merges them). `read(path)` returns a
/// file's bytes, `path` relative to the kustomization directory (the engine applies load
/// restrictions).
pub fn generate(
    args: &GeneratorArgs,
    global: Option<&GeneratorOptions>,
    read: &dyn Fn(&str) -> Result<Vec<u8>, String>,
) -> Result<Generated, String> {
    let kind = args.kind;
    if args.name.is_empty() {
        return Err(format!(
            "{}: an entry has no `name` (a generated {} must have a name)",
            kind.field(),
            kind.kind()
        ));
    }
    let ctx = format!("{} `{}`", kind.field(), args.name);
    let opts = merge_options(args.options.as_ref(), global);
    // kustomize passes the arguments through JSON read back as YAML, which folds U+0085.
    let args = &fold_args(args);
    let opts = fold_options(&opts);

    // kustomize passes the arguments through YAML before it runs the generator.
    check_writable(&args.name, &ctx, "the name")?;
    if let Some(ns) = &args.namespace {
        check_writable(ns, &ctx, "the namespace")?;
    }
    if let Some(t) = &args.secret_type {
        check_writable(t, &ctx, "the type")?;
    }
    for (list, what) in [
        (&args.literals, "literal"),
        (&args.files, "file source"),
        (&args.envs, "env file"),
    ] {
        for s in list {
            check_writable(s, &ctx, &format!("{what} `{}`", s.escape_debug()))?;
        }
    }
    for (k, v) in opts.labels.iter().chain(&opts.annotations) {
        check_writable(
            k,
            &ctx,
            &format!("label/annotation key `{}`", k.escape_debug()),
        )?;
        check_writable(v, &ctx, &format!("the value of `{k}`"))?;
        if let Some(t) = key_reads_as(k) {
            return Err(format!(
                "{ctx}: label/annotation key `{k}` reads as {t} in YAML; kustomize fails to \
                 write it"
            ));
        }
    }

    let pairs = load_pairs(args, read, &ctx)?;
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for p in &pairs {
        if let Some(first) = seen.insert(&p.key, &p.from) {
            return Err(format!(
                "{ctx}: key `{}` is set twice: by {first} and by {}",
                p.key, p.from
            ));
        }
        if let Some(t) = key_reads_as(&p.key) {
            return Err(format!(
                "{ctx}: key `{}` (from {}) reads as {t} in YAML; kustomize writes it unquoted \
                 and fails to read it back",
                p.key, p.from
            ));
        }
        check_writable(&p.key, &ctx, &format!("key `{}`", p.key.escape_debug()))?;
    }

    let mut data: Vec<(String, RNode)> = Vec::new();
    let mut binary: Vec<(String, RNode)> = Vec::new();
    for p in pairs {
        match kind {
            GenKind::Secret => data.push((p.key, data_value(encode_base64(&p.value)))),
            GenKind::ConfigMap => match String::from_utf8(p.value) {
                Ok(s) => {
                    check_writable(&s, &ctx, &format!("the value of `{}` ({})", p.key, p.from))?;
                    data.push((p.key, data_value(s)));
                }
                Err(e) => binary.push((p.key, data_value(encode_base64(e.as_bytes())))),
            },
        }
    }
    sort_entries(&mut data);
    sort_entries(&mut binary);

    let mut meta: Vec<(String, RNode)> = Vec::new();
    if !opts.annotations.is_empty() {
        meta.push(("annotations".into(), string_map(&opts.annotations)));
    }
    if !opts.labels.is_empty() {
        meta.push(("labels".into(), string_map(&opts.labels)));
    }
    meta.push(("name".into(), RNode::string(args.name.clone())));
    if let Some(ns) = &args.namespace {
        meta.push(("namespace".into(), RNode::string(ns.clone())));
    }
    sort_entries(&mut meta);

    let mut top: Vec<(String, RNode)> = vec![("apiVersion".into(), RNode::string("v1"))];
    if !binary.is_empty() {
        top.push(("binaryData".into(), map_of(binary)));
    }
    if !data.is_empty() || kind == GenKind::Secret {
        top.push(("data".into(), map_of(data)));
    }
    if opts.immutable == Some(true) {
        top.push(("immutable".into(), RNode::implicit("true")));
    }
    top.push(("kind".into(), RNode::string(kind.kind())));
    top.push(("metadata".into(), map_of(meta)));
    if kind == GenKind::Secret {
        let t = args.secret_type.clone().unwrap_or_else(|| "Opaque".into());
        top.push(("type".into(), RNode::string(t)));
    }
    sort_entries(&mut top);

    Ok(Generated {
        node: map_of(top),
        needs_hash: opts.disable_name_suffix_hash != Some(true),
        behavior: args.behavior,
    })
}

// ---------------------------------------------------------------------------------------------
// merge / replace onto an existing object.

/// kustomize's build annotations: after a merge or replace they keep the existing object's
/// value, or are dropped when it has none.
const BUILD_ANNOTATIONS: &[&str] = &[
    "internal.config.kubernetes.io/previousKinds",
    "internal.config.kubernetes.io/previousNames",
    "internal.config.kubernetes.io/prefixes",
    "internal.config.kubernetes.io/suffixes",
    "internal.config.kubernetes.io/previousNamespaces",
    "internal.config.kubernetes.io/allowNameChange",
    "internal.config.kubernetes.io/allowKindChange",
    "internal.config.kubernetes.io/refBy",
    "internal.config.kubernetes.io/generatorBehavior",
    "internal.config.kubernetes.io/needsHashSuffix",
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/seqindent",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
];

const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";

/// A string map as kyaml's `GetDataMap`/`GetLabels` read it: scalar values as written (null
/// as ""), anything else as "".
fn read_str_map(node: Option<&RNode>) -> Vec<(String, String)> {
    let Some(n) = node else {
        return Vec::new();
    };
    n.entries()
        .iter()
        .map(|(k, v)| {
            let value = if v.is_null() {
                String::new()
            } else {
                v.as_str().unwrap_or_default().to_string()
            };
            (k.as_str().unwrap_or_default().to_string(), value)
        })
        .collect()
}

/// `base` then `over`, `over` winning; sorted.
fn union(base: Vec<(String, String)>, over: Vec<(String, String)>) -> BTreeMap<String, String> {
    base.into_iter().chain(over).collect()
}

/// Sets (or removes, when empty) a string map, as kyaml's `SetDataMap`/`SetLabels` do.
fn set_str_map(parent: &mut RNode, field: &str, m: BTreeMap<String, String>, data: bool) {
    if m.is_empty() {
        parent.remove(field);
        return;
    }
    let mut entries: Vec<(String, RNode)> = m
        .into_iter()
        .map(|(k, v)| {
            let v = if data {
                data_value(v)
            } else {
                RNode::string(v)
            };
            (k, v)
        })
        .collect();
    sort_entries(&mut entries);
    parent.set(field, map_of(entries));
}

/// Applies a generator with behavior merge/replace onto the existing ConfigMap/Secret from a
/// base (kustomize's semantics: merged data, labels, annotations; which options win).
///
/// The result is the generated object (so its `type`, `immutable`, and the absence of any
/// other field win), with the existing object's name and namespace, labels and annotations
/// merged (the generator's win), and for `merge` the existing `data`/`binaryData` merged under
/// the generated ones. Whether the result gets a hash suffix is [`merged_needs_hash`].
pub fn merge(existing: &mut RNode, generated: &Generated) -> Result<(), String> {
    if generated.behavior == Behavior::Create {
        return Err("merge: the generator's behavior is create, not merge or replace".into());
    }
    let mut res = generated.node.clone();
    if !res.is_map() || !existing.is_map() {
        return Err("merge: both objects must be mappings".into());
    }
    let old_meta = existing.get("metadata");
    let labels = union(
        read_str_map(old_meta.and_then(|m| m.get("labels"))),
        read_str_map(res.path(&["metadata", "labels"])),
    );
    let old_annotations = read_str_map(old_meta.and_then(|m| m.get("annotations")));
    let old_ann: BTreeMap<String, String> = old_annotations.iter().cloned().collect();
    let mut annotations = union(
        old_annotations,
        read_str_map(res.path(&["metadata", "annotations"])),
    );
    for key in BUILD_ANNOTATIONS {
        match old_ann.get(*key) {
            Some(v) => {
                annotations.insert((*key).to_string(), v.clone());
            }
            None => {
                annotations.remove(*key);
            }
        }
    }
    if generated.behavior == Behavior::Merge {
        if let Some(origin) = old_ann.get(ORIGIN_ANNOTATION) {
            annotations.insert(ORIGIN_ANNOTATION.into(), origin.clone());
        }
    }
    let old_name = old_meta.and_then(|m| m.get("name")).cloned();
    let old_ns = old_meta
        .and_then(|m| m.get("namespace"))
        .filter(|n| !n.is_null() && n.as_str() != Some(""))
        .cloned();

    if generated.behavior == Behavior::Merge {
        for field in ["data", "binaryData"] {
            let merged = union(
                read_str_map(existing.get(field)),
                read_str_map(res.get(field)),
            );
            set_str_map(&mut res, field, merged, true);
        }
    }
    {
        let meta = res.ensure_map("metadata");
        set_str_map(meta, "labels", labels, false);
        set_str_map(meta, "annotations", annotations, false);
        match old_name {
            Some(n) => meta.set("name", n),
            None => {
                meta.remove("name");
            }
        }
        match old_ns {
            Some(n) => meta.set("namespace", n),
            None => {
                meta.remove("namespace");
            }
        }
        sort_map(meta);
    }
    sort_map(&mut res);
    *existing = res;
    Ok(())
}

/// Whether the object a merge or replace produces gets a hash suffix: kustomize adds one only
/// when both the existing object (it was generated, and not with `disableNameSuffixHash`) and
/// the merging generator want one. A ConfigMap from a plain resource file never gets one.
pub fn merged_needs_hash(existing_needs_hash: bool, generated: &Generated) -> bool {
    existing_needs_hash && generated.needs_hash
}

// ---------------------------------------------------------------------------------------------
// The hash suffix.

/// The 10-character suffix kustomize appends (`name-<hash>`), computed from the object as
/// kustomize does (which fields it hashes, its encoding). Call it on the final object.
pub fn hash_suffix(node: &RNode) -> Result<String, String> {
    use serde_json::Value;
    let kind = node.str_at(&["kind"]).unwrap_or_default();
    let value = |field: &str| -> Result<Value, String> {
        Ok(match node.get(field) {
            None => Value::String(String::new()),
            Some(n) => match &n.kind {
                Kind::Scalar(s) => Value::String(s.value.clone()),
                Kind::Map(_) => yaml_json(n).map_err(|e| format!("{kind} `{field}`: {e}"))?,
                // json.Unmarshal of an array into a map fails and leaves a nil map.
                Kind::Seq(_) => Value::Null,
            },
        })
    };
    // A field taken only when it is a collection (kustomize's `.(map[string]interface{})`).
    let optional = |field: &str| -> Result<Option<Value>, String> {
        match node.get(field) {
            Some(n) if !matches!(n.kind, Kind::Scalar(_)) => value(field).map(Some),
            _ => Ok(None),
        }
    };
    let mut m: BTreeMap<&str, Value> = BTreeMap::new();
    m.insert("kind", Value::String(kind.to_string()));
    // kustomize looks up "metadata/name" as one field name: it is never found.
    m.insert("name", Value::String(String::new()));
    m.insert("data", value("data")?);
    match kind {
        "ConfigMap" => {
            if let Some(v) = optional("binaryData")? {
                m.insert("binaryData", v);
            }
        }
        "Secret" => {
            m.insert("type", value("type")?);
            if let Some(v) = optional("stringData")? {
                m.insert("stringData", v);
            }
        }
        other => {
            return Err(format!(
                "a name hash is computed only for ConfigMaps and Secrets, not `{other}`"
            ))
        }
    }
    let mut json = String::new();
    go_json(
        &Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
        &mut json,
    );
    let digest = Sha256::digest(json.as_bytes());
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    Ok(hex
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect())
}

/// The JSON kyaml makes of a node (go-yaml v3 decoding: `0755` is 493, `1e3` a number, a date
/// a timestamp), with numbers as float64 (kustomize decodes that JSON again before hashing).
fn yaml_json(n: &RNode) -> Result<serde_json::Value, String> {
    use serde_json::{Number, Value};
    let number = |f: f64, text: &str| -> Result<Value, String> {
        Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("`{text}` is not a number JSON can hold (kustomize fails)"))
    };
    let float = |text: &str| -> Result<Value, String> {
        let plain: String = text.chars().filter(|c| *c != '_').collect();
        match plain.parse::<f64>() {
            Ok(f) => number(f, text),
            Err(_) => number(f64::NAN, text),
        }
    };
    let int = |text: &str| -> Result<Value, String> {
        let plain: String = text.chars().filter(|c| *c != '_').collect();
        if let Some(v) = go_int_value(&plain) {
            return number(v, text);
        }
        for (prefix, radix, neg) in [
            ("0b", 2, false),
            ("-0b", 2, true),
            ("0o", 8, false),
            ("-0o", 8, true),
        ] {
            if let Some(d) = plain.strip_prefix(prefix) {
                if let Ok(v) = u64::from_str_radix(d, radix) {
                    return number(if neg { -(v as f64) } else { v as f64 }, text);
                }
            }
        }
        float(text)
    };
    match &n.kind {
        Kind::Seq(items) => items
            .iter()
            .map(yaml_json)
            .collect::<Result<_, _>>()
            .map(Value::Array),
        Kind::Map(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                m.insert(k.as_str().unwrap_or_default().to_string(), yaml_json(v)?);
            }
            Ok(Value::Object(m))
        }
        Kind::Scalar(s) => {
            let v = s.value.as_str();
            let res = match &s.tag {
                Tag::Str => Res::Str,
                Tag::Explicit(t) => match t.strip_prefix("!!").unwrap_or(t) {
                    "null" => Res::Null,
                    "bool" => resolve_plain(v, Schema::V12),
                    "int" => Res::Int,
                    "float" => Res::Float,
                    "timestamp" => Res::Timestamp,
                    _ => Res::Str,
                },
                Tag::Implicit if s.style != Style::Plain => Res::Str,
                Tag::Implicit => resolve_plain(v, Schema::V12),
            };
            match res {
                Res::Null => Ok(Value::Null),
                Res::Bool(b) => Ok(Value::Bool(b)),
                Res::Int => int(v),
                Res::Float => match v {
                    ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf"
                    | "-.INF" | ".nan" | ".NaN" | ".NAN" => number(f64::NAN, v),
                    _ => float(v),
                },
                Res::Timestamp => Ok(Value::String(rfc3339(v))),
                Res::Merge | Res::Str => Ok(Value::String(v.to_string())),
            }
        }
    }
}

/// A go-yaml timestamp as Go's `time.Time` marshals to JSON (RFC 3339, fraction trimmed).
fn rfc3339(s: &str) -> String {
    let (date, rest) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    let mut d = date.split('-');
    let y = d.next().unwrap_or("0");
    let m: u32 = d.next().and_then(|x| x.parse().ok()).unwrap_or(1);
    let day: u32 = d.next().and_then(|x| x.parse().ok()).unwrap_or(1);
    let (time, zone) = match rest.find(['Z', '+', '-']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "Z"),
    };
    let mut hms = String::from("00:00:00");
    let mut frac = String::new();
    if !time.is_empty() {
        let (clock, f) = time.split_once('.').unwrap_or((time, ""));
        let parts: Vec<u32> = clock.split(':').map(|x| x.parse().unwrap_or(0)).collect();
        hms = format!(
            "{:02}:{:02}:{:02}",
            parts.first().copied().unwrap_or(0),
            parts.get(1).copied().unwrap_or(0),
            parts.get(2).copied().unwrap_or(0)
        );
        let f = f.trim_end_matches('0');
        if !f.is_empty() {
            frac = format!(".{}", &f[..f.len().min(9)]);
        }
    }
    let zone = if zone == "+00:00" || zone == "-00:00" {
        "Z"
    } else {
        zone
    };
    format!("{y}-{m:02}-{day:02}T{hms}{frac}{zone}")
}

/// JSON as Go's `json.Marshal` writes it: map keys sorted bytewise, `<`, `>`, `&`, U+2028 and
/// U+2029 escaped, numbers as float64.
fn go_json(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_float(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => go_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_string(k, out);
                out.push(':');
                go_json(&m[k], out);
            }
            out.push('}');
        }
    }
}

fn go_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's float64 JSON encoding: `%f`-style shortest digits, exponent form below 1e-6 and from
/// 1e21 (`1e+21`, `1e-7`).
fn go_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let e = format!("{f:e}");
        let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        return if exp < 0 {
            format!("{mant}e-{}", -exp)
        } else {
            format!("{mant}e+{exp:02}")
        };
    }
    format!("{f}")
}

// ---------------------------------------------------------------------------------------------
// Key order.

/// Whether map key `a` sorts before `b` in go-yaml's order (the order of every map in
/// `kubectl kustomize` output); the one implementation is the emitter's.
pub use crate::render::emit::key_less as yaml_v2_key_less;
use crate::render::emit::sort_by_key_less;

fn sort_entries(entries: &mut Vec<(String, RNode)>) {
    sort_by_key_less(entries, |(k, _)| k.as_str());
}

fn sort_map(node: &mut RNode) {
    if let Some(entries) = node.entries_mut() {
        sort_by_key_less(entries, |(k, _)| k.as_str().unwrap_or_default());
    }
}

/// Sorts every map in `node`, recursively, into go-yaml v2's key order: the order
/// `kubectl kustomize` prints.
pub fn sort_keys_yaml_v2(node: &mut RNode) {
    match &mut node.kind {
        Kind::Map(entries) => {
            sort_by_key_less(entries, |(k, _)| k.as_str().unwrap_or_default());
            for (_, v) in entries.iter_mut() {
                sort_keys_yaml_v2(v);
            }
        }
        Kind::Seq(items) => items.iter_mut().for_each(sort_keys_yaml_v2),
        Kind::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::load::{load_bytes, DocClass, LoadOptions};
    use crate::render::node::from_tree;
    use crate::walk::PathKind;

    // -----------------------------------------------------------------------------------------
    // A tiny in-memory kustomize, just enough to run generator cases: resources (files and
    // kustomization directories), the generators, namespace, namePrefix/nameSuffix,
    // commonLabels/labels, commonAnnotations, and the hash suffix at the top. Anything else
    // that could change a ConfigMap or Secret makes the case "unsupported".

    type Fs = BTreeMap<String, Vec<u8>>;

    fn parse_docs(path: &str, kind: PathKind, bytes: &[u8]) -> Result<Vec<RNode>, String> {
        let (sf, findings) = load_bytes(path, kind, bytes, &LoadOptions::default());
        let file: Arc<str> = Arc::from(path);
        let mut out = Vec::new();
        for d in &sf.docs {
            if d.class == DocClass::Broken {
                return Err(format!("{path}: YAML error: {findings:?}"));
            }
            if let Some(root) = &d.root {
                let n = from_tree(root, &file)?;
                if !n.is_null() {
                    out.push(n);
                }
            }
        }
        Ok(out)
    }

    fn join(dir: &str, rel: &str) -> String {
        let mut parts: Vec<&str> = if rel.starts_with('/') {
            Vec::new()
        } else {
            dir.split('/').filter(|s| !s.is_empty()).collect()
        };
        for seg in rel.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        parts.join("/")
    }

    /// `to` relative to the directory `from` (both normalized, relative to the root).
    fn relative(from: &str, to: &str) -> String {
        let f: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
        let t: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
        let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
        let mut parts: Vec<&str> = vec![".."; f.len() - common];
        parts.extend(&t[common..]);
        parts.join("/")
    }

    #[derive(Debug)]
    enum Fail {
        Unsupported(String),
        Error(String),
    }

    #[derive(Clone, Debug)]
    struct Item {
        node: RNode,
        needs_hash: bool,
        generated: bool,
        org_name: String,
        org_ns: String,
    }

    impl Item {
        fn kind(&self) -> &str {
            self.node.str_at(&["kind"]).unwrap_or_default()
        }
        fn name(&self) -> &str {
            self.node.str_at(&["metadata", "name"]).unwrap_or_default()
        }
        fn ns(&self) -> &str {
            self.node
                .str_at(&["metadata", "namespace"])
                .unwrap_or_default()
        }
        fn is_cm_or_secret(&self) -> bool {
            matches!(self.kind(), "ConfigMap" | "Secret")
        }
    }

    fn ns_eq(a: &str, b: &str) -> bool {
        let n = |s: &str| if s.is_empty() { "default" } else { s }.to_string();
        n(a) == n(b)
    }

    const KUSTOMIZATION_FILES: [&str; 3] =
        ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    fn kustomization_in(fs: &Fs, dir: &str) -> Option<String> {
        KUSTOMIZATION_FILES
            .iter()
            .map(|n| join(dir, n))
            .find(|p| fs.contains_key(p))
    }

    fn strings(n: &RNode) -> Vec<String> {
        n.items()
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect()
    }

    fn str_pairs(n: &RNode) -> Vec<(String, String)> {
        n.entries()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().unwrap_or_default().to_string(),
                    v.as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Patch documents that could touch a ConfigMap or Secret make the case unsupported.
    fn check_patch_docs(fs: &Fs, dir: &str, entry: &RNode) -> Result<(), Fail> {
        let docs = match entry.as_str() {
            Some(s) if s.contains('\n') || s.contains(':') => {
                parse_docs("inline-patch.yaml", PathKind::Yaml, s.as_bytes())
                    .map_err(Fail::Error)?
            }
            Some(p) => {
                let path = join(dir, p);
                let bytes = fs
                    .get(&path)
                    .ok_or_else(|| Fail::Error(format!("missing patch {path}")))?;
                parse_docs(&path, PathKind::Yaml, bytes).map_err(Fail::Error)?
            }
            None => return Err(Fail::Unsupported("non-string patch entry".into())),
        };
        for d in docs {
            let kind = d.str_at(&["kind"]).unwrap_or_default();
            if kind.is_empty() || kind == "ConfigMap" || kind == "Secret" || d.is_seq() {
                return Err(Fail::Unsupported(format!("a patch of kind `{kind}`")));
            }
        }
        Ok(())
    }

    /// `origin`: the top directory, when the top kustomization asks for origin annotations.
    fn build(
        fs: &Fs,
        dir: &str,
        top: bool,
        depth: usize,
        mut origin: Option<String>,
    ) -> Result<Vec<Item>, Fail> {
        if depth > 20 {
            return Err(Fail::Error("kustomization cycle".into()));
        }
        let kfile = kustomization_in(fs, dir)
            .ok_or_else(|| Fail::Error(format!("no kustomization in `{dir}`")))?;
        let docs = parse_docs(&kfile, PathKind::Kustomization, &fs[&kfile]).map_err(Fail::Error)?;
        let k = docs.into_iter().next().unwrap_or_else(RNode::map);
        if k.str_at(&["kind"]) == Some("Component") {
            return Err(Fail::Unsupported("a Component".into()));
        }
        let mut resources = Vec::new();
        let mut cm_gens: Vec<RNode> = Vec::new();
        let mut secret_gens: Vec<RNode> = Vec::new();
        let mut plugins: Vec<(GenKind, RNode)> = Vec::new();
        let mut global: Option<GeneratorOptions> = None;
        let (mut prefix, mut suffix, mut namespace) = (String::new(), String::new(), None);
        let mut labels: Vec<(String, String)> = Vec::new();
        let mut annotations: Vec<(String, String)> = Vec::new();
        for (key, v) in k.entries() {
            let key = key.as_str().unwrap_or_default();
            match key.to_ascii_lowercase().as_str() {
                "apiversion" | "kind" | "images" | "replicas" | "sortoptions" => {}
                "resources" | "bases" => resources.extend(strings(v)),
                "configmapgenerator" => cm_gens.extend(v.items().iter().cloned()),
                "secretgenerator" => secret_gens.extend(v.items().iter().cloned()),
                "generatoroptions" => {
                    global = Some(parse_options(v).map_err(Fail::Error)?);
                }
                "buildmetadata" => {
                    let opts = strings(v);
                    if !top || opts.iter().any(|o| o != "originAnnotations") {
                        return Err(Fail::Unsupported(format!("buildMetadata {opts:?}")));
                    }
                    origin = Some(dir.to_string());
                }
                "nameprefix" => prefix = v.as_str().unwrap_or_default().to_string(),
                "namesuffix" => suffix = v.as_str().unwrap_or_default().to_string(),
                "namespace" => namespace = v.as_str().map(str::to_string),
                "commonlabels" => labels.extend(str_pairs(v)),
                "commonannotations" => annotations.extend(str_pairs(v)),
                "labels" => {
                    for l in v.items() {
                        if l.get("fields").is_some() {
                            return Err(Fail::Unsupported("labels with fields".into()));
                        }
                        labels.extend(str_pairs(l.get("pairs").unwrap_or(&RNode::map())));
                    }
                }
                "patchesstrategicmerge" => {
                    for p in v.items() {
                        check_patch_docs(fs, dir, p)?;
                    }
                }
                "patches" | "patchesjson6902" => {
                    for p in v.items() {
                        let target_kind = p.str_at(&["target", "kind"]);
                        match target_kind {
                            Some("ConfigMap" | "Secret") => {
                                return Err(Fail::Unsupported("patch of a ConfigMap".into()))
                            }
                            Some(_) => {}
                            None => {
                                let entry = p
                                    .get("patch")
                                    .or_else(|| p.get("path"))
                                    .cloned()
                                    .unwrap_or_else(RNode::map);
                                check_patch_docs(fs, dir, &entry)?;
                            }
                        }
                    }
                }
                "generators" => {
                    for g in v.items() {
                        let s = g.as_str().unwrap_or_default();
                        let docs = if s.contains('\n') {
                            parse_docs("inline-generator.yaml", PathKind::Yaml, s.as_bytes())
                                .map_err(Fail::Error)?
                        } else {
                            let path = join(dir, s);
                            let bytes = fs
                                .get(&path)
                                .ok_or_else(|| Fail::Unsupported(format!("generators `{s}`")))?;
                            parse_docs(&path, PathKind::Yaml, bytes).map_err(Fail::Error)?
                        };
                        for d in docs {
                            let kind = match (d.str_at(&["apiVersion"]), d.str_at(&["kind"])) {
                                (Some("builtin"), Some("ConfigMapGenerator")) => GenKind::ConfigMap,
                                (Some("builtin"), Some("SecretGenerator")) => GenKind::Secret,
                                (a, k) => {
                                    return Err(Fail::Unsupported(format!(
                                        "generator plugin {a:?} {k:?}"
                                    )))
                                }
                            };
                            plugins.push((kind, d));
                        }
                    }
                }
                other => return Err(Fail::Unsupported(format!("kustomization field `{other}`"))),
            }
        }

        let mut items: Vec<Item> = Vec::new();
        let add = |items: &mut Vec<Item>, new: Vec<Item>| -> Result<(), Fail> {
            for it in new {
                if items.iter().any(|o| {
                    o.kind() == it.kind() && o.name() == it.name() && ns_eq(o.ns(), it.ns())
                }) {
                    return Err(Fail::Error(format!(
                        "may not add resource with an already registered id: {} {}",
                        it.kind(),
                        it.name()
                    )));
                }
                items.push(it);
            }
            Ok(())
        };
        for r in &resources {
            if r.contains("://") || r.starts_with("github.com") {
                return Err(Fail::Unsupported(format!("remote resource {r}")));
            }
            let path = join(dir, r);
            if kustomization_in(fs, &path).is_some() {
                add(
                    &mut items,
                    build(fs, &path, false, depth + 1, origin.clone())?,
                )?;
            } else if let Some(bytes) = fs.get(&path) {
                for node in parse_docs(&path, PathKind::Yaml, bytes).map_err(Fail::Error)? {
                    if node.str_at(&["kind"]).is_some_and(|k| k.ends_with("List")) {
                        return Err(Fail::Unsupported("a List resource".into()));
                    }
                    let org_name = node
                        .str_at(&["metadata", "name"])
                        .unwrap_or_default()
                        .to_string();
                    let org_ns = node
                        .str_at(&["metadata", "namespace"])
                        .unwrap_or_default()
                        .to_string();
                    let it = Item {
                        node,
                        needs_hash: false,
                        generated: false,
                        org_name,
                        org_ns,
                    };
                    add(&mut items, vec![it])?;
                }
            } else {
                return Err(Fail::Error(format!("resource `{r}` not found")));
            }
        }

        let read = |p: &str| -> Result<Vec<u8>, String> {
            let path = join(dir, p);
            fs.get(&path)
                .cloned()
                .ok_or_else(|| format!("`{path}` does not exist or is not a file"))
        };
        let mut generated = Vec::new();
        for (kind, list) in [
            (GenKind::ConfigMap, &cm_gens),
            (GenKind::Secret, &secret_gens),
        ] {
            for e in list {
                let args = parse_args(kind, e).map_err(Fail::Error)?;
                generated.push(generate(&args, global.as_ref(), &read).map_err(Fail::Error)?);
            }
        }
        if let Some(top_dir) = &origin {
            if !plugins.is_empty() {
                return Err(Fail::Unsupported("origin annotations of plugins".into()));
            }
            let file = relative(top_dir, &kfile);
            for g in &mut generated {
                let by = match g.node.str_at(&["kind"]) {
                    Some("Secret") => "SecretGenerator",
                    _ => "ConfigMapGenerator",
                };
                let value = format!(
                    "configuredIn: {file}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {by}\n"
                );
                let meta = g.node.ensure_map("metadata");
                meta.ensure_map("annotations")
                    .set(ORIGIN_ANNOTATION, RNode::string(value));
                sort_keys_yaml_v2(&mut g.node);
            }
        }
        for (kind, d) in &plugins {
            let args = parse_plugin_config(*kind, d).map_err(Fail::Error)?;
            generated.push(generate(&args, None, &read).map_err(Fail::Error)?);
        }
        for g in generated {
            let kind = g.node.str_at(&["kind"]).unwrap_or_default().to_string();
            let name = g
                .node
                .str_at(&["metadata", "name"])
                .unwrap_or_default()
                .to_string();
            let ns = g
                .node
                .str_at(&["metadata", "namespace"])
                .unwrap_or_default()
                .to_string();
            let matches: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(_, it)| {
                    it.kind() == kind
                        && ((it.org_name == name && ns_eq(&it.org_ns, &ns))
                            || (it.name() == name && ns_eq(it.ns(), &ns)))
                })
                .map(|(i, _)| i)
                .collect();
            match (matches.as_slice(), g.behavior) {
                ([], Behavior::Create) => items.push(Item {
                    needs_hash: g.needs_hash,
                    generated: true,
                    org_name: name,
                    org_ns: ns,
                    node: g.node,
                }),
                ([], _) => {
                    return Err(Fail::Error(format!(
                        "id {kind} `{name}` does not exist; cannot merge or replace"
                    )))
                }
                ([_], Behavior::Create) => {
                    return Err(Fail::Error(format!(
                        "id {kind} `{name}` exists; behavior must be merge or replace"
                    )))
                }
                ([i], _) => {
                    let it = &mut items[*i];
                    merge(&mut it.node, &g).map_err(Fail::Error)?;
                    it.needs_hash = merged_needs_hash(it.needs_hash, &g);
                    it.generated = true;
                }
                _ => return Err(Fail::Error(format!("several objects match `{name}`"))),
            }
        }

        for it in items.iter_mut() {
            if !prefix.is_empty() || !suffix.is_empty() {
                let meta = it.node.ensure_map("metadata");
                let name = meta.str_at(&["name"]).unwrap_or_default();
                let name = format!("{prefix}{name}{suffix}");
                meta.set("name", RNode::string(name));
            }
        }
        for it in items.iter_mut().filter(|it| it.is_cm_or_secret()) {
            let meta = it.node.ensure_map("metadata");
            if let Some(ns) = &namespace {
                meta.set("namespace", RNode::string(ns.clone()));
            }
            for (field, pairs) in [("labels", &labels), ("annotations", &annotations)] {
                if !pairs.is_empty() {
                    let m = meta.ensure_map(field);
                    for (k, v) in pairs.iter() {
                        m.set(k, RNode::string(v.clone()));
                    }
                }
            }
            sort_keys_yaml_v2(&mut it.node);
        }
        if top {
            for it in items.iter_mut().filter(|it| it.needs_hash) {
                let hash = hash_suffix(&it.node).map_err(Fail::Error)?;
                let name = format!("{}-{hash}", it.name());
                it.node
                    .ensure_map("metadata")
                    .set("name", RNode::string(name));
            }
        }
        Ok(items)
    }

    fn key_order_diff(a: &RNode, b: &RNode, path: &str) -> Option<String> {
        match (&a.kind, &b.kind) {
            (Kind::Map(ea), Kind::Map(eb)) => {
                let ka: Vec<&str> = ea.iter().map(|(k, _)| k.as_str().unwrap_or("")).collect();
                let kb: Vec<&str> = eb.iter().map(|(k, _)| k.as_str().unwrap_or("")).collect();
                if ka != kb {
                    return Some(format!("{path}: keys {ka:?} vs expected {kb:?}"));
                }
                ea.iter().zip(eb).find_map(|((k, va), (_, vb))| {
                    key_order_diff(va, vb, &format!("{path}.{}", k.as_str().unwrap_or("")))
                })
            }
            (Kind::Seq(ia), Kind::Seq(ib)) => ia
                .iter()
                .zip(ib)
                .enumerate()
                .find_map(|(i, (x, y))| key_order_diff(x, y, &format!("{path}[{i}]"))),
            _ => None,
        }
    }

    /// Builds `run_dir` and compares every generated (or merged) ConfigMap/Secret with the
    /// document of the same kind, name and namespace in `expected`. `Ok(n)`: n objects matched.
    fn check_output(fs: &Fs, run_dir: &str, expected: &[u8]) -> Result<usize, Fail> {
        let items = build(fs, run_dir, true, 0, None)?;
        let want = parse_docs("expected.yaml", PathKind::Yaml, expected).map_err(Fail::Error)?;
        let mut n = 0;
        for it in items.iter().filter(|it| it.generated) {
            let found = want.iter().find(|d| {
                d.str_at(&["kind"]) == Some(it.kind())
                    && d.str_at(&["metadata", "name"]) == Some(it.name())
                    && d.str_at(&["metadata", "namespace"]).unwrap_or_default() == it.ns()
            });
            let Some(d) = found else {
                let names: Vec<String> = want
                    .iter()
                    .filter(|d| d.str_at(&["kind"]) == Some(it.kind()))
                    .map(|d| d.str_at(&["metadata", "name"]).unwrap_or("").to_string())
                    .collect();
                return Err(Fail::Error(format!(
                    "no expected {} named `{}` (namespace `{}`); expected has {names:?}",
                    it.kind(),
                    it.name(),
                    it.ns()
                )));
            };
            if it.node.to_json() != d.to_json() {
                return Err(Fail::Error(format!(
                    "{} `{}` differs:\n  got  {}\n  want {}",
                    it.kind(),
                    it.name(),
                    it.node.to_json(),
                    d.to_json()
                )));
            }
            if let Some(diff) = key_order_diff(&it.node, d, "") {
                return Err(Fail::Error(format!(
                    "{} `{}` key order: {diff}",
                    it.kind(),
                    it.name()
                )));
            }
            n += 1;
        }
        if n == 0 {
            return Err(Fail::Error("nothing generated".into()));
        }
        Ok(n)
    }

    // -----------------------------------------------------------------------------------------
    // Unit tests (expected values from `kubectl kustomize` where they are hashes).

    fn yaml(text: &str) -> RNode {
        parse_docs("t.yaml", PathKind::Yaml, text.as_bytes())
            .expect("yaml")
            .into_iter()
            .next()
            .expect("a document")
    }

    #[test]
    fn hash_covers_kind_data_type_not_name() {
        let cases = [
            (
                "kind: ConfigMap\nmetadata: {name: c}\ndata: {a: \"1\"}",
                "h29d89cmmt",
            ),
            (
                "kind: ConfigMap\nmetadata: {name: other}\ndata: {a: \"1\"}",
                "h29d89cmmt",
            ),
            ("kind: ConfigMap\nmetadata: {name: e}", "6ct58987ht"),
            (
                "kind: Secret\nmetadata: {name: s}\ndata: {}\ntype: Opaque",
                "46f8b28mk5",
            ),
            (
                "kind: Secret\nmetadata: {name: t}\ndata: {}\ntype: foo",
                "2tfmk86mf7",
            ),
            // Values a patch made non-strings, hashed after kyaml's YAML 1.2 reading.
            (
                "kind: ConfigMap\nmetadata: {name: num}\ndata: {b: true, big: 1e22, f: 1.5, \
                 i: 1, large: 12345678901234567890, lst: [1, \"a\"], neg: -3, \
                 obj: {z: 1, a: \"<>\"}, oct: 0755, s: x, small: 0.0000001}",
                "k4khfg756f",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(hash_suffix(&yaml(text)).unwrap(), want, "{text}");
        }
        assert!(hash_suffix(&yaml("kind: Deployment")).is_err());
        assert!(hash_suffix(&yaml("kind: ConfigMap\ndata: {a: .inf}")).is_err());
    }

    #[test]
    fn go_json_numbers_and_strings() {
        assert_eq!(go_float(1.0), "1");
        assert_eq!(go_float(-3.0), "-3");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1e20), "100000000000000000000");
        assert_eq!(go_float(1e-7), "1e-7");
        assert_eq!(go_float(1.5e-10), "1.5e-10");
        assert_eq!(go_float(0.000001), "0.000001");
        assert_eq!(go_float(12345678901234567890.0), "12345678901234567000");
        let mut s = String::new();
        go_string("<a>&\u{2028}\u{1}\u{8}\u{c}\t\"\\é", &mut s);
        assert_eq!(s, r#""\u003ca\u003e\u0026\u2028\u0001\b\f\t\"\\é""#);
    }

    #[test]
    fn env_file_rules() {
        let pairs = |text: &[u8]| -> Vec<(String, String)> {
            parse_env(text, "x.env")
                .unwrap()
                .into_iter()
                .map(|p| (p.key, String::from_utf8(p.value).unwrap()))
                .collect()
        };
        let p = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            pairs(b"\xef\xbb\xbfA=1\r\n # c\n\n\tB = x \nC\n=d\nE=\"q\"\nF=a=b"),
            vec![
                p("A", "1"),
                p("B ", " x "),
                p("C", ""),
                p("E", "\"q\""),
                p("F", "a=b")
            ]
        );
        // A BOM only counts on line 1.
        assert_eq!(
            pairs(b"A=1\n\xef\xbb\xbfB=2"),
            vec![p("A", "1"), p("\u{feff}B", "2")]
        );
        assert!(parse_env(b"A=1\n#\xff\n", "x.env")
            .unwrap_err()
            .contains("line 2 is not valid UTF-8"));
        // A line of 64 KiB or more silently ends the file (as kubectl does).
        for (len, want) in [(65535, 3), (65536, 1)] {
            let text = format!("B=1\nA={}\nC=1\n", "x".repeat(len - 2));
            assert_eq!(pairs(text.as_bytes()).len(), want, "line of {len}");
        }
    }

    #[test]
    fn literal_and_file_sources() {
        let lit = |s: &str| parse_literal(s).map(|(k, v)| format!("{k}|{v}"));
        assert_eq!(lit("a=\"b\"").unwrap(), "a|b");
        assert_eq!(lit("a='b'").unwrap(), "a|b");
        assert_eq!(lit("a='").unwrap(), "a|'");
        assert_eq!(lit("a=\"b'").unwrap(), "a|\"b'");
        assert_eq!(lit("a==b").unwrap(), "a|=b");
        assert_eq!(lit(" a = b ").unwrap(), " a | b ");
        assert!(lit("=b").is_err());
        assert!(lit("ab").is_err());
        let file = |s: &str| parse_file_source(s).map(|(k, v)| format!("{k}|{v}"));
        assert_eq!(file("dir/x.txt").unwrap(), "x.txt|dir/x.txt");
        assert_eq!(file("dir/x.txt/").unwrap(), "x.txt|dir/x.txt/");
        assert_eq!(file("k=dir/x.txt").unwrap(), "k|dir/x.txt");
        assert!(file("k=a=b").is_err());
        assert!(file("=a").is_err());
        assert!(file("k=").is_err());
        assert!(file("=").is_err());
    }

    #[test]
    fn nel_folds_like_go_yaml() {
        assert_eq!(fold_nel("x\u{85}y"), "x y");
        assert_eq!(fold_nel("x  \u{85}  y"), "x y");
        assert_eq!(fold_nel("x\u{85}\u{85}y"), "x\ny");
        assert_eq!(fold_nel("x\u{85} \u{85}\u{85}y"), "x\n\ny");
        assert_eq!(fold_nel("x\t\u{85}y"), "x\t y");
        assert_eq!(fold_nel("\u{85}"), " ");
        assert_eq!(fold_nel("plain"), "plain");
    }

    #[test]
    fn key_order_is_go_yaml_v2() {
        let mut keys: Vec<&str> = vec![
            "x1a", "x1_", "a10", "a9", "a09", "B", "b", "_", ".a", "é", "Z", "a", "a_", "x01",
            "x1", "a2", "a10_", "a10b", "1a", "2a", "A_B", "AB",
        ];
        sort_by_key_less(&mut keys, |k| k);
        assert_eq!(
            keys,
            vec![
                ".a", "_", "1a", "2a", "A_B", "AB", "B", "Z", "a", "a_", "a2", "a9", "a09", "a10",
                "a10_", "a10b", "b", "x1", "x1_", "x1a", "x01", "é"
            ]
        );
    }

    #[test]
    fn yaml_1_1_and_1_2_scalars() {
        for (s, v11, v12) in [
            ("yes", Res::Bool(true), Res::Str),
            ("n", Res::Bool(false), Res::Str),
            ("on", Res::Bool(true), Res::Str),
            ("True", Res::Bool(true), Res::Bool(true)),
            ("~", Res::Null, Res::Null),
            ("0755", Res::Int, Res::Int),
            ("0o17", Res::Int, Res::Int),
            ("0x1F", Res::Int, Res::Int),
            ("1_000", Res::Int, Res::Int),
            ("09", Res::Float, Res::Float),
            ("1e3", Res::Float, Res::Float),
            (".5", Res::Float, Res::Float),
            ("1.", Res::Float, Res::Float),
            (".inf", Res::Float, Res::Float),
            ("2001-12-14", Res::Str, Res::Timestamp),
            ("2001-12-14T21:59:43Z", Res::Str, Res::Timestamp),
            ("2001-13-14", Res::Str, Res::Str),
            ("1:20", Res::Str, Res::Str),
            ("-", Res::Str, Res::Str),
            ("0x", Res::Str, Res::Str),
            ("v1", Res::Str, Res::Str),
        ] {
            assert_eq!(resolve_plain(s, Schema::V11), v11, "{s} in YAML 1.1");
            assert_eq!(resolve_plain(s, Schema::V12), v12, "{s} in YAML 1.2");
        }
    }

    #[test]
    fn parse_args_fields() {
        let a = parse_args(
            GenKind::Secret,
            &yaml(
                "name: s\nnamespace: \"\"\nbehavior: Merge\ntype: kubernetes.io/tls\n\
                 envs: [a.env]\nenv: b.env\nLiterals: [x=1]\n\
                 options: {labels: {b: \"2\", a: \"1\"}, immutable: on}",
            ),
        )
        .unwrap();
        assert_eq!(a.name, "s");
        assert_eq!(a.namespace, None);
        assert_eq!(
            a.behavior,
            Behavior::Create,
            "only lowercase merge/replace count"
        );
        assert_eq!(a.secret_type.as_deref(), Some("kubernetes.io/tls"));
        assert_eq!(a.envs, vec!["a.env", "b.env"]);
        assert_eq!(a.literals, vec!["x=1"]);
        let o = a.options.unwrap();
        assert_eq!(
            o.labels,
            vec![("a".into(), "1".into()), ("b".into(), "2".into())]
        );
        assert_eq!(o.immutable, Some(true));
        assert_eq!(
            parse_args(GenKind::ConfigMap, &yaml("name: c\nbehavior: replace"))
                .unwrap()
                .behavior,
            Behavior::Replace
        );
        let e = parse_args(GenKind::ConfigMap, &yaml("name: bob\ntype: x")).unwrap_err();
        assert!(
            e.contains("configMapGenerator `bob`: unknown field `type`"),
            "{e}"
        );
        let e = parse_args(GenKind::ConfigMap, &yaml("name: y")).unwrap_err();
        assert!(e.contains("`name` must be a string"), "{e}");

        let p = parse_plugin_config(
            GenKind::ConfigMap,
            &yaml("apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: m, namespace: ns}\nbogus: 1\nliterals: [a=1]\noptions: {disableNameSuffixHash: true}"),
        )
        .unwrap();
        assert_eq!((p.name.as_str(), p.namespace.as_deref()), ("m", Some("ns")));
        assert_eq!(p.options.unwrap().disable_name_suffix_hash, Some(true));
        // YAML 1.2 in plugin configs: `yes` is a string.
        assert!(parse_plugin_config(
            GenKind::ConfigMap,
            &yaml("name: p\noptions: {disableNameSuffixHash: yes}")
        )
        .is_err());
    }

    #[test]
    fn options_merge_local_wins_global_true_wins() {
        let local = GeneratorOptions {
            labels: vec![("a".into(), "local".into())],
            disable_name_suffix_hash: Some(false),
            ..Default::default()
        };
        let global = GeneratorOptions {
            labels: vec![("a".into(), "global".into()), ("b".into(), "global".into())],
            annotations: vec![("x".into(), "y".into())],
            disable_name_suffix_hash: Some(true),
            immutable: Some(true),
        };
        let m = merge_options(Some(&local), Some(&global));
        assert_eq!(
            m.labels,
            vec![("a".into(), "local".into()), ("b".into(), "global".into())]
        );
        assert_eq!(m.annotations, vec![("x".into(), "y".into())]);
        assert_eq!(m.disable_name_suffix_hash, Some(true));
        assert_eq!(m.immutable, Some(true));
    }

    #[test]
    fn generated_shape() {
        let args = parse_args(
            GenKind::ConfigMap,
            &yaml("name: c\nnamespace: ns\nliterals: [b=2, \"m=x\\ny\"]\nfiles: [bin]\noptions: {immutable: true, labels: {l: v}}"),
        )
        .unwrap();
        let g = generate(&args, None, &|p: &str| match p {
            "bin" => Ok(vec![0xff]),
            _ => Err("no such file".into()),
        })
        .unwrap();
        assert!(g.needs_hash);
        let keys: Vec<&str> = g
            .node
            .entries()
            .iter()
            .filter_map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "apiVersion",
                "binaryData",
                "data",
                "immutable",
                "kind",
                "metadata"
            ]
        );
        assert_eq!(g.node.str_at(&["binaryData", "bin"]), Some("/w=="));
        let m = g.node.path(&["data", "m"]).unwrap();
        assert!(
            matches!(&m.kind, Kind::Scalar(s) if s.tag == Tag::Str && s.style == Style::Literal)
        );
        assert_eq!(
            g.node.get("immutable").unwrap().to_json(),
            serde_json::Value::Bool(true)
        );
        let e = generate(
            &parse_args(GenKind::ConfigMap, &yaml("name: c\nfiles: [gone]")).unwrap(),
            None,
            &|_: &str| Err("no such file".into()),
        )
        .unwrap_err();
        assert_eq!(e, "configMapGenerator `c`: file `gone`: no such file");
    }

    // -----------------------------------------------------------------------------------------
    // Oracle cases made with kubectl for what the corpus does not cover.

    struct Oracle {
        name: &'static str,
        run_dir: &'static str,
        files: &'static [(&'static str, &'static [u8])],
        expected: &'static str,
    }

    struct OracleError {
        name: &'static str,
        files: &'static [(&'static str, &'static [u8])],
        error: &'static str,
    }

    fn fs_of(files: &[(&str, &[u8])]) -> Fs {
        files
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect()
    }

    #[test]
    fn kubectl_oracle_outputs() {
        let mut failed = Vec::new();
        for o in ORACLE {
            match check_output(&fs_of(o.files), o.run_dir, o.expected.as_bytes()) {
                Ok(_) => {}
                Err(e) => failed.push(format!("{}: {e:?}", o.name)),
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    #[test]
    fn kubectl_oracle_errors() {
        let mut failed = Vec::new();
        for o in ORACLE_ERRORS {
            match build(&fs_of(o.files), "", true, 0, None) {
                Err(Fail::Error(e)) if e.contains(o.error) => {}
                other => failed.push(format!("{}: want `{}`, got {other:?}", o.name, o.error)),
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    /// Cases built with `kubectl kustomize` (kustomize v5.5.0); `expected` is its output.
    const ORACLE: &[Oracle] = &[
        Oracle {
            name: r#"env_edges"#,
            run_dir: r#""#,
            files: &[
                (r#"a.env"#, b"\xef\xbb\xbfFIRST=1\r\n# comment\n\n   LEAD=x\n\tTAB=  spaced  \nBARE\n=skipped\nexport EXP=2\nQ=\"quoted\"\nS='single'\nEQ=a=b=c\n#x=y\nLAST=no newline"),
                (r#"b.env"#, b"B1=\xef\xbb\xbfbom-in-value\n  # indented comment\nB2=caf\xc3\xa9\n"),
                (r#"kustomization.yaml"#, b"configMapGenerator:\n- name: envs\n  envs: [a.env, b.env]\nsecretGenerator:\n- name: envs\n  envs: [a.env]\n"),
            ],
            expected: r#"apiVersion: v1
data:
  B1: "\uFEFF\x62\x6F\x6D\x2D\x69\x6E\x2D\x76\x61\x6C\x75\x65"
  B2: café
  BARE: ""
  EQ: a=b=c
  FIRST: "1"
  LAST: no newline
  LEAD: x
  Q: '"quoted"'
  S: '''single'''
  TAB: '  spaced  '
  export EXP: "2"
kind: ConfigMap
metadata:
  name: envs-2h6f4tff78
---
apiVersion: v1
data:
  BARE: ""
  EQ: YT1iPWM=
  FIRST: MQ==
  LAST: bm8gbmV3bGluZQ==
  LEAD: eA==
  Q: InF1b3RlZCI=
  S: J3NpbmdsZSc=
  TAB: ICBzcGFjZWQgIA==
  export EXP: Mg==
kind: Secret
metadata:
  name: envs-cc55d48bh4
type: Opaque
"#,
        },
        Oracle {
            name: r#"literals"#,
            run_dir: r#""#,
            files: &[
                (r#"kustomization.yaml"#, b"configMapGenerator:\n- name: lits\n  literals:\n  - 'html=<a href=\"x\">&amp;</a>'\n  - \"ctl=a\\bb\\fc\\u0001d\\te\\rf\"\n  - \"uni=caf\\u00e9 \\u4e2d \\U0001F600 \\u2028 \\u2029 \\u0085 \\u00a0\"\n  - 'quotes=\"both\"'\n  - \"single='both'\"\n  - 'mixed=\"half'\n  - 'empty='\n  - 'eq==x='\n  - 'bs=back\\slash \"q\"'\n  - 'a b=space key'\n  - 'a/b=slash key'\n  - 'multi=line1\n    line2'\n  - \"nl=trailing\\n\"\nsecretGenerator:\n- name: lits\n  literals:\n  - 'html=<a href=\"x\">&amp;</a>'\n  - \"ctl=a\\bb\\fc\\u0001d\\te\\rf\"\n  - 'long=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'\n  - 'exact=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'\n  - 'short=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'\n"),
            ],
            expected: r#"apiVersion: v1
data:
  a b: space key
  a/b: slash key
  bs: back\slash "q"
  ctl: "a\bb\fc\x01d\te\rf"
  empty: ""
  eq: =x=
  html: <a href="x">&amp;</a>
  mixed: '"half'
  multi: line1 line2
  nl: |
    trailing
  quotes: both
  single: both
  uni: "café 中 \U0001F600 \L \P  "
kind: ConfigMap
metadata:
  name: lits-b67m6m6hc6
---
apiVersion: v1
data:
  ctl: YQhiDGMBZAllDWY=
  exact: YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=
  html: PGEgaHJlZj0ieCI+JmFtcDs8L2E+
  long: |
    YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYW
    E=
  short: YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh
kind: Secret
metadata:
  name: lits-ffkt74m5m7
type: Opaque
"#,
        },
        Oracle {
            name: r#"files"#,
            run_dir: r#""#,
            files: &[
                (r#"big.bin"#, b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff"),
                (r#"bin.dat"#, b"\x00\x01\xff\xfe"),
                (r#"dir/crlf.txt"#, b"a\r\nb\r\n"),
                (r#"dir/sub/bom.txt"#, b"\xef\xbb\xbfbom\n"),
                (r#"dot.txt"#, b"dot"),
                (r#"empty.txt"#, b""),
                (r#"kustomization.yaml"#, b"configMapGenerator:\n- name: files\n  files: [bin.dat, big.bin, utf8.txt, k=dir/crlf.txt, empty.txt, dir/sub/bom.txt, ./dot.txt, trail=dir/sub/bom.txt]\nsecretGenerator:\n- name: files\n  files: [bin.dat, big.bin, utf8.txt, empty.txt]\n"),
                (r#"utf8.txt"#, b"h\xc3\xa9llo \xe4\xb8\xad\n"),
            ],
            expected: r#"apiVersion: v1
binaryData:
  big.bin: |
    AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMz
    Q1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdo
    aWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ
    2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR
    0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/wABAgMEBQ
    YHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6
    Ozw9Pj9AQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2BhYmNkZWZnaGlqa2xtbm
    9wcXJzdHV2d3h5ent8fX5/gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp+goaKj
    pKWmp6ipqqusra6vsLGys7S1tre4ubq7vL2+v8DBwsPExcbHyMnKy8zNzs/Q0dLT1NXW19
    jZ2tvc3d7f4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8=
  bin.dat: AAH//g==
data:
  bom.txt: "\uFEFF\x62\x6F\x6D\n"
  dot.txt: dot
  empty.txt: ""
  k: "a\r\nb\r\n"
  trail: "\uFEFF\x62\x6F\x6D\n"
  utf8.txt: |
    héllo 中
kind: ConfigMap
metadata:
  name: files-67bb5ttb7g
---
apiVersion: v1
data:
  big.bin: |
    AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMz
    Q1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdo
    aWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ
    2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR
    0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/wABAgMEBQ
    YHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6
    Ozw9Pj9AQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2BhYmNkZWZnaGlqa2xtbm
    9wcXJzdHV2d3h5ent8fX5/gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp+goaKj
    pKWmp6ipqqusra6vsLGys7S1tre4ubq7vL2+v8DBwsPExcbHyMnKy8zNzs/Q0dLT1NXW19
    jZ2tvc3d7f4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8=
  bin.dat: AAH//g==
  empty.txt: ""
  utf8.txt: aMOpbGxvIOS4rQo=
kind: Secret
metadata:
  name: files-6bfg8m5g79
type: Opaque
"#,
        },
        Oracle {
            name: r#"options"#,
            run_dir: r#""#,
            files: &[
                (r#"kustomization.yaml"#, b"generatorOptions:\n  labels: {g: global, shared: global}\n  annotations: {ga: \"1\"}\n  immutable: true\nsecretGenerator:\n- name: tls\n  type: kubernetes.io/tls\n  literals: [tls.crt=C, tls.key=K]\n- name: empty\n- name: custom\n  type: example.com/x\n  namespace: other\n  literals: [a=1]\n  options:\n    labels: {shared: local, l: \"1\"}\n    annotations: {la: \"2\"}\n    disableNameSuffixHash: false\nconfigMapGenerator:\n- name: nodata\n- name: nohash\n  literals: [a=1]\n  options: {disableNameSuffixHash: true, immutable: false}\n- name: ns\n  namespace: kube-system\n  literals: [a=1]\n"),
            ],
            expected: r#"apiVersion: v1
data:
  a: "1"
immutable: true
kind: ConfigMap
metadata:
  annotations:
    ga: "1"
  labels:
    g: global
    shared: global
  name: ns-h29d89cmmt
  namespace: kube-system
---
apiVersion: v1
immutable: true
kind: ConfigMap
metadata:
  annotations:
    ga: "1"
  labels:
    g: global
    shared: global
  name: nodata-6ct58987ht
---
apiVersion: v1
data:
  a: "1"
immutable: true
kind: ConfigMap
metadata:
  annotations:
    ga: "1"
  labels:
    g: global
    shared: global
  name: nohash
---
apiVersion: v1
data:
  a: MQ==
immutable: true
kind: Secret
metadata:
  annotations:
    ga: "1"
    la: "2"
  labels:
    g: global
    l: "1"
    shared: local
  name: custom-79cd8gm9fg
  namespace: other
type: example.com/x
---
apiVersion: v1
data: {}
immutable: true
kind: Secret
metadata:
  annotations:
    ga: "1"
  labels:
    g: global
    shared: global
  name: empty-46f8b28mk5
type: Opaque
---
apiVersion: v1
data:
  tls.crt: Qw==
  tls.key: Sw==
immutable: true
kind: Secret
metadata:
  annotations:
    ga: "1"
  labels:
    g: global
    shared: global
  name: tls-5t2gm5m46f
type: kubernetes.io/tls
"#,
        },
        Oracle {
            name: r#"options_disable"#,
            run_dir: r#""#,
            files: &[
                (r#"kustomization.yaml"#, b"generatorOptions:\n  disableNameSuffixHash: true\nconfigMapGenerator:\n- name: a\n  literals: [x=1]\n  options: {disableNameSuffixHash: false, labels: {k: v}}\n"),
            ],
            expected: r#"apiVersion: v1
data:
  x: "1"
kind: ConfigMap
metadata:
  labels:
    k: v
  name: a
"#,
        },
        Oracle {
            name: r#"keyorder"#,
            run_dir: r#""#,
            files: &[
                (r#"kustomization.yaml"#, b"configMapGenerator:\n- name: order\n  literals: [\"x1a=1\", \"x1_=2\", \"a10=1\", \"a9=1\", \"a09=1\", \"a009=3\", \"B=1\", \"b=1\", \"_=1\", \"-=1\", \".a=1\", \"\xc3\xa9=1\", \"Z=1\", \"ab=1\", \"a=1\", \"a_=1\", \"x01=1\", \"x1=1\", \"\xc3\x84=1\", \"\xc3\xa4=1\", \"\xe4\xb8\xad=1\", \"a-=1\", \"a.=1\", \"a 1=1\", \"a2=3\", \"a10b=1\", \"a10_=1\", \"1a=1\", \"2a=2\", \"a100=1\", \"a1_=1\", \"A_B=1\", \"AB=1\"]\n"),
            ],
            expected: r#"apiVersion: v1
data:
  '-': "1"
  .a: "1"
  _: "1"
  1a: "1"
  2a: "2"
  A_B: "1"
  AB: "1"
  B: "1"
  Z: "1"
  a: "1"
  a 1: "1"
  a-: "1"
  a.: "1"
  a_: "1"
  a1_: "1"
  a2: "3"
  a9: "1"
  a09: "1"
  a009: "3"
  a10: "1"
  a10_: "1"
  a100: "1"
  a10b: "1"
  ab: "1"
  b: "1"
  x1: "1"
  x1_: "2"
  x1a: "1"
  x01: "1"
  Ä: "1"
  ä: "1"
  é: "1"
  中: "1"
kind: ConfigMap
metadata:
  name: order-7fcdb2bbg8
"#,
        },
        Oracle {
            name: r#"quirks"#,
            run_dir: r#""#,
            files: &[
                (r#"kustomization.yaml"#, b"configMapGenerator:\n- Name: quirk\n  LITERALS: [a=1]\n  Literals: [b=2]\n  options:\n    DisableNameSuffixHash: yes\n    labels: {\"on\": \"x\"}\n- name: dup\n  name: dup2\n  literals: [a=1]\n  env: one.env\n  envs: [two.env]\n"),
                (r#"one.env"#, b"ONE=1\n"),
                (r#"two.env"#, b"TWO=2\n"),
            ],
            expected: r#"apiVersion: v1
data:
  ONE: "1"
  TWO: "2"
  a: "1"
kind: ConfigMap
metadata:
  name: dup2-f7b495fdmc
---
apiVersion: v1
data:
  b: "2"
kind: ConfigMap
metadata:
  labels:
    "on": x
  name: quirk
"#,
        },
        Oracle {
            name: r#"plugins"#,
            run_dir: r#""#,
            files: &[
                (r#"gen.yaml"#, b"apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: meta-name\n  namespace: meta-ns\nname: top-name\nbogus: 1\nliterals: [\"a=1\"]\noptions:\n  labels: {ol: \"y\"}\n---\napiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: sec\ntype: kubernetes.io/tls\nliterals: [\"a=1\"]\n"),
                (r#"kustomization.yaml"#, b"generatorOptions: {labels: {g: \"1\"}, disableNameSuffixHash: true}\ngenerators: [gen.yaml]\n"),
            ],
            expected: r#"apiVersion: v1
data:
  a: "1"
kind: ConfigMap
metadata:
  labels:
    ol: "y"
  name: top-name-h29d89cmmt
  namespace: meta-ns
---
apiVersion: v1
data:
  a: MQ==
kind: Secret
metadata:
  name: sec-hm5f724df9
type: kubernetes.io/tls
"#,
        },
        Oracle {
            name: r#"merge"#,
            run_dir: r#"overlay"#,
            files: &[
                (r#"base/bin.dat"#, b"\xff\xfe"),
                (r#"base/kustomization.yaml"#, b"namePrefix: b-\nconfigMapGenerator:\n- name: cm\n  literals: [a=1, b=2]\n  files: [bin.dat]\n  options:\n    labels: {bl: \"1\", shared: base}\n    annotations: {ba: \"1\"}\n    immutable: true\n- name: rep\n  literals: [old=1]\n  options: {labels: {keep: me}}\nsecretGenerator:\n- name: sec\n  type: kubernetes.io/tls\n  literals: [a=1]\n- name: nohash\n  literals: [a=1]\n  options: {disableNameSuffixHash: true}\n"),
                (r#"overlay/kustomization.yaml"#, b"resources: [../base]\nnamePrefix: o-\nconfigMapGenerator:\n- name: cm\n  behavior: merge\n  literals: [a=3, c=4]\n  options:\n    labels: {ol: \"1\", shared: overlay}\n- name: rep\n  behavior: replace\n  literals: [new=1]\nsecretGenerator:\n- name: sec\n  behavior: merge\n  literals: [b=2]\n- name: nohash\n  behavior: merge\n  literals: [b=2]\n"),
            ],
            expected: r#"apiVersion: v1
binaryData:
  bin.dat: //4=
data:
  a: "3"
  b: "2"
  c: "4"
kind: ConfigMap
metadata:
  annotations:
    ba: "1"
  labels:
    bl: "1"
    ol: "1"
    shared: overlay
  name: o-b-cm-426fc68m4m
---
apiVersion: v1
data:
  new: "1"
kind: ConfigMap
metadata:
  labels:
    keep: me
  name: o-b-rep-btdm98b972
---
apiVersion: v1
data:
  a: MQ==
  b: Mg==
kind: Secret
metadata:
  name: o-b-nohash
type: Opaque
---
apiVersion: v1
data:
  a: MQ==
  b: Mg==
kind: Secret
metadata:
  name: o-b-sec-8fb7cfch84
type: Opaque
"#,
        },
        Oracle {
            name: r#"plainmerge"#,
            run_dir: r#"overlay"#,
            files: &[
                (r#"base/cm.yaml"#, b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: nsb\n  labels: {l: \"1\"}\n  annotations: {note: base}\n  finalizers: [x]\nimmutable: true\ndata:\n  z: \"1\"\n  num: 1\n  nul: ~\n  multi: |\n    two\n    lines\nbinaryData:\n  bin: AAEC\nextra: field\n"),
                (r#"base/kustomization.yaml"#, b"resources: [cm.yaml, secret.yaml]\n"),
                (r#"base/secret.yaml"#, b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: psec\ntype: kubernetes.io/basic-auth\ndata:\n  username: YWRtaW4=\nstringData:\n  password: x\n"),
                (r#"overlay/kustomization.yaml"#, b"resources: [../base]\nconfigMapGenerator:\n- name: plain\n  namespace: nsb\n  behavior: merge\n  literals: [a=3]\n  options: {labels: {m: \"2\"}, annotations: {note: overlay}}\nsecretGenerator:\n- name: psec\n  behavior: replace\n  literals: [password=y]\n"),
            ],
            expected: r#"apiVersion: v1
binaryData:
  bin: AAEC
data:
  a: "3"
  multi: |
    two
    lines
  nul: ""
  num: "1"
  z: "1"
kind: ConfigMap
metadata:
  annotations:
    note: overlay
  labels:
    l: "1"
    m: "2"
  name: plain
  namespace: nsb
---
apiVersion: v1
data:
  password: eQ==
kind: Secret
metadata:
  name: psec
type: Opaque
"#,
        },
        Oracle {
            name: r#"hashand"#,
            run_dir: r#"overlay"#,
            files: &[
                (r#"base/kustomization.yaml"#, b"configMapGenerator:\n- name: bd\n  literals: [a=1]\n  options: {disableNameSuffixHash: true}\n- name: be\n  literals: [a=1]\n- name: be2\n  literals: [a=1]\n- name: bd2\n  literals: [a=1]\n  options: {disableNameSuffixHash: true}\n"),
                (r#"overlay/kustomization.yaml"#, b"resources: [../base]\nconfigMapGenerator:\n- name: bd\n  behavior: merge\n  literals: [b=1]\n- name: be\n  behavior: merge\n  literals: [b=1]\n  options: {disableNameSuffixHash: true}\n- name: be2\n  behavior: replace\n  literals: [b=1]\n- name: bd2\n  behavior: replace\n  literals: [b=1]\n"),
            ],
            expected: r#"apiVersion: v1
data:
  a: "1"
  b: "1"
kind: ConfigMap
metadata:
  name: bd
---
apiVersion: v1
data:
  b: "1"
kind: ConfigMap
metadata:
  name: bd2
---
apiVersion: v1
data:
  a: "1"
  b: "1"
kind: ConfigMap
metadata:
  name: be
---
apiVersion: v1
data:
  b: "1"
kind: ConfigMap
metadata:
  name: be2-k2572242mg
"#,
        },
        Oracle {
            name: r#"chain"#,
            run_dir: r#"top"#,
            files: &[
                (r#"base/kustomization.yaml"#, b"configMapGenerator:\n- name: c\n  literals: [a=1]\n"),
                (r#"mid/kustomization.yaml"#, b"resources: [../base]\nnamePrefix: mid-\nconfigMapGenerator:\n- name: c\n  behavior: merge\n  literals: [b=2]\n"),
                (r#"top/kustomization.yaml"#, b"resources: [../mid]\nnamespace: top\nconfigMapGenerator:\n- name: c\n  behavior: merge\n  literals: [c=3]\n  options: {annotations: {t: \"1\"}}\n"),
            ],
            expected: r#"apiVersion: v1
data:
  a: "1"
  b: "2"
  c: "3"
kind: ConfigMap
metadata:
  annotations:
    t: "1"
  name: mid-c-55f7kg2cf8
  namespace: top
"#,
        },
        Oracle {
            name: r#"emptymerge"#,
            run_dir: r#"ov"#,
            files: &[
                (r#"base/kustomization.yaml"#, b"secretGenerator:\n- name: s\nconfigMapGenerator:\n- name: c\n- name: d\n  literals: [a=1]\n"),
                (r#"ov/kustomization.yaml"#, b"resources: [../base]\nsecretGenerator:\n- name: s\n  behavior: merge\nconfigMapGenerator:\n- name: c\n  behavior: merge\n- name: d\n  namespace: default\n  behavior: merge\n  literals: [b=1]\n"),
            ],
            expected: r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: c-6ct58987ht
---
apiVersion: v1
data:
  a: "1"
  b: "1"
kind: ConfigMap
metadata:
  name: d-8gchk5bfmb
---
apiVersion: v1
kind: Secret
metadata:
  name: s-8226t8dd99
type: Opaque
"#,
        },
    ];

    /// Inputs that `kubectl kustomize` rejects, and a piece of our message for each.
    const ORACLE_ERRORS: &[OracleError] = &[
        OracleError {
            name: r#"bad_utf8_env"#,
            files: &[
                (r#"a.env"#, b"# ok\n#\xff\n"),
                (
                    r#"kustomization.yaml"#,
                    b"configMapGenerator:\n- name: c\n  envs: [a.env]\n",
                ),
            ],
            error: r#"line 2 is not valid UTF-8"#,
        },
        OracleError {
            name: r#"bool_key"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"secretGenerator:\n- name: c\n  literals: [\"true=x\"]\n",
            )],
            error: r#"reads as a boolean"#,
        },
        OracleError {
            name: r#"cm_type"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  type: Opaque\n",
            )],
            error: r#"unknown field `type`"#,
        },
        OracleError {
            name: r#"ctl_file"#,
            files: &[
                (r#"f.txt"#, b"a\xc2\x80b"),
                (
                    r#"kustomization.yaml"#,
                    b"configMapGenerator:\n- name: c\n  files: [f.txt]\n",
                ),
            ],
            error: r#"U+0080"#,
        },
        OracleError {
            name: r#"ctl_literal"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  literals: [\"a=x\\u007fy\"]\n",
            )],
            error: r#"U+007F"#,
        },
        OracleError {
            name: r#"dup_key"#,
            files: &[
                (r#"a.env"#, b"A=1\n"),
                (
                    r#"kustomization.yaml"#,
                    b"configMapGenerator:\n- name: c\n  envs: [a.env]\n  literals: [A=2]\n",
                ),
            ],
            error: r#"key `A` is set twice"#,
        },
        OracleError {
            name: r#"file_no_key"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  files: [\"=a\"]\n",
            )],
            error: r#"no key name before `=`"#,
        },
        OracleError {
            name: r#"file_no_path"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  files: [\"k=\"]\n",
            )],
            error: r#"no file path after `=`"#,
        },
        OracleError {
            name: r#"file_two_eq"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  files: [k=a=b]\n",
            )],
            error: r#"contains `=`"#,
        },
        OracleError {
            name: r#"hash_string"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"generatorOptions:\n  disableNameSuffixHash: \"true\"\n",
            )],
            error: r#"`disableNameSuffixHash` must be true or false"#,
        },
        OracleError {
            name: r#"label_bool"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  options:\n    labels: {a: yes}\n",
            )],
            error: r#"`labels.a` must be a string"#,
        },
        OracleError {
            name: r#"label_key_number"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"generatorOptions:\n  labels: {1: x}\nconfigMapGenerator:\n- name: c\n",
            )],
            error: r#"keys must be strings"#,
        },
        OracleError {
            name: r#"lead_eq"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  literals: [\"=v\"]\n",
            )],
            error: r#"has no key before `=`"#,
        },
        OracleError {
            name: r#"literals_string"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  literals: a=1\n",
            )],
            error: r#"must be a list of strings"#,
        },
        OracleError {
            name: r#"missing_file"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  files: [nope.txt]\n",
            )],
            error: r#"file `nope.txt`"#,
        },
        OracleError {
            name: r#"name_number"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: 123\n",
            )],
            error: r#"`name` must be a string"#,
        },
        OracleError {
            name: r#"no_eq"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  literals: [novalue]\n",
            )],
            error: r#"is not key=value"#,
        },
        OracleError {
            name: r#"no_name"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- literals: [a=1]\n",
            )],
            error: r#"has no `name`"#,
        },
        OracleError {
            name: r#"numeric_key"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  literals: [\"0755=x\"]\n",
            )],
            error: r#"reads as a number"#,
        },
        OracleError {
            name: r#"secret_type_unknown_field"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"secretGenerator:\n- name: s\n  stringData: true\n",
            )],
            error: r#"unknown field `stringData`"#,
        },
        OracleError {
            name: r#"unknown_field"#,
            files: &[(
                r#"kustomization.yaml"#,
                b"configMapGenerator:\n- name: c\n  literal: [a=1]\n",
            )],
            error: r#"unknown field `literal`"#,
        },
    ];

    // -----------------------------------------------------------------------------------------
    // The conformance corpus.

    fn read_tree(root: &std::path::Path, dir: &std::path::Path, fs: &mut Fs) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                read_tree(root, &p, fs);
            } else if let Ok(bytes) = std::fs::read(&p) {
                let rel = p.strip_prefix(root).unwrap_or(&p);
                fs.insert(rel.to_string_lossy().replace('\\', "/"), bytes);
            }
        }
    }

    fn mentions_generators(fs: &Fs) -> bool {
        fs.values().any(|b| {
            let t = String::from_utf8_lossy(b).to_ascii_lowercase();
            t.contains("configmapgenerator")
                || t.contains("secretgenerator")
                || t.contains("generatoroptions")
        })
    }

    #[test]
    fn conformance_corpus_generator_cases() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/conformance/kustomize");
        if !corpus.is_dir() {
            if std::env::var_os("CI").is_some() {
                panic!("{} is missing", corpus.display());
            }
            println!("NOTICE: {} is absent; skipping", corpus.display());
            return;
        }
        let mut cases: Vec<_> = std::fs::read_dir(&corpus)
            .expect("corpus")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("case.json").is_file())
            .collect();
        cases.sort();
        let (mut matched, mut unsupported, mut failed) = (Vec::new(), Vec::new(), Vec::new());
        for case in cases {
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            let mut fs = Fs::new();
            read_tree(&case.join("in"), &case.join("in"), &mut fs);
            if !mentions_generators(&fs) {
                continue;
            }
            let meta: serde_json::Value =
                serde_json::from_slice(&std::fs::read(case.join("case.json")).unwrap()).unwrap();
            let run_dir = meta["run_dir"].as_str().unwrap_or(".").to_string();
            let flags = meta["flags"].to_string();
            if flags.contains("managedby") {
                unsupported.push(format!("{name}: --enable-managedby-label"));
                continue;
            }
            let run_dir = join("", &run_dir);
            if meta["expect"] == "error" {
                let checks: Vec<String> = meta["error_checks"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter(|c| c["kind"] == "contains")
                            .filter_map(|c| c["value"].as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                match build(&fs, &run_dir, true, 0, None) {
                    Err(Fail::Error(e)) if checks.iter().any(|c| e.contains(c.as_str())) => {
                        matched.push(format!("{name} (error: {e})"))
                    }
                    Err(Fail::Error(e)) => {
                        unsupported.push(format!("{name}: fails, but not with {checks:?}: {e}"))
                    }
                    Err(Fail::Unsupported(why)) => unsupported.push(format!("{name}: {why}")),
                    Ok(_) => failed.push(format!("{name}: built, but kustomize fails")),
                }
                continue;
            }
            let expected = std::fs::read(case.join("expected.yaml")).unwrap_or_default();
            match check_output(&fs, &run_dir, &expected) {
                Ok(n) => matched.push(format!("{name} ({n} objects)")),
                Err(Fail::Unsupported(why)) => unsupported.push(format!("{name}: {why}")),
                Err(Fail::Error(e)) => failed.push(format!("{name}: {e}")),
            }
        }
        println!("MATCHED {}:", matched.len());
        matched.iter().for_each(|m| println!("  {m}"));
        println!(
            "NOT RUN (the mini-builder lacks a feature) {}:",
            unsupported.len()
        );
        unsupported.iter().for_each(|m| println!("  {m}"));
        println!("FAILED {}:", failed.len());
        failed.iter().for_each(|m| println!("  {m}"));
        assert!(failed.is_empty(), "{} corpus cases failed", failed.len());
        assert!(matched.len() >= 30, "only {} cases matched", matched.len());
    }
}
