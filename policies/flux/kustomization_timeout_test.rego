package gitgate.flux.kustomization_timeout_test

import rego.v1

import data.gitgate.flux.kustomization_timeout as policy

ks(spec) := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
	"kind": "Kustomization",
	"metadata": {"name": "apps", "namespace": "flux-system"},
	"spec": spec,
}

test_shorter_timeout_passes if {
	count(policy.warn) == 0 with input as ks({"interval": "60m", "timeout": "3m"})
}

test_no_timeout_passes if {
	count(policy.warn) == 0 with input as ks({"interval": "10m"})
}

test_equal_timeout_warned_at_timeout if {
	results := policy.warn with input as ks({"interval": "10m", "timeout": "10m0s"})
	count(results) == 1
	some r in results
	r.path == ["spec", "timeout"]
	contains(r.msg, "Kustomization `apps`")
}

test_longer_timeout_warned if {
	count(policy.warn) == 1 with input as ks({"interval": "5m", "timeout": "1h"})
}

test_invalid_durations_ignored if {
	count(policy.warn) == 0 with input as ks({"interval": "5", "timeout": "1h"})
}

test_substituted_timeout_ignored if {
	count(policy.warn) == 0 with input as ks({"interval": "5m", "timeout": "${timeout}"})
}

test_helmrelease_ignored if {
	count(policy.warn) == 0 with input as {
		"apiVersion": "helm.toolkit.fluxcd.io/v2",
		"kind": "HelmRelease",
		"metadata": {"name": "podinfo"},
		"spec": {"interval": "5m", "timeout": "10m"},
	}
}
