# METADATA
# title: Argo CD automated sync allowed to empty the Application
# description: >-
#   By default automated sync with pruning refuses to run when the source renders no objects
#   at all, since that is almost always a mistake (a wrong path, a renamed directory, a broken
#   generator). `allowEmpty: true` lifts that safeguard: one bad commit deletes every object
#   the Application manages.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-pruning-with-allow-empty-v18
# custom:
#   id: GG-ARGO-003
#   severity: warning
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   recommended_actions: 'Remove `spec.syncPolicy.automated.allowEmpty` (or set it to false) unless the Application is meant to become empty; then delete the Application instead.'
package gitgate.argocd.application_allow_empty

import rego.v1

import data.gitgate.argocd.app_common as app

warn contains {"msg": msg, "path": app.at(["syncPolicy", "automated", "allowEmpty"])} if {
	data.gitgate.argocd.app_common.automated.allowEmpty == true
	msg := sprintf(
		"%s syncs automatically with `allowEmpty: true`: if the source renders nothing, automated sync deletes every object it manages",
		[data.gitgate.argocd.app_common.subject],
	)
}
