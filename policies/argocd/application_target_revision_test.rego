package gitgate.argocd.application_target_revision_test

import rego.v1

import data.gitgate.argocd.application_target_revision as policy

app(source) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {"project": "apps", "source": source},
}

git(rev) := {"repoURL": "https://github.com/example/gitops.git", "path": "apps/web", "targetRevision": rev}

chart(version) := {"repoURL": "https://charts.example.com", "chart": "web", "targetRevision": version}

multi(sources) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {"project": "apps", "sources": sources},
}

appset(source) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "ApplicationSet",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": {
		"goTemplate": true,
		"generators": [{"git": {}}],
		"template": {
			"metadata": {"name": "web-{{.path.basename}}"},
			"spec": {"project": "apps", "source": source},
		},
	},
}

passes(obj) if {
	count(policy.warn) == 0 with input as obj with data.gitgate.lib.environment as "production"
}

warned_at(obj, path) if {
	results := policy.warn with input as obj with data.gitgate.lib.environment as "production"
	count(results) == 1
	some r in results
	r.path == path
}

test_semver_tag_passes if passes(app(git("v1.4.2")))

test_bare_semver_tag_passes if passes(app(git("1.4.2")))

test_prerelease_tag_passes if passes(app(git("v2.0.0-rc.1")))

test_refs_tags_passes if passes(app(git("refs/tags/release-2024-05")))

test_short_commit_passes if passes(app(git("3f2a9c1")))

test_full_commit_passes if passes(app(git("3f2a9c1d4e5b6a7980f1e2d3c4b5a69788796a5b")))

test_chart_exact_version_passes if passes(app(chart("15.2.0")))

test_not_production_passes if {
	count(policy.warn) == 0 with input as app(git("HEAD")) with data.gitgate.lib.environment as "staging"
}

test_head_warned if warned_at(app(git("HEAD")), ["spec", "source", "targetRevision"])

test_branch_warned if warned_at(app(git("main")), ["spec", "source", "targetRevision"])

test_absent_warned_at_source if {
	warned_at(app({"repoURL": "https://github.com/example/gitops.git", "path": "apps/web"}), ["spec", "source"])
}

test_empty_warned if warned_at(app(git("")), ["spec", "source", "targetRevision"])

test_branch_message_names_revision if {
	results := policy.warn with input as app(git("main")) with data.gitgate.lib.environment as "production"
	some r in results
	contains(r.msg, "`main`, a branch")
	contains(r.msg, "Application `web`")
}

test_chart_range_warned if warned_at(app(chart("15.*")), ["spec", "source", "targetRevision"])

test_chart_star_warned if warned_at(app(chart("*")), ["spec", "source", "targetRevision"])

test_chart_caret_warned if warned_at(app(chart("^15.2.0")), ["spec", "source", "targetRevision"])

test_chart_constraint_warned if warned_at(app(chart(">=15.0.0 <16.0.0")), ["spec", "source", "targetRevision"])

test_multi_source_each_checked if {
	obj := multi([chart("15.2.0"), object.union(git("main"), {"ref": "values"}), git("v1.0.0")])
	warned_at(obj, ["spec", "sources", 1, "targetRevision"])
}

test_multi_source_wins_over_source if {
	obj := json.patch(multi([git("v1.0.0")]), [{"op": "add", "path": "/spec/source", "value": git("HEAD")}])
	passes(obj)
}

test_commit_mode_rejects_tag if {
	results := policy.warn with input as app(git("v1.4.2"))
		with data.gitgate.lib.environment as "production"
		with data.gitgate.params as {"argocd-production-revision": "commit"}
	some r in results
	r.path == ["spec", "source", "targetRevision"]
	contains(r.msg, "commit SHA")
}

test_commit_mode_accepts_commit if {
	count(policy.warn) == 0 with input as app(git("3f2a9c1d4e5b"))
		with data.gitgate.lib.environment as "production"
		with data.gitgate.params as {"argocd-production-revision": "commit"}
}

test_commit_mode_accepts_exact_chart if {
	count(policy.warn) == 0 with input as app(chart("1.2.3"))
		with data.gitgate.lib.environment as "production"
		with data.gitgate.params as {"argocd-production-revision": "commit"}
}

test_any_mode_off if {
	count(policy.warn) == 0 with input as app(git("HEAD"))
		with data.gitgate.lib.environment as "production"
		with data.gitgate.params as {"argocd-production-revision": "any"}
}

test_tag_pattern_param if {
	count(policy.warn) == 0 with input as app(git("release-2024.05"))
		with data.gitgate.lib.environment as "production"
		with data.gitgate.params as {"argocd-tag-pattern": `^release-[0-9]{4}\.[0-9]{2}$`}
}

test_appset_branch_warned if {
	warned_at(appset(git("main")), ["spec", "template", "spec", "source", "targetRevision"])
}

test_appset_templated_revision_unknown if passes(appset(git("{{.revision}}")))

test_appset_template_names_production if {
	obj := json.patch(appset(git("HEAD")), [{"op": "replace", "path": "/spec/template/metadata/name", "value": "{{.name}}-prod"}])
	results := policy.warn with input as obj with data.gitgate.lib.environment as null
	count(results) == 1
}
