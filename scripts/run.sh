#!/usr/bin/env bash
# The main job on the embedded default: install, build a fresh demonstration database (about 300
# synthetic patients across 3 centres, one user per role with printed credentials) and serve the
# web app. For a real programme database use `lupus-sct init` then `lupus-sct serve`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
exec .venv/bin/lupus-sct demo "$@"
