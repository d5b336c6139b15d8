//! What kustomize does to every resource it reads: decode with go-yaml v3 into Go values,
//! marshal to JSON, decode again, and re-encode. The visible effects, reproduced here:
//! map keys sorted, source quoting forgotten (strings are re-quoted only where needed),
//! `0755` → 493, `1.10` → 1.1, dates → RFC 3339 strings, floats printed as Go's `%g`.

use crate::render::node::{Kind, RNode, Style, Tag};

/// A decoded Go value, numbers as the text kustomize finally prints.
enum Go {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
}

/// Normalises a freshly loaded resource (or patch) as kustomize's load does. Provenance is kept.
pub fn normalize(n: &RNode) -> Result<RNode, String> {
    let kind = match &n.kind {
        Kind::Seq(items) => Kind::Seq(items.iter().map(normalize).collect::<Result<_, _>>()?),
        Kind::Map(entries) => {
            let mut out: Vec<(RNode, RNode)> = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let key = match scalar(k)? {
                    Go::Str(s) | Go::Num(s) => s,
                    Go::Bool(b) => b.to_string(),
                    Go::Null => "null".into(),
                };
                let value = normalize(v)?;
                let key_node = RNode::string(key.clone()).with_prov(k.prov.clone());
                // A repeated key: the last value wins, as in a Go map.
                match out.iter_mut().find(|(ok, _)| ok.as_str() == Some(&key)) {
                    Some(slot) => *slot = (key_node, value),
                    None => out.push((key_node, value)),
                }
            }
            // go-yaml marshals maps with their keys sorted in its own (not total) order.
            crate::render::emit::sort_by_key_less(&mut out, |(k, _)| k.as_str().unwrap_or(""));
            Kind::Map(out)
        }
        Kind::Scalar(_) => {
            let node = match scalar(n)? {
                Go::Null => RNode::implicit("null"),
                Go::Bool(b) => RNode::implicit(b.to_string()),
                Go::Num(t) => RNode::implicit(t),
                Go::Str(s) => RNode::string(s),
            };
            node.kind
        }
    };
    Ok(RNode {
        kind,
        prov: n.prov.clone(),
    })
}

fn scalar(n: &RNode) -> Result<Go, String> {
    let Kind::Scalar(s) = &n.kind else {
        return Err("a mapping key must be a scalar".into());
    };
    let tag = match &s.tag {
        Tag::Explicit(t) => Some(t.as_ref()),
        Tag::Str => return Ok(Go::Str(s.value.clone())),
        Tag::Implicit => None,
    };
    match tag {
        Some("!!str") | Some("!!binary") | Some("!!timestamp") => Ok(Go::Str(s.value.clone())),
        None if s.style != Style::Plain => Ok(Go::Str(s.value.clone())),
        _ => resolve_plain_v3(&s.value),
    }
}

/// go-yaml v3's resolution of a plain scalar, as the Go value that comes out of the JSON round
/// trip.
fn resolve_plain_v3(s: &str) -> Result<Go, String> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Go::Null),
        "true" | "True" | "TRUE" => return Ok(Go::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Go::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err(format!("json: unsupported value: `{s}` (infinity or NaN)"))
        }
        _ => {}
    }
    let first = s.as_bytes().first().copied().unwrap_or(b' ');
    if first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.') {
        let plain: String = s.chars().filter(|c| *c != '_').collect();
        if let Some(v) = go_parse_int(&plain) {
            return Ok(Go::Num(v));
        }
        if is_yaml_style_float(&plain) {
            if let Ok(f) = plain.parse::<f64>() {
                return Ok(Go::Num(float_through_json(f)));
            }
        }
        if let Some(ts) = timestamp_rfc3339(s) {
            return Ok(Go::Str(ts));
        }
    }
    Ok(Go::Str(s.to_string()))
}

/// strconv.ParseInt(s, 0, 64) then ParseUint, as decimal text.
fn go_parse_int(s: &str) -> Option<String> {
    crate::load::resolve::go_parse_int(s).map(|v| match v {
        crate::load::resolve::GoInt::Signed(i) => i.to_string(),
        crate::load::resolve::GoInt::Unsigned(u) => u.to_string(),
    })
}

use crate::load::resolve::is_yaml_style_float;

/// A float after encoding/json and a second go-yaml decode: JSON text that reads as an
/// integer becomes an integer; anything else stays a float printed with Go's `%g`.
fn float_through_json(f: f64) -> String {
    let json = go_json_float(f);
    go_parse_int(&json).unwrap_or_else(|| go_g(f))
}

/// encoding/json's float64 text.
fn go_json_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = go_e(f);
        // encoding/json trims `e-09` to `e-9`.
        match s.rsplit_once("e-0") {
            Some((m, d)) if d.len() == 1 => format!("{m}e-{d}"),
            _ => s,
        }
    } else {
        let s = format!("{f}");
        if s == "-0" {
            "-0".into()
        } else {
            s
        }
    }
}

/// Shortest digits and decimal exponent of `f` (Rust and Go both print the shortest
/// round-tripping digits).
fn digits(f: f64) -> (bool, String, i32) {
    let s = format!("{:e}", f.abs());
    let (m, e) = s.split_once('e').expect("exponent form");
    let digits: String = m.chars().filter(|c| *c != '.').collect();
    (f.is_sign_negative(), digits, e.parse().expect("exponent"))
}

