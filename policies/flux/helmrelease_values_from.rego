# METADATA
# title: HelmRelease valuesFrom naming a ConfigMap or Secret defined nowhere in the repository
# description: >-
#   helm-controller reads each `spec.valuesFrom` entry from a ConfigMap or Secret in the
#   HelmRelease's namespace. When it does not exist, the release fails ("could not find
#   ConfigMap/Secret") and is neither installed nor upgraded, unless the entry says
#   `optional: true`. Usually the name or kind has a typo, or the object lives in another
#   namespace. A ConfigMap or Secret that only exists as kustomize generated it, with a name
#   hash (`<name>-<10 characters>`), is reported too: kustomize rewrites `valuesFrom` names
#   only with a `nameReference` configuration for HelmRelease, and without it the release
#   looks for the unhashed name. A Secret created outside Git (an external secrets operator,
#   a sealed secret's output) is also reported.
# related_resources:
#   - https://fluxcd.io/flux/components/helm/helmreleases/#values-references
#   - https://fluxcd.io/flux/guides/helmreleases/#refer-to-values-in-configmaps-generated-with-kustomize
# custom:
#   id: GG-FLUX-012
#   severity: warning
#   kinds: [helm.toolkit.fluxcd.io/HelmRelease]
#   recommended_actions: >-
#     Fix the entry's kind or name, commit the ConfigMap or Secret in the HelmRelease's
#     namespace, or mark the entry `optional: true` when the values may be absent. For a
#     generated one, add a kustomize `configurations:` file with a `nameReference` for
#     `spec/valuesFrom/name` of kind HelmRelease, or `disableNameSuffixHash: true`.
package gitgate.flux.helmrelease_values_from

import rego.v1

import data.gitgate.lib

own_namespace := object.get(input.metadata, "namespace", "")

core(entry) if entry.object.apiVersion == "v1"

# In the namespace, or without one (it gets its namespace when applied); when the namespace
# is not known either, anywhere.
namespaces(kind, "") := object.keys(object.get(lib.index, kind, {}))

namespaces(_, namespace) := {namespace, ""} if namespace != ""

defined(kind, namespace, name) if {
	some ns in namespaces(kind, namespace)
	some entry in lib.named_in(kind, ns, name)
	core(entry)
}

# kustomize's configMapGenerator / secretGenerator name with its content hash: the reference
# was not rewritten (no `nameReference` configuration for HelmRelease), so it is still missing
# in the cluster, but the message can say why.
generated(kind, namespace, name) if {
	some ns in namespaces(kind, namespace)
	some hashed, _ in lib.index[kind][ns]
	startswith(hashed, concat("", [name, "-"]))
	regex.match(`^[a-z0-9]{10}$`, substring(hashed, count(name) + 1, -1))
	some entry in lib.named_in(kind, ns, hashed)
	core(entry)
}

warn contains {"msg": msg, "path": ["spec", "valuesFrom", i, "name"]} if {
	startswith(input.apiVersion, "helm.toolkit.fluxcd.io/")
	input.kind == "HelmRelease"
	some i, ref in object.get(input.spec, "valuesFrom", [])
	ref.kind in {"ConfigMap", "Secret"}
	not ref.optional == true
	is_string(ref.name)
	not contains(ref.name, "${")
	not defined(ref.kind, own_namespace, ref.name)
	msg := sprintf(
		"HelmRelease `%s` takes values from %s `%s`, which %s: the release fails",
		[input.metadata.name, ref.kind, qualified(own_namespace, ref.name), why(ref.kind, ref.name)],
	)
}

why(kind, name) := "kustomize generates with a name hash, and no `nameReference` rewrites this reference" if {
	generated(kind, own_namespace, name)
} else := "is not defined anywhere in the repository"

qualified("", name) := name

qualified(namespace, name) := sprintf("%s/%s", [namespace, name]) if namespace != ""
