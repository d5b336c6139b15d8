#!/usr/bin/env bash
# Installs gitgate for the GitHub Action (action.yml), in two steps around actions/cache:
#
#   install.sh release   a release binary for this runner's OS and architecture, checksum
#                        verified; when there is none, plans a build from the action's own
#                        checkout. Outputs: method (release|source), bin (release), version,
#                        install-dir and cache-key (source).
#   install.sh build     cargo install --locked from the action's checkout into install-dir,
#                        unless the cache already restored it. Output: bin.
#
# Inputs come only from the environment (never from `${{ }}` in the workflow's `run:`):
#   GITGATE_VERSION      action input `version`: empty for the action's own version (its
#                        Cargo.toml), X.Y.Z (or vX.Y.Z), or `source` to always build.
#   GITGATE_INSTALL_DIR  (build) where the release step said to install.
#   GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_SERVER_URL, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP,
#   RUNNER_TOOL_CACHE    as GitHub Actions sets them.
#
# Release assets (see docs/ci-output.md): vX.Y.Z/gitgate-vX.Y.Z-TARGET.tar.gz, holding the
# `gitgate` executable, and gitgate-vX.Y.Z-TARGET.tar.gz.sha256 ("<hex>  <name>"). A missing
# asset falls back to a build; a checksum that does not match is an error.
set -euo pipefail

die() {
  echo "::error title=gitgate::$*" >&2
  exit 1
}

output() {
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
  printf 'gitgate: %s=%s\n' "$1" "$2"
}

action_path="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this from the gitgate action}"
tmp_root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

# The version in the action's Cargo.toml (the [package] section's first `version`).
action_version() {
  sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$action_path/Cargo.toml" | head -n 1
}

# owner/repo of the action, for its releases. github.action_repository is not set inside a
# composite action's steps, so it is read from the path the runner checked the action out to
# (…/_actions/OWNER/REPO/REF). Empty for a local action (`uses: ./`).
action_repository() {
  if [[ -n "${GITGATE_ACTION_REPOSITORY:-}" ]]; then
    printf '%s' "$GITGATE_ACTION_REPOSITORY"
    return
  fi
  local p="${action_path%/}"
  if [[ "$p" =~ /_actions/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/[^/]+$ ]]; then
    printf '%s/%s' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  fi
}

# Rust target triple of the release binary for this runner, or nothing.
release_target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    *) echo "" ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

fetch() {
  # https only (and file:// for a mirror on disk); redirects must stay on https.
  curl --fail --silent --show-error --location --retry 3 --retry-delay 2 \
    --proto '=https,file' --proto-redir '=https' --output "$2" "$1"
}

# Tries the release binary; prints its path, or nothing when there is no such release.
try_release() {
  local version="$1" repo="$2" target="$3"
  local asset="gitgate-v${version}-${target}.tar.gz"
  local base="${GITHUB_SERVER_URL:-https://github.com}"
  local url="${base%/}/${repo}/releases/download/v${version}/${asset}"
  local dir
  dir="$(mktemp -d "${tmp_root%/}/gitgate-release.XXXXXX")"
  if ! fetch "$url" "$dir/$asset" 2>"$dir/curl.log"; then
    echo "gitgate: no release binary at $url ($(tr -d '\n' <"$dir/curl.log")); building from source instead" >&2
    return 0
  fi
  if ! fetch "$url.sha256" "$dir/$asset.sha256" 2>"$dir/curl.log"; then
    die "the release binary $url has no checksum file ($asset.sha256): refusing to run it unverified"
  fi
  local want got
  want="$(cut -d ' ' -f 1 <"$dir/$asset.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')"
  got="$(sha256_of "$dir/$asset")"
  [[ "$want" =~ ^[0-9a-f]{64}$ ]] || die "the checksum file $url.sha256 does not hold a SHA-256"
  [[ "$want" == "$got" ]] || die "checksum mismatch for $url: expected $want, got $got"
  mkdir -p "$dir/x"
  tar -xzf "$dir/$asset" -C "$dir/x"
  local bin
  bin="$(find "$dir/x" -type f -name gitgate | head -n 1)"
  [[ -n "$bin" ]] || die "the release archive $asset holds no \`gitgate\` executable"
  chmod +x "$bin"
  echo "gitgate: release binary $asset verified (sha256 $got)" >&2
  printf '%s' "$bin"
}

# A key that changes whenever what the build compiles changes.
source_cache_key() {
  local hash rustc
  rustc="$(rustc --version 2>/dev/null || echo unknown-rustc)"
  hash="$(
    cd "$action_path" &&
      {
        printf '%s\n' "$rustc"
        find Cargo.toml Cargo.lock build.rs src policies schemas -type f -print0 2>/dev/null |
          LC_ALL=C sort -z | xargs -0 sha256sum 2>/dev/null || true
      } | sha256sum | cut -d ' ' -f 1
  )"
  printf 'gitgate-source-%s-%s-%s' "${RUNNER_OS:-os}" "${RUNNER_ARCH:-arch}" "${hash:0:32}"
}

cmd_release() {
  local want own repo target bin=""
  own="$(action_version)"
  want="${GITGATE_VERSION:-}"
  want="${want#v}"
  if [[ "$want" != source ]]; then
    [[ -n "$want" ]] || want="$own"
    [[ "$want" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
      die "input \`version\`: \`${GITGATE_VERSION:-}\` is not a version (X.Y.Z), empty or \`source\`"
    repo="$(action_repository)"
    target="$(release_target)"
    if [[ -z "$repo" ]]; then
      echo "gitgate: the action is not from a repository (a local \`uses: ./\`); building from source" >&2
    elif [[ -z "$target" ]]; then
      echo "gitgate: no release binary is published for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; building from source" >&2
    else
      bin="$(try_release "$want" "$repo" "$target")"
    fi
    if [[ -n "$bin" ]]; then
      output method release
      output version "$want"
      output bin "$bin"
      return
    fi
    if [[ "$want" != "$own" ]]; then
      die "no release binary of gitgate $want for this runner, and the action's source is version $own: use the action at that version (uses: OWNER/gitgate@<commit of v$want>) or leave \`version\` empty"
    fi
  fi
  local key
  key="$(source_cache_key)"
  output method source
  output version "$own"
  output cache-key "$key"
  output install-dir "${RUNNER_TOOL_CACHE:-$tmp_root}/gitgate/$key"
}

cmd_build() {
  local dir="${GITGATE_INSTALL_DIR:?GITGATE_INSTALL_DIR is not set: run \`install.sh release\` first}"
  if [[ -x "$dir/bin/gitgate" ]]; then
    echo "gitgate: using the build restored from the cache ($dir)" >&2
  else
    command -v cargo >/dev/null 2>&1 ||
      die "building gitgate needs cargo (a Rust toolchain) on the runner, and no release binary matched"
    cargo install --locked --path "$action_path" --root "$dir" --bin gitgate
  fi
  "$dir/bin/gitgate" --version >&2
  output bin "$dir/bin/gitgate"
}

case "${1:-}" in
  release) cmd_release ;;
  build) cmd_build ;;
  *)
    echo "usage: install.sh release|build" >&2
    exit 2
    ;;
esac
