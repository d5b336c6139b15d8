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

project_name := p if {
	p := object.get(input, ["spec", "project"], "")
	is_string(p)
	p != ""
} else := "default"

# The AppProject: preferably in the Application's namespace, then in `argocd`, then anywhere.
# (`data.gitgate.index` / `objects` read directly: one lookup each, made only when the previous
# one found none.)
project := project_of(
	data.gitgate.index.AppProject, data.gitgate.objects,
	object.get(input, ["metadata", "namespace"], ""), project_name,
)

project_of(projects, objects, namespace, name) := p if {
	p := [o | some i in projects[namespace][name]; o := objects[i].object; startswith(o.apiVersion, "argoproj.io/")][0]
} else := p if {
	p := [o | some i in projects.argocd[name]; o := objects[i].object; startswith(o.apiVersion, "argoproj.io/")][0]
} else := [o |
	some ids in projects
	some i in ids[name]
	o := objects[i].object
	startswith(o.apiVersion, "argoproj.io/")
][0]

valid_glob(p) if regex.match(`^([^\[\]{}\\]|\\.|\[[^\]]+\]|\{[^{}]*\})*$`, p)

# Argo CD globs without separators (a NUL delimiter: an empty list would mean `.`; `*` still
# stops at `/`, as glob.match has it). Without glob.match (r: p without glob metacharacters):
# a pattern without them matches only itself, `prefix*` what starts with the prefix and has no
# `/` after it; glob.match raises on a NUL in s, so then it is used.
matches(p, r, s) := true if {
	p == "*"
} else := hit if {
	is_string(s)
	not contains(s, "\u0000")
	r == p
	hit := p == s
} else := true if {
	is_string(s)
	not contains(s, "\u0000")
	concat("", [r, "*"]) == p
	startswith(s, r)
	not contains(trim_prefix(s, r), "/")
} else := false if {
	is_string(s)
	not contains(s, "\u0000")
	concat("", [r, "*"]) == p
} else := hit if {
	p != "*"
	is_string(p)
	is_string(s)
	valid_glob(p)
	hit := glob.match(p, ["\u0000"], s)
}

dest(key) := v if {
	v := object.get(input, ["spec", "destination", key], "")
	is_string(v)
} else := ""

# What a selector is matched against: the Application's name, its destination namespace, its
# destination cluster (name, server: those set).
targets("applications") := [n | n := input.metadata.name]

targets("namespaces") := [dest("namespace")]

targets("clusters") := [v | some key in ["name", "server"]; v := dest(key); v != ""]

selector_matches(w, key) if {
	some p in arr(object.get(w, key, []))
	some s in targets(key)
	matches_pattern(p, s)
}

matches_pattern(p, s) if {
	p == "*"
} else if {
	is_string(p)
	matches(p, strings.replace_n({"*": "", "?": "", "[": "", "]": "", "{": "", "}": "", "\\": "", "\u0000": ""}, p), s)
}

selectors(w) := [key | some key in ["applications", "namespaces", "clusters"]; count(arr(object.get(w, key, []))) > 0]

# SyncWindows.Matches: any selector (or, with `andOperator: true`, every one given) matches.
# (Stops at the first window and pattern that match.)
covered if {
	some w in arr(object.get(project, ["spec", "syncWindows"], []))
	is_object(w)
	w.kind == "allow"
	not w.andOperator == true
	some key in ["applications", "namespaces", "clusters"]
	some p in arr(object.get(w, key, []))
	some s in targets(key)
	matches_pattern(p, s)
}

covered if {
	some w in arr(object.get(project, ["spec", "syncWindows"], []))
	is_object(w)
	w.kind == "allow"
	w.andOperator == true
	count(selectors(w)) > 0
	every key in selectors(w) {
		selector_matches(w, key)
	}
}

# (Cheap tests first; lib's rules read by their full path: through the import alias regorus
# evaluates every rule of the package.)
warn contains {"msg": msg, "path": ["spec", "project"]} if {
	input.kind == "Application"
	startswith(input.apiVersion, "argoproj.io/")
	data.gitgate.lib.production
	lib.param("argocd-require-sync-window", false) in {true, "true"}
	is_object(project)
	not covered
	msg := sprintf(
		"production Argo CD Application `%s` is not covered by an `allow` sync window of AppProject `%s`: it can sync at any time",
		[input.metadata.name, project_name],
	)
}
