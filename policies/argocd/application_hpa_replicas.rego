# METADATA
# title: Argo CD resets the replicas a HorizontalPodAutoscaler sets
# description: >-
#   A HorizontalPodAutoscaler scales a Deployment or StatefulSet whose manifest sets
#   `spec.replicas`, and the Argo CD Application that syncs it does not ignore
#   `/spec/replicas` for it (`ignoreDifferences`) with the `RespectIgnoreDifferences=true` sync
#   option. Argo CD then sees the HPA's replica count as drift: self-heal and every sync
#   scale the workload back to the count in Git, fighting the autoscaler (pods killed under
#   load). `ignoreDifferences` alone only hides the diff; without `RespectIgnoreDifferences`
#   a sync still applies `spec.replicas`. Ignoring differences system-wide in `argocd-cm` is
#   not seen by this rule.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/#application-level-configuration
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#respect-ignore-difference-configs
#   - https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling
# custom:
#   id: GG-ARGO-008
#   severity: warning
#   scope: repo
#   recommended_actions: 'Remove `spec.replicas` from the workload''s manifest, or add to the Application `ignoreDifferences: [{group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}]` and `RespectIgnoreDifferences=true` to `spec.syncPolicy.syncOptions`.'
package gitgate.argocd.application_hpa_replicas

import rego.v1

import data.gitgate.argocd.app_common as app
import data.gitgate.lib

# (Written for speed: `data.gitgate.index` / `objects` are read directly, bound once: read
# through an import alias, a rule of another package makes regorus evaluate every rule of the
# package on each reference.)

scalable := {"Deployment", "StatefulSet"}

# HPAs, the workload each scales (that sets `spec.replicas`) in the same cluster, and the
# Application syncing the workload.
scaled contains {"app": i, "hpa": j, "workload": k} if {
	index := data.gitgate.index
	objects := data.gitgate.objects
	some hns, by_name in index.HorizontalPodAutoscaler
	some ids in by_name
	some j in ids
	hpa := objects[j].object
	startswith(hpa.apiVersion, "autoscaling/")
	ref := hpa.spec.scaleTargetRef
	ref.kind in scalable
	startswith(object.get(ref, "apiVersion", "apps/v1"), "apps/")
	# (only the namespaces same_namespace can accept)
	workloads := index[ref.kind]
	some wns in namespaces_for(hns, workloads)
	some k in workloads[wns][ref.name]
	same_namespace(hns, wns)
	workload := objects[k]
	same_place(objects[j].context, workload.context)
	startswith(workload.object.apiVersion, "apps/")
	object.get(workload.object, ["spec", "replicas"], null) != null
	d := workload.context.deployer
	d.kind == "Application"
	some i in index.Application[d.namespace][d.name]
	startswith(objects[i].object.apiVersion, "argoproj.io/")
}

# The HPA runs where the workload does: the same Application syncs both, or both go to the
# same cluster (an HPA from another overlay for another cluster does not count).
same_place(hpa, workload) if {
	hpa.deployer != null
	hpa.deployer == workload.deployer
}

same_place(hpa, workload) if {
	hpa.cluster != null
	hpa.cluster == workload.cluster
}

# The namespaces a workload can be in for an HPA in namespace hns.
namespaces_for("", workloads) := object.keys(workloads)

namespaces_for(hns, _) := {hns, ""} if hns != ""

# Namespaces left out of a manifest come from the Application's destination.
same_namespace(a, b) if a == b

same_namespace(a, b) if a == ""

same_namespace(a, b) if b == ""

# lib.glob, without glob.match for a pattern without glob metacharacters (s has no NUL here:
# "apps" or a scalable kind).
glob_matches(pattern, s) := hit if {
	is_string(pattern)
	strings.replace_n({"*": "", "?": "", "[": "", "]": "", "{": "", "}": "", "\\": "", "\u0000": ""}, pattern) == pattern
	hit := pattern == s
} else := hit if {
	hit := count([1 | lib.glob(pattern, s)]) > 0
}

# `ignoreDifferences` entry covering the replicas of this workload.
ignores_replicas(spec, workload, namespace) if {
	some d in object.get(spec, "ignoreDifferences", [])
	glob_matches(object.get(d, "group", ""), "apps")
	glob_matches(object.get(d, "kind", ""), workload.kind)
	object.get(d, "name", "") in {"", workload.metadata.name}
	object.get(d, "namespace", "") in {"", namespace}
	replicas_field(d)
}

replicas_field(d) if "/spec/replicas" in object.get(d, "jsonPointers", [])

replicas_field(d) if {
	some e in object.get(d, "jqPathExpressions", [])
	trim_space(e) == ".spec.replicas"
}

# The HPA controller writes `spec.replicas` through the scale subresource as this manager.
replicas_field(d) if "kube-controller-manager" in object.get(d, "managedFieldsManagers", [])

# What is missing, and where it goes (`ignored`: an `ignoreDifferences` entry covers the
# replicas).
missing(spec, false) := {"what": "`ignoreDifferences` for `/spec/replicas`", "path": ["spec", "ignoreDifferences"]} if {
	"ignoreDifferences" in object.keys(spec)
} else := {"what": "`ignoreDifferences` for `/spec/replicas`", "path": ["spec"]}

missing(spec, true) := {"what": "the `RespectIgnoreDifferences=true` sync option", "path": options_path(spec)} if {
	not app.sync_option(spec, "RespectIgnoreDifferences")
}

options_path(spec) := ["spec", "syncPolicy", "syncOptions"] if "syncOptions" in object.keys(spec.syncPolicy)

options_path(spec) := ["spec", "syncPolicy"] if {
	is_object(spec.syncPolicy)
	not "syncOptions" in object.keys(spec.syncPolicy)
}

options_path(spec) := ["spec"] if not is_object(spec.syncPolicy)

warn contains {"msg": msg, "object": s.app, "path": m.path, "related": [s.hpa]} if {
	objects := data.gitgate.objects
	some s in scaled
	application := objects[s.app].object
	workload := objects[s.workload].object
	hpa := objects[s.hpa].object
	namespace := object.get(workload.metadata, "namespace", object.get(application.spec, ["destination", "namespace"], ""))
	m := missing(application.spec, count([1 | ignores_replicas(application.spec, workload, namespace)]) > 0)
	msg := sprintf(
		"Argo CD Application `%s` syncs %s `%s` with `spec.replicas`, which HorizontalPodAutoscaler `%s` scales, without %s: syncs reset the replica count the autoscaler set",
		[application.metadata.name, workload.kind, workload.metadata.name, hpa.metadata.name, m.what],
	)
}
