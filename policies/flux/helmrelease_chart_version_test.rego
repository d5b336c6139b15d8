package gitgate.flux.helmrelease_chart_version_test

import rego.v1

import data.gitgate.flux.helmrelease_chart_version as policy

hr(chart_spec) := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2",
	"kind": "HelmRelease",
	"metadata": {"name": "podinfo", "namespace": "apps"},
	"spec": {"interval": "10m", "chart": {"spec": object.union(
		{"chart": "podinfo", "sourceRef": {"kind": "HelmRepository", "name": "podinfo"}},
		chart_spec,
	)}},
}

oci(ref) := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2",
	"kind": "HelmRelease",
	"metadata": {"name": "podinfo", "namespace": "apps"},
	"spec": {"interval": "10m", "chart": {"kind": "OCIRepository", "spec": object.union(
		{"url": "oci://ghcr.io/stefanprodan/charts/podinfo", "interval": "10m"},
		ref,
	)}},
}

test_exact_version_passes if {
	count(policy.warn) == 0 with input as hr({"version": "6.5.4"})
}

test_prerelease_version_passes if {
	count(policy.warn) == 0 with input as hr({"version": "v1.0.0-rc.1+build.5"})
}

test_missing_version_warned_at_version if {
	results := policy.warn with input as hr({})
	count(results) == 1
	some r in results
	r.path == ["spec", "chart", "spec", "version"]
	contains(r.msg, "HelmRelease `podinfo` (chart `podinfo`) does not set a chart version")
}

test_star_warned if {
	results := policy.warn with input as hr({"version": "*"})
	some r in results
	contains(r.msg, "matches any version")
}

test_ranges_warned_in_exact_mode if {
	every v in ["6.5.*", "6.x", "~6.5.0", "^6.5.0", ">=6.0.0 <7.0.0", ">= 6.0.0", "6.5", "1.2.3 || 2.0.0"] {
		count(policy.warn) == 1 with input as hr({"version": v})
	}
}

test_range_mode_accepts_ranges if {
	every v in ["6.5.*", "~6.5.0", ">=6.0.0 <7.0.0", "6.5.4"] {
		count(policy.warn) == 0 with input as hr({"version": v}) with data.gitgate.params as {"helm-chart-pinning": "range"}
	}
}

test_range_mode_rejects_star_and_empty if {
	every v in ["*", "", "x", "*.*"] {
		count(policy.warn) == 1 with input as hr({"version": v}) with data.gitgate.params as {"helm-chart-pinning": "range"}
	}
}

test_any_mode_off if {
	count(policy.warn) == 0 with input as hr({}) with data.gitgate.params as {"helm-chart-pinning": "any"}
}

test_substituted_version_passes if {
	count(policy.warn) == 0 with input as hr({"version": "${podinfo_version}"})
}

test_chart_ref_skipped if {
	count(policy.warn) == 0 with input as {
		"apiVersion": "helm.toolkit.fluxcd.io/v2",
		"kind": "HelmRelease",
		"metadata": {"name": "podinfo"},
		"spec": {"interval": "10m", "chartRef": {"kind": "OCIRepository", "name": "podinfo"}},
	}
}

test_oci_tag_passes if {
	count(policy.warn) == 0 with input as oci({"ref": {"tag": "6.5.4"}})
}

test_oci_digest_passes if {
	count(policy.warn) == 0 with input as oci({"ref": {"digest": "sha256:0123456789abcdef"}})
}

test_oci_no_ref_warned_at_ref if {
	results := policy.warn with input as oci({})
	some r in results
	r.path == ["spec", "chart", "spec", "ref"]
}

test_oci_latest_tag_warned_at_tag if {
	results := policy.warn with input as oci({"ref": {"tag": "latest"}})
	count(results) == 1
	some r in results
	r.path == ["spec", "chart", "spec", "ref", "tag"]
	contains(r.msg, "uses the `latest` tag")
}

test_oci_semver_range_warned_at_semver if {
	results := policy.warn with input as oci({"ref": {"semver": "6.5.*"}})
	some r in results
	r.path == ["spec", "chart", "spec", "ref", "semver"]
}

test_oci_range_mode if {
	count(policy.warn) == 0 with input as oci({"ref": {"semver": ">= 6.0.0"}}) with data.gitgate.params as {"helm-chart-pinning": "range"}
	count(policy.warn) == 1 with input as oci({"ref": {"tag": "latest"}}) with data.gitgate.params as {"helm-chart-pinning": "range"}
	count(policy.warn) == 1 with input as oci({}) with data.gitgate.params as {"helm-chart-pinning": "range"}
}
