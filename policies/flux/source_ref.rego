# METADATA
# title: Flux source reference to a source defined nowhere in the repository
# description: >-
#   A Flux Kustomization's `spec.sourceRef`, a HelmRelease's `spec.chart.spec.sourceRef` or
#   `spec.chartRef`, and a HelmChart's `spec.sourceRef` name the source (GitRepository,
#   OCIRepository, Bucket, HelmRepository, HelmChart) that provides their artifact. When no
#   source of that kind and name exists, the object stays not Ready ("source not found") and
#   nothing it manages is applied; usually the name or namespace has a typo, or the source's
#   manifest was deleted or never committed. The namespace defaults to the referrer's. A
#   source created outside Git (by hand, or a bootstrap that was not committed) is also
#   reported; `flux bootstrap` commits its `flux-system` GitRepository in
#   `clusters/<cluster>/flux-system/gotk-sync.yaml`.
# related_resources:
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#source-reference
#   - https://fluxcd.io/flux/components/helm/helmreleases/#chart-template
#   - https://fluxcd.io/flux/components/helm/helmreleases/#chart-reference
#   - https://fluxcd.io/flux/components/source/helmcharts/#source-reference
# custom:
#   id: GG-FLUX-006
#   severity: warning
#   kinds:
#     - kustomize.toolkit.fluxcd.io/Kustomization
#     - helm.toolkit.fluxcd.io/HelmRelease
#     - source.toolkit.fluxcd.io/HelmChart
#   recommended_actions: >-
#     Fix the source's kind, name or namespace, or commit the source's manifest; a source
#     created outside Git can be left as is.
package gitgate.flux.source_ref

import rego.v1

# Evaluated for every Kustomization, HelmRelease and HelmChart, so the checks are inline:
# every helper rule (and every `lib` rule, `lib.index` included) an evaluation refers to costs
# more than these lookups. The index is read as `data.gitgate.index`/`data.gitgate.objects`,
# which `lib.index`/`lib.objects` stand for (tests set them there).

# [reference, path of its name] for each reference the object makes.
refs contains [input.spec.sourceRef, ["spec", "sourceRef", "name"]] if {
	input.kind == "Kustomization"
	startswith(input.apiVersion, "kustomize.toolkit.fluxcd.io/")
}

refs contains [input.spec.chart.spec.sourceRef, ["spec", "chart", "spec", "sourceRef", "name"]] if {
	input.kind == "HelmRelease"
	startswith(input.apiVersion, "helm.toolkit.fluxcd.io/")
	object.get(input.spec.chart, "kind", "HelmChart") == "HelmChart"
}

refs contains [input.spec.chartRef, ["spec", "chartRef", "name"]] if {
	input.kind == "HelmRelease"
	startswith(input.apiVersion, "helm.toolkit.fluxcd.io/")
}

# A HelmChart's source is always in its own namespace.
refs contains [object.remove(input.spec.sourceRef, ["namespace"]), ["spec", "sourceRef", "name"]] if {
	input.kind == "HelmChart"
	startswith(input.apiVersion, "source.toolkit.fluxcd.io/")
}

# A source in the namespace, or without one (it gets its namespace when applied); when the
# namespace is not known either, anywhere.
defined(kind, "", name) if {
	some ns
	some i in data.gitgate.index[kind][ns][name]
	startswith(data.gitgate.objects[i].object.apiVersion, "source.toolkit.fluxcd.io/")
}

defined(kind, namespace, name) if {
	namespace != ""
	some ns in {namespace, ""}
	some i in data.gitgate.index[kind][ns][name]
	startswith(data.gitgate.objects[i].object.apiVersion, "source.toolkit.fluxcd.io/")
}

warn contains {"msg": msg, "path": path} if {
	some [ref, path] in refs
	# Kinds whose absence is reported; others (ExternalArtifact, made by third-party
	# controllers) are not.
	ref.kind in {"GitRepository", "OCIRepository", "Bucket", "HelmRepository", "HelmChart"}
	is_string(ref.name)
	not contains(ref.name, "${")
	namespace := object.get(ref, "namespace", object.get(input.metadata, "namespace", ""))
	not defined(ref.kind, namespace, ref.name)
	msg := sprintf(
		"%s `%s` refers to %s `%s`, which is not defined anywhere in the repository",
		[input.kind, input.metadata.name, ref.kind, qualified(namespace, ref.name)],
	)
}

qualified("", name) := name

qualified(namespace, name) := sprintf("%s/%s", [namespace, name]) if namespace != ""
