#!/usr/bin/env bash
# Brings the Lakehouse platform up on this machine, installing what it needs (the runbook's
# `./scripts/bootstrap.sh ${ENVIRONMENT}`).
#   ./scripts/bootstrap.sh [local] [lakehouse up flags]   bring it up (MinIO, catalog, Trino, Prometheus)
#   ./scripts/bootstrap.sh --check-only                   check prerequisites, change nothing
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
  dev|staging|prod)
    echo "✗ environment '$env_name' runs on Kubernetes, which lakehouse cannot deploy by itself yet." >&2
    echo "  Install its Helm charts the runbook's way (README: \"Kubernetes: the Helm charts\"):" >&2
    echo "    helm install <component> ./platform/<component> -n lakehouse-platform --create-namespace --values env/$env_name/helm-values.yaml --wait" >&2
    echo "  or bring the platform up on this machine with: ./scripts/bootstrap.sh local" >&2
    exit 2 ;;
  *)
    echo "✗ unknown environment '$env_name': use local (or dev, staging, prod once Kubernetes lands)." >&2
    exit 2 ;;
esac
