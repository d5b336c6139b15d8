package gitgate.argocd.syncwindow_manual_sync_test

import rego.v1

import data.gitgate.argocd.syncwindow_manual_sync as policy

project(windows) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "AppProject",
	"metadata": {"name": "team-a", "namespace": "argocd"},
	"spec": {"syncWindows": windows},
}

window(kind, manual) := {"kind": kind, "schedule": "0 22 * * *", "duration": "1h", "applications": ["*"], "manualSync": manual}

test_without_manual_sync_passes if {
	count(policy.warn) == 0 with input as project([window("deny", false), {"kind": "allow", "schedule": "0 9 * * *", "duration": "1h", "namespaces": ["web"]}])
}

test_manual_sync_on_deny_window if {
	rs := policy.warn with input as project([window("allow", false), window("deny", true)])
	count(rs) == 1
	some r in rs
	r.path == ["spec", "syncWindows", 1, "manualSync"]
	contains(r.msg, "deny window is open")
}

test_manual_sync_on_allow_window if {
	rs := policy.warn with input as project([window("allow", true)])
	some r in rs
	contains(r.msg, "allow window is closed")
}
