#!/usr/bin/env bash
# Removes what bootstrap made (`lakehouse cleanup`: shows what it deletes, asks y/N on a terminal,
# needs --yes without one).
#   ./scripts/cleanup.sh [local] [--yes] [--cache] [--dry-run]   stop the local platform, delete its data
#   ./scripts/cleanup.sh dev|staging|prod [--yes] [--dry-run]     remove the Applications, helm releases,
#        ArgoCD and the namespaces from the cluster KUBECONFIG / --kube-context points at
set -euo pipefail
cd "$(dirname "$0")/.."
env_name="local"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  env_name="$1"
  shift
fi
exec node bin/lakehouse.js cleanup --env "$env_name" "$@"
