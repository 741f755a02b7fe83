"""Helpers shared by the bench/*.py drivers: ports, processes stopped by PID, CPU time from
/proc, nginx configs and wrk output parsing."""
import os
import re
import signal
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except FileNotFoundError:
            pass
    return total / CLK_TCK


def children(pid):
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]
    except Exception:  # noqa: BLE001
        return []


def wait_port(port, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def exit_on_sigterm():
    """Turns SIGTERM (and SIGHUP) into SystemExit, so `finally` blocks stop what was started,
    as they already do for Ctrl-C (KeyboardInterrupt)."""
    def leave(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGHUP, leave)


def stop_all(procs):
    """Stops every started process by its PID: nginx masters with SIGQUIT (they take their
    workers along), everything else with SIGTERM; SIGKILL after 10 s."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGQUIT if os.path.basename(p.args[0]) == "nginx" else signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def start_nginx(conf_path):
    return subprocess.Popen(["nginx", "-c", conf_path, "-g", "daemon off;"], stderr=subprocess.DEVNULL)


def nginx_file(path, server, http="", workers=2):
    """An nginx config at `path` with one `server` block; pid and error log beside it."""
    with open(path, "w") as f:
        f.write(f"""
worker_processes {workers};
pid {path}.pid;
error_log {path}.err warn;
events {{ worker_connections 4096; use epoll; }}
http {{
  access_log off;
  keepalive_requests 10000000;
  default_type application/octet-stream;
  {http}
  server {{
    {server}
  }}
}}
""")


def parse_wrk(text):
    def ms(value, unit):
        value = float(value)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total = int(re.search(r"(\d+) requests in", text).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", text, re.M))
    out = {"rps": rps, "requests": total}
    for key in ("50", "99"):
        m = re.match(r"([\d.]+)(us|ms|s)", lat[key])
        out["p" + key] = ms(m.group(1), m.group(2))
    errors = re.search(r"Socket errors: (.*)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    out["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", errors.group(1))) if errors else 0
    out["errors"] = (errors.group(1) if errors else "") + (f" non-2xx {non2xx.group(1)}" if non2xx else "")
    return out
