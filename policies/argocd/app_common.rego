# Helpers shared by the Argo CD Application rules: every rule checks an `Application`'s own
# spec and the Application template of an `ApplicationSet` (`spec.template`), and reports
# paths into whichever it checks. No result rules here.
#
# ApplicationSet templates may hold template expressions (`{{.path.basename}}`): a value
# containing `{{` is unknown until the generators run, so rules do not fire on it.
# `spec.templatePatch` is not evaluated.
package gitgate.argocd.app_common

import rego.v1

import data.gitgate.lib

# An Argo CD Application, or an ApplicationSet with an Application template.
is_app(obj) if {
	startswith(obj.apiVersion, "argoproj.io/")
	obj.kind == "Application"
	is_object(obj.spec)
}

is_app(obj) if {
	startswith(obj.apiVersion, "argoproj.io/")
	obj.kind == "ApplicationSet"
	is_object(obj.spec.template.spec)
}

# Where the Application spec and metadata are in the object.
spec_path_of(obj) := ["spec"] if obj.kind == "Application"

spec_path_of(obj) := ["spec", "template", "spec"] if obj.kind == "ApplicationSet"

metadata_path_of(obj) := ["metadata"] if obj.kind == "Application"

metadata_path_of(obj) := ["spec", "template", "metadata"] if obj.kind == "ApplicationSet"

# The same for `input`: `spec` is undefined unless the input is one of them.
spec_path := spec_path_of(input) if is_app(input)

spec := object.get(input, spec_path, {})

metadata_path := metadata_path_of(input) if is_app(input)

metadata := object.get(input, metadata_path, {})

# A path below the checked spec / metadata.
at(rest) := array.concat(spec_path, rest)

meta_at(rest) := array.concat(metadata_path, rest)

# How messages name what is checked.
subject := sprintf("Argo CD Application `%s`", [input.metadata.name]) if input.kind == "Application"

subject := sprintf("the Application template of Argo CD ApplicationSet `%s`", [input.metadata.name]) if {
	input.kind == "ApplicationSet"
}

# A value an ApplicationSet generator fills in: unknown here.
templated(v) if {
	is_string(v)
	contains(v, "{{")
}

# `syncPolicy.automated` when automated sync is on (Argo CD 3.x can switch it off in place
# with `enabled: false`; a templated `enabled` is unknown, so not on).
automated_of(s) := s.syncPolicy.automated if {
	is_object(s.syncPolicy.automated)
	not s.syncPolicy.automated.enabled == false
	not templated(s.syncPolicy.automated.enabled)
}

automated := automated_of(spec)

# `syncPolicy.syncOptions` holds `Option=true` (Argo CD compares the strings exactly).
sync_option(s, option) if {
	sprintf("%s=true", [option]) in object.get(s, ["syncPolicy", "syncOptions"], [])
}

# The object is for production: its context says so, or, for an ApplicationSet, the
# template's own fields (name, project, destination, source paths) name production first.
production if lib.production

production if {
	input.kind == "ApplicationSet"
	template_environment == "production"
}

# The first environment a conventional token in the template's fields names (template
# expressions removed), in the order gitgate uses for an Application.
template_environment := [e |
	some text in template_texts
	e := conventional(text)
][0]

template_texts := array.concat(array.concat(template_fields, template_source_paths), template_name)

template_fields := [t |
	some p in [
		["spec", "destination", "name"],
		["spec", "source", "path"],
		["spec", "project"],
		["spec", "destination", "namespace"],
	]
	t := object.get(input.spec.template, p, "")
	is_string(t)
]

template_source_paths := [t |
	some s in object.get(input.spec.template, ["spec", "sources"], [])
	t := object.get(s, "path", "")
	is_string(t)
]

template_name := [t |
	t := object.get(input.spec.template, ["metadata", "name"], "")
	is_string(t)
]

# Environment tokens as gitgate's context uses them.
environment_tokens := {
	"production": "production", "prod": "production", "prd": "production", "live": "production",
	"staging": "staging", "stage": "staging", "stg": "staging", "preprod": "staging", "uat": "staging",
	"development": "development", "dev": "development", "develop": "development",
	"test": "test", "testing": "test", "qa": "test",
}

conventional(text) := [e |
	plain := regex.replace(text, `\{\{[^}]*\}\}`, " ")
	some token in regex.split(`[/\-_. ]`, plain)
	e := environment_tokens[lower(token)]
][0]
