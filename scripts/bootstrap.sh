#!/usr/bin/env bash
# Shared by run.sh and check.sh: make sure Python >= 3.11 with venv exists, create .venv and
# install the project into it. Usage: source scripts/bootstrap.sh [extra]   (extra: "dev")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "lupus-sct: need root (or sudo) to install system packages: $*" >&2; return 1; fi; }
apt_install() {
  # Installs Debian packages that are missing; quiet when everything is present.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "lupus-sct: installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "lupus-sct: needs Python 3.11 or newer as '$PYTHON' (set PYTHON=...)" >&2; exit 2
fi
if ! "$PYTHON" -m venv --help >/dev/null 2>&1 || ! "$PYTHON" -c 'import ensurepip' 2>/dev/null; then
  command -v dpkg >/dev/null && apt_install python3-venv
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
extra=${1:-}
if [ -n "$extra" ]; then target=".[$extra]"; else target="."; fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target"
