#!/usr/bin/env bash
# Runs gitgate for the GitHub Action (action.yml).
#
#   run.sh          one `gitgate check` writing GitHub annotations (standard output; with the
#                   Markdown step summary appended to $GITHUB_STEP_SUMMARY), the text report
#                   (printed in a log group), SARIF and JSON. Sets the outputs findings, errors,
#                   warnings, notes, sarif-file, json-file, exit-code (and, with a baseline,
#                   baseline-fixed and baseline-still-present). Exits 0 even when gitgate
#                   found something, so that the SARIF upload step still runs.
#   run.sh finish   fails the step with gitgate's exit code (GITGATE_EXIT_CODE), after the upload.
#
# Inputs come only from the environment (never from `${{ }}` inside `run:`):
#   GITGATE_BIN            the gitgate executable (default: gitgate on PATH)
#   INPUT_PATH             files or directories to check, one per line (default .)
#   INPUT_CONFIG           configuration file
#   INPUT_POLICY           Rego policy directories, one per line
#   INPUT_KUBERNETES_VERSION, INPUT_FAIL_ON, INPUT_BASELINE
#   INPUT_CHANGED_ONLY     true: on pull_request, check only what changed since the PR base
#   INPUT_SARIF_FILE       where to write SARIF (default $RUNNER_TEMP/gitgate-*/gitgate.sarif)
#   INPUT_CATEGORY         SARIF category (code scanning keeps one set of alerts per category)
#   GITGATE_BASE_SHA       github.event.pull_request.base.sha
#   GITHUB_EVENT_NAME, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP
set -euo pipefail

output() {
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

# Lines of a multi-line input, trimmed, empty ones dropped.
lines() {
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [[ -n "$line" ]] && printf '%s\n' "$line"
  done <<<"${1:-}"
}

# Makes the PR base commit available (a default checkout has depth 1 and no base).
have_commit() {
  git -C "$workspace" cat-file -e "$1^{commit}" 2>/dev/null
}

ensure_base() {
  local sha="$1"
  have_commit "$sha" && return 0
  echo "gitgate: fetching the pull request base $sha"
  git -C "$workspace" fetch --no-tags --no-recurse-submodules --depth=1 origin "$sha" >&2 || true
  have_commit "$sha"
}

finish() {
  local code="${GITGATE_EXIT_CODE:-}"
  case "$code" in
    0) exit 0 ;;
    1)
      echo "gitgate: findings at or above fail-on (${INPUT_FAIL_ON:-the configured level}); see the annotations and the step summary" >&2
      exit 1
      ;;
    "")
      echo "gitgate: gitgate did not run (no exit code); see the log above" >&2
      exit 2
      ;;
    *)
      echo "gitgate: gitgate could not check the repository (exit $code): a usage, configuration or internal error; see the log above" >&2
      exit "$code"
      ;;
  esac
}

if [[ "${1:-}" == finish ]]; then
  finish
fi

gitgate="${GITGATE_BIN:-}"
[[ -n "$gitgate" ]] || gitgate=gitgate
workspace="${GITHUB_WORKSPACE:-$PWD}"
cd "$workspace"
out_dir="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/gitgate.XXXXXX")"
sarif="${INPUT_SARIF_FILE:-}"
[[ -n "$sarif" ]] || sarif="$out_dir/gitgate.sarif"
mkdir -p "$(dirname "$sarif")"
json="$out_dir/gitgate.json"
text="$out_dir/gitgate.txt"

