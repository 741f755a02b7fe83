#!/usr/bin/env python3
"""Paid-route benchmark: paygate next to the official x402 reference server, in one run.

Both sit in front of the same instant facilitator (nginx answering fixed JSON for
`GET /supported`, `POST /verify` and `POST /settle`, so the servers are the bottleneck) and
a fixed 1 KiB origin (nginx). Every request carries its own valid, never-reused v2
`PAYMENT-SIGNATURE`: before each run the payments are signed by paygate's own signer
(bench/paid/sign.swift, the code `paygate pay` runs) against the server's live 402 challenge,
split into one slice per wrk thread and sent once each (bench/paid/payments.lua).

  paygate    `paygate serve`: one priced route ($0.001 on eip155:84532, a 15/85 split), the
             HTTP facilitator pointing at the nginx facilitator, the ledger in a SQLite file
             (synchronous=full, the default; --synchronous normal to compare), access log off,
             the route's local signature pre-verification off (the default).
  paygate-preverify  the same with `"preVerify": true`.
  reference  Tests/Fixtures/x402/ref_app.py (a copy of ../shared/interop/ref_app.py: the
             official SDK's FastAPI middleware) under uvicorn with 2 workers, GET /weather.
  floor      nginx (2 workers) making the same three calls per request with no payment logic
             and no ledger: POST /verify to the facilitator (auth_request), GET from the origin
             (proxy_pass) and POST /settle (mirror, alongside the origin call), over kept-alive
             upstream connections, with a payment header of a real one's size (the facilitator
             answers it with empty bodies: see facilitator_conf). What the network part of a
             paid request costs on this machine, without the payment's own work.

For each round, each connection count and each server in turn: wrk with --latency. Medians over
rounds are printed side by side, with
  - non-2xx responses (a run is valid only with ~0: a refused payment is not a paid request);
  - new facilitator connections per 1000 payments (nginx stub_status `accepts` before/after);
  - receipts committed per second by paygate's ledger (new rows / run time), and a check that
    every 2xx answer has a settled receipt with split lines summing to the amount;
  - server CPU per paid request (utime+stime from /proc);
  - an unloaded probe (1 connection): paygate's and the reference's paid p50 next to the
    facilitator's own /verify and /settle p50 and the origin's, giving the latency each server
    adds beyond its facilitator and origin.

With --facilitator embedded (issue 4), paygate settles through its embedded facilitator on the
development network (native EIP-3009 verification, a SQLite development chain) instead, and
only paygate is measured.

    bench/paid.sh [--rounds 3] [--duration 5] [--conns 32,128] [--probe-duration 3]
                  [--servers paygate,paygate-preverify,reference] [--facilitator http|embedded]
                  [--synchronous full|normal]

Everything listens on 127.0.0.1; every process started here is stopped by its PID, also on
Ctrl-C or failure.
"""
import argparse
import base64
import http.client
import json
import math
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from benchlib import (HERE, ROOT, children, cpu_seconds, exit_on_sigterm, free_port, nginx_file, parse_wrk,
                      start_nginx, stop_all, wait_port)

