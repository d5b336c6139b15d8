package gitgate.secrets.plaintext_secret_test

import rego.v1

import data.gitgate.secrets.plaintext_secret as policy

secret(fields) := object.union({
	"apiVersion": "v1",
	"kind": "Secret",
	"metadata": {"name": "db", "namespace": "apps"},
	"type": "Opaque",
}, fields)

test_data_denied_at_first_key if {
	results := policy.deny with input as secret({"data": {"username": "YWRtaW4=", "password": "aHVudGVyMg=="}})
	count(results) == 1
	some r in results
	r.path == ["data", "password"]
	contains(r.msg, "Secret `db`")
	contains(r.msg, "and 1 more")
	not contains(r.msg, "aHVudGVyMg==")
}

test_string_data_denied if {
	results := policy.deny with input as secret({"stringData": {"token": "hunter2"}})
	some r in results
	r.path == ["stringData", "token"]
	not contains(r.msg, "hunter2")
}

test_data_reported_before_string_data if {
	results := policy.deny with input as secret({"data": {"b": "eA=="}, "stringData": {"a": "x"}})
	some r in results
	r.path == ["data", "b"]
}

test_number_in_string_data_denied if {
	results := policy.deny with input as secret({"stringData": {"pin": 123456}})
	some r in results
	r.path == ["stringData", "pin"]
}

test_sops_encrypted_passes if {
	count(policy.deny) == 0 with input as secret({
		"data": {"password": "ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]"},
		"sops": {"mac": "ENC[AES256_GCM,data:eA==,iv:eQ==,tag:eg==,type:str]", "version": "3.9.4"},
	})
}

test_sops_block_alone_skips if {
	count(policy.deny) == 0 with input as secret({"stringData": {"password": "hunter2"}, "sops": {}})
}

test_flux_placeholders_pass if {
	count(policy.deny) == 0 with input as secret({"stringData": {"user": "${DB_USER}", "password": "${DB_PASSWORD}"}})
}

test_placeholder_with_default_denied if {
	results := policy.deny with input as secret({"stringData": {"password": "${DB_PASSWORD:=changeme}"}})
	some r in results
	r.path == ["stringData", "password"]
}

test_placeholder_inside_text_denied if {
	results := policy.deny with input as secret({"stringData": {"url": "postgres://app:s3cret@${DB_HOST}/app"}})
	some r in results
	r.path == ["stringData", "url"]
}

test_one_plain_among_placeholders_denied if {
	results := policy.deny with input as secret({"stringData": {"a": "${A}", "b": "literal"}})
	some r in results
	r.path == ["stringData", "b"]
	not contains(r.msg, "more")
}

test_empty_values_pass if {
	count(policy.deny) == 0 with input as secret({"data": {"password": ""}, "stringData": {}})
}

test_service_account_token_without_data_passes if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "v1",
		"kind": "Secret",
		"metadata": {"name": "ci-token", "annotations": {"kubernetes.io/service-account.name": "ci"}},
		"type": "kubernetes.io/service-account-token",
	}
}

test_no_data_passes if {
	count(policy.deny) == 0 with input as secret({})
}

# What a `secretGenerator` reading a SOPS-encrypted dotenv file renders (Flux decrypts it).
test_generated_from_sops_dotenv_passes if {
	count(policy.deny) == 0 with input as secret({"data": {
		"password": base64.encode("ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]"),
		"sops_mac": base64.encode("ENC[AES256_GCM,data:eA==,iv:eQ==,tag:eg==,type:str]"),
		"sops_version": base64.encode("3.9.4"),
	}})
}

# ... and a SOPS-encrypted YAML file (`files:`), base64 cut into lines as kustomize does.
test_generated_from_sops_file_passes if {
	doc := "password: ENC[AES256_GCM,data:Zm9vYmFyYmF6,iv:YmFy,tag:YmF6,type:str]\nsops:\n    mac: ENC[AES256_GCM,data:eA==,iv:eQ==,tag:eg==,type:str]\n"
	b := base64.encode(doc)
	wrapped := concat("\n", [substring(b, 0, 70), substring(b, 70, -1)])
	count(policy.deny) == 0 with input as secret({"data": {"secrets.yaml": wrapped}})
}

test_generated_from_literals_denied if {
	results := policy.deny with input as secret({"data": {"password": base64.encode("hunter2")}})
	some r in results
	r.path == ["data", "password"]
}

test_other_group_secret_ignored if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "example.com/v1",
		"kind": "Secret",
		"metadata": {"name": "x"},
		"data": {"a": "b"},
	}
}

test_sealed_secret_ignored if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "bitnami.com/v1alpha1",
		"kind": "SealedSecret",
		"metadata": {"name": "db"},
		"spec": {"encryptedData": {"password": "AgBy3i4OJSWK+PiTySYZZA=="}},
	}
}

test_generated_from_plain_file_denied if {
	b := base64.encode("password: hunter2-but-long-enough-to-wrap-over-seventy-characters-of-base64\n")
	wrapped := concat("\n", [substring(b, 0, 70), substring(b, 70, -1)])
	results := policy.deny with input as secret({"data": {"secrets.yaml": wrapped}})
	some r in results
	r.path == ["data", "secrets.yaml"]
}
