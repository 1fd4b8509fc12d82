#!/usr/bin/env bash
# Installs every Debian package (and, once web/ exists, the npm packages) cipms needs.
# Idempotent: installs only what is missing, so `make run` and `make test` can call it every time.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache git curl ca-certificates
  # libraries
  librestinio-dev libasio-dev libfmt-dev libhttp-parser-dev
  libsoci-dev libboost-dev libsqlite3-dev sqlite3 libpq-dev  # SOCI headers include Boost.Fusion
  nlohmann-json3-dev libcli11-dev libspdlog-dev libtbb-dev
  prometheus-cpp-dev  # /metrics (core library and text serializer only)
  libsodium-dev libssl-dev liboath-dev
  libxlsxwriter-dev  # XLSX export of survey grading lists
  libzip-dev libpugixml-dev  # XLSX survey import (reading the workbook's zip and XML; docs/adr/0005)
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libcurl4-openssl-dev wrk
  openssl  # the TLS test makes a throwaway self-signed certificate with it
  poppler-utils  # the PDF export tests read the PDFs back (pdftotext, pdfinfo)
  # fuzzing (`make fuzz`: clang with libFuzzer and its sanitizer runtimes)
  clang libclang-rt-14-dev
  postgresql postgresql-client
  # web UI: browser tests drive Debian's Chromium; CJK fonts so Chinese text renders; the PDF
  # exports (survey and grading-list PDFs) are rendered by the same Chromium
  chromium fonts-noto-cjk
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js and npm: any working install counts (Debian's nodejs 18 + npm 9, or a newer one).
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi

# --- npm packages of the web UI (web/package-lock.json), only when missing or out of date.
WEB="$(cd "$(dirname "$0")/.." && pwd)/web"
if [ -f "$WEB/package-lock.json" ]; then
  # npm writes node_modules/.package-lock.json on every install: its absence or age says "install".
  STAMP="$WEB/node_modules/.package-lock.json"
  if [ ! -f "$STAMP" ] || [ "$WEB/package-lock.json" -nt "$STAMP" ]; then
    echo "install-deps: npm ci in web/"
    (cd "$WEB" && npm ci --no-audit --no-fund)
    touch "$STAMP"
  else
    echo "install-deps: web/node_modules up to date"
  fi
fi
