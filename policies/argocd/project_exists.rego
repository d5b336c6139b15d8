# METADATA
# title: Argo CD Application references a missing AppProject
# description: >-
#   An Argo CD Application (or the Applications an ApplicationSet template generates) names
#   its AppProject in `spec.project`. When no AppProject of that name exists, Argo CD refuses
#   to reconcile the Application ("application references project … which does not exist").
#   Only the `default` project always exists; every other project has to be in the
#   repository next to the Applications that use it.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
#   - https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#projects
# custom:
#   id: GG-ARGO-020
#   severity: error
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   recommended_actions: >-
#     Add the AppProject to the repository, or fix the name in `spec.project`.
package gitgate.argocd.project_exists

import rego.v1

import data.gitgate.lib

# Malformed input (a string where an object belongs) must not stop the rule.
obj(x) := x if {
	is_object(x)
} else := {}

# Where the Application spec is: the object's, or an ApplicationSet's template.
spec_path := ["spec"] if input.kind == "Application"

spec_path := ["spec", "template", "spec"] if input.kind == "ApplicationSet"

app_spec := obj(object.get(input, spec_path, {}))

# Argo CD puts an Application without a project into `default`.
project := p if {
	p := object.get(app_spec, "project", "")
	is_string(p)
	p != ""
} else := "default"

deny contains {"msg": msg, "path": array.concat(spec_path, ["project"])} if {
	startswith(input.apiVersion, "argoproj.io/")
	project != "default"
	not contains(project, "{{")
	not lib.exists("AppProject", project)
	msg := sprintf(
		"Argo CD %s `%s` uses AppProject `%s`, which is not in the repository: Argo CD will not sync it",
		[input.kind, input.metadata.name, project],
	)
}
