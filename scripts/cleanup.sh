#!/usr/bin/env bash
# The runbook's rollback of a failed deployment: stops the platform and deletes its data
# (`lakehouse cleanup`: shows what it deletes, asks y/N on a terminal, needs --yes without one).
#   ./scripts/cleanup.sh [local] [--yes] [--cache] [--dry-run]
set -euo pipefail
cd "$(dirname "$0")/.."
env_name="local"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  env_name="$1"
  shift
fi
if [ "$env_name" != "local" ]; then
  echo "✗ environment '$env_name' runs on Kubernetes, which this release cannot manage yet." >&2
  exit 2
fi
exec node bin/lakehouse.js cleanup "$@"
