//! `kustomize build`: accumulate a kustomization's resources (files, nested kustomizations,
//! components), run its generators and transformers in kustomize's order, then add content
//! hashes, fix references to renamed objects, and sort.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::fieldspec::TransformerConfig;
use super::kustomization::{find_file, Kustomization};
use super::resource::Resource;
use super::{generate, generators, nameref, patches, sort, transform, vars, Error};
use crate::render::node::{self, Prov, RNode};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LoadRestrictor {
    /// Files must be inside the kustomization's directory (kustomize's default).
    #[default]
    RootOnly,
    /// Any path (Flux and Argo CD build this way).
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Reorder {
    /// kustomize's legacy kind order (the CLI default).
    #[default]
    Legacy,
    /// As accumulated.
    None,
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub load_restrictor: LoadRestrictor,
    pub reorder: Reorder,
    pub managed_by_label: bool,
    /// Directory that displayed paths are relative to (the repository root).
    pub display_root: Option<PathBuf>,
}

/// The resources and configuration gathered so far.
pub struct Accumulator {
    pub resources: Vec<Resource>,
    pub config: TransformerConfig,
    pub vars: Vec<vars::Var>,
    /// A kustomization's `openapi:` schema, used for strategic merges from then on.
    pub patch_meta: Option<std::sync::Arc<super::patch_meta::PatchMeta>>,
    /// Some kustomization chose the schema (a custom file, or a builtin version).
    pub schema_chosen: bool,
    /// While resources are being gathered: the identities already present (to refuse
    /// duplicates without rescanning).
    pub index: Option<std::collections::HashSet<ConflictKey>>,
}

pub struct Builder<'o> {
    pub opts: &'o Options,
    /// Directories being built, to detect cycles.
    stack: Vec<PathBuf>,
    /// Problems that do not stop the build (a remote base that was not fetched).
    pub warnings: Skips,
    /// Record which transformers changed each object (buildMetadata: transformerAnnotations).
    pub track_transformations: bool,
    /// Resources were loaded already: kustomize has then initialised its process-wide
    /// Kubernetes schema, and a custom `openapi` schema met later adds to it instead of
    /// replacing it.
    resources_loaded: bool,
    /// Every path the build read or tried to read (kustomization files, resources, patches,
    /// generator sources, directories), as joined: PR mode needs to know which files a
    /// kustomization depends on, including a missing one that makes it fail.
    inputs: std::cell::RefCell<Vec<PathBuf>>,
}

/// What a build left out without failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skipped {
    Remote,
    HelmCharts,
}

/// What a build left out, each with the line that asked for it.
pub type Skips = Vec<(Skipped, Error)>;

/// What a build produces: the resources and what it left out, or the error.
pub type Built = Result<(Vec<Resource>, Skips), Error>;

/// Renders the kustomization in `dir`.
pub fn build(dir: &Path, opts: &Options) -> Built {
    build_recording(dir, opts).0
}

/// [`build`], and the paths it read or tried to read (absolute, not canonicalised: a
/// `../base/x.yaml` entry is recorded as joined to the kustomization's directory), in the order
/// it met them, without repeats. Recorded whether or not the build succeeds.
pub fn build_recording(dir: &Path, opts: &Options) -> (Built, Vec<PathBuf>) {
    let mut b = Builder {
        opts,
        stack: Vec::new(),
        warnings: Vec::new(),
        track_transformations: false,
        resources_loaded: false,
        inputs: std::cell::RefCell::new(Vec::new()),
    };
    let result = build_with(&mut b, dir);
    let mut seen = std::collections::HashSet::new();
    let mut inputs = b.inputs.into_inner();
    inputs.retain(|p| seen.insert(p.clone()));
    (result, inputs)
}

