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

# Written for speed: the rule runs on every Application, and regorus charges for every rule
# evaluation, function and builtin call, while comparisons and set operations are cheap. So
# `deny` reads the destination and the AppProject once and first settles the common case (no
# negated pattern the destination fails, an entry that permits it: the search stops there),
# matching patterns with string builtins (glob.match, and the regular expression that
# validates a glob, only for patterns that are more than a plain string or `prefix*`); the
# finding is worked out, entry by entry, only when there is one. `data.gitgate.index` /
# `objects` are read directly: a rule of another package read through its import alias
# (`lib.index`) makes regorus evaluate every rule of that package.
#
# Cheap type tests (YAML values are never sets): `"" <= v; v < []` holds for strings only (the
# types order null < boolean < number < string < array < objects and sets), `[] <= v; v < {}`
# for arrays, `{} <= v` for objects; and `"!" <= p; p < "\""` for strings that start with `!`.

deny contains finding if {
	# (`startswith(input.apiVersion, "argoproj.io/")`, for the strings an apiVersion is)
	"argoproj.io/" <= input.apiVersion
	input.apiVersion < "argoproj.io0"
	# The Application spec: the object's, or an ApplicationSet's template.
	spec := object.get(input, {"Application": ["spec"], "ApplicationSet": ["spec", "template", "spec"]}[input.kind], {})
	[name, server_field, namespace, project_name] := destination_of(spec)

	# The destination can be judged: a cluster is named, no ApplicationSet template expressions
	# (the strings joined with a separator: two must not make a `{{` between them).
	[name, server_field] != ["", ""]
	texts := concat("\n", [name, server_field, namespace, project_name])
	not contains(texts, "{{")

	# The AppProject, in the repository.
	project := project_of(
		data.gitgate.index.AppProject, data.gitgate.objects,
		object.get(input, ["metadata", "namespace"], ""), project_name,
	)
	found := object.get(project, ["spec", "destinations"], [])

	# The API server Argo CD resolves the destination to ("" when unknown). With only a `name`,
	# Argo CD looks the server up in its cluster secrets (not in the repository): unknown here,
	# except `in-cluster`.
	server := object.get({"": {"in-cluster": "https://kubernetes.default.svc"}}, [server_field, name], server_field)

	# What the entries' patterns are matched against. glob.match raises an error on a NUL: then
	# it is used for every pattern (and raises).
	d := {
		"name": name,
		"namespace": namespace,
		"server": server,
		"targets": {"namespace": namespace, "name": name, "server": server},
		"plain": contains(texts, "\u0000") == false,
		"meta": {"*": "", "?": "", "[": "", "]": "", "{": "", "}": "", "\\": "", "!": "", "\u0000": ""},
	}

	# The entries (a `destinations` that is not a list has none).
	entries := [item | [] <= found; found < {}; some item in found; {} <= item]

	# An entry that does not permit the destination and has a negated pattern the destination
	# fails rejects it (Argo CD's isDestinationMatched; only fields the Application sets count).
	# A negated pattern fails where the pattern without its `!` matches.
	suspects := [item |
		some item in entries
		some key, p in item
		"!" <= p
		p < "\""
		target := d.targets[key]
		[key == "namespace", target == ""] != [false, true]
		negation_fails(p, strings.replace_n(d.meta, p), target, d.plain)
	]
	rejecting := [item | some item in suspects; not permits(item, d)]

	# Nothing to report when no entry rejects the destination and one permits it (or may; this
	# check stops at the first entry that does). The finding is worked out anew.
	[rejecting, none_permits(entries, d)] != [[], false]

	finding := finding_of({
		"spec_path": {"Application": ["spec"], "ApplicationSet": ["spec", "template", "spec"]}[input.kind],
		"kind_text": sprintf("Argo CD %s `%s`", [input.kind, input.metadata.name]),
		"project_name": project_name,
		"name": name,
		"server": server,
		"server_field": server_field,
		"namespace": namespace,
		"found": found,
		"d": d,
	})
}

# Whether the negated pattern p (r: p without glob metacharacters and `!`) fails s: the pattern
# without its `!` matches s. (`!prefix*` and `!plain` without glob.match, when `plain`.)
negation_fails(p, r, s, plain) := true if {
	p == "!*"
} else := false if {
	plain
	concat("", ["!", r, "*"]) == p
	not startswith(s, r)
} else := hit if {
	plain
	concat("", ["!", r, "*"]) == p
	hit := contains(trim_prefix(s, r), "/") == false
} else := hit if {
	plain
	concat("", ["!", r]) == p
	hit := s == r
} else := core_matches(substring(p, 1, -1), r, s, plain)

