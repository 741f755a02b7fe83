#!/usr/bin/env python3
"""Inclusive instructions per paid request of the named parts of a callgrind profile of
`paygate serve` (bench/paid_profile.sh). Usage: callgrind_parts.py CALLGRIND_OUT PAID_REQUESTS

Inclusive counts follow calls: a part that runs a completion (the loop resuming the request)
includes it, so parts overlap and do not add up; compare a part between two builds."""
import re
import subprocess
import sys

# (label, substring of the demangled callgrind_annotate line); the first matching line wins.
PARTS = [
    ("whole process", "PROGRAM TOTALS"),
    ("event loops", "EventLoop.run()"),
    ("  PaywallRoute.check", "PaywallRoute.check(_:exchange:)"),
    ("    payment header decode", "PaymentHeader.decode"),
    ("    facilitator call body", "FacilitatorCall.init("),
    ("    payment key", "ExactEVMPaymentKey.make(network:asset:payer:nonce:)"),
    ("ledger writer", "WriterQueue.BatchRunner.process(_:)"),
    ("  receipt begin (insert)", "closure #1 in static ReceiptWrites.begin(_:now:in:)"),
    ("  receipt complete", "ReceiptWrites.complete(_:_:delivered:now:in:)"),
    ("  commit (SQLite)", "???:sqlite3BtreeCommitPhaseOne"),
    ("Keccak permutations", "KeccakState.permute()"),
    ("JSON encoding", "JSONValue.encode(into:) "),
    ("JSON parsing", "JSONParser.parse(_:limits:)"),
]


def main():
    path, paid = sys.argv[1], int(sys.argv[2])
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                               capture_output=True, text=True, check=True).stdout
    demangled = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input=annotated,
                               capture_output=True, text=True, check=True).stdout
    found = {}
    for line in demangled.splitlines():
        match = re.match(r"\s*([\d,]+) ", line)
        if not match:
            continue
        for label, needle in PARTS:
            if label not in found and needle in line:
                found[label] = int(match.group(1).replace(",", ""))
    print(f"instructions per paid request ({paid} paid requests, callgrind, inclusive)")
    for label, _ in PARTS:
        count = found.get(label)
        print(f"  {label:28} {count / paid:>10,.0f}" if count is not None else f"  {label:28} {'-':>10}")


if __name__ == "__main__":
    main()
