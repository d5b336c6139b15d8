# METADATA
# title: Flux ImagePolicy with an invalid semver range
# description: >-
#   An ImagePolicy with `spec.policy.semver.range` selects the newest image tag within that
#   range (a Masterminds/semver constraint such as `>=1.0.0 <2.0.0`, `~1.2`, `1.x`). A
#   range that does not parse makes the policy fail: no latest image is ever selected, and
#   ImageUpdateAutomation stops updating the manifests that use it.
# related_resources:
#   - https://fluxcd.io/flux/components/image/imagepolicies/#semver
#   - https://github.com/Masterminds/semver#checking-version-constraints
# custom:
#   id: GG-FLUX-013
#   severity: error
#   kinds: [image.toolkit.fluxcd.io/ImagePolicy]
#   recommended_actions: 'Write a valid semver constraint, e.g. `range: ">=1.0.0 <2.0.0"`, `range: 1.x` or `range: ~1.2.0`.'
package gitgate.flux.image_policy_semver

import rego.v1

import data.gitgate.lib

deny contains {"msg": msg, "path": ["spec", "policy", "semver", "range"]} if {
	startswith(input.apiVersion, "image.toolkit.fluxcd.io/")
	input.kind == "ImagePolicy"
	range := input.spec.policy.semver.range
	# A range that is not a string is a schema error.
	is_string(range)
	not valid(range)
	msg := sprintf(
		"ImagePolicy `%s` has semver range `%s`, which is not a valid semver constraint: no image is selected",
		[input.metadata.name, range],
	)
}

valid(range) if contains(range, "${")

valid(range) if lib.valid_semver_range(range)
