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
# this rule runs on every object and stops at once on the ones without a `sops:` block.

sops := input.sops if is_object(input.sops)

# Not part of the payload SOPS encrypts in Kubernetes files.
skipped := {"sops", "apiVersion", "kind", "metadata"}

setting(name) := s if {
	s := sops[name]
	is_string(s)
	s != ""
}

# With no selection setting, SOPS uses `unencrypted_suffix: _unencrypted`.
selectors := {"encrypted_regex", "encrypted_suffix", "unencrypted_regex", "unencrypted_suffix"}

default_suffix if every name in selectors {
	not setting(name)
}

unencrypted_suffix := setting("unencrypted_suffix")

unencrypted_suffix := "_unencrypted" if default_suffix

# Selection by comments: what it selects is not in the object, so values are not checked.
by_comments if setting("encrypted_comment_regex")

by_comments if setting("unencrypted_comment_regex")

# SOPS's shouldBeEncrypted: every key on the path counts; array indices do not.
keys_of(path) := [k | some k in path; is_string(k)]

excluded(keys) if {
	some k in keys
	endswith(k, unencrypted_suffix)
}

excluded(keys) if {
	s := setting("encrypted_suffix")
	not any_suffix(keys, s)
}

excluded(keys) if {
	some k in keys
	regex.match(setting("unencrypted_regex"), k)
}

excluded(keys) if {
	r := setting("encrypted_regex")
	not any_match(keys, r)
}

any_suffix(keys, s) if {
	some k in keys
	endswith(k, s)
}

any_match(keys, r) if {
	some k in keys
	regex.match(r, k)
}

# Encrypted values look like `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`, whatever their type.
encrypted(v) if {
	is_string(v)
	startswith(v, "ENC[")
	endswith(v, "]")
}

scalar(v) if is_string(v)

scalar(v) if is_number(v)

scalar(v) if is_boolean(v)

deny contains {"msg": msg, "path": path} if {
	is_object(sops)
	not by_comments
	some top, value in input
	not top in skipped
	walk(value, [sub, leaf])
	scalar(leaf)
	not encrypted(leaf)
	path := array.concat([top], sub)
	not excluded(keys_of(path))
	msg := sprintf(
		"%s `%s` is SOPS-encrypted but the value at `%s` is not: it is readable in Git and SOPS cannot decrypt the file",
		[input.kind, object.get(input, ["metadata", "name"], "?"), dotted(path)],
	)
}

# `data.password`, `items[0].value`: where the value is, by key names only.
dotted(path) := trim_prefix(concat("", [segment(k) | some k in path]), ".")

segment(k) := concat("", [".", k]) if is_string(k)

segment(k) := sprintf("[%d]", [k]) if is_number(k)

mac_missing if not "mac" in object.keys(sops)

deny contains {"msg": msg, "path": ["sops"]} if {
	is_object(sops)
	mac_missing
	msg := sprintf(
		"%s `%s` has a `sops:` block without `mac`: SOPS cannot verify the file and refuses to decrypt it",
		[input.kind, object.get(input, ["metadata", "name"], "?")],
	)
}

deny contains {"msg": msg, "path": ["sops", "mac"]} if {
	is_object(sops)
	not mac_missing
	not valid_mac(sops.mac)
	msg := sprintf(
		"%s `%s` has an empty or invalid SOPS `mac`: SOPS cannot verify the file and refuses to decrypt it",
		[input.kind, object.get(input, ["metadata", "name"], "?")],
	)
}

valid_mac(m) if {
	is_string(m)
	m != ""
}
