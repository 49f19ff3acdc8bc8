#!/usr/bin/env bash
# Installs every Debian package that Qingfeng's build, run and tests need.
# Idempotent: packages already present are skipped; works as root or through sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git python3 python3-yaml
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3
  libpq-dev postgresql-15 postgresql-client-15
  libsodium-dev libssl-dev libcurl4-openssl-dev python3-aiosmtpd
  libabsl-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libicu-dev libre2-dev
  libzip-dev zipcmp zipmerge ziptool libpugixml-dev libexpat1-dev libxlsxwriter-dev liblemon-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk curl
  clang-14 libclang-rt-14-dev libmagic-dev zlib1g-dev
  chromium fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming libreoffice-writer-nogui poppler-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The web build needs Node.js 20.19 or later with npm (this machine image has it; Debian 12's own nodejs is 18).
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' 2>/dev/null \
   || ! command -v npm >/dev/null; then
  echo "install-deps: Node.js >= 20.19 with npm is required for the web build (found: $(node -v 2>/dev/null || echo none))" >&2
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
