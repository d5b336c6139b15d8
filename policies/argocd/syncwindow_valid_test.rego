package gitgate.argocd.syncwindow_valid_test

import rego.v1

import data.gitgate.argocd.syncwindow_valid as policy

project(windows) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "AppProject",
	"metadata": {"name": "team-a", "namespace": "argocd"},
	"spec": {"syncWindows": windows},
}

good := {"kind": "allow", "schedule": "0 22 * * 1-5", "duration": "1h30m", "applications": ["*"], "timeZone": "Europe/Berlin"}

paths(windows) := {r.path | some r in policy.deny with input as project(windows)}

test_valid_window_passes if {
	count(policy.deny) == 0 with input as project([good, {"kind": "deny", "schedule": "*/15 * * * *", "duration": "15m", "namespaces": ["kube-*"]}])
}

test_bad_kind if {
	paths([object.union(good, {"kind": "block"})]) == {["spec", "syncWindows", 0, "kind"]}
}

test_missing_kind if {
	paths([object.remove(good, ["kind"])]) == {["spec", "syncWindows", 0, "kind"]}
}

test_bad_schedule if {
	paths([good, object.union(good, {"schedule": "0 25 * * *"})]) == {["spec", "syncWindows", 1, "schedule"]}
}

test_descriptor_schedule_rejected if {
	paths([object.union(good, {"schedule": "@daily"})]) == {["spec", "syncWindows", 0, "schedule"]}
}

test_six_field_schedule_rejected if {
	paths([object.union(good, {"schedule": "0 0 22 * * *"})]) == {["spec", "syncWindows", 0, "schedule"]}
}

test_bad_duration if {
	paths([object.union(good, {"duration": "1 hour"})]) == {["spec", "syncWindows", 0, "duration"]}
	paths([object.union(good, {"duration": "1d"})]) == {["spec", "syncWindows", 0, "duration"]}
	paths([object.remove(good, ["duration"])]) == {["spec", "syncWindows", 0, "duration"]}
}

test_zero_duration if {
	rs := policy.deny with input as project([object.union(good, {"duration": "0s"})])
	some r in rs
	contains(r.msg, "never opens")
}

test_fractional_duration_passes if {
	count(policy.deny) == 0 with input as project([object.union(good, {"duration": "1.5h"})])
}

test_bad_timezone if {
	paths([object.union(good, {"timeZone": "Europe/Atlantis"})]) == {["spec", "syncWindows", 0, "timeZone"]}
}

test_no_selector if {
	paths([object.remove(good, ["applications"])]) == {["spec", "syncWindows", 0]}
}

test_other_kinds_ignored if {
	count(policy.deny) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "spec": {"syncWindows": [{}]}}
}

test_missing_kind_message if {
	rs := policy.deny with input as project([object.remove(good, ["kind"])])
	some r in rs
	contains(r.msg, "has no `kind`")
}

test_malformed_windows_do_not_fail if {
	paths(["deny", object.union(good, {"schedule": 5})]) == {["spec", "syncWindows", 1, "schedule"]}
	count(policy.deny) == 0 with input as object.union(project([]), {"spec": {"syncWindows": "none"}})
}
