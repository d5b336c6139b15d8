# METADATA
# title: Flux Kustomization without pruning
# description: >-
#   A Flux Kustomization (kustomize.toolkit.fluxcd.io) that does not set `spec.prune: true`
#   leaves every object removed from Git running in the cluster: deleting a manifest does
#   not delete what it created, and the cluster drifts from the repository.
# custom:
#   id: GG-FLUX-001
#   severity: warning
#   kinds: [kustomize.toolkit.fluxcd.io/Kustomization]
#   recommended_actions: 'Set `spec.prune: true` on the Kustomization.'
#   references:
#     - https://fluxcd.io/flux/components/kustomize/kustomizations/#prune
package gitgate.flux.kustomization_prune

import rego.v1

is_flux_kustomization if {
	startswith(input.apiVersion, "kustomize.toolkit.fluxcd.io/")
	input.kind == "Kustomization"
}

has_prune if "prune" in object.keys(input.spec)

# Point at `prune` when it is written (and not true), else at `spec`.
location := ["spec", "prune"] if has_prune

location := ["spec"] if not has_prune

deny contains {"msg": msg, "path": location} if {
	is_flux_kustomization
	not input.spec.prune == true
	msg := sprintf(
		"Flux Kustomization `%s` does not set `spec.prune: true`: objects removed from Git stay in the cluster",
		[input.metadata.name],
	)
}
