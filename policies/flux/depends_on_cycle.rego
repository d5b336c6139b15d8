# METADATA
# title: Flux dependsOn cycle
# description: >-
#   Flux applies a Kustomization (or HelmRelease) only when everything in its
#   `spec.dependsOn` is Ready. When the dependencies form a cycle, each member waits for
#   another forever: none of them is ever applied, and each reports "dependency not ready".
#   Kustomizations and HelmReleases are checked separately, per cluster (`clusters/<name>/`),
#   with a dependency's namespace defaulting to the dependant's.
# related_resources:
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies
#   - https://fluxcd.io/flux/components/helm/helmreleases/#dependencies
# custom:
#   id: GG-FLUX-008
#   severity: error
#   scope: repo
#   kinds:
#     - kustomize.toolkit.fluxcd.io/Kustomization
#     - helm.toolkit.fluxcd.io/HelmRelease
#   recommended_actions: Remove one `dependsOn` entry of the cycle so that the dependencies form an order.
package gitgate.flux.depends_on_cycle

import rego.v1

import data.gitgate.lib

groups := {"Kustomization": "kustomize.toolkit.fluxcd.io/", "HelmRelease": "helm.toolkit.fluxcd.io/"}

# A node: kind, cluster, namespace and name. The same object rendered by several overlays is
# one node; objects of different clusters are different nodes (`clusters/a` and `clusters/b`
# often both define `flux-system/apps`).
node(kind, cluster, namespace, name) := sprintf("%s|%s|%s/%s", [kind, cluster, namespace, name])

cluster_of(entry) := c if {
	c := entry.context.cluster
	is_string(c)
} else := ""

# Node → its entries, in one pass over the index (which already groups them by kind,
# namespace and name).
indices[n] contains i if {
	some kind, prefix in groups
	some namespace, name
	some i in lib.index[kind][namespace][name]
	entry := lib.objects[i]
	startswith(entry.object.apiVersion, prefix)
	n := node(kind, cluster_of(entry), namespace, name)
}

# The entry a node is reported on: its first.
first(n) := min(indices[n])

edges := {n: {d |
	some i in ids
	entry := lib.objects[i]
	namespace := lib.namespace_of(entry.object)
	some dep in object.get(entry.object, ["spec", "dependsOn"], [])
	is_string(dep.name)
	d := node(entry.object.kind, cluster_of(entry), object.get(dep, "namespace", namespace), dep.name)
} |
	some n, ids in indices
}

# Only a node that depends on a node and is depended on can be in a cycle.
targets := {d | some ds in edges; some d in ds; edges[d]}

candidates := {n | some n in targets; some d in edges[n]; d in targets}

reach := {n: graph.reachable(edges, {n}) | some n in candidates}

# Nodes in a cycle: reachable from one of their dependencies.
cyclic := {n | some n in candidates; some d in edges[n]; n in reach[d]}

# The cycle of `n` (its strongly connected component), `n` included.
component(n) := {m | some m in cyclic; m in reach[n]; n in reach[m]}

# `namespace/name` of a node.
label(n) := split(n, "|")[2]

deny contains {"msg": msg, "object": first(n), "path": ["spec", "dependsOn"], "related": related} if {
	some n in cyclic
	cycle := component(n)
	# Report once per cycle, on the member first by namespace/name (kind and cluster are
	# the same for all).
	n == min(cycle)
	others := sort([label(m) | some m in cycle; m != n])
	related := sort([first(m) | some m in cycle; m != n])
	kind := split(n, "|")[0]
	msg := cycle_msg(kind, label(n), others)
}

cycle_msg(kind, self, []) := sprintf(
	"Flux %s `%s` depends on itself: it is never applied",
	[kind, self],
)

cycle_msg(kind, self, others) := sprintf(
	"Flux %s `%s` is in a dependsOn cycle with %s: none of them is ever applied",
	[kind, self, concat(", ", [sprintf("`%s`", [o]) | some o in others])],
) if count(others) > 0
