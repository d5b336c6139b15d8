package gitgate.workloads.rollout_canary_analysis_test

import rego.v1

import data.gitgate.workloads.rollout_canary_analysis as policy

rollout(canary) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Rollout",
	"metadata": {"name": "web"},
	"spec": {
		"strategy": {"canary": canary},
		"template": {"spec": {"containers": [{"name": "web", "image": "web:1.0"}]}},
	},
}

test_background_analysis_passes if {
	count(policy.warn) == 0 with input as rollout({
		"analysis": {"templates": [{"templateName": "success-rate"}], "startingStep": 2},
		"steps": [{"setWeight": 20}, {"pause": {"duration": "5m"}}],
	})
}

test_analysis_step_passes if {
	count(policy.warn) == 0 with input as rollout({"steps": [
		{"setWeight": 20},
		{"pause": {"duration": "5m"}},
		{"analysis": {"templates": [{"templateName": "success-rate"}]}},
	]})
}

test_experiment_with_analyses_passes if {
	count(policy.warn) == 0 with input as rollout({"steps": [{"experiment": {
		"duration": "10m",
		"templates": [{"name": "canary", "specRef": "canary"}],
		"analyses": [{"name": "compare", "templateName": "compare"}],
	}}]})
}

test_steps_without_analysis_warned_at_canary if {
	results := policy.warn with input as rollout({"steps": [{"setWeight": 20}, {"pause": {}}]})
	count(results) == 1
	some r in results
	r.path == ["spec", "strategy", "canary"]
	contains(r.msg, "Rollout `web`")
}

test_empty_background_analysis_warned if {
	count(policy.warn) == 1 with input as rollout({"analysis": {"templates": []}, "steps": [{"pause": {}}]})
}

test_empty_canary_warned if {
	count(policy.warn) == 1 with input as rollout({})
}

test_blue_green_ignored if {
	count(policy.warn) == 0 with input as {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "Rollout",
		"metadata": {"name": "web"},
		"spec": {"strategy": {"blueGreen": {"activeService": "web"}}},
	}
}

test_other_group_ignored if {
	count(policy.warn) == 0 with input as {
		"apiVersion": "example.com/v1",
		"kind": "Rollout",
		"metadata": {"name": "web"},
		"spec": {"strategy": {"canary": {}}},
	}
}

test_null_steps_warned if {
	count(policy.warn) == 1 with input as rollout({"steps": null})
}
