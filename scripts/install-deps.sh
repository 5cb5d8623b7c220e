#!/usr/bin/env bash
# Installs what the project needs before it runs: npm packages, the console's built page, and the
# system packages the platform uses (PostgreSQL for the catalog's PostgreSQL store). Idempotent;
# fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

need_node_major=20
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt "$need_node_major" ]; then
  echo "✗ Node.js $need_node_major+ is required (found: $(node --version 2>/dev/null || echo none)). Install it, then re-run." >&2
  exit 1
fi

# better-sqlite3 compiles from source when no prebuilt binary can be fetched; point node-gyp at the
# headers the distribution ships so it needs no download.
if [ -z "${npm_config_nodedir:-}" ] && [ -d /usr/include/node ]; then
  export npm_config_nodedir=/usr
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.lakehouse-lock-hash ] || [ "$(cat node_modules/.lakehouse-lock-hash)" != "$lock_hash" ]; then
  if [ -L node_modules ]; then
    # npm ci empties the folder a symlink points at: another checkout's packages.
    echo "✗ node_modules is a symlink ($(readlink node_modules)) and package-lock.json changed: run npm ci where it points, or replace the link with a folder" >&2
    exit 1
  fi
  say "Installing npm packages (npm ci; the first run compiles better-sqlite3, about a minute)"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.lakehouse-lock-hash
fi

# The console's page (console/web, served from console/web/dist by the console server): typechecked
# and built when its sources, the API contract it reads or the lockfile changed since the last build.
page_hash=$(
  {
    find console/web -path console/web/dist -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum
    sha256sum package-lock.json src/console/api.ts
  } | sha256sum | cut -d' ' -f1
)
if [ ! -f console/web/dist/.source-hash ] || [ "$(cat console/web/dist/.source-hash)" != "$page_hash" ]; then
  say "Building the console's page (console/web → console/web/dist)"
  npm run --silent build:console -- --logLevel warn
  echo "$page_hash" > console/web/dist/.source-hash
fi

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "✗ $1 is missing and installing it needs root: run 'sudo apt-get install -y $2'" >&2
    exit 1
  fi
  say "Installing $1 (apt-get install $2)"
  if ! apt-get install -y --no-install-recommends $2 >/dev/null 2>&1; then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $2 >/dev/null
  fi
}

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt_install "PostgreSQL" "postgresql"
fi

for tool in go python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "✗ $tool is required to install the platform's components (MinIO and the Kubernetes tools are built with go; pyiceberg and the schema tools run on python3)." >&2
    exit 1
  fi
done
