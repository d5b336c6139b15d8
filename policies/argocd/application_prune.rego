# METADATA
# title: Argo CD automated sync without pruning
# description: >-
#   An Argo CD Application (or an ApplicationSet's Application template) with
#   `spec.syncPolicy.automated` but without `prune: true` syncs new and changed objects
#   automatically but never deletes objects removed from Git; they keep running and the
#   Application shows OutOfSync forever.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-pruning
# custom:
#   id: GG-ARGO-001
#   severity: warning
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   recommended_actions: 'Set `spec.syncPolicy.automated.prune: true` (in an ApplicationSet, under `spec.template`), or sync manually.'
package gitgate.argocd.application_prune

import rego.v1

import data.gitgate.argocd.app_common as app

location := app.at(["syncPolicy", "automated", "prune"]) if "prune" in object.keys(data.gitgate.argocd.app_common.automated)

location := app.at(["syncPolicy", "automated"]) if not "prune" in object.keys(data.gitgate.argocd.app_common.automated)

deny contains {"msg": msg, "path": location} if {
	is_object(data.gitgate.argocd.app_common.automated)
	not data.gitgate.argocd.app_common.automated.prune == true
	not app.templated(data.gitgate.argocd.app_common.automated.prune)
	msg := sprintf(
		"%s syncs automatically without `prune: true`: objects removed from Git are never deleted",
		[data.gitgate.argocd.app_common.subject],
	)
}
