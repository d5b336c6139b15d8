package gitgate.flux.kustomization_sops_decryption_test

import rego.v1

import data.gitgate.flux.kustomization_sops_decryption as policy
import data.gitgate.lib

ks(name, spec) := {
	"object": {
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
		"kind": "Kustomization",
		"metadata": {"name": name, "namespace": "flux-system"},
		"spec": object.union({"interval": "10m", "prune": true}, spec),
	},
	"context": {"file": "clusters/production/apps.yaml", "kustomization": null},
}

secret(name, file, kustomization) := {
	"object": {
		"apiVersion": "v1",
		"kind": "Secret",
		"metadata": {"name": name, "namespace": "apps"},
		"stringData": {"password": "ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]"},
		"sops": {"age": [{"recipient": "age1example", "enc": "-----BEGIN AGE ENCRYPTED FILE-----"}], "version": "3.9.1"},
	},
	"context": {"file": file, "kustomization": kustomization},
}

plain_secret := {
	"object": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "plain"}},
	"context": {"file": "apps/production/plain.yaml", "kustomization": null},
}

test_decryption_passes if {
	objs := [
		ks("apps", {"path": "./apps/production", "decryption": {"provider": "sops", "secretRef": {"name": "sops-age"}}}),
		secret("db", "apps/production/db.yaml", null),
	]
	count(policy.deny) == 0 with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_no_encrypted_files_passes if {
	objs := [ks("apps", {"path": "./apps/production"}), plain_secret]
	count(policy.deny) == 0 with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_plain_manifest_under_path_denied if {
	objs := [ks("apps", {"path": "./apps/production/"}), secret("db", "apps/production/secrets/db.yaml", null), plain_secret]
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	count(results) == 1
	some r in results
	r.object == 0
	r.path == ["spec"]
	r.related == [1]
	contains(r.msg, "Kustomization `apps`")
	contains(r.msg, "Secret `db`")
	not contains(r.msg, "ENC[")
}

test_rendered_from_base_denied if {
	# Rendered by apps/production from ../base: the kustomization directory is what counts.
	objs := [ks("apps", {"path": "apps/production"}), secret("db", "apps/base/db.yaml", "apps/production")]
	count(policy.deny) == 1 with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_other_path_passes if {
	objs := [ks("apps", {"path": "./apps/production"}), secret("db", "apps/production-eu/db.yaml", null)]
	count(policy.deny) == 0 with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
}

test_root_path_covers_everything if {
	objs := [ks("all", {}), secret("db", "anywhere/db.yaml", null)]
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	some r in results
	contains(r.msg, "from `./`")
}

test_wrong_provider_denied_at_provider if {
	objs := [ks("apps", {"path": "./apps", "decryption": {"provider": "vault"}}), secret("db", "apps/db.yaml", null)]
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	some r in results
	r.path == ["spec", "decryption", "provider"]
}

test_several_encrypted_objects_related if {
	objs := [
		ks("apps", {"path": "./apps"}),
		secret("b", "apps/b.yaml", null),
		secret("a", "apps/a.yaml", null),
	]
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	some r in results
	r.related == [1, 2]
	contains(r.msg, "Secret `a`, Secret `b`")
}

test_long_listing_shortened if {
	objs := array.concat([ks("apps", {"path": "./apps"})], [secret(n, "apps/s.yaml", null) | some n in ["a", "b", "c", "d", "e"]])
	results := policy.deny with data.gitgate.objects as objs with data.gitgate.index as lib.index_of(objs)
	some r in results
	contains(r.msg, "Secret `a`, Secret `b`, Secret `c` and 2 more")
	count(r.related) == 5
}
