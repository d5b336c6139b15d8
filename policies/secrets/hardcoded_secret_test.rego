package gitgate.secrets.hardcoded_secret_test

import rego.v1

import data.gitgate.secrets.hardcoded_secret as policy

configmap(data) := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}, "data": data}

deployment(env) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api"},
	"spec": {"template": {"spec": {"containers": [{"name": "api", "image": "api:1.0", "env": env}]}}},
}

token := "sk_live_4eC39HqLyjWDarjtT1zdp7dcQx81"

pem := "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAuQ1x\n-----END RSA PRIVATE KEY-----\n"

only(results, path, what) if {
	count(results) == 1
	some r in results
	r.path == path
	contains(r.msg, what)
}

test_configmap_password_literal_warned if {
	results := policy.warn with input as configmap({"DB_PASSWORD": "hunter2", "LOG_LEVEL": "info"})
	only(results, ["data", "DB_PASSWORD"], "literal credential")
	some r in results
	r.msg == "ConfigMap `app` key `DB_PASSWORD` holds a literal credential (the name looks like a password, token or key); keep it in a Secret"
}

test_name_styles if {
	every name in ["dbPassword", "db-password", "db.passwd", "SMTP_PASS", "apiKey", "API_KEY", "apikey", "github_token", "ClientSecret", "aws_secret_access_key", "privateKey", "ENCRYPTION_KEY", "gcp-credentials", "x-api-key", "DB_PWD"] {
		only(policy.warn, ["data", name], "literal credential") with input as configmap({name: "hunter2"})
	}
}


test_names_that_only_mention_a_credential_pass if {
	every name in ["TOKEN_URL", "PASSWORD_FILE", "SECRET_NAME", "token-ttl", "passwordMinLength", "tokenEndpoint", "cache_key", "KEYCLOAK_REALM", "bypass", "passenger", "TOKEN_AUDIENCE", "SECRET_STORE"] {
		count(policy.warn) == 0 with input as configmap({name: "hunter2-value"})
	}
}

test_references_and_trivial_values_pass if {
	every v in ["${DB_PASSWORD}", "$(DB_PASSWORD)", "{{ .Values.password }}", "", "  ", "true", "False", "12345", "disabled"] {
		count(policy.warn) == 0 with input as configmap({"DB_PASSWORD": v})
	}
}

test_six_digit_pin_warned if {
	results := policy.warn with input as configmap({"admin_password": "123456"})
	only(results, ["data", "admin_password"], "literal credential")
}

test_pem_private_key_warned if {
	results := policy.warn with input as configmap({"tls.key": pem, "tls.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"})
	only(results, ["data", "tls.key"], "PEM private key")
}

test_pem_reported_once_even_under_credential_name if {
	results := policy.warn with input as configmap({"private_key": pem})
	only(results, ["data", "private_key"], "PEM private key")
}

test_openssh_key_in_file_content_warned if {
	results := policy.warn with input as configmap({"config": concat("\n", ["Host *", "-----BEGIN OPENSSH PRIVATE KEY-----", "b3Blbn", "-----END OPENSSH PRIVATE KEY-----"])})
	only(results, ["data", "config"], "PEM private key")
}

test_high_entropy_warned if {
	results := policy.warn with input as configmap({"stripe": token})
	only(results, ["data", "stripe"], "high-entropy")
	every r in results {
		not contains(r.msg, token)
	}
}

test_jwt_warned if {
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	results := policy.warn with input as configmap({"bearer": jwt})
	only(results, ["data", "bearer"], "high-entropy")
}

test_entropy_threshold_parameter if {
	count(policy.warn) == 0 with input as configmap({"stripe": token}) with data.gitgate.params as {"secret-entropy-threshold": 5.5}
}