none_permits(entries, d) := true if {
	every item in entries {
		not permits(item, d)
	}
} else := false

# Whether an entry permits the destination: it matches it (state "yes"), or may (state
# "maybe": the cluster's server is unknown, and so is whether the entry's server matches).
permits(item, d) := true if {
	u := object.union({"name": "", "namespace": "", "server": ""}, item)
	"" <= u.name
	u.name < []
	"" <= u.namespace
	u.namespace < []
	"" <= u.server
	u.server < []
	matches(u.namespace, strings.replace_n(d.meta, u.namespace), d.namespace, d.plain)
	permits_cluster(u.name, u.server, d)
} else := true if {
	# an entry with a field that is not a string (read as "")
	u := object.union({"name": "", "namespace": "", "server": ""}, item)
	["" <= u.name, u.name < [], "" <= u.namespace, u.namespace < [], "" <= u.server, u.server < []] != [true, true, true, true, true, true]
	[n, ns, s] := entry_fields(item)
	matches(ns, strings.replace_n(d.meta, ns), d.namespace, d.plain)
	permits_cluster(n, s, d)
}

permits_cluster(n, s, d) := true if {
	d.name != ""
	n == d.name
	strings.replace_n(d.meta, n) == n
	d.plain
} else := true if {
	d.name != ""
	matches(n, strings.replace_n(d.meta, n), d.name, d.plain)
} else := true if {
	d.server != ""
	matches(s, strings.replace_n(d.meta, s), d.server, d.plain)
} else := true if {
	d.server == ""
	s != ""
}

# [name, server, namespace, project] of an Application spec: "" for a missing field, undefined
# when one is not a string ("default" for a missing or non-string project).
destination_of(spec) := [n, s, ns, p] if {
	d := spec.destination
	{} <= d
	u := object.union({"name": "", "server": "", "namespace": ""}, d)
	n := u.name
	"" <= n
	n < []
	s := u.server
	"" <= s
	s < []
	ns := u.namespace
	"" <= ns
	ns < []
	p := object.get({"": "default"}, spec.project, spec.project)
	"" <= p
	p < []
} else := [n, s, ns, name_or_default(object.get(obj(spec), "project", ""))] if {
	# (a destination field that is there must be a string)
	d := obj(object.get(obj(spec), "destination", {}))
	n := object.get(d, "name", "")
	is_string(n)
	s := object.get(d, "server", "")
	is_string(s)
	ns := object.get(d, "namespace", "")
	is_string(ns)
}

# [name, namespace, server] of a destinations entry ("" for a missing or non-string field).
entry_fields(item) := [n, ns, s] if {
	u := object.union({"name": "", "namespace": "", "server": ""}, item)
	n := u.name
	"" <= n
	n < []
	ns := u.namespace
	"" <= ns
	ns < []
	s := u.server
	"" <= s
	s < []
} else := [field(item, "name"), field(item, "namespace"), field(item, "server")]

obj(x) := x if {
	is_object(x)
} else := {}

name_or_default(p) := p if {
	is_string(p)
	p != ""
} else := "default"

field(item, key) := v if {
	v := item[key]
	is_string(v)
} else := ""

# The AppProject: preferably in the Application's namespace, then in `argocd`, then anywhere.
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

# Whether pattern p matches s as Argo CD's globMatch has it (r: p without glob metacharacters
# and `!`): `!pattern` matches what `pattern` does not.
matches(p, r, s, plain) := hit if {
	plain
	r == p
	hit := p == s
} else := true if {
	p == "*"
} else := false if {
	p == "!*"
} else := true if {
	# `prefix*`
	plain
	trim_suffix(p, "*") == r
	startswith(s, r)
	not contains(trim_prefix(s, r), "/")
} else := false if {
	plain
	trim_suffix(p, "*") == r
} else := hit if {
	"!" <= p
	p < "\""
	hit := core_matches(substring(p, 1, -1), r, s, plain) == false
} else := core_matches(p, r, s, plain)

# Whether pattern p (no `!`; r: p without glob metacharacters) matches s. Argo CD matches
# destinations without separators: glob.match gets a delimiter that never occurs (an empty list
# would mean `.`), and `*` still stops at `/`, as glob.match has it. Without glob.match (when
# `plain`): a pattern without glob metacharacters matches only itself, `prefix*` what starts
# with the prefix and has no `/` after it.
core_matches(p, r, s, plain) := true if {
	p == "*"
} else := hit if {
	plain
	r == p
	hit := p == s
} else := false if {
	plain
	trim_suffix(p, "*") == r
	not startswith(s, r)
} else := hit if {
	plain
	trim_suffix(p, "*") == r
	hit := contains(trim_prefix(s, r), "/") == false
} else := glob_match(p, s)

