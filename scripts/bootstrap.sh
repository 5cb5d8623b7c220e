#!/usr/bin/env bash
# Brings the Lakehouse platform up on this machine, installing what it needs.
#   ./scripts/bootstrap.sh [local]      bring it up
#   ./scripts/bootstrap.sh --check-only check prerequisites, change nothing
# Today the platform is the Iceberg REST catalog; `lakehouse up` will bring up every component.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--check-only" ]; then
  ok=0
  for tool in node npm go python3; do
    if command -v "$tool" >/dev/null; then echo "✓ $tool $("$tool" --version 2>&1 | head -1)"; else echo "✗ $tool missing"; ok=1; fi
  done
  exit $ok
fi

env_name="${1:-local}"
if [ "$env_name" != "local" ]; then
  echo "✗ environment '$env_name' is not supported yet: only 'local' (Kubernetes environments come with the charts)." >&2
  exit 2
fi

bash scripts/install-deps.sh
echo "==> Starting the Iceberg REST catalog on http://127.0.0.1:8181 (Ctrl-C stops it)"
exec node bin/lakehouse.js catalog serve
