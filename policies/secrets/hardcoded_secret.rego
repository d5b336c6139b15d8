# METADATA
# title: Secret-looking value in a ConfigMap or a container environment variable
# description: >-
#   ConfigMaps and `env[].value` are plain text: in Git, in `kubectl describe`, in every
#   reader's RBAC. A password, token or key there is as exposed as a plaintext Secret, and
#   worse, it is not treated as one (no encryption at rest, shown in logs and diffs). Three
#   heuristics, each reported with its own message: the key or variable name looks like a
#   credential (password, secret, token, api key, private key, access key, credentials) and
#   the value is a literal rather than a reference; the value holds a PEM private key; or the
#   value is a long, high-entropy string without whitespace (a generated token or key) and
#   not a URL, path, image reference or template. The value itself is never shown.
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
#   - https://kubernetes.io/docs/concepts/configuration/configmap/
#   - https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/#define-container-environment-variables-using-secret-data
#   - https://fluxcd.io/flux/guides/mozilla-sops/
# custom:
#   id: GG-SEC-003
#   severity: warning
#   kinds: [ConfigMap, Pod, apps/Deployment, apps/StatefulSet, apps/DaemonSet, apps/ReplicaSet, batch/Job, batch/CronJob, argoproj.io/Rollout]
#   tags: [security]
#   sensitive: true
#   recommended_actions: >-
#     Move the value into a Secret (encrypted with SOPS, or a SealedSecret / ExternalSecret)
#     and reference it with `valueFrom.secretKeyRef`, `envFrom.secretRef` or a Secret volume;
#     then rotate it. Tune with the `secret-entropy-threshold` and `secret-key-patterns`
#     policy parameters.
package gitgate.secrets.hardcoded_secret

import rego.v1

import data.gitgate.lib

templated := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

pod_spec := ["spec"] if {
	input.apiVersion == "v1"
	input.kind == "Pod"
}

pod_spec := ["spec", "template", "spec"] if input.kind in templated

pod_spec := ["spec", "jobTemplate", "spec", "template", "spec"] if input.kind == "CronJob"

pod_spec := ["spec", "template", "spec"] if {
	startswith(input.apiVersion, "argoproj.io/")
	input.kind == "Rollout"
}

# --- name heuristic -------------------------------------------------------------------------

# `dbPassword`, `DB_PASSWORD`, `db-password`, `APIKey` → lower-case words.
words(name) := [w |
	camel := regex.replace(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}"), `([A-Z]+)([A-Z][a-z])`, "${1}_${2}")
	some w in regex.split(`[^a-z0-9]+`, lower(camel))
	w != ""
]

credential_words := {
	"password", "passwords", "passwd", "pass", "pwd", "secret", "secrets", "token", "tokens", "apikey",
	"privatekey", "accesskey", "secretkey", "clientsecret", "credential", "credentials",
}

# Two-word credentials: `api_key`, `private-key`, `accessKey`, `ENCRYPTION_KEY`.
credential_pairs := {
	["api", "key"], ["private", "key"], ["access", "key"], ["encryption", "key"], ["signing", "key"],
}

# The name is about a credential but names something else: `TOKEN_URL`, `PASSWORD_FILE`,
# `SECRET_NAME`, `TOKEN_TTL`.
qualifiers := {
	"file", "path", "dir", "url", "uri", "endpoint", "host", "name", "ref", "ttl", "expiry",
	"expiration", "lifetime", "length", "size", "type", "mode", "enabled", "enable", "disabled",
	"header", "field", "location", "duration", "timeout", "interval", "seconds", "policy",
	"format", "version", "count", "min", "max", "regex", "pattern", "audience", "issuer", "scope",
	"scopes", "provider", "store", "backend", "algorithm", "prefix", "suffix", "namespace", "mount",
}

credential_name(name) if {
	ws := words(name)
	not ws[count(ws) - 1] in qualifiers
	credential_words_in(ws)
}

