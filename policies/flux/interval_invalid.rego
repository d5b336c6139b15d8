# METADATA
# title: Flux interval or timeout that is not a duration
# description: >-
#   Flux reads `spec.interval`, `spec.retryInterval` and `spec.timeout` of its Kustomizations,
#   HelmReleases and sources as Go durations, and the Flux CRDs only accept the form
#   `<number><unit>…` with the units `ms`, `s`, `m` and `h` (`30s`, `10m`, `1h30m`). Any other
#   value (`1d`, `10 min`, `5`) is rejected by the API server, so the object never reaches
#   the cluster and nothing it manages is reconciled.
# related_resources:
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#interval
#   - https://fluxcd.io/flux/components/helm/helmreleases/#interval
#   - https://fluxcd.io/flux/components/source/gitrepositories/#interval
#   - https://pkg.go.dev/time#ParseDuration
# custom:
#   id: GG-FLUX-002
#   severity: error
#   kinds:
#     - kustomize.toolkit.fluxcd.io/Kustomization
#     - helm.toolkit.fluxcd.io/HelmRelease
#     - source.toolkit.fluxcd.io/GitRepository
#     - source.toolkit.fluxcd.io/OCIRepository
#     - source.toolkit.fluxcd.io/Bucket
#     - source.toolkit.fluxcd.io/HelmRepository
#     - source.toolkit.fluxcd.io/HelmChart
#   recommended_actions: 'Write the duration with a unit, e.g. `interval: 10m`, `timeout: 5m`, `retryInterval: 1m30s`.'
package gitgate.flux.interval_invalid

import rego.v1

# A missing `spec.interval` is not reported here: the CRDs that need it mark it required, and
# schema validation reports it (HelmRepository's is optional and defaults to `1m`).

# Evaluated for every Flux object with an interval, so the checks are inline (every helper
# rule or function an evaluation refers to costs more than these lookups), the regex last.
# `spec.chart.spec.interval` is the HelmRelease's chart template (the HelmChart it creates).
deny contains {"msg": msg, "path": path} if {
	parts := split(input.apiVersion, "/")
	count(parts) == 2
	input.kind in {
		"kustomize.toolkit.fluxcd.io": {"Kustomization"},
		"helm.toolkit.fluxcd.io": {"HelmRelease"},
		"source.toolkit.fluxcd.io": {"GitRepository", "OCIRepository", "Bucket", "HelmRepository", "HelmChart"},
	}[parts[0]]
	some path in [
		["spec", "interval"],
		["spec", "retryInterval"],
		["spec", "timeout"],
		["spec", "chart", "spec", "interval"],
	]
	value := object.get(input, path, null)
	# Other types (`interval: 5`) are schema errors.
	is_string(value)
	# `${var}` is replaced by Flux post-build substitution before the API server sees it.
	not contains(value, "${")
	# The CRDs' pattern for durations (a subset of what Go's time.ParseDuration accepts).
	not regex.match(`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`, value)
	msg := sprintf(
		"%s `%s`: `%s: %s` is not a duration Flux accepts (a number with a unit: `30s`, `10m`, `1h30m`)",
		[input.kind, input.metadata.name, concat(".", path), value],
	)
}
