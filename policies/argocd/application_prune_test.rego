package gitgate.argocd.application_prune_test

import rego.v1

import data.gitgate.argocd.application_prune as policy

app(sync) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {"project": "apps", "syncPolicy": sync},
}

test_automated_with_prune_passes if {
	count(policy.deny) == 0 with input as app({"automated": {"prune": true, "selfHeal": true}})
}

test_manual_sync_passes if {
	count(policy.deny) == 0 with input as app({"syncOptions": ["CreateNamespace=true"]})
}

test_automation_disabled_passes if {
	count(policy.deny) == 0 with input as app({"automated": {"enabled": false}})
}

test_automated_empty_denied_at_automated if {
	results := policy.deny with input as app({"automated": {}})
	some r in results
	r.path == ["spec", "syncPolicy", "automated"]
}

test_prune_false_denied_at_prune if {
	results := policy.deny with input as app({"automated": {"prune": false}})
	count(results) == 1
	some r in results
	r.path == ["spec", "syncPolicy", "automated", "prune"]
}

appset(sync) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "ApplicationSet",
	"metadata": {"name": "clusters", "namespace": "argocd"},
	"spec": {
		"goTemplate": true,
		"generators": [{"clusters": {}}],
		"template": {
			"metadata": {"name": "{{.name}}-web"},
			"spec": {"project": "apps", "syncPolicy": sync},
		},
	},
}

test_appset_with_prune_passes if {
	count(policy.deny) == 0 with input as appset({"automated": {"prune": true}})
}

test_appset_prune_false_denied_in_template if {
	results := policy.deny with input as appset({"automated": {"prune": false}})
	count(results) == 1
	some r in results
	r.path == ["spec", "template", "spec", "syncPolicy", "automated", "prune"]
	contains(r.msg, "ApplicationSet `clusters`")
}

test_appset_automated_empty_denied_at_automated if {
	results := policy.deny with input as appset({"automated": {}})
	some r in results
	r.path == ["spec", "template", "spec", "syncPolicy", "automated"]
}

test_appset_templated_prune_unknown if {
	count(policy.deny) == 0 with input as appset({"automated": {"prune": "{{.prune}}"}})
}

test_appset_templated_enabled_unknown if {
	count(policy.deny) == 0 with input as appset({"automated": {"enabled": "{{.auto}}"}})
}

test_other_group_ignored if {
	count(policy.deny) == 0 with input as object.union(app({"automated": {}}), {"apiVersion": "example.com/v1"})
}
