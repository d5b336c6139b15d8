# METADATA
# title: Flux reconciliation interval shorter than the minimum
# description: >-
#   Every reconciliation of a Flux Kustomization or HelmRelease runs a build, a server-side
#   dry-run apply or a Helm diff, and every reconciliation of a source fetches from Git, an
#   OCI registry, a bucket or a Helm repository. An interval under a minute multiplies the
#   load on the controllers, the API server and the remote (Git hosts and registries rate-limit)
#   without delivering changes sooner: a push is picked up by a webhook receiver or a
#   source's own change event, not by the interval. Flux recommends at least 60 seconds.
# related_resources:
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#interval
#   - https://fluxcd.io/flux/components/helm/helmreleases/#interval
#   - https://fluxcd.io/flux/components/source/gitrepositories/#interval
#   - https://fluxcd.io/flux/guides/webhook-receivers/
# custom:
#   id: GG-FLUX-003
#   severity: warning
#   kinds:
#     - kustomize.toolkit.fluxcd.io/Kustomization
#     - helm.toolkit.fluxcd.io/HelmRelease
#     - source.toolkit.fluxcd.io/GitRepository
#     - source.toolkit.fluxcd.io/OCIRepository
#     - source.toolkit.fluxcd.io/Bucket
#     - source.toolkit.fluxcd.io/HelmRepository
#     - source.toolkit.fluxcd.io/HelmChart
#   recommended_actions: >-
#     Use an interval of at least the minimum (`flux-min-interval`, default `1m`); for faster
#     delivery, set up a webhook Receiver instead of polling more often.
package gitgate.flux.interval_too_short

import rego.v1

import data.gitgate.lib

kinds := {
	"kustomize.toolkit.fluxcd.io": {"Kustomization"},
	"helm.toolkit.fluxcd.io": {"HelmRelease"},
	"source.toolkit.fluxcd.io": {"GitRepository", "OCIRepository", "Bucket", "HelmRepository", "HelmChart"},
}

is_flux if {
	parts := split(input.apiVersion, "/")
	count(parts) == 2
	input.kind in kinds[parts[0]]
}

# An OCI HelmRepository is a static data container: its interval is ignored.
ignores_interval if {
	input.kind == "HelmRepository"
	input.spec.type == "oci"
}

# Only values in the CRDs' duration form are compared (GG-FLUX-002 reports the others;
# `gitgate.lib.duration_ns` fails on anything Go cannot parse).
duration_ns(s) := lib.duration_ns(s) if {
	is_string(s)
	regex.match(`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`, s)
}

minimum := lib.param("flux-min-interval", "1m")

minimum_ns := duration_ns(minimum)

warn contains {"msg": msg, "path": path} if {
	is_flux
	not ignores_interval
	some path in [["spec", "interval"], ["spec", "chart", "spec", "interval"]]
	value := object.get(input, path, null)
	duration_ns(value) < minimum_ns
	msg := sprintf(
		"%s `%s` reconciles every `%s`, more often than the minimum `%s` (policy parameter `flux-min-interval`)",
		[input.kind, input.metadata.name, value, minimum],
	)
}
