package gitgate.workloads.canary_metric_thresholds_test

import rego.v1

import data.gitgate.workloads.canary_metric_thresholds as policy

canary(spec) := {
	"apiVersion": "flagger.app/v1beta1",
	"kind": "Canary",
	"metadata": {"name": "podinfo", "namespace": "test"},
	"spec": object.union(
		{
			"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo"},
			"service": {"port": 9898},
		},
		spec,
	),
}

analysis(metrics) := {"analysis": {"interval": "1m", "threshold": 5, "maxWeight": 50, "stepWeight": 10, "metrics": metrics}}

good_metrics := [
	{"name": "request-success-rate", "interval": "1m", "thresholdRange": {"min": 99}},
	{"name": "request-duration", "interval": "1m", "thresholdRange": {"max": 500}},
	{"name": "error-rate", "templateRef": {"name": "error-rate"}, "thresholdRange": {"min": 0, "max": 1}},
]

test_threshold_ranges_pass if {
	count(policy.warn) == 0 with input as canary(analysis(good_metrics))
}

test_deprecated_threshold_passes if {
	count(policy.warn) == 0 with input as canary(analysis([{"name": "request-success-rate", "threshold": 99}]))
}

test_deprecated_canary_analysis_passes if {
	count(policy.warn) == 0 with input as canary({"canaryAnalysis": {"threshold": 5, "metrics": good_metrics}})
}

test_metric_without_threshold_warned_at_metric if {
	results := policy.warn with input as canary(analysis([
		{"name": "request-success-rate", "thresholdRange": {"min": 99}},
		{"name": "request-duration", "interval": "30s"},
	]))
	count(results) == 1
	some r in results
	r.path == ["spec", "analysis", "metrics", 1]
	contains(r.msg, "metric `request-duration`")
}

test_empty_threshold_range_warned_at_range if {
	results := policy.warn with input as canary(analysis([{"name": "request-success-rate", "thresholdRange": {}}]))
	count(results) == 1
	some r in results
	r.path == ["spec", "analysis", "metrics", 0, "thresholdRange"]
}

test_empty_metrics_warned_at_metrics if {
	results := policy.warn with input as canary(analysis([]))
	count(results) == 1
	some r in results
	r.path == ["spec", "analysis", "metrics"]
}

test_no_metrics_warned_at_analysis if {
	results := policy.warn with input as canary({"analysis": {"interval": "1m", "threshold": 5, "webhooks": [{"name": "load-test", "url": "http://flagger-loadtester.test/"}]}})
	count(results) == 1
	some r in results
	r.path == ["spec", "analysis"]
}

test_legacy_key_path if {
	results := policy.warn with input as canary({"canaryAnalysis": {"threshold": 5, "metrics": [{"name": "request-duration"}]}})
	some r in results
	r.path == ["spec", "canaryAnalysis", "metrics", 0]
}

test_no_analysis_warned if {
	results := policy.warn with input as canary({})
	count(results) == 1
	some r in results
	r.path == ["spec", "analysis"]
	contains(r.msg, "no `spec.analysis`")
}

test_skip_analysis_warned_once if {
	results := policy.warn with input as canary(object.union(analysis([{"name": "request-duration"}]), {"skipAnalysis": true}))
	count(results) == 1
	some r in results
	r.path == ["spec", "skipAnalysis"]
}

test_skip_analysis_false_passes if {
	count(policy.warn) == 0 with input as canary(object.union(analysis(good_metrics), {"skipAnalysis": false}))
}

test_argo_ignored if {
	count(policy.warn) == 0 with input as {"apiVersion": "argoproj.io/v1alpha1", "kind": "Canary", "metadata": {"name": "x"}, "spec": {}}
}
