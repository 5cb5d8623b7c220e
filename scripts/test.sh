#!/usr/bin/env bash
# Runs every test of the project from a fresh clone: installs what the tests need (npm packages,
# PostgreSQL; MinIO and the Python environment are installed by the test setup, cached under
# ~/.cache/lakehouse), then typecheck, lint, unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

bash scripts/install-deps.sh

step "Typecheck"
npx tsc --noEmit

step "Lint and format"
npx eslint .
npx prettier --check .

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

step "Unit tests"
unit_rc=0
npx vitest run --project unit --reporter=default --reporter=json --outputFile="$results/unit.json" || unit_rc=$?

step "Integration tests (real PostgreSQL, MinIO, pyiceberg, iceberg-js)"
integration_rc=0
npx vitest run --project integration --reporter=default --reporter=json --outputFile="$results/integration.json" || integration_rc=$?

node scripts/summarize-tests.mjs "$results"/*.json
[ "$unit_rc" -eq 0 ] && [ "$integration_rc" -eq 0 ]
