package gitgate.argocd.application_create_namespace_test

import rego.v1

import data.gitgate.argocd.application_create_namespace as policy
import data.gitgate.lib

app(ns, options) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {
		"project": "apps",
		"destination": {"name": "prod", "namespace": ns},
		"syncPolicy": {"syncOptions": options},
	},
}

appset(ns, options) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "ApplicationSet",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {
		"generators": [{"list": {"elements": []}}],
		"template": {
			"metadata": {"name": "{{name}}"},
			"spec": {
				"project": "apps",
				"destination": {"name": "prod", "namespace": ns},
				"syncPolicy": {"syncOptions": options},
			},
		},
	},
}

namespace(name) := {"object": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, "context": {}}

objs := [namespace("payments")]

test_create_namespace_passes if {
	count(policy.warn) == 0 with input as app("web", ["CreateNamespace=true"])
		with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_namespace_manifest_passes if {
	count(policy.warn) == 0 with input as app("payments", [])
		with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_well_known_namespace_passes if {
	count(policy.warn) == 0 with input as app("kube-system", [])
		with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_no_destination_namespace_passes if {
	obj := json.patch(app("x", []), [{"op": "remove", "path": "/spec/destination/namespace"}])
	count(policy.warn) == 0 with input as obj
		with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_missing_namespace_warned if {
	results := policy.warn with input as app("web", ["ServerSideApply=true"])
		with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.path == ["spec", "destination", "namespace"]
	contains(r.msg, "Application `web`")
	contains(r.msg, "namespace `web`")
}

test_create_namespace_false_warned if {
	count(policy.warn) == 1 with input as app("web", ["CreateNamespace=false"])
		with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_appset_warned_in_template if {
	results := policy.warn with input as appset("web", [])
		with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	some r in results
	r.path == ["spec", "template", "spec", "destination", "namespace"]
}

test_appset_templated_namespace_unknown if {
	count(policy.warn) == 0 with input as appset("{{.namespace}}", [])
		with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}
