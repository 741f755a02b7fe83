"""Static checks of deploy/: every manifest parses, and the fields operators rely on are there and
agree with each other (ports, probe paths, drain deadline versus grace periods, non-root user,
volumes, the config file path). Usage: manifests.py PAYGATE_BINARY"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

import dockerfile
from common import DEPLOY, REPO, CheckFailure, expect, fail, load_config, paygate_check, run_main, say

BUILD_IMAGE_SUFFIX = "-bookworm"
RUN_IMAGE = "debian:bookworm-slim"


def host_swift_version():
    output = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=60).stdout
    match = re.search(r"Swift version (\d+\.\d+(?:\.\d+)?)", output)
    expect(match, f"cannot read the Swift version from `swift --version`: {output!r}")
    return match.group(1)


def apt_packages(stage):
    """Packages of the stage's `apt-get install` commands."""
    return [package for run in stage.all("RUN") for words in dockerfile.shell_commands(run)
            for package in dockerfile.apt_install(words) or []]


class Image:
    """What the Dockerfile promises about the image, checked field by field."""

    def __init__(self, path):
        self.path = path
        self.stages = dockerfile.parse(path)
        self.build, self.run = self.stages[0], self.stages[-1]
        entrypoint = self.run.one("ENTRYPOINT").exec_form()
        expect(entrypoint[1:3] == ["serve", "--config"] and len(entrypoint) == 4,
               f"Dockerfile ENTRYPOINT must be [paygate, serve, --config, FILE], is {entrypoint}")
        self.entrypoint = entrypoint
        self.config_path = entrypoint[3]
        user = self.run.one("USER").text
        expect(re.fullmatch(r"\d+:\d+", user), f"Dockerfile USER must be numeric uid:gid (Kubernetes runAsNonRoot needs it), is {user}")
        self.uid, self.gid = (int(part) for part in user.split(":"))
        expect(self.uid != 0, "Dockerfile USER must not be root")
        self.volumes = self.run.one("VOLUME").text.split()
        self.exposed = sorted(int(port) for item in self.run.all("EXPOSE") for port in item.text.split())
        flags, command = self.run.one("HEALTHCHECK").flags_and_rest()
        expect(command.startswith("CMD "), "Dockerfile HEALTHCHECK must run a CMD")
        self.healthcheck = dockerfile.Instruction("CMD", command[4:], self.run.one("HEALTHCHECK").line).exec_form()
        self.healthcheck_flags = flags
        self.config_source = self.copied_to(self.config_path)

    def copied_to(self, destination):
        for copy in self.run.all("COPY"):
            flags, rest = copy.flags_and_rest()
            source, target = rest.split()
            if target == destination and "from" not in flags:
                return os.path.join(REPO, source)
        fail(f"Dockerfile: no COPY puts a default config at {destination} (the ENTRYPOINT's --config)")

    def check(self, config):
        version = host_swift_version()
        expect(self.build.image == f"swift:{version}{BUILD_IMAGE_SUFFIX}",
               f"Dockerfile build stage is FROM {self.build.image}; this toolchain is {version}, so use swift:{version}{BUILD_IMAGE_SUFFIX}")
        expect(self.build.name == "build", "Dockerfile: name the first stage `AS build`")
        missing = {"libssl-dev", "libsqlite3-dev"} - set(apt_packages(self.build))
        expect(not missing, f"Dockerfile build stage does not install {sorted(missing)}")
        expect(any("swift build -c release --product paygate --static-swift-stdlib" in run.text for run in self.build.all("RUN")),
               "Dockerfile build stage must run `swift build -c release --product paygate --static-swift-stdlib`")
        expect(self.run.image == RUN_IMAGE, f"Dockerfile run stage must be FROM {RUN_IMAGE}, is {self.run.image}")
        missing = {"libssl3", "libsqlite3-0", "ca-certificates", self.healthcheck[0]} - set(apt_packages(self.run))
        expect(not missing, f"Dockerfile run stage does not install {sorted(missing)}")
        expect("/data" in self.volumes, f"Dockerfile must declare VOLUME /data, has {self.volumes}")
        for file in config.state_files():
            expect(any(file.startswith(volume + "/") for volume in self.volumes),
                   f"{config.label}: SQLite file {file} is not on a VOLUME ({self.volumes}); it would be lost with the container")
        expect(self.exposed == sorted(config.listener_ports + [config.admin_port]),
               f"Dockerfile EXPOSE {self.exposed} does not match the config's listeners and admin ports")
        expect(f"http://127.0.0.1:{config.admin_port}/healthz" in self.healthcheck,
               f"Dockerfile HEALTHCHECK must probe http://127.0.0.1:{config.admin_port}/healthz, runs {self.healthcheck}")
        expect(self.run.one("STOPSIGNAL").text == "SIGTERM", "Dockerfile STOPSIGNAL must be SIGTERM (the drain signal)")


