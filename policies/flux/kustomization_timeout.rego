# METADATA
# title: Flux Kustomization timeout not shorter than its interval
# description: >-
#   `spec.timeout` bounds a Kustomization's build, apply and health checks; it defaults to
#   `spec.interval`. A timeout as long as the interval or longer lets one stuck
#   reconciliation (a rollout that never becomes ready) run into the next one, so a failure
#   is reported only after a full interval or more and the retry (`retryInterval`, which
#   defaults to the interval) starts late. Flux's recommended production settings pair a
#   one-hour interval with a three-minute timeout.
# related_resources:
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#timeout
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#recommended-settings
# custom:
#   id: GG-FLUX-004
#   severity: warning
#   kinds: [kustomize.toolkit.fluxcd.io/Kustomization]
#   recommended_actions: 'Set `spec.timeout` well below `spec.interval` (e.g. `interval: 60m`, `timeout: 3m`).'
package gitgate.flux.kustomization_timeout

import rego.v1

# Evaluated for every Kustomization, so the checks are inline (every helper rule or function
# an evaluation refers to costs more than these lookups), the regexes last. Values outside
# the CRDs' duration form are GG-FLUX-002's (and `time.parse_duration_ns` fails on some of
# them); the CRDs' form is a subset of what Go parses.
warn contains {"msg": msg, "path": ["spec", "timeout"]} if {
	timeout := input.spec.timeout
	is_string(timeout)
	interval := input.spec.interval
	is_string(interval)
	startswith(input.apiVersion, "kustomize.toolkit.fluxcd.io/")
	input.kind == "Kustomization"
	regex.match(`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`, timeout)
	regex.match(`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`, interval)
	time.parse_duration_ns(timeout) >= time.parse_duration_ns(interval)
	msg := sprintf(
		"Flux Kustomization `%s` has `timeout: %s`, not shorter than `interval: %s`: a stuck apply or health check runs into the next reconciliation",
		[input.metadata.name, timeout, interval],
	)
}
