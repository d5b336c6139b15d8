//! Functions gitgate adds to Rego for what the language does poorly: entropy, cron, time
//! zones and Masterminds semver ranges. `policies/lib/gitgate.rego` wraps them; a policy that
//! calls them runs only under gitgate.

use regorus::{Engine, Value};

pub fn register(e: &mut Engine) {
    let s = |args: &[Value]| -> String {
        args[0]
            .as_string()
            .map(|s| s.to_string())
            .unwrap_or_default()
    };
    type Builtin = (&'static str, fn(&str) -> Value);
    let ext: [Builtin; 4] = [
        ("gitgate.entropy", |v| Value::from(entropy(v))),
        ("gitgate.valid_cron", |v| Value::from(valid_cron(v))),
        ("gitgate.valid_timezone", |v| Value::from(valid_timezone(v))),
        ("gitgate.valid_semver_range", |v| {
            Value::from(valid_semver_range(v))
        }),
    ];
    for (name, f) in ext {
        e.add_extension(
            name.into(),
            1,
            Box::new(move |args: Vec<Value>| Ok(f(&s(&args)))),
        )
        .expect("registered once");
    }
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    -counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            p * p.log2()
        })
        .sum::<f64>()
}

/// A standard 5-field cron spec as Argo CD parses sync windows (robfig/cron with minute, hour,
/// day of month, month and day of week): `*`, `?`, ranges, lists, steps, month and day names.
pub fn valid_cron(spec: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return false;
    }
    let bounds: [(u32, u32, &[&str], u32); 5] = [
        (0, 59, &[], 0),
        (0, 23, &[], 0),
        (1, 31, &[], 0),
        (1, 12, &MONTHS, 1),
        (0, 6, &DAYS, 0),
    ];
    fields
        .iter()
        .zip(bounds)
        .all(|(field, (lo, hi, names, base))| {
            let value = |t: &str| -> Option<u32> {
                let t = t.to_ascii_lowercase();
                match names.iter().position(|n| *n == t) {
                    Some(i) => Some(i as u32 + base),
                    None => t.parse().ok().filter(|v| (lo..=hi).contains(v)),
                }
            };
            field.split(',').all(|part| {
                let range = match part.split_once('/') {
                    Some((r, s)) => match s.parse::<u32>() {
                        Ok(s) if s > 0 => r,
                        _ => return false,
                    },
                    None => part,
                };
                match range {
                    "*" | "?" => true,
                    r => match r.split_once('-') {
                        Some((a, b)) => {
                            matches!((value(a), value(b)), (Some(a), Some(b)) if a <= b)
                        }
                        None => value(r).is_some(),
                    },
                }
            })
        })
}

/// An IANA zone name, as Go's `time.LoadLocation` accepts (`Local` is not a real zone).
pub fn valid_timezone(name: &str) -> bool {
    name == "UTC" || name.parse::<chrono_tz::Tz>().is_ok()
}

/// A Masterminds/semver v3 constraint (Flux ImagePolicy, Helm): `||`-separated groups of
/// comma- or space-separated `[op]version` terms, hyphen ranges, `x`/`X`/`*` wildcards.
pub fn valid_semver_range(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() {
        return false;
    }
    s.split("||").all(|group| {
        let group = group.trim();
        if group.is_empty() {
            return false;
        }
        if let Some((a, b)) = group.split_once(" - ") {
            return version(a.trim()) && version(b.trim());
        }
        // Operators may be separated from their version by spaces (`>= 1.2`).
        let mut terms: Vec<String> = Vec::new();
        let mut pending = String::new();
        for tok in group.split([',', ' ']).filter(|t| !t.is_empty()) {
            if tok.chars().all(|c| "<>=!~^".contains(c)) {
                pending.push_str(tok);
            } else {
                terms.push(format!("{pending}{tok}"));
                pending.clear();
            }
        }
        pending.is_empty()
            && !terms.is_empty()
            && terms.iter().all(|t| {
                let op_end = t.find(|c: char| !"<>=!~^".contains(c)).unwrap_or(t.len());
                let (op, v) = t.split_at(op_end);
                matches!(
                    op,
                    "" | "=" | "!=" | ">" | "<" | ">=" | "=>" | "<=" | "=<" | "~" | "~>" | "^"
                ) && version(v)
            })
    })
}

/// `1`, `1.2`, `v1.2.3`, `1.2.x`, `*`, `1.2.3-rc.1+build`.
fn version(v: &str) -> bool {
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let (core, rest) = match v.find(['-', '+']) {
        Some(i) => v.split_at(i),
        None => (v, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let wild = |p: &str| matches!(p, "x" | "X" | "*");
    let core_ok = !parts.is_empty()
        && parts.len() <= 3
        && parts
            .iter()
            .all(|p| wild(p) || (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())));
    let rest_ok = rest
        .split(['-', '+', '.'])
        .skip(1)
        .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    core_ok && rest_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron() {
        for ok in [
            "0 22 * * *",
            "*/15 9-17 * * mon-fri",
            "0 0 1,15 JAN,jul ?",
            "10 1 * * 0",
        ] {
            assert!(valid_cron(ok), "{ok}");
        }
        for bad in [
            "",
            "0 22 * *",
            "61 * * * *",
            "0 25 * * *",
            "0 0 0 * *",
            "* * * * 8",
            "*/0 * * * *",
            "5-1 * * * *",
            "0 22 * * * *",
        ] {
            assert!(!valid_cron(bad), "{bad}");
        }
    }

    #[test]
    fn zones() {
        assert!(valid_timezone("Europe/Berlin"));
        assert!(valid_timezone("UTC"));
        assert!(valid_timezone("America/Argentina/Buenos_Aires"));
        assert!(!valid_timezone("Mars/Olympus"));
        assert!(!valid_timezone(""));
    }

    #[test]
    fn semver_ranges() {
        for ok in [
            ">=1.0.0 <2.0.0",
            "~1.2",
            "^1.x",
            "1.2.x",
            "*",
            ">= 1.2, < 3.0.0",
            "1.2 - 1.4.5",
            "5.0.x || >=6.1.0-rc.1",
            "v1.2.3",
            "=1.0.0",
        ] {
            assert!(valid_semver_range(ok), "{ok}");
        }
        for bad in [
            "",
            "latest",
            ">=",
            "1.2.3.4",
            "=>>1.0",
            "1..2",
            "~> ",
            "abc || 1.0",
        ] {
            assert!(!valid_semver_range(bad), "{bad}");
        }
    }

    #[test]
    fn entropy_bits() {
        assert_eq!(entropy(""), 0.0);
        assert_eq!(entropy("aaaa"), 0.0);
        assert!((entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
