package gitgate.argocd.syncwindow_unmatched_test

import rego.v1

import data.gitgate.argocd.syncwindow_unmatched as policy
import data.gitgate.lib

project(windows) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "AppProject",
	"metadata": {"name": "team-a", "namespace": "argocd"},
	"spec": {"syncWindows": windows},
}

app(name, project, destination) := {"object": {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": name, "namespace": "argocd"},
	"spec": {"project": project, "destination": destination},
}, "context": {}}

apps := [
	app("web-prod", "team-a", {"name": "prod-eu", "namespace": "web"}),
	app("api-prod", "team-a", {"server": "https://api.prod.example.com", "namespace": "api"}),
	app("other", "team-b", {"name": "dev", "namespace": "other"}),
]

window(key, patterns) := {"kind": "deny", "schedule": "0 22 * * *", "duration": "1h", key: patterns}

results(windows, objs) := rs if {
	rs := policy.warn with input as project(windows)
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_matching_patterns_pass if {
	count(results(
		[
			window("applications", ["*-prod", "web-prod"]),
			window("namespaces", ["web", "a*"]),
			window("clusters", ["prod-*", "https://*.prod.example.com"]),
		],
		apps,
	)) == 0
}

test_unmatched_application_pattern if {
	rs := results([window("applications", ["*-prod", "web-production"])], apps)
	count(rs) == 1
	some r in rs
	r.path == ["spec", "syncWindows", 0, "applications", 1]
}

test_pattern_matching_other_projects_app_only if {
	rs := results([window("namespaces", ["other"])], apps)
	some r in rs
	r.path == ["spec", "syncWindows", 0, "namespaces", 0]
}

test_unmatched_cluster if {
	rs := results([{"kind": "allow", "clusters": ["staging"], "namespaces": ["web"]}], apps)
	count(rs) == 1
	some r in rs
	r.path == ["spec", "syncWindows", 0, "clusters", 0]
}

test_project_without_apps_skipped if {
	count(results([window("applications", ["nothing"])], [apps[2]])) == 0
}

test_project_used_by_applicationset_skipped if {
	appset := {"object": {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "ApplicationSet",
		"metadata": {"name": "gen", "namespace": "argocd"},
		"spec": {"template": {"spec": {"project": "team-a"}}},
	}, "context": {}}
	count(results([window("applications", ["nothing"])], array.concat(apps, [appset]))) == 0
}
