# METADATA
# title: Argo CD sync window lets manual syncs through
# description: >-
#   `manualSync: true` on a sync window lets anyone allowed to sync the Application start a
#   manual sync that the window would otherwise block: during a `deny` window, or outside an
#   `allow` window. That is the intended escape hatch for emergencies, but it means the
#   window restricts only automated syncs; make sure that is what the change policy wants.
# related_resources:
#   - https://argo-cd.readthedocs.io/en/stable/user-guide/sync_windows/
# custom:
#   id: GG-ARGO-028
#   severity: note
#   kinds: [argoproj.io/AppProject]
#   recommended_actions: >-
#     Keep `manualSync: true` only where manual syncs must bypass the window; restrict who may
#     sync with the project's roles.
package gitgate.argocd.syncwindow_manual_sync

import rego.v1

# Malformed input (a string where a list belongs) must not stop the rule.
arr(x) := x if {
	is_array(x)
} else := []

when := {
	"deny": "while this deny window is open",
	"allow": "while this allow window is closed",
}

warn contains {"msg": msg, "path": ["spec", "syncWindows", i, "manualSync"]} if {
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "AppProject"
	some i, w in arr(object.get(input, ["spec", "syncWindows"], []))
	is_object(w)
	w.manualSync == true
	msg := sprintf(
		"sync window %d of AppProject `%s` has `manualSync: true`: manual syncs are allowed %s",
		[i, input.metadata.name, object.get(when, object.get(w, "kind", ""), "during the window")],
	)
}
