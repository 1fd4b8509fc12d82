#!/usr/bin/env bash
# Web UI tests: vitest (components, stores, logic) and browser tests (playwright-core driving
# Debian's /usr/bin/chromium) against a real `cipms serve` with the demo network
# and the demo accounts (password: $CIPMS_DEMO_PASSWORD, default cipms-e2e-2026).
#   scripts/run-web-tests.sh [BUILD_DIR]     (default: build)
# Ends with "CIPMS-SUITE passed=N failed=M" (read by scripts/run-tests.sh); exits non-zero on
# any failure. Screenshots: test-artifacts/web/. Server log: test-artifacts/web/server.log.
set -uo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
ROOT=$PWD
ART=$ROOT/test-artifacts/web
mkdir -p "$ART"
TMP=$(mktemp -d "${CIPMS_TEST_TMP:-/tmp}/cipms-web.XXXXXX")
passed=0
failed=0
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

finish() {
  echo "CIPMS-SUITE passed=$passed failed=$failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}

# --- npm packages (normally installed by scripts/install-deps.sh)
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "web: npm ci"
  if ! (cd web && npm ci --no-audit --no-fund); then
    echo "web: npm ci failed"; failed=$((failed + 1)); finish
  fi
  touch web/node_modules/.package-lock.json
fi

# --- unit and component tests (vitest)
echo "=== web: vitest"
(cd web && npx vitest run --reporter=default --reporter=json --outputFile.json="$TMP/vitest.json")
vrc=$?
if [ -f "$TMP/vitest.json" ]; then
  read -r vp vf < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + (r.numTotalTestSuites && r.testResults.filter(t=>t.status==="failed"&&t.assertionResults.length===0).length))' "$TMP/vitest.json")
  passed=$((passed + vp)); failed=$((failed + vf))
  if [ "$vrc" -ne 0 ] && [ "$vf" -eq 0 ]; then failed=$((failed + 1)); fi
else
  echo "web: vitest wrote no report"; failed=$((failed + 1))
fi

# --- the production build the server serves
newest_src=$(find web/src web/index.html web/public web/vite.config.ts web/package-lock.json -type f -newer web/dist/index.html 2>/dev/null | head -1)
if [ ! -f web/dist/index.html ] || [ -n "$newest_src" ]; then
  echo "=== web: vite build"
  if ! (cd web && npm run --silent build); then
    echo "web: build failed"; failed=$((failed + 1)); finish
  fi
fi

# --- browser tests against a real server
echo "=== web: browser tests"
if [ ! -x "$BUILD/cipms" ]; then
  echo "web: $BUILD/cipms is missing; build it first"; failed=$((failed + 1)); finish
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "web: /usr/bin/chromium is missing (scripts/install-deps.sh installs it)"; failed=$((failed + 1)); finish
fi
# The demo accounts' password (the browser tests sign in with it).
export CIPMS_DEMO_PASSWORD=${CIPMS_DEMO_PASSWORD:-cipms-e2e-2026}
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$BUILD/cipms" serve --db "$TMP/web.db" --listen "127.0.0.1:$PORT" --demo --web web/dist >"$ART/server.log" 2>&1 &
SERVER_PID=$!
up=0
for _ in $(seq 600); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then up=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.2
done
if [ "$up" -ne 1 ]; then
  echo "web: the server did not come up on port $PORT; its log:"; tail -20 "$ART/server.log"
  failed=$((failed + 1)); finish
fi
CIPMS_URL="http://127.0.0.1:$PORT" CIPMS_ARTIFACTS="$ART" node web/e2e/run.mjs | tee "$TMP/e2e.log"
erc=${PIPESTATUS[0]}
line=$(grep -E '^CIPMS-E2E passed=[0-9]+ failed=[0-9]+' "$TMP/e2e.log" | tail -1)
if [ -n "$line" ]; then
  ep=$(sed -E 's/.*passed=([0-9]+).*/\1/' <<<"$line"); ef=$(sed -E 's/.*failed=([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + ep)); failed=$((failed + ef))
  if [ "$erc" -ne 0 ] && [ "$ef" -eq 0 ]; then failed=$((failed + 1)); fi
else
  echo "web: the browser tests did not finish"; failed=$((failed + 1))
fi
finish
