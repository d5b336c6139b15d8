package gitgate.argocd.application_retry_test

import rego.v1

import data.gitgate.argocd.application_retry as policy

app(sync) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {"project": "apps", "syncPolicy": sync},
}

appset(sync) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "ApplicationSet",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {
		"generators": [{"list": {"elements": []}}],
		"template": {
			"metadata": {"name": "{{name}}"},
			"spec": {"project": "apps", "syncPolicy": sync},
		},
	},
}

backoff := {"duration": "5s", "factor": 2, "maxDuration": "3m"}

test_retry_passes if {
	count(policy.warn) == 0 with input as app({"automated": {"prune": true}, "retry": {"limit": 5, "backoff": backoff}})
}

test_unlimited_retry_passes if {
	count(policy.warn) == 0 with input as app({"automated": {}, "retry": {"limit": -1, "backoff": backoff}})
}

test_manual_sync_passes if {
	count(policy.warn) == 0 with input as app({"syncOptions": ["CreateNamespace=true"]})
}

test_automation_disabled_passes if {
	count(policy.warn) == 0 with input as app({"automated": {"enabled": false}})
}

test_no_retry_warned_at_sync_policy if {
	results := policy.warn with input as app({"automated": {"prune": true}})
	count(results) == 1
	some r in results
	r.path == ["spec", "syncPolicy"]
	contains(r.msg, "no `syncPolicy.retry`")
}

test_retry_without_limit_warned_at_retry if {
	results := policy.warn with input as app({"automated": {}, "retry": {"backoff": backoff}})
	count(results) == 1
	some r in results
	r.path == ["spec", "syncPolicy", "retry"]
	contains(r.msg, "without `limit`")
}

test_retry_without_backoff_warned_at_retry if {
	results := policy.warn with input as app({"automated": {}, "retry": {"limit": 3}})
	count(results) == 1
	some r in results
	r.path == ["spec", "syncPolicy", "retry"]
	contains(r.msg, "without `backoff`")
}

test_limit_zero_warned_at_limit if {
	results := policy.warn with input as app({"automated": {}, "retry": {"limit": 0, "backoff": backoff}})
	count(results) == 1
	some r in results
	r.path == ["spec", "syncPolicy", "retry", "limit"]
}

test_appset_template_warned if {
	results := policy.warn with input as appset({"automated": {"prune": true}})
	some r in results
	r.path == ["spec", "template", "spec", "syncPolicy"]
	contains(r.msg, "ApplicationSet `web`")
}

test_appset_templated_backoff_unknown if {
	count(policy.warn) == 0 with input as appset({"automated": {}, "retry": {"limit": 3, "backoff": "{{.backoff}}"}})
}
