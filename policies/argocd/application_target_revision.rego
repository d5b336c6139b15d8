# METADATA
# title: Argo CD production Application follows a branch
# description: >-
#   A production Application whose `targetRevision` is `HEAD`, empty or a branch name deploys
#   whatever is pushed to that branch next: a merge goes to production unreviewed by the
#   promotion process, and Git history alone cannot say which revision runs. A tag (`v1.2.3`)
#   or a commit SHA pins what production runs and makes a promotion an explicit change. For a
#   Helm chart source `targetRevision` is the chart version: a range or `*` picks up new
#   chart releases by itself. Each source of a multi-source Application is checked.
#   Parameters: `argocd-production-revision` `pinned` (default: tag or commit), `commit`
#   (commit SHA only), `any` (off); `argocd-tag-pattern`, a regular expression for tags that
#   are not semver-like.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/tracking_strategies/
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/multiple_sources/
# custom:
#   id: GG-ARGO-005
#   severity: warning
#   kinds: [argoproj.io/Application, argoproj.io/ApplicationSet]
#   recommended_actions: 'Set `targetRevision` to a release tag (`v1.4.2`) or a commit SHA for production; for a Helm chart, an exact chart version (`1.4.2`).'
package gitgate.argocd.application_target_revision

import rego.v1

import data.gitgate.argocd.app_common as app
import data.gitgate.lib

mode := lib.param("argocd-production-revision", "pinned")

tag_pattern := lib.param("argocd-tag-pattern", "")

# The sources Argo CD uses: `sources` when set, else `source`; `label` names it in messages.
sources contains {"path": app.at(["source"]), "source": app.spec.source, "label": ""} if {
	is_object(app.spec.source)
	count(object.get(app.spec, "sources", [])) == 0
}

sources contains {"path": app.at(["sources", i]), "source": s, "label": sprintf(" (source %d)", [i])} if {
	some i, s in app.spec.sources
	is_object(s)
}

revision(s) := s.targetRevision if is_string(s.targetRevision)

revision(s) := sprintf("%v", [s.targetRevision]) if is_number(s.targetRevision)

revision(s) := "" if not "targetRevision" in object.keys(s)

revision(s) := "" if s.targetRevision == null

location(src) := array.concat(src.path, ["targetRevision"]) if "targetRevision" in object.keys(src.source)

location(src) := src.path if not "targetRevision" in object.keys(src.source)

commit(rev) if regex.match(`^[0-9a-fA-F]{7,40}$`, rev)

# An OCI digest is as immutable as a commit.
commit(rev) if regex.match(`^sha256:[0-9a-f]{64}$`, rev)

tag(rev) if regex.match(`^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$`, rev)

tag(rev) if startswith(rev, "refs/tags/")

tag(rev) if {
	tag_pattern != ""
	regex.match(tag_pattern, rev)
}

# An exact chart version (`1.2.3`, `v1.2.3-rc.1`); anything else is a range.
chart_version(rev) if regex.match(`^v?[0-9]+(\.[0-9]+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`, rev)

# A Helm chart source: `targetRevision` is the chart version.
chart(s) if {
	is_string(s.chart)
	s.chart != ""
}

advice(s) := "pin an exact chart version" if chart(s)

advice(s) := "pin a commit SHA" if {
	not chart(s)
	mode == "commit"
}

advice(s) := "pin a tag or a commit SHA" if {
	not chart(s)
	mode != "commit"
}

# Why a revision is not pinned.
unpinned(s, rev) := "no chart version (the newest chart release)" if {
	chart(s)
	rev == ""
}

unpinned(s, rev) := sprintf("the chart version range `%s`", [rev]) if {
	chart(s)
	rev != ""
	not chart_version(rev)
}

unpinned(s, rev) := "no `targetRevision` (the default branch's `HEAD`)" if {
	not chart(s)
	rev == ""
}

unpinned(s, rev) := "`HEAD`" if {
	not chart(s)
	rev == "HEAD"
}

unpinned(s, rev) := sprintf("`%s`, a branch", [rev]) if {
	not chart(s)
	not rev in {"", "HEAD"}
	not commit(rev)
	not tag(rev)
}

unpinned(s, rev) := sprintf("the tag `%s` (`argocd-production-revision: commit` asks for a commit SHA)", [rev]) if {
	not chart(s)
	mode == "commit"
	not commit(rev)
	tag(rev)
}

warn contains {"msg": msg, "path": location(src)} if {
	mode != "any"
	app.production
	some src in sources
	rev := revision(src.source)
	not app.templated(rev)
	not app.templated(object.get(src.source, "chart", ""))
	why := unpinned(src.source, rev)
	msg := sprintf(
		"%s deploys production from %s%s: %s so that what runs only changes with a reviewed commit",
		[app.subject, why, src.label, advice(src.source)],
	)
}
