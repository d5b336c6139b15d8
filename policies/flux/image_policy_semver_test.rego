package gitgate.flux.image_policy_semver_test

import rego.v1

import data.gitgate.flux.image_policy_semver as policy

policy_with(p) := {
	"apiVersion": "image.toolkit.fluxcd.io/v1",
	"kind": "ImagePolicy",
	"metadata": {"name": "podinfo", "namespace": "flux-system"},
	"spec": {"imageRepositoryRef": {"name": "podinfo"}, "policy": p},
}

test_valid_ranges_pass if {
	every r in [">=1.0.0 <2.0.0", "~1.2", "1.x", "^5.0.0", "6.5.*", ">=1.0.0-0", "1.2.3 || >=2.0.0"] {
		count(policy.deny) == 0 with input as policy_with({"semver": {"range": r}})
	}
}

test_other_policies_ignored if {
	count(policy.deny) == 0 with input as policy_with({"alphabetical": {"order": "asc"}})
}

test_substituted_range_passes if {
	count(policy.deny) == 0 with input as policy_with({"semver": {"range": "${podinfo_range}"}})
}

test_invalid_range_denied_at_range if {
	results := policy.deny with input as policy_with({"semver": {"range": ">=1.0 <<2"}})
	count(results) == 1
	some r in results
	r.path == ["spec", "policy", "semver", "range"]
	contains(r.msg, "ImagePolicy `podinfo`")
}

test_words_denied if {
	count(policy.deny) == 1 with input as policy_with({"semver": {"range": "latest"}})
}

test_empty_range_denied if {
	count(policy.deny) == 1 with input as policy_with({"semver": {"range": ""}})
}

test_number_left_to_schema_validation if {
	# YAML `range: 1.5` is a number, not the string "1.5": a schema error.
	count(policy.deny) == 0 with input as policy_with({"semver": {"range": 1.5}})
}
