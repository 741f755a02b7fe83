"""Performs deploy/Dockerfile on the host, as far as a machine without a container engine can:

  image_run.py build STAGE   runs the build stage's `swift build` RUN (its /out is STAGE/out) and
                             checks that every library the binary links comes from a package the
                             run stage installs (or that debian:bookworm-slim already has).
  image_run.py run STAGE     (as root, under `unshare --mount --net`) lays out the run stage as a
                             root directory (the host's /usr stands in for the slim image's, its
                             packages checked with dpkg), read-only like Kubernetes'
                             readOnlyRootFilesystem, with the /data volume, the config file and
                             the admin token secret; starts the example origin (the compose nginx
                             server block) under the upstream's host name; runs the ENTRYPOINT as
                             PID 1 of its own PID namespace as the image USER; then checks the
                             probes, a proxied and a priced request, the HEALTHCHECK command, the
                             admin token, SIGHUP reload, the SQLite files on the volume, and that
                             the STOPSIGNAL drains and exits 0.
Every run-stage instruction is interpreted or refused: a new kind of step fails the check until
this file learns it."""

import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time

import dockerfile
from common import DEPLOY, REPO, expect, fail, load_config, run_main, say
from manifests import Image, apt_packages, upstream_hosts

# Packages debian:bookworm-slim has before any apt-get install (apt itself depends on them).
SLIM_BASE = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
OUT = re.compile(r"(?<![\w/.])/out(?=/|\s|$)")


def binary(stage):
    return os.path.join(stage, "out", "usr", "local", "bin", "paygate")


# MARK: build stage

def build(stage, image):
    workdir = image.build.one("WORKDIR").text
    for copy in image.build.all("COPY"):
        source, target = copy.flags_and_rest()[1].split()
        if target.endswith("/"):
            target += os.path.basename(source.rstrip("/"))   # into a directory, under its own name
        expect(os.path.normpath(os.path.join(workdir, target)) == os.path.join(workdir, source.rstrip("/")),
               f"Dockerfile line {copy.line}: COPY {source} {target} does not mirror the repository under {workdir}")
        expect(os.path.exists(os.path.join(REPO, source)), f"Dockerfile line {copy.line}: {source} is not in the repository")
    require_installed(apt_packages(image.build), "build")
    runs = [run for run in image.build.all("RUN") if "swift build" in run.text]
    expect(len(runs) == 1, "Dockerfile build stage: expected one RUN with `swift build`")
    command = OUT.sub(os.path.join(stage, "out"), runs[0].text)
    say(f"build stage: {runs[0].text}")
    started = time.monotonic()
    result = subprocess.run(["bash", "-ec", command], cwd=REPO, timeout=1500)
    expect(result.returncode == 0, f"the build stage's RUN failed (exit {result.returncode})")
    expect(os.access(binary(stage), os.X_OK), f"the build stage did not install {binary(stage)}")
    say(f"build stage: done in {time.monotonic() - started:.0f} s")
    check_linked_libraries(binary(stage), set(apt_packages(image.run)))


def require_installed(packages, stage_name):
    for package in packages:
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True).stdout
        expect("install ok installed" in status, f"the {stage_name} stage installs {package}, which this host lacks (apt-get install {package})")


def check_linked_libraries(path, run_packages):
    output = subprocess.run(["ldd", path], capture_output=True, text=True, timeout=30).stdout
    expect("not found" not in output, f"ldd {path}: a library is missing:\n{output}")
    owners = set()
    for library in re.findall(r"=> (/\S+)", output):
        owner = subprocess.run(["dpkg", "-S", os.path.realpath(library)], capture_output=True, text=True).stdout
        if not owner:
            owner = subprocess.run(["dpkg", "-S", library], capture_output=True, text=True).stdout
        package = owner.split(":")[0]
        expect(package in run_packages | SLIM_BASE,
               f"{library} (package {package or 'unknown'}) is linked but the run stage does not install it")
        owners.add(package)
    say(f"the binary links libraries of {sorted(owners)}: all in the run stage or the slim base")


# MARK: run stage as a root directory