fn build_with(b: &mut Builder<'_>, dir: &Path) -> Built {
    let opts = b.opts;
    let dir = canonical(dir)?;
    let top_metadata = build_metadata(&b.load_kustomization(&dir)?);
    b.track_transformations = top_metadata.iter().any(|m| m == "transformerAnnotations");
    let mut acc = Accumulator {
        resources: Vec::new(),
        config: TransformerConfig::default(),
        vars: Vec::new(),
        patch_meta: None,
        schema_chosen: false,
        index: None,
    };
    let k = b.accumulate_target(&dir, &mut acc, false)?;
    add_hashes(&mut acc.resources)?;
    nameref::fix_back_references(&mut acc.resources, &acc.config)?;
    vars::resolve(&mut acc.resources, &acc.vars, &acc.config)?;
    // Objects marked local-config are for the build only.
    acc.resources.retain(|r| {
        r.node.str_at(&[
            "metadata",
            "annotations",
            "config.kubernetes.io/local-config",
        ]) != Some("true")
    });
    let sort_options = k.get("sortOptions").cloned();
    sort::apply(&mut acc.resources, opts.reorder, sort_options.as_ref())?;
    annotate_build_metadata(&mut acc.resources, &dir, &top_metadata);
    if opts.managed_by_label || build_metadata(&k).iter().any(|m| m == "managedByLabel") {
        transform::set_labels_simple(
            &mut acc.resources,
            &[(
                "app.kubernetes.io/managed-by".into(),
                "kustomize-(devel)".into(),
                None,
            )],
        );
    }
    Ok((acc.resources, std::mem::take(&mut b.warnings)))
}

