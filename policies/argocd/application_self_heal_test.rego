package gitgate.argocd.application_self_heal_test

import rego.v1

import data.gitgate.argocd.application_self_heal as policy

app(automated) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {"project": "apps", "syncPolicy": {"automated": automated}},
}

appset(name, automated) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "ApplicationSet",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {
		"goTemplate": true,
		"generators": [{"clusters": {}}],
		"template": {
			"metadata": {"name": name},
			"spec": {"project": "apps", "syncPolicy": {"automated": automated}},
		},
	},
}

test_self_heal_passes if {
	count(policy.warn) == 0 with input as app({"prune": true, "selfHeal": true})
		with data.gitgate.lib.environment as "production"
}

test_not_production_passes if {
	count(policy.warn) == 0 with input as app({"prune": true})
		with data.gitgate.lib.environment as "staging"
}

test_manual_sync_passes if {
	manual := json.patch(app({}), [{"op": "remove", "path": "/spec/syncPolicy"}])
	count(policy.warn) == 0 with input as manual
		with data.gitgate.lib.environment as "production"
}

test_disabled_passes if {
	count(policy.warn) == 0 with input as app({"enabled": false})
		with data.gitgate.lib.environment as "production"
}

test_missing_self_heal_warned_at_automated if {
	results := policy.warn with input as app({"prune": true})
		with data.gitgate.lib.environment as "production"
	count(results) == 1
	some r in results
	r.path == ["spec", "syncPolicy", "automated"]
	contains(r.msg, "Application `web`")
}

test_self_heal_false_warned_at_self_heal if {
	results := policy.warn with input as app({"prune": true, "selfHeal": false})
		with data.gitgate.lib.environment as "production"
	some r in results
	r.path == ["spec", "syncPolicy", "automated", "selfHeal"]
}

test_appset_template_names_production if {
	results := policy.warn with input as appset("{{.name}}-prod", {"prune": true})
		with data.gitgate.lib.environment as null
	some r in results
	r.path == ["spec", "template", "spec", "syncPolicy", "automated"]
}

test_appset_template_other_environment_passes if {
	count(policy.warn) == 0 with input as appset("{{.name}}-staging", {"prune": true})
		with data.gitgate.lib.environment as null
}

test_appset_production_context if {
	results := policy.warn with input as appset("{{.name}}", {"selfHeal": false})
		with data.gitgate.lib.environment as "production"
	some r in results
	r.path == ["spec", "template", "spec", "syncPolicy", "automated", "selfHeal"]
}

test_appset_templated_self_heal_unknown if {
	count(policy.warn) == 0 with input as appset("{{.name}}-prod", {"selfHeal": "{{.heal}}"})
		with data.gitgate.lib.environment as "production"
}