NETWORK = "eip155:84532"
PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
SPLIT = [{"name": "platform", "address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "bps": 1500},
         {"name": "author", "address": "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF", "bps": 8500}]
TRANSACTION = "0x" + "ab" * 32
# A run whose payments ran out is redone with this many times more (at most twice).
GROWTH = 2.0


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


# MARK: Setup


def facilitator_conf(work, port, payer):
    """nginx answering the x402 facilitator API with fixed JSON, plus stub_status. The floor's
    calls get empty answers: nginx keeps an upstream connection of an auth_request or mirror
    subrequest alive only when the answer has no body (it discards bodies unread), and a floor
    that reconnected for every call would be no floor."""
    supported = json.dumps({"kinds": [{"x402Version": 2, "scheme": "exact", "network": NETWORK},
                                      {"x402Version": 1, "scheme": "exact", "network": "base-sepolia"}],
                            "extensions": [], "signers": {"eip155:*": [payer]}}, separators=(",", ":"))
    verify = json.dumps({"isValid": True, "payer": payer}, separators=(",", ":"))
    settle = json.dumps({"success": True, "transaction": TRANSACTION, "network": NETWORK, "payer": payer},
                        separators=(",", ":"))
    path = f"{work}/facilitator.conf"
    nginx_file(path, f"""listen 127.0.0.1:{port} backlog=4096;
    default_type application/json;
    location = /supported {{ return 200 '{supported}'; }}
    location = /verify {{ return 200 '{verify}'; }}
    location = /settle {{ return 200 '{settle}'; }}
    location = /floor/verify {{ return 200 ''; }}
    location = /floor/settle {{ return 200 ''; }}
    location = /nginx_status {{ stub_status; }}""", workers=1)
    return path


def origin_conf(work, port):
    path = f"{work}/origin.conf"
    nginx_file(path, f"listen 127.0.0.1:{port} backlog=4096; location / {{ return 200 '{'x' * 1024}'; }}", workers=1)
    return path


def paygate_config(work, name, port, admin, origin_port, facilitator, pre_verify, synchronous):
    if facilitator["type"] == "http":
        payments = {"facilitators": ["instant"], "network": NETWORK, "payTo": PAY_TO, "split": "two"}
        facilitators = {"instant": {"type": "http", "url": facilitator["url"]}}
    else:
        payments = {"facilitators": ["dev"], "network": "paygate:devnet", "payTo": PAY_TO, "split": "two"}
        facilitators = {"dev": {"type": "embedded", "database": facilitator["database"]}}
    config = {
        "listeners": [{"name": "public", "address": f"127.0.0.1:{port}"}],
        "admin": {"address": f"127.0.0.1:{admin}"},
        "server": {"workers": 2},
        "logging": {"level": "warn", "accessLog": "off"},
        "upstreams": {"origin": {"url": f"http://127.0.0.1:{origin_port}"}},
        "facilitators": facilitators,
        "splits": {"two": SPLIT},
        "payments": payments,
        "ledger": {"path": f"{work}/{name}.sqlite", "synchronous": synchronous},
        "routes": [{"name": "paid", "methods": ["GET"], "path": "/paid", "upstream": "origin", "price": "$0.001",
                    "preVerify": pre_verify}],
    }
    path = f"{work}/{name}.json"
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
    return path


def floor_conf(work, port, fac_port, origin_port):
    """nginx as a gateway without a paywall: the three upstream calls a paid request makes,
    bodies of the size paygate sends, upstream keep-alive."""
    body = verify_body()
    call = lambda path: (f"internal; proxy_pass http://facilitator/floor{path}; proxy_method POST; proxy_pass_request_body off; "
                         f"proxy_set_header Content-Type application/json; proxy_set_body '{body}'; "
                         'proxy_http_version 1.1; proxy_set_header Connection "";')
    path = f"{work}/floor.conf"
    nginx_file(path, f"""listen 127.0.0.1:{port} backlog=4096;
    location = /paid {{ auth_request /verify; mirror /settle; proxy_pass http://origin;
                        proxy_http_version 1.1; proxy_set_header Connection ""; }}
    location = /verify {{ {call('/verify')} }}
    location = /settle {{ {call('/settle')} }}""",
               http=f"upstream facilitator {{ server 127.0.0.1:{fac_port}; keepalive 64; }} "
                    f"upstream origin {{ server 127.0.0.1:{origin_port}; keepalive 64; }}")
    return path


def new_wallet(paygate, work):
    path = f"{work}/payer.wallet"
    subprocess.run([paygate, "wallet", "new", "--wallet", path], check=True, capture_output=True)
    with open(path) as f:
        wallet = json.load(f)
    return path, wallet["address"], wallet["privateKey"]


# MARK: Measuring


def challenge(port, path):
    """The PAYMENT-REQUIRED header of an unpaid request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    value = response.getheader("PAYMENT-REQUIRED")
    if response.status != 402 or not value:
        raise RuntimeError(f"expected a 402 challenge from :{port}{path}, got {response.status}")
    return value


def paid_once(port, path, header):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"PAYMENT-SIGNATURE": header})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.getheader("PAYMENT-RESPONSE"), body


def facilitator_accepts(port):
    """nginx's accepted-connection count; the query's own connection is one of them."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/nginx_status")
    text = conn.getresponse().read().decode()
    conn.close()
    accepts, _handled, requests = map(int, re.search(r"\n\s*(\d+)\s+(\d+)\s+(\d+)", text).groups())
    return accepts, requests


