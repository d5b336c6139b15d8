package gitgate.flux.depends_on_missing_test

import rego.v1

import data.gitgate.flux.depends_on_missing as policy
import data.gitgate.lib

ks(ns, name, deps) := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
	"kind": "Kustomization",
	"metadata": {"name": name, "namespace": ns},
	"spec": {"interval": "10m", "prune": true, "dependsOn": deps},
}

hr(name, deps) := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2",
	"kind": "HelmRelease",
	"metadata": {"name": name, "namespace": "apps"},
	"spec": {"interval": "10m", "dependsOn": deps},
}

objs := [
	{"object": ks("flux-system", "infra-controllers", []), "context": {}},
	{"object": hr("redis", []), "context": {}},
]

test_existing_dependency_passes if {
	count(policy.warn) == 0 with input as ks("flux-system", "apps", [{"name": "infra-controllers"}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_explicit_namespace_passes if {
	count(policy.warn) == 0 with input as ks("apps", "web", [{"name": "infra-controllers", "namespace": "flux-system"}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_missing_dependency_warned_at_entry if {
	results := policy.warn with input as ks("flux-system", "apps", [{"name": "infra-controllers"}, {"name": "infra-configs"}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.path == ["spec", "dependsOn", 1, "name"]
	contains(r.msg, "Kustomization `flux-system/infra-configs`")
}

test_namespace_defaults_to_dependant if {
	count(policy.warn) == 1 with input as ks("apps", "web", [{"name": "infra-controllers"}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_helmrelease_dependency_passes if {
	count(policy.warn) == 0 with input as hr("web", [{"name": "redis"}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_helmrelease_does_not_match_kustomization if {
	results := policy.warn with input as hr("web", [{"name": "infra-controllers", "namespace": "flux-system"}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	some r in results
	r.path == ["spec", "dependsOn", 0, "name"]
	contains(r.msg, "HelmRelease `web`")
}

test_no_depends_on_passes if {
	count(policy.warn) == 0 with input as object.remove(ks("flux-system", "apps", []), ["spec", "dependsOn"])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}
