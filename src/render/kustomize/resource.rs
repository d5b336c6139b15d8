//! A resource being rendered, its identity, and the ordered set of them.

use super::fieldspec::Gvk;
use super::generators::Behavior;
use crate::render::node::{Prov, RNode};

/// A resource's identity: GVK, name and namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResId {
    pub gvk: Gvk,
    pub name: String,
    pub namespace: String,
}

impl ResId {
    pub fn of(node: &RNode) -> ResId {
        ResId {
            gvk: Gvk::from_api_version(
                node.str_at(&["apiVersion"]).unwrap_or_default(),
                node.str_at(&["kind"]).unwrap_or_default(),
            ),
            name: node
                .str_at(&["metadata", "name"])
                .unwrap_or_default()
                .to_string(),
            namespace: node
                .str_at(&["metadata", "namespace"])
                .unwrap_or_default()
                .to_string(),
        }
    }

    /// `Kind.version.group/name.namespace`, the way kustomize names ids in errors.
    pub fn display(&self) -> String {
        let mut s = self.gvk.kind.clone();
        if !self.gvk.version.is_empty() {
            s.push('.');
            s.push_str(&self.gvk.version);
        }
        if !self.gvk.group.is_empty() {
            s.push('.');
            s.push_str(&self.gvk.group);
        }
        s.push('/');
        s.push_str(&self.name);
        if !self.namespace.is_empty() {
            s.push('.');
            s.push_str(&self.namespace);
        }
        s
    }

    /// The namespace the object lands in: `default` for namespaced objects without one.
    pub fn effective_namespace(&self) -> &str {
        if !self.namespace.is_empty() {
            &self.namespace
        } else if is_cluster_scoped(&self.gvk) {
            ""
        } else {
            "default"
        }
    }
}

/// Kinds that have no namespace (kustomize's builtin list). `Namespace`, `Node` and the other
/// core kinds count only in the core group.
pub fn is_cluster_scoped(gvk: &Gvk) -> bool {
    let core_only = matches!(
        gvk.kind.as_str(),
        "Namespace" | "Node" | "PersistentVolume" | "ComponentStatus"
    );
    if core_only && !gvk.group.is_empty() {
        return false;
    }
    matches!(
        gvk.kind.as_str(),
        "APIService"
            | "CSIDriver"
            | "CSINode"
            | "CertificateSigningRequest"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "ComponentStatus"
            | "CustomResourceDefinition"
            | "FlowSchema"
            | "IngressClass"
            | "MutatingWebhookConfiguration"
            | "Namespace"
            | "Node"
            | "PersistentVolume"
            | "PodSecurityPolicy"
            | "PriorityClass"
            | "PriorityLevelConfiguration"
            | "RuntimeClass"
            | "SelfSubjectAccessReview"
            | "SelfSubjectRulesReview"
            | "StorageClass"
            | "SubjectAccessReview"
            | "TokenReview"
            | "ValidatingWebhookConfiguration"
            | "VolumeAttachment"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
    )
}

/// Where an object came from, for the `config.kubernetes.io/origin` annotation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Source {
    #[default]
    Unknown,
    /// Read from this file.
    File(std::path::PathBuf),
    /// Made by a generator configured in this kustomization file.
    Generated {
        /// The kustomization, or the plugin configuration file, that configured it.
        kustomization: std::path::PathBuf,
        kind: String,
        name: Option<String>,
        namespace: Option<String>,
    },
}

/// A transformer that changed an object (`alpha.config.kubernetes.io/transformations`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transformation {
    pub kustomization: std::path::PathBuf,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub node: RNode,
    /// The document the resource was read from (or the generator entry that made it).
    pub origin: Option<Prov>,
    /// Names and namespaces it had before prefixes, suffixes, namespaces and hashes changed
    /// them (oldest first), for fixing references to it.
    pub previous: Vec<ResId>,
    /// A generated ConfigMap/Secret that still needs its content-hash suffix.
    pub needs_hash: bool,
    pub behavior: Behavior,
    /// Name prefixes and suffixes applied, innermost first (to pick between objects of the
    /// same original name from different bases).
    pub prefixes: Vec<String>,
    pub suffixes: Vec<String>,
    /// Names of the vars that read a field of this object (bound where the var is declared).
    pub ref_vars: Vec<String>,
    pub source: Source,
    pub transformations: Vec<Transformation>,
}

impl Resource {
    pub fn new(node: RNode, origin: Option<Prov>) -> Resource {
        Resource {
            node,
            origin,
            previous: Vec::new(),
            needs_hash: false,
            behavior: Behavior::Create,
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            ref_vars: Vec::new(),
            source: Source::Unknown,
            transformations: Vec::new(),
        }
    }

    /// A resource read from `file`.
    pub fn with_source(node: RNode, origin: Option<Prov>, file: &std::path::Path) -> Resource {
        let mut r = Resource::new(node, origin);
        r.source = Source::File(file.to_path_buf());
        r
    }

    pub fn id(&self) -> ResId {
        ResId::of(&self.node)
    }

    /// The id as first loaded.
    pub fn original_id(&self) -> ResId {
        self.previous.first().cloned().unwrap_or_else(|| self.id())
    }

    /// Records the current id before a transformer changes the name or namespace.
    pub fn remember_id(&mut self) {
        let id = self.id();
        if self.previous.last() != Some(&id) {
            self.previous.push(id);
        }
    }

    /// Every id the resource has had, oldest first, the current one last.
    pub fn all_ids(&self) -> Vec<ResId> {
        let mut ids = self.previous.clone();
        let cur = self.id();
        if ids.last() != Some(&cur) {
            ids.push(cur);
        }
        ids
    }

    pub fn set_name(&mut self, name: &str) {
        let prov = self
            .node
            .path(&["metadata", "name"])
            .and_then(|n| n.prov.clone());
        self.node
            .ensure_map("metadata")
            .set("name", RNode::string(name).with_prov(prov));
    }
}