args=(check)
# Paths go last, after `--`, so that a path starting with `-` is not taken for an option.
paths=()
while IFS= read -r p; do paths+=("$p"); done < <(lines "${INPUT_PATH:-.}")
[[ ${#paths[@]} -gt 0 ]] || paths=(.)
[[ -z "${INPUT_CONFIG:-}" ]] || args+=(--config "$INPUT_CONFIG")
while IFS= read -r p; do args+=(--policy "$p"); done < <(lines "${INPUT_POLICY:-}")
[[ -z "${INPUT_KUBERNETES_VERSION:-}" ]] || args+=(--kubernetes-version "$INPUT_KUBERNETES_VERSION")
if [[ -n "${INPUT_FAIL_ON:-}" ]]; then
  case "$INPUT_FAIL_ON" in
    error | warning | note | never) args+=(--fail-on "$INPUT_FAIL_ON") ;;
    *)
      echo "::error title=gitgate::input fail-on: \`$INPUT_FAIL_ON\` is not one of error, warning, note, never" >&2
      exit 2
      ;;
  esac
fi
[[ -z "${INPUT_BASELINE:-}" ]] || args+=(--baseline "$INPUT_BASELINE")
[[ -z "${INPUT_CATEGORY:-}" ]] || args+=(--sarif-category "$INPUT_CATEGORY")

# Pull-request mode: only what changed since the PR base.
case "${INPUT_CHANGED_ONLY:-true}" in
  true | false) ;;
  *)
    echo "::error title=gitgate::input changed-only: \`$INPUT_CHANGED_ONLY\` is not true or false" >&2
    exit 2
    ;;
esac
if [[ "${INPUT_CHANGED_ONLY:-true}" == true && "${GITHUB_EVENT_NAME:-}" == pull_request ]]; then
  base="${GITGATE_BASE_SHA:-}"
  if [[ ! "$base" =~ ^([0-9a-f]{40}|[0-9a-f]{64})$ ]]; then
    echo "::warning title=gitgate::no pull request base commit in the event (\`${base}\`); checking the whole repository"
  elif ! ensure_base "$base"; then
    echo "::warning title=gitgate::the pull request base $base could not be fetched; checking the whole repository"
  elif ! "$gitgate" check --help 2>/dev/null | grep -q -- '--changed-since'; then
    echo "::warning title=gitgate::this gitgate ($("$gitgate" --version 2>/dev/null || echo unknown)) has no --changed-since; checking the whole repository"
  else
    args+=(--changed-since "$base")
    if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
      # shellcheck disable=SC2016 # the backquotes are Markdown
      printf '> gitgate pull-request mode: only what changed since `%s` was checked.\n\n' "${base:0:12}" >>"$GITHUB_STEP_SUMMARY"
    fi
  fi
fi

args+=(--format github --format "text=$text" --format "sarif=$sarif" --format "json=$json")
args+=(-- "${paths[@]}")

printf 'gitgate: running'
printf ' %q' "$gitgate" "${args[@]}"
printf '\n'
set +e
"$gitgate" "${args[@]}"
code=$?
set -e
output exit-code "$code"

# The text report quotes repository lines: stop workflow commands while printing it, so that
# no line of a pull request can become one.
if [[ -s "$text" ]]; then
  token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  echo "::group::gitgate report (text)"
  echo "::stop-commands::$token"
  cat "$text"
  echo "::$token::"
  echo "::endgroup::"
fi

if [[ -s "$sarif" ]]; then
  output sarif-file "$sarif"
fi
if [[ -s "$json" ]]; then
  output json-file "$json"
  if command -v jq >/dev/null 2>&1; then
    summary="$(jq -r '.summary | [.findings.error, .findings.warning, .findings.note,
      (.baseline.fixed // ""), (.baseline.still_present // "")] | map(tostring) | join(" ")' "$json")"
  elif command -v python3 >/dev/null 2>&1; then
    summary="$(python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["summary"]
b = s.get("baseline") or {}
print(" ".join(str(x) for x in [s["findings"]["error"], s["findings"]["warning"], s["findings"]["note"], b.get("fixed", ""), b.get("still_present", "")]))' "$json")"
  else
    echo "::warning title=gitgate::neither jq nor python3 is installed: the findings outputs are not set"
    summary=""
  fi
  if [[ -n "$summary" ]]; then
    read -r errors warnings notes fixed still <<<"$summary"
    output findings "$((errors + warnings + notes))"
    output errors "$errors"
    output warnings "$warnings"
    output notes "$notes"
    [[ -z "${fixed:-}" ]] || output baseline-fixed "$fixed"
    [[ -z "${still:-}" ]] || output baseline-still-present "$still"
  fi
fi
exit 0
