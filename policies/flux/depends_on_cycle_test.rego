package gitgate.flux.depends_on_cycle_test

import rego.v1

import data.gitgate.flux.depends_on_cycle as policy
import data.gitgate.lib

ks(name, deps, cluster) := {
	"object": {
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
		"kind": "Kustomization",
		"metadata": {"name": name, "namespace": "flux-system"},
		"spec": {"interval": "10m", "prune": true, "dependsOn": [{"name": d} | some d in deps]},
	},
	"context": {"file": sprintf("clusters/%s/%s.yaml", [cluster, name]), "cluster": cluster},
}

hr(name, deps) := {
	"object": {
		"apiVersion": "helm.toolkit.fluxcd.io/v2",
		"kind": "HelmRelease",
		"metadata": {"name": name, "namespace": "apps"},
		"spec": {"interval": "10m", "dependsOn": [{"name": d} | some d in deps]},
	},
	"context": {"file": "apps/releases.yaml", "cluster": null},
}

test_chain_passes if {
	objs := [ks("apps", ["infra"], "production"), ks("infra", ["crds"], "production"), ks("crds", [], "production")]
	count(policy.deny) == 0 with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_two_member_cycle_reported_once_on_first if {
	objs := [ks("infra", ["apps"], "production"), ks("apps", ["infra"], "production")]
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.object == 1 # flux-system/apps sorts before flux-system/infra
	r.related == [0]
	r.path == ["spec", "dependsOn"]
	contains(r.msg, "Kustomization `flux-system/apps` is in a dependsOn cycle with `flux-system/infra`")
}

test_three_member_cycle_relates_the_others if {
	objs := [ks("a", ["b"], "production"), ks("b", ["c"], "production"), ks("c", ["a"], "production"), ks("d", ["a"], "production")]
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.object == 0
	r.related == [1, 2]
}

test_self_dependency_reported if {
	objs := [ks("apps", ["apps"], "production")]
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	some r in results
	r.object == 0
	r.related == []
	contains(r.msg, "depends on itself")
}

test_clusters_are_separate if {
	# production: apps -> infra; staging: infra -> apps. No cycle in either cluster.
	objs := [
		ks("apps", ["infra"], "production"), ks("infra", [], "production"),
		ks("apps", [], "staging"), ks("infra", ["apps"], "staging"),
	]
	count(policy.deny) == 0 with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_cycle_in_each_cluster_reported_in_each if {
	objs := [
		ks("apps", ["infra"], "production"), ks("infra", ["apps"], "production"),
		ks("apps", ["infra"], "staging"), ks("infra", ["apps"], "staging"),
	]
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	{r.object | some r in results} == {0, 2}
}

test_same_object_from_two_overlays_is_one_node if {
	objs := [ks("apps", ["infra"], "production"), ks("infra", ["apps"], "production"), ks("apps", ["infra"], "production")]
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.object == 0
	r.related == [1]
}

test_helmrelease_cycle_reported if {
	objs := [hr("web", ["redis"]), hr("redis", ["web"])]
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.object == 1
	contains(r.msg, "HelmRelease `apps/redis`")
}

test_kinds_do_not_mix if {
	# A Kustomization and a HelmRelease with the same names do not form a cycle.
	k := ks("web", ["redis"], "production")
	h := hr("redis", ["web"])
	k2 := json.patch(k, [
		{"op": "replace", "path": "/object/metadata/namespace", "value": "apps"},
		{"op": "replace", "path": "/context/cluster", "value": null},
	])
	objs := [k2, h]
	count(policy.deny) == 0 with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_dependency_on_missing_object_is_no_cycle if {
	objs := [ks("apps", ["nowhere"], "production")]
	count(policy.deny) == 0 with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}
