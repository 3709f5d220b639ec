#!/usr/bin/env bash
# The main job on the embedded default: install, create or upgrade the SQLite database in the
# user's data directory (first admin printed once), then serve the web app.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
.venv/bin/lupus-sct init
exec .venv/bin/lupus-sct serve "$@"
