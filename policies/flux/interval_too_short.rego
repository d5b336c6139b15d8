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

# Evaluated for every Flux object with an interval, so the checks are inline, cheapest first:
# every helper rule an evaluation refers to costs more than these lookups, and the regex is
# the costliest check.
warn contains {"msg": msg, "path": path} if {
	some path in [["spec", "interval"], ["spec", "chart", "spec", "interval"]]
	value := object.get(input, path, null)
	is_string(value)
	parts := split(input.apiVersion, "/")
	count(parts) == 2
	input.kind in {
		"kustomize.toolkit.fluxcd.io": {"Kustomization"},
		"helm.toolkit.fluxcd.io": {"HelmRelease"},
		"source.toolkit.fluxcd.io": {"GitRepository", "OCIRepository", "Bucket", "HelmRepository", "HelmChart"},
	}[parts[0]]
	# An OCI HelmRepository is a static data container: its interval is ignored.
	[input.kind, object.get(input, ["spec", "type"], null)] != ["HelmRepository", "oci"]
	# Only values in the CRDs' duration form are compared (GG-FLUX-002 reports the others).
	regex.match(`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`, value)
	minimum := lib.param("flux-min-interval", "1m")
	time.parse_duration_ns(value) < minimum_ns(minimum)
	msg := sprintf(
		"%s `%s` reconciles every `%s`, more often than the minimum `%s` (policy parameter `flux-min-interval`)",
		[input.kind, input.metadata.name, value, minimum],
	)
}

# The minimum in nanoseconds: the default without a regex; another value only in the CRDs'
# duration form (`time.parse_duration_ns` fails on anything Go cannot parse, and the CRDs'
# form is a subset of what Go parses).
minimum_ns(minimum) := 60000000000 if {
	minimum == "1m"
} else := time.parse_duration_ns(minimum) if {
	is_string(minimum)
	regex.match(`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`, minimum)
}
