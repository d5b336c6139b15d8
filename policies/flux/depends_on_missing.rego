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

# Evaluated for every Kustomization and HelmRelease, so the checks are inline: every helper
# rule (and every `lib` rule, `lib.index` included) an evaluation refers to costs more than
# these lookups. The index is read as `data.gitgate.index`/`data.gitgate.objects`, which
# `lib.index`/`lib.objects` stand for (tests set them there).

# A dependency of the same kind and API group (`prefix`) in the namespace, or without one (it
# gets its namespace when applied); when the namespace is not known either, anywhere.
defined("", name, prefix) if {
	some ns
	some i in data.gitgate.index[input.kind][ns][name]
	startswith(data.gitgate.objects[i].object.apiVersion, prefix)
}

defined(namespace, name, prefix) if {
	namespace != ""
	some ns in {namespace, ""}
	some i in data.gitgate.index[input.kind][ns][name]
	startswith(data.gitgate.objects[i].object.apiVersion, prefix)
}

warn contains {"msg": msg, "path": ["spec", "dependsOn", i, "name"]} if {
	prefix := {"Kustomization": "kustomize.toolkit.fluxcd.io/", "HelmRelease": "helm.toolkit.fluxcd.io/"}[input.kind]
	startswith(input.apiVersion, prefix)
	some i, dep in object.get(input.spec, "dependsOn", [])
	is_string(dep.name)
	not contains(dep.name, "${")
	namespace := object.get(dep, "namespace", object.get(input.metadata, "namespace", ""))
	not defined(namespace, dep.name, prefix)
	msg := sprintf(
		"Flux %s `%s` depends on %s `%s`, which is not defined anywhere in the repository: it is never applied",
		[input.kind, input.metadata.name, input.kind, qualified(namespace, dep.name)],
	)
}

qualified("", name) := name

qualified(namespace, name) := sprintf("%s/%s", [namespace, name]) if namespace != ""
