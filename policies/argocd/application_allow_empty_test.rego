package gitgate.argocd.application_allow_empty_test

import rego.v1

import data.gitgate.argocd.application_allow_empty as policy

app(automated) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {"project": "apps", "syncPolicy": {"automated": automated}},
}

appset(automated) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "ApplicationSet",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {
		"generators": [{"list": {"elements": []}}],
		"template": {
			"metadata": {"name": "{{name}}"},
			"spec": {"project": "apps", "syncPolicy": {"automated": automated}},
		},
	},
}

test_default_passes if {
	count(policy.warn) == 0 with input as app({"prune": true})
}

test_allow_empty_false_passes if {
	count(policy.warn) == 0 with input as app({"prune": true, "allowEmpty": false})
}

test_automation_disabled_passes if {
	count(policy.warn) == 0 with input as app({"enabled": false, "allowEmpty": true})
}

test_allow_empty_warned if {
	results := policy.warn with input as app({"prune": true, "allowEmpty": true})
	count(results) == 1
	some r in results
	r.path == ["spec", "syncPolicy", "automated", "allowEmpty"]
	contains(r.msg, "Application `web`")
}

test_appset_allow_empty_warned if {
	results := policy.warn with input as appset({"prune": true, "allowEmpty": true})
	some r in results
	r.path == ["spec", "template", "spec", "syncPolicy", "automated", "allowEmpty"]
}

test_appset_templated_unknown if {
	count(policy.warn) == 0 with input as appset({"prune": true, "allowEmpty": "{{empty}}"})
}
