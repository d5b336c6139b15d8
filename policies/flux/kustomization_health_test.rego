package gitgate.flux.kustomization_health_test

import rego.v1

import data.gitgate.flux.kustomization_health as policy

ks(spec) := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
	"kind": "Kustomization",
	"metadata": {"name": "apps", "namespace": "flux-system"},
	"spec": spec,
}

test_wait_passes_in_production if {
	count(policy.warn) == 0 with input as ks({"interval": "10m", "wait": true})
		with data.gitgate.lib.environment as "production"
}

test_health_checks_pass_in_production if {
	count(policy.warn) == 0 with input as ks({"interval": "10m", "healthChecks": [{
		"apiVersion": "apps/v1",
		"kind": "Deployment",
		"name": "podinfo",
		"namespace": "apps",
	}]})
		with data.gitgate.lib.environment as "production"
}

test_staging_not_reported if {
	count(policy.warn) == 0 with input as ks({"interval": "10m"})
		with data.gitgate.lib.environment as "staging"
}

test_unknown_environment_not_reported if {
	count(policy.warn) == 0 with input as ks({"interval": "10m"})
		with data.gitgate.lib.environment as null
}

test_missing_wait_warned_at_spec if {
	results := policy.warn with input as ks({"interval": "10m"})
		with data.gitgate.lib.environment as "production"
	count(results) == 1
	some r in results
	r.path == ["spec"]
	contains(r.msg, "Kustomization `apps`")
}

test_wait_false_warned_at_wait if {
	results := policy.warn with input as ks({"interval": "10m", "wait": false, "healthChecks": []})
		with data.gitgate.lib.environment as "production"
	some r in results
	r.path == ["spec", "wait"]
}

test_health_check_exprs_alone_warned if {
	# CEL expressions only say how to assess kinds; nothing is assessed without wait or healthChecks.
	count(policy.warn) == 1 with input as ks({"interval": "10m", "healthCheckExprs": [{
		"apiVersion": "bitnami.com/v1alpha1",
		"kind": "SealedSecret",
		"current": "true",
	}]})
		with data.gitgate.lib.environment as "production"
}

test_bootstrap_kustomization_not_reported if {
	count(policy.warn) == 0 with input as json.patch(ks({"interval": "10m0s", "path": "./clusters/production"}), [{"op": "replace", "path": "/metadata/name", "value": "flux-system"}])
		with data.gitgate.lib.environment as "production"
}