# Where a paid request's time goes inside paygate: (label, metric family, phase label or None).
WAITS = [("verify", "paygate_payment_phase_duration_seconds", "verify"),
         ("settling", "paygate_payment_phase_duration_seconds", "record_settling"),
         ("settle", "paygate_settlement_duration_seconds", None),
         ("outcome", "paygate_payment_phase_duration_seconds", "record_outcome"),
         ("request", "paygate_request_duration_seconds", None)]


def wait_totals(admin_port):
    """(sum seconds, count) per WAITS entry from paygate's /metrics; None for a series the build
    does not export (builds before the phase histograms)."""
    conn = http.client.HTTPConnection("127.0.0.1", admin_port, timeout=5)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    totals = {}
    for label, family, phase in WAITS:
        # One phase's series, or every route's series of an unlabelled wait.
        labels = re.escape(f'{{phase="{phase}"}}') if phase else r"(?:\{[^}]*\})?"
        sums = re.findall(rf"^{family}_sum{labels} (\S+)$", text, re.M)
        counts = re.findall(rf"^{family}_count{labels} (\S+)$", text, re.M)
        totals[label] = (sum(map(float, sums)), sum(map(float, counts))) if counts else None
    return totals


def wait_means(before, after):
    """Mean ms of each wait over a run, from two `wait_totals`."""
    means = {}
    for label, _, _ in WAITS:
        if before.get(label) and after.get(label) and after[label][1] > before[label][1]:
            means[label] = (after[label][0] - before[label][0]) * 1000 / (after[label][1] - before[label][1])
    return means


class Ledger:
    """Read-only view of paygate's receipt ledger (WAL: readers never block its writer)."""

    def __init__(self, path):
        self.path = path

    def query(self, sql):
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def counts(self):
        rows = dict(self.query("SELECT status, count(*) FROM receipts GROUP BY status"))
        return rows.get("settled", 0), sum(rows.values())

    def settled_when_quiet(self, timeout=10):
        """Settled and total receipts once the count stops moving (the writer has caught up)."""
        last, end = None, time.time() + timeout
        while time.time() < end:
            now = self.counts()
            if now == last:
                return now
            last = now
            time.sleep(0.3)
        return last

    def audit(self, amount):
        """Every receipt settled, two split lines each, summing to the amount."""
        statuses = dict(self.query("SELECT status, count(*) FROM receipts GROUP BY status"))
        bad_sums = self.query(f"""SELECT count(*) FROM (SELECT r.id FROM receipts r JOIN split_lines s ON s.receipt_id = r.id
                                 GROUP BY r.id HAVING count(*) <> {len(SPLIT)} OR sum(CAST(s.amount AS INTEGER)) <> {amount})""")[0][0]
        unsplit = self.query("""SELECT count(*) FROM receipts r WHERE r.status = 'settled'
                                AND NOT EXISTS (SELECT 1 FROM split_lines s WHERE s.receipt_id = r.id)""")[0][0]
        return statuses, bad_sums, unsplit


def sign(signer, challenge_b64, key, count, out):
    started = time.time()
    subprocess.run([signer, challenge_b64, key, str(count), out], check=True)
    return count / (time.time() - started)


