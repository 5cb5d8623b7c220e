#!/usr/bin/env bash
# The runbook's validation step (`cd tests/e2e && ./run_tests.sh`).
#   tests/e2e/run_tests.sh [vitest args]   end-to-end tests against a real local platform: each run
#        starts its own platform instance in a temporary state directory on free ports, so it runs
#        beside a platform you already have up, and removes it afterwards.
#   tests/e2e/run_tests.sh --env <env>     validate a deployed Kubernetes environment (KUBECONFIG /
#        its current context): prerequisites, Applications Synced and Healthy, each component's
#        verification, diagnose, no pending change. Read-only.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/install-deps.sh
if [ "${1:-}" = "--env" ]; then
  [ $# -ge 2 ] || { echo "✗ --env needs an environment name (dev, staging, prod)" >&2; exit 2; }
  env_name="$2"
  shift 2
  [ -f "env/$env_name/helm-values.yaml" ] || { echo "✗ unknown environment '$env_name': no env/$env_name/helm-values.yaml" >&2; exit 2; }
  LAKEHOUSE_E2E_ENV="$env_name" exec npx vitest run --project cluster "$@"
fi
exec npx vitest run --project e2e "$@"
