package gitgate.argocd.application_project_test

import rego.v1

import data.gitgate.argocd.application_project as policy

app(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": object.union({"destination": {"name": "prod", "namespace": "web"}}, spec),
}

appset(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "ApplicationSet",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {
		"generators": [{"list": {"elements": []}}],
		"template": {"metadata": {"name": "{{name}}"}, "spec": spec},
	},
}

test_project_passes if {
	count(policy.warn) == 0 with input as app({"project": "web"})
}

test_default_warned_at_project if {
	results := policy.warn with input as app({"project": "default"})
	count(results) == 1
	some r in results
	r.path == ["spec", "project"]
	contains(r.msg, "Application `web`")
}

test_missing_warned_at_spec if {
	results := policy.warn with input as app({})
	count(results) == 1
	some r in results
	r.path == ["spec"]
}

test_empty_warned if {
	count(policy.warn) == 1 with input as app({"project": ""})
}

test_appset_default_warned if {
	results := policy.warn with input as appset({"project": "default"})
	some r in results
	r.path == ["spec", "template", "spec", "project"]
}

test_appset_missing_warned_at_template_spec if {
	results := policy.warn with input as appset({"destination": {"name": "prod"}})
	some r in results
	r.path == ["spec", "template", "spec"]
}

test_appset_templated_project_unknown if {
	count(policy.warn) == 0 with input as appset({"project": "{{project}}"})
}

test_appproject_ignored if {
	count(policy.warn) == 0 with input as {"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject", "metadata": {"name": "default"}, "spec": {}}
}
