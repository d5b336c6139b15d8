# METADATA
# title: Invalid Argo CD sync window
# description: >-
#   An AppProject's `spec.syncWindows` entries need `kind` `allow` or `deny`, a five-field
#   cron `schedule` (minute hour day-of-month month day-of-week; Argo CD does not accept
#   `@daily` descriptors or seconds), a Go `duration` (`1h`, `30m`, `1h30m`) and at least one
#   of `applications`, `namespaces` or `clusters`. Argo CD rejects a project with an invalid
#   window, so none of its windows (or other changes) apply. An unknown `timeZone` is
#   silently replaced by UTC, shifting the window by hours; a zero or negative duration gives
#   a window that is never open.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/sync_windows/
#   - https://argo-cd.readthedocs.io/en/stable/operator-manual/project-specification/
# custom:
#   id: GG-ARGO-025
#   severity: error
#   kinds: [argoproj.io/AppProject]
#   recommended_actions: >-
#     Fix the window: `kind: allow|deny`, a cron schedule such as `0 22 * * *`, a duration such
#     as `1h`, an IANA `timeZone` such as `Europe/Berlin`, and applications, namespaces or
#     clusters it applies to.
package gitgate.argocd.syncwindow_valid

import rego.v1

import data.gitgate.lib

# Malformed input (a string where a list belongs) must not stop the rule.
arr(x) := x if {
	is_array(x)
} else := []

windows := [[i, w] |
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "AppProject"
	some i, w in arr(object.get(input, ["spec", "syncWindows"], []))
	is_object(w)
]

project := input.metadata.name

str(w, key) := v if {
	v := object.get(w, key, "")
	is_string(v)
} else := ""

# "has `kind` `block`", or "has no `kind`" when it is missing or not a string.
has(w, key) := sprintf("has `%s` `%s`", [key, str(w, key)]) if str(w, key) != ""

has(w, key) := sprintf("has no `%s`", [key]) if str(w, key) == ""

# Go time.ParseDuration syntax (checked here: lib.duration_ns raises an error on bad input).
go_duration(d) if regex.match(`^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$`, d)

positive(d) if {
	not startswith(d, "-")
	regex.match(`[1-9]`, d)
}

deny contains {"msg": msg, "path": ["spec", "syncWindows", i, "kind"]} if {
	some [i, w] in windows
	not str(w, "kind") in {"allow", "deny"}
	msg := sprintf("sync window %d of AppProject `%s` %s: it must be `allow` or `deny`", [i, project, has(w, "kind")])
}

deny contains {"msg": msg, "path": ["spec", "syncWindows", i, "schedule"]} if {
	some [i, w] in windows
	not lib.valid_cron(str(w, "schedule"))
	msg := sprintf(
		"sync window %d of AppProject `%s` %s, not a valid five-field cron expression (minute 0-59, hour 0-23, day of month, month, day of week)",
		[i, project, has(w, "schedule")],
	)
}

deny contains {"msg": msg, "path": ["spec", "syncWindows", i, "duration"]} if {
	some [i, w] in windows
	not go_duration(str(w, "duration"))
	msg := sprintf(
		"sync window %d of AppProject `%s` %s, not a Go duration such as `1h` or `30m`",
		[i, project, has(w, "duration")],
	)
}

deny contains {"msg": msg, "path": ["spec", "syncWindows", i, "duration"]} if {
	some [i, w] in windows
	d := str(w, "duration")
	go_duration(d)
	not positive(d)
	msg := sprintf("sync window %d of AppProject `%s` has `duration` `%s`: the window never opens", [i, project, d])
}

deny contains {"msg": msg, "path": ["spec", "syncWindows", i, "timeZone"]} if {
	some [i, w] in windows
	tz := str(w, "timeZone")
	tz != ""
	not lib.valid_timezone(tz)
	msg := sprintf(
		"sync window %d of AppProject `%s` has `timeZone` `%s`, not an IANA time zone: Argo CD falls back to UTC",
		[i, project, tz],
	)
}

selects(w) if {
	some key in ["applications", "namespaces", "clusters"]
	count(arr(object.get(w, key, []))) > 0
}

deny contains {"msg": msg, "path": ["spec", "syncWindows", i]} if {
	some [i, w] in windows
	not selects(w)
	msg := sprintf(
		"sync window %d of AppProject `%s` lists no `applications`, `namespaces` or `clusters`: Argo CD rejects the project",
		[i, project],
	)
}
