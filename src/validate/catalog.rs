//! Where each `apiVersion/kind` gets its schema, in precedence order: a CRD in the repository,
//! a `--schema-dir`, the bundled GitOps CRDs, the bundled Kubernetes kinds of the target
//! version. Validators are compiled once per GVK, on first use, and shared across threads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{json, Value};

use super::crd::RepoCrd;
use crate::schemas::{apply_strict, bundle};

const DEFS_URI: &str = "https://gitgate.invalid/kubernetes/_definitions.json";

/// Where a schema came from (for messages).
#[derive(Clone, Debug)]
pub enum Source {
    RepoCrd { path: String },
    SchemaDir(PathBuf),
    BundledCrd { source: String, approximate: bool },
    Kubernetes { version: String },
}

impl Source {
    pub fn describe(&self) -> String {
        match self {
            Source::RepoCrd { path } => format!("the CustomResourceDefinition in {path}"),
            Source::SchemaDir(p) => format!("{}", p.display()),
            Source::BundledCrd {
                source,
                approximate,
            } => format!(
                "the bundled CRD schema ({source}{})",
                if *approximate { ", approximate" } else { "" }
            ),
            Source::Kubernetes { version } => format!("Kubernetes {version}"),
        }
    }
}

pub struct Compiled {
    pub validator: jsonschema::Validator,
    /// The document `schema_path()` pointers resolve in (for "did you mean").
    pub document: Arc<Value>,
    pub source: Source,
    pub approximate: bool,
}

pub enum Lookup {
    Found(Arc<Compiled>),
    Missing,
    /// A schema exists but does not compile or read; reported once (at `at`).
    Unusable {
        message: String,
        at: Option<(String, Option<crate::span::Span>)>,
    },
}

pub struct Catalog {
    pub version: String,
    pub strict: bool,
    repo_crds: HashMap<String, RepoCrd>,
    schema_dirs: Vec<PathBuf>,
    registry: OnceLock<Result<jsonschema::Registry<'static>, String>>,
    cache: Mutex<HashMap<String, Arc<OnceLock<Arc<Lookup>>>>>,
}

