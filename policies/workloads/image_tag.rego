# METADATA
# title: Container image without a pinned tag
# description: >-
#   A container image with no tag, or the tag `latest`, runs whatever the registry serves when
#   the pod starts: two replicas can run different code, a rollback does not roll back, and
#   Git no longer says what runs. A tag other than `latest` or a digest (`@sha256:…`) pins it.
# custom:
#   id: GG-IMG-001
#   severity: error
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, argoproj.io/Rollout]
#   recommended_actions: Use a version tag (`nginx:1.27.3`) or a digest (`nginx@sha256:…`).
#   references:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-names
package gitgate.workloads.image_tag

import rego.v1

templated := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

pod_spec := ["spec"] if input.kind == "Pod"

pod_spec := ["spec", "template", "spec"] if input.kind in templated

pod_spec := ["spec", "jobTemplate", "spec", "template", "spec"] if input.kind == "CronJob"

# An Argo Rollouts Rollout carries a Deployment's pod template; one with `workloadRef` has none
# (the referenced Deployment is checked itself).
pod_spec := ["spec", "template", "spec"] if {
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "Rollout"
	not input.spec.workloadRef
}

# A digest pins; otherwise the last path segment needs a tag that is not `latest`
# (`registry:5000/app` has a port, not a tag).
pinned(image) if contains(image, "@")

pinned(image) if {
	not contains(image, "@")
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	tag := split(last, ":")[1]
	tag != ""
	tag != "latest"
}

deny contains {"msg": msg, "path": array.concat(pod_spec, [field, i, "image"])} if {
	spec := object.get(input, pod_spec, {})
	some field in ["initContainers", "containers", "ephemeralContainers"]
	some i, container in object.get(spec, field, [])
	image := container.image
	is_string(image)
	not pinned(image)
	msg := sprintf("container `%s` uses image `%s` without a pinned tag (no tag, or `latest`)", [container.name, image])
}
