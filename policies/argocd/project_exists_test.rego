package gitgate.argocd.project_exists_test

import rego.v1

import data.gitgate.argocd.project_exists as policy
import data.gitgate.lib

app(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": spec,
}

appset(project) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "ApplicationSet",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {"template": {"metadata": {"name": "{{name}}"}, "spec": {"project": project}}},
}

entry(obj) := {"object": obj, "context": {}}

objs := [entry({
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "AppProject",
	"metadata": {"name": "team-a", "namespace": "argocd"},
	"spec": {},
})]

test_existing_project_passes if {
	count(policy.deny) == 0 with input as app({"project": "team-a"})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_default_project_passes_without_appproject if {
	count(policy.deny) == 0 with input as app({"project": "default"})
		with data.gitgate.objects as []
		with data.gitgate.index as {}
}

test_no_project_means_default if {
	count(policy.deny) == 0 with input as app({})
		with data.gitgate.objects as []
		with data.gitgate.index as {}
}

test_missing_project_denied_at_project if {
	results := policy.deny with input as app({"project": "team-b"})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.path == ["spec", "project"]
	contains(r.msg, "`team-b`")
}

test_applicationset_template_missing_project if {
	results := policy.deny with input as appset("team-b")
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	some r in results
	r.path == ["spec", "template", "spec", "project"]
}

test_applicationset_templated_project_skipped if {
	count(policy.deny) == 0 with input as appset("{{.team}}")
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_other_api_group_ignored if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "example.com/v1",
		"kind": "Application",
		"metadata": {"name": "web"},
		"spec": {"project": "team-b"},
	}
		with data.gitgate.objects as []
		with data.gitgate.index as {}
}
