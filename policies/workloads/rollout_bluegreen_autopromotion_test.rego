package gitgate.workloads.rollout_bluegreen_autopromotion_test

import rego.v1

import data.gitgate.workloads.rollout_bluegreen_autopromotion as policy

rollout(blue_green) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Rollout",
	"metadata": {"name": "checkout"},
	"spec": {"strategy": {"blueGreen": object.union({"activeService": "checkout"}, blue_green)}},
}

test_manual_promotion_passes if {
	count(policy.warn) == 0 with input as rollout({"autoPromotionEnabled": false})
		with data.gitgate.lib.environment as "production"
}

test_unset_outside_production_passes if {
	count(policy.warn) == 0 with input as rollout({}) with data.gitgate.lib.environment as "staging"
}

test_unset_without_environment_passes if {
	count(policy.warn) == 0 with input as rollout({}) with data.gitgate.lib.environment as null
}

test_pre_promotion_analysis_passes if {
	count(policy.warn) == 0 with input as rollout({"prePromotionAnalysis": {"templates": [{"templateName": "smoke"}]}})
		with data.gitgate.lib.environment as "production"
}

test_pre_promotion_analysis_with_timer_warned if {
	count(policy.warn) == 1 with input as rollout({
		"prePromotionAnalysis": {"templates": [{"templateName": "smoke"}]},
		"autoPromotionSeconds": 60,
	})
		with data.gitgate.lib.environment as "production"
}

test_unset_in_production_warned_at_blue_green if {
	results := policy.warn with input as rollout({}) with data.gitgate.lib.environment as "production"
	count(results) == 1
	some r in results
	r.path == ["spec", "strategy", "blueGreen"]
	contains(r.msg, "unset (default true)")
	contains(r.msg, "`checkout`")
}

test_true_in_production_warned_at_key if {
	results := policy.warn with input as rollout({"autoPromotionEnabled": true})
		with data.gitgate.lib.environment as "production"
	count(results) == 1
	some r in results
	r.path == ["spec", "strategy", "blueGreen", "autoPromotionEnabled"]
	contains(r.msg, "`autoPromotionEnabled: true`")
}

test_canary_ignored if {
	count(policy.warn) == 0 with input as {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "Rollout",
		"metadata": {"name": "checkout"},
		"spec": {"strategy": {"canary": {}}},
	}
		with data.gitgate.lib.environment as "production"
}

test_pre_promotion_analysis_zero_timer_passes if {
	count(policy.warn) == 0 with input as rollout({
		"prePromotionAnalysis": {"templates": [{"templateName": "smoke"}]},
		"autoPromotionSeconds": 0,
	})
		with data.gitgate.lib.environment as "production"
}
