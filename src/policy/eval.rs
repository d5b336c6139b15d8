//! Evaluation: one prepared engine holding every policy, cloned per worker (cheap: modules
//! are shared), every rule under regorus' execution time limit.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use regorus::Engine;
use serde_json::Value;

use super::load::{point, Policy};
use crate::diag::{Finding, Severity};
use crate::rules::policy::{eval_error, load_error, violation};

thread_local! {
    /// The object being evaluated on this thread, for `gitgate.context()`. Kept out of `data`
    /// because changing `data` makes regorus re-analyse every module on the next evaluation.
    static CONTEXT: RefCell<regorus::Value> = const { RefCell::new(regorus::Value::Null) };
}

/// One result rule of one package (`data.main.deny`).
pub struct Target {
    pub query: String,
    pub package: String,
    pub rule: String,
    pub id: &'static str,
    pub severity: Severity,
    pub help: Option<String>,
    /// The files defining it, and the line of its first definition.
    pub files: Vec<String>,
    pub line: u32,
    pub kinds: Vec<String>,
    /// Evaluated once per repository (`custom.scope: repo`), not per object.
    pub repo_scope: bool,
    /// Its findings point at secret-looking values (`custom.sensitive`).
    pub sensitive: bool,
    /// conftest: `data.<package>.exception` when the package has one and this is a
    /// `deny`/`violation` rule, and the name exceptions use for it (`deny_foo` → `foo`).
    pub exception: Option<(String, String)>,
    /// Set once the rule ran past its time limit: it is not evaluated again.
    pub stopped: AtomicBool,
    /// Time spent evaluating it, summed over workers (nanoseconds): `-v` names the slowest.
    pub nanos: AtomicU64,
}

pub struct Prepared {
    pub engine: Engine,
    pub targets: Vec<Target>,
}

/// `deny`, `violation`, `warn` and their `_suffix` variants (conftest's result rules).
pub fn result_kind(name: &str) -> Option<Severity> {
    let base = name.split_once('_').map_or(name, |(b, _)| b);
    match base {
        "deny" | "violation" => Some(Severity::Error),
        "warn" => Some(Severity::Warning),
        _ => None,
    }
}

/// Rule ids live as long as the process (`Finding::rule` is `&'static str`); each distinct
/// id is leaked once.
fn intern(s: &str) -> &'static str {
    static IDS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut ids = IDS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(i) = ids.iter().find(|i| **i == s) {
        return i;
    }
    let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
    ids.push(leaked);
    leaked
}

/// A fresh engine with the `gitgate.context()` extension and the time limit.
pub fn engine(timeout: Duration) -> Engine {
    // Rules call `regex.match`/`glob.match` on every object: compile each pattern once
    // (regorus' process-wide caches; the defaults, 256 and 128 patterns, are too small for
    // patterns built per object).
    static CACHES: std::sync::Once = std::sync::Once::new();
    CACHES.call_once(|| {
        regorus::cache::configure(regorus::cache::Config {
            regex: 4096,
            glob: 4096,
        })
    });
    let mut e = Engine::new();
    e.set_execution_timer_config(ExecutionTimerConfig {
        limit: timeout,
        check_interval: std::num::NonZeroU32::new(32).expect("non-zero"),
    });
    e.set_gather_prints(true);
    let ext = |_: Vec<regorus::Value>| Ok(CONTEXT.with(|c| c.borrow().clone()));
    e.add_extension("gitgate.context".into(), 0, Box::new(ext))
        .expect("a fresh engine has no extensions");
    super::builtins::register(&mut e);
    e
}

