# METADATA
# title: Argo CD Application in the default project
# description: >-
#   The `default` AppProject allows any source repository, any destination cluster and
#   namespace, and every resource kind, including cluster-scoped ones. An Application in it
#   (or with no project) is not restricted by anything: a typo in its destination or a
#   malicious change to its source can deploy anywhere Argo CD can. A dedicated AppProject
#   limits what the Application may deploy and where.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#the-default-project
# custom:
#   id: GG-ARGO-006
#   severity: warning
#   tags: [security]
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   recommended_actions: Create an AppProject with the allowed `sourceRepos`, `destinations` and resource kinds, and set `spec.project` to it.
package gitgate.argocd.application_project

import rego.v1

import data.gitgate.argocd.app_common as app

project := object.get(data.gitgate.argocd.app_common.spec, "project", "")

warn contains {"msg": msg, "path": app.at(["project"])} if {
	project == "default"
	msg := sprintf(
		"%s uses the `default` project, which allows any source, destination and resource kind",
		[data.gitgate.argocd.app_common.subject],
	)
}

warn contains {"msg": msg, "path": data.gitgate.argocd.app_common.spec_path} if {
	project in {"", null}
	msg := sprintf(
		"%s names no `project`: it falls in no AppProject's restrictions",
		[data.gitgate.argocd.app_common.subject],
	)
}
