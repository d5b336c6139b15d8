package gitgate.flux.source_ref_test

import rego.v1

import data.gitgate.flux.source_ref as policy
import data.gitgate.lib

entry(obj) := {"object": obj, "context": {"file": "x.yaml"}}

meta("", name) := {"name": name}

meta(ns, name) := {"name": name, "namespace": ns} if ns != ""

git_repo(ns, name) := entry({
	"apiVersion": "source.toolkit.fluxcd.io/v1",
	"kind": "GitRepository",
	"metadata": meta(ns, name),
	"spec": {"interval": "1m", "url": "https://github.com/example/repo"},
})

helm_repo(ns, name) := entry({
	"apiVersion": "source.toolkit.fluxcd.io/v1",
	"kind": "HelmRepository",
	"metadata": {"name": name, "namespace": ns},
	"spec": {"url": "https://stefanprodan.github.io/podinfo"},
})

ks(ns, ref) := {
	"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
	"kind": "Kustomization",
	"metadata": {"name": "apps", "namespace": ns},
	"spec": {"interval": "10m", "prune": true, "sourceRef": ref},
}

hr(spec) := {
	"apiVersion": "helm.toolkit.fluxcd.io/v2",
	"kind": "HelmRelease",
	"metadata": {"name": "podinfo", "namespace": "apps"},
	"spec": object.union({"interval": "10m"}, spec),
}

objs := [git_repo("flux-system", "flux-system"), git_repo("", "unscoped"), helm_repo("flux-system", "podinfo")]

test_same_namespace_source_passes if {
	count(policy.warn) == 0 with input as ks("flux-system", {"kind": "GitRepository", "name": "flux-system"})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_cross_namespace_source_passes if {
	count(policy.warn) == 0 with input as ks("apps", {"kind": "GitRepository", "name": "flux-system", "namespace": "flux-system"})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_source_without_namespace_matches if {
	count(policy.warn) == 0 with input as ks("apps", {"kind": "GitRepository", "name": "unscoped"})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_missing_source_warned_at_name if {
	results := policy.warn with input as ks("flux-system", {"kind": "GitRepository", "name": "podinfo"})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.path == ["spec", "sourceRef", "name"]
	contains(r.msg, "GitRepository `flux-system/podinfo`")
}

test_wrong_namespace_warned if {
	# The namespace defaults to the Kustomization's (`apps`), not flux-system.
	count(policy.warn) == 1 with input as ks("apps", {"kind": "GitRepository", "name": "flux-system"})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_wrong_kind_warned if {
	count(policy.warn) == 1 with input as ks("flux-system", {"kind": "OCIRepository", "name": "flux-system"})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_unknown_namespace_matches_any if {
	count(policy.warn) == 0 with input as object.remove(ks("x", {"kind": "GitRepository", "name": "flux-system"}), ["metadata", "namespace"])
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_external_artifact_ignored if {
	count(policy.warn) == 0 with input as ks("flux-system", {"kind": "ExternalArtifact", "name": "generated"})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_helmrelease_chart_source_passes if {
	count(policy.warn) == 0 with input as hr({"chart": {"spec": {
		"chart": "podinfo",
		"version": "6.5.4",
		"sourceRef": {"kind": "HelmRepository", "name": "podinfo", "namespace": "flux-system"},
	}}})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
}

test_helmrelease_chart_source_missing_warned if {
	# Without a namespace the HelmRepository is looked for in the HelmRelease's (`apps`).
	results := policy.warn with input as hr({"chart": {"spec": {
		"chart": "podinfo",
		"sourceRef": {"kind": "HelmRepository", "name": "podinfo"},
	}}})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	some r in results
	r.path == ["spec", "chart", "spec", "sourceRef", "name"]
	contains(r.msg, "HelmRepository `apps/podinfo`")
}

test_helmrelease_chart_ref_missing_warned if {
	results := policy.warn with input as hr({"chartRef": {"kind": "OCIRepository", "name": "podinfo"}})
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	some r in results
	r.path == ["spec", "chartRef", "name"]
}

test_helmchart_source_namespace_is_its_own if {
	results := policy.warn with input as {
		"apiVersion": "source.toolkit.fluxcd.io/v1",
		"kind": "HelmChart",
		"metadata": {"name": "podinfo", "namespace": "apps"},
		"spec": {"chart": "podinfo", "interval": "10m", "sourceRef": {"kind": "HelmRepository", "name": "podinfo"}},
	}
		with data.gitgate.objects as objs
		with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
}

test_source_of_another_group_does_not_count if {
	other := [entry({"apiVersion": "example.com/v1", "kind": "GitRepository", "metadata": {"name": "podinfo", "namespace": "flux-system"}})]
	count(policy.warn) == 1 with input as ks("flux-system", {"kind": "GitRepository", "name": "podinfo"})
		with data.gitgate.objects as other
		with data.gitgate.index as lib.index_of(other)
}
