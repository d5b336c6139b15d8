# METADATA
# title: Argo CD destination namespace that nothing creates
# description: >-
#   An Application deploys into `spec.destination.namespace`, but that namespace is not
#   defined by any `Namespace` object in the repository and the Application does not set the
#   `CreateNamespace=true` sync option: unless someone created it by hand, the first sync
#   fails with `namespaces not found`, and a new cluster cannot be rebuilt from Git alone.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#create-namespace
# custom:
#   id: GG-ARGO-009
#   severity: warning
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   recommended_actions: 'Add `CreateNamespace=true` to `spec.syncPolicy.syncOptions`, or add a `Namespace` manifest to the repository.'
package gitgate.argocd.application_create_namespace

import rego.v1

import data.gitgate.argocd.app_common as app
import data.gitgate.lib

# Namespaces every cluster (and Argo CD's own installation) has.
existing := {"argocd", "default", "kube-system", "kube-public", "kube-node-lease"}

warn contains {"msg": msg, "path": app.at(["destination", "namespace"])} if {
	ns := data.gitgate.argocd.app_common.spec.destination.namespace
	is_string(ns)
	ns != ""
	not app.templated(ns)
	not ns in existing
	not app.sync_option(data.gitgate.argocd.app_common.spec, "CreateNamespace")
	not lib.exists("Namespace", ns)
	msg := sprintf(
		"%s deploys to namespace `%s`, which no `Namespace` manifest in the repository defines and `CreateNamespace=true` does not create",
		[data.gitgate.argocd.app_common.subject, ns],
	)
}
