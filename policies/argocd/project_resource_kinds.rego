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

# Written for speed: one pass over the objects, with what it needs worked out first, once: the
# AppProject of every Application ({[namespace, name]: [project index, project name]}) and, per
# project, the kinds its namespaced lists name. An object of a namespaced kind that neither
# list can concern (no `namespaceResourceWhitelist`, a blacklist of plain kinds not naming it)
# is passed over at once; the others take Argo CD's full check. `data.gitgate.index` /
# `objects` are read directly: a rule of another package read through its import alias
# (`lib.index`) makes regorus evaluate every rule of that package.

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
	some by_name in data.gitgate.index.CustomResourceDefinition
	some ids in by_name
	some i in ids
	crd := data.gitgate.objects[i].object
	startswith(crd.apiVersion, "apiextensions.k8s.io/")
	crd.spec.scope == "Cluster"
	is_string(crd.spec.group)
	is_string(crd.spec.names.kind)
}

# The kinds that are cluster-scoped in some group (CRDs read as `cluster_scoped_crd` does, with
# a test that cannot raise: an apiVersion that is not a string leaves every object to the full
# check, which raises as before).
cluster_scoped_kinds := {k | some kinds in cluster_scoped_builtin; some k in kinds} | {crd.spec.names.kind |
	some by_name in data.gitgate.index.CustomResourceDefinition
	some ids in by_name
	some i in ids
	crd := data.gitgate.objects[i].object
	"apiextensions.k8s.io/" <= crd.apiVersion
	crd.apiVersion < "apiextensions.k8s.io0"
	crd.spec.scope == "Cluster"
	is_string(crd.spec.group)
	is_string(crd.spec.names.kind)
}

crds_plain if {
	every by_name in object.get(data.gitgate.index, "CustomResourceDefinition", {}) {
		every ids in by_name {
			every i in ids {
				is_string(data.gitgate.objects[i].object.apiVersion)
			}
		}
	}
}

# The kinds of the repository without a NUL (which glob.match refuses).
plain_kinds := {k | some k, _ in data.gitgate.index; not contains(k, "\u0000")}

# namespace → name → the kinds of objects an Application deploys that its AppProject surely
# permits: namespaced kinds, when the project's namespaced lists are decided by kind alone (no
# namespaceResourceWhitelist, a blacklist of plain patterns), that the blacklist does not name.
# Only for Applications whose lookups below raise no error (string apiVersions); objects of the
# others, and of other kinds, take the full check.
permitted := {ns: {name: projects[j] |
	some name, pname in names
	j := project_index[ns][pname]
} |
	crds_plain
	some ns, names in app_project_names
}

# namespace → name → the project an Application names.
app_project_names := {ns: {name: project_name(app) |
	some name, ids in by_name
	app := objects[ids[0]].object
	"argoproj.io/" <= app.apiVersion
	app.apiVersion < "argoproj.io0"
} |
	some ns, by_name in data.gitgate.index.Application
} if {
	objects := data.gitgate.objects
}

# namespace → project name → the index of the AppProject an Application there uses (each pair
# looked up once).
project_index := {ns: {pname: j |
	some pname in {p | some p in names}
	ids := project_ids(ns, pname)
	every k in ids {
		is_string(objects[k].object.apiVersion)
	}
	j := [k | some k in ids; startswith(objects[k].object.apiVersion, "argoproj.io/")][0]
} |
	some ns, names in app_project_names
} if {
	objects := data.gitgate.objects
}

# Per AppProject (by index): the kinds of objects it surely permits (see `permitted`).
projects := {j: kinds |
	some by_name in data.gitgate.index.AppProject
	some ids in by_name
	some j in ids
	spec := obj(object.get(data.gitgate.objects[j].object, "spec", {}))
	items := [item | some item in list(spec, "namespaceResourceBlacklist"); is_object(item)]
	quick := count([1 |
		some item in items
		some key in ["group", "kind", "name"]
		not plain(str(item, key))
	]) + count([1 | is_array(spec.namespaceResourceWhitelist)]) == 0
	kinds := ({k | quick; some k in plain_kinds} - cluster_scoped_kinds) - {str(item, "kind") | some item in items}
}

plain(p) if strings.replace_n({"*": "", "?": "", "[": "", "]": "", "{": "", "}": "", "\\": "", "\u0000": ""}, p) == p

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
	ids := object.get(data.gitgate.index, ["AppProject", ns, name], [])
	count(ids) > 0
} else := ids if {
	ids := object.get(data.gitgate.index, ["AppProject", "argocd", name], [])
	count(ids) > 0
} else := [i |
	some pns
	some i in data.gitgate.index.AppProject[pns][name]
]

deny contains {"msg": msg, "object": i, "path": ["kind"], "related": [j]} if {
	surely := permitted
	some i, e in data.gitgate.objects
	d := e.context.deployer
	d.kind == "Application"
	# Passed over at once: a kind the project surely permits.
	not e.object.kind in surely[d.namespace][d.name]
	apps := object.get(data.gitgate.index, ["Application", d.namespace, d.name], [])
	count(apps) > 0
	app := data.gitgate.objects[apps[0]].object
	startswith(app.apiVersion, "argoproj.io/")
	pname := project_name(app)
	ids := [k | some k in project_ids(d.namespace, pname); startswith(data.gitgate.objects[k].object.apiVersion, "argoproj.io/")]
	count(ids) > 0
	j := ids[0]
	o := e.object
	is_string(o.kind)
	group := group_of(o)
	name := object.get(o, ["metadata", "name"], "")
	why := refusal(obj(object.get(data.gitgate.objects[j].object, "spec", {})), group, o.kind, name)
	msg := sprintf(
		"%s `%s` is synced by Argo CD Application `%s`, but its kind (%s) %s of AppProject `%s`: Argo CD will not sync it",
		[o.kind, name, d.name, group_text(group), why, pname],
	)
}