def split_slices(path, threads, prefix):
    """Thread k's payments go to PREFIX.k: contiguous, disjoint slices."""
    with open(path) as f:
        lines = f.read().splitlines()
    per = math.ceil(len(lines) / threads)
    for k in range(threads):
        with open(f"{prefix}.{k + 1}", "w") as f:
            f.write("\n".join(lines[k * per:(k + 1) * per]) + "\n")
    return per


def wrk(args, conns, duration, url, script=None, script_args=(), threads=None, header=None):
    threads = threads or min(args.threads, conns)
    cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{duration}s", "--latency", "--timeout", "10s"]
    if header:
        cmd += ["-H", header]
    if script:
        cmd += ["-s", script, url, "--"] + list(script_args)
    else:
        cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed: {out.stderr.strip()}")
    result = parse_wrk(out.stdout)
    result["exhausted"] = sum(int(n) for n in re.findall(r"exhausted (\d+)", out.stdout))
    return result


class Server:
    """A server under test; `seen` holds its best paid req/s per connection count, which sizes
    the payments signed for its next run."""

    def __init__(self, name, port, path, pids, initial_rps, ledger=None, paid=True, admin=None):
        self.name, self.port, self.path, self.pids, self.ledger = name, port, path, pids, ledger
        self.admin = admin  # paygate's admin port (for /metrics)
        self.initial_rps = initial_rps
        # False for the floor: it takes no payment, so it gets one fixed header of the same size.
        self.paid = paid
        self.seen = {}

    def expected_rps(self, conns):
        if conns in self.seen:
            return self.seen[conns]
        best = max(self.seen.values(), default=self.initial_rps)
        return best / 3 if conns < 8 else best


def floor_run(args, env, server, conns, duration):
    """One wrk run at the floor: the same request size, no payments to sign."""
    accepts_before, fac_requests_before = facilitator_accepts(env["facilitator_port"])
    cpu_before = cpu_seconds(server.pids())
    r = wrk(args, conns, duration, f"http://127.0.0.1:{server.port}{server.path}",
            header="PAYMENT-SIGNATURE: " + env["sample_header"])
    cpu_after = cpu_seconds(server.pids())
    accepts_after, fac_requests_after = facilitator_accepts(env["facilitator_port"])
    r["ok"] = r["requests"] - r["non2xx"]
    r["cpu_ms"] = (cpu_after - cpu_before) * 1000 / max(1, r["requests"])
    r["fac_conns_per_1000"] = (accepts_after - accepts_before - 1) * 1000 / max(1, r["ok"])
    r["fac_calls_per_payment"] = (fac_requests_after - fac_requests_before - 1) / max(1, r["requests"])
    return r


