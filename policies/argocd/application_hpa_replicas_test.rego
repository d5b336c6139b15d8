package gitgate.argocd.application_hpa_replicas_test

import rego.v1

import data.gitgate.argocd.application_hpa_replicas as policy
import data.gitgate.lib

deployer := {"kind": "Application", "name": "web-prod", "namespace": "argocd", "file": "argocd/apps/web-prod.yaml", "line": 1, "path": "apps/web/overlays/production"}

application(extra) := {"object": {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "web-prod", "namespace": "argocd"},
	"spec": object.union(
		{
			"project": "web",
			"destination": {"name": "prod", "namespace": "web"},
			"source": {"repoURL": "https://github.com/example/gitops.git", "path": "apps/web/overlays/production", "targetRevision": "v1.0.0"},
		},
		extra,
	),
}, "context": {"deployer": null}}

deployment(replicas) := {"object": {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": object.union({"selector": {"matchLabels": {"app": "web"}}}, replicas),
}, "context": {"deployer": deployer}}

hpa(target) := {"object": {
	"apiVersion": "autoscaling/v2",
	"kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "web"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": target, "name": "web"}, "minReplicas": 2, "maxReplicas": 10},
}, "context": {"deployer": deployer}}

ignore_replicas := {"ignoreDifferences": [{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}]}

respect := {"syncPolicy": {"syncOptions": ["CreateNamespace=true", "RespectIgnoreDifferences=true"]}}

results(objs) := rs if {
	rs := policy.warn with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_ignored_and_respected_passes if {
	count(results([application(object.union(ignore_replicas, respect)), deployment({"replicas": 3}), hpa("Deployment")])) == 0
}

test_jq_path_passes if {
	spec := object.union({"ignoreDifferences": [{"group": "apps", "kind": "Deployment", "name": "web", "jqPathExpressions": [".spec.replicas"]}]}, respect)
	count(results([application(spec), deployment({"replicas": 3}), hpa("Deployment")])) == 0
}

test_glob_and_managed_fields_passes if {
	spec := object.union({"ignoreDifferences": [{"group": "*", "kind": "*", "managedFieldsManagers": ["kube-controller-manager"]}]}, respect)
	count(results([application(spec), deployment({"replicas": 3}), hpa("Deployment")])) == 0
}

test_no_replicas_in_manifest_passes if {
	count(results([application({}), deployment({}), hpa("Deployment")])) == 0
}

test_other_deployer_passes if {
	other := object.union(deployment({"replicas": 3}), {"context": {"deployer": object.union(deployer, {"name": "other"})}})
	count(results([application({}), other, hpa("Deployment")])) == 0
}

test_hpa_for_other_kind_passes if {
	count(results([application({}), deployment({"replicas": 3}), hpa("StatefulSet")])) == 0
}

test_no_ignore_differences_warned_at_spec if {
	rs := results([application(respect), deployment({"replicas": 3}), hpa("Deployment")])
	count(rs) == 1
	some r in rs
	r.object == 0
	r.related == [2]
	r.path == ["spec"]
	contains(r.msg, "Application `web-prod`")
	contains(r.msg, "Deployment `web`")
	contains(r.msg, "HorizontalPodAutoscaler `web`")
}

test_ignore_for_other_kind_warned_at_ignore_differences if {
	spec := object.union({"ignoreDifferences": [{"group": "apps", "kind": "StatefulSet", "jsonPointers": ["/spec/replicas"]}]}, respect)
	rs := results([application(spec), deployment({"replicas": 3}), hpa("Deployment")])
	some r in rs
	r.path == ["spec", "ignoreDifferences"]
}

test_ignore_for_other_name_warned if {
	spec := object.union({"ignoreDifferences": [{"group": "apps", "kind": "Deployment", "name": "api", "jsonPointers": ["/spec/replicas"]}]}, respect)
	count(results([application(spec), deployment({"replicas": 3}), hpa("Deployment")])) == 1
}

test_without_respect_warned_at_sync_options if {
	spec := object.union(ignore_replicas, {"syncPolicy": {"syncOptions": ["CreateNamespace=true"]}})
	rs := results([application(spec), deployment({"replicas": 3}), hpa("Deployment")])
	count(rs) == 1
	some r in rs
	r.path == ["spec", "syncPolicy", "syncOptions"]
	contains(r.msg, "RespectIgnoreDifferences=true")
}

test_without_sync_policy_warned_at_spec if {
	rs := results([application(ignore_replicas), deployment({"replicas": 3}), hpa("Deployment")])
	some r in rs
	r.path == ["spec"]
}

test_statefulset_warned if {
	sts := {"object": {
		"apiVersion": "apps/v1",
		"kind": "StatefulSet",
		"metadata": {"name": "web", "namespace": "web"},
		"spec": {"replicas": 2},
	}, "context": {"deployer": deployer}}
	count(results([application(ignore_replicas), sts, hpa("StatefulSet")])) == 1
}

test_other_namespace_passes if {
	sts := {"object": {
		"apiVersion": "apps/v1",
		"kind": "Deployment",
		"metadata": {"name": "web", "namespace": "a"},
		"spec": {"replicas": 2},
	}, "context": {"deployer": deployer}}
	h := json.patch(hpa("Deployment"), [{"op": "add", "path": "/object/metadata/namespace", "value": "b"}])
	count(results([application({}), sts, h])) == 0
}

test_hpa_for_another_cluster_passes if {
	staging := object.union(deployer, {"name": "web-staging", "path": "apps/web/overlays/staging"})
	w := object.union(deployment({"replicas": 3}), {"context": {"deployer": staging, "cluster": "staging"}})
	h := object.union(hpa("Deployment"), {"context": {"cluster": "prod"}})
	a := json.patch(application({}), [{"op": "replace", "path": "/object/metadata/name", "value": "web-staging"}])
	count(results([a, w, h])) == 0
}

test_hpa_from_elsewhere_in_same_cluster_warned if {
	w := object.union(deployment({"replicas": 3}), {"context": {"cluster": "prod"}})
	h := {"object": hpa("Deployment").object, "context": {"deployer": null, "cluster": "prod"}}
	count(results([application({}), w, h])) == 1
}
