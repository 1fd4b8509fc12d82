#!/usr/bin/env python3
"""Writers of one process on one SQLite file (WAL): SQLite's busy handler vs an in-process lock.

The mechanism behind storage/sqlite/sqlite_write_gate.h, measured without cipms. Each of
THREADS threads runs write transactions (BEGIN IMMEDIATE, 20 inserts, HOLD_MS of other work —
cipms's access checks and audit entry —, COMMIT) in a loop with a 2 ms pause between them; the
time from asking for the transaction to COMMIT is recorded. Mode "busy": waiters sleep in
SQLite's busy handler (busy_timeout 5 s), as cipms did before the WriteGate; mode "gate":
waiters queue on an in-process lock first and only then BEGIN IMMEDIATE, as cipms does now.
Runs busy, gate, busy, gate; prints one JSON line per run.
    python3 bench/sqlite_writers.py [THREADS=8] [TX_PER_THREAD=300] [HOLD_MS=1]
"""
import json, os, sqlite3, sys, tempfile, threading, time

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 8
N = int(sys.argv[2]) if len(sys.argv) > 2 else 300
HOLD = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0.001  # work inside the transaction, s


def run(mode):
    d = tempfile.mkdtemp()
    path = os.path.join(d, "w.db")
    c = sqlite3.connect(path)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT)")
    c.commit()
    c.close()
    gate = threading.Lock()
    lat, errors = [], []

    def worker(k):
        con = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA synchronous=NORMAL")
        mine = []
        for i in range(N):
            t0 = time.perf_counter()
            try:
                if mode == "gate":
                    gate.acquire()
                try:
                    con.execute("BEGIN IMMEDIATE")
                    for j in range(20):
                        con.execute("INSERT INTO t (a, b) VALUES (?, ?)", ("x" * 100, str(k * N + i)))
                    time.sleep(HOLD)
                    con.execute("COMMIT")
                finally:
                    if mode == "gate":
                        gate.release()
            except sqlite3.OperationalError as e:
                errors.append(str(e))
                continue
            mine.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.002)
        lat.extend(mine)
        con.close()

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    secs = time.perf_counter() - t0
    lat.sort()
    pct = lambda p: round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))], 3)
    print(json.dumps({"mode": mode, "threads": THREADS, "transactions": len(lat), "errors": len(errors),
                      "seconds": round(secs, 2), "tx_per_s": round(len(lat) / secs, 1),
                      "latency_ms": {"p50": pct(50), "p90": pct(90), "p99": pct(99), "p999": pct(99.9),
                                     "max": round(lat[-1], 3)}, "load": os.getloadavg()[0]}))


for mode in ("busy", "gate", "busy", "gate"):
    run(mode)
