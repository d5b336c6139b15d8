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

import data.gitgate.lib

# Written for speed: the rule runs on every Application. Rules of other packages are read by
# their full path (`data.gitgate.argocd.app_common.spec`): read through an import alias
# (`app.spec`), regorus evaluates every rule of the imported package first. Non-production
# objects stop at the first test; a revision takes at most the regular expressions that decide
# it, cheapest first.

mode := lib.param("argocd-production-revision", "pinned")

tag_pattern := lib.param("argocd-tag-pattern", "")

# The object is for production (app_common's `production`: an Application's context, or for an
# ApplicationSet also the template's own fields), and its Application spec (app_common's
# `spec`; for an Application read here: an `argoproj.io/` apiVersion and an object `spec`).
warn contains w if {
	input.kind == "Application"
	data.gitgate.lib.production
	"argoproj.io/" <= input.apiVersion
	input.apiVersion < "argoproj.io0"
	spec := input.spec
	{} <= spec
	some w in unpinned(spec, ["spec"])
}

warn contains w if {
	input.kind == "ApplicationSet"
	data.gitgate.argocd.app_common.production
	some w in unpinned(data.gitgate.argocd.app_common.spec, data.gitgate.argocd.app_common.spec_path)
}

unpinned(spec, spec_path) := {{"msg": msg, "path": location} |
	mode != "any"
	some [rest, source, i] in sources(spec)
	rev := revision(source)
	not contains(rev, "{{")
	why := reason(source, rev)
	why != ""
	location := array.concat(spec_path, target_revision_path(rest, source))
	label := {true: "", false: sprintf(" (source %d)", [i])}[i == null]
	msg := sprintf(
		"%s deploys production from %s%s: %s so that what runs only changes with a reviewed commit",
		[data.gitgate.argocd.app_common.subject, why, label, advice(source)],
	)
}

# The sources Argo CD uses, as [path, source, index]: `sources` when set, else `source` (index
# null). (`{} <= v` holds for objects only: YAML values are never sets.)
sources(spec) := array.concat(
	[[["source"], spec.source, null] | {} <= spec.source; count(object.get(spec, "sources", [])) == 0],
	[[["sources", i], s, i] | some i, s in spec.sources; {} <= s],
)

# `targetRevision` as a string ("" when not set); undefined for other types.
revision(s) := v if {
	v := s.targetRevision
	"" <= v
	v < []
} else := sprintf("%v", [s.targetRevision]) if {
	is_number(s.targetRevision)
} else := "" if {
	not "targetRevision" in object.keys(s)
} else := "" if {
	s.targetRevision == null
}

target_revision_path(rest, source) := array.concat(rest, ["targetRevision"]) if {
	"targetRevision" in object.keys(source)
} else := rest

# Why a revision is not pinned ("" when it is).
reason(s, rev) := "" if {
	# A templated chart: unknown here.
	c := s.chart
	"" <= c
	c < []
	contains(c, "{{")
} else := why if {
	chart(s)
	why := chart_reason(rev)
} else := revision_reason(rev)

chart_reason("") := "no chart version (the newest chart release)"

chart_reason(rev) := "" if {
	rev != ""
	chart_version(rev)
} else := sprintf("the chart version range `%s`", [rev]) if {
	rev != ""
}

revision_reason(rev) := "no `targetRevision` (the default branch's `HEAD`)" if {
	rev == ""
} else := "`HEAD`" if {
	rev == "HEAD"
} else := "" if {
	mode != "commit"
	tag(rev)
} else := "" if {
	commit(rev)
} else := sprintf("the tag `%s` (`argocd-production-revision: commit` asks for a commit SHA)", [rev]) if {
	# (only `commit` mode gets here with a tag)
	tag(rev)
} else := sprintf("`%s`, a branch", [rev])

commit(rev) := true if {
	regex.match(`^[0-9a-fA-F]{7,40}$`, rev)
} else := true if {
	# An OCI digest is as immutable as a commit.
	startswith(rev, "sha256:")
	regex.match(`^sha256:[0-9a-f]{64}$`, rev)
}

tag(rev) := true if {
	startswith(rev, "refs/tags/")
} else := true if {
	regex.match(`^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$`, rev)
} else := true if {
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