def paid_run(args, env, server, conns, duration):
    """One wrk run in which every request carries a fresh payment. Redone with more payments if
    any wrk thread ran out."""
    if not server.paid:
        return floor_run(args, env, server, conns, duration)
    threads = min(args.threads, conns)
    count = int(server.expected_rps(conns) * duration * 1.3) + 50 * conns
    for _attempt in range(3):
        headers = f"{env['work']}/payments.txt"
        signed_per_s = sign(env["signer"], challenge(server.port, server.path), env["key"], count, headers)
        prefix = f"{env['work']}/slice"
        split_slices(headers, threads, prefix)
        accepts_before, fac_requests_before = facilitator_accepts(env["facilitator_port"])
        receipts_before = server.ledger.settled_when_quiet() if server.ledger else None
        cpu_before = cpu_seconds(server.pids())
        waits_before = wait_totals(server.admin) if server.admin else None
        # A sample 1 s in: connections opened after it are churn, not the reconnects after the
        # idle gap between runs (paygate drops idle facilitator connections after 4 s).
        mid = {}
        sampler = threading.Timer(1.0, lambda: mid.update(sample=facilitator_accepts(env["facilitator_port"])))
        sampler.start()
        r = wrk(args, conns, duration, f"http://127.0.0.1:{server.port}{server.path}", env["script"], [prefix, server.path],
                threads=threads)
        sampler.join()
        cpu_after = cpu_seconds(server.pids())
        if waits_before:
            r["waits"] = wait_means(waits_before, wait_totals(server.admin))
        accepts_after, fac_requests_after = facilitator_accepts(env["facilitator_port"])
        if r["exhausted"] == 0:
            break
        log(f"  {server.name} c={conns}: {count} payments ran out at {r['rps']:.0f} req/s; signing more")
        count = int(count * GROWTH)
    r["signed_per_s"] = signed_per_s
    r["ok"] = r["requests"] - r["non2xx"]
    r["cpu_ms"] = (cpu_after - cpu_before) * 1000 / max(1, r["requests"])
    # The "after" query's own connection is counted in accepts_after.
    r["fac_conns_per_1000"] = (accepts_after - accepts_before - 1) * 1000 / max(1, r["ok"])
    r["fac_calls_per_payment"] = (fac_requests_after - fac_requests_before - 1) / max(1, r["requests"])
    if "sample" in mid and not env["embedded"]:
        mid_accepts, mid_requests = mid["sample"]
        payments_after_mid = (fac_requests_after - mid_requests - 1) / 2  # a verify and a settle each
        r["fac_steady_per_1000"] = (accepts_after - mid_accepts - 1) * 1000 / max(1, payments_after_mid)
    if server.ledger:
        settled_after, _ = server.ledger.settled_when_quiet()
        r["receipts"] = settled_after - receipts_before[0]
        r["receipts_per_s"] = r["receipts"] / duration
        # wrk stops counting with requests still in flight: those may be settled but uncounted.
        r["receipt_gap"] = r["receipts"] - r["ok"]
    server.seen[conns] = max(server.seen.get(conns, 0), r["rps"])
    return r


def verify_body():
    """A /verify body of the size paygate sends (the facilitator ignores it)."""
    payment = {"x402Version": 2, "payload": {"signature": "0x" + "11" * 65, "authorization": {"from": PAY_TO}},
               "accepted": {"scheme": "exact", "network": NETWORK, "amount": "1000", "payTo": PAY_TO}}
    return json.dumps({"x402Version": 2, "paymentPayload": payment, "paymentRequirements": payment["accepted"]})


def post_script(work):
    path = f"{work}/post.lua"
    with open(path, "w") as f:
        f.write(f"wrk.method = 'POST'\nwrk.headers['Content-Type'] = 'application/json'\nwrk.body = {json.dumps(verify_body())}\n")
    return path


# MARK: Report


