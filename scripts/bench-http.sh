#!/usr/bin/env bash
# HTTP API benchmark: starts `cipms serve` on the demo network (a fresh temporary database, or
# $CIPMS_BENCH_DB, e.g. an empty postgresql://... database)
# on a free loopback port and drives it with wrk at a fixed rate:
#   GET /api/v1/facilities/{id}   and   a filtered list of 100 (GET /api/v1/facilities?sector=..&limit=100)
# (read-heavy), then a write-heavy mix (bench/http/facility_write.lua: 60 % POST facility,
# 25 % PATCH facility, 15 % GET), which runs last because it grows the database.
# Prints one JSON line per benchmark (requests/s and latency percentiles in ms).
#
#   scripts/bench-http.sh [BUILD_DIR]      env: RATE (total req/s, 500), CONNS (20), THREADS (2),
#                                                DURATION (30s), SERVER_THREADS (4)
# wrk (not wrk2) has no rate option: each connection waits 1/(RATE/CONNS) s between requests
# (bench/http/common.lua), so the offered rate is at most RATE; the achieved rate is printed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
CIPMS="$BUILD/cipms"
RATE="${RATE:-500}"
CONNS="${CONNS:-20}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-30s}"
SERVER_THREADS="${SERVER_THREADS:-4}"

command -v wrk >/dev/null || { echo "bench-http: wrk is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
[ -x "$CIPMS" ] || { echo "bench-http: $CIPMS is not built" >&2; exit 1; }

TMP="$(mktemp -d /tmp/cipms-bench-http-XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$PORT"
export CIPMS_DEMO_PASSWORD="${CIPMS_DEMO_PASSWORD:-bench-password-2026}"
"$CIPMS" serve --db "${CIPMS_BENCH_DB:-$TMP/demo.db}" --listen "127.0.0.1:$PORT" --demo --threads "$SERVER_THREADS" 2>"$TMP/server.log" &
SERVER_PID=$!
cleanup() { kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

for _ in $(seq 1 600); do
  curl -fsS "$URL/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
  sleep 0.1
done
# Every API call needs an identity: an API token of the demo OHS officer (whole registry, writes).
CSRF="$(curl -fsS -c "$TMP/jar" -H 'Content-Type: application/json' \
  -d "{\"username\":\"ohs\",\"password\":\"$CIPMS_DEMO_PASSWORD\"}" "$URL/api/v1/auth/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')"
TOKEN="$(curl -fsS -b "$TMP/jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
  -d '{"name":"bench-http","expires_in_days":1}' "$URL/api/v1/auth/tokens" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')"
AUTH="Authorization: Bearer $TOKEN"
MAX_ID="$(curl -fsS -H "$AUTH" "$URL/api/v1/facilities?limit=1&sort=-code" -o /dev/null -w '%header{x-total-count}' 2>/dev/null || true)"
[ -n "$MAX_ID" ] || MAX_ID="$(curl -fsS -H "$AUTH" "$URL/api/v1/facilities?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
PER_CONN="$(python3 -c "print($RATE / $CONNS)")"
echo "bench-http: $MAX_ID facilities, $RATE req/s offered over $CONNS connections, $DURATION each, server threads $SERVER_THREADS, load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Warm-up (page cache, SQLite statement caches), not reported.
wrk -H "$AUTH" -t"$THREADS" -c"$CONNS" -d3s -s "$ROOT/bench/http/facility_get.lua" "$URL" -- "$PER_CONN" "$MAX_ID" >/dev/null
wrk -H "$AUTH" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$ROOT/bench/http/facility_get.lua" "$URL" -- "$PER_CONN" "$MAX_ID" | grep '^{'
wrk -H "$AUTH" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$ROOT/bench/http/facility_list.lua" "$URL" -- "$PER_CONN" | grep '^{'
wrk -H "$AUTH" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$ROOT/bench/http/facility_write.lua" "$URL" -- "$PER_CONN" "$MAX_ID" | grep '^{'
echo "bench-http: $(curl -fsS -H "$AUTH" "$URL/api/v1/facilities?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])') facilities after the write mix" >&2
