#!/usr/bin/env bash
# The runbook's validation step (`cd tests/e2e && ./run_tests.sh`): end-to-end tests against a real
# local platform. Each run starts its own platform instance in a temporary state directory on free
# ports, so it runs beside a platform you already have up, and removes it afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/install-deps.sh
exec npx vitest run --project e2e "$@"
