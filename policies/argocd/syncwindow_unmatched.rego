# METADATA
# title: Argo CD sync window selector matches no Application
# description: >-
#   A sync window applies to the project's Applications whose name matches one of its
#   `applications` globs, whose destination namespace matches one of its `namespaces`, or
#   whose destination cluster (name or server) matches one of its `clusters`. A selector that
#   matches none of the project's Applications in the repository is usually a typo or a
#   leftover: the window that was meant to block or allow syncs does nothing for the
#   Applications it was written for. Projects used by an ApplicationSet are skipped (the
#   Applications it generates are not known here).
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/sync_windows/
# custom:
#   id: GG-ARGO-026
#   severity: warning
#   kinds: [argoproj.io/AppProject]
#   recommended_actions: >-
#     Fix the pattern so it selects the intended Applications (name), destination namespaces
#     or clusters, or remove it.
package gitgate.argocd.syncwindow_unmatched

import rego.v1

import data.gitgate.lib

# Malformed input (a string where an object or list belongs) must not stop the rule.
obj(x) := x if {
	is_object(x)
} else := {}

arr(x) := x if {
	is_array(x)
} else := []

project := input.metadata.name

project_of(spec) := p if {
	p := object.get(obj(spec), "project", "")
	is_string(p)
	p != ""
} else := "default"

# The project's Applications in the repository. (Fast for a project other than `default`,
# when every Application's apiVersion is a string: then `spec.project` is compared as it is.
# `"" <= v; v < []` holds for strings only.)
apps := [app |
	some app in all_apps
	app.spec.project == project
	startswith(app.apiVersion, "argoproj.io/")
] if {
	"" <= project
	project < []
	project != "default"
	every app in all_apps {
		"" <= app.apiVersion
		app.apiVersion < []
	}
} else := [app |
	some e in lib.of_kind("Application")
	app := e.object
	startswith(app.apiVersion, "argoproj.io/")
	project_of(object.get(app, "spec", {})) == project
]

all_apps := [objects[i].object |
	some by_name in data.gitgate.index.Application
	some ids in by_name
	some i in ids
] if {
	objects := data.gitgate.objects
}

# An ApplicationSet generates Applications into this project (or a templated one).
used_by_applicationset if {
	some e in lib.of_kind("ApplicationSet")
	startswith(e.object.apiVersion, "argoproj.io/")
	p := project_of(object.get(e.object, ["spec", "template", "spec"], {}))
	p == project
}

used_by_applicationset if {
	some e in lib.of_kind("ApplicationSet")
	startswith(e.object.apiVersion, "argoproj.io/")
	p := project_of(object.get(e.object, ["spec", "template", "spec"], {}))
	contains(p, "{{")
}

applies if {
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "AppProject"
	not used_by_applicationset
	count(apps) > 0
}

valid_glob(p) if regex.match(`^([^\[\]{}\\]|\\.|\[[^\]]+\]|\{[^{}]*\})*$`, p)

# Argo CD globs without separators (a NUL delimiter: an empty list would mean `.`). `plain`:
# the pattern has no glob metacharacters (nor NUL), so it matches only itself (glob.match
# would raise on a NUL in s).
matches(p, s, plain) := true if {
	p == "*"
} else := true if {
	plain
	s == p
} else := false if {
	plain
	is_string(s)
	not contains(s, "\u0000")
} else := true if {
	is_string(s)
	valid_glob(p)
	glob.match(p, ["\u0000"], s)
}

dest(app, key) := v if {
	v := object.get(app, ["spec", "destination", key], "")
	is_string(v)
} else := ""

selects(app, "applications", p, plain) if matches(p, app.metadata.name, plain)

selects(app, "namespaces", p, plain) if matches(p, dest(app, "namespace"), plain)

selects(app, "clusters", p, plain) if {
	dest(app, "name") != ""
	matches(p, dest(app, "name"), plain)
}

selects(app, "clusters", p, plain) if {
	dest(app, "server") != ""
	matches(p, dest(app, "server"), plain)
}

noun := {"applications": "Application name", "namespaces": "destination namespace", "clusters": "destination cluster"}

warn contains {"msg": msg, "path": ["spec", "syncWindows", i, key, j]} if {
	applies
	some i, w in arr(object.get(input, ["spec", "syncWindows"], []))
	is_object(w)
	some key in ["applications", "namespaces", "clusters"]
	some j, p in arr(object.get(w, key, []))
	is_string(p)
	not contains(p, "{{")
	plain := strings.replace_n({"*": "", "?": "", "[": "", "]": "", "{": "", "}": "", "\\": "", "\u0000": ""}, p) == p
	every app in apps {
		not selects(app, key, p, plain)
	}
	msg := sprintf(
		"sync window %d of AppProject `%s`: `%s` pattern `%s` matches no %s of the project's %d Application(s) in the repository",
		[i, project, key, p, noun[key], count(apps)],
	)
}
