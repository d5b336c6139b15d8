# METADATA
# title: Argo CD automated sync without self-heal in production
# description: >-
#   Without `selfHeal: true`, automated sync only reacts to new commits: a change made in the
#   cluster by hand (`kubectl edit`, a hotfix, a drifting controller) stays until the next
#   commit, so production no longer runs what Git says. With self-heal, Argo CD reverts drift
#   as soon as it sees it.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-self-healing
# custom:
#   id: GG-ARGO-002
#   severity: warning
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   recommended_actions: 'Set `spec.syncPolicy.automated.selfHeal: true` (in an ApplicationSet, under `spec.template`).'
package gitgate.argocd.application_self_heal

import rego.v1

import data.gitgate.argocd.app_common as app

location := app.at(["syncPolicy", "automated", "selfHeal"]) if "selfHeal" in object.keys(data.gitgate.argocd.app_common.automated)

location := app.at(["syncPolicy", "automated"]) if not "selfHeal" in object.keys(data.gitgate.argocd.app_common.automated)

# (Rules of app_common are read by their full path: through the import alias regorus would
# evaluate every rule of the package. The cheap tests come first.)
warn contains {"msg": msg, "path": location} if {
	is_object(data.gitgate.argocd.app_common.automated)
	not data.gitgate.argocd.app_common.automated.selfHeal == true
	not app.templated(data.gitgate.argocd.app_common.automated.selfHeal)
	data.gitgate.argocd.app_common.production
	msg := sprintf(
		"%s syncs production automatically without `selfHeal: true`: changes made in the cluster are not reverted until the next commit",
		[data.gitgate.argocd.app_common.subject],
	)
}
