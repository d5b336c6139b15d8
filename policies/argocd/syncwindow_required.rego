# METADATA
# title: Production Argo CD Application outside every allow sync window
# description: >-
#   Teams that change production only in agreed maintenance windows express them as `allow`
#   sync windows on the AppProject: while an allow window matches an Application, Argo CD
#   syncs it only when one is open. A production Application that no `allow` window of its
#   project matches can be synced at any time. Enabled with the policy parameter
#   `argocd-require-sync-window: true`; off by default, as Argo CD does not require windows.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/sync_windows/
# custom:
#   id: GG-ARGO-027
#   severity: warning
#   kinds: [argoproj.io/Application]
#   recommended_actions: >-
#     Add an `allow` window to the Application's AppProject whose `applications`,
#     `namespaces` or `clusters` select it, or move it to a project that has one.
package gitgate.argocd.syncwindow_required

import rego.v1

import data.gitgate.lib

# Malformed input (a string where a list belongs) must not stop the rule.
arr(x) := x if {
	is_array(x)
} else := []

required if lib.param("argocd-require-sync-window", false) in {true, "true"}

project_name := p if {
	p := object.get(input, ["spec", "project"], "")
	is_string(p)
	p != ""
} else := "default"

app_namespace := object.get(input, ["metadata", "namespace"], "")

# The AppProject: preferably in the Application's namespace, then in `argocd`, then anywhere.
projects_in(ns) := [e.object |
	some e in lib.named_in("AppProject", ns, project_name)
	startswith(e.object.apiVersion, "argoproj.io/")
]

projects_anywhere := [e.object |
	some e in lib.named("AppProject", project_name)
	startswith(e.object.apiVersion, "argoproj.io/")
]

project := projects_in(app_namespace)[0] if {
	count(projects_in(app_namespace)) > 0
} else := projects_in("argocd")[0] if {
	count(projects_in("argocd")) > 0
} else := projects_anywhere[0] if {
	count(projects_anywhere) > 0
}

valid_glob(p) if regex.match(`^([^\[\]{}\\]|\\.|\[[^\]]+\]|\{[^{}]*\})*$`, p)

# Argo CD globs without separators (a NUL delimiter: an empty list would mean `.`).
matches(p, _) if p == "*"

matches(p, s) if {
	p != "*"
	is_string(p)
	is_string(s)
	valid_glob(p)
	glob.match(p, ["\u0000"], s)
}

dest(key) := v if {
	v := object.get(input, ["spec", "destination", key], "")
	is_string(v)
} else := ""

selector_matches(w, "applications") if {
	some p in arr(object.get(w, "applications", []))
	matches(p, input.metadata.name)
}

selector_matches(w, "namespaces") if {
	some p in arr(object.get(w, "namespaces", []))
	matches(p, dest("namespace"))
}

selector_matches(w, "clusters") if {
	some p in arr(object.get(w, "clusters", []))
	dest("name") != ""
	matches(p, dest("name"))
}

selector_matches(w, "clusters") if {
	some p in arr(object.get(w, "clusters", []))
	dest("server") != ""
	matches(p, dest("server"))
}

selectors(w) := [key | some key in ["applications", "namespaces", "clusters"]; count(arr(object.get(w, key, []))) > 0]

# SyncWindows.Matches: any selector (or, with `andOperator: true`, every one given) matches.
window_matches(w) if {
	not w.andOperator == true
	some key in selectors(w)
	selector_matches(w, key)
}

window_matches(w) if {
	w.andOperator == true
	count(selectors(w)) > 0
	every key in selectors(w) {
		selector_matches(w, key)
	}
}

covered if {
	some w in arr(object.get(project, ["spec", "syncWindows"], []))
	is_object(w)
	w.kind == "allow"
	window_matches(w)
}

warn contains {"msg": msg, "path": ["spec", "project"]} if {
	required
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "Application"
	lib.production
	is_object(project)
	not covered
	msg := sprintf(
		"production Argo CD Application `%s` is not covered by an `allow` sync window of AppProject `%s`: it can sync at any time",
		[input.metadata.name, project_name],
	)
}