fn build_metadata(k: &Kustomization) -> Vec<String> {
    k.strings("buildMetadata")
        .unwrap_or_default()
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

fn canonical(p: &Path) -> Result<PathBuf, Error> {
    std::fs::canonicalize(p).map_err(|e| Error::msg(format!("{}: {e}", p.display())))
}

impl Builder<'_> {
    pub fn display(&self, p: &Path) -> String {
        match &self.opts.display_root {
            Some(root) => p
                .strip_prefix(root)
                .map(|r| r.to_string_lossy().into_owned())
                .unwrap_or_else(|_| p.display().to_string()),
            None => p.display().to_string(),
        }
    }

    /// Notes a path the build reads or tries to read (see `inputs`).
    pub fn record_input(&self, path: &Path) {
        self.inputs.borrow_mut().push(path.to_path_buf());
    }

    /// Reads and parses the kustomization in `dir`.
    pub fn load_kustomization(&self, dir: &Path) -> Result<Kustomization, Error> {
        self.record_input(dir);
        let path = find_file(dir).map_err(Error::msg)?;
        self.record_input(&path);
        let shown: Arc<str> = Arc::from(self.display(&path));
        let text =
            std::fs::read_to_string(&path).map_err(|e| Error::msg(format!("{shown}: {e}")))?;
        let node = super::parse_single(&shown, &text).map_err(Error::msg)?;
        let mut k = Kustomization::parse(node, shown, dir.to_path_buf()).map_err(Error::msg)?;
        k.path = path;
        Ok(k)
    }

    /// Builds the kustomization in `dir` into `acc` (a component adds to its parent's
    /// accumulator; a resource directory is built on its own and then appended).
    fn accumulate_target(
        &mut self,
        dir: &Path,
        acc: &mut Accumulator,
        as_component: bool,
    ) -> Result<Kustomization, Error> {
        if self.stack.iter().any(|d| d == dir) {
            let cycle: Vec<String> = self
                .stack
                .iter()
                .chain(std::iter::once(&dir.to_path_buf()))
                .map(|d| self.display(d))
                .collect();
            return Err(Error::msg(format!(
                "cycle detected: kustomizations include each other: {}",
                cycle.join(" -> ")
            )));
        }
        let k = self.load_kustomization(dir)?;
        if as_component && !k.is_component() {
            return Err(Error::msg(format!(
                "{}: a component must have `kind: Component`, found kind `{}`",
                k.file,
                if k.kind().is_empty() {
                    "Kustomization"
                } else {
                    k.kind()
                }
            )));
        }
        if !as_component && k.is_component() && !self.stack.is_empty() {
            return Err(Error::msg(format!(
                "{}: a Component cannot be used as a resource; list it under `components:`",
                k.file
            )));
        }
        self.stack.push(dir.to_path_buf());
        let result = self.accumulate_body(&k, acc);
        self.stack.pop();
        result.map(|_| k)
    }

    fn accumulate_body(&mut self, k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
        // Refuse what the engine cannot do yet rather than render something else.
        self.load_openapi(k, acc)?;
        for field in ["validators"] {
            if k.get(field).is_some() {
                return Err(Error::at(
                    format!("`{field}` is not supported by gitgate's kustomize engine yet"),
                    k.key_prov(field),
                ));
            }
        }
        let mut entries = k.strings("resources").map_err(Error::msg)?;
        entries.extend(k.strings("bases").map_err(Error::msg)?);
        acc.index = Some(acc.resources.iter().map(conflict_key).collect());
        let gathered: Result<(), Error> = entries
            .into_iter()
            .try_for_each(|(entry, prov)| self.accumulate_resource(k, &entry, prov, acc));
        // Transformers change identities from here on: the index would go stale.
        acc.index = None;
        gathered?;
        let mut user = Vec::new();
        let configurations = k.strings("configurations").map_err(Error::msg)?;
        for (path, prov) in &configurations {
            let file = self.resolve_file(k, path, prov.clone())?;
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Error::at(format!("{path}: {e}"), prov.clone()))?;
            let node = super::parse_single(path, &text).map_err(|e| Error::at(e, prov.clone()))?;
            user.push(
                TransformerConfig::parse(&node)
                    .map_err(|e| Error::at(format!("{path}: {e}"), prov.clone()))?,
            );
        }
        let config_prov = configurations.first().and_then(|(_, p)| p.clone());
        let own = TransformerConfig::with_user(&user)
            .map_err(|e| Error::at(format!("merging configurations: {e}"), config_prov.clone()))?;
        acc.config
            .merge(&own)
            .map_err(|e| Error::at(format!("merging configurations: {e}"), config_prov))?;
        // Generators run before components, so components can change what they generate.
        generate::run(self, k, acc)?;
        super::plugins::run_generators(self, k, acc)?;
        for (path, prov) in k.strings("crds").map_err(Error::msg)? {
            let file = self.resolve_file(k, &path, prov.clone())?;
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Error::at(format!("{path}: {e}"), prov.clone()))?;
            let doc = super::parse_single(&path, &text)
                .map_err(|e| Error::at(e, prov.clone()))?
                .to_json();
            let cfg = super::crds::config_from_crds(&doc)
                .map_err(|e| Error::at(format!("{path}: {e}"), prov.clone()))?;
            acc.config
                .merge(&cfg)
                .map_err(|e| Error::at(format!("{path}: {e}"), prov.clone()))?;
        }
        for (path, prov) in k.strings("components").map_err(Error::msg)? {
            if is_remote(&path) {
                self.warnings.push((
                    Skipped::Remote,
                    Error::at(format!("remote component `{path}` not fetched"), prov),
                ));
                continue;
            }
            let dir = k.dir.join(&path);
            self.record_input(&dir);
            let dir = std::fs::canonicalize(&dir)
                .map_err(|e| Error::at(format!("component `{path}`: {e}"), prov.clone()))?;
            self.accumulate_target(&dir, acc, true)
                .map_err(|e| e.context(format!("accumulating components from `{path}`"), prov))?;
        }
        if let Some(h) = k.get("helmCharts") {
            self.warnings.push((
                Skipped::HelmCharts,
                Error::at(
                    "helmCharts needs the chart and helm; not rendered".to_string(),
                    h.prov.clone().or_else(|| k.key_prov("helmCharts")),
                ),
            ));
        }
        let b: &Builder<'_> = self;
        b.step(
            k,
            acc,
            "PatchStrategicMergeTransformer",
            &["patchesStrategicMerge"],
            |acc| patches::run_strategic_merge(b, k, acc),
        )?;
        b.step(k, acc, "PatchTransformer", &["patches"], |acc| {
            patches::run_patches(b, k, acc)
        })?;
        b.step(k, acc, "NamespaceTransformer", &["namespace"], |acc| {
            transform::namespace(k, acc)
        })?;
        b.step(k, acc, "PrefixTransformer", &["namePrefix"], |acc| {
            transform::prefix_suffix(k, acc, true, false)
        })?;
        b.step(k, acc, "SuffixTransformer", &["nameSuffix"], |acc| {
            transform::prefix_suffix(k, acc, false, true)
        })?;
        b.step(
            k,
            acc,
            "LabelTransformer",
            &["commonLabels", "labels"],
            |acc| transform::labels(k, acc),
        )?;
        b.step(
            k,
            acc,
            "AnnotationsTransformer",
            &["commonAnnotations"],
            |acc| transform::annotations(k, acc),
        )?;
        b.step(
            k,
            acc,
            "PatchJson6902Transformer",
            &["patchesJson6902"],
            |acc| patches::run_json6902(b, k, acc),
        )?;
        b.step(k, acc, "ReplicaCountTransformer", &["replicas"], |acc| {
            transform::replicas(k, acc)
        })?;
        b.step(
            k,
            acc,
            "ImageTagTransformer",
            &["images", "imageTags"],
            |acc| transform::images(k, acc),
        )?;
        b.step(k, acc, "ReplacementTransformer", &["replacements"], |acc| {
            b.run_replacements(k, acc)
        })?;
        super::plugins::run_transformers(self, k, acc)?;
        if let Some(list) = k.get("vars") {
            let parsed = list
                .items()
                .iter()
                .map(|v| vars::Var::parse(v).map_err(|e| Error::at(e, v.prov.clone())))
                .collect::<Result<Vec<_>, _>>()?;
            vars::declare(&mut acc.vars, parsed, &mut acc.resources)?;
        }
        Ok(())
    }

    /// `replacements:` entries, inline or from `path:` files (a file holds one replacement or
    /// a list of them).
    fn run_replacements(&self, k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
        let Some(list) = k.get("replacements") else {
            return Ok(());
        };
        let mut entries = Vec::new();
        for entry in list.items() {
            match entry.str_at(&["path"]) {
                Some(path) => {
                    if entry.get("source").is_some() || entry.get("targets").is_some() {
                        return Err(Error::at(
                            "cannot specify both path and inline replacement",
                            entry.prov.clone(),
                        ));
                    }
                    let file = self.resolve_file(k, path, entry.prov.clone())?;
                    let shown = self.display(&file);
                    let text = std::fs::read_to_string(&file)
                        .map_err(|e| Error::at(format!("{shown}: {e}"), entry.prov.clone()))?;
                    // kustomize reads only the first document of a replacements file.
                    let first = super::parse_docs(&shown, &text)
                        .map_err(|e| Error::at(e, entry.prov.clone()))?
                        .into_iter()
                        .next();
                    match first {
                        Some(RNode {
                            kind: crate::render::node::Kind::Seq(items),
                            ..
                        }) => entries.extend(items),
                        Some(doc) => entries.push(doc),
                        None => {}
                    }
                }
                None => entries.push(entry.clone()),
            }
        }
        super::replacements::apply(&mut acc.resources, &entries)
            .map_err(|e| Error::at(e, k.key_prov("replacements")))
    }

    /// Runs one builtin transformer (configured by `fields` of the kustomization); with
    /// transformer annotations requested, records it on every object it ran over, as
    /// kustomize does.
    pub fn step(
        &self,
        k: &Kustomization,
        acc: &mut Accumulator,
        kind: &str,
        fields: &[&str],
        f: impl FnOnce(&mut Accumulator) -> Result<(), Error>,
    ) -> Result<(), Error> {
        f(acc)?;
        if self.track_transformations && fields.iter().any(|x| k.get(x).is_some()) {
            record(acc, &k.path, kind, None, None);
        }
        Ok(())
    }

    /// Builds a directory of plugin configurations (`transformers: [dir]`): its output objects
    /// are the configurations.
    pub fn build_configs(&mut self, dir: &Path, prov: Option<Prov>) -> Result<Vec<RNode>, Error> {
        let dir = std::fs::canonicalize(dir).map_err(|e| Error::at(e.to_string(), prov.clone()))?;
        let mut sub = Accumulator {
            resources: Vec::new(),
            config: TransformerConfig::default(),
            vars: Vec::new(),
            patch_meta: None,
            schema_chosen: false,
            index: None,
        };
        self.accumulate_target(&dir, &mut sub, false).map_err(|e| {
            e.context(
                format!("building plugin configurations in '{}'", self.display(&dir)),
                prov,
            )
        })?;
        Ok(sub.resources.into_iter().map(|r| r.node).collect())
    }

    /// `openapi: {path: schema.json}`: a custom schema (swagger `definitions` with patch
    /// strategies and merge keys) for the kinds it defines.
    fn load_openapi(&self, k: &Kustomization, acc: &mut Accumulator) -> Result<(), Error> {
        let Some(o) = k.get("openapi") else {
            return Ok(());
        };
        // The first schema met from the top kustomization down wins.
        if acc.schema_chosen {
            return Ok(());
        }
        let prov = o.prov.clone().or_else(|| k.key_prov("openapi"));
        if o.get("path").is_some() && o.get("version").is_some() {
            return Err(Error::at(
                "builtin version and custom schema provided, cannot use both",
                prov,
            ));
        }
        let Some(path) = o.str_at(&["path"]) else {
            // kustomize v5.5 builds in the Kubernetes v1.21.2 schema only.
            return match o.str_at(&["version"]) {
                None => Ok(()),
                Some("v1.21.2") => {
                    acc.patch_meta = None;
                    acc.schema_chosen = true;
                    Ok(())
                }
                Some(v) => Err(Error::at(
                    format!(
                        "the specified OpenAPI version `{v}` is not built in (only v1.21.2 is)"
                    ),
                    prov,
                )),
            };
        };
        let file = self.resolve_file(k, path, prov.clone())?;
        let text = std::fs::read_to_string(&file)
            .map_err(|e| Error::at(format!("{path}: {e}"), prov.clone()))?;
        let doc = super::parse_single(path, &text)
            .map_err(|e| Error::at(e, prov.clone()))?
            .to_json();
        let over = self
            .resources_loaded
            .then(super::patch_meta::PatchMeta::builtin);
        let meta = super::patch_meta::PatchMeta::from_openapi(&doc, over)
            .map_err(|e| Error::at(format!("{path}: {e}"), prov))?;
        acc.patch_meta = Some(std::sync::Arc::new(meta));
        acc.schema_chosen = true;
        Ok(())
    }

    /// Resolves a file path from a kustomization under the load restrictor.
    pub fn resolve_file(
        &self,
        k: &Kustomization,
        path: &str,
        prov: Option<Prov>,
    ) -> Result<PathBuf, Error> {
        let joined = k.dir.join(path);
        self.record_input(&joined);
        let file = std::fs::canonicalize(&joined)
            .map_err(|e| Error::at(format!("{}: {e}", self.display(&joined)), prov.clone()))?;
        if self.opts.load_restrictor == LoadRestrictor::RootOnly && !file.starts_with(&k.dir) {
            return Err(Error::at(
                format!(
                    "security; file '{}' is not in or below '{}'",
                    self.display(&file),
                    self.display(&k.dir)
                ),
                prov,
            ));
        }
        Ok(file)
    }

    fn accumulate_resource(
        &mut self,
        k: &Kustomization,
        entry: &str,
        prov: Option<Prov>,
        acc: &mut Accumulator,
    ) -> Result<(), Error> {
        if is_remote(entry) {
            self.warnings.push((
                Skipped::Remote,
                Error::at(
                    format!(
                        "remote resource `{entry}` not fetched (gitgate does not use the network)"
                    ),
                    prov,
                ),
            ));
            return Ok(());
        }
        let path = k.dir.join(entry);
        self.record_input(&path);
        let meta = std::fs::metadata(&path).map_err(|e| {
            Error::at(
                format!("accumulating resources: '{}': {e}", self.display(&path)),
                prov.clone(),
            )
        })?;
        if meta.is_dir() {
            let dir =
                std::fs::canonicalize(&path).map_err(|e| Error::at(e.to_string(), prov.clone()))?;
            let mut sub = Accumulator {
                resources: Vec::new(),
                // A base starts from nothing, as kustomize's AccumulateTarget does.
                config: TransformerConfig::default(),
                vars: Vec::new(),
                patch_meta: acc.patch_meta.clone(),
                schema_chosen: acc.schema_chosen,
                index: None,
            };
            self.accumulate_target(&dir, &mut sub, false).map_err(|e| {
                e.context(
                    format!("accumulating resources from '{entry}'"),
                    prov.clone(),
                )
            })?;
            append_all(acc, sub.resources)?;
            // Configurations, vars and a custom schema from a base apply to the overlay too.
            acc.config
                .merge(&sub.config)
                .map_err(|e| Error::at(e, prov.clone()))?;
            // The overlay's own schema takes precedence over one from a base.
            if !acc.schema_chosen && sub.schema_chosen {
                acc.patch_meta = sub.patch_meta.clone();
                acc.schema_chosen = true;
            }
            vars::merge(&mut acc.vars, sub.vars)?;
            return Ok(());
        }
        let file = self.resolve_file(k, entry, prov.clone())?;
        let shown: Arc<str> = Arc::from(self.display(&file));
        let loaded = load_resources(&file, &shown).map_err(|e| Error::at(e, prov.clone()))?;
        self.resources_loaded |= !loaded.is_empty();
        append_all(acc, loaded)?;
        Ok(())
    }
}

