#!/usr/bin/env python3
"""Heap allocations per proxied request on the keep-alive fast path.

Runs `paygate proxy` (release build) under an LD_PRELOAD malloc counter in front of nginx, sends
N and then 2N more requests over keep-alive connections, and reads the process's allocation
count (SIGUSR2) after each batch: (after 2N − after N) / N is the per-request count, so start-up
and first-use allocations (connection objects, pools, buffers) cancel out.

    bench/allocations.sh [--requests 20000]
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from proxy import free_port, nginx_conf, wait_port  # noqa: E402


def drive(port, count, connections=4):
    """Sends `count` GETs spread over `connections` keep-alive connections, reading each answer."""
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(connections)]
    request = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
    for i in range(count):
        s = socks[i % connections]
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
        while len(rest) < length:
            rest += s.recv(65536)
    for s in socks:
        s.close()


def allocations(proc, log):
    proc.send_signal(signal.SIGUSR2)
    time.sleep(0.3)
    with open(log) as f:
        counts = re.findall(r"MALLOC_COUNT (\d+)", f.read())
    return int(counts[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--paygate", default=os.path.join(ROOT, ".build", "release", "paygate"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="paygate-alloc-")
    lib = os.path.join(work, "malloc_counter.so")
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", lib, os.path.join(HERE, "malloc_counter.c"), "-ldl"], check=True)
    origin_port, port = free_port(), free_port()
    nginx_conf(f"{work}/origin.conf", "x" * 1024, origin_port)
    origin = subprocess.Popen(["nginx", "-c", f"{work}/origin.conf", "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    log = os.path.join(work, "paygate.err")
    env = dict(os.environ, LD_PRELOAD=lib)
    proxy = subprocess.Popen([args.paygate, "proxy", "--listen", f"127.0.0.1:{port}", "--to", f"http://127.0.0.1:{origin_port}",
                              "--workers", "2", "--access-log", "off"], env=env, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    try:
        wait_port(origin_port)
        wait_port(port)
        drive(port, 1000)                      # warm-up: connections, pools, buffers
        base = allocations(proxy, log)
        drive(port, args.requests)
        first = allocations(proxy, log)
        drive(port, 2 * args.requests)
        second = allocations(proxy, log)
        per_request_first = (first - base) / args.requests
        per_request = (second - first - (first - base)) / args.requests
        print(f"allocations: warm-up+start {base}, +{first - base} for {args.requests} requests, "
              f"+{second - first} for {2 * args.requests} requests")
        print(f"per request (difference of the two batches, connection set-up cancelled): {per_request:.3f}")
        print(f"per request (first batch, including its 4 new connections): {per_request_first:.3f}")
    finally:
        proxy.send_signal(signal.SIGTERM)
        origin.send_signal(signal.SIGQUIT)
        proxy.wait(timeout=10)
        origin.wait(timeout=10)


if __name__ == "__main__":
    main()