test_long_benign_values_pass if {
	every v in [
		"https://hooks.example.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX1x",
		"ghcr.io/example/api-server:1.27.3",
		"registry.example.com:5000/team/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"/var/lib/app/data/7Fq2kLm9Xz",
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"-Dcom.sun.management.jmxremote.port=9010",
		"com.example.MyVeryLongClassName",
		"application/json;charset=utf-8",
		"my-service-account@project.iam.gserviceaccount.com",
		"kafka-0.kafka:9092,kafka-1.kafka:9092",
		"prefix-${ENVIRONMENT}-Xq81ZbT5mVw0Lk3Pz",
		"Some sentence with spaces in it that is long 12345",
	] {
		count(policy.warn) == 0 with input as configmap({"value": v})
	}
}

test_extra_key_patterns_parameter if {
	results := policy.warn with input as configmap({"X_AUTH": "hunter2"}) with data.gitgate.params as {"secret-key-patterns": ["^x_auth$"]}
	only(results, ["data", "X_AUTH"], "literal credential")
}

test_parameters_as_strings if {
	results := policy.warn with input as configmap({"X_AUTH": "hunter2", "stripe": token})
		with data.gitgate.params as {"secret-key-patterns": "^x_auth$", "secret-entropy-threshold": "5.5"}
	only(results, ["data", "X_AUTH"], "literal credential")
}

test_extra_key_patterns_default_off if {
	count(policy.warn) == 0 with input as configmap({"X_AUTH": "hunter2"})
}

test_env_literal_password_warned if {
	results := policy.warn with input as deployment([
		{"name": "LOG_LEVEL", "value": "debug"},
		{"name": "DB_PASSWORD", "value": "hunter2"},
	])
	only(results, ["spec", "template", "spec", "containers", 0, "env", 1, "value"], "env `DB_PASSWORD`")
	some r in results
	r.msg == "Deployment `api` container `api` sets env `DB_PASSWORD` to a literal credential (the name looks like a password, token or key); use `valueFrom.secretKeyRef`"
}

test_env_secret_key_ref_passes if {
	count(policy.warn) == 0 with input as deployment([
		{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
		{"name": "DSN", "value": "postgres://app:$(DB_PASSWORD)@db:5432/app"},
		{"name": "API_TOKEN", "value": "$(TOKEN_FROM_FILE)"},
	])
}

test_cronjob_init_container if {
	results := policy.warn with input as {
		"apiVersion": "batch/v1",
		"kind": "CronJob",
		"metadata": {"name": "backup"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "init", "image": "busybox:1.36", "env": [{"name": "S3_ACCESS_KEY", "value": "AKIAIOSFODNN7EXAMPLE"}]}],
			"containers": [{"name": "main", "image": "backup:1.0"}],
		}}}}},
	}
	only(results, ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "env", 0, "value"], "literal credential")
}

test_pod if {
	results := policy.warn with input as {
		"apiVersion": "v1",
		"kind": "Pod",
		"metadata": {"name": "debug"},
		"spec": {"containers": [{"name": "sh", "image": "busybox:1.36", "env": [{"name": "KEY", "value": token}]}]},
	}
	only(results, ["spec", "containers", 0, "env", 0, "value"], "high-entropy")
}

test_argo_rollout if {
	results := policy.warn with input as {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "Rollout",
		"metadata": {"name": "web"},
		"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:2", "env": [{"name": "SESSION_SECRET", "value": "keyboard cat"}]}]}}},
	}
	only(results, ["spec", "template", "spec", "containers", 0, "env", 0, "value"], "Rollout `web`")
}

test_secret_ignored if {
	count(policy.warn) == 0 with input as {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"password": "hunter2"}}
}

test_sops_encrypted_configmap_ignored if {
	count(policy.warn) == 0 with input as object.union(
		configmap({"DB_PASSWORD": "ENC[AES256_GCM,data:ZSqn7lxdP6H6i3jA,iv:4OXSaT3Xu2aiJ4RtsTl5ms4lqEIOTmCBaWHZML9GnVU=,tag:ZghzHY8699T8hg/66aaniw==,type:str]"}),
		{"sops": {"mac": "ENC[AES256_GCM,data:eA==,iv:eQ==,tag:eg==,type:str]", "encrypted_regex": "^data$"}},
	)
}
