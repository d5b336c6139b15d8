# METADATA
# title: Production Argo CD AppProject with wildcard permissions
# description: >-
#   An AppProject is the boundary around what its Applications may do. In production, a
#   wildcard `*` in `sourceRepos` lets them deploy from any repository, a destination with
#   `server`, `name` or `namespace` `*` lets them deploy to any cluster or into any namespace
#   (including `kube-system` and Argo CD's own), and `clusterResourceWhitelist` with
#   `{group: '*', kind: '*'}` lets them create any cluster-scoped object (ClusterRoleBindings,
#   webhooks, CRDs). That is the `default` project's permissiveness, which the Argo CD docs
#   recommend replacing with explicit permissions. A project is production by its context
#   (file path, configured environments) or a `prod`/`production`/`prd`/`live` token in its name.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#the-default-project
#   - https://argo-cd.readthedocs.io/en/stable/operator-manual/project-specification/
# custom:
#   id: GG-ARGO-024
#   severity: warning
#   kinds: [argoproj.io/AppProject]
#   tags: [security]
#   recommended_actions: >-
#     List the repositories, clusters, namespaces and cluster-scoped kinds the project's
#     Applications need instead of `*`.
package gitgate.argocd.project_wildcards

import rego.v1

import data.gitgate.lib

# Malformed input (a string where a list belongs) must not stop the rule.
arr(x) := x if {
	is_array(x)
} else := []

env_known if is_string(lib.environment)

production if lib.production

production if {
	not env_known
	is_string(input.metadata.name)
	some token in regex.split(`[-_.]`, lower(input.metadata.name))
	token in {"production", "prod", "prd", "live"}
}

applies if {
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "AppProject"
	production
}

wildcard(v) if v in {"*", "**"}

name := input.metadata.name

warn contains {"msg": msg, "path": ["spec", "sourceRepos", i]} if {
	applies
	some i, repo in arr(object.get(input, ["spec", "sourceRepos"], []))
	wildcard(repo)
	msg := sprintf(
		"production AppProject `%s` allows every source repository (`sourceRepos` entry `%s`)",
		[name, repo],
	)
}

what := {
	"server": "any cluster",
	"name": "any cluster",
	"namespace": "any namespace",
}

warn contains {"msg": msg, "path": ["spec", "destinations", i, key]} if {
	applies
	some i, dest in arr(object.get(input, ["spec", "destinations"], []))
	is_object(dest)
	some key in ["server", "name", "namespace"]
	wildcard(object.get(dest, key, ""))
	msg := sprintf(
		"production AppProject `%s` lets its Applications deploy to %s (destinations[%d] `%s: *`)",
		[name, what[key], i, key],
	)
}

warn contains {"msg": msg, "path": ["spec", "clusterResourceWhitelist", i]} if {
	applies
	some i, item in arr(object.get(input, ["spec", "clusterResourceWhitelist"], []))
	is_object(item)
	wildcard(object.get(item, "group", ""))
	wildcard(object.get(item, "kind", ""))
	object.get(item, "name", "") in {"", "*", "**"}
	msg := sprintf(
		"production AppProject `%s` lets its Applications create every cluster-scoped kind (`clusterResourceWhitelist` `{group: '*', kind: '*'}`)",
		[name],
	)
}
