# METADATA
# title: Argo CD automated sync without retries
# description: >-
#   Automated sync attempts each revision once: when that sync fails (a webhook not ready yet,
#   a CRD applied in the same sync, an API server hiccup) the Application stays failed until
#   the next commit or a manual sync. `syncPolicy.retry` with a `limit` and a `backoff`
#   retries the failed sync with increasing delays.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/
# custom:
#   id: GG-ARGO-004
#   severity: note
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   recommended_actions: 'Add `spec.syncPolicy.retry` with `limit` (e.g. 5; negative for unlimited) and `backoff` (`duration: 5s`, `factor: 2`, `maxDuration: 3m`).'
package gitgate.argocd.application_retry

import rego.v1

import data.gitgate.argocd.app_common as app

# (Rules of app_common are read by their full path: through the import alias regorus would
# evaluate every rule of the package.)

# What is missing, and where it goes (`retry`: `syncPolicy.retry`, null when not set).
problem(retry) := {"what": "no `syncPolicy.retry`", "path": app.at(["syncPolicy"])} if {
	not is_object(retry)
	not app.templated(retry)
} else := {"what": "`syncPolicy.retry` without `limit`", "path": app.at(["syncPolicy", "retry"])} if {
	is_object(retry)
	not "limit" in object.keys(retry)
} else := {"what": "`syncPolicy.retry.limit: 0` (no retries)", "path": app.at(["syncPolicy", "retry", "limit"])} if {
	retry.limit == 0
} else := {"what": "`syncPolicy.retry` without `backoff`", "path": app.at(["syncPolicy", "retry"])} if {
	is_object(retry)
	"limit" in object.keys(retry)
	retry.limit != 0
	not is_object(retry.backoff)
	not app.templated(retry.backoff)
}

warn contains {"msg": msg, "path": missing.path} if {
	is_object(data.gitgate.argocd.app_common.automated)
	# (the spec of an Application is an object)
	missing := problem(object.get(data.gitgate.argocd.app_common.spec, ["syncPolicy", "retry"], null))
	msg := sprintf(
		"%s syncs automatically with %s: a failed sync is not retried until the next commit",
		[data.gitgate.argocd.app_common.subject, missing.what],
	)
}
