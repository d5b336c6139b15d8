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

source_repos := [r | some r in arr(object.get(project, ["spec", "sourceRepos"], [])); is_string(r)]

# Every repoURL the Application uses, with its path (relative to the spec).
repo_urls contains [["source", "repoURL"], url] if url := app_spec.source.repoURL

repo_urls contains [["sources", i, "repoURL"], url] if {
	some i, s in arr(object.get(app_spec, "sources", []))
	url := s.repoURL
}

repo_urls contains [["sourceHydrator", "drySource", "repoURL"], url] if {
	url := app_spec.sourceHydrator.drySource.repoURL
}

# Argo CD's git.NormalizeGitURL: lower case, `git@host:path` → `git@host/path`, no `.git`
# suffix, no `ssh://` prefix.
normalize(url) := n if {
	u := lower(trim_space(url))
	n := trim_prefix(trim_suffix(scp_to_ssh(u), ".git"), "ssh://")
}

scp_to_ssh(u) := u if not regex.match(`^(ssh://)?[^/:]*?@[^@]+$`, u)

scp_to_ssh(u) := u if {
	regex.match(`^(ssh://)?[^/:]*?@[^@]+$`, u)
	startswith(u, "ssh://")
}

scp_to_ssh(u) := concat("", ["ssh://", replaced]) if {
	regex.match(`^(ssh://)?[^/:]*?@[^@]+$`, u)
	not startswith(u, "ssh://")
	i := indexof(u, ":")
	replaced := concat("", [substring(u, 0, i), "/", substring(u, i + 1, -1)])
}

scp_to_ssh(u) := concat("", ["ssh://", u]) if {
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
rejected_by(url) := [r |
	some r in source_repos
	negated(r)
	plain_match(normalize(substring(r, 1, -1)), normalize(url))
]

permitted(url) if {
	count(rejected_by(url)) == 0
	some r in source_repos
	not negated(r)
	plain_match(normalize(r), normalize(url))
}

permitted(url) if {
	count(rejected_by(url)) == 0
	some r in source_repos
	negated(r)
}

checkable if {
	startswith(input.apiVersion, "argoproj.io/")
	is_object(project)
	not contains(project_name, "{{")
}

deny contains {"msg": msg, "path": array.concat(spec_path, path)} if {
	checkable
	some [path, url] in repo_urls
	is_string(url)
	url != ""
	not contains(url, "{{")
	not permitted(url)
	msg := reason(url)
}

# The URL as shown: without credentials a user may have put in it (`https://user:token@…`).
shown(url) := regex.replace(url, `^(?i)(https?://)[^/@]*@`, "${1}")

reason(url) := sprintf(
	"Argo CD %s `%s` uses repository `%s`, which AppProject `%s` excludes with `%s`",
	[input.kind, input.metadata.name, shown(url), project_name, shown(rejected_by(url)[0])],
) if count(rejected_by(url)) > 0

reason(url) := sprintf(
	"Argo CD %s `%s` uses repository `%s`, which AppProject `%s` does not list in its sourceRepos",
	[input.kind, input.metadata.name, shown(url), project_name],
) if count(rejected_by(url)) == 0