def check_container_config(config):
    for address in [listener["address"] for listener in config.listeners] + [config.admin["address"]]:
        expect(address.startswith("0.0.0.0:"), f"{config.label}: {address} must listen on 0.0.0.0 inside a container")
    expect(config.admin.get("tokenFile") or config.admin.get("tokenEnv"), f"{config.label}: the admin listener needs a token source")


def duration_seconds(text):
    """Compose and systemd durations: 45, 45s, 1m30s, 2min."""
    text = str(text).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    units = {"h": 3600, "min": 60, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*(ms|min|h|m|s)", text)
    expect(parts and "".join(f"{n}{u}" for n, u in parts) == text.replace(" ", ""), f"cannot read the duration {text!r}")
    return sum(float(number) * units[unit] for number, unit in parts)


def upstream_hosts(config):
    hosts = []
    for upstream in config.document.get("upstreams", {}).values():
        match = re.match(r"https?://([^/:]+)(?::(\d+))?", upstream["url"])
        hosts.append((match.group(1), int(match.group(2) or 80)))
    return hosts


def check_compose(path, image, config):
    with open(path) as handle:
        compose = yaml.safe_load(handle)
    services = compose.get("services", {})
    expect("paygate" in services, f"{path}: no paygate service")
    paygate = services["paygate"]
    build = paygate.get("build", {})
    context = os.path.normpath(os.path.join(os.path.dirname(path), build.get("context", ".")))
    expect(os.path.join(context, build.get("dockerfile", "Dockerfile")) == image.path,
           f"{path}: paygate.build must name {os.path.relpath(image.path, REPO)} with the repository as context")
    volumes = paygate.get("volumes", [])
    expect(any(volume.split(":")[1] == "/data" for volume in volumes), f"{path}: paygate must mount a volume at /data")
    config_mounts = [volume for volume in volumes if volume.split(":")[1] == image.config_path]
    expect(config_mounts, f"{path}: paygate must mount the config file at {image.config_path}")
    source = os.path.join(os.path.dirname(path), config_mounts[0].split(":")[0])
    expect(os.path.normpath(source) == image.config_source, f"{path}: the mounted config should be {image.config_source}")
    token = config.admin.get("tokenFile")
    if token:
        name = os.path.basename(token)
        expect(os.path.dirname(token) == "/run/secrets" and name in paygate.get("secrets", []) and name in compose.get("secrets", {}),
               f"{path}: admin.tokenFile {token} must come from a compose secret named {name}")
    health = paygate.get("healthcheck", {})
    expect(health.get("test") == ["CMD"] + image.healthcheck, f"{path}: paygate healthcheck must run the image's HEALTHCHECK {image.healthcheck}")
    grace = duration_seconds(paygate.get("stop_grace_period", "10s"))
    expect(grace > config.drain_seconds, f"{path}: stop_grace_period {grace}s must exceed the drain deadline {config.drain_seconds}s")
    expect(paygate.get("stop_signal", "SIGTERM") == "SIGTERM", f"{path}: stop_signal must be SIGTERM")
    published = [str(port).rsplit(":", 1)[-1] for port in paygate.get("ports", [])]
    for port in config.listener_ports:
        expect(str(port) in published, f"{path}: listener port {port} is not published")
    for port in paygate.get("ports", []):
        if str(port).endswith(f":{config.admin_port}"):
            expect(str(port).startswith("127.0.0.1:"), f"{path}: publish the admin port on 127.0.0.1 only, not {port}")
    for host, port in upstream_hosts(config):
        expect(host in services, f"{path}: upstream host {host} is not a compose service")
        expect(str(port) in [str(item) for item in services[host].get("expose", [])], f"{path}: service {host} must expose {port}")
        expect(host in paygate.get("depends_on", {}), f"{path}: paygate must depend on {host} (upstream names resolve at start)")
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                expect(os.path.exists(os.path.join(os.path.dirname(path), source)), f"{path}: mounted file {source} does not exist")


def load_kubernetes(directory):
    documents = {}
    files = sorted(glob.glob(os.path.join(directory, "*.yaml")))
    for file in files:
        with open(file) as handle:
            for document in yaml.safe_load_all(handle):
                if document:
                    expect("kind" in document, f"{file}: a document without kind")
                    documents.setdefault(document["kind"], []).append((os.path.basename(file), document))
    kustomization = documents.pop("Kustomization", [(None, {})])[0][1]
    listed = set(kustomization.get("resources", []))
    others = {os.path.basename(file) for file in files} - {"kustomization.yaml"}
    expect(listed == others, f"{directory}/kustomization.yaml lists {sorted(listed)}, the directory has {sorted(others)}")
    return {kind: [document for _, document in entries] for kind, entries in documents.items()}


def only(documents, kind):
    found = documents.get(kind, [])
    expect(len(found) == 1, f"deploy/kubernetes: expected one {kind}, found {len(found)}")
    return found[0]


def container_port(container, port):
    if isinstance(port, int):
        return port
    named = [item["containerPort"] for item in container.get("ports", []) if item.get("name") == port]
    expect(named, f"Deployment: container port {port!r} is not declared")
    return named[0]


def cpu_cores(text):
    text = str(text)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


def check_probe(container, kind, path, config):
    probe = container.get(kind)
    expect(probe and "httpGet" in probe, f"Deployment: {kind} must be an httpGet probe")
    expect(probe["httpGet"].get("path") == path, f"Deployment: {kind} must GET {path}, gets {probe['httpGet'].get('path')}")
    port = container_port(container, probe["httpGet"].get("port"))
    expect(port == config.admin_port, f"Deployment: {kind} port {port} is not the admin port {config.admin_port}")


def prestop_seconds(container):
    command = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    return float(command[-1]) if command[:1] == ["/bin/sleep"] else 0


def check_mounts(pod, container, image, config, documents):
    mounts = {mount["mountPath"]: mount for mount in container.get("volumeMounts", [])}
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}

    def volume_at(path):
        expect(path in mounts, f"Deployment: nothing is mounted at {path}")
        return volumes[mounts[path]["name"]], mounts[path]

    data, _ = volume_at("/data")
    claim = data.get("persistentVolumeClaim", {}).get("claimName")
    expect(claim == only(documents, "PersistentVolumeClaim")["metadata"]["name"], "Deployment: /data must be the PersistentVolumeClaim")
    volume, mount = volume_at(os.path.dirname(image.config_path))
    configmap = only(documents, "ConfigMap")
    expect(volume.get("configMap", {}).get("name") == configmap["metadata"]["name"] and mount.get("readOnly"),
           f"Deployment: {os.path.dirname(image.config_path)} must be the ConfigMap, read-only")
    token = config.admin.get("tokenFile")
    if token:
        volume, mount = volume_at(token)
        expect(volume.get("secret", {}).get("secretName") and mount.get("subPath"),
               f"Deployment: the admin token {token} must be a Secret key mounted with subPath")
    if container.get("securityContext", {}).get("readOnlyRootFilesystem"):
        expect("emptyDir" in volume_at("/tmp")[0], "Deployment: a read-only root needs an emptyDir at /tmp (SQLite temp files)")


