package gitgate.argocd.project_source_repo_test

import rego.v1

import data.gitgate.argocd.project_source_repo as policy
import data.gitgate.lib

app(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web", "namespace": "argocd"},
	"spec": object.union({"project": "team-a"}, spec),
}

objs(repos) := [{"object": {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "AppProject",
	"metadata": {"name": "team-a", "namespace": "argocd"},
	"spec": {"sourceRepos": repos},
}, "context": {}}]

results(spec, repos) := rs if {
	rs := policy.deny with input as app(spec)
		with data.gitgate.objects as objs(repos)
		with data.gitgate.index as lib.index_of(objs(repos))
}

src(url) := {"source": {"repoURL": url, "path": "apps/web"}}

test_exact_repo_allowed if {
	count(results(src("https://github.com/acme/web.git"), ["https://github.com/acme/web.git"])) == 0
}

test_normalised_repo_allowed if {
	# Case, `.git` suffix and the scp-like ssh form do not matter.
	count(results(src("https://GitHub.com/Acme/Web"), ["https://github.com/acme/web.git"])) == 0
	count(results(src("git@github.com:acme/web.git"), ["ssh://git@github.com/acme/web"])) == 0
}

test_star_allows_everything if {
	count(results(src("https://gitlab.com/x/y"), ["*"])) == 0
}

test_star_stays_within_a_segment if {
	count(results(src("https://github.com/acme/web"), ["https://github.com/acme/*"])) == 0
	rs := results(src("https://github.com/acme/team/web"), ["https://github.com/acme/*"])
	count(rs) == 1
	count(results(src("https://github.com/acme/team/web"), ["https://github.com/acme/**"])) == 0
}

test_unlisted_repo_denied_at_repo_url if {
	rs := results(src("https://github.com/evil/web"), ["https://github.com/acme/*"])
	count(rs) == 1
	some r in rs
	r.path == ["spec", "source", "repoURL"]
	contains(r.msg, "does not list")
}

test_negated_repo_denied_even_with_star if {
	rs := results(src("https://github.com/acme/legacy-web"), ["!https://github.com/acme/legacy-*", "*"])
	count(rs) == 1
	some r in rs
	r.path == ["spec", "source", "repoURL"]
	contains(r.msg, "excludes with `!https://github.com/acme/legacy-*`")
}

test_negation_lets_other_repos_through if {
	count(results(src("https://github.com/acme/web"), ["!https://github.com/acme/legacy-*", "*"])) == 0
}

test_only_negations_permit_the_rest if {
	# Argo CD's code counts a negated entry that does not match as a match.
	count(results(src("https://github.com/acme/web"), ["!https://github.com/acme/legacy-*"])) == 0
}

test_multiple_sources_path if {
	rs := results(
		{"sources": [
			{"repoURL": "https://github.com/acme/web", "path": "apps/web"},
			{"repoURL": "https://charts.example.com", "chart": "redis", "targetRevision": "1.0.0"},
		]},
		["https://github.com/acme/*"],
	)
	count(rs) == 1
	some r in rs
	r.path == ["spec", "sources", 1, "repoURL"]
}

test_credentials_not_shown if {
	rs := results(src("https://user:s3cr3t@github.com/evil/web"), ["https://github.com/acme/*"])
	some r in rs
	not contains(r.msg, "s3cr3t")
	contains(r.msg, "https://github.com/evil/web")
}

test_project_not_in_repo_skipped if {
	count(policy.deny) == 0 with input as app(src("https://x/y"))
		with data.gitgate.objects as []
		with data.gitgate.index as {}
}

test_applicationset_templated_repo_skipped if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "ApplicationSet",
		"metadata": {"name": "web", "namespace": "argocd"},
		"spec": {"template": {"spec": {"project": "team-a", "source": {"repoURL": "{{.repo}}"}}}},
	}
		with data.gitgate.objects as objs(["https://github.com/acme/*"])
		with data.gitgate.index as lib.index_of(objs(["https://github.com/acme/*"]))
}

test_applicationset_template_checked if {
	rs := policy.deny with input as {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "ApplicationSet",
		"metadata": {"name": "web", "namespace": "argocd"},
		"spec": {"template": {"spec": {"project": "team-a", "source": {"repoURL": "https://github.com/evil/x"}}}},
	}
		with data.gitgate.objects as objs(["https://github.com/acme/*"])
		with data.gitgate.index as lib.index_of(objs(["https://github.com/acme/*"]))
	some r in rs
	r.path == ["spec", "template", "spec", "source", "repoURL"]
}

test_malformed_sources_do_not_fail if {
	count(results({"sources": "x"}, ["*"])) == 0
	count(results(src("https://github.com/acme/web"), "*")) == 1
}
