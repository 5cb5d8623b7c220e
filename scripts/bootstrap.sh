#!/usr/bin/env bash
# Brings the Lakehouse platform up, installing what it needs (the runbook's
# `./scripts/bootstrap.sh ${ENVIRONMENT}`).
#   ./scripts/bootstrap.sh [local] [lakehouse up flags]   bring it up on this machine (MinIO, catalog, Trino, Prometheus)
#   ./scripts/bootstrap.sh dev|staging|prod [flags]       deploy to Kubernetes (KUBECONFIG / --kube-context):
#        prerequisites, infra/, ArgoCD, Applications synced, platform verified (`lakehouse bootstrap`)
#   ./scripts/bootstrap.sh [env] --check-only             check prerequisites, change nothing
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh >&2

if [ "${1:-}" = "--check-only" ]; then
  shift
  exec node bin/lakehouse.js check "$@"
fi

env_name="${1:-local}"
[ $# -gt 0 ] && shift
case "$env_name" in
  local) exec node bin/lakehouse.js up --env local "$@" ;;
  -*)
    echo "✗ the first argument is the environment (local, dev, staging, prod), not '$env_name'" >&2
    exit 2 ;;
  *)
    if [ ! -f "env/$env_name/helm-values.yaml" ]; then
      echo "✗ unknown environment '$env_name': there is no env/$env_name/helm-values.yaml" >&2
      echo "  environments: $(ls env | tr '\n' ' ')" >&2
      exit 2
    fi
    exec node bin/lakehouse.js bootstrap "$env_name" "$@" ;;
esac
