package gitgate.secrets.sops_unencrypted_test

import rego.v1

import data.gitgate.secrets.sops_unencrypted as policy

enc := "ENC[AES256_GCM,data:8IpVtRw=,iv:0mT3lJz1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuVwXyZ0=,tag:q1W2e3R4t5Y6u7I8o9P0aA==,type:str]"

mac := "ENC[AES256_GCM,data:QmFzZTY0TWFjVmFsdWU=,iv:aXZpdml2aXZpdml2aXZpdml2aXZpdg==,tag:dGFndGFndGFndGFndGFnZw==,type:str]"

sops_block(extra) := object.union({
	"age": [{"recipient": "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq", "enc": "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"}],
	"lastmodified": "2025-01-10T09:00:00Z",
	"mac": mac,
	"version": "3.9.4",
}, extra)

secret(data, extra) := {
	"apiVersion": "v1",
	"kind": "Secret",
	"metadata": {"name": "db", "namespace": "apps"},
	"type": "Opaque",
	"stringData": data,
	"sops": sops_block(extra),
}

test_fully_encrypted_passes if {
	count(policy.deny) == 0 with input as secret({"user": enc, "password": enc}, {"encrypted_regex": "^(data|stringData)$"})
}

test_default_settings_fully_encrypted_passes if {
	count(policy.deny) == 0 with input as object.union(secret({"user": enc, "password": enc}, {}), {"type": enc})
}

test_plain_leaf_denied_at_leaf if {
	results := policy.deny with input as secret({"user": enc, "password": "hunter2"}, {"encrypted_regex": "^(data|stringData)$"})
	count(results) == 1
	some r in results
	r.path == ["stringData", "password"]
	contains(r.msg, "`stringData.password`")
	not contains(r.msg, "hunter2")
}

test_type_outside_encrypted_regex_passes if {
	# `type: Opaque` is not selected by encrypted_regex.
	count(policy.deny) == 0 with input as secret({"password": enc}, {"encrypted_regex": "^(data|stringData)$"})
}

test_default_settings_check_type if {
	# Without a selection setting SOPS encrypts everything, `type` included.
	results := policy.deny with input as secret({"password": enc}, {})
	some r in results
	r.path == ["type"]
}

test_default_unencrypted_suffix_respected if {
	count(policy.deny) == 0 with input as object.union(
		secret({"password": enc, "note_unencrypted": "rotated 2025-01"}, {}),
		{"type": enc},
	)
}

test_unencrypted_suffix_setting if {
	obj := object.union(secret({"password": enc, "hint_plain": "x", "other": "y"}, {"unencrypted_suffix": "_plain"}), {"type": enc})
	results := policy.deny with input as obj
	count(results) == 1
	some r in results
	r.path == ["stringData", "other"]
}

test_encrypted_suffix_setting if {
	obj := secret({"password_enc": "plain!", "user": "admin"}, {"encrypted_suffix": "_enc"})
	results := policy.deny with input as obj
	count(results) == 1
	some r in results
	r.path == ["stringData", "password_enc"]
}

test_unencrypted_regex_setting if {
	obj := object.union(secret({"password": enc, "public-host": "db.example.com"}, {"unencrypted_regex": "^(type|public-.*)$"}), {})
	count(policy.deny) == 0 with input as obj
}

test_encrypted_regex_matches_ancestor if {
	# `stringData` matches, so every value under it must be encrypted, nested ones too.
	obj := secret({"config": {"nested": ["ok", enc]}}, {"encrypted_regex": "^(data|stringData)$"})
	results := policy.deny with input as obj
	count(results) == 1
	some r in results
	r.path == ["stringData", "config", "nested", 0]
	contains(r.msg, "`stringData.config.nested[0]`")
}

test_numbers_and_booleans_checked if {
	results := policy.deny with input as secret({"port": 5432, "tls": true}, {"encrypted_regex": "^stringData$"})
	count(results) == 2
}

test_comment_regex_skips_value_check if {
	count(policy.deny) == 0 with input as secret({"password": "hunter2"}, {"encrypted_comment_regex": "sops:enc"})
}

test_missing_mac_denied_at_sops if {
	obj := json.remove(secret({"password": enc}, {"encrypted_regex": "^(data|stringData)$"}), ["sops/mac"])
	results := policy.deny with input as obj
	count(results) == 1
	some r in results
	r.path == ["sops"]
}

test_empty_mac_denied_at_mac if {
	results := policy.deny with input as secret({"password": enc}, {"encrypted_regex": "^(data|stringData)$", "mac": ""})
	count(results) == 1
	some r in results
	r.path == ["sops", "mac"]
}

test_any_kind if {
	results := policy.deny with input as {
		"apiVersion": "v1",
		"kind": "ConfigMap",
		"metadata": {"name": "app"},
		"data": {"token": "plain"},
		"sops": sops_block({"encrypted_regex": "^data$"}),
	}
	some r in results
	r.path == ["data", "token"]
	startswith(r.msg, "ConfigMap `app`")
}

test_without_sops_ignored if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "v1",
		"kind": "Secret",
		"metadata": {"name": "db"},
		"stringData": {"password": "hunter2"},
	}
}
