# METADATA
# title: Flux Kustomization applies SOPS-encrypted files without decryption
# description: >-
#   kustomize-controller decrypts SOPS-encrypted manifests only for a Kustomization with
#   `spec.decryption.provider: sops`. Without it, the encrypted documents are applied as they
#   are: a Secret's `data` is not valid base64 and the apply fails, `stringData` or other
#   kinds reach the cluster holding `ENC[…]` ciphertext instead of the values. An object
#   counts as applied by a Kustomization when it is rendered from the Kustomization's
#   `spec.path` (or a kustomization below it) or is a plain manifest under that path.
# related_resources:
#   - https://fluxcd.io/flux/components/kustomize/kustomizations/#decryption
#   - https://fluxcd.io/flux/guides/mozilla-sops/
# custom:
#   id: GG-FLUX-009
#   severity: error
#   scope: repo
#   tags: [security]
#   kinds: [kustomize.toolkit.fluxcd.io/Kustomization]
#   recommended_actions: >-
#     Add `spec.decryption` with `provider: sops` and a `secretRef` to the Secret holding the
#     decryption key (or `serviceAccountName` for a cloud KMS).
package gitgate.flux.kustomization_sops_decryption

import rego.v1

import data.gitgate.lib

# Every SOPS-encrypted object (one pass; SOPS can encrypt any kind) with the directory it is
# rendered in, else its file.
encrypted contains [i, where] if {
	is_object(lib.objects[i].object.sops)
	where := location(lib.objects[i].context)
}

location(ctx) := ctx.kustomization if is_string(ctx.kustomization)

location(ctx) := ctx.file if not is_string(ctx.kustomization)

# Directory → the encrypted entries under it: each `where` is filed under itself, each of its
# ancestor directories and `` (the source root), so a Kustomization's (normalized) `spec.path`
# looks its entries up directly instead of comparing itself with every encrypted entry.
under_dir[""] contains i if some [i, _] in encrypted

under_dir[where] contains i if some [i, where] in encrypted

under_dir[dir] contains i if {
	some [i, where] in encrypted
	some p in indexof_n(where, "/")
	dir := substring(where, 0, p)
}

# `./apps/production/` → `apps/production`; `./` and `` → `` (the source root).
normalize(path) := concat("/", [s | some s in split(path, "/"); s != ""; s != "."])

decrypts(obj) if obj.spec.decryption.provider == "sops"

location_of_fix(obj) := ["spec", "decryption", "provider"] if is_object(obj.spec.decryption)

location_of_fix(obj) := ["spec"] if not is_object(obj.spec.decryption)

deny contains {"msg": msg, "object": k, "path": location_of_fix(obj), "related": related} if {
	some namespace, name
	some k in lib.index.Kustomization[namespace][name]
	obj := lib.objects[k].object
	startswith(obj.apiVersion, "kustomize.toolkit.fluxcd.io/")
	not decrypts(obj)
	path := object.get(obj, ["spec", "path"], "")
	is_string(path)
	dir := normalize(path)
	related := sort(under_dir[dir])
	names := sort({sprintf("%s `%s`", [lib.objects[i].object.kind, lib.objects[i].object.metadata.name]) | some i in related})
	msg := sprintf(
		"Flux Kustomization `%s` applies SOPS-encrypted %s from `%s` but has no `spec.decryption` with `provider: sops`: they reach the cluster encrypted",
		[name, listing(names), path_label(path)],
	)
}

listing(names) := concat(", ", names) if count(names) <= 3

listing(names) := sprintf("%s and %d more", [concat(", ", array.slice(names, 0, 3)), count(names) - 3]) if count(names) > 3

path_label("") := "./"

path_label(path) := path if path != ""
