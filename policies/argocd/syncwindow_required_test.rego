package gitgate.argocd.syncwindow_required_test

import rego.v1

import data.gitgate.argocd.syncwindow_required as policy
import data.gitgate.lib

app := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web-prod", "namespace": "argocd"},
	"spec": {"project": "team-a", "destination": {"name": "prod-eu", "namespace": "web"}},
}

objs(windows) := [{"object": {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "AppProject",
	"metadata": {"name": "team-a", "namespace": "argocd"},
	"spec": {"syncWindows": windows},
}, "context": {}}]

allow(selectors) := object.union({"kind": "allow", "schedule": "0 9 * * 1-5", "duration": "8h"}, selectors)

results(windows, env, required) := rs if {
	rs := policy.warn with input as app
		with data.gitgate.objects as objs(windows)
		with data.gitgate.index as lib.index_of(objs(windows))
		with data.gitgate.lib.environment as env
		with data.gitgate.params as {"argocd-require-sync-window": required}
}

test_off_by_default if {
	count(policy.warn) == 0 with input as app
		with data.gitgate.objects as objs([])
		with data.gitgate.index as lib.index_of(objs([]))
		with data.gitgate.lib.environment as "production"
}

test_uncovered_production_app_warned_at_project if {
	rs := results([], "production", true)
	count(rs) == 1
	some r in rs
	r.path == ["spec", "project"]
}

test_deny_window_does_not_cover if {
	count(results([object.union(allow({"applications": ["*"]}), {"kind": "deny"})], "production", true)) == 1
}

test_allow_window_by_name_covers if {
	count(results([allow({"applications": ["*-prod"]})], "production", true)) == 0
}

test_allow_window_by_namespace_covers if {
	count(results([allow({"namespaces": ["web"]})], "production", true)) == 0
}

test_allow_window_by_cluster_covers if {
	count(results([allow({"clusters": ["prod-*"]})], "production", true)) == 0
}

test_allow_window_for_others_does_not_cover if {
	count(results([allow({"applications": ["api-*"]})], "production", true)) == 1
}

test_and_operator_needs_every_selector if {
	count(results([allow({"applications": ["*-prod"], "namespaces": ["api"], "andOperator": true})], "production", true)) == 1
	count(results([allow({"applications": ["*-prod"], "namespaces": ["web"], "andOperator": true})], "production", true)) == 0
}

test_staging_app_not_required if {
	count(results([], "staging", true)) == 0
}

test_string_parameter_accepted if {
	count(results([], "production", "true")) == 1
}

test_project_not_in_repo_skipped if {
	count(policy.warn) == 0 with input as app
		with data.gitgate.objects as []
		with data.gitgate.index as {}
		with data.gitgate.lib.environment as "production"
		with data.gitgate.params as {"argocd-require-sync-window": true}
}
