#!/usr/bin/env python3
"""Reverse-proxy benchmark: paygate next to nginx, against the same origin, in one run.

One origin (nginx, `return 200` of a fixed 1 KiB body). For each round and each connection
count, wrk runs in turn against: the origin directly, nginx as a keep-alive reverse proxy to it,
and paygate (`paygate proxy`) to it. Server CPU comes from /proc/PID/stat (utime+stime of the
proxy's processes) before and after each run. Medians over rounds are printed side by side.

    bench/proxy.sh [--rounds 5] [--duration 10] [--conns 64,512] [--threads 2]

Everything listens on 127.0.0.1; every process started here is stopped by its PID.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import ROOT, children, cpu_seconds, exit_on_sigterm, free_port, nginx_file, parse_wrk, stop_all, wait_port


def nginx_conf(path, body, listen, proxy_to=None):
    location = (f"proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection \"\";"
                if proxy_to else f"return 200 '{body}';")
    upstream = (f"upstream origin {{ server 127.0.0.1:{proxy_to}; keepalive 64; }}" if proxy_to else "")
    nginx_file(path, f"listen 127.0.0.1:{listen} reuseport backlog=4096; location / {{ {location} }}", http=upstream)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--conns", default="64,512")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--paygate", default=os.path.join(ROOT, ".build", "release", "paygate"))
    args = ap.parse_args()
    conns = [int(c) for c in args.conns.split(",")]
    exit_on_sigterm()

    work = tempfile.mkdtemp(prefix="paygate-bench-")
    procs = []
    body = "x" * 1024
    try:
        origin_port, nginx_port, paygate_port = free_port(), free_port(), free_port()
        nginx_conf(f"{work}/origin.conf", body, origin_port)
        nginx_conf(f"{work}/proxy.conf", body, nginx_port, proxy_to=origin_port)
        origin = subprocess.Popen(["nginx", "-c", f"{work}/origin.conf", "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        nginx = subprocess.Popen(["nginx", "-c", f"{work}/proxy.conf", "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        paygate = subprocess.Popen([args.paygate, "proxy", "--listen", f"127.0.0.1:{paygate_port}",
                                    "--to", f"http://127.0.0.1:{origin_port}", "--workers", "2", "--access-log", "off"],
                                   stdout=subprocess.DEVNULL, stderr=open(f"{work}/paygate.err", "w"))
        procs = [origin, nginx, paygate]
        for port in (origin_port, nginx_port, paygate_port):
            wait_port(port)
        time.sleep(0.5)
        targets = [("origin (nginx)", origin_port, lambda: [origin.pid] + children(origin.pid)),
                   ("nginx proxy", nginx_port, lambda: [nginx.pid] + children(nginx.pid)),
                   ("paygate", paygate_port, lambda: [paygate.pid])]
        results = {(name, c): [] for name, _, _ in targets for c in conns}
        for rnd in range(args.rounds):
            for c in conns:
                for name, port, pids in targets:
                    url = f"http://127.0.0.1:{port}/"
                    subprocess.run(["wrk", "-t", str(args.threads), "-c", str(c), "-d", f"{args.warmup}s", url],
                                   capture_output=True)
                    before = cpu_seconds(pids())
                    out = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(c), "-d", f"{args.duration}s",
                                          "--latency", url], capture_output=True, text=True).stdout
                    after = cpu_seconds(pids())
                    r = parse_wrk(out)
                    r["cpu100k"] = (after - before) / max(1, r["requests"]) * 100_000
                    results[(name, c)].append(r)
                    print(f"round {rnd + 1} c={c:<4} {name:<15} {r['rps']:>10.0f} req/s  p50 {r['p50']:.3f} ms"
                          f"  p99 {r['p99']:.3f} ms  cpu {r['cpu100k']:.2f} s/100k {r['errors']}", file=sys.stderr)

        print(f"\nmedians of {args.rounds} rounds, wrk -t{args.threads} -d{args.duration}s, 1 KiB body, "
              f"{os.cpu_count()} cores shared by wrk, origin and proxy\n")
        print(f"| conns | target | req/s | p50 ms | p99 ms | server CPU-s per 100k req |")
        print(f"|---|---|---|---|---|---|")
        med = {}
        for c in conns:
            for name, _, _ in targets:
                rs = results[(name, c)]
                m = {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50", "p99", "cpu100k")}
                med[(name, c)] = m
                print(f"| {c} | {name} | {m['rps']:.0f} | {m['p50']:.3f} | {m['p99']:.3f} | {m['cpu100k']:.2f} |")
        print()
        for c in conns:
            p, n = med[("paygate", c)], med[("nginx proxy", c)]
            print(f"c={c}: paygate/nginx req/s {p['rps'] / n['rps']:.2f}x, p99 {p['p99'] / n['p99']:.2f}x, "
                  f"CPU per request {p['cpu100k'] / n['cpu100k']:.2f}x")
    finally:
        stop_all(procs)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