def med(rows, key):
    values = [r[key] for r in rows if key in r]
    return statistics.median(values) if values else None


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def report(args, servers, conns, results, probe, fac_load):
    embedded = args.facilitator == "embedded"
    fac_name = "embedded facilitator (paygate:devnet)" if embedded else "instant nginx facilitator"
    print(f"\nPaid requests, medians of {args.rounds} rounds, wrk -t{args.threads} -d{args.duration}s, {fac_name}, "
          f"1 KiB origin, ledger synchronous={args.synchronous}, {os.cpu_count()} cores shared by wrk, nginx and the server\n")
    print("| conns | server | paid req/s | p50 ms | p99 ms | non-2xx | new facilitator conns / 1000 payments "
          "(whole run / after 1 s) | receipts/s | server CPU ms / paid req |")
    print("|---|---|---|---|---|---|---|---|---|")
    for c in conns:
        for s in servers:
            rows = results[(s.name, c)]
            conns_per_k = ("-" if embedded else
                           f"{fmt(med(rows, 'fac_conns_per_1000'), '.2f')} / {fmt(med(rows, 'fac_steady_per_1000'), '.2f')}")
            print(f"| {c} | {s.name} | {fmt(med(rows, 'rps'), '.0f')} | {fmt(med(rows, 'p50'), '.2f')} "
                  f"| {fmt(med(rows, 'p99'), '.2f')} | {sum(r['non2xx'] + r['socket_errors'] for r in rows)} "
                  f"| {conns_per_k} | {fmt(med(rows, 'receipts_per_s'), '.0f')} | {fmt(med(rows, 'cpu_ms'), '.3f')} |")
    names = [s.name for s in servers]
    if "reference" in names:
        print()
        for c in conns:
            ref = med(results[("reference", c)], "rps")
            for s in servers:
                if s.name not in ("reference", "floor"):
                    print(f"c={c}: {s.name}/reference paid req/s {med(results[(s.name, c)], 'rps') / ref:.1f}x (target >= 20x)")
    if "floor" in names:
        print("\nthe floor (nginx making the same three calls, no payment logic, no ledger):")
        for c in conns:
            floor = med(results[("floor", c)], "rps")
            shares = ", ".join(f"{s.name} {med(results[(s.name, c)], 'rps') / floor:.0%}" for s in servers
                               if s.name not in ("floor", "reference"))
            target = (f"; 20x the reference would be {20 * med(results[('reference', c)], 'rps') / floor:.0%} of it"
                      if "reference" in names else "")
            print(f"  c={c}: {floor:.0f} req/s; {shares} of it{target}")
    if not embedded and fac_load:
        print("\nfacilitator's own latency under the same load (wrk straight at nginx POST /verify):")
        for c in conns:
            print(f"  c={c}: {fac_load[c]['rps']:.0f} req/s, p50 {fac_load[c]['p50']:.3f} ms, p99 {fac_load[c]['p99']:.3f} ms")
    if probe:
        print(f"\nunloaded latency, 1 connection, {args.probe_duration}s each, p50 ms (median of rounds):")
        parts = {k: statistics.median(v) for k, v in probe.items()}
        below = parts.get("origin", 0) + parts.get("verify", 0) + parts.get("settle", 0)
        for k in ("origin", "verify", "settle"):
            if k in parts:
                print(f"  {k:<22} {parts[k]:.3f}")
        for s in servers:
            if s.name in parts:
                what = "origin + verify + settle" if not embedded else "origin"
                print(f"  {s.name:<22} {parts[s.name]:.3f}   added beyond {what}: {parts[s.name] - below:.3f} ms"
                      + (" (target < 1 ms)" if s.name not in ("reference", "floor") and not embedded else ""))


