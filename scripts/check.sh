#!/usr/bin/env bash
# Every gate, locally and in CI: install (system packages too), ruff, mypy, import-linter, pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh dev
# System packages the tests need: Chromium for the browser tests (Playwright drives the Debian
# build; no browser is downloaded), Pango, HarfBuzz-Subset and fonts for PDF reports (WeasyPrint
# warns without HarfBuzz-Subset, and warnings are errors), poppler-utils to turn a PDF page into
# PNG. PostgreSQL client libraries come with psycopg[binary].
if command -v dpkg >/dev/null; then
  apt_install ca-certificates chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz0b libharfbuzz-subset0 poppler-utils
fi

export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"; ruff check src tests bench; ruff format --check src tests bench
echo "== mypy"; mypy
echo "== import-linter"; lint-imports
echo "== pytest"
set +e
pytest -q -p no:cacheprovider --cov --cov-report=term:skip-covered "$@"
status=$?
set -e
if [ $status -eq 5 ]; then echo "pytest collected no test: failing" >&2; exit 1; fi
exit $status