impl Catalog {
    pub fn new(
        version: String,
        strict: bool,
        repo_crds: Vec<RepoCrd>,
        schema_dirs: Vec<PathBuf>,
    ) -> Catalog {
        let mut map = HashMap::new();
        for c in repo_crds {
            // The first definition found wins (files are walked in a stable order).
            map.entry(c.key.clone()).or_insert(c);
        }
        Catalog {
            version,
            strict,
            repo_crds: map,
            schema_dirs,
            registry: OnceLock::new(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn repo_crd(&self, api_version: &str, kind: &str) -> Option<&RepoCrd> {
        self.repo_crds.get(&format!("{api_version}/{kind}"))
    }

    /// Repository CRDs whose group and kind match (any version).
    pub fn repo_crd_versions(&self, group: &str, kind: &str) -> Vec<&RepoCrd> {
        let mut v: Vec<&RepoCrd> = self
            .repo_crds
            .values()
            .filter(|c| c.kind == kind && group_of(&c.api_version) == group)
            .collect();
        v.sort_by(|a, b| a.api_version.cmp(&b.api_version));
        v
    }

    /// The schema for an object, compiled on first use.
    pub fn lookup(&self, api_version: &str, kind: &str) -> Arc<Lookup> {
        let key = format!("{api_version}/{kind}");
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            cache.entry(key).or_default().clone()
        };
        cell.get_or_init(|| Arc::new(self.resolve(api_version, kind)))
            .clone()
    }

    fn resolve(&self, api_version: &str, kind: &str) -> Lookup {
        if let Some(c) = self.repo_crd(api_version, kind) {
            let at = Some((c.path.clone(), c.span));
            return match &c.schema {
                Ok(s) => self.compile_standalone(
                    s.clone(),
                    Source::RepoCrd {
                        path: c.path.clone(),
                    },
                    false,
                    at,
                ),
                Err(e) => Lookup::Unusable {
                    message: e.clone(),
                    at,
                },
            };
        }
        if let Some(found) = self.in_schema_dirs(api_version, kind) {
            return found;
        }
        if let Some(c) = bundle().crd(api_version, kind, self.strict) {
            return match jsonschema::options().build(&c.schema) {
                Ok(validator) => Lookup::Found(Arc::new(Compiled {
                    validator,
                    document: c.schema.clone(),
                    source: Source::BundledCrd {
                        source: c.source,
                        approximate: c.approximate,
                    },
                    approximate: c.approximate,
                })),
                Err(e) => Lookup::Unusable {
                    message: format!("bundled schema for {api_version}/{kind}: {e}"),
                    at: None,
                },
            };
        }
        let b = bundle();
        let Some(def) = b.kind_definition(&self.version, api_version, kind) else {
            return Lookup::Missing;
        };
        let registry = match self.registry() {
            Ok(r) => r,
            Err(e) => {
                return Lookup::Unusable {
                    message: e.clone(),
                    at: None,
                }
            }
        };
        let root = json!({"$ref": format!("{DEFS_URI}#/$defs/{def}")});
        match jsonschema::options().with_registry(registry).build(&root) {
            Ok(validator) => Lookup::Found(Arc::new(Compiled {
                validator,
                document: b.kubernetes_definitions(&self.version, self.strict),
                source: Source::Kubernetes {
                    version: self.version.clone(),
                },
                approximate: false,
            })),
            Err(e) => Lookup::Unusable {
                message: format!("Kubernetes {} schema for {def}: {e}", self.version),
                at: None,
            },
        }
    }

    fn registry(&self) -> &Result<jsonschema::Registry<'static>, String> {
        self.registry.get_or_init(|| {
            let defs = bundle()
                .try_kubernetes_definitions(&self.version, self.strict)
                .ok_or_else(|| format!("Kubernetes {} is not bundled", self.version))?;
            jsonschema::Registry::new()
                .add(DEFS_URI, defs)
                .and_then(|r| r.prepare())
                .map_err(|e| format!("Kubernetes {} definitions: {e}", self.version))
        })
    }

    fn compile_standalone(
        &self,
        mut schema: Value,
        source: Source,
        approximate: bool,
        at: Option<(String, Option<crate::span::Span>)>,
    ) -> Lookup {
        if self.strict {
            apply_strict(&mut schema);
        }
        match jsonschema::options().build(&schema) {
            Ok(validator) => Lookup::Found(Arc::new(Compiled {
                validator,
                document: Arc::new(schema),
                source,
                approximate,
            })),
            Err(e) => Lookup::Unusable {
                message: format!("the schema does not compile: {e}"),
                at,
            },
        }
    }

    /// kubeconform's file layouts: `{kind}-{group}-{version}.json` (also with the group's
    /// first label, and `{kind}-{version}.json` for the core group) and
    /// `{group}/{kind}_{version}.json` (the CRDs catalog).
    fn in_schema_dirs(&self, api_version: &str, kind: &str) -> Option<Lookup> {
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        let k = kind.to_ascii_lowercase();
        let mut names = Vec::new();
        if group.is_empty() {
            names.push(format!("{k}-{version}.json"));
        } else {
            names.push(format!("{k}-{group}-{version}.json"));
            let first = group.split('.').next().unwrap_or(group);
            names.push(format!("{k}-{first}-{version}.json"));
            names.push(format!("{group}/{k}_{version}.json"));
        }
        for dir in &self.schema_dirs {
            for name in &names {
                let path = dir.join(name);
                if path.is_file() {
                    return Some(self.load_schema_file(dir, &path));
                }
            }
        }
        None
    }

    fn load_schema_file(&self, dir: &Path, path: &Path) -> Lookup {
        let shown = path.display().to_string();
        let schema: Value = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                return Lookup::Unusable {
                    message: format!("{shown}: {e}"),
                    at: None,
                }
            }
        };
        // yannh/kubernetes-json-schema files refer to `_definitions.json` beside them.
        let defs = dir.join("_definitions.json");
        let mut schema = schema;
        if self.strict {
            apply_strict(&mut schema);
        }
        let base = "https://gitgate.invalid/schema-dir/";
        let built = if defs.is_file() {
            let mut d: Value = match std::fs::read_to_string(&defs)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            {
                Ok(v) => v,
                Err(e) => {
                    return Lookup::Unusable {
                        message: format!("{}: {e}", defs.display()),
                        at: None,
                    }
                }
            };
            if self.strict {
                apply_strict(&mut d);
            }
            if let Some(o) = schema.as_object_mut() {
                o.entry("$id")
                    .or_insert_with(|| Value::from(format!("{base}schema.json")));
            }
            jsonschema::Registry::new()
                .add(format!("{base}_definitions.json"), d)
                .and_then(|r| r.prepare())
                .map_err(|e| e.to_string())
                .and_then(|registry| {
                    jsonschema::options()
                        .with_registry(&registry)
                        .build(&schema)
                        .map_err(|e| e.to_string())
                })
        } else {
            jsonschema::options()
                .build(&schema)
                .map_err(|e| e.to_string())
        };
        match built {
            Ok(validator) => Lookup::Found(Arc::new(Compiled {
                validator,
                document: Arc::new(schema),
                source: Source::SchemaDir(path.to_path_buf()),
                approximate: false,
            })),
            Err(e) => Lookup::Unusable {
                message: format!("{shown}: the schema does not compile: {e}"),
                at: None,
            },
        }
    }
}

pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}
