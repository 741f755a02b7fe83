#!/usr/bin/env python3
"""Resident memory of paygate holding idle keep-alive client connections.

Starts `paygate proxy` (release) in front of nginx, opens N client connections that each make one
request and then stay open (idle keep-alive), and reads the proxy's VmRSS from /proc before and
after. Prints RSS total, growth, and bytes per idle connection.

    bench/idle_connections.sh [--connections 10000]
"""
import argparse
import os
import resource
import selectors
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


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--connections", type=int, default=10000)
    ap.add_argument("--paygate", default=os.path.join(ROOT, ".build", "release", "paygate"))
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.connections + 100:
        sys.exit(f"RLIMIT_NOFILE hard limit {hard} is below {args.connections}")
    work = tempfile.mkdtemp(prefix="paygate-idle-")
    origin_port, port = free_port(), free_port()
    nginx_conf(f"{work}/origin.conf", "x" * 1024, origin_port)
    origin = subprocess.Popen(["nginx", "-c", f"{work}/origin.conf", "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    config = os.path.join(work, "idle.json")
    with open(config, "w") as f:
        f.write(f'{{"listeners":[{{"name":"public","address":"127.0.0.1:{port}"}}],"admin":{{"address":null}},'
                f'"server":{{"workers":2,"maxConnections":{args.connections + 1000},"timeouts":{{"keepAliveMs":600000}}}},'
                f'"logging":{{"accessLog":"off"}},"upstreams":{{"o":{{"url":"http://127.0.0.1:{origin_port}"}}}},'
                f'"routes":[{{"path":"/*","upstream":"o"}}]}}')
    proxy = subprocess.Popen([args.paygate, "serve", "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    clients = []
    try:
        wait_port(origin_port)
        wait_port(port)
        time.sleep(0.5)
        before = rss_kib(proxy.pid)
        selector = selectors.DefaultSelector()
        request = b"GET / HTTP/1.1\r\nHost: idle\r\n\r\n"
        for index in range(args.connections):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(request)
            clients.append(s)
            if index % 500 == 499:
                for c in clients[-500:]:
                    c.settimeout(10)
                    data = b""
                    while b"x" * 1024 not in data:
                        data += c.recv(65536)
        for c in clients[len(clients) // 500 * 500:]:
            c.settimeout(10)
            data = b""
            while b"x" * 1024 not in data:
                data += c.recv(65536)
        time.sleep(1)
        after = rss_kib(proxy.pid)
        growth = after - before
        print(f"{args.connections} idle keep-alive connections: paygate RSS {after / 1024:.1f} MiB "
              f"(before {before / 1024:.1f} MiB, growth {growth / 1024:.1f} MiB, {growth * 1024 / args.connections:.0f} bytes per connection)")
    finally:
        for c in clients:
            c.close()
        proxy.send_signal(signal.SIGTERM)
        origin.send_signal(signal.SIGQUIT)
        proxy.wait(timeout=30)
        origin.wait(timeout=10)


if __name__ == "__main__":
    main()