/// Adds every policy to one engine. `user_namespaces`: the packages whose result rules user
/// policies contribute (conftest's default is `main`); bundled packages always count.
pub fn prepare(
    policies: &[Policy],
    timeout: Duration,
    user_namespaces: Option<&[String]>,
    data: Option<regorus::Value>,
) -> (Prepared, Vec<Finding>) {
    let mut engine = engine(timeout);
    let mut findings = Vec::new();
    if let Some(d) = data {
        if let Err(e) = engine.add_data(d) {
            findings.push(Finding::new(
                &eval_error::RULE,
                String::new(),
                None,
                format!("the repository index could not be given to policies: {e}"),
            ));
        }
    }
    let mut added: Vec<&Policy> = Vec::new();
    for p in policies {
        engine.set_rego_v0(p.rego_v0);
        match engine.add_policy(p.path.clone(), p.text.clone()) {
            Ok(_) => added.push(p),
            Err(e) => findings.push(Finding::new(
                &load_error::RULE,
                p.path.clone(),
                None,
                format!("policy could not be added: {e}"),
            )),
        }
    }
    // Result rules by package; metadata only when the package's files agree on it.
    let mut targets: BTreeMap<(String, String), Target> = BTreeMap::new();
    for p in &added {
        let counted = p.bundled || user_namespaces.is_none_or(|ns| ns.contains(&p.package));
        if p.test || !counted {
            continue;
        }
        for h in &p.heads {
            let Some(default_sev) = result_kind(&h.name) else {
                continue;
            };
            let key = (p.package.clone(), h.name.clone());
            let t = targets.entry(key).or_insert_with(|| {
                let id = p
                    .meta
                    .as_ref()
                    .and_then(|m| m.id.clone())
                    .unwrap_or_else(|| format!("conftest:{}", p.package));
                let meta = p.meta.clone().unwrap_or_default();
                Target {
                    query: format!("data.{}.{}", p.package, h.name),
                    package: p.package.clone(),
                    rule: h.name.clone(),
                    id: intern(&id),
                    severity: meta.severity.unwrap_or(default_sev),
                    help: meta.recommended_actions.clone(),
                    files: Vec::new(),
                    line: h.line,
                    kinds: meta.kinds.clone(),
                    repo_scope: meta.repo_scope,
                    sensitive: meta.sensitive,
                    exception: None,
                    stopped: AtomicBool::new(false),
                    nanos: AtomicU64::new(0),
                }
            });
            if !t.files.contains(&p.path) {
                t.files.push(p.path.clone());
            }
        }
    }
    let mut targets: Vec<Target> = targets.into_values().collect();
    // conftest exceptions: a package's `exception` rule names the `deny_`/`violation_` rules
    // (by suffix; "" for plain `deny`/`violation`) that do not apply to an input.
    let with_exception: HashSet<&str> = added
        .iter()
        .filter(|p| !p.test && p.heads.iter().any(|h| h.name == "exception" && !h.function))
        .map(|p| p.package.as_str())
        .collect();
    for t in &mut targets {
        if !with_exception.contains(t.package.as_str()) {
            continue;
        }
        let name = ["deny", "violation"].iter().find_map(|base| {
            if t.rule == *base {
                Some(String::new())
            } else {
                t.rule.strip_prefix(&format!("{base}_")).map(String::from)
            }
        });
        if let Some(name) = name {
            t.exception = Some((format!("data.{}.exception", t.package), name));
        }
    }
    // Analyse the modules once, here: a clone of an unprepared engine would redo it on its
    // first evaluation, and rayon clones once per job split, not once per thread.
    // A trivial query prepares without evaluating any policy rule.
    let _ = engine.eval_query("true".into(), false);
    (Prepared { engine, targets }, findings)
}

/// One result of one rule on one object.
pub struct Hit {
    pub target: usize,
    pub msg: String,
    pub path: Option<Vec<crate::load::tree::PathSeg>>,
    /// Repo-scope results: the entry of `data.gitgate.objects` reported on, and related ones.
    pub object: Option<usize>,
    pub related: Vec<usize>,
}

/// What evaluating an object produced.
pub enum Outcome {
    Hit(Hit),
    /// The rule failed on this object (not a time-out).
    Failed {
        target: usize,
        error: String,
    },
    /// The rule ran past its limit on this object; it is now stopped for the run.
    Stopped {
        target: usize,
        error: String,
    },
    /// A conftest `exception` rule exempted this object from the rule: its results
    /// (`count`) are not reported.
    Excepted {
        target: usize,
        count: usize,
    },
}

