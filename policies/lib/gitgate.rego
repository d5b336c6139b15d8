# The helpers every bundled rule uses: the object's context (environment, cluster, deployer),
# policy parameters from `.gitgate.yaml`, and the index of every object in the repository.
# Tests replace any of them with `with data.gitgate.lib.<name> as …`.
package gitgate.lib

import rego.v1

# `gitgate.context()` for the object being evaluated (see policies/README.md).
context := gitgate.context()

environment := context.environment

cluster := context.cluster

deployer := context.deployer

# The object targets a production environment.
production if environment == "production"

# A parameter from `.gitgate.yaml` `policy-parameters:`, else the rule's default.
param(name, default_value) := object.get(object.get(data, ["gitgate", "params"], {}), name, default_value)

# Every object gitgate checks, each as {"object": …, "context": …}; a repo-scope rule reports
# on entry `i` with a result {"msg": …, "object": i, "path": […]}.
objects := object.get(data, ["gitgate", "objects"], [])

# kind → namespace ("" when none) → name → [entry indices], precomputed by gitgate. Tests set
# both: `with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)`.
index := object.get(data, ["gitgate", "index"], {})

index_of(objs) := {kind: _by_namespace(objs, kind) | some kind in {x.object.kind | some x in objs}}

_by_namespace(objs, kind) := {ns: _by_name(objs, kind, ns) |
	some ns in {namespace_of(x.object) | some x in objs; x.object.kind == kind}
}

_by_name(objs, kind, ns) := {name: _ids(objs, kind, ns, name) |
	some name in {x.object.metadata.name | some x in objs; x.object.kind == kind; namespace_of(x.object) == ns}
}

_ids(objs, kind, ns, name) := [i |
	some i, x in objs
	x.object.kind == kind
	namespace_of(x.object) == ns
	x.object.metadata.name == name
]

namespace_of(obj) := object.get(obj, ["metadata", "namespace"], "")

# Entries of a kind (any namespace), and of a kind and name.
of_kind(kind) := [objects[i] | some ns, name; some i in index[kind][ns][name]]

named(kind, name) := [objects[i] | some ns; some i in index[kind][ns][name]]

named_in(kind, namespace, name) := [objects[i] | some i in index[kind][namespace][name]]

# An object of this kind and name exists somewhere in the repository.
exists(kind, name) if count(named(kind, name)) > 0

# Extensions gitgate provides (Rust), for what Rego cannot do well.
# Shannon entropy of a string, in bits per character.
entropy(s) := gitgate.entropy(s)

# A valid 5-field cron expression, as Argo CD sync windows parse them (no @daily descriptors).
valid_cron(s) if gitgate.valid_cron(s)

# An IANA time zone name (`Europe/Berlin`, `UTC`).
valid_timezone(s) if gitgate.valid_timezone(s)

# A Masterminds/semver constraint as Flux ImagePolicy and Helm accept (`>=1.0.0 <2.0.0`, `~1.2`, `^1.x`).
valid_semver_range(s) if gitgate.valid_semver_range(s)

# A Go duration (`1m30s`) in nanoseconds; undefined when it does not parse (regorus raises
# an error on bad input, so the syntax is checked first).
duration_ns(s) := time.parse_duration_ns(s) if {
	is_string(s)
	regex.match(`^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`, s)
}

# Glob matching without separators (Argo CD destinations, window patterns): `*` matches any
# sequence, dots included (an empty delimiter list would mean `.` in glob.match).
glob(pattern, s) if glob.match(pattern, ["\u0000"], s)