/// Adds a resource, refusing a second object with the same identity.
pub type ConflictKey = (super::fieldspec::Gvk, String, String);

/// The identity used to refuse duplicates: `namespace: default` and no namespace are the same.
fn conflict_key(r: &Resource) -> ConflictKey {
    let id = r.id();
    let ns = id.effective_namespace().to_string();
    (id.gvk, id.name, ns)
}

/// Adds many resources, refusing duplicates (indexed: a cluster kustomization may include
/// hundreds of overlays).
pub fn append_all(acc: &mut Accumulator, new: Vec<Resource>) -> Result<(), Error> {
    let mut seen = match acc.index.take() {
        Some(i) => i,
        None => acc.resources.iter().map(conflict_key).collect(),
    };
    let resources = &mut acc.resources;
    for r in new {
        if !seen.insert(conflict_key(&r)) {
            return Err(Error::at(
                format!(
                    "may not add resource with an already registered id: {}",
                    r.id().display()
                ),
                r.origin.clone(),
            ));
        }
        resources.push(r);
    }
    acc.index = Some(seen);
    Ok(())
}

pub fn append(resources: &mut Vec<Resource>, r: Resource) -> Result<(), Error> {
    let id = r.id();
    // `namespace: default` and no namespace are the same place.
    let same = |x: &Resource| {
        let xid = x.id();
        xid.gvk == id.gvk
            && xid.name == id.name
            && xid.effective_namespace() == id.effective_namespace()
    };
    if resources.iter().any(same) {
        return Err(Error::at(
            format!(
                "may not add resource with an already registered id: {}",
                id.display()
            ),
            r.origin.clone(),
        ));
    }
    resources.push(r);
    Ok(())
}