fn applies(t: &Target, api_version: &str, kind: &str) -> bool {
    if t.kinds.is_empty() {
        return true;
    }
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    t.kinds.iter().any(|k| match k.split_once('/') {
        Some((g, k)) => g == group && k == kind,
        None => k == kind,
    })
}

/// Evaluates every applicable per-object result rule on one object; also returns how many
/// ran.
pub fn eval_object(
    prep: &Prepared,
    engine: &mut Engine,
    object: &Value,
    input: regorus::Value,
    context: regorus::Value,
) -> (Vec<Outcome>, usize) {
    let api_version = object["apiVersion"].as_str().unwrap_or("");
    let kind = object["kind"].as_str().unwrap_or("");
    CONTEXT.with(|c| *c.borrow_mut() = context);
    engine.set_input(input);
    let wanted = |t: &Target| !t.repo_scope && applies(t, api_version, kind);
    eval_targets(prep, engine, &wanted)
}

/// Evaluates the repo-scope rules once (no input, no context).
/// Evaluates one repo-scope rule (`prep.targets[target]`) once: no input, no context.
pub fn eval_repo(prep: &Prepared, engine: &mut Engine, target: usize) -> (Vec<Outcome>, usize) {
    CONTEXT.with(|c| *c.borrow_mut() = regorus::Value::Null);
    engine.set_input(regorus::Value::new_object());
    let wanted = &prep.targets[target] as *const Target;
    eval_targets(prep, engine, &|t: &Target| std::ptr::eq(t, wanted))
}

/// Adds the time since its start to a rule's total when dropped (every path out of the loop
/// body counts).
struct Timed<'a>(&'a AtomicU64, std::time::Instant);

impl Drop for Timed<'_> {
    fn drop(&mut self) {
        self.0
            .fetch_add(self.1.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }
}

fn index_list(v: Option<&Value>) -> Vec<usize> {
    match v {
        Some(Value::Number(n)) => n.as_u64().map(|n| n as usize).into_iter().collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|n| n.as_u64())
            .map(|n| n as usize)
            .collect(),
        _ => Vec::new(),
    }
}

fn eval_targets(
    prep: &Prepared,
    engine: &mut Engine,
    wanted: &dyn Fn(&Target) -> bool,
) -> (Vec<Outcome>, usize) {
    let mut out = Vec::new();
    let mut evaluated = 0;
    // Exception names per `data.<pkg>.exception`, evaluated at most once per object.
    let mut exceptions: BTreeMap<&str, HashSet<String>> = BTreeMap::new();
    for (i, t) in prep.targets.iter().enumerate() {
        if t.stopped.load(Ordering::Relaxed) || !wanted(t) {
            continue;
        }
        evaluated += 1;
        let _timed = Timed(&t.nanos, std::time::Instant::now());
        let excepted = t.exception.as_ref().is_some_and(|(query, name)| {
            exceptions
                .entry(query.as_str())
                .or_insert_with(|| exception_names(engine, query))
                .contains(name)
        });
        if excepted {
            let count = match engine.eval_rule(t.query.clone()) {
                Ok(v) => serde_json::to_value(&v)
                    .ok()
                    .and_then(|v| v.as_array().map(Vec::len))
                    .unwrap_or(0),
                Err(_) => 0,
            };
            if count > 0 {
                out.push(Outcome::Excepted { target: i, count });
            }
            continue;
        }
        match engine.eval_rule(t.query.clone()) {
            Ok(v) => {
                let v = serde_json::to_value(&v).unwrap_or(Value::Null);
                let items = match v {
                    Value::Array(a) => a,
                    Value::Null => Vec::new(),
                    Value::String(s) if s == "<undefined>" => Vec::new(),
                    // A complete rule (`deny := "…"`): one result.
                    other => vec![other],
                };
                for item in items {
                    let (msg, path) = match &item {
                        Value::String(s) => (s.clone(), None),
                        Value::Object(o) => (
                            o.get("msg")
                                .and_then(Value::as_str)
                                .map_or_else(|| item.to_string(), String::from),
                            o.get("path").and_then(Value::as_array).map(|a| {
                                a.iter()
                                    .filter_map(|s| match s {
                                        Value::String(k) => {
                                            Some(crate::load::tree::PathSeg::Key(k.clone()))
                                        }
                                        Value::Number(n) => n
                                            .as_u64()
                                            .map(|n| crate::load::tree::PathSeg::Index(n as usize)),
                                        _ => None,
                                    })
                                    .collect()
                            }),
                        ),
                        Value::Bool(_) => continue,
                        other => (other.to_string(), None),
                    };
                    let (object, related) = match &item {
                        Value::Object(o) => (
                            index_list(o.get("object")).first().copied(),
                            index_list(o.get("related")),
                        ),
                        _ => (None, Vec::new()),
                    };
                    out.push(Outcome::Hit(Hit {
                        target: i,
                        msg,
                        path,
                        object,
                        related,
                    }));
                }
            }
            Err(e) => {
                let error = e.to_string();
                if error.contains("time limit") {
                    // Only the first worker to stop it reports.
                    if !t.stopped.swap(true, Ordering::Relaxed) {
                        out.push(Outcome::Stopped { target: i, error });
                    }
                } else {
                    out.push(Outcome::Failed { target: i, error });
                }
            }
        }
    }
    let _ = engine.take_prints();
    (out, evaluated)
}