class RootFS:
    """The run stage's filesystem under STAGE/root, and the instructions that shape it."""

    def __init__(self, stage, image):
        self.stage = stage
        self.image = image
        self.root = os.path.join(stage, "root")
        self.users = []    # passwd lines the RUN steps add
        self.groups = []
        self.workdir = "/"
        self.env = {"PATH": PATH}
        self.usr_local = None   # the build output's /usr/local, set by COPY --from=build

    def path(self, inside):
        return os.path.join(self.root, inside.lstrip("/"))

    def lay_out(self):
        os.makedirs(self.root)
        for directory in ("usr", "etc/ssl", "dev", "proc", "sys", "tmp", "run", "var"):
            os.makedirs(self.path(directory))
        for link in ("bin", "sbin", "lib", "lib64"):
            os.symlink(f"usr/{link}", self.path(link))
        for file in ("passwd", "group", "nsswitch.conf", "ld.so.cache", "host.conf"):
            shutil.copy(f"/etc/{file}", self.path(f"etc/{file}"))
        for instruction in self.image.run.instructions:
            self.apply(instruction)
        with open(self.path("etc/passwd"), "a") as handle:
            handle.writelines(line + "\n" for line in self.users)
        with open(self.path("etc/group"), "a") as handle:
            handle.writelines(line + "\n" for line in self.groups)

    def apply(self, instruction):
        keyword = instruction.keyword
        if keyword == "RUN":
            for words in dockerfile.shell_commands(instruction):
                self.run_command(words, instruction.line)
        elif keyword == "COPY":
            flags, rest = instruction.flags_and_rest()
            source, target = rest.split()
            if flags.get("from") == "build":
                expect((source, target) == ("/out/", "/"), f"Dockerfile line {instruction.line}: the checker expects COPY --from=build /out/ /")
                self.copy_tree(os.path.join(self.stage, "out"))
            else:
                expect(not flags, f"Dockerfile line {instruction.line}: COPY flags {flags} are not understood")
                os.makedirs(os.path.dirname(self.path(target)), exist_ok=True)
                shutil.copy(os.path.join(REPO, source), self.path(target))
        elif keyword == "WORKDIR":
            self.workdir = instruction.text
        elif keyword == "ENV":
            name, _, value = instruction.text.partition("=")
            self.env[name] = value
        # USER, VOLUME, EXPOSE, HEALTHCHECK, STOPSIGNAL, ENTRYPOINT: read from `Image` when running.

    def run_command(self, words, line):
        name = words[0]
        packages = dockerfile.apt_install(words)
        if packages is not None:
            require_installed(packages, "run")   # the host's /usr stands in for the image's
        elif words in (["apt-get", "update"], ["rm", "-rf", "/var/lib/apt/lists/*"]):
            pass                                 # package lists: nothing of them stays in the image
        elif name == "groupadd":
            gid = option(words, "--gid")
            self.groups.append(f"{words[-1]}:x:{gid}:")
        elif name == "useradd":
            self.users.append(f"{words[-1]}:x:{option(words, '--uid')}:{option(words, '--gid')}::{option(words, '--home-dir')}:{option(words, '--shell')}")
        elif name == "mkdir" and words[1] == "-p":
            for directory in words[2:]:
                os.makedirs(self.path(directory), exist_ok=True)
        elif name == "chown" and len(words) == 3:
            uid, gid = (int(part) for part in words[1].split(":"))
            os.chown(self.path(words[2]), uid, gid)
        else:
            fail(f"Dockerfile line {line}: the checker cannot perform `{' '.join(words)}`; teach deploy/checks/image_run.py")

    def copy_tree(self, source):
        """COPY --from=build /out/ /. /usr is the host's (a read-only bind), so /usr/local comes
        from the build output by a bind over it; anything else is copied in."""
        for directory, _, files in os.walk(source):
            relative = os.path.relpath(directory, source)
            if relative.split("/")[:2] == ["usr", "local"]:
                continue
            for file in files:
                expect(not relative.startswith("usr"), f"COPY --from=build: {relative}/{file} would shadow the base image's /usr")
                os.makedirs(self.path(relative), exist_ok=True)
                shutil.copy2(os.path.join(directory, file), self.path(os.path.join(relative, file)))
        self.usr_local = os.path.join(source, "usr", "local")

    def mount(self):
        expect(self.usr_local, "the run stage never copies the build output (COPY --from=build /out/ /)")
        commands = [["mount", "--bind", self.root, self.root], ["mount", "-o", "remount,bind,ro", self.root]]
        for source, target in (("/usr", "usr"), (self.usr_local, "usr/local"), ("/etc/ssl", "etc/ssl"), ("/sys", "sys")):
            commands += [["mount", "--bind", source, self.path(target)], ["mount", "-o", "remount,bind,ro", self.path(target)]]
        commands += [["mount", "--rbind", "/dev", self.path("dev")], ["mount", "-t", "tmpfs", "-o", "mode=1777", "tmpfs", self.path("tmp")]]
        for volume in self.image.volumes:
            # Docker fills a new named volume from the image's directory, owner included.
            os.makedirs(self.path(volume), exist_ok=True)
            backing, image_directory = self.volume(volume), os.stat(self.path(volume))
            os.makedirs(backing)
            os.chown(backing, image_directory.st_uid, image_directory.st_gid)
            commands.append(["mount", "--bind", backing, self.path(volume)])
        for command in commands:
            result = subprocess.run(command, capture_output=True, text=True)
            expect(result.returncode == 0, f"{' '.join(command)}: {result.stderr.strip()}")

    def volume(self, volume):
        return os.path.join(self.stage, "volumes", volume.strip("/"))