/// `github.com/…`, URLs, `?ref=`: kustomize would fetch these.
pub fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
        || entry.starts_with("git@")
        || entry.starts_with("git::")
        || entry.contains("?ref=")
        || entry.contains("?version=")
}

/// Reads the Kubernetes objects in a YAML file (a `List` contributes its items).
pub fn load_resources(file: &Path, shown: &Arc<str>) -> Result<Vec<Resource>, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{shown}: {e}"))?;
    let (src, findings) = crate::load::load_bytes(
        shown,
        crate::walk::PathKind::NonKubernetes,
        &bytes,
        &crate::load::LoadOptions::default(),
    );
    if let Some(f) = findings
        .iter()
        .find(|f| f.severity == crate::diag::Severity::Error)
    {
        let at = f
            .location
            .span
            .map(|s| format!(":{}:{}", s.start.line, s.start.col))
            .unwrap_or_default();
        return Err(format!("MalformedYAMLError: {shown}{at}: {}", f.message));
    }
    let mut out = Vec::new();
    for doc in &src.docs {
        let Some(root) = &doc.root else { continue };
        let n = node::from_tree(root, shown).map_err(|e| format!("{shown}: {e}"))?;
        if n.is_null() {
            continue;
        }
        // Kept as written (kyaml keeps styles until output: a patch over a quoted value stays
        // quoted); the JSON round trip happens when printing.
        let mut n = n;
        stringify_metadata_maps(&mut n);
        if n.is_null() {
            continue;
        }
        if !n.is_map() {
            return Err(format!(
                "{shown}: document {} is not a mapping",
                doc.index + 1
            ));
        }
        let prov = Some(Prov {
            file: shown.clone(),
            span: doc.span,
        });
        let kind = n.str_at(&["kind"]).unwrap_or_default().to_string();
        if kind.ends_with("List") && n.get("items").is_some_and(RNode::is_seq) {
            for item in n.get("items").map(RNode::items).unwrap_or_default() {
                out.push(Resource::with_source(
                    item.clone(),
                    item.prov.clone().or(prov.clone()),
                    file,
                ));
            }
            continue;
        }
        if n.str_at(&["kind"]).is_none() {
            return Err(format!(
                "{shown}: missing Resource metadata: document {} has no `kind`",
                doc.index + 1
            ));
        }
        out.push(Resource::with_source(n, prov, file));
    }
    Ok(out)
}