/// The rule names an `exception` rule yields for the current input: a set of arrays (or
/// sets) of strings, flattened. Errors count as no exception.
fn exception_names(engine: &mut Engine, query: &str) -> HashSet<String> {
    let Ok(v) = engine.eval_rule(query.to_string()) else {
        return HashSet::new();
    };
    let v = serde_json::to_value(&v).unwrap_or(Value::Null);
    let mut out = HashSet::new();
    for item in v.as_array().into_iter().flatten() {
        match item {
            Value::String(s) => {
                out.insert(s.clone());
            }
            Value::Array(a) => out.extend(a.iter().filter_map(|s| s.as_str().map(String::from))),
            _ => {}
        }
    }
    out
}

/// The finding for a policy result (location filled in by the caller).
pub fn hit_finding(
    t: &Target,
    path: String,
    span: Option<crate::span::Span>,
    msg: String,
) -> Finding {
    let mut f = Finding::new(&violation::RULE, path, span, msg);
    f.sensitive = t.sensitive;
    f.rule = t.id;
    f.severity = t.severity;
    f.help = t.help.clone();
    f
}

pub fn stopped_finding(t: &Target, timeout: Duration, object: &str) -> Finding {
    Finding::new(
        &eval_error::RULE,
        t.files.first().cloned().unwrap_or_default(),
        Some(point(t.line, 1)),
        format!(
            "policy rule `{}` ({}) ran past the {} ms time limit on {object}; it was stopped and not evaluated on the remaining objects",
            t.query,
            t.files.join(", "),
            timeout.as_millis()
        ),
    )
}

/// `gitgate policy test`: every `test_*` rule, as `opa test` runs them (true passes;
/// false, undefined or an error fails).
pub fn run_tests(policies: &[Policy], timeout: Duration) -> (Vec<TestResult>, Vec<Finding>) {
    let (prep, findings) = prepare(policies, timeout, Some(&[]), None);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for p in policies {
        for h in &p.heads {
            if !h.name.starts_with("test_") || h.function {
                continue;
            }
            let query = format!("data.{}.{}", p.package, h.name);
            if !seen.insert(query.clone()) {
                continue;
            }
            let mut e = prep.engine.clone();
            let r = e.eval_rule(query.clone());
            let (passed, error) = match r {
                Ok(v) => (v == regorus::Value::from(true), None),
                Err(e) => (false, Some(e.to_string())),
            };
            out.push(TestResult {
                name: query,
                file: p.path.clone(),
                line: h.line,
                passed,
                error,
            });
        }
    }
    (out, findings)
}

pub struct TestResult {
    pub name: String,
    pub file: String,
    pub line: u32,
    pub passed: bool,
    pub error: Option<String>,
}