/// strconv.FormatFloat(f, 'e', -1, 64): `1.5e+300`, `8e-07`.
fn go_e(f: f64) -> String {
    let (neg, d, exp) = digits(f);
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(&d[..1]);
    if d.len() > 1 {
        s.push('.');
        s.push_str(&d[1..]);
    }
    s.push('e');
    s.push(if exp < 0 { '-' } else { '+' });
    s.push_str(&format!("{:02}", exp.abs()));
    s
}

/// strconv.FormatFloat(f, 'g', -1, 64): `%e` when the exponent is < -4 or >= 6 (strconv's
/// cutoff for shortest precision: `1.2345675e+06`), else `%f`.
fn go_g(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let (_, _, exp) = digits(f);
    if !(-4..6).contains(&exp) {
        go_e(f)
    } else {
        format!("{f}")
    }
}

/// A plain YAML timestamp (`2001-12-14`, `2001-12-14 21:59:43.10 -5`, `2001-12-14t21:59:43Z`)
/// as Go's time.Time marshals to JSON (RFC 3339 with nanoseconds trimmed).
fn timestamp_rfc3339(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    if b.len() < 10 || b[4] != b'-' {
        return None;
    }
    let year = num(0..4)?;
    // Month and day may have one or two digits.
    let mut i = 5;
    let take = |i: &mut usize| -> Option<u32> {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - st < 2 {
            *i += 1;
        }
        (*i > st).then(|| s[st..*i].parse().ok())?
    };
    let month = take(&mut i)?;
    if b.get(i) != Some(&b'-') {
        return None;
    }
    i += 1;
    let day = take(&mut i)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    if i == b.len() {
        return Some(format!("{year:04}-{month:02}-{day:02}T00:00:00Z"));
    }
    // Date and time: `T`, `t` or spaces, then hh:mm:ss[.frac][ ]*[Z|±hh[:mm]]
    match b[i] {
        b'T' | b't' => i += 1,
        b' ' | b'\t' => {
            while i < b.len() && matches!(b[i], b' ' | b'\t') {
                i += 1
            }
        }
        _ => return None,
    }
    let hour = take(&mut i)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let min = num(i..i + 2)?;
    i += 2;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let sec = num(i..i + 2)?;
    i += 2;
    let mut frac = String::new();
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            frac.push(b[i] as char);
            i += 1;
        }
    }
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    let mut offset_min: i32 = 0;
    if i < b.len() {
        if b[i] == b'Z' {
            i += 1;
        } else if matches!(b[i], b'+' | b'-') {
            let sign = if b[i] == b'-' { -1 } else { 1 };
            i += 1;
            let h = take(&mut i)? as i32;
            let mut m = 0;
            if b.get(i) == Some(&b':') {
                i += 1;
                m = num(i..i + 2)? as i32;
                i += 2;
            }
            offset_min = sign * (h * 60 + m);
        } else {
            return None;
        }
    }
    if i != b.len() || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{}", &frac[..frac.len().min(9)])
    };
    let zone = if offset_min == 0 {
        "Z".to_string()
    } else {
        let sign = if offset_min < 0 { '-' } else { '+' };
        format!(
            "{sign}{:02}:{:02}",
            offset_min.abs() / 60,
            offset_min.abs() % 60
        )
    };
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{min:02}:{sec:02}{frac}{zone}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        match resolve_plain_v3(s).unwrap() {
            Go::Str(s) => format!("str:{s}"),
            Go::Num(t) => t,
            Go::Bool(b) => b.to_string(),
            Go::Null => "null".into(),
        }
    }

    #[test]
    fn key_order_is_go_yaml_v3s() {
        let mut keys = vec![
            "b",
            "ANOTHER_ENV_VARIABLE",
            "A_FIRST_ENV_VARIABLE",
            "a",
            "0c",
            "a10",
            "a9",
            "Z",
            "_x",
        ];
        crate::render::emit::sort_by_key_less(&mut keys, |k| k);
        assert_eq!(
            keys,
            vec![
                "_x",
                "0c",
                "A_FIRST_ENV_VARIABLE",
                "ANOTHER_ENV_VARIABLE",
                "Z",
                "a",
                "a9",
                "a10",
                "b"
            ]
        );
    }

    #[test]
    fn numbers_print_as_kustomize_prints_them() {
        for (input, out) in [
            ("1000000", "1000000"),
            ("1e6", "1000000"),
            ("1.0", "1"),
            ("0.5", "0.5"),
            ("-0", "0"),
            ("1e21", "1e+21"),
            ("3.0", "3"),
            ("0.000001", "1e-06"),
            ("1234567.5", "1.2345675e+06"),
            ("123456.5", "123456.5"),
            ("0.00001234", "1.234e-05"),
            ("12345678901234567890", "12345678901234567890"),
            ("1_000", "1000"),
            ("+12", "12"),
            (".5", "0.5"),
            ("0b101", "5"),
            ("0o17", "15"),
            ("0755", "493"),
            ("1.10", "1.1"),
            ("8e-07", "8e-07"),
            ("1.5e300", "1.5e+300"),
            ("0x1F", "31"),
            ("True", "true"),
            ("NULL", "null"),
            ("yes", "str:yes"),
            ("2024-01-01", "str:2024-01-01T00:00:00Z"),
            ("2024-01-01 10:00:00", "str:2024-01-01T10:00:00Z"),
            ("1.2.3", "str:1.2.3"),
        ] {
            assert_eq!(text(input), out, "{input}");
        }
        assert!(resolve_plain_v3(".inf").is_err());
    }
}
