#!/usr/bin/env bash
# Runs every test of the project from a fresh clone: installs what the tests need (npm packages,
# PostgreSQL; MinIO, Trino, Java, Prometheus and the Python environment are installed by the tests'
# setup, cached under ~/.cache/lakehouse), then typecheck, lint, unit, integration, Kubernetes and
# end-to-end tests. The Kubernetes tests build kubectl, helm, kubeconform, the control plane and kwok
# from source the first time (cached too) and start their own loopback-only clusters. The
# end-to-end tests run their own platform in a temporary directory on free ports.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

bash scripts/install-deps.sh

step "Typecheck"
npx tsc --noEmit
# The console's page is a browser project of its own (DOM types, Preact JSX).
npx tsc --noEmit -p console/web

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

step "Kubernetes tests (the charts; a real control plane with kwok's fake nodes)"
kubernetes_rc=0
npx vitest run --project kubernetes --reporter=default --reporter=json --outputFile="$results/kubernetes.json" || kubernetes_rc=$?

step "End-to-end tests (a whole local platform: MinIO, catalog, Trino, Prometheus)"
e2e_rc=0
npx vitest run --project e2e --reporter=default --reporter=json --outputFile="$results/e2e.json" || e2e_rc=$?

node scripts/summarize-tests.mjs "$results"/*.json
[ "$unit_rc" -eq 0 ] && [ "$integration_rc" -eq 0 ] && [ "$kubernetes_rc" -eq 0 ] && [ "$e2e_rc" -eq 0 ]
