package gitgate.workloads.image_tag_test

import rego.v1

import data.gitgate.workloads.image_tag as policy

deployment(image) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}},
}

test_version_tag_passes if {
	count(policy.deny) == 0 with input as deployment("nginx:1.27.3")
}

test_digest_passes if {
	count(policy.deny) == 0 with input as deployment("nginx@sha256:0123456789abcdef")
}

test_registry_port_and_tag_passes if {
	count(policy.deny) == 0 with input as deployment("registry.local:5000/team/app:2.1")
}

test_latest_denied_at_image if {
	results := policy.deny with input as deployment("nginx:latest")
	some r in results
	r.path == ["spec", "template", "spec", "containers", 0, "image"]
}

test_no_tag_denied if {
	count(policy.deny) == 1 with input as deployment("nginx")
}

test_registry_port_without_tag_denied if {
	count(policy.deny) == 1 with input as deployment("registry.local:5000/app")
}

test_cronjob_init_container_denied if {
	results := policy.deny with input as {
		"apiVersion": "batch/v1",
		"kind": "CronJob",
		"metadata": {"name": "backup"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "init", "image": "busybox"}],
			"containers": [{"name": "main", "image": "backup:1.0"}],
		}}}}},
	}
	some r in results
	r.path == ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "image"]
}

rollout(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Rollout",
	"metadata": {"name": "web"},
	"spec": object.union({"strategy": {"canary": {"steps": [{"setWeight": 20}, {"pause": {}}]}}}, spec),
}

test_rollout_pinned_passes if {
	count(policy.deny) == 0 with input as rollout({"template": {"spec": {"containers": [{"name": "web", "image": "web:1.4.2"}]}}})
}

test_rollout_latest_denied_at_image if {
	results := policy.deny with input as rollout({"template": {"spec": {
		"initContainers": [{"name": "migrate", "image": "web-migrate:1.4.2"}],
		"containers": [{"name": "web", "image": "web:latest"}],
	}}})
	count(results) == 1
	some r in results
	r.path == ["spec", "template", "spec", "containers", 0, "image"]
}

test_rollout_init_container_denied if {
	results := policy.deny with input as rollout({"template": {"spec": {
		"initContainers": [{"name": "migrate", "image": "web-migrate"}],
		"containers": [{"name": "web", "image": "web:1.4.2"}],
	}}})
	some r in results
	r.path == ["spec", "template", "spec", "initContainers", 0, "image"]
}

test_rollout_workload_ref_ignored if {
	count(policy.deny) == 0 with input as rollout({"workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}})
}

test_rollout_other_group_ignored if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "example.com/v1",
		"kind": "Rollout",
		"metadata": {"name": "web"},
		"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web"}]}}},
	}
}

test_service_ignored if {
	count(policy.deny) == 0 with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}}
}
