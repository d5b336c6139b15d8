package gitgate.argocd.project_wildcards_test

import rego.v1

import data.gitgate.argocd.project_wildcards as policy

project(name, spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "AppProject",
	"metadata": {"name": name, "namespace": "argocd"},
	"spec": spec,
}

loose := {
	"sourceRepos": ["*"],
	"destinations": [{"server": "*", "namespace": "*"}, {"name": "in-cluster", "namespace": "web"}],
	"clusterResourceWhitelist": [{"group": "*", "kind": "*"}],
}

tight := {
	"sourceRepos": ["https://github.com/acme/*"],
	"destinations": [{"server": "https://kubernetes.default.svc", "namespace": "web-*"}],
	"clusterResourceWhitelist": [{"group": "", "kind": "Namespace"}, {"group": "*", "kind": "ClusterRole"}],
}

test_production_loose_project_warned_at_each_wildcard if {
	rs := policy.warn with input as project("platform", loose) with data.gitgate.lib.environment as "production"
	paths := {r.path | some r in rs}
	paths == {
		["spec", "sourceRepos", 0],
		["spec", "destinations", 0, "server"],
		["spec", "destinations", 0, "namespace"],
		["spec", "clusterResourceWhitelist", 0],
	}
}

test_production_tight_project_passes if {
	count(policy.warn) == 0 with input as project("platform", tight) with data.gitgate.lib.environment as "production"
}

test_staging_loose_project_passes if {
	count(policy.warn) == 0 with input as project("platform", loose) with data.gitgate.lib.environment as "staging"
}

test_production_by_name_without_context if {
	count(policy.warn) == 4 with input as project("team-a-prod", loose) with data.gitgate.lib.environment as null
}

test_name_does_not_override_known_environment if {
	count(policy.warn) == 0 with input as project("team-a-prod", loose) with data.gitgate.lib.environment as "staging"
}

test_name_token_must_be_whole if {
	count(policy.warn) == 0 with input as project("products", loose) with data.gitgate.lib.environment as null
}

test_named_cluster_wildcard if {
	rs := policy.warn with input as project("platform", {"destinations": [{"name": "*", "namespace": "web"}]})
		with data.gitgate.lib.environment as "production"
	some r in rs
	r.path == ["spec", "destinations", 0, "name"]
	contains(r.msg, "any cluster")
}

test_whitelist_with_kind_pattern_not_star if {
	count(policy.warn) == 0 with input as project("platform", {"clusterResourceWhitelist": [{"group": "*", "kind": "Namespace"}]})
		with data.gitgate.lib.environment as "production"
}
