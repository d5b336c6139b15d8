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

# Each `warn` rule below reads [name, value, …] entries with string names and values (`x >= ""`
# and `x < []` hold for strings only) and picks the ones `finding` may report with a handful
# of calls, from the lower-cased JSON text of the entries. With no escaped quote in it, the
# quotes before position p tell which entry and which string p is in (entry k's name follows
# quote s·k, its value quote s·k+2, for `s` quotes per entry: 4 for [name, value], 6 for
# [name, value, field, i, j]). Each of `pass`, `pwd`, `secret`, `token`, `key`, `credential`
# and `private` gets a mark (U+0001, which JSON text never holds raw) on its first letter. An
# entry is a candidate if
# - its name is marked (every credential word and pair holds one of those, so every literal
#   credential's name does) and does not end with a qualifier (`qualified`);
# - its value is marked and holds `PRIVATE` (as every PEM private key does);
# - its value is at least 20 token characters (`=` included) with a digit, as every
#   high-entropy one is (the value's quotes are then more than 20 characters apart).
# With `secret-key-patterns` (a string or a non-empty array) any name may be a credential's:
# then, and when the JSON text has an escaped quote, every entry is a candidate (`ok` empty).
# The rules are written out in full, without helper rules, because regorus evaluates every
# rule and call at a cost, for every object.

# A mark in the name (one quote before it in the entry), or in the value (three).
marked_candidate(e, 1) if not qualified(e[0])

marked_candidate(e, 3) if contains(e[1], "PRIVATE")

# The name (without `"`) ends with `_`, `-` or `.` and a qualifier in lower case, capitals or
# capitalised: the last of its `words` is that qualifier.
qualified(name) if regex.match(
	`(?x)
		  _file" | _FILE" | _File" | _path" | _PATH" | _Path"
		| _dir" | _DIR" | _Dir" | _url" | _URL" | _Url"
		| _uri" | _URI" | _Uri" | _endpoint" | _ENDPOINT" | _Endpoint"
		| _host" | _HOST" | _Host" | _name" | _NAME" | _Name"
		| _ref" | _REF" | _Ref" | _ttl" | _TTL" | _Ttl"
		| _expiry" | _EXPIRY" | _Expiry" | _expiration" | _EXPIRATION" | _Expiration"
		| _lifetime" | _LIFETIME" | _Lifetime" | _length" | _LENGTH" | _Length"
		| _size" | _SIZE" | _Size" | _type" | _TYPE" | _Type"
		| _mode" | _MODE" | _Mode" | _enabled" | _ENABLED" | _Enabled"
		| _enable" | _ENABLE" | _Enable" | _disabled" | _DISABLED" | _Disabled"
		| _header" | _HEADER" | _Header" | _field" | _FIELD" | _Field"
		| _location" | _LOCATION" | _Location" | _duration" | _DURATION" | _Duration"
		| _timeout" | _TIMEOUT" | _Timeout" | _interval" | _INTERVAL" | _Interval"
		| _seconds" | _SECONDS" | _Seconds" | _policy" | _POLICY" | _Policy"
		| _format" | _FORMAT" | _Format" | _version" | _VERSION" | _Version"
		| _count" | _COUNT" | _Count" | _min" | _MIN" | _Min"
		| _max" | _MAX" | _Max" | _regex" | _REGEX" | _Regex"
		| _pattern" | _PATTERN" | _Pattern" | _audience" | _AUDIENCE" | _Audience"
		| _issuer" | _ISSUER" | _Issuer" | _scope" | _SCOPE" | _Scope"
		| _scopes" | _SCOPES" | _Scopes" | _provider" | _PROVIDER" | _Provider"
		| _store" | _STORE" | _Store" | _backend" | _BACKEND" | _Backend"
		| _algorithm" | _ALGORITHM" | _Algorithm" | _prefix" | _PREFIX" | _Prefix"
		| _suffix" | _SUFFIX" | _Suffix" | _namespace" | _NAMESPACE" | _Namespace"
		| _mount" | _MOUNT" | _Mount"
	`,
	concat("", [strings.replace_n({"-": "_", ".": "_"}, name), `"`]),
)

# --- results --------------------------------------------------------------------------------