def option(words, name):
    expect(name in words, f"`{' '.join(words)}`: the checker needs {name}")
    return words[words.index(name) + 1]


# MARK: processes

def as_user(image, rootfs, argv):
    return ["setpriv", f"--reuid={image.uid}", f"--regid={image.gid}", "--clear-groups", "--no-new-privs",
            "--bounding-set=-all", "--inh-caps=-all", "env", "-i", "-C", rootfs.workdir, f"HOME={rootfs.workdir}",
            *[f"{key}={value}" for key, value in rootfs.env.items()], *argv]


def wait_until(predicate, seconds, what, process=None, log=None):
    """Polls `predicate` until it returns something true, which it returns; fails loudly if
    the deadline passes or `process` exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if process is not None and process.poll() is not None:
            fail(f"{what}: the process exited with {process.returncode}\n{tail(log)}")
        time.sleep(0.1)
    fail(f"{what}: not within {seconds} s\n{tail(log)}")


def tail(path):
    if not path or not os.path.exists(path):
        return ""
    with open(path, errors="replace") as handle:
        return "--- " + path + "\n" + "".join(handle.readlines()[-30:])


def request(port, method, target, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def answers(port, target):
    try:
        return request(port, "GET", target)[0] == 200
    except OSError:
        return False


def child_pid(parent):
    """The PID (on the host) of the process `unshare --fork` started: the container's PID 1."""
    with open(f"/proc/{parent}/task/{parent}/children") as handle:
        children = handle.read().split()
    return int(children[0]) if children else None


def start_origin(stage, port):
    prefix = os.path.join(stage, "nginx")
    os.makedirs(prefix)
    config = os.path.join(prefix, "nginx.conf")
    with open(config, "w") as handle:
        handle.write(f"daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\nerror_log stderr;\n"
                     f"events {{}}\nhttp {{\n  include {DEPLOY}/origin/default.conf;\n}}\n")
    log = os.path.join(stage, "origin.log")
    with open(log, "w") as output:
        process = subprocess.Popen(["nginx", "-p", prefix + "/", "-c", config, "-e", "stderr"], stdout=output, stderr=output)
    wait_until(lambda: answers(port, "/api/free"), 10, f"origin nginx on 127.0.0.1:{port}", process, log)
    return process


def stop(process, sig=signal.SIGTERM):
    if process and process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# MARK: run

def run(stage, image):
    config = load_config(image.config_source)
    rootfs = RootFS(stage, image)
    rootfs.lay_out()
    token = secrets.token_hex(16)
    token_file = config.admin.get("tokenFile")
    if token_file:
        os.makedirs(os.path.dirname(rootfs.path(token_file)), exist_ok=True)
        with open(rootfs.path(token_file), "w") as handle:
            handle.write(token + "\n")
        os.chown(rootfs.path(token_file), 0, image.gid)  # a Kubernetes Secret with fsGroup: 0440 root:gid
        os.chmod(rootfs.path(token_file), 0o440)
    with open(rootfs.path("etc/hosts"), "w") as handle:
        handle.write("127.0.0.1 localhost\n::1 localhost\n")
        handle.writelines(f"127.0.0.1 {host}\n" for host, _ in upstream_hosts(config))
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    rootfs.mount()
    say(f"run stage laid out in {rootfs.root} (read-only root, volumes {image.volumes}, user {image.uid}:{image.gid})")

    origin = start_origin(stage, upstream_hosts(config)[0][1])
    log = os.path.join(stage, "paygate.log")
    container, pid = None, None
    try:
        with open(log, "w") as output:
            container = subprocess.Popen(["unshare", "--pid", "--fork", f"--mount-proc={rootfs.path('proc')}",
                                          "chroot", rootfs.root, *as_user(image, rootfs, image.entrypoint)],
                                         stdout=output, stderr=output)
        pid = wait_until(lambda: child_pid(container.pid), 5, "the container's PID 1 to start", container, log)
        wait_until(lambda: answers(config.admin_port, "/healthz"), 20, "GET /healthz on the admin port", container, log)
        probe(config, image, rootfs, pid, token, log, container)
        check_volume(config, image, rootfs)
        stop_signal = getattr(signal, image.run.one("STOPSIGNAL").text)
        os.kill(pid, stop_signal)
        try:
            status = container.wait(timeout=config.drain_seconds + 10)
        except subprocess.TimeoutExpired:
            fail(f"paygate did not exit within the drain deadline + 10 s after {stop_signal.name}\n{tail(log)}")
        expect(status == 0, f"paygate exited {status} after {stop_signal.name} (expected 0)\n{tail(log)}")
        expect("\"drained\"" in open(log).read(), f"paygate did not log \"drained\" on {stop_signal.name}\n{tail(log)}")
        say(f"{stop_signal.name}: drained and exited 0")
    finally:
        # PID 1 goes first (its namespace ends with it); setpriv's uid change cleared any
        # parent-death signal, so killing unshare alone would leave it running.
        if container and container.poll() is None and pid:
            os.kill(pid, signal.SIGKILL)
        stop(container, signal.SIGKILL)
        stop(origin, signal.SIGQUIT)


