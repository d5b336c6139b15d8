package gitgate.workloads.rollout_canary_pause_test

import rego.v1

import data.gitgate.workloads.rollout_canary_pause as policy

rollout(canary) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Rollout",
	"metadata": {"name": "web"},
	"spec": {"strategy": {"canary": canary}},
}

test_pause_with_duration_passes if {
	count(policy.warn) == 0 with input as rollout({"steps": [{"setWeight": 20}, {"pause": {"duration": "10m"}}, {"setWeight": 50}]})
}

test_indefinite_pause_passes if {
	count(policy.warn) == 0 with input as rollout({"steps": [{"setWeight": 20}, {"pause": {}}]})
}

test_analysis_step_passes if {
	count(policy.warn) == 0 with input as rollout({"steps": [
		{"setWeight": 20},
		{"analysis": {"templates": [{"templateName": "success-rate"}]}},
	]})
}

test_set_weights_only_warned_at_steps if {
	results := policy.warn with input as rollout({"steps": [{"setWeight": 20}, {"setWeight": 50}, {"setWeight": 100}]})
	count(results) == 1
	some r in results
	r.path == ["spec", "strategy", "canary", "steps"]
	contains(r.msg, "no `pause`")
}

test_zero_pauses_warned if {
	count(policy.warn) == 1 with input as rollout({"steps": [
		{"setWeight": 20},
		{"pause": {"duration": 0}},
		{"setWeight": 50},
		{"pause": {"duration": "0s"}},
	]})
}

test_no_steps_warned_at_canary if {
	results := policy.warn with input as rollout({"maxSurge": "25%"})
	count(results) == 1
	some r in results
	r.path == ["spec", "strategy", "canary"]
	contains(r.msg, "without `steps`")
}

test_empty_steps_warned_at_steps if {
	results := policy.warn with input as rollout({"steps": []})
	count(results) == 1
	some r in results
	r.path == ["spec", "strategy", "canary", "steps"]
	contains(r.msg, "without `steps`")
}

test_blue_green_ignored if {
	count(policy.warn) == 0 with input as {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "Rollout",
		"metadata": {"name": "web"},
		"spec": {"strategy": {"blueGreen": {"activeService": "web"}}},
	}
}

test_null_steps_warned if {
	count(policy.warn) == 1 with input as rollout({"steps": null})
}
