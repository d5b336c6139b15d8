package gitgate.flux.helmrelease_values_from_test

import rego.v1

import data.gitgate.flux.helmrelease_values_from as policy
import data.gitgate.lib

obj(kind, ns, name) := {"object": {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "namespace": ns}}, "context": {}}

objs := [
	obj("ConfigMap", "apps", "podinfo-values"),
	obj("ConfigMap", "apps", "generated-values-5m8k2hb6t7"),
	obj("Secret", "apps", "podinfo-tls"),
	obj("ConfigMap", "other", "elsewhere"),
	{"object": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "unscoped"}}, "context": {}},
]

hr(ns, values_from) := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2",
	"kind": "HelmRelease",
	"metadata": {"name": "podinfo", "namespace": ns},
	"spec": {"interval": "10m", "valuesFrom": values_from},
}

test_existing_references_pass if {
	count(policy.warn) == 0 with input as hr("apps", [
		{"kind": "ConfigMap", "name": "podinfo-values"},
		{"kind": "Secret", "name": "podinfo-tls", "valuesKey": "tls.crt", "targetPath": "tls.crt"},
		{"kind": "Secret", "name": "unscoped"},
	])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_generated_name_with_hash_passes if {
	# The reference was rewritten by kustomize (nameReference configured).
	count(policy.warn) == 0 with input as hr("apps", [{"kind": "ConfigMap", "name": "generated-values-5m8k2hb6t7"}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_unrewritten_generated_name_warned_with_reason if {
	results := policy.warn with input as hr("apps", [{"kind": "ConfigMap", "name": "generated-values"}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.path == ["spec", "valuesFrom", 0, "name"]
	contains(r.msg, "name hash")
}

test_optional_missing_passes if {
	count(policy.warn) == 0 with input as hr("apps", [{"kind": "Secret", "name": "nowhere", "optional": true}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_missing_warned_at_entry_name if {
	results := policy.warn with input as hr("apps", [
		{"kind": "ConfigMap", "name": "podinfo-values"},
		{"kind": "Secret", "name": "podinfo-values"},
	])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.path == ["spec", "valuesFrom", 1, "name"]
	contains(r.msg, "Secret `apps/podinfo-values`, which is not defined anywhere")
}

test_other_namespace_warned if {
	count(policy.warn) == 1 with input as hr("apps", [{"kind": "ConfigMap", "name": "elsewhere"}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_prefix_is_not_a_hash if {
	# `podinfo-values` is not `podinfo` with a name hash.
	results := policy.warn with input as hr("apps", [{"kind": "ConfigMap", "name": "podinfo"}])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	some r in results
	contains(r.msg, "not defined anywhere")
}

test_unknown_namespace_matches_any if {
	count(policy.warn) == 0 with input as object.remove(hr("x", [{"kind": "ConfigMap", "name": "elsewhere"}]), ["metadata", "namespace"])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}
