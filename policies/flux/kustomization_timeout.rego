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

import data.gitgate.lib

# Values outside the CRDs' duration form are GG-FLUX-002's (and `lib.duration_ns` fails on them).
duration_ns(s) := lib.duration_ns(s) if {
	is_string(s)
	regex.match(`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`, s)
}

warn contains {"msg": msg, "path": ["spec", "timeout"]} if {
	startswith(input.apiVersion, "kustomize.toolkit.fluxcd.io/")
	input.kind == "Kustomization"
	duration_ns(input.spec.timeout) >= duration_ns(input.spec.interval)
	msg := sprintf(
		"Flux Kustomization `%s` has `timeout: %s`, not shorter than `interval: %s`: a stuck apply or health check runs into the next reconciliation",
		[input.metadata.name, input.spec.timeout, input.spec.interval],
	)
}
