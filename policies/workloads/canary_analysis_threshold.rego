# METADATA
# title: Flagger Canary analysis without a failed-checks threshold
# description: >-
#   `spec.analysis.threshold` is the number of failed checks after which Flagger rolls a
#   `Canary` back. Left out (or 0) it defaults to 1: a single failed check, including an
#   interval in which the canary received no traffic yet ("no values found"), rolls the
#   release back. Set it explicitly so the tolerance is a decision, as Flagger's examples do.
# related_resources:
#   - https://docs.flagger.app/usage/how-it-works#canary-analysis
#   - https://docs.flagger.app/usage/deployment-strategies
# custom:
#   id: GG-ROLL-005
#   severity: note
#   kinds: [flagger.app/Canary]
#   recommended_actions: Set `spec.analysis.threshold` (for example `5`) to the number of failed checks to tolerate.
package gitgate.workloads.canary_analysis_threshold

import rego.v1

key := "analysis" if is_object(input.spec.analysis)

key := "canaryAnalysis" if {
	not is_object(input.spec.analysis)
	is_object(input.spec.canaryAnalysis)
}

analysis := input.spec[key] if {
	startswith(input.apiVersion, "flagger.app/")
	input.kind == "Canary"
	not input.spec.skipAnalysis == true
}

location := ["spec", key, "threshold"] if "threshold" in object.keys(analysis)

location := ["spec", key] if not "threshold" in object.keys(analysis)

set if analysis.threshold > 0

warn contains {"msg": msg, "path": location} if {
	is_object(analysis)
	not set
	msg := sprintf(
		"Canary `%s` has no analysis `threshold` (default 1): the first failed check rolls the release back",
		[input.metadata.name],
	)
}
