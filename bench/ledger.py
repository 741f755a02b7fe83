#!/usr/bin/env python3
"""Runs bench/ledger/main.swift (built by bench/ledger.sh) over payments in flight and
synchronous modes, each round on a fresh ledger file, and prints the medians as a table.

Rows are what the gateway writes for one paid request: `begin` (a `settling` receipt with the
payment JSON and requirement) and `complete` (settled, two split lines, the delivery mark).
After each run it times the admin API's reads on the file it wrote.
The writer thread has the machine to itself here, so `payments/s` is the ledger's ceiling for
paid throughput; in `bench/paid.sh` it shares the two cores with the event loops, nginx and wrk.

    bench/ledger.sh [--payments 20000] [--in-flight 1,32,128] [--rounds 3] [--synchronous full,normal]
"""
import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile


def run(bench, payments, in_flight, synchronous):
    work = tempfile.mkdtemp(prefix="paygate-ledger-bench-")
    try:
        out = subprocess.run([bench, work, str(payments), str(in_flight), synchronous],
                             check=True, capture_output=True, text=True, timeout=600)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--payments", type=int, default=20000)
    ap.add_argument("--in-flight", default="1,32,128")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--synchronous", default="full,normal")
    args = ap.parse_args()
    configs = [(s, int(c)) for s in args.synchronous.split(",") for c in args.in_flight.split(",")]
    results = {config: [] for config in configs}
    by_size = {}   # receipts in the file -> runs, for the reads table
    for round_ in range(1, args.rounds + 1):
        for synchronous, in_flight in configs:
            # One payment in flight is a latency measure; a few thousand payments are enough.
            payments = min(args.payments, 2000) if in_flight == 1 else args.payments
            r = run(args.bench, payments, in_flight, synchronous)
            results[(synchronous, in_flight)].append(r)
            by_size.setdefault(payments, []).append(r)
            print(f"round {round_} synchronous={synchronous} in-flight={in_flight}: {r['payments_per_s']:.0f} payments/s, "
                  f"writer {r['writer_cpu_us']:.0f} us CPU/payment (checkpoint thread {r['checkpoint_cpu_us']:.0f}), "
                  f"{r['units_per_transaction']:.1f} writes/transaction",
                  file=sys.stderr, flush=True)
    print(f"\nLedger writer alone, medians of {args.rounds} rounds, {args.payments} payments per run "
          f"(2000 at 1 in flight), a fresh ledger file each run\n")
    print("| synchronous | in flight | payments/s | writer CPU µs / payment | checkpoint thread CPU µs / payment | writes / transaction | "
          "KiB written / payment | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for synchronous, in_flight in configs:
        rows = results[(synchronous, in_flight)]
        m = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        print(f"| {synchronous} | {in_flight} | {m['payments_per_s']:.0f} | {m['writer_cpu_us']:.0f} | {m['checkpoint_cpu_us']:.0f} | "
              f"{m['units_per_transaction']:.1f} | {m['kib_written']:.1f} | {m['p50_ms']:.2f} | {m['p99_ms']:.2f} |")
    print("\nReads after each run (medians of all runs): `receipt(id:)` on a pooled connection vs a connection "
          "opened per call; `counts()` the first time (every receipt) vs again (only what changed: nothing)\n")
    print("| receipts in the file | receipt(id:) pooled µs | receipt(id:) fresh connection µs | counts() first µs | counts() again µs |")
    print("|---|---|---|---|---|")
    for payments, rows in sorted(by_size.items()):
        m = {k: statistics.median(r[k] for r in rows) for k in ("read_pooled_us", "read_fresh_us", "counts_full_us", "counts_incremental_us")}
        print(f"| {payments} | {m['read_pooled_us']:.1f} | {m['read_fresh_us']:.1f} | {m['counts_full_us']:.0f} | {m['counts_incremental_us']:.0f} |")


if __name__ == "__main__":
    main()
