package gitgate.argocd.app_common_test

import rego.v1

import data.gitgate.argocd.app_common as app

appset(template) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "ApplicationSet",
	"metadata": {"name": "web"},
	"spec": {"generators": [], "template": template},
}

test_conventional_tokens if {
	app.conventional("apps/web/overlays/production") == "production"
	app.conventional("eu-prd-1") == "production"
	app.conventional("web_stg") == "staging"
	not app.conventional("products")
	not app.conventional("{{.prod}}")
}

test_template_expressions_removed if {
	app.conventional("{{.path.basename}}-live") == "production"
}

test_application_paths if {
	obj := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "a"}, "spec": {}}
	app.spec_path == ["spec"] with input as obj
	app.metadata_path == ["metadata"] with input as obj
}

test_appset_paths if {
	obj := appset({"metadata": {"name": "x"}, "spec": {"project": "p"}})
	app.spec_path == ["spec", "template", "spec"] with input as obj
	app.spec == {"project": "p"} with input as obj
	app.at(["project"]) == ["spec", "template", "spec", "project"] with input as obj
}

test_appset_without_template_is_not_checked if {
	not app.spec_path with input as {"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet", "metadata": {"name": "x"}, "spec": {"templatePatch": "x"}}
}

test_other_kind_not_checked if {
	not app.spec_path with input as {"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject", "metadata": {"name": "x"}, "spec": {}}
}

test_template_destination_names_production if {
	app.production with input as appset({"metadata": {"name": "{{.name}}"}, "spec": {"destination": {"name": "prod-eu"}}})
		with data.gitgate.lib.environment as null
}

test_first_template_field_decides if {
	not app.production with input as appset({"metadata": {"name": "web-prod"}, "spec": {"destination": {"name": "staging"}}})
		with data.gitgate.lib.environment as null
}

test_source_paths_name_production if {
	app.production with input as appset({"metadata": {"name": "{{.name}}"}, "spec": {"sources": [{"path": "apps/{{.name}}/overlays/production"}]}})
		with data.gitgate.lib.environment as null
}

test_application_uses_context_only if {
	obj := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "web-prod"}, "spec": {}}
	not app.production with input as obj with data.gitgate.lib.environment as "staging"
}

test_sync_option if {
	app.sync_option({"syncPolicy": {"syncOptions": ["CreateNamespace=true"]}}, "CreateNamespace")
	not app.sync_option({"syncPolicy": {"syncOptions": ["createnamespace=true"]}}, "CreateNamespace")
	not app.sync_option({"syncPolicy": {"syncOptions": ["CreateNamespace=false"]}}, "CreateNamespace")
	not app.sync_option({}, "CreateNamespace")
}
