# METADATA
# title: Argo CD Application without the resources finalizer
# description: >-
#   Without the `resources-finalizer.argocd.argoproj.io` finalizer, deleting an Application
#   (or removing it from an app-of-apps or an ApplicationSet) deletes only the Application: every
#   object it deployed keeps running, unmanaged and invisible to Argo CD. With the finalizer,
#   Argo CD deletes the Application's objects first (cascading delete). Parameter
#   `argocd-require-finalizer` (default true) turns the rule off when orphaning is intended.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/app_deletion/#about-the-deletion-finalizer
# custom:
#   id: GG-ARGO-007
#   severity: note
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   recommended_actions: 'Add `resources-finalizer.argocd.argoproj.io` to `metadata.finalizers` (in an ApplicationSet, `spec.template.metadata.finalizers`).'
package gitgate.argocd.application_finalizer

import rego.v1

import data.gitgate.argocd.app_common as app
import data.gitgate.lib

required if not lib.param("argocd-require-finalizer", true) in {false, "false"}

accepted := {
	"resources-finalizer.argocd.argoproj.io",
	"resources-finalizer.argocd.argoproj.io/background",
	"resources-finalizer.argocd.argoproj.io/foreground",
}

# (Rules of app_common are read by their full path: through the import alias regorus would
# evaluate every rule of the package.)
has_finalizer(finalizers) := true if {
	some f in finalizers
	f in accepted
} else := true if {
	some f in finalizers
	app.templated(f)
} else := true if {
	app.templated(finalizers)
}

location := app.meta_at(["finalizers"]) if "finalizers" in object.keys(data.gitgate.argocd.app_common.metadata)

location := data.gitgate.argocd.app_common.metadata_path if not "finalizers" in object.keys(data.gitgate.argocd.app_common.metadata)

warn contains {"msg": msg, "path": location} if {
	required
	metadata := data.gitgate.argocd.app_common.metadata
	is_object(metadata)
	not has_finalizer(object.get(metadata, "finalizers", []))
	msg := sprintf(
		"%s has no `resources-finalizer.argocd.argoproj.io` finalizer: deleting it leaves the objects it deployed running",
		[data.gitgate.argocd.app_common.subject],
	)
}
