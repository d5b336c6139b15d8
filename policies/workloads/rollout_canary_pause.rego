# METADATA
# title: Argo Rollouts canary that never pauses
# description: >-
#   An Argo Rollouts canary moves to the next `setWeight` as soon as the canary pods are
#   ready unless a step holds it: a `pause` (for a duration or until promoted), an inline
#   `analysis` (which blocks until its AnalysisRun completes) or an `experiment`. Steps
#   without any of them send 100% of the traffic to the new version within minutes, before
#   anyone (or any background analysis) has seen it run. Without `steps` at all the canary
#   strategy mimics a rolling update: every pod is replaced at once, with no canary phase.
# related_resources:
#   - https://argoproj.github.io/argo-rollouts/features/canary/
#   - https://argoproj.github.io/argo-rollouts/features/canary/#mimicking-rolling-update
# custom:
#   id: GG-ROLL-002
#   severity: warning
#   kinds: [argoproj.io/Rollout]
#   recommended_actions: >-
#     Add `pause` steps after the `setWeight` steps (`- pause: {duration: 10m}`, or `- pause: {}`
#     to wait for `kubectl argo rollouts promote`), or `analysis` steps that gate each weight.
package gitgate.workloads.rollout_canary_pause

import rego.v1

canary := input.spec.strategy.canary if {
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "Rollout"
	is_object(input.spec.strategy.canary)
}

steps := canary.steps if is_array(canary.steps)

else := []

# `duration` is an integer (seconds) or a string with an optional s/m/h unit; zero holds nothing.
zero_duration(d) if d == 0

zero_duration(d) if d in {"0", "0s", "0m", "0h"}

holds(step) if {
	is_object(step.pause)
	not zero_duration(step.pause.duration)
}

holds(step) if is_object(step.analysis)

holds(step) if is_object(step.experiment)

warn contains {"msg": msg, "path": location} if {
	is_object(canary)
	count(steps) == 0
	location := empty_location
	msg := sprintf(
		"Rollout `%s` uses the canary strategy without `steps`: it behaves like a rolling update and promotes the new version fully, with no canary phase",
		[input.metadata.name],
	)
}

warn contains {"msg": msg, "path": ["spec", "strategy", "canary", "steps"]} if {
	count(steps) > 0
	not any_hold
	msg := sprintf(
		"Rollout `%s`: the canary steps have no `pause` (or `analysis`) step, so every `setWeight` follows as soon as the pods are ready and the new version is promoted straight through",
		[input.metadata.name],
	)
}

# `steps: []` points at the empty list, no `steps` at the canary where they go.
empty_location := ["spec", "strategy", "canary", "steps"] if "steps" in object.keys(canary)

empty_location := ["spec", "strategy", "canary"] if not "steps" in object.keys(canary)

any_hold if {
	some step in steps
	holds(step)
}
