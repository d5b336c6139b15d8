# METADATA
# title: Flux dependsOn naming an object defined nowhere in the repository
# description: >-
#   A Flux Kustomization waits for every Kustomization in its `spec.dependsOn` to be Ready,
#   and a HelmRelease for every HelmRelease in its `spec.dependsOn` (the namespace defaults to
#   the dependant's). When the dependency does not exist, the dependant is never applied: it
#   retries forever with "dependency not found". Usually the name has a typo, or the
#   dependency was renamed or deleted.
# related_resources:
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies
#   - https://fluxcd.io/flux/components/helm/helmreleases/#dependencies
# custom:
#   id: GG-FLUX-007
#   severity: warning
#   kinds:
#     - kustomize.toolkit.fluxcd.io/Kustomization
#     - helm.toolkit.fluxcd.io/HelmRelease
#   recommended_actions: >-
#     Fix the dependency's name or namespace, commit its manifest, or remove the entry.
package gitgate.flux.depends_on_missing

import rego.v1

import data.gitgate.lib

groups := {"Kustomization": "kustomize.toolkit.fluxcd.io/", "HelmRelease": "helm.toolkit.fluxcd.io/"}

is_flux if startswith(input.apiVersion, groups[input.kind])

own_namespace := object.get(input.metadata, "namespace", "")

same_group(entry) if startswith(entry.object.apiVersion, groups[input.kind])

# In the namespace, or without one (it gets its namespace when applied); when the namespace
# is not known either, anywhere.
defined("", name) if {
	some entry in lib.named(input.kind, name)
	same_group(entry)
}

defined(namespace, name) if {
	namespace != ""
	some ns in {namespace, ""}
	some entry in lib.named_in(input.kind, ns, name)
	same_group(entry)
}

warn contains {"msg": msg, "path": ["spec", "dependsOn", i, "name"]} if {
	is_flux
	some i, dep in object.get(input.spec, "dependsOn", [])
	is_string(dep.name)
	not contains(dep.name, "${")
	namespace := object.get(dep, "namespace", own_namespace)
	not defined(namespace, dep.name)
	msg := sprintf(
		"Flux %s `%s` depends on %s `%s`, which is not defined anywhere in the repository: it is never applied",
		[input.kind, input.metadata.name, input.kind, qualified(namespace, dep.name)],
	)
}

qualified("", name) := name

qualified(namespace, name) := sprintf("%s/%s", [namespace, name]) if namespace != ""
