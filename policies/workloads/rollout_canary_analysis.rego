# METADATA
# title: Argo Rollouts canary without analysis
# description: >-
#   An Argo Rollouts `Rollout` with the canary strategy but neither background analysis
#   (`spec.strategy.canary.analysis`) nor an `analysis` (or `experiment` with `analyses`) step
#   shifts traffic to the new version without ever measuring it: a bad release is only stopped
#   if someone watches and aborts by hand, so the canary gives no automatic protection.
# related_resources:
#   - https://argoproj.github.io/argo-rollouts/features/analysis/
#   - https://argoproj.github.io/argo-rollouts/features/canary/
# custom:
#   id: GG-ROLL-001
#   severity: warning
#   kinds: [argoproj.io/Rollout]
#   recommended_actions: >-
#     Add background analysis (`spec.strategy.canary.analysis.templates`) or an `analysis`
#     step referencing an AnalysisTemplate whose metrics fail the rollout on a regression.
package gitgate.workloads.rollout_canary_analysis

import rego.v1

canary := input.spec.strategy.canary if {
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "Rollout"
	is_object(input.spec.strategy.canary)
}

steps := canary.steps if is_array(canary.steps)

else := []

templates(analysis) := analysis.templates if is_array(analysis.templates)

# Background analysis, running while the steps progress.
analysed if count(templates(canary.analysis)) > 0

# An inline analysis step, which blocks until its AnalysisRun completes.
analysed if {
	some step in steps
	count(templates(step.analysis)) > 0
}

# An experiment step whose analyses decide whether the rollout goes on.
analysed if {
	some step in steps
	is_array(step.experiment.analyses)
	count(step.experiment.analyses) > 0
}

warn contains {"msg": msg, "path": ["spec", "strategy", "canary"]} if {
	is_object(canary)
	not analysed
	msg := sprintf(
		"Rollout `%s` uses the canary strategy without analysis (no `canary.analysis` and no `analysis` step): a regression is never detected automatically",
		[input.metadata.name],
	)
}
