package gitgate.workloads.canary_analysis_threshold_test

import rego.v1

import data.gitgate.workloads.canary_analysis_threshold as policy

canary(spec) := {
	"apiVersion": "flagger.app/v1beta1",
	"kind": "Canary",
	"metadata": {"name": "podinfo"},
	"spec": object.union({"targetRef": {"kind": "Deployment", "name": "podinfo"}, "service": {"port": 80}}, spec),
}

test_threshold_passes if {
	count(policy.warn) == 0 with input as canary({"analysis": {"interval": "1m", "threshold": 5}})
}

test_no_analysis_ignored if {
	count(policy.warn) == 0 with input as canary({})
}

test_skip_analysis_ignored if {
	count(policy.warn) == 0 with input as canary({"skipAnalysis": true, "analysis": {"interval": "1m"}})
}

test_missing_threshold_warned_at_analysis if {
	results := policy.warn with input as canary({"analysis": {"interval": "1m", "maxWeight": 50, "stepWeight": 10}})
	count(results) == 1
	some r in results
	r.path == ["spec", "analysis"]
	contains(r.msg, "Canary `podinfo`")
}

test_zero_threshold_warned_at_threshold if {
	results := policy.warn with input as canary({"analysis": {"interval": "1m", "threshold": 0}})
	some r in results
	r.path == ["spec", "analysis", "threshold"]
}

test_legacy_canary_analysis_warned if {
	results := policy.warn with input as canary({"canaryAnalysis": {"interval": "1m"}})
	some r in results
	r.path == ["spec", "canaryAnalysis"]
}
