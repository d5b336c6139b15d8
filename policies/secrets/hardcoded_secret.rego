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

# This rule reads every value of every ConfigMap and container: most of it is written for
# speed (regorus evaluates each builtin call, rule and function at a cost, per object). The
# heuristics are in `finding`; the "candidates" section only picks, with a few calls per
# object, the values `finding` may report, and hands it every one of them.

# --- name heuristic -------------------------------------------------------------------------

# `dbPassword`, `DB_PASSWORD`, `db-password`, `APIKey` → lower-case words.
words(name) := [w |
	camel := regex.replace(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}"), `([A-Z]+)([A-Z][a-z])`, "${1}_${2}")
	some w in regex.split(`[^a-z0-9]+`, lower(camel))
	w != ""
]

# `words` without regular expressions for the usual names: only lower-case letters, digits and
# `_` `-` `.` (no camel case to split), or only capitals and `_` `-` `.` (none either: a split
# needs a lower-case letter or a digit before a capital, or a capital before a lower-case one).
name_words(name) := [w | some w in split(replace(replace(name, "-", "_"), ".", "_"), "_"); w != ""] if {
	trim(name, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == ""
} else := [w | some w in split(replace(replace(lower(name), "-", "_"), ".", "_"), "_"); w != ""] if {
	trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") == ""
} else := words(name)

credential_words := {
	"password", "passwords", "passwd", "pass", "pwd", "secret", "secrets", "token", "tokens", "apikey",
	"privatekey", "accesskey", "secretkey", "clientsecret", "credential", "credentials",
}

# Two-word credentials: `api_key`, `private-key`, `accessKey`, `ENCRYPTION_KEY`.
credential_pairs := {
	["api", "key"], ["private", "key"], ["access", "key"], ["encryption", "key"], ["signing", "key"],
}

# The name is about a credential but names something else: `TOKEN_URL`, `PASSWORD_FILE`,
# `SECRET_NAME`, `TOKEN_TTL`. (`qualified` below lists them too.)
qualifiers := {
	"file", "path", "dir", "url", "uri", "endpoint", "host", "name", "ref", "ttl", "expiry",
	"expiration", "lifetime", "length", "size", "type", "mode", "enabled", "enable", "disabled",
	"header", "field", "location", "duration", "timeout", "interval", "seconds", "policy",
	"format", "version", "count", "min", "max", "regex", "pattern", "audience", "issuer", "scope",
	"scopes", "provider", "store", "backend", "algorithm", "prefix", "suffix", "namespace", "mount",
}

credential_name(name) if {
	ws := name_words(name)
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

# A literal (not a reference or a template), and not obviously something else: a flag, or a
# short number (a port, a count).
literal_credential(name, v) if {
	t := trim_space(v)
	t != ""
	not reference(v)
	not lower(t) in trivial
	not regex.match(`^[0-9]{1,5}$`, t)
	credential_name(name)
}

# --- content heuristics ---------------------------------------------------------------------

pem_private_key(v) if {
	contains(v, "PRIVATE KEY")
	regex.match(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY`, v)
}

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

# --- candidates -----------------------------------------------------------------------------

# Indexes of the entries (`[name, value, …]`, string names and values) `finding` may report.
# From the lower-cased JSON text of the entries, in a handful of calls: with no escaped quote
# in it, entry k's name lies between quotes number s·k and s·k+1 and its value between s·k+2
# and s·k+3 (`s` quotes per entry), and each of `pass`, `pwd`, `secret`, `token`, `key`,
# `credential` and `private` gets a mark (U+0001, which JSON text never holds raw) on its
# first letter. An entry is a candidate if
# - its name is marked (every credential word and pair holds one of those, so every literal
#   credential's name does) and does not end with a qualifier (`qualified`);
# - its value is marked and holds `PRIVATE` (as every PEM private key does);
# - its value is at least 20 token characters (`=` included) with a digit (as every
#   high-entropy one is).
# With `secret-key-patterns`, any name may be a credential's; then, and when the JSON text
# has an escaped quote, every entry is a candidate.
candidates(entries, s) := ks if {
	not key_patterns_given
	text := lower(json.marshal(entries))
	not contains(text, `\"`)
	quotes := indexof_n(text, `"`)
	marks := indexof_n(
		strings.replace_n(
			{
				"pass": "\u0001ass", "pwd": "\u0001wd", "secret": "\u0001ecret", "token": "\u0001oken",
				"key": "\u0001ey", "credential": "\u0001redential", "private": "\u0001rivate",
			},
			text,
		),
		"\u0001",
	)
	ks := {k |
		some m in marks
		some k, e in entries
		quotes[s * k] < m
		m < quotes[(s * k) + 1]
		not qualified(e[0])
	} | {k |
		some m in marks
		some k, e in entries
		quotes[(s * k) + 2] < m
		m < quotes[(s * k) + 3]
		contains(e[1], "PRIVATE")
	} | {k |
		some k, e in entries
		quotes[(s * k) + 3] - quotes[(s * k) + 2] > 20
		trim(e[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_.~=-") == ""
		trim(e[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/_.~=-") != ""
	}
} else := {k | some k, _ in entries}

# `secret-key-patterns` is a string or a non-empty array (`key_patterns` has a pattern).
key_patterns_given if {
	ps := [p | p := data.gitgate.params["secret-key-patterns"]]
	[ps[0] >= "", ps[0] < {}, ps[0] != []] == [true, true, true]
}

# The name (without `"`) ends with `_`, `-` or `.` and a qualifier in lower case, capitals or
# capitalised: the last of its `words` is that qualifier.
qualified(name) if regex.match(
	`(?x) [_.\-] (?:
			  file | FILE | File | path | PATH | Path | dir | DIR | Dir
			| url | URL | Url | uri | URI | Uri | endpoint | ENDPOINT | Endpoint
			| host | HOST | Host | name | NAME | Name | ref | REF | Ref
			| ttl | TTL | Ttl | expiry | EXPIRY | Expiry | expiration | EXPIRATION | Expiration
			| lifetime | LIFETIME | Lifetime | length | LENGTH | Length | size | SIZE | Size
			| type | TYPE | Type | mode | MODE | Mode | enabled | ENABLED | Enabled
			| enable | ENABLE | Enable | disabled | DISABLED | Disabled | header | HEADER | Header
			| field | FIELD | Field | location | LOCATION | Location | duration | DURATION | Duration
			| timeout | TIMEOUT | Timeout | interval | INTERVAL | Interval | seconds | SECONDS | Seconds
			| policy | POLICY | Policy | format | FORMAT | Format | version | VERSION | Version
			| count | COUNT | Count | min | MIN | Min | max | MAX | Max
			| regex | REGEX | Regex | pattern | PATTERN | Pattern | audience | AUDIENCE | Audience
			| issuer | ISSUER | Issuer | scope | SCOPE | Scope | scopes | SCOPES | Scopes
			| provider | PROVIDER | Provider | store | STORE | Store | backend | BACKEND | Backend
			| algorithm | ALGORITHM | Algorithm | prefix | PREFIX | Prefix | suffix | SUFFIX | Suffix
			| namespace | NAMESPACE | Namespace | mount | MOUNT | Mount
		) "`,
	concat("", [name, `"`]),
)

# --- results --------------------------------------------------------------------------------

pod_spec := [["spec"], input.spec] if {
	input.kind == "Pod"
	input.apiVersion == "v1"
} else := [["spec", "template", "spec"], input.spec.template.spec] if {
	input.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}
} else := [["spec", "jobTemplate", "spec", "template", "spec"], input.spec.jobTemplate.spec.template.spec] if {
	input.kind == "CronJob"
} else := [["spec", "template", "spec"], input.spec.template.spec] if {
	input.kind == "Rollout"
	startswith(input.apiVersion, "argoproj.io/")
}

# A SOPS-encrypted document (a `sops` key) is GG-SEC-002's: its values are `ENC[…]`, or that
# rule reports them. (`x >= ""` and `x < []` hold for strings only.)
warn contains {"msg": msg, "path": ["data", e[0]]} if {
	input.kind == "ConfigMap"
	input.apiVersion == "v1"
	not input.sops == input.sops
	entries := [[key, v] | some key, v in input.data; v >= ""; v < []]
	some k in candidates(entries, 4)
	e := entries[k]
	what := finding(e[0], e[1])
	msg := sprintf("ConfigMap `%s` key `%s` holds %s; keep it in a Secret", [input.metadata.name, e[0], what])
}

warn contains {"msg": msg, "path": array.concat(pod[0], [e[2], e[3], "env", e[4], "value"])} if {
	input.kind != "ConfigMap"
	not input.sops == input.sops
	pod := pod_spec
	entries := [[env.name, v, field, i, j] |
		some field in ["initContainers", "containers", "ephemeralContainers"]
		some i, container in pod[1][field]
		some j, env in container.env
		v := env.value
		v >= ""
		v < []
		env.name >= ""
		env.name < []
	]
	some k in candidates(entries, 6)
	e := entries[k]
	what := finding(e[0], e[1])
	msg := sprintf(
		"%s `%s` container `%s` sets env `%s` to %s; use `valueFrom.secretKeyRef`",
		[input.kind, input.metadata.name, pod[1][e[2]][e[3]].name, e[0], what],
	)
}