# MARK: Main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=5, help="seconds per measured run")
    ap.add_argument("--conns", default="32,128")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--servers", default="paygate,paygate-preverify,reference,floor",
                    help="paygate (default config), paygate-preverify (local signature pre-verification on), reference, "
                         "floor (nginx making the same upstream calls without payments or ledger; not with --facilitator embedded)")
    ap.add_argument("--facilitator", choices=["http", "embedded"], default="http")
    ap.add_argument("--synchronous", choices=["full", "normal"], default="full", help="paygate's ledger durability")
    ap.add_argument("--probe-duration", type=int, default=3, help="seconds per 1-connection latency probe (0: skip)")
    ap.add_argument("--initial-rps", type=int, default=5000,
                    help="first guess of paygate's paid req/s, to size the first payments (more are signed if they run out)")
    ap.add_argument("--paygate", default=os.path.join(ROOT, ".build", "release", "paygate"))
    ap.add_argument("--baseline", help="another paygate binary (an older build, say), run as server 'baseline' with the "
                                       "default config, taking turns with the others: an A/B of a change in one run")
    ap.add_argument("--signer", required=True, help="the paid-sign binary built by bench/paid.sh")
    ap.add_argument("--python", default=os.environ.get("PAYGATE_PYTHON", os.path.expanduser("~/.cache/paygate-test-venv/bin/python")))
    ap.add_argument("--interop-dir", default=os.path.join(ROOT, "Tests", "Fixtures", "x402"),
                    help="where ref_app.py is (a copy of ../shared/interop)")
    args = ap.parse_args()
    conns = [int(c) for c in args.conns.split(",")]
    names = [n for n in args.servers.split(",") if n]
    if names == ["floor"]:
        ap.error("the floor is measured beside a paying server, whose payment header it borrows")
    if args.facilitator == "embedded":
        names = ["paygate"]
    exit_on_sigterm()

    work = tempfile.mkdtemp(prefix="paygate-paid-bench-")
    procs = []
    try:
        wallet, payer, key = new_wallet(args.paygate, work)
        fac_port, origin_port = free_port(), free_port()
        procs.append(start_nginx(facilitator_conf(work, fac_port, payer)))
        procs.append(start_nginx(origin_conf(work, origin_port)))
        wait_port(fac_port)
        wait_port(origin_port)
        env = {"work": work, "signer": args.signer, "key": key, "facilitator_port": fac_port,
               "embedded": args.facilitator == "embedded",
               "script": os.path.join(HERE, "paid", "payments.lua")}
        servers = []
        for name in ("paygate", "paygate-preverify"):
            if name in names:
                servers.append(start_paygate(args, work, name, wallet, fac_port, origin_port, procs))
        if args.baseline:
            servers.append(start_paygate(args, work, "baseline", wallet, fac_port, origin_port, procs, binary=args.baseline))
        if "reference" in names:
            port = free_port()
            ref_env = dict(os.environ, X402_FACILITATOR=f"http://127.0.0.1:{fac_port}", X402_PAY_TO=PAY_TO,
                           X402_PRICE="$0.001", X402_NETWORK=NETWORK)
            ref = subprocess.Popen([args.python, "-m", "uvicorn", "ref_app:app", "--app-dir", args.interop_dir,
                                    "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--log-level", "warning"],
                                   env=ref_env, stdout=subprocess.DEVNULL, stderr=open(f"{work}/reference.err", "w"))
            procs.append(ref)
            servers.append(Server("reference", port, "/weather", lambda: [ref.pid] + children(ref.pid), 1500))
        if "floor" in names:
            port = free_port()
            floor = start_nginx(floor_conf(work, port, fac_port, origin_port))
            procs.append(floor)
            servers.append(Server("floor", port, "/paid", lambda: [floor.pid] + children(floor.pid), 0, paid=False))
        for s in servers:
            wait_port(s.port, timeout=30)
        time.sleep(1)
        check_one_payment(env, servers)

        # Warm-up (pools, caches, JIT of nothing): one short paid run per server; it also sizes
        # the first measured run's payments.
        for s in servers:
            r = paid_run(args, env, s, max(conns), 2)
            signing = f", signing {r['signed_per_s']:.0f} payments/s" if "signed_per_s" in r else ""
            log(f"warm-up {s.name}: {r['rps']:.0f} req/s{signing}")

        results = {(s.name, c): [] for s in servers for c in conns}
        probe = {}
        fac_load = {}
        post = post_script(work)
        for rnd in range(args.rounds):
            for c in conns:
                for s in servers:
                    r = paid_run(args, env, s, c, args.duration)
                    results[(s.name, c)].append(r)
                    extra = (f" receipts/s {r['receipts_per_s']:.0f} (gap {r['receipt_gap']:+d})" if "receipts" in r else "")
                    log(f"round {rnd + 1} c={c:<4} {s.name:<10} {r['rps']:>8.0f} paid req/s  p50 {r['p50']:.2f} ms  "
                        f"p99 {r['p99']:.2f} ms  non-2xx {r['non2xx']}  socket errors {r['socket_errors']}  "
                        f"fac conns/1000 {r['fac_conns_per_1000']:.2f} (after 1 s {r.get('fac_steady_per_1000', 0):.2f})  fac calls/payment {r['fac_calls_per_payment']:.2f}  "
                        f"cpu {r['cpu_ms']:.3f} ms/req{extra}")
                    if r.get("waits"):
                        log("                      mean ms: " + ", ".join(f"{k} {v:.2f}" for k, v in r["waits"].items()))
            if args.probe_duration > 0:
                run_probe(args, env, servers, origin_port, fac_port, post, probe)
        if args.facilitator == "http":
            for c in conns:
                fac_load[c] = wrk(args, c, args.duration, f"http://127.0.0.1:{fac_port}/verify", post)
        report(args, servers, conns, results, probe, fac_load)
        audit(servers, results)
    finally:
        stop_all(procs)
        shutil.rmtree(work, ignore_errors=True)


