# METADATA
# title: Argo CD Application destination not permitted by its AppProject
# description: >-
#   An AppProject lists the clusters and namespaces its Applications may deploy to in
#   `spec.destinations`. An Application whose `spec.destination` no entry permits, or that a
#   negated entry (`!kube-system`, `!https://team1-*`) excludes, is rejected by Argo CD
#   ("application destination … is not permitted in project …") and never syncs. Entries
#   are Argo CD globs; an Application with `destination.name` is matched against the
#   entries' `name`, one with `destination.server` against their `server`.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#managing-projects
#   - https://argo-cd.readthedocs.io/en/stable/operator-manual/project-specification/
# custom:
#   id: GG-ARGO-021
#   severity: error
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   recommended_actions: >-
#     Deploy to a cluster and namespace the project permits, or add the destination to the
#     AppProject's `spec.destinations` (or move the Application to a project that allows it).
package gitgate.argocd.project_destination

import rego.v1

import data.gitgate.lib

# Malformed input (a string where an object or list belongs) must not stop the rule.
obj(x) := x if {
	is_object(x)
} else := {}

arr(x) := x if {
	is_array(x)
} else := []

spec_path := ["spec"] if input.kind == "Application"

spec_path := ["spec", "template", "spec"] if input.kind == "ApplicationSet"

app_spec := obj(object.get(input, spec_path, {}))

project_name := p if {
	p := object.get(app_spec, "project", "")
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

destinations := arr(object.get(project, ["spec", "destinations"], []))

dst := obj(object.get(app_spec, "destination", {}))

dst_name := object.get(dst, "name", "")

dst_server := object.get(dst, "server", "")

dst_namespace := object.get(dst, "namespace", "")

# The destination can be judged: plain strings, no ApplicationSet template expressions.
checkable if {
	startswith(input.apiVersion, "argoproj.io/")
	is_array(destinations)
	every v in [dst_name, dst_server, dst_namespace] {
		is_string(v)
		not contains(v, "{{")
	}
	not contains(project_name, "{{")
	any_cluster
}

any_cluster if dst_name != ""

any_cluster if dst_server != ""

# The API server Argo CD resolves the destination to. With only a `name`, Argo CD looks the
# server up in its cluster secrets (not in the repository): unknown here, except `in-cluster`.
server := dst_server if dst_server != ""

server := "https://kubernetes.default.svc" if {
	dst_server == ""
	dst_name == "in-cluster"
}

server_known if server

negated(p) if startswith(p, "!")

# gobwas/glob pattern syntax Argo CD compiles; a pattern that does not compile matches nothing.
valid_glob(p) if regex.match(`^([^\[\]{}\\]|\\.|\[[^\]]+\]|\{[^{}]*\})*$`, p)

# Argo CD matches destinations without separators: `*` spans dots and slashes. (An empty
# delimiter list means `.` to glob.match, so pass one that never occurs.)
plain_match(p, s) if p == "*"

plain_match(p, s) if {
	p != "*"
	valid_glob(p)
	glob.match(p, ["\u0000"], s)
}

# Argo CD's globMatch with negation: `!pattern` matches what `pattern` does not.
matches(p, s) if {
	not negated(p)
	plain_match(p, s)
}

matches(p, s) if {
	negated(p)
	not plain_match(substring(p, 1, -1), s)
}

field(item, key) := v if {
	v := object.get(item, key, "")
	is_string(v)
} else := ""

name_ok(item) if {
	dst_name != ""
	matches(field(item, "name"), dst_name)
}

namespace_ok(item) if matches(field(item, "namespace"), dst_namespace)

# Whether an entry matches the destination: "yes", "no", or "maybe" (depends on the server a
# cluster name resolves to).
state(item) := "no" if {
	not namespace_ok(item)
} else := "yes" if {
	name_ok(item)
} else := "yes" if {
	server_known
	matches(field(item, "server"), server)
} else := "no" if {
	server_known
} else := "no" if {
	field(item, "server") == ""
} else := "maybe"

# An entry that does not match and is negated where the destination fails it rejects the
# destination (Argo CD's isDestinationMatched). Only fields the Application sets count.
rejects(item) := "namespace" if {
	state(item) == "no"
	negated(field(item, "namespace"))
	not namespace_ok(item)
} else := "name" if {
	state(item) == "no"
	dst_name != ""
	negated(field(item, "name"))
	not name_ok(item)
} else := "server" if {
	state(item) == "no"
	server_known
	negated(field(item, "server"))
	not matches(field(item, "server"), server)
}

rejected_by contains [i, what] if {
	some i, item in destinations
	is_object(item)
	what := rejects(item)
}

possible if {
	some item in destinations
	is_object(item)
	state(item) in {"yes", "maybe"}
}

# The cluster (not the namespace) matches a positive entry: then the namespace is the problem.
cluster_allowed if {
	some item in destinations
	is_object(item)
	not negated(field(item, "name"))
	name_ok(item)
}

cluster_allowed if {
	some item in destinations
	is_object(item)
	server_known
	not negated(field(item, "server"))
	matches(field(item, "server"), server)
}

cluster_field := "name" if dst_name != ""

cluster_field := "server" if dst_name == ""

cluster_text := sprintf("cluster `%s`", [dst_name]) if dst_name != ""

cluster_text := sprintf("server `%s`", [dst_server]) if dst_name == ""

kind_text := sprintf("Argo CD %s `%s`", [input.kind, input.metadata.name])

deny contains {"msg": msg, "path": array.concat(spec_path, ["destination", key])} if {
	checkable
	# One finding: the first entry that rejects the destination.
	first := min({pair[0] | some pair in rejected_by})
	some [i, what] in rejected_by
	i == first
	key := {"namespace": "namespace", "name": "name", "server": "server"}[what]
	value := {"namespace": dst_namespace, "name": dst_name, "server": dst_server}[what]
	msg := sprintf(
		"%s deploys to %s `%s`, which AppProject `%s` excludes with `%s` (destinations[%d])",
		[kind_text, key, value, project_name, field(destinations[i], what), i],
	)
}

deny contains {"msg": msg, "path": array.concat(spec_path, ["destination", key])} if {
	checkable
	count(rejected_by) == 0
	not possible
	cluster_allowed
	key := "namespace"
	msg := sprintf(
		"%s deploys to namespace `%s` of %s, which AppProject `%s` does not list in its destinations",
		[kind_text, dst_namespace, cluster_text, project_name],
	)
}

deny contains {"msg": msg, "path": array.concat(spec_path, ["destination", cluster_field])} if {
	checkable
	count(rejected_by) == 0
	not possible
	not cluster_allowed
	msg := sprintf(
		"%s deploys to %s, which AppProject `%s` does not list in its destinations",
		[kind_text, cluster_text, project_name],
	)
}
