#!/usr/bin/env bash
# Installs the web app's npm packages from the lockfile (when they changed) and builds web/dist (when a source
# changed): type check, Vite build, and the size report that holds the portal's first load to its budget.
set -euo pipefail
cd "$(dirname "$0")/../web"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "web: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

stamp=dist/.vite/manifest.json
if [ -f "$stamp" ] && [ -z "$(find src public index.html vite.config.ts vite tsconfig.json package-lock.json scripts -newer "$stamp" -print -quit)" ]; then
  echo "web: dist is up to date"
  node scripts/sizes.mjs --quiet
  exit 0
fi
# The type check and the bundle side by side (each about 25 s here, and neither keeps both cores busy: 30 s together
# against 49 one after the other); both must pass (package.json's build runs them one after the other). A failed
# check removes the bundle's stamp, so that the next run does not take that bundle as up to date.
npx vue-tsc --noEmit &
check=$!
npx vite build || { wait "$check"; exit 1; }
wait "$check" || { rm -f "$stamp"; exit 1; }
node scripts/sizes.mjs
