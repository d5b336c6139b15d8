package gitgate.flux.interval_invalid_test

import rego.v1

import data.gitgate.flux.interval_invalid as policy

ks(spec) := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
	"kind": "Kustomization",
	"metadata": {"name": "apps", "namespace": "flux-system"},
	"spec": spec,
}

source(kind, spec) := {
	"apiVersion": "source.toolkit.fluxcd.io/v1",
	"kind": kind,
	"metadata": {"name": "podinfo", "namespace": "flux-system"},
	"spec": spec,
}

test_valid_durations_pass if {
	count(policy.deny) == 0 with input as ks({"interval": "1h30m", "timeout": "5m", "retryInterval": "90s"})
}

test_fractional_and_milliseconds_pass if {
	count(policy.deny) == 0 with input as source("GitRepository", {"interval": "1.5h", "timeout": "500ms"})
}

test_missing_interval_not_reported if {
	count(policy.deny) == 0 with input as source("HelmRepository", {"url": "https://stefanprodan.github.io/podinfo"})
}

test_substituted_interval_passes if {
	count(policy.deny) == 0 with input as ks({"interval": "${sync_interval}"})
}

test_unknown_unit_denied_at_interval if {
	results := policy.deny with input as ks({"interval": "1d"})
	count(results) == 1
	some r in results
	r.path == ["spec", "interval"]
	contains(r.msg, "Kustomization `apps`")
}

test_number_without_unit_denied if {
	results := policy.deny with input as source("OCIRepository", {"interval": "5"})
	some r in results
	r.path == ["spec", "interval"]
}

test_non_string_left_to_schema_validation if {
	count(policy.deny) == 0 with input as source("OCIRepository", {"interval": 5})
}

test_go_only_forms_denied if {
	# Go parses these, the Flux CRD pattern does not.
	count(policy.deny) == 3 with input as ks({"interval": "-5m", "timeout": "0", "retryInterval": "10us"})
}

test_timeout_denied_at_timeout if {
	results := policy.deny with input as ks({"interval": "10m", "timeout": "5 min"})
	some r in results
	r.path == ["spec", "timeout"]
}

test_helmrelease_chart_interval_denied if {
	results := policy.deny with input as {
		"apiVersion": "helm.toolkit.fluxcd.io/v2",
		"kind": "HelmRelease",
		"metadata": {"name": "podinfo"},
		"spec": {"interval": "10m", "chart": {"spec": {"chart": "podinfo", "interval": "1 hour"}}},
	}
	some r in results
	r.path == ["spec", "chart", "spec", "interval"]
}

test_other_groups_ignored if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "example.com/v1",
		"kind": "Kustomization",
		"metadata": {"name": "x"},
		"spec": {"interval": "forever"},
	}
}
