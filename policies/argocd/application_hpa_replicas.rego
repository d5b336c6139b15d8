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

scalable := {"Deployment", "StatefulSet"}

# HPAs, the workload each scales (that sets `spec.replicas`) in the same cluster, and the
# Application syncing the workload.
scaled contains {"app": i, "hpa": j, "workload": k} if {
	some hns, hname
	some j in lib.index.HorizontalPodAutoscaler[hns][hname]
	hpa := lib.objects[j].object
	startswith(hpa.apiVersion, "autoscaling/")
	ref := hpa.spec.scaleTargetRef
	ref.kind in scalable
	startswith(object.get(ref, "apiVersion", "apps/v1"), "apps/")
	some wns
	some k in lib.index[ref.kind][wns][ref.name]
	same_namespace(hns, wns)
	workload := lib.objects[k]
	same_place(lib.objects[j].context, workload.context)
	startswith(workload.object.apiVersion, "apps/")
	object.get(workload.object, ["spec", "replicas"], null) != null
	d := workload.context.deployer
	d.kind == "Application"
	some i in lib.index.Application[d.namespace][d.name]
	startswith(lib.objects[i].object.apiVersion, "argoproj.io/")
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

# Namespaces left out of a manifest come from the Application's destination.
same_namespace(a, b) if a == b

same_namespace(a, b) if a == ""

same_namespace(a, b) if b == ""

# `ignoreDifferences` entry covering the replicas of this workload.
ignores_replicas(spec, workload, namespace) if {
	some d in object.get(spec, "ignoreDifferences", [])
	lib.glob(object.get(d, "group", ""), "apps")
	lib.glob(object.get(d, "kind", ""), workload.kind)
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

# What is missing, and where it goes.
missing(spec, workload, namespace) := {"what": "`ignoreDifferences` for `/spec/replicas`", "path": ["spec", "ignoreDifferences"]} if {
	not ignores_replicas(spec, workload, namespace)
	"ignoreDifferences" in object.keys(spec)
}

missing(spec, workload, namespace) := {"what": "`ignoreDifferences` for `/spec/replicas`", "path": ["spec"]} if {
	not ignores_replicas(spec, workload, namespace)
	not "ignoreDifferences" in object.keys(spec)
}

missing(spec, workload, namespace) := {"what": "the `RespectIgnoreDifferences=true` sync option", "path": options_path(spec)} if {
	ignores_replicas(spec, workload, namespace)
	not app.sync_option(spec, "RespectIgnoreDifferences")
}

options_path(spec) := ["spec", "syncPolicy", "syncOptions"] if "syncOptions" in object.keys(spec.syncPolicy)

options_path(spec) := ["spec", "syncPolicy"] if {
	is_object(spec.syncPolicy)
	not "syncOptions" in object.keys(spec.syncPolicy)
}

options_path(spec) := ["spec"] if not is_object(spec.syncPolicy)

warn contains {"msg": msg, "object": s.app, "path": m.path, "related": [s.hpa]} if {
	some s in scaled
	application := lib.objects[s.app].object
	workload := lib.objects[s.workload].object
	hpa := lib.objects[s.hpa].object
	namespace := object.get(workload.metadata, "namespace", object.get(application.spec, ["destination", "namespace"], ""))
	m := missing(application.spec, workload, namespace)
	msg := sprintf(
		"Argo CD Application `%s` syncs %s `%s` with `spec.replicas`, which HorizontalPodAutoscaler `%s` scales, without %s: syncs reset the replica count the autoscaler set",
		[application.metadata.name, workload.kind, workload.metadata.name, hpa.metadata.name, m.what],
	)
}
