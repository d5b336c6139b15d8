package gitgate.flux.interval_too_short_test

import rego.v1

import data.gitgate.flux.interval_too_short as policy

ks(interval) := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
	"kind": "Kustomization",
	"metadata": {"name": "apps", "namespace": "flux-system"},
	"spec": {"interval": interval, "prune": true},
}

helm_repo(spec) := {
	"apiVersion": "source.toolkit.fluxcd.io/v1",
	"kind": "HelmRepository",
	"metadata": {"name": "podinfo", "namespace": "flux-system"},
	"spec": spec,
}

test_one_minute_passes if {
	count(policy.warn) == 0 with input as ks("1m0s")
}

test_ten_minutes_passes if {
	count(policy.warn) == 0 with input as ks("10m")
}

test_thirty_seconds_warned_at_interval if {
	results := policy.warn with input as ks("30s")
	count(results) == 1
	some r in results
	r.path == ["spec", "interval"]
	contains(r.msg, "Kustomization `apps`")
	contains(r.msg, "`30s`")
}

test_invalid_interval_left_to_gg_flux_002 if {
	count(policy.warn) == 0 with input as ks("5")
}

test_parameter_raises_minimum if {
	results := policy.warn with input as ks("5m") with data.gitgate.params as {"flux-min-interval": "10m"}
	count(results) == 1
}

test_parameter_lowers_minimum if {
	count(policy.warn) == 0 with input as ks("30s") with data.gitgate.params as {"flux-min-interval": "10s"}
}

test_helm_repository_warned if {
	count(policy.warn) == 1 with input as helm_repo({"url": "https://stefanprodan.github.io/podinfo", "interval": "10s"})
}

test_oci_helm_repository_ignored if {
	count(policy.warn) == 0 with input as helm_repo({"type": "oci", "url": "oci://ghcr.io/stefanprodan/charts", "interval": "10s"})
}

test_helmrelease_chart_template_interval_warned if {
	results := policy.warn with input as {
		"apiVersion": "helm.toolkit.fluxcd.io/v2",
		"kind": "HelmRelease",
		"metadata": {"name": "podinfo"},
		"spec": {"interval": "10m", "chart": {"spec": {"chart": "podinfo", "interval": "15s"}}},
	}
	count(results) == 1
	some r in results
	r.path == ["spec", "chart", "spec", "interval"]
}