def start_paygate(args, work, name, wallet, fac_port, origin_port, procs, binary=None):
    """`paygate serve` on the bench config; "paygate-preverify" turns the route's local
    signature pre-verification on (it is off by default)."""
    binary = binary or args.paygate
    port, admin = free_port(), free_port()
    if args.facilitator == "http":
        facilitator = {"type": "http", "url": f"http://127.0.0.1:{fac_port}"}
    else:
        facilitator = {"type": "embedded", "database": f"{work}/devnet.sqlite"}
        subprocess.run([args.paygate, "wallet", "fund", "--wallet", wallet, "--amount", "$1000000",
                        "--devnet-db", facilitator["database"]], check=True, capture_output=True)
    config = paygate_config(work, name, port, admin, origin_port, facilitator, pre_verify=name == "paygate-preverify",
                            synchronous=args.synchronous)
    paygate = subprocess.Popen([binary, "serve", "--config", config], stdout=subprocess.DEVNULL,
                               stderr=open(f"{work}/{name}.err", "w"))
    procs.append(paygate)
    return Server(name, port, "/paid", lambda: [paygate.pid], args.initial_rps, Ledger(f"{work}/{name}.sqlite"), admin=admin)


def check_one_payment(env, servers):
    """One paid request per server before measuring: 200 with a PAYMENT-RESPONSE. The first
    one's header is the floor's sample (a used payment: the floor does not look)."""
    for s in (s for s in servers if s.paid):
        out = f"{env['work']}/one.txt"
        sign(env["signer"], challenge(s.port, s.path), env["key"], 1, out)
        with open(out) as f:
            header = f.read().strip()
        status, receipt, body = paid_once(s.port, s.path, header)
        if status != 200 or not receipt:
            raise RuntimeError(f"{s.name}: a paid request got {status} {body[:200]!r}")
        settled = json.loads(base64.b64decode(receipt))
        if not settled.get("success"):
            raise RuntimeError(f"{s.name}: settlement failed: {settled}")
        replay, _, _ = paid_once(s.port, s.path, header)
        env.setdefault("sample_header", header)
        log(f"{s.name}: one paid request OK (200, PAYMENT-RESPONSE success); the same payment again: {replay}")


def run_probe(args, env, servers, origin_port, fac_port, post, probe):
    """Unloaded p50 at one connection: each server, and what it waits for."""
    d = args.probe_duration
    parts = [("origin", f"http://127.0.0.1:{origin_port}/", None)]
    if args.facilitator == "http":
        parts += [("verify", f"http://127.0.0.1:{fac_port}/verify", post),
                  ("settle", f"http://127.0.0.1:{fac_port}/settle", post)]
    for name, url, script in parts:
        probe.setdefault(name, []).append(wrk(args, 1, d, url, script)["p50"])
    for s in servers:
        probe.setdefault(s.name, []).append(paid_run(args, env, s, 1, d)["p50"])


def audit(servers, results):
    """The ledger after every run: all settled, split lines summing to the price, and per run
    the settled receipts against the 2xx answers wrk counted."""
    for s in servers:
        if not s.ledger:
            continue
        runs = [r for (name, _), rows in results.items() if name == s.name for r in rows]
        statuses, bad_sums, unsplit = s.ledger.audit(amount=1000)
        print(f"\n{s.name} ledger after all runs: receipts by status {statuses}; {bad_sums} receipts whose split lines "
              f"do not sum to the amount; {unsplit} settled without split lines. Settled receipts minus 2xx answers per "
              f"measured run (wrk leaves up to one request per connection uncounted): {[r['receipt_gap'] for r in runs]}")

if __name__ == "__main__":
    main()
