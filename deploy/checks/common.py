"""Shared helpers of the deploy checks: loud failures, the gateway config and its numbers."""

import json
import os
import subprocess
import sys

DEPLOY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(DEPLOY)


class CheckFailure(Exception):
    pass


def fail(message):
    raise CheckFailure(message)


def expect(condition, message):
    if not condition:
        fail(message)


def say(message):
    print(f"deploy check: {message}", flush=True)


def run_main(main):
    """Runs `main`, turning a CheckFailure into one clear line and exit status 1."""
    try:
        main()
    except CheckFailure as error:
        print(f"deploy check FAILED: {error}", file=sys.stderr, flush=True)
        sys.exit(1)


def paygate_check(binary, config_path, label):
    """`paygate check --config` must accept the file."""
    result = subprocess.run([binary, "check", "--config", config_path], capture_output=True, text=True, timeout=30)
    expect(result.returncode == 0, f"paygate check refuses {label}:\n{result.stdout}{result.stderr}")


def port_of(address):
    return int(address.rsplit(":", 1)[1])


class GatewayConfig:
    """The numbers of a paygate config the manifests must agree with."""

    def __init__(self, document, label):
        self.document = document
        self.label = label
        server = document.get("server", {})
        self.drain_ms = server.get("timeouts", {}).get("drainMs", 30000)
        self.workers = server.get("workers", 0)
        self.listeners = document.get("listeners", [])
        self.admin = document.get("admin", {})
        expect(self.admin.get("address"), f"{label}: admin.address must be set (probes use the admin listener)")
        self.admin_port = port_of(self.admin["address"])
        self.listener_ports = [port_of(listener["address"]) for listener in self.listeners]

    @property
    def drain_seconds(self):
        return self.drain_ms / 1000

    def state_files(self):
        """Every SQLite file the gateway writes: the ledger and embedded facilitator databases."""
        files = [self.document.get("ledger", {}).get("path", "paygate.sqlite")]
        for facilitator in self.document.get("facilitators", {}).values():
            if facilitator.get("type") == "embedded":
                files.append(facilitator.get("database", "paygate-devnet.sqlite"))
        return files


def load_config(path):
    with open(path) as handle:
        return GatewayConfig(json.load(handle), os.path.relpath(path, REPO))
