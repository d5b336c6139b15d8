package gitgate.argocd.project_resource_kinds_test

import rego.v1

import data.gitgate.argocd.project_resource_kinds as policy
import data.gitgate.lib

deployer := {"kind": "Application", "name": "platform", "namespace": "argocd", "path": "apps/platform"}

app := {"object": {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "platform", "namespace": "argocd"},
	"spec": {"project": "team-a", "source": {"path": "apps/platform"}},
}, "context": {"deployer": null}}

project(spec) := {"object": {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "AppProject",
	"metadata": {"name": "team-a", "namespace": "argocd"},
	"spec": spec,
}, "context": {"deployer": null}}

synced(api, kind, name) := {"object": {
	"apiVersion": api,
	"kind": kind,
	"metadata": {"name": name},
}, "context": {"deployer": deployer}}

results(objs) := rs if {
	rs := policy.deny with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

cluster_role := synced("rbac.authorization.k8s.io/v1", "ClusterRole", "reader")

deployment := synced("apps/v1", "Deployment", "web")

test_namespaced_kind_allowed_without_lists if {
	count(results([app, project({}), deployment])) == 0
}

test_cluster_kind_without_whitelist_denied if {
	rs := results([app, project({}), cluster_role])
	count(rs) == 1
	some r in rs
	r.object == 2
	r.path == ["kind"]
	r.related == [1]
	contains(r.msg, "clusterResourceWhitelist")
}

test_cluster_kind_whitelisted_passes if {
	count(results([
		app,
		project({"clusterResourceWhitelist": [{"group": "rbac.authorization.k8s.io", "kind": "Cluster*"}]}),
		cluster_role,
	])) == 0
}

test_whitelist_star_passes if {
	count(results([app, project({"clusterResourceWhitelist": [{"group": "*", "kind": "*"}]}), cluster_role])) == 0
}

test_whitelist_wrong_group_denied if {
	count(results([app, project({"clusterResourceWhitelist": [{"group": "", "kind": "ClusterRole"}]}), cluster_role])) == 1
}

test_whitelist_by_name if {
	count(results([
		app,
		project({"clusterResourceWhitelist": [{"group": "*", "kind": "ClusterRole", "name": "read*"}]}),
		cluster_role,
	])) == 0
	count(results([
		app,
		project({"clusterResourceWhitelist": [{"group": "*", "kind": "ClusterRole", "name": "admin-*"}]}),
		cluster_role,
	])) == 1
}

test_cluster_blacklist_denied if {
	rs := results([
		app,
		project({
			"clusterResourceWhitelist": [{"group": "*", "kind": "*"}],
			"clusterResourceBlacklist": [{"group": "rbac.authorization.k8s.io", "kind": "*"}],
		}),
		cluster_role,
	])
	count(rs) == 1
	some r in rs
	contains(r.msg, "clusterResourceBlacklist")
}

test_namespace_blacklist_denied if {
	rs := results([
		app,
		project({"namespaceResourceBlacklist": [{"group": "", "kind": "ResourceQuota"}]}),
		synced("v1", "ResourceQuota", "quota"),
		deployment,
	])
	count(rs) == 1
	some r in rs
	r.object == 2
	contains(r.msg, "the core group")
}

test_namespace_whitelist_restricts if {
	rs := results([
		app,
		project({"namespaceResourceWhitelist": [{"group": "apps", "kind": "Deployment"}]}),
		synced("v1", "Service", "web"),
		deployment,
	])
	count(rs) == 1
	some r in rs
	r.object == 2
	contains(r.msg, "namespaceResourceWhitelist")
}

test_cluster_scoped_crd_from_repo if {
	crd := {"object": {
		"apiVersion": "apiextensions.k8s.io/v1",
		"kind": "CustomResourceDefinition",
		"metadata": {"name": "widgets.example.com"},
		"spec": {"group": "example.com", "scope": "Cluster", "names": {"kind": "Widget"}},
	}, "context": {"deployer": null}}
	rs := results([app, project({}), crd, synced("example.com/v1", "Widget", "w")])
	count(rs) == 1
	some r in rs
	r.object == 3
}

test_objects_of_other_deployers_ignored if {
	other := {"object": cluster_role.object, "context": {"deployer": {"kind": "Kustomization", "name": "platform", "namespace": "argocd"}}}
	count(results([app, project({}), other])) == 0
}

test_project_not_in_repo_skipped if {
	count(results([app, cluster_role])) == 0
}

test_default_project_in_repo_applies if {
	default_app := {"object": object.union(app.object, {"spec": {"project": "default"}}), "context": app.context}
	default_project := {"object": object.union(project({}).object, {"metadata": {"name": "default"}}), "context": {}}
	count(results([default_app, default_project, cluster_role])) == 1
}
