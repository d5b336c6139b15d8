# METADATA
# title: Argo CD Application syncs a resource kind its AppProject does not permit
# description: >-
#   An AppProject restricts what its Applications may create. Cluster-scoped kinds must be in
#   `clusterResourceWhitelist` (no whitelist: none are allowed) and not in
#   `clusterResourceBlacklist`; namespaced kinds must not be in `namespaceResourceBlacklist`
#   and, when `namespaceResourceWhitelist` is set, must be in it. Argo CD refuses to sync an
#   object that breaks these rules ("resource … is not permitted in project …"), so the
#   Application stays out of sync. Whether a kind is cluster-scoped is decided from a fixed
#   list of built-in (and common add-on) cluster-scoped kinds plus the
#   CustomResourceDefinitions in the repository with `scope: Cluster`; other kinds are taken
#   as namespaced.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#managing-projects
#   - https://argo-cd.readthedocs.io/en/stable/operator-manual/project-specification/
# custom:
#   id: GG-ARGO-023
#   severity: error
#   scope: repo
#   tags: [security]
#   recommended_actions: >-
#     Remove the object from the Application's source, or allow its group and kind in the
#     AppProject (`clusterResourceWhitelist` for cluster-scoped kinds, or drop it from the
#     blacklist).
package gitgate.argocd.project_resource_kinds

import rego.v1

import data.gitgate.lib

# Malformed input (a string where an object belongs) must not stop the rule.
obj(x) := x if {
	is_object(x)
} else := {}

# Cluster-scoped kinds by API group: Kubernetes built-ins and a few widespread add-ons.
cluster_scoped_builtin := {
	"": {"Namespace", "Node", "PersistentVolume", "ComponentStatus"},
	"rbac.authorization.k8s.io": {"ClusterRole", "ClusterRoleBinding"},
	"apiextensions.k8s.io": {"CustomResourceDefinition"},
	"apiregistration.k8s.io": {"APIService"},
	"admissionregistration.k8s.io": {
		"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
		"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
		"MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
	},
	"storage.k8s.io": {"StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass"},
	"scheduling.k8s.io": {"PriorityClass"},
	"networking.k8s.io": {"IngressClass", "IPAddress", "ServiceCIDR"},
	"node.k8s.io": {"RuntimeClass"},
	"certificates.k8s.io": {"CertificateSigningRequest", "ClusterTrustBundle"},
	"flowcontrol.apiserver.k8s.io": {"FlowSchema", "PriorityLevelConfiguration"},
	"resource.k8s.io": {"DeviceClass"},
	"policy": {"PodSecurityPolicy"},
	"gateway.networking.k8s.io": {"GatewayClass"},
	"cert-manager.io": {"ClusterIssuer"},
	"kyverno.io": {"ClusterPolicy"},
	"external-secrets.io": {"ClusterSecretStore", "ClusterExternalSecret"},
	"snapshot.storage.k8s.io": {"VolumeSnapshotClass", "VolumeSnapshotContent"},
}

# Cluster-scoped kinds the repository's CustomResourceDefinitions define.
cluster_scoped_crd contains [crd.spec.group, crd.spec.names.kind] if {
	some e in lib.of_kind("CustomResourceDefinition")
	crd := e.object
	startswith(crd.apiVersion, "apiextensions.k8s.io/")
	crd.spec.scope == "Cluster"
	is_string(crd.spec.group)
	is_string(crd.spec.names.kind)
}

group_of(o) := g if {
	is_string(o.apiVersion)
	contains(o.apiVersion, "/")
	g := split(o.apiVersion, "/")[0]
} else := ""

group_text("") := "the core group"

group_text(g) := sprintf("group `%s`", [g]) if g != ""

cluster_scoped(group, kind) if kind in object.get(cluster_scoped_builtin, group, set())

cluster_scoped(group, kind) if [group, kind] in cluster_scoped_crd

# `group`/`kind` patterns (Go filepath.Match) and, where given, the object name (a glob).
valid_glob(p) if regex.match(`^([^\[\]{}\\]|\\.|\[[^\]]+\]|\{[^{}]*\})*$`, p)

pattern_match(p, s) if {
	valid_glob(p)
	glob.match(p, ["/"], s)
}

str(item, key) := v if {
	v := object.get(item, key, "")
	is_string(v)
} else := ""

in_list(list, group, kind, name) if {
	some item in list
	is_object(item)
	pattern_match(str(item, "kind"), kind)
	pattern_match(str(item, "group"), group)
	name_matches(str(item, "name"), name)
}

name_matches(p, _) if p == ""

name_matches(p, name) if {
	p != ""
	pattern_match(p, name)
}

list(spec, key) := l if {
	l := spec[key]
	is_array(l)
} else := []

# Why Argo CD refuses the kind (AppProject.IsGroupKindNamePermitted), if it does.
refusal(spec, group, kind, name) := "is cluster-scoped and not in its clusterResourceWhitelist" if {
	cluster_scoped(group, kind)
	not in_list(list(spec, "clusterResourceWhitelist"), group, kind, name)
} else := "is in its clusterResourceBlacklist" if {
	cluster_scoped(group, kind)
	in_list(list(spec, "clusterResourceBlacklist"), group, kind, name)
} else := "is not in its namespaceResourceWhitelist" if {
	not cluster_scoped(group, kind)
	# An explicit whitelist (even an empty one) restricts namespaced kinds.
	is_array(spec.namespaceResourceWhitelist)
	not in_list(spec.namespaceResourceWhitelist, group, kind, name)
} else := "is in its namespaceResourceBlacklist" if {
	not cluster_scoped(group, kind)
	in_list(list(spec, "namespaceResourceBlacklist"), group, kind, name)
}

project_name(app) := p if {
	p := object.get(app, ["spec", "project"], "")
	is_string(p)
	p != ""
} else := "default"

# Indices of the AppProject an Application uses: in its namespace, then `argocd`, then any.
project_ids(ns, name) := ids if {
	ids := object.get(lib.index, ["AppProject", ns, name], [])
	count(ids) > 0
} else := ids if {
	ids := object.get(lib.index, ["AppProject", "argocd", name], [])
	count(ids) > 0
} else := [i |
	some pns
	some i in lib.index.AppProject[pns][name]
]

deny contains {"msg": msg, "object": i, "path": ["kind"], "related": [j]} if {
	some i, e in lib.objects
	d := e.context.deployer
	d.kind == "Application"
	apps := object.get(lib.index, ["Application", d.namespace, d.name], [])
	count(apps) > 0
	app := lib.objects[apps[0]].object
	startswith(app.apiVersion, "argoproj.io/")
	pname := project_name(app)
	ids := [k | some k in project_ids(d.namespace, pname); startswith(lib.objects[k].object.apiVersion, "argoproj.io/")]
	count(ids) > 0
	j := ids[0]
	o := e.object
	is_string(o.kind)
	group := group_of(o)
	name := object.get(o, ["metadata", "name"], "")
	why := refusal(obj(object.get(lib.objects[j].object, "spec", {})), group, o.kind, name)
	msg := sprintf(
		"%s `%s` is synced by Argo CD Application `%s`, but its kind (%s) %s of AppProject `%s`: Argo CD will not sync it",
		[o.kind, name, d.name, group_text(group), why, pname],
	)
}