def check_container_process(pid, image):
    """PID 1 of its namespace, the image user, a read-only root: what the image promises."""
    with open(f"/proc/{pid}/status") as handle:
        status = dict(line.rstrip("\n").split(":\t", 1) for line in handle if ":\t" in line)
    expect(status["NSpid"].split()[-1] == "1", f"paygate is not PID 1 of its namespace (NSpid {status['NSpid']})")
    expect(status["Uid"].split()[:2] == [str(image.uid)] * 2, f"paygate runs as uid {status['Uid']}, not {image.uid}")
    expect(int(status["CapEff"], 16) == 0, f"paygate has capabilities {status['CapEff']}")
    with open(f"/proc/{pid}/mountinfo") as handle:
        mounts = {fields[4]: fields[5].split(",") for fields in (line.split() for line in handle)}
    expect("ro" in mounts["/"], "the container's root is not read-only")
    expect("rw" in mounts["/data"], "the /data volume is not writable")
    say(f"paygate is PID 1 of its PID namespace, uid {image.uid}, no capabilities, read-only root, writable /data")


def probe(config, image, rootfs, pid, token, log, container):
    check_container_process(pid, image)
    status, _ = request(config.admin_port, "GET", "/readyz")
    expect(status == 200, f"GET /readyz answered {status}")
    port = config.listener_ports[0]
    _, direct = request(upstream_hosts(config)[0][1], "GET", "/api/free")
    status, body = request(port, "GET", "/api/free")
    expect(status == 200 and body == direct, f"GET /api/free through paygate: {status} {body!r}, the origin says {direct!r}\n{tail(log)}")
    status, body = request(port, "GET", "/api/weather/paris")
    expect(status == 402, f"GET /api/weather/paris (priced) answered {status}, expected 402: {body[:200]!r}")
    say("probes /healthz and /readyz answer 200; a free route proxies to the origin; a priced one answers 402")

    flags = image.healthcheck_flags
    seconds = float(flags.get("timeout", "30s").rstrip("s"))
    health = subprocess.run(["nsenter", f"--target={pid}", "--mount", "--pid", "--root", "--wd",
                             *as_user(image, rootfs, image.healthcheck)], capture_output=True, text=True, timeout=seconds + 5)
    expect(health.returncode == 0, f"the HEALTHCHECK command {image.healthcheck} exited {health.returncode}: {health.stderr}")
    say("HEALTHCHECK command succeeds inside the container's namespaces as the image user")

    if config.admin.get("tokenFile"):
        status, _ = request(config.admin_port, "POST", "/admin/reload")
        expect(status == 401, f"POST /admin/reload without the token answered {status}, expected 401")
        status, body = request(config.admin_port, "POST", "/admin/reload", {"Authorization": f"Bearer {token}"})
        expect(status == 200, f"POST /admin/reload with the token from {config.admin['tokenFile']} answered {status}: {body!r}")
        say("admin token is read from the secret file; /admin/reload needs it")
    os.kill(pid, signal.SIGHUP)
    wait_until(lambda: "config reloaded" in open(log).read(), 10, "SIGHUP reload", container, log)
    say("SIGHUP reloads the config")


def check_volume(config, image, rootfs):
    for file in config.state_files():
        volume = next(volume for volume in image.volumes if file.startswith(volume + "/"))
        backing = os.path.join(rootfs.volume(volume), os.path.relpath(file, volume))
        expect(os.path.exists(backing), f"{file} was not created on the {volume} volume")
        owner = os.stat(backing).st_uid
        expect(owner == image.uid, f"{file} is owned by uid {owner}, not the image user {image.uid}")
    say(f"SQLite files {config.state_files()} are on the volume, owned by {image.uid}")


def stopped(number, _frame):
    fail(f"stopped by signal {number} (check.sh's timeout?)")   # unwinds through the cleanup


def main():
    signal.signal(signal.SIGTERM, stopped)
    command, stage = sys.argv[1], sys.argv[2]
    image = Image(os.path.join(DEPLOY, "Dockerfile"))
    if command == "build":
        build(stage, image)
    elif command == "run":
        expect(os.geteuid() == 0, "the run check needs root (mount namespaces, chroot, setpriv)")
        run(stage, image)
    else:
        fail(f"unknown command {command}")


if __name__ == "__main__":
    run_main(main)