/// kustomize reads `metadata.annotations` as a string map (`port: 8080` comes out as
/// `"8080"`) and drops it when empty. Labels are left as written.
fn stringify_metadata_maps(n: &mut RNode) {
    let Some(meta) = n.get_mut("metadata") else {
        return;
    };
    if meta
        .get("annotations")
        .is_some_and(|a| a.is_map() && a.entries().is_empty())
    {
        meta.remove("annotations");
    }
    if let Some(m) = meta.get_mut("annotations").and_then(RNode::entries_mut) {
        for (_, v) in m.iter_mut() {
            if let Some(text) = v.as_str().map(str::to_string) {
                let text = if v.is_null() { String::new() } else { text };
                let prov = v.prov.clone();
                *v = RNode::string(text).with_prov(prov);
            }
        }
    }
}

/// Notes a transformer on every object (transformer annotations).
pub fn record(
    acc: &mut Accumulator,
    configured_in: &Path,
    kind: &str,
    name: Option<String>,
    namespace: Option<String>,
) {
    for r in acc.resources.iter_mut() {
        r.transformations.push(super::resource::Transformation {
            kustomization: configured_in.to_path_buf(),
            kind: kind.to_string(),
            name: name.clone(),
            namespace: namespace.clone(),
        });
    }
}