def check_kubernetes(directory, image, config, binary):
    documents = load_kubernetes(directory)
    deployment = only(documents, "Deployment")
    spec = deployment["spec"]
    expect(spec.get("replicas") == 1, "Deployment: replicas must be 1 (one SQLite ledger, one writer)")
    expect(spec.get("strategy", {}).get("type") == "Recreate", "Deployment: strategy must be Recreate (never two pods on one ledger)")
    pod = spec["template"]["spec"]
    expect(spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items(), "Deployment: selector does not match the pod labels")
    containers = pod["containers"]
    expect(len(containers) == 1, "Deployment: expected one container")
    container = containers[0]
    expect(not container.get("command") and not container.get("args"), "Deployment: keep the image ENTRYPOINT (no command/args)")
    check_probe(container, "livenessProbe", "/healthz", config)
    check_probe(container, "readinessProbe", "/readyz", config)
    resources = container.get("resources", {})
    for kind in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            expect(resource in resources.get(kind, {}), f"Deployment: resources.{kind}.{resource} must be set")
    if config.workers:
        expect(cpu_cores(resources["limits"]["cpu"]) >= config.workers,
               f"Deployment: limits.cpu {resources['limits']['cpu']} is below server.workers {config.workers}")
    grace = pod.get("terminationGracePeriodSeconds", 30)
    needed = config.drain_seconds + prestop_seconds(container)
    expect(grace > needed, f"Deployment: terminationGracePeriodSeconds {grace} must exceed preStop + drain ({needed}s)")
    security = pod.get("securityContext", {})
    expect(security.get("runAsNonRoot") is True and security.get("runAsUser") == image.uid,
           f"Deployment: securityContext must set runAsNonRoot and runAsUser {image.uid} (the image USER)")
    expect(security.get("fsGroup") == image.gid, f"Deployment: fsGroup must be {image.gid} so the volume is writable")
    container_security = container.get("securityContext", {})
    expect(container_security.get("allowPrivilegeEscalation") is False, "Deployment: allowPrivilegeEscalation must be false")
    expect(container_security.get("capabilities", {}).get("drop") == ["ALL"], "Deployment: drop ALL capabilities")
    check_mounts(pod, container, image, config, documents)
    configmap = only(documents, "ConfigMap")
    key = os.path.basename(image.config_path)
    expect(key in configmap.get("data", {}), f"ConfigMap: no key {key}")
    with open(image.config_source) as handle:
        expect(json.loads(configmap["data"][key]) == json.load(handle),
               f"ConfigMap {key} differs from {os.path.relpath(image.config_source, REPO)}; keep them the same")
    with tempfile.NamedTemporaryFile("w", suffix=".json") as handle:
        handle.write(configmap["data"][key])
        handle.flush()
        paygate_check(binary, handle.name, f"the ConfigMap's {key}")
    service = only(documents, "Service")
    expect(service["spec"]["selector"].items() <= spec["template"]["metadata"]["labels"].items(), "Service: selector matches no pod")
    for port in service["spec"]["ports"]:
        container_port(container, port["targetPort"])
    claim = only(documents, "PersistentVolumeClaim")["spec"]
    expect(claim.get("accessModes") == ["ReadWriteOnce"] and claim.get("resources", {}).get("requests", {}).get("storage"),
           "PersistentVolumeClaim: ReadWriteOnce with a storage request")


