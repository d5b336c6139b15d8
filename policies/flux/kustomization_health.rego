# METADATA
# title: Production Flux Kustomization without health checks
# description: >-
#   Without `spec.wait: true` or `spec.healthChecks`, a Flux Kustomization is Ready as soon
#   as the API server accepts its objects: a Deployment that never rolls out, a crash-looping
#   pod or a failed HelmRelease still count as a successful reconciliation, Kustomizations
#   that `dependsOn` it start at once, and notifications report success. In production,
#   wait for the applied objects to become ready. The `flux-system/flux-system` Kustomization
#   that `flux bootstrap` generates (it applies Flux itself and the other Kustomizations,
#   which report their own health) is not reported.
# related_resources:
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#wait
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#health-checks
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#recommended-settings
# custom:
#   id: GG-FLUX-005
#   severity: warning
#   kinds: [kustomize.toolkit.fluxcd.io/Kustomization]
#   recommended_actions: 'Set `spec.wait: true` (health-checks every applied object, with `spec.timeout`), or list the objects that matter in `spec.healthChecks`.'
package gitgate.flux.kustomization_health

import rego.v1

import data.gitgate.lib

waits if input.spec.wait == true

waits if count(object.get(input.spec, "healthChecks", [])) > 0

# At `wait` when it is written (false), else at `spec`.
location := ["spec", "wait"] if "wait" in object.keys(input.spec)

location := ["spec"] if not "wait" in object.keys(input.spec)

bootstrap if {
	input.metadata.name == "flux-system"
	input.metadata.namespace == "flux-system"
}

warn contains {"msg": msg, "path": location} if {
	startswith(input.apiVersion, "kustomize.toolkit.fluxcd.io/")
	input.kind == "Kustomization"
	# Cheap pre-check first: most Kustomizations wait, and the context (`lib.production`)
	# is costly.
	not input.spec.wait == true
	lib.production
	not bootstrap
	not waits
	msg := sprintf(
		"production Flux Kustomization `%s` neither sets `wait: true` nor lists `healthChecks`: it reports Ready before what it applies is running",
		[input.metadata.name],
	)
}