glob_match(p, s) := true if {
	p == "*"
} else := hit if {
	valid_glob(p)
	hit := glob.match(p, ["\u0000"], s)
} else := false

# gobwas/glob pattern syntax Argo CD compiles; a pattern that does not compile matches nothing.
valid_glob(p) if regex.match(`^([^\[\]{}\\]|\\.|\[[^\]]+\]|\{[^{}]*\})*$`, p)

# The finding, worked out entry by entry (only for Applications that have one).
finding_of(f) := x if {
	entries := {i: [field(item, "name"), field(item, "namespace"), field(item, "server")] |
		[] <= f.found
		f.found < {}
		some i, item in f.found
		{} <= item
	}
	namespaces := {p | some e in entries; p := e[1]; matches(p, strings.replace_n(f.d.meta, p), f.namespace, f.d.plain)}
	names := {p | f.name != ""; some e in entries; p := e[0]; matches(p, strings.replace_n(f.d.meta, p), f.name, f.d.plain)}
	servers := {p | f.server != ""; some e in entries; p := e[2]; matches(p, strings.replace_n(f.d.meta, p), f.server, f.d.plain)}

	# Whether an entry matches the destination: "yes", "no", or "maybe" (depends on the server a
	# cluster name resolves to).
	yes := {i | some i, e in entries; e[1] in namespaces; [e[0] in names, e[2] in servers] != [false, false]}
	maybe := {i | f.server == ""; some i, e in entries; e[2] != ""; e[1] in namespaces; not e[0] in names}
	no := ({i | some i, _ in entries} - yes) - maybe

	# An entry that does not match and is negated where the destination fails it rejects the
	# destination. The first one is reported.
	rejected_namespace := {i | some i, e in entries; startswith(e[1], "!"); not e[1] in namespaces}
	rejected_name := {i |
		f.name != ""
		some i, e in entries
		startswith(e[0], "!")
		not e[0] in names
		i in no
		not i in rejected_namespace
	}
	rejected_server := {i |
		f.server != ""
		some i, e in entries
		startswith(e[2], "!")
		not e[2] in servers
		i in no
		not i in rejected_namespace
		not i in rejected_name
	}
	x := reported(f, {
		"entries": entries,
		"names": names,
		"servers": servers,
		"possible": yes | maybe != set(),
		"rejected": {"namespace": rejected_namespace, "name": rejected_name, "server": rejected_server},
	})
}

reported(f, a) := {"msg": msg, "path": array.concat(f.spec_path, ["destination", key])} if {
	first := min((a.rejected.namespace | a.rejected.name) | a.rejected.server)
	some key, ids in a.rejected
	first in ids
	value := {"namespace": f.namespace, "name": f.name, "server": f.server_field}[key]
	pattern := a.entries[first][{"name": 0, "namespace": 1, "server": 2}[key]]
	msg := sprintf(
		"%s deploys to %s `%s`, which AppProject `%s` excludes with `%s` (destinations[%d])",
		[f.kind_text, key, value, f.project_name, pattern, first],
	)
} else := {"msg": msg, "path": array.concat(f.spec_path, ["destination", "namespace"])} if {
	a.possible == false
	cluster_allowed(a)
	msg := sprintf(
		"%s deploys to namespace `%s` of %s, which AppProject `%s` does not list in its destinations",
		[f.kind_text, f.namespace, cluster_text(f), f.project_name],
	)
} else := {"msg": msg, "path": array.concat(f.spec_path, ["destination", cluster_field])} if {
	a.possible == false
	cluster_field := {true: "name", false: "server"}[f.name != ""]
	msg := sprintf(
		"%s deploys to %s, which AppProject `%s` does not list in its destinations",
		[f.kind_text, cluster_text(f), f.project_name],
	)
}

# The cluster (not the namespace) matches a positive entry: then the namespace is the problem.
cluster_allowed(a) if {
	some e in a.entries
	e[0] in a.names
	not startswith(e[0], "!")
}

cluster_allowed(a) if {
	some e in a.entries
	e[2] in a.servers
	not startswith(e[2], "!")
}

cluster_text(f) := sprintf("cluster `%s`", [f.name]) if f.name != ""

cluster_text(f) := sprintf("server `%s`", [f.server_field]) if f.name == ""