credential_name(name) if {
	some pattern in key_patterns
	regex.match(concat("", ["(?i)", pattern]), name)
}

# `secret-key-patterns`: extra regular expressions (case-insensitive) a credential name matches.
key_patterns := p if {
	p := lib.param("secret-key-patterns", [])
	is_array(p)
}

key_patterns := [p] if {
	p := lib.param("secret-key-patterns", [])
	is_string(p)
}

# `secret-entropy-threshold`: bits per character from which a token-like value is reported.
entropy_threshold := to_number(lib.param("secret-entropy-threshold", 4.0))

credential_words_in(ws) if {
	some w in ws
	w in credential_words
}

credential_words_in(ws) if {
	some i in numbers.range(0, count(ws) - 2)
	[ws[i], ws[i + 1]] in credential_pairs
}

# A reference or template, not a literal: `${VAR}`, `$(VAR)`, `{{ .Values.x }}`.
reference(v) if contains(v, "${")

reference(v) if contains(v, "$(")

reference(v) if contains(v, "{{")

trivial := {"true", "false", "yes", "no", "on", "off", "enabled", "disabled", "none", "null", "nil"}

# Obviously not a secret: a flag, or a short number (a port, a count).
not_secret(v) if lower(trim_space(v)) in trivial

not_secret(v) if regex.match(`^[0-9]{1,5}$`, trim_space(v))

literal_credential(name, v) if {
	trim_space(v) != ""
	not reference(v)
	not not_secret(v)
	credential_name(name)
}

# --- content heuristics ---------------------------------------------------------------------

pem_private_key(v) if regex.match(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY`, v)

# Values that are long and varied but not secrets.
benign(v) if contains(v, "://")

benign(v) if regex.match(`^(/|\./|\.\./|~/)`, v)

benign(v) if reference(v)

# `ghcr.io/org/app:1.2.3`, `registry:5000/app@sha256:…`
benign(v) if regex.match(`^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?(@sha256:[a-f0-9]{64})?$`, v)

# A token: base64 / base64url / JWT characters (`=` only as padding), letters and digits.
token_like(v) if {
	regex.match(`^[A-Za-z0-9+/_.~-]+=*$`, v)
	not startswith(v, "-")
	regex.match(`[0-9]`, v)
	regex.match(`[A-Za-z]`, v)
}

high_entropy(v) if {
	count(v) >= 20
	token_like(v)
	not benign(v)
	lib.entropy(v) >= entropy_threshold
}

# What a value looks like, most specific first: one finding per value.
finding(name, v) := "a PEM private key" if pem_private_key(v)

else := "a literal credential (the name looks like a password, token or key)" if literal_credential(name, v)

else := "a high-entropy string that looks like a token or key" if high_entropy(v)

# --- results --------------------------------------------------------------------------------

# A SOPS-encrypted document is GG-SEC-002's: its values are `ENC[…]`, or that rule reports them.
sops if "sops" in object.keys(input)

warn contains {"msg": msg, "path": ["data", key]} if {
	input.apiVersion == "v1"
	input.kind == "ConfigMap"
	not sops
	some key, v in input.data
	is_string(v)
	what := finding(key, v)
	msg := sprintf("ConfigMap `%s` key `%s` holds %s; keep it in a Secret", [input.metadata.name, key, what])
}

warn contains {"msg": msg, "path": array.concat(pod_spec, [field, i, "env", j, "value"])} if {
	not sops
	spec := object.get(input, pod_spec, {})
	some field in ["initContainers", "containers", "ephemeralContainers"]
	some i, container in object.get(spec, field, [])
	some j, env in object.get(container, "env", [])
	is_string(env.value)
	what := finding(env.name, env.value)
	msg := sprintf(
		"%s `%s` container `%s` sets env `%s` to %s; use `valueFrom.secretKeyRef`",
		[input.kind, input.metadata.name, container.name, env.name, what],
	)
}
