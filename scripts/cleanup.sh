#!/usr/bin/env bash
# The runbook's rollback of a failed deployment: stops the platform and deletes its data.
#   ./scripts/cleanup.sh [local] [--yes]
set -euo pipefail
cd "$(dirname "$0")/.."
env_name="${1:-local}"
[ $# -gt 0 ] && shift
if [ "$env_name" != "local" ]; then
  echo "✗ environment '$env_name' runs on Kubernetes, which this release cannot manage yet." >&2
  exit 2
fi
exec node bin/lakehouse.js down --purge "$@"
