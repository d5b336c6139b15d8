//! A jsonschema error, said the way a person fixes it: `spec.replicas: expected integer, got
//! string "two"` at the value, `unknown field imagePullPolcy` (did you mean
//! `imagePullPolicy`?) at the key — not a JSON-pointer dump. Values of Secrets and SOPS files
//! are never quoted.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::ValidationError;
use serde_json::Value;

use super::Target;
use crate::load::tree::PathSeg;

pub(crate) struct Explained {
    pub path: Vec<PathSeg>,
    pub target: Target,
    pub message: String,
    pub help: Option<String>,
    pub unknown_field: bool,
}

pub(crate) fn explain(e: &ValidationError<'_>, document: &Value, secret: bool) -> Vec<Explained> {
    let path: Vec<PathSeg> = e
        .instance_path()
        .iter()
        .map(|s| match s {
            LocationSegment::Property(p) => PathSeg::Key(p.to_string()),
            LocationSegment::Index(i) => PathSeg::Index(i),
        })
        .collect();
    let at = dotted(&path);
    let value = e.instance();
    let shown = |v: &Value| describe(v, secret);
    let one = |message: String, target: Target| {
        vec![Explained {
            path: path.clone(),
            target,
            message,
            help: None,
            unknown_field: false,
        }]
    };
    match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let declared = declared_properties(document, e);
            unexpected
                .iter()
                .map(|name| {
                    let mut p = path.clone();
                    p.push(PathSeg::Key(name.clone()));
                    let help = suggest(name, &declared).map(|s| format!("did you mean `{s}`?"));
                    Explained {
                        message: format!("{}: unknown field `{name}`", dotted(&p)),
                        path: p,
                        target: Target::Key,
                        help,
                        unknown_field: true,
                    }
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let place = if at.is_empty() {
                "the object".to_string()
            } else {
                at.clone()
            };
            one(
                format!("{place}: missing required field `{name}`"),
                Target::Key,
            )
        }
        ValidationErrorKind::Type { kind } => one(
            format!(
                "{}: expected {}, got {}",
                or_root(&at),
                types(kind),
                shown(value)
            ),
            Target::Value,
        ),
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|v| !v.is_null())
                        .map(|v| v.to_string())
                        .collect()
                })
                .unwrap_or_default();
            one(
                format!(
                    "{}: expected one of {}, got {}",
                    or_root(&at),
                    opts.join(", "),
                    shown(value)
                ),
                Target::Value,
            )
        }
        ValidationErrorKind::Constant { expected_value } => one(
            format!(
                "{}: expected {expected_value}, got {}",
                or_root(&at),
                shown(value)
            ),
            Target::Value,
        ),
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // Typically int-or-string or a nullable type: name the accepted types.
            let mut expected: Vec<String> = Vec::new();
            let all_types = context.iter().all(|branch| {
                branch.iter().all(|b| match b.kind() {
                    ValidationErrorKind::Type { kind } => {
                        for t in type_names(kind) {
                            if t != "null" && !expected.contains(&t) {
                                expected.push(t);
                            }
                        }
                        b.instance_path() == e.instance_path()
                    }
                    _ => false,
                })
            });
            if all_types && !expected.is_empty() {
                one(
                    format!(
                        "{}: expected {}, got {}",
                        or_root(&at),
                        expected.join(" or "),
                        shown(value)
                    ),
                    Target::Value,
                )
            } else {
                one(
                    format!(
                        "{}: {} matches none of the allowed forms",
                        or_root(&at),
                        shown(value)
                    ),
                    Target::Value,
                )
            }
        }
        ValidationErrorKind::Pattern { pattern } => one(
            format!(
                "{}: {} does not match the pattern `{pattern}`",
                or_root(&at),
                shown(value)
            ),
            Target::Value,
        ),
        ValidationErrorKind::MinLength { limit } => one(
            format!("{}: shorter than {limit} characters", or_root(&at)),
            Target::Value,
        ),
        ValidationErrorKind::MaxLength { limit } => one(
            format!("{}: longer than {limit} characters", or_root(&at)),
            Target::Value,
        ),
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => one(
            format!(
                "{}: {} is below the minimum {limit}",
                or_root(&at),
                shown(value)
            ),
            Target::Value,
        ),
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => one(
            format!(
                "{}: {} is above the maximum {limit}",
                or_root(&at),
                shown(value)
            ),
            Target::Value,
        ),
        ValidationErrorKind::MinItems { limit } => one(
            format!("{}: needs at least {limit} item(s)", or_root(&at)),
            Target::Value,
        ),
        ValidationErrorKind::MaxItems { limit } => one(
            format!("{}: allows at most {limit} item(s)", or_root(&at)),
            Target::Value,
        ),
        ValidationErrorKind::UniqueItems => one(
            format!("{}: items must be unique", or_root(&at)),
            Target::Value,
        ),
        _ if secret => one(
            format!("{}: value does not match the schema", or_root(&at)),
            Target::Value,
        ),
        _ => one(format!("{}: {e}", or_root(&at)), Target::Value),
    }
}

fn or_root(at: &str) -> &str {
    if at.is_empty() {
        "the object"
    } else {
        at
    }
}

/// `spec.template.spec.containers[0].image`
pub(crate) fn dotted(path: &[PathSeg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            PathSeg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn type_names(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(ts) => ts.iter().map(|t| t.to_string()).collect(),
    }
}

/// Expected types, leaving out `null` (Kubernetes marks every optional field nullable).
fn types(kind: &TypeKind) -> String {
    let names: Vec<String> = type_names(kind)
        .into_iter()
        .filter(|t| t != "null")
        .collect();
    if names.is_empty() {
        "null".into()
    } else {
        names.join(" or ")
    }
}

/// `string "two"`, `integer 3`, `boolean true`, `object`, `array`, `null`; a secret's value is
/// never shown.
fn describe(v: &Value, secret: bool) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) if !secret => format!("boolean {b}"),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(n) if secret => {
            if n.is_i64() || n.is_u64() {
                "an integer".into()
            } else {
                "a number".into()
            }
        }
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {n}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(_) if secret => "a string".into(),
        Value::String(s) => {
            let cut: String = s.chars().take(40).collect();
            let more = if cut.len() < s.len() { "…" } else { "" };
            format!("string {:?}", format!("{cut}{more}"))
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The property names the failing schema declares (for "did you mean").
fn declared_properties(document: &Value, e: &ValidationError<'_>) -> Vec<String> {
    let pointer = e.schema_path().as_str();
    let parent = pointer.rsplit_once('/').map_or("", |(p, _)| p);
    document
        .pointer(parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The declared name closest to a typo, when close enough to be a likely fix.
fn suggest<'a>(name: &str, declared: &'a [String]) -> Option<&'a str> {
    declared
        .iter()
        .map(|d| (strsim::jaro_winkler(name, d), d))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, d)| d.as_str())
}