def read_unit(path):
    sections, current = {}, None
    with open(path) as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                current = sections.setdefault(line.strip("[]"), {})
                continue
            expect(current is not None and "=" in line, f"{path} line {number}: not a key=value line in a section")
            key, _, value = line.partition("=")
            current.setdefault(key, []).append(value)
    return sections


def check_systemd(path, binary, config):
    service = read_unit(path).get("Service", {})

    def value(key):
        expect(key in service, f"{path}: [Service] must set {key}")
        return service[key][-1]

    expect(value("ExecStart") == "/usr/local/bin/paygate serve --config /etc/paygate/config.json", f"{path}: ExecStart must be paygate serve --config /etc/paygate/config.json")
    expect(value("ExecReload") == "/bin/kill -HUP $MAINPID", f"{path}: ExecReload must send SIGHUP (reloads the config)")
    expect(value("KillSignal") == "SIGTERM", f"{path}: KillSignal must be SIGTERM (the drain signal)")
    stop = duration_seconds(value("TimeoutStopSec"))
    expect(stop > config.drain_seconds, f"{path}: TimeoutStopSec {stop}s must exceed the drain deadline {config.drain_seconds}s of {config.label}")
    for key, wanted in [("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("PrivateTmp", "yes"), ("ProtectHome", "yes"),
                        ("StateDirectory", "paygate"), ("WorkingDirectory", "/var/lib/paygate"), ("CapabilityBoundingSet", "")]:
        expect(value(key) == wanted, f"{path}: {key} must be {wanted!r}, is {value(key)!r}")
    expect(service.get("DynamicUser", ["no"])[-1] == "yes" or service.get("User"), f"{path}: run as DynamicUser=yes or a dedicated User")
    for file in config.state_files():
        expect(not file.startswith("/") or file.startswith("/var/lib/paygate/"),
               f"{config.label}: {file} is outside the StateDirectory; ProtectSystem=strict makes it read-only")
    with tempfile.TemporaryDirectory() as scratch:
        # verify needs the binary to exist: point the unit at the build output.
        unit = os.path.join(scratch, "paygate.service")
        with open(path) as source, open(unit, "w") as target:
            target.write(source.read().replace("/usr/local/bin/paygate", binary))
        result = subprocess.run(["systemd-analyze", "verify", unit], capture_output=True, text=True, timeout=60)
        expect(result.returncode == 0 and not result.stderr.strip() and not result.stdout.strip(),
               f"systemd-analyze verify {path}:\n{result.stdout}{result.stderr}")
        result = subprocess.run(["systemd-analyze", "security", "--offline=yes", unit], capture_output=True, text=True, timeout=60)
        match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout + result.stderr)
        expect(match and float(match.group(1)) <= 2.0, f"systemd-analyze security: exposure must stay at or below 2.0:\n{result.stdout[-600:]}{result.stderr}")


def main():
    binary = sys.argv[1]
    image = Image(os.path.join(DEPLOY, "Dockerfile"))
    config = load_config(image.config_source)
    paygate_check(binary, image.config_source, config.label)
    paygate_check(binary, os.path.join(REPO, "config.example.json"), "config.example.json")
    checks = [
        ("Dockerfile", lambda: image.check(config)),
        ("container config", lambda: check_container_config(config)),
        ("docker-compose.yml", lambda: check_compose(os.path.join(DEPLOY, "docker-compose.yml"), image, config)),
        ("kubernetes/", lambda: check_kubernetes(os.path.join(DEPLOY, "kubernetes"), image, config, binary)),
        ("systemd unit", lambda: check_systemd(os.path.join(DEPLOY, "systemd", "paygate.service"), binary,
                                               load_config(os.path.join(REPO, "config.example.json")))),
    ]
    problems = []
    for name, check in checks:
        try:
            check()
            say(f"{name}: OK")
        except (CheckFailure, KeyError, TypeError, yaml.YAMLError) as error:
            problems.append(f"{name}: {error!r}" if not isinstance(error, CheckFailure) else f"{name}: {error}")
    if problems:
        fail("\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    run_main(main)
