package gitgate.flux.kustomization_prune_test

import rego.v1

import data.gitgate.flux.kustomization_prune as policy

ks(spec) := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
	"kind": "Kustomization",
	"metadata": {"name": "apps", "namespace": "flux-system"},
	"spec": spec,
}

test_prune_true_passes if {
	count(policy.deny) == 0 with input as ks({"interval": "10m", "path": "./apps", "prune": true})
}

test_prune_false_denied_at_prune if {
	results := policy.deny with input as ks({"interval": "10m", "prune": false})
	count(results) == 1
	some r in results
	r.path == ["spec", "prune"]
}

test_prune_missing_denied_at_spec if {
	results := policy.deny with input as ks({"interval": "10m"})
	some r in results
	r.path == ["spec"]
	contains(r.msg, "`apps`")
}

test_kustomize_config_kustomization_ignored if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "kustomize.config.k8s.io/v1beta1",
		"kind": "Kustomization",
		"resources": ["a.yaml"],
	}
}