# A SOPS-encrypted document (a `sops` key: `x == x` holds when `x` is there) is GG-SEC-002's:
# its values are `ENC[…]`, or that rule reports them.
warn contains {"msg": msg, "path": ["data", e[0]]} if {
	input.kind == "ConfigMap"
	input.apiVersion == "v1"
	not input.sops == input.sops
	entries := [[key, v] | some key, v in input.data; v >= ""; v < []]
	# Indexes of the entries `finding` may report (see "candidates" above).
	text := lower(json.marshal(entries))
	ok := [1 |
		ps := [p | p := data.gitgate.params["secret-key-patterns"]]
		not [ps[0] >= "", ps[0] < {}, ps[0] != []] == [true, true, true]
		not contains(text, `\"`)
	]
	quotes := indexof_n(text, `"`)
	some k in {x |
		ok[0]
		some m in indexof_n(
			strings.replace_n(
				{
					"pass": "\u0001ass", "pwd": "\u0001wd", "secret": "\u0001ecret", "token": "\u0001oken",
					"key": "\u0001ey", "credential": "\u0001redential", "private": "\u0001rivate",
				},
				text,
			),
			"\u0001",
		)
		c := strings.count(substring(text, 0, m), `"`)
		x := (c - (c % 4)) / 4
		marked_candidate(entries[x], c % 4)
	} | {x |
		ok[0]
		some x, y in entries
		quotes[(4 * x) + 3] - quotes[(4 * x) + 2] > 20
		trim(y[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_.~=-") == ""
		trim(y[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/_.~=-") != ""
	} | {x |
		not ok[0]
		some x, _ in entries
	}
	e := entries[k]
	what := finding(e[0], e[1])
	msg := sprintf("ConfigMap `%s` key `%s` holds %s; keep it in a Secret", [input.metadata.name, e[0], what])
}

# The pod spec by kind, and the apiVersion it needs ([from, to): "v1" only for a Pod,
# `argoproj.io/…` for a Rollout, any other (or none: null) for the rest).
warn contains {"msg": msg, "path": array.concat(pod[0], [e[2], e[3], "env", e[4], "value"])} if {
	pod := {
		"Pod": [["spec"], "v1", "v1\u0000"],
		"Deployment": [["spec", "template", "spec"], null, {}],
		"StatefulSet": [["spec", "template", "spec"], null, {}],
		"DaemonSet": [["spec", "template", "spec"], null, {}],
		"ReplicaSet": [["spec", "template", "spec"], null, {}],
		"Job": [["spec", "template", "spec"], null, {}],
		"CronJob": [["spec", "jobTemplate", "spec", "template", "spec"], null, {}],
		"Rollout": [["spec", "template", "spec"], "argoproj.io/", "argoproj.io0"],
	}[input.kind]
	not input.sops == input.sops
	api_version := object.get(input, "apiVersion", null)
	api_version >= pod[1]
	api_version < pod[2]
	spec := object.get(input, pod[0], {})
	entries := [[env.name, v, field, i, j] |
		some field in ["initContainers", "containers", "ephemeralContainers"]
		some i, container in spec[field]
		some j, env in container.env
		v := env.value
		v >= ""
		v < []
		env.name >= ""
		env.name < []
	]
	# Indexes of the entries `finding` may report (see "candidates" above).
	text := lower(json.marshal(entries))
	ok := [1 |
		ps := [p | p := data.gitgate.params["secret-key-patterns"]]
		not [ps[0] >= "", ps[0] < {}, ps[0] != []] == [true, true, true]
		not contains(text, `\"`)
	]
	quotes := indexof_n(text, `"`)
	some k in {x |
		ok[0]
		some m in indexof_n(
			strings.replace_n(
				{
					"pass": "\u0001ass", "pwd": "\u0001wd", "secret": "\u0001ecret", "token": "\u0001oken",
					"key": "\u0001ey", "credential": "\u0001redential", "private": "\u0001rivate",
				},
				text,
			),
			"\u0001",
		)
		c := strings.count(substring(text, 0, m), `"`)
		x := (c - (c % 6)) / 6
		marked_candidate(entries[x], c % 6)
	} | {x |
		ok[0]
		some x, y in entries
		quotes[(6 * x) + 3] - quotes[(6 * x) + 2] > 20
		trim(y[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_.~=-") == ""
		trim(y[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/_.~=-") != ""
	} | {x |
		not ok[0]
		some x, _ in entries
	}
	e := entries[k]
	what := finding(e[0], e[1])
	msg := sprintf(
		"%s `%s` container `%s` sets env `%s` to %s; use `valueFrom.secretKeyRef`",
		[input.kind, input.metadata.name, spec[e[2]][e[3]].name, e[0], what],
	)
}
