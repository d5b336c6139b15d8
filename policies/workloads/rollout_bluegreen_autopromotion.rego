# METADATA
# title: Argo Rollouts blue-green auto-promotion in production
# description: >-
#   An Argo Rollouts blue-green `Rollout` promotes the new version to the active Service as
#   soon as its pods are available, because `autoPromotionEnabled` defaults to true: in
#   production the preview stack is never looked at before it takes all the traffic. Set
#   `autoPromotionEnabled: false` to pause before the switch, or gate it with
#   `prePromotionAnalysis` (and no `autoPromotionSeconds`, which cuts the analysis short).
# related_resources:
#   - https://argoproj.github.io/argo-rollouts/features/bluegreen/#autopromotionenabled
#   - https://argoproj.github.io/argo-rollouts/features/analysis/#bluegreen-pre-promotion-analysis
# custom:
#   id: GG-ROLL-003
#   severity: warning
#   kinds: [argoproj.io/Rollout]
#   recommended_actions: >-
#     Set `spec.strategy.blueGreen.autoPromotionEnabled: false` and promote with
#     `kubectl argo rollouts promote`, or add `prePromotionAnalysis` that checks the preview.
package gitgate.workloads.rollout_bluegreen_autopromotion

import rego.v1

import data.gitgate.lib

blue_green := input.spec.strategy.blueGreen if {
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "Rollout"
	is_object(input.spec.strategy.blueGreen)
}

# An analysis the switch waits for, not overridden by a promotion timer.
gated if {
	is_array(blue_green.prePromotionAnalysis.templates)
	count(blue_green.prePromotionAnalysis.templates) > 0
	not object.get(blue_green, "autoPromotionSeconds", 0) > 0
}

location := ["spec", "strategy", "blueGreen", "autoPromotionEnabled"] if "autoPromotionEnabled" in object.keys(blue_green)

location := ["spec", "strategy", "blueGreen"] if not "autoPromotionEnabled" in object.keys(blue_green)

warn contains {"msg": msg, "path": location} if {
	is_object(blue_green)
	lib.production
	not blue_green.autoPromotionEnabled == false
	not gated
	how := {true: "sets `autoPromotionEnabled: true`", false: "leaves `autoPromotionEnabled` unset (default true)"}[
		"autoPromotionEnabled" in object.keys(blue_green)
	]
	msg := sprintf(
		"production Rollout `%s` %s: the blue-green preview is promoted to the active Service without a manual or analysis gate",
		[input.metadata.name, how],
	)
}
