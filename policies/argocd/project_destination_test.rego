package gitgate.argocd.project_destination_test

import rego.v1

import data.gitgate.argocd.project_destination as policy
import data.gitgate.lib

app(destination) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {"project": "team-a", "destination": destination},
}

project(destinations) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "AppProject",
	"metadata": {"name": "team-a", "namespace": "argocd"},
	"spec": {"destinations": destinations},
}

objs(destinations) := [{"object": project(destinations), "context": {}}]

results(destination, destinations) := rs if {
	rs := policy.deny with input as app(destination)
		with data.gitgate.objects as objs(destinations)
		with data.gitgate.index as lib.index_of(objs(destinations))
}

incluster := "https://kubernetes.default.svc"

test_server_and_namespace_allowed if {
	count(results({"server": incluster, "namespace": "web"}, [{"server": incluster, "namespace": "web"}])) == 0
}

test_glob_namespace_allowed if {
	count(results({"server": incluster, "namespace": "team-a-web"}, [{"server": incluster, "namespace": "team-a-*"}])) == 0
}

test_name_matched_by_name if {
	count(results({"name": "prod-eu", "namespace": "web"}, [{"name": "prod-*", "namespace": "web"}])) == 0
}

test_name_with_server_entry_not_judged if {
	# Argo CD resolves the name to a server through its cluster secrets: unknown here.
	count(results({"name": "prod-eu", "namespace": "web"}, [{"server": "https://prod-eu.example.com", "namespace": "web"}])) == 0
}

test_in_cluster_name_resolves_to_default_server if {
	count(results({"name": "in-cluster", "namespace": "web"}, [{"server": incluster, "namespace": "web"}])) == 0
}

test_namespace_not_listed_denied_at_namespace if {
	rs := results({"server": incluster, "namespace": "kube-system"}, [{"server": incluster, "namespace": "web"}])
	count(rs) == 1
	some r in rs
	r.path == ["spec", "destination", "namespace"]
}

test_server_not_listed_denied_at_server if {
	rs := results({"server": "https://other.example.com", "namespace": "web"}, [{"server": incluster, "namespace": "web"}])
	count(rs) == 1
	some r in rs
	r.path == ["spec", "destination", "server"]
}

test_name_not_listed_denied_at_name if {
	rs := results({"name": "staging", "namespace": "web"}, [{"name": "prod-*", "namespace": "*"}])
	count(rs) == 1
	some r in rs
	r.path == ["spec", "destination", "name"]
}

test_negated_namespace_rejects_even_when_allowed if {
	rs := results(
		{"server": incluster, "namespace": "kube-system"},
		[{"server": "*", "namespace": "!kube-system"}, {"server": "*", "namespace": "*"}],
	)
	count(rs) == 1
	some r in rs
	r.path == ["spec", "destination", "namespace"]
	contains(r.msg, "`!kube-system`")
}

test_negated_namespace_lets_others_through if {
	count(results(
		{"server": incluster, "namespace": "web"},
		[{"server": "*", "namespace": "!kube-system"}, {"server": "*", "namespace": "*"}],
	)) == 0
}

test_negated_server_rejects if {
	rs := results(
		{"server": "https://team1-eu.example.com", "namespace": "web"},
		[{"server": "!https://team1-*", "namespace": "*"}, {"server": "*", "namespace": "*"}],
	)
	some r in rs
	r.path == ["spec", "destination", "server"]
}

test_empty_destinations_deny_everything if {
	count(results({"server": incluster, "namespace": "web"}, [])) == 1
}

test_project_not_in_repo_skipped if {
	count(policy.deny) == 0 with input as app({"server": "https://x", "namespace": "web"})
		with data.gitgate.objects as []
		with data.gitgate.index as {}
}

test_applicationset_template_checked if {
	rs := policy.deny with input as {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "ApplicationSet",
		"metadata": {"name": "web", "namespace": "argocd"},
		"spec": {"template": {"spec": {"project": "team-a", "destination": {"server": incluster, "namespace": "other"}}}},
	}
		with data.gitgate.objects as objs([{"server": incluster, "namespace": "web"}])
		with data.gitgate.index as lib.index_of(objs([{"server": incluster, "namespace": "web"}]))
	some r in rs
	r.path == ["spec", "template", "spec", "destination", "namespace"]
}

test_applicationset_templated_destination_skipped if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "ApplicationSet",
		"metadata": {"name": "web", "namespace": "argocd"},
		"spec": {"template": {"spec": {"project": "team-a", "destination": {"server": "{{server}}", "namespace": "web"}}}},
	}
		with data.gitgate.objects as objs([{"server": incluster, "namespace": "web"}])
		with data.gitgate.index as lib.index_of(objs([{"server": incluster, "namespace": "web"}]))
}

test_invalid_glob_matches_nothing if {
	count(results({"server": incluster, "namespace": "web"}, [{"server": incluster, "namespace": "[web"}])) == 1
}

test_glob_spans_dots if {
	count(results({"server": "https://team1.eu.example.com", "namespace": "web"}, [{"server": "https://*.example.com", "namespace": "*"}])) == 0
}

test_malformed_destination_does_not_fail if {
	count(policy.deny) == 0 with input as object.union(app({}), {"spec": {"destination": "prod"}})
		with data.gitgate.objects as objs([])
		with data.gitgate.index as lib.index_of(objs([]))
}
