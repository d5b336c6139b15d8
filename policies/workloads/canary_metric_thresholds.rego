# METADATA
# title: Flagger Canary without metric thresholds
# description: >-
#   Flagger (flagger.app) promotes a `Canary` on the strength of its analysis metrics: each
#   `spec.analysis.metrics[]` entry is checked against its `thresholdRange` (`min`/`max`).
#   With no metrics, or `skipAnalysis: true`, or no `analysis` at all, the new version is
#   promoted without any check. A metric with neither `thresholdRange` nor the deprecated
#   `threshold` is compared with 0: the built-in success rate then never fails, and any other
#   metric fails on every non-zero value, so the check means nothing.
# related_resources:
#   - https://docs.flagger.app/usage/metrics
#   - https://docs.flagger.app/usage/how-it-works#canary-analysis
# custom:
#   id: GG-ROLL-004
#   severity: warning
#   kinds: [flagger.app/Canary]
#   recommended_actions: >-
#     Add `spec.analysis.metrics` with a `thresholdRange` each (`request-success-rate` with
#     `min: 99`, `request-duration` with `max: 500`, or a MetricTemplate with the bound it needs).
package gitgate.workloads.canary_metric_thresholds

import rego.v1

is_canary if {
	startswith(input.apiVersion, "flagger.app/")
	input.kind == "Canary"
}

# `analysis`, or the deprecated `canaryAnalysis` Flagger still reads when `analysis` is absent.
key := "analysis" if is_object(input.spec.analysis)

key := "canaryAnalysis" if {
	not is_object(input.spec.analysis)
	is_object(input.spec.canaryAnalysis)
}

analysis := input.spec[key]

metrics := analysis.metrics if is_array(analysis.metrics)

else := []

skipped if input.spec.skipAnalysis == true

bounded(range) if is_number(range.min)

bounded(range) if is_number(range.max)

warn contains {"msg": msg, "path": ["spec", "skipAnalysis"]} if {
	is_canary
	skipped
	msg := sprintf("Canary `%s` sets `skipAnalysis: true`: Flagger promotes every new version without checking any metric", [input.metadata.name])
}

warn contains {"msg": msg, "path": ["spec", "analysis"]} if {
	is_canary
	not skipped
	not key
	msg := sprintf("Canary `%s` has no `spec.analysis`: Flagger promotes every new version without checking any metric", [input.metadata.name])
}

warn contains {"msg": msg, "path": location} if {
	is_canary
	not skipped
	count(metrics) == 0
	location := metrics_location
	msg := sprintf("Canary `%s` has no analysis metrics: Flagger promotes the new version without checking its error rate or latency", [input.metadata.name])
}

metrics_location := ["spec", key, "metrics"] if "metrics" in object.keys(analysis)

metrics_location := ["spec", key] if not "metrics" in object.keys(analysis)

warn contains {"msg": msg, "path": ["spec", key, "metrics", i]} if {
	is_canary
	not skipped
	some i, metric in metrics
	not "thresholdRange" in object.keys(metric)
	not is_number(metric.threshold)
	msg := sprintf(
		"Canary `%s` metric `%s` has no `thresholdRange`: Flagger compares it with 0, so the check never fails (success rate) or always fails",
		[input.metadata.name, object.get(metric, "name", "")],
	)
}

warn contains {"msg": msg, "path": ["spec", key, "metrics", i, "thresholdRange"]} if {
	is_canary
	not skipped
	some i, metric in metrics
	"thresholdRange" in object.keys(metric)
	not bounded(metric.thresholdRange)
	msg := sprintf(
		"Canary `%s` metric `%s` has a `thresholdRange` with neither `min` nor `max`: the metric can never fail the analysis",
		[input.metadata.name, object.get(metric, "name", "")],
	)
}