/// `path` relative to `from` (both absolute), `/`-separated.
pub fn relative_path(from: &Path, path: &Path) -> String {
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = path.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), a.len() - common).collect();
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The `buildMetadata` annotations: where each object came from, and what changed it.
fn annotate_build_metadata(resources: &mut [Resource], top: &Path, metadata: &[String]) {
    use super::resource::Source;
    let origins = metadata.iter().any(|m| m == "originAnnotations");
    let transformations = metadata.iter().any(|m| m == "transformerAnnotations");
    let configured_by = |kind: &str, name: &Option<String>, ns: &Option<String>, indent: &str| {
        let mut s = format!(
            "{indent}configuredBy:\n{indent}  apiVersion: builtin\n{indent}  kind: {kind}\n"
        );
        if let Some(n) = name {
            s.push_str(&format!("{indent}  name: {n}\n"));
        }
        if let Some(n) = ns {
            s.push_str(&format!("{indent}  namespace: {n}\n"));
        }
        s
    };
    for r in resources.iter_mut() {
        if origins {
            let text = match &r.source {
                Source::File(f) => Some(format!("path: {}\n", relative_path(top, f))),
                Source::Generated {
                    kustomization,
                    kind,
                    name,
                    namespace,
                } => Some(format!(
                    "configuredIn: {}\n{}",
                    relative_path(top, kustomization),
                    configured_by(kind, name, namespace, "")
                )),
                Source::Unknown => None,
            };
            if let Some(text) = text {
                r.node
                    .ensure_map("metadata")
                    .ensure_map("annotations")
                    .set("config.kubernetes.io/origin", RNode::string(text));
            }
        }
        if transformations && !r.transformations.is_empty() {
            let text: String = r
                .transformations
                .iter()
                .map(|t| {
                    format!(
                        "- configuredIn: {}\n{}",
                        relative_path(top, &t.kustomization),
                        configured_by(&t.kind, &t.name, &t.namespace, "  ")
                    )
                })
                .collect();
            r.node.ensure_map("metadata").ensure_map("annotations").set(
                "alpha.config.kubernetes.io/transformations",
                RNode::string(text),
            );
        }
    }
}

/// Appends the content hash to generated ConfigMaps and Secrets that still need it.
fn add_hashes(resources: &mut [Resource]) -> Result<(), Error> {
    for r in resources.iter_mut().filter(|r| r.needs_hash) {
        let hash = generators::hash_suffix(&r.node).map_err(Error::msg)?;
        r.remember_id();
        let name = format!("{}-{hash}", r.id().name);
        r.set_name(&name);
        r.needs_hash = false;
    }
    Ok(())
}
