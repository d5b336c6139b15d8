# METADATA
# title: HelmRelease with an unpinned chart version
# description: >-
#   A HelmRelease's `spec.chart.spec.version` is a semver constraint; empty or absent means
#   `*`, the latest version. With a wildcard or a range, helm-controller upgrades the
#   release as soon as the Helm repository publishes a matching chart: an untested upgrade
#   reaches the cluster without a commit, clusters that reconcile at different times run
#   different charts, and reverting a commit does not roll back. Pin an exact version and
#   update it in Git (Flux image automation or Renovate can open the change). The policy
#   parameter `helm-chart-pinning` sets how strict this is: `exact` (default) accepts only a
#   full version, `range` also accepts ranges but not `*` or no version, `any` turns the
#   rule off. A HelmRelease using `spec.chartRef` is skipped: its OCIRepository or HelmChart
#   pins the version.
# related_resources:
#   - https://fluxcd.io/flux/components/helm/helmreleases/#chart-template
#   - https://fluxcd.io/flux/components/source/helmcharts/#version
#   - https://github.com/Masterminds/semver#checking-version-constraints
# custom:
#   id: GG-FLUX-010
#   severity: warning
#   kinds: [helm.toolkit.fluxcd.io/HelmRelease]
#   recommended_actions: 'Set `spec.chart.spec.version` to an exact chart version (`6.5.4`); for `kind: OCIRepository` charts, set `ref.tag` or `ref.digest`.'
package gitgate.flux.helmrelease_chart_version

import rego.v1

import data.gitgate.lib

mode := lib.param("helm-chart-pinning", "exact")

is_helmrelease if {
	startswith(input.apiVersion, "helm.toolkit.fluxcd.io/")
	input.kind == "HelmRelease"
}

chart_kind := object.get(input.spec, ["chart", "kind"], "HelmChart")

# MAJOR.MINOR.PATCH with an optional pre-release and build; a partial version (`6.5`) is a
# range to Helm (`6.5.x`).
exact(v) if regex.match(`^=?\s*v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`, trim_space(v))

# No constraint at all: the latest version.
anything(v) if regex.match(`^\s*([*xX](\.[*xX]){0,2})?\s*$`, v)

anything("latest") := true

acceptable(v) if {
	mode == "any"
}

acceptable(v) if {
	mode == "range"
	not anything(v)
}

acceptable(v) if {
	mode != "range"
	exact(v)
}

# `${var}` is replaced by Flux post-build substitution.
acceptable(v) if contains(v, "${")

problem(v) := "does not set a chart version (empty or absent means the latest)" if {
	trim_space(v) == ""
} else := "uses the `latest` tag" if {
	v == "latest"
} else := sprintf("uses chart version `%s`, which matches any version", [v]) if {
	anything(v)
} else := sprintf("uses chart version `%s`, a range rather than an exact version", [v])

# HelmChart template (the default kind).
warn contains {"msg": msg, "path": ["spec", "chart", "spec", "version"]} if {
	is_helmrelease
	not "chartRef" in object.keys(input.spec)
	chart_kind == "HelmChart"
	version := object.get(input.spec, ["chart", "spec", "version"], "")
	is_string(version)
	not acceptable(version)
	chart := object.get(input.spec, ["chart", "spec", "chart"], "")
	msg := sprintf(
		"HelmRelease `%s` (chart `%s`) %s: new chart releases are installed without a commit",
		[input.metadata.name, chart, problem(version)],
	)
}

# OCIRepository template: `ref.digest` or `ref.tag` pin; `ref.semver` is a constraint; no
# ref means the `latest` tag.
warn contains {"msg": msg, "path": path} if {
	is_helmrelease
	not "chartRef" in object.keys(input.spec)
	chart_kind == "OCIRepository"
	ref := object.get(input.spec, ["chart", "spec", "ref"], {})
	not ref.digest
	not pinned_tag(ref)
	[path, version] := oci_constraint(ref)
	not acceptable(version)
	url := object.get(input.spec, ["chart", "spec", "url"], "")
	msg := sprintf(
		"HelmRelease `%s` (chart `%s`) %s: new chart releases are installed without a commit",
		[input.metadata.name, url, problem(version)],
	)
}

pinned_tag(ref) if {
	is_string(ref.tag)
	not ref.semver
	not ref.tag in {"", "latest"}
}

oci_constraint(ref) := [["spec", "chart", "spec", "ref", "semver"], ref.semver] if is_string(ref.semver)

oci_constraint(ref) := [["spec", "chart", "spec", "ref", "tag"], "latest"] if {
	not ref.semver
	ref.tag == "latest"
}

oci_constraint(ref) := [["spec", "chart", "spec", "ref"], ""] if {
	not ref.semver
	not ref.tag == "latest"
}
