# METADATA
# title: Argo CD automated sync without pruning
# description: >-
#   An Argo CD Application with `spec.syncPolicy.automated` but without `prune: true` syncs
#   new and changed objects automatically but never deletes objects removed from Git; they
#   keep running and the Application shows OutOfSync forever.
# custom:
#   id: GG-ARGO-001
#   severity: warning
#   kinds: [argoproj.io/Application]
#   recommended_actions: 'Set `spec.syncPolicy.automated.prune: true`, or sync manually.'
#   references:
#     - https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-pruning
package gitgate.argocd.application_prune

import rego.v1

automated := input.spec.syncPolicy.automated if {
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "Application"
	is_object(input.spec.syncPolicy.automated)
	# Argo CD 3.x can switch automation off in place.
	not input.spec.syncPolicy.automated.enabled == false
}

location := ["spec", "syncPolicy", "automated", "prune"] if "prune" in object.keys(automated)

location := ["spec", "syncPolicy", "automated"] if not "prune" in object.keys(automated)

deny contains {"msg": msg, "path": location} if {
	is_object(automated)
	not automated.prune == true
	msg := sprintf(
		"Argo CD Application `%s` syncs automatically without `prune: true`: objects removed from Git are never deleted",
		[input.metadata.name],
	)
}
