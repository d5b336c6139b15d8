# METADATA
# title: HelmRelease without install or upgrade retries
# description: >-
#   `spec.install.remediation.retries` and `spec.upgrade.remediation.retries` default to 0:
#   after one failed Helm install or upgrade (a hook that times out, a pod slow to become
#   ready), helm-controller stops trying and the release stays failed until its spec or chart
#   changes or someone runs `flux reconcile --force`. A number of retries (a negative number
#   retries forever) lets a transient failure heal, with an uninstall or rollback between
#   attempts. An action using the `RetryOnFailure` strategy retries without remediation and
#   is not reported.
# related_resources:
#   - https://fluxcd.io/flux/components/helm/helmreleases/#install-remediation
#   - https://fluxcd.io/flux/components/helm/helmreleases/#upgrade-remediation
#   - https://fluxcd.io/flux/components/helm/helmreleases/#configuring-failure-handling
# custom:
#   id: GG-FLUX-011
#   severity: warning
#   kinds: [helm.toolkit.fluxcd.io/HelmRelease]
#   recommended_actions: 'Set `spec.install.remediation.retries` and `spec.upgrade.remediation.retries` (e.g. `3`), or use `strategy: {name: RetryOnFailure}`.'
package gitgate.flux.helmrelease_remediation

import rego.v1

retries(action) if {
	n := input.spec[action].remediation.retries
	is_number(n)
	n != 0
}

retries(action) if input.spec[action].strategy.name == "RetryOnFailure"

warn contains {"msg": msg, "path": ["spec", action, "remediation", "retries"]} if {
	startswith(input.apiVersion, "helm.toolkit.fluxcd.io/")
	input.kind == "HelmRelease"
	some action in ["install", "upgrade"]
	not retries(action)
	msg := sprintf(
		"HelmRelease `%s` does not retry a failed %s (`spec.%s.remediation.retries` is 0 or unset): one failure leaves the release failed",
		[input.metadata.name, action, action],
	)
}
