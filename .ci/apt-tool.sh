#!/usr/bin/env bash
# Debian packages a make target needs: installed with apt when missing, and only as root (CI).
#
#   .ci/apt-tool.sh [--skip "what happens without them"] PACKAGE...
#
# A package counts as present when dpkg has it or a command of that name is on the PATH. When one is
# missing and this is not root (or there is no apt-get): with --skip, say what will be skipped and
# succeed (the tests that need it skip with a reason); without --skip, stop with the command to run.
set -euo pipefail

skip=""
if [ "${1:-}" = "--skip" ]; then
  skip="$2"
  shift 2
fi
missing=()
for package in "$@"; do
  if ! dpkg -s "$package" >/dev/null 2>&1 && ! command -v "$package" >/dev/null 2>&1; then
    missing+=("$package")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif [ -n "$skip" ]; then
  echo "${missing[*]} missing (install as root: apt-get install --no-install-recommends ${missing[*]}): $skip."
else
  echo "${missing[*]} missing: install as root (apt-get install --no-install-recommends ${missing[*]})." >&2
  exit 1
fi
