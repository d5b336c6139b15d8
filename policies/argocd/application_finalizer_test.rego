package gitgate.argocd.application_finalizer_test

import rego.v1

import data.gitgate.argocd.application_finalizer as policy

app(metadata) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": object.union({"name": "web", "namespace": "argocd"}, metadata),
	"spec": {"project": "apps"},
}

appset(metadata) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "ApplicationSet",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {
		"generators": [{"list": {"elements": []}}],
		"template": {"metadata": object.union({"name": "{{name}}"}, metadata), "spec": {"project": "apps"}},
	},
}

test_finalizer_passes if {
	count(policy.warn) == 0 with input as app({"finalizers": ["resources-finalizer.argocd.argoproj.io"]})
}

test_background_finalizer_passes if {
	count(policy.warn) == 0 with input as app({"finalizers": ["resources-finalizer.argocd.argoproj.io/background"]})
}

test_foreground_finalizer_passes if {
	count(policy.warn) == 0 with input as app({"finalizers": ["example.com/x", "resources-finalizer.argocd.argoproj.io/foreground"]})
}

test_missing_warned_at_metadata if {
	results := policy.warn with input as app({})
	count(results) == 1
	some r in results
	r.path == ["metadata"]
	contains(r.msg, "Application `web`")
}

test_other_finalizer_warned_at_finalizers if {
	results := policy.warn with input as app({"finalizers": ["example.com/cleanup"]})
	some r in results
	r.path == ["metadata", "finalizers"]
}

test_param_off if {
	count(policy.warn) == 0 with input as app({}) with data.gitgate.params as {"argocd-require-finalizer": false}
}

test_param_off_string if {
	count(policy.warn) == 0 with input as app({}) with data.gitgate.params as {"argocd-require-finalizer": "false"}
}

test_appset_template_finalizer_passes if {
	count(policy.warn) == 0 with input as appset({"finalizers": ["resources-finalizer.argocd.argoproj.io"]})
}

test_appset_template_missing_warned if {
	results := policy.warn with input as appset({})
	some r in results
	r.path == ["spec", "template", "metadata"]
	contains(r.msg, "ApplicationSet `web`")
}

test_appset_templated_finalizer_unknown if {
	count(policy.warn) == 0 with input as appset({"finalizers": ["{{.finalizer}}"]})
}
