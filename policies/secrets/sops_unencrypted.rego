# METADATA
# title: SOPS-encrypted file with unencrypted values or no MAC
# description: >-
#   A document with a `sops:` block was encrypted with SOPS, but a value SOPS should have
#   encrypted is in plaintext: it was added or edited after encryption, or the file was
#   decrypted and committed with its metadata. The value is readable in Git, and decryption
#   fails (SOPS cannot decrypt a plaintext value, and the MAC no longer matches), so Flux
#   cannot apply the object. Only the values SOPS's `encrypted_regex`, `encrypted_suffix`,
#   `unencrypted_regex` or `unencrypted_suffix` (default `_unencrypted`) select must be
#   encrypted; `apiVersion`, `kind` and `metadata` are not checked. A `sops:` block without
#   `mac` cannot be verified, and SOPS refuses to decrypt it.
# related_resources:
#   - https://getsops.io/docs/#encrypting-only-parts-of-a-file
#   - https://getsops.io/docs/#message-authentication-code
#   - https://fluxcd.io/flux/guides/mozilla-sops/
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#decryption
# custom:
#   id: GG-SEC-002
#   severity: error
#   tags: [security]
#   sensitive: true
#   recommended_actions: >-
#     Re-encrypt the file with `sops --encrypt --in-place` (or edit it with `sops FILE`, which
#     encrypts on save), and rotate any value that was committed in plaintext.
package gitgate.secrets.sops_unencrypted

import rego.v1

# No `kinds`: SOPS encrypts documents of any kind (Secrets, ConfigMaps, Helm values, …), so
# this rule runs on every object. Its first condition stops the objects without a `sops:`
# block (`x >= {}` holds for objects only: they sort after every other type). The rest is
# written for speed: one rule body, comprehensions rather than helper rules, comparisons
# rather than type builtins (regorus evaluates each rule, function and builtin call at a cost).
deny contains result if {
	input.sops >= {}

	# The selection settings that are set (non-empty strings), by name.
	settings := {name: s |
		some name, s in object.filter(input.sops, [
			"encrypted_regex", "encrypted_suffix", "unencrypted_regex", "unencrypted_suffix",
			"encrypted_comment_regex", "unencrypted_comment_regex",
		])
		s >= ""
		s < []
		s != ""
	}

	# Values SOPS should have encrypted and did not. Not checked: what SOPS does not encrypt in
	# Kubernetes files (`sops`, `apiVersion`, `kind`, `metadata`), and files that select by
	# comments (`*_comment_regex`: what they select is not in the object). A scalar (a
	# boolean, a number or a string) sorts after null and before arrays. Encrypted values look
	# like `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`, whatever their type: a string in
	# ["ENC[", "ENC\\") starts with `ENC[`.
	unencrypted := {{"msg": msg, "path": path} |
		not settings.encrypted_comment_regex
		not settings.unencrypted_comment_regex
		some top, value in object.remove(input, ["sops", "apiVersion", "kind", "metadata"])
		walk(value, [sub, leaf])
		leaf > null
		leaf < []
		not [leaf |
			leaf >= "ENC["
			leaf < "ENC\\"
			endswith(leaf, "]")
		][0]
		path := array.concat([top], sub)
		not excluded(path, settings)
		msg := sprintf(
			"%s `%s` is SOPS-encrypted but the value at `%s` is not: it is readable in Git and SOPS cannot decrypt the file",
			[input.kind, object.get(input, ["metadata", "name"], "?"), dotted(path)],
		)
	}

	# A `sops:` block without `mac` (`x == x` holds when `x` is there, whatever its value), or
	# with one that is not a non-empty string: SOPS cannot verify the file.
	no_mac := {{"msg": msg, "path": ["sops"]} |
		not input.sops.mac == input.sops.mac
		msg := sprintf(
			"%s `%s` has a `sops:` block without `mac`: SOPS cannot verify the file and refuses to decrypt it",
			[input.kind, object.get(input, ["metadata", "name"], "?")],
		)
	}
	bad_mac := {{"msg": msg, "path": ["sops", "mac"]} |
		mac := input.sops.mac
		not [mac >= "", mac < [], mac != ""] == [true, true, true]
		msg := sprintf(
			"%s `%s` has an empty or invalid SOPS `mac`: SOPS cannot verify the file and refuses to decrypt it",
			[input.kind, object.get(input, ["metadata", "name"], "?")],
		)
	}

	some result in (unencrypted | no_mac) | bad_mac
}

# SOPS's shouldBeEncrypted on the path of a value: every key on it counts, array indices do
# not (`k >= ""` and `k < []` hold for strings only). With no selection setting, SOPS uses
# `unencrypted_suffix: _unencrypted`. Excluded if any condition holds: tried in turn.
excluded(path, settings) if {
	# The usual setting (`sops --encrypted-regex '^(data|stringData)$'`), without a regex call.
	settings.encrypted_regex == "^(data|stringData)$"
	not [k |
		some k in path
		k in {"data", "stringData"}
	][0]
} else if {
	r := settings.encrypted_regex
	r != "^(data|stringData)$"
	not [k |
		some k in path
		k >= ""
		k < []
		regex.match(r, k)
	][0]
} else if {
	s := settings.unencrypted_suffix
	some k in path
	k >= ""
	k < []
	endswith(k, s)
} else if {
	not settings.encrypted_regex
	not settings.encrypted_suffix
	not settings.unencrypted_regex
	not settings.unencrypted_suffix
	some k in path
	k >= ""
	k < []
	endswith(k, "_unencrypted")
} else if {
	s := settings.encrypted_suffix
	not [k |
		some k in path
		k >= ""
		k < []
		endswith(k, s)
	][0]
} else if {
	r := settings.unencrypted_regex
	some k in path
	k >= ""
	k < []
	regex.match(r, k)
}

# `data.password`, `items[0].value`: where the value is, by key names only.
dotted(path) := trim_prefix(concat("", [segment(k) | some k in path]), ".")

segment(k) := concat("", [".", k]) if is_string(k)

segment(k) := sprintf("[%d]", [k]) if is_number(k)
