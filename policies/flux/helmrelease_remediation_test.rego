package gitgate.flux.helmrelease_remediation_test

import rego.v1

import data.gitgate.flux.helmrelease_remediation as policy

hr(spec) := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2",
	"kind": "HelmRelease",
	"metadata": {"name": "podinfo", "namespace": "apps"},
	"spec": object.union({"interval": "10m", "chartRef": {"kind": "OCIRepository", "name": "podinfo"}}, spec),
}

test_retries_pass if {
	count(policy.warn) == 0 with input as hr({
		"install": {"remediation": {"retries": 3}},
		"upgrade": {"remediation": {"retries": 3, "remediateLastFailure": true}},
	})
}

test_infinite_retries_pass if {
	count(policy.warn) == 0 with input as hr({
		"install": {"remediation": {"retries": -1}},
		"upgrade": {"remediation": {"retries": -1}},
	})
}

test_retry_on_failure_strategy_passes if {
	count(policy.warn) == 0 with input as hr({
		"install": {"strategy": {"name": "RetryOnFailure", "retryInterval": "2m"}},
		"upgrade": {"strategy": {"name": "RetryOnFailure"}},
	})
}

test_nothing_set_warned_twice if {
	results := policy.warn with input as hr({})
	count(results) == 2
	{r.path | some r in results} == {
		["spec", "install", "remediation", "retries"],
		["spec", "upgrade", "remediation", "retries"],
	}
}

test_upgrade_missing_warned_at_upgrade if {
	results := policy.warn with input as hr({
		"install": {"remediation": {"retries": 3}},
		"upgrade": {"remediation": {"strategy": "rollback"}},
	})
	count(results) == 1
	some r in results
	r.path == ["spec", "upgrade", "remediation", "retries"]
	contains(r.msg, "HelmRelease `podinfo` does not retry a failed upgrade")
}

test_zero_retries_warned if {
	count(policy.warn) == 1 with input as hr({
		"install": {"remediation": {"retries": 0}},
		"upgrade": {"remediation": {"retries": 3}},
	})
}

test_other_kinds_ignored if {
	count(policy.warn) == 0 with input as {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": {"name": "x"}, "spec": {}}
}
