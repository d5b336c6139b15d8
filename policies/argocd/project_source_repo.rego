# METADATA
# title: Argo CD Application source repository not permitted by its AppProject
# description: >-
#   An AppProject lists the Git and Helm repositories its Applications may use in
#   `spec.sourceRepos`. A `repoURL` that no entry permits, or that a negated entry
#   (`!https://github.com/acme/legacy-*`) excludes, is rejected by Argo CD ("application
#   repo … is not permitted in project …") and never syncs. URLs are compared as Argo CD
#   normalises them (case, `.git` suffix, `git@host:path` form); entries are globs in which
#   `*` stays within one path segment and `**` spans segments.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#managing-projects
#   - https://argo-cd.readthedocs.io/en/stable/operator-manual/project-specification/
# custom:
#   id: GG-ARGO-022
#   severity: error
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   tags: [security]
#   recommended_actions: >-
#     Use a repository the project permits, or add it to the AppProject's `spec.sourceRepos`.
package gitgate.argocd.project_source_repo

import rego.v1

# Written for speed: the rule runs on every Application, and regorus charges for every rule
# evaluation, function and builtin call, while comparisons and set operations are cheap. `deny`
# reads the Application and the AppProject once; a repoURL the project lists as it is (a plain
# string, in a project without negated entries) is permitted without normalising anything, the
# others take Argo CD's full comparison. `data.gitgate.index` / `objects` are read directly: a
# rule of another package read through its import alias (`lib.index`) makes regorus evaluate
# every rule of that package.
#
# Cheap type tests (YAML values are never sets): `"" <= v; v < []` holds for strings only (the
# types order null < boolean < number < string < array < objects and sets), `[] <= v; v < {}`
# for arrays, `{} <= v` for objects; and `"!" <= p; p < "\""` for strings that start with `!`.

deny contains {"msg": msg, "path": array.concat(spec_path, path)} if {
	# (`startswith(input.apiVersion, "argoproj.io/")`, for the strings an apiVersion is)
	"argoproj.io/" <= input.apiVersion
	input.apiVersion < "argoproj.io0"
	# The Application spec: the object's, or an ApplicationSet's template.
	spec_path := {"Application": ["spec"], "ApplicationSet": ["spec", "template", "spec"]}[input.kind]
	spec := object.get(input, spec_path, {})
	project_name := project_name_of(spec)
	not contains(project_name, "{{")

	# The AppProject, in the repository, and the repositories it lists.
	project := project_of(
		data.gitgate.index.AppProject, data.gitgate.objects,
		object.get(input, ["metadata", "namespace"], ""), project_name,
	)
	{} <= project
	found := object.get(project, ["spec", "sourceRepos"], [])
	repos := [r | [] <= found; found < {}; some r in found; "" <= r; r < []]
	listed := {r | some r in repos}
	negated := [r | some r in repos; "!" <= r; r < "\""]

	# Every repoURL the Application uses, with its path (relative to the spec).
	some [path, url] in repo_urls(spec)
	"" <= url
	url < []
	url != ""
	not contains(url, "{{")

	# Listed as it is (no glob metacharacters, and NUL glob.match would refuse), with no negated
	# entry: permitted.
	[url in listed, negated, strings.replace_n(glob_meta, url) == url] != [true, [], true]
	not permitted(url, repos)
	msg := reason(url, repos, project_name)
}

glob_meta := {"*": "", "?": "", "[": "", "]": "", "{": "", "}": "", "\\": "", "\u0000": ""}

spec_path := ["spec"] if input.kind == "Application"

spec_path := ["spec", "template", "spec"] if input.kind == "ApplicationSet"

project_name_of(spec) := p if {
	p := spec.project
	"" <= p
	p < []
	p != ""
} else := "default"

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

repo_urls(spec) := {[["source", "repoURL"], url] | url := spec.source.repoURL} | ({[["sources", i, "repoURL"], url] |
	[] <= spec.sources
	spec.sources < {}
	some i, s in spec.sources
	url := s.repoURL
} | {[["sourceHydrator", "drySource", "repoURL"], url] | url := spec.sourceHydrator.drySource.repoURL})

# Argo CD's git.NormalizeGitURL: lower case, `git@host:path` → `git@host/path`, no `.git`
# suffix, no `ssh://` prefix.
normalize(url) := n if {
	u := lower(trim_space(url))
	n := trim_prefix(trim_suffix(scp_to_ssh(u), ".git"), "ssh://")
}

# (Without `@`, the expression cannot match.)
scp_to_ssh(u) := u if not contains(u, "@")

scp_to_ssh(u) := u if {
	contains(u, "@")
	not regex.match(`^(ssh://)?[^/:]*?@[^@]+$`, u)
}

scp_to_ssh(u) := u if {
	contains(u, "@")
	regex.match(`^(ssh://)?[^/:]*?@[^@]+$`, u)
	startswith(u, "ssh://")
}

scp_to_ssh(u) := concat("", ["ssh://", replaced]) if {
	contains(u, "@")
	regex.match(`^(ssh://)?[^/:]*?@[^@]+$`, u)
	not startswith(u, "ssh://")
	i := indexof(u, ":")
	replaced := concat("", [substring(u, 0, i), "/", substring(u, i + 1, -1)])
}

scp_to_ssh(u) := concat("", ["ssh://", u]) if {
	contains(u, "@")
	regex.match(`^(ssh://)?[^/:]*?@[^@]+$`, u)
	not startswith(u, "ssh://")
	indexof(u, ":") < 0
}

negated(p) if startswith(p, "!")

# gobwas/glob pattern syntax Argo CD compiles; a pattern that does not compile matches nothing.
valid_glob(p) if regex.match(`^([^\[\]{}\\]|\\.|\[[^\]]+\]|\{[^{}]*\})*$`, p)

# Argo CD matches repositories with `/` as separator; `*` alone matches everything.
plain_match(p, s) if p == "*"

plain_match(p, s) if {
	p != "*"
	valid_glob(p)
	glob.match(p, ["/"], s)
}

# Argo CD's IsSourcePermitted: a negated entry that matches rejects the URL; otherwise the URL
# is permitted when an entry "matches" — a positive entry matching it, or (as Argo CD's code
# has it) a negated entry not matching it.
rejected_by(url, repos) := [r |
	n := normalize(url)
	some r in repos
	negated(r)
	plain_match(normalize(substring(r, 1, -1)), n)
]

permitted(url, repos) if {
	count(rejected_by(url, repos)) == 0
	n := normalize(url)
	some r in repos
	not negated(r)
	plain_match(normalize(r), n)
}

permitted(url, repos) if {
	count(rejected_by(url, repos)) == 0
	some r in repos
	negated(r)
}

# The URL as shown: without credentials a user may have put in it (`https://user:token@…`).
shown(url) := regex.replace(url, `^(?i)(https?://)[^/@]*@`, "${1}")

reason(url, repos, project_name) := sprintf(
	"Argo CD %s `%s` uses repository `%s`, which AppProject `%s` excludes with `%s`",
	[input.kind, input.metadata.name, shown(url), project_name, shown(rejected_by(url, repos)[0])],
) if count(rejected_by(url, repos)) > 0

reason(url, repos, project_name) := sprintf(
	"Argo CD %s `%s` uses repository `%s`, which AppProject `%s` does not list in its sourceRepos",
	[input.kind, input.metadata.name, shown(url), project_name],
) if count(rejected_by(url, repos)) == 0
