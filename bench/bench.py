#!/usr/bin/env python3
"""Side-by-side benchmark of the launcher against its baselines (issue 4). Run it through bench/run.sh, which
installs the tools, builds the jar, the Go anchor and the naive server, and passes the paths here.

Systems (all on 127.0.0.1, each on its own port, only loopback traffic):
  naive-jdk17     bench/NaiveServer.java: HttpServer, default executor, stop(N) in a shutdown hook
  launcher-jdk17  java -jar launcher.jar on JDK 17
  launcher-jdkNN  the same jar on the newer JDK
  go              the Go errgroup reference server
  nginx           nginx from Debian, its own temp config, the same body on /

Phases, each interleaved (A B C ... A B C ...) with the order rotated every round, medians reported:
  1. lifecycle: spawn -> first 200 on GET / ; RSS 0.5 s later ; SIGTERM -> exit, idle and with N idle
     keep-alive connections open (fresh process and port every run)
  2. throughput: one long-lived process per system; wrk --latency on GET / keep-alive at 1, 50, 200
     connections and with 'Connection: close' at 50; one warm-up run per system and scenario
  3. scaling: launchers, Go and extras at 10, 100, 1000 keep-alive connections (1 comes from phase 2)
  4. memory and stop after load: VmRSS/VmHWM of the long-lived processes, then SIGTERM -> exit
Every wait is bounded; every process started is stopped by its own pid (and listed in TMP/pids for run.sh).
"""

import argparse
import atexit
import datetime
import os
import platform
import re
import select
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time

HOST = "127.0.0.1"
MIB = 1024 * 1024


# ---------------------------------------------------------------------------------------------------------------
# processes: every one we start is recorded, and stopped by pid at exit

class Procs:
    def __init__(self, pidfile):
        self.live = {}          # pid -> Popen
        self.pidfile = pidfile

    def spawn(self, cmd, log_path, env=None, cwd=None):
        log = open(log_path, "ab")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                env=env, cwd=cwd, start_new_session=True)
        log.close()
        self.live[proc.pid] = proc
        with open(self.pidfile, "a") as f:
            f.write(f"{proc.pid}\n")
        return proc

    def reaped(self, proc):
        self.live.pop(proc.pid, None)

    def stop_all(self):
        ignore_signals()                             # a second signal must not cut the clean-up short
        for pid, proc in list(self.live.items()):
            if proc.poll() is None:
                kids = children(pid)
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    proc.wait(timeout=3)
                for kid in kids:       # nginx workers, if the master died without them
                    try:
                        os.kill(kid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            self.live.pop(pid, None)


def ignore_signals():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, signal.SIG_IGN)
        except OSError:     # "ignored due to race condition": a signal already pending, which is what we want
            pass


def children(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                kids.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    return kids


def status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def tree_kib(pid, key):
    """Sum of a status field over the process and its children (nginx: master + workers)."""
    total = 0
    for p in [pid] + children(pid):
        v = status_kib(p, key)
        if v:
            total += v
    return total


def wait_exit(proc, timeout):
    """Blocks until proc exits (precise: pidfd + poll), at most timeout s; returns (seconds, exit code|None)."""
    t0 = time.perf_counter()
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        try:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            poller.poll(timeout * 1000)
        finally:
            os.close(fd)
        elapsed = time.perf_counter() - t0
        try:
            code = proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            return elapsed, None
        return elapsed, code
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t0, None
    return time.perf_counter() - t0, code


# ---------------------------------------------------------------------------------------------------------------
# tiny HTTP client

def get_status(port, timeout=3.0):
    """One GET / with Connection: close; the status code, or None if refused/closed."""
    try:
        s = socket.create_connection((HOST, port), timeout=timeout)
    except OSError:
        return None
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = s.recv(64)
        if data.startswith(b"HTTP/"):
            return int(data.split()[1])
        return None
    except OSError:
        return None
    finally:
        s.close()


def read_response(s):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            raise OSError("closed before the response head")
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
    length = int(m.group(1)) if m else 0
    while len(rest) < length:
        chunk = s.recv(4096)
        if not chunk:
            raise OSError("closed before the response body")
        rest += chunk
    return int(head.split()[1])


def open_idle(port, n, timeout=5.0):
    """n keep-alive connections, each after one complete GET /; the open sockets."""
    socks = []
    for _ in range(n):
        s = socket.create_connection((HOST, port), timeout=timeout)
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        socks.append(s)
    for s in socks:
        read_response(s)
    return socks


def still_open(socks):
    """How many of the sockets the server has not closed (no EOF pending)."""
    n = 0
    for s in socks:
        r, _, _ = select.select([s], [], [], 0)
        if not r:
            n += 1
            continue
        try:
            if s.recv(1, socket.MSG_PEEK):
                n += 1
        except OSError:
            pass
    return n


class Ports:
    """Fresh loopback ports below the ephemeral range, each checked free (no listener, no TIME_WAIT)."""

    def __init__(self, start):
        self.next_port = start

    def take(self):
        while True:
            port = self.next_port
            self.next_port += 1
            if self.next_port > 32000:
                self.next_port = 20000
            s = socket.socket()
            try:
                s.bind((HOST, port))
                return port
            except OSError:
                continue
            finally:
                s.close()


# ---------------------------------------------------------------------------------------------------------------
# systems under test

class System:
    def __init__(self, name, label, command, env=None, cwd=None, setup=None):
        self.name = name
        self.label = label
        self.command = command      # port -> argv
        self.env = env              # port -> environment, or None to inherit ours
        self.cwd = cwd
        self.setup = setup          # port -> None, before spawn (nginx writes its config)


def nginx_system(nginx, tmp):
    def conf_dir(port):
        return os.path.join(tmp, f"nginx-{port}")

    def setup(port):
        d = conf_dir(port)
        os.makedirs(os.path.join(d, "logs"), exist_ok=True)
        temps = "\n".join(f"    {k}_temp_path {d}/{k}_temp;" for k in
                          ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write(f"""# written by bench/bench.py for one run
worker_processes auto;
daemon off;
pid {d}/nginx.pid;
error_log {d}/logs/error.log warn;
worker_rlimit_nofile 8192;
events {{ worker_connections 4096; }}
http {{
    access_log off;
{temps}
    keepalive_requests 100000000;
    keepalive_timeout 30s;
    server {{
        listen {HOST}:{port} backlog=4096;
        location / {{
            default_type text/plain;
            return 200 "Hello world";
        }}
    }}
}}
""")

    return System("nginx", "nginx (worker_processes auto)",
                  lambda port: [nginx, "-p", conf_dir(port), "-c", os.path.join(conf_dir(port), "nginx.conf"),
                                "-e", os.path.join(conf_dir(port), "logs", "error.log")],
                  setup=setup)


# ---------------------------------------------------------------------------------------------------------------
# the harness

class Bench:
    def __init__(self, args):
        self.a = args
        self.tmp = args.tmp
        self.procs = Procs(os.path.join(self.tmp, "pids"))
        self.ports = Ports(20000 + (os.getpid() % 50) * 200)
        self.pin_server = ["taskset", "-c", "0"] if args.pin == "split" else []
        self.pin_wrk = ["taskset", "-c", "1"] if args.pin in ("wrk", "split") else []
        self.log_dir = os.path.join(self.tmp, "logs")
        os.makedirs(self.log_dir, exist_ok=True)
        self.notes = []
        self.noisy = []
        self.systems = self.make_systems()

    def say(self, msg):
        print(msg, file=sys.stderr, flush=True)

    def note(self, msg):
        self.notes.append(msg)
        self.say("NOTE: " + msg)

    # -- systems --

    def make_systems(self):
        a = self.a
        new_feature = java_feature(a.jdk_new)
        jopts = shlex.split(a.launcher_java_opts or "")
        java17 = os.path.join(a.jdk17, "bin", "java")
        javanew = os.path.join(a.jdk_new, "bin", "java")
        systems = [
            System("naive-jdk17", f"naive JDK 17 HttpServer (default executor, stop({a.naive_stop_delay}))",
                   lambda port: [java17, "-cp", a.naive_dir, "NaiveServer", HOST, str(port),
                                 str(a.naive_stop_delay)]),
            System("launcher-jdk17", "launcher, java -jar, JDK 17",
                   lambda port: [java17] + jopts + ["-jar", a.jar, "--addr", f"{HOST}:{port}"]),
            System(f"launcher-jdk{new_feature}", f"launcher, java -jar, JDK {new_feature}",
                   lambda port: [javanew] + jopts + ["-jar", a.jar, "--addr", f"{HOST}:{port}"]),
        ]
        for home in a.fast or []:
            feature = java_feature(home)
            systems.append(System(
                f"launcher-fast-jdk{feature}", f"launcher through bin/launcher (its archive and flags), JDK {feature}",
                lambda port: ["bash", a.fast_script, "--addr", f"{HOST}:{port}"],
                env=lambda port, h=home: dict(os.environ, JAVA_HOME=h, LAUNCHER_JAR=a.jar)))
        systems += [
            System("go", "Go errgroup reference server", lambda port: [a.go_bin],
                   env=lambda port: dict(os.environ, ADDR=f"{HOST}:{port}")),
            nginx_system(a.nginx, self.tmp),
        ]
        for spec in a.extra or []:
            name, _, template = spec.partition("=")
            if not template:
                raise SystemExit(f"--extra wants NAME=COMMAND with {{port}}, got {spec!r}")
            fill = {"{java17}": java17, "{javanew}": javanew, "{jar}": a.jar, "{naive}": a.naive_dir,
                    "{go}": a.go_bin}
            for k, v in fill.items():
                template = template.replace(k, v)
            systems.append(System(name, f"extra: {template}",
                                  lambda port, t=template: shlex.split(t.replace("{port}", str(port))),
                                  cwd=a.root))
        if a.systems:
            wanted = a.systems.split(",")
            systems = [s for s in systems if any(s.name.startswith(w) for w in wanted)]
        return systems

    def start(self, system, tag):
        port = self.ports.take()
        if system.setup:
            system.setup(port)
        env = system.env(port) if system.env else None
        log = os.path.join(self.log_dir, f"{system.name}-{tag}-{port}.log")
        t0 = time.perf_counter()
        proc = self.procs.spawn(self.pin_server + system.command(port), log, env=env, cwd=system.cwd)
        deadline = t0 + self.a.start_timeout
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                self.procs.reaped(proc)
                raise RuntimeError(f"{system.name} exited with {proc.returncode} before answering; see {log}")
            if get_status(port) == 200:
                return proc, port, (time.perf_counter() - t0) * 1000, log
            time.sleep(0.002)
        self.kill(proc)
        raise RuntimeError(f"{system.name} did not answer 200 within {self.a.start_timeout}s; see {log}")

    def kill(self, proc):
        if proc.poll() is None:
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)
        self.procs.reaped(proc)

    def term(self, proc):
        """SIGTERM -> exit, in ms; bounded by stop_timeout, then SIGKILL (ms None)."""
        t0 = time.perf_counter()
        os.kill(proc.pid, signal.SIGTERM)
        elapsed, code = wait_exit(proc, self.a.stop_timeout)
        if code is None:
            kids = children(proc.pid)
            self.kill(proc)
            for k in kids:
                try:
                    os.kill(k, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            return None, None
        self.procs.reaped(proc)
        return (time.perf_counter() - t0) * 1000, code

    def order(self, rnd):
        s = self.systems
        k = rnd % len(s)
        return s[k:] + s[:k]

    # -- phase 1 --

    def lifecycle(self):
        a = self.a
        res = {s.name: {"startup": [], "rss": [], "stop_idle": [], "stop_conns": [], "codes": set(),
                        "open": []} for s in self.systems}
        for rnd in range(a.rounds):
            self.say(f"[lifecycle] round {rnd + 1}/{a.rounds}")
            for mode in ("idle", "conns"):
                for s in self.order(rnd):
                    r = res[s.name]
                    try:
                        proc, port, ms, log = self.start(s, f"life{rnd}{mode}")
                    except RuntimeError as e:
                        self.note(str(e))
                        continue
                    r["startup"].append(ms)
                    time.sleep(a.settle)
                    r["rss"].append(tree_kib(proc.pid, "VmRSS"))
                    socks = []
                    try:
                        if mode == "conns":
                            socks = open_idle(port, a.idle_conns)
                            r["open"].append(still_open(socks))
                        stop_ms, code = self.term(proc)
                    except OSError as e:
                        self.note(f"{s.name}: idle connections failed: {e}")
                        stop_ms, code = self.term(proc)
                    finally:
                        for sk in socks:
                            sk.close()
                    if stop_ms is None:
                        self.note(f"{s.name}: no exit within {a.stop_timeout}s of SIGTERM ({mode}); killed")
                    else:
                        r["stop_idle" if mode == "idle" else "stop_conns"].append(stop_ms)
                        r["codes"].add(code)
        return res

    # -- phases 2-4 --

    def wrk(self, port, conns, duration, close=False):
        cmd = self.pin_wrk + ["wrk", "-t1", f"-c{conns}", f"-d{duration}s", "--latency", "--timeout", "2s"]
        if close:
            cmd += ["-H", "Connection: close"]
        cmd.append(f"http://{HOST}:{port}/")
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30,
                                 start_new_session=True)
        except subprocess.TimeoutExpired:
            return None, "wrk timed out"
        text = out.stdout + out.stderr
        return parse_wrk(text), text

    def serve_all(self):
        servers = {}
        for s in self.systems:
            try:
                proc, port, ms, log = self.start(s, "load")
            except RuntimeError as e:
                self.note(str(e))
                continue
            servers[s.name] = {"proc": proc, "port": port, "log": log}
        time.sleep(1.0)
        for name, sv in servers.items():
            sv["rss_start"] = tree_kib(sv["proc"].pid, "VmRSS")
        return servers

    def load(self, servers, scenarios, systems, repeats, duration, phase):
        """scenarios: list of (key, conns, close). Results: key -> name -> list of parsed wrk results."""
        res = {}
        raw = open(os.path.join(self.tmp, f"wrk-{phase}.txt"), "a")
        for key, conns, close in scenarios:
            res[key] = {n: [] for n in systems}
            for rep in range(repeats):
                self.say(f"[{phase}] {key} run {rep + 1}/{repeats}")
                for s in self.order(rep):
                    if s.name not in systems or s.name not in servers:
                        continue
                    sv = servers[s.name]
                    if sv["proc"].poll() is not None:
                        continue
                    if rep == 0 and self.a.warmup > 0:
                        self.wrk(sv["port"], conns, self.a.warmup, close)
                        time.sleep(0.3)
                    live = [v["proc"].pid for v in servers.values() if v["proc"].poll() is None]
                    acct = CpuAccount(lambda: live)
                    parsed, text = self.wrk(sv["port"], conns, duration, close)
                    other = acct.foreign_pct()
                    if parsed is not None:
                        parsed["other"] = other
                    raw.write(f"=== {phase} {key} rep {rep} {s.name}\n{text}\n")
                    raw.flush()
                    if other > 10:
                        self.noisy.append(f"{phase} {key} {s.name} run {rep + 1}: {other:.0f}%")
                    if parsed is None or parsed.get("rps") is None:
                        self.note(f"{s.name} {key}: wrk gave no result: {text.strip()[-300:]}")
                    else:
                        res[key][s.name].append(parsed)
                    if sv["proc"].poll() is not None:
                        self.note(f"{s.name} died during {key} (exit {sv['proc'].returncode}); see {sv['log']}")
                    time.sleep(0.3)
        raw.close()
        return res


def java_feature(jdk):
    try:
        out = subprocess.run([os.path.join(jdk, "bin", "java"), "-version"], capture_output=True, text=True,
                             timeout=30).stderr
        m = re.search(r'version "(\d+)', out)
        return m.group(1) if m else "new"
    except (OSError, subprocess.TimeoutExpired):
        return "new"


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def to_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m|h)$", text.strip())
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse_wrk(text):
    r = {"rps": None, "p50": None, "p99": None, "errors": 0, "connect": 0, "read": 0, "write": 0,
         "timeout": 0, "non2xx": 0, "requests": 0}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        r["rps"] = float(m.group(1))
    for pct, key in (("50", "p50"), ("99", "p99")):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", text, re.M)
        if m:
            r[key] = to_ms(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        r["connect"], r["read"], r["write"], r["timeout"] = map(int, m.groups())
        r["errors"] = sum(map(int, m.groups()))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        r["non2xx"] = int(m.group(1))
    m = re.search(r"(\d+) requests in", text)
    if m:
        r["requests"] = int(m.group(1))
    return r


# ---------------------------------------------------------------------------------------------------------------
# formatting

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def f_ms(x, nd=1):
    return "–" if x is None else f"{x:.{nd}f}"


def f_rps(x):
    return "–" if x is None else f"{x:,.0f}"


def f_mib(kib):
    return "–" if not kib else f"{kib / 1024:.0f}"


def f_ratio(x, y):
    return "–" if not x or not y else f"{x / y:.2f}×"


def tree_ticks(pid):
    """utime + stime of a process and its children (nginx workers), in clock ticks."""
    total = 0
    for p in [pid] + children(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total


class CpuAccount:
    """CPU time spent by processes other than this harness and what it started: the machine's busy time minus our
    own, our reaped children's (wrk, stopped servers) and that of the live processes `live()` names."""

    def __init__(self, live=None):
        self.hz = os.sysconf("SC_CLK_TCK")
        self.live = live or (lambda: [])
        self.t0 = time.time()
        self.busy0 = self.busy()
        self.ours0 = self.ours()

    @staticmethod
    def busy():
        with open("/proc/stat") as f:
            v = list(map(int, f.readline().split()[1:]))
        return v[0] + v[1] + v[2]          # user + nice + system (not irq/softirq/steal: not per-process time)

    def ours(self):
        import resource
        s = resource.getrusage(resource.RUSAGE_SELF)
        c = resource.getrusage(resource.RUSAGE_CHILDREN)
        live = sum(tree_ticks(p) for p in self.live()) / self.hz
        return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime + live

    def foreign(self):
        total = (self.busy() - self.busy0) / self.hz
        return max(0.0, total - (self.ours() - self.ours0)), total

    def foreign_pct(self):
        """Other processes' CPU as a share of the whole machine over the span, in %."""
        span = max(1e-3, time.time() - self.t0) * (os.cpu_count() or 1)
        return 100.0 * self.foreign()[0] / span


def cpu_busy(seconds=1.0):
    def snap():
        with open("/proc/stat") as f:
            v = list(map(int, f.readline().split()[1:]))
        return sum(v), v[3] + v[4]
    t1, i1 = snap()
    time.sleep(seconds)
    t2, i2 = snap()
    return 100.0 * (1 - (i2 - i1) / max(1, t2 - t1))


def machine_info(a):
    def first(cmd, stream="stdout", n=1):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            out = (p.stdout if stream == "stdout" else p.stderr).strip().splitlines()
            return " / ".join(out[:n]) if out else "?"
        except (OSError, subprocess.TimeoutExpired):
            return "?"
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / MIB:.1f} GiB"
    except OSError:
        pass
    git = first(["git", "-C", a.root, "describe", "--always", "--dirty", "--abbrev=12"])
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "mem": mem,
        "kernel": platform.release(),
        "jdk17": first([os.path.join(a.jdk17, "bin", "java"), "-version"], "stderr", 2),
        "jdknew": first([os.path.join(a.jdk_new, "bin", "java"), "-version"], "stderr", 2),
        "go": first(["go", "version"]),
        "nginx": first([a.nginx, "-v"], "stderr"),
        "wrk": first(["wrk", "-v"], "stdout"),
        "git": git,
    }


# ---------------------------------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="fewer, shorter runs (for iterating; ~2 min)")
    p.add_argument("--tmp", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--jar", required=True)
    p.add_argument("--go-bin", required=True)
    p.add_argument("--naive-dir", required=True)
    p.add_argument("--nginx", default="/usr/sbin/nginx")
    p.add_argument("--jdk17", required=True)
    p.add_argument("--jdk-new", required=True)
    p.add_argument("--command", default="bench/run.sh", help="the command line shown in the report")
    p.add_argument("--pin", choices=("wrk", "split", "none"), default="wrk",
                   help="wrk: wrk on CPU 1, servers unpinned (default); split: servers on CPU 0, wrk on CPU 1; "
                        "none: nothing pinned")
    p.add_argument("--rounds", type=int, help="lifecycle rounds (startup/stop samples per system)")
    p.add_argument("--repeats", type=int, help="wrk runs per system and scenario")
    p.add_argument("--duration", type=int, help="seconds per measured wrk run")
    p.add_argument("--warmup", type=int, default=1, help="seconds of warm-up wrk before a system's first run")
    p.add_argument("--scale-repeats", type=int)
    p.add_argument("--scale-duration", type=int, help="seconds per scaling wrk run")
    p.add_argument("--phases", default="lifecycle,throughput,scaling",
                   help="comma-separated subset of lifecycle,throughput,scaling (default: all)")
    p.add_argument("--idle-conns", type=int, default=50)
    p.add_argument("--naive-stop-delay", type=int, default=1, help="N of the naive server's stop(N)")
    p.add_argument("--wait-quiet", type=float, help="wait up to this many seconds for the machine to be quiet "
                   "(CPU < 10%% busy) before starting; default 90 (full), 0 (quick)")
    p.add_argument("--settle", type=float, default=0.5, help="seconds between first 200 and RSS read / SIGTERM")
    p.add_argument("--start-timeout", type=float, default=30)
    p.add_argument("--stop-timeout", type=float, default=15)
    p.add_argument("--fast", action="append", metavar="JDK_HOME",
                   help="also run the launcher through --fast-script with this JAVA_HOME (run.sh passes both JDKs "
                        "when bin/launcher exists and its training run worked)")
    p.add_argument("--fast-script", help="the fast-start script (a copy of bin/launcher)")
    p.add_argument("--launcher-java-opts", default="", help="JVM options for both launcher runs")
    p.add_argument("--extra", action="append",
                   help="another system: NAME=COMMAND with {port}, and optionally {java17} {javanew} {jar} (the "
                        "benchmarked jar) {naive} (NaiveServer's class dir) {go}; cwd: the repo root. A NAME "
                        "joins the scaling runs too")
    p.add_argument("--systems", help="comma-separated name prefixes: the systems whose name starts with one "
                   "(naive, launcher, launcher-jdk17, go, nginx, an --extra's name)")
    p.add_argument("--out", help="markdown file to write the report into (between the bench markers)")
    a = p.parse_args()
    q = a.quick
    a.phases = set(a.phases.split(","))
    if not a.phases <= {"lifecycle", "throughput", "scaling"}:
        raise SystemExit("--phases: lifecycle, throughput, scaling")
    a.rounds = a.rounds or (3 if q else 10)
    a.repeats = a.repeats or (1 if q else 3)
    a.duration = a.duration or (2 if q else 4)
    a.scale_repeats = a.scale_repeats or (1 if q else 2)
    a.scale_duration = a.scale_duration or (2 if q else 4)
    if a.wait_quiet is None:
        a.wait_quiet = 0 if q else 90

    def on_signal(signum, frame):
        ignore_signals()                             # one is enough: the clean-up (atexit) must run whole
        sys.exit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    b = Bench(a)
    atexit.register(b.procs.stop_all)
    busy = cpu_busy()
    waited = time.time()
    if busy > 10 and a.wait_quiet > 0:
        b.say(f"the machine is {busy:.0f}% busy: waiting up to {a.wait_quiet:g} s for it to quiet down")
        while busy > 10 and time.time() - waited < a.wait_quiet:
            busy = cpu_busy()
    t_start = time.time()
    cpu0 = CpuAccount()
    if busy > 15:
        b.note(f"the machine was {busy:.0f}% busy (all CPUs) in the second before the run started: "
               f"numbers are noisier than on a quiet machine")
    info = machine_info(a)
    names = [s.name for s in b.systems]
    b.say(f"systems: {', '.join(names)}; pin={a.pin}; rounds={a.rounds} repeats={a.repeats} "
          f"duration={a.duration}s")

    life, servers, thr, scale = {}, {}, {}, {}
    if "lifecycle" in a.phases:
        acct = CpuAccount()
        life = b.lifecycle()
        life["_other"] = acct.foreign_pct()
        b.say(f"[lifecycle] done at {time.time() - t_start:.0f} s")

    if "throughput" in a.phases or "scaling" in a.phases:
        servers = b.serve_all()
    if "throughput" in a.phases:
        # the fast-start systems only under the loads the memory target names (keep-alive 50 and 200):
        # that keeps a full run near 10 minutes
        slow = [n for n in names if not n.startswith("launcher-fast")]
        scenarios = [("keep-alive, 1 conn", 1, False, slow), ("keep-alive, 50 conns", 50, False, names),
                     ("keep-alive, 200 conns", 200, False, names), ("Connection: close, 50 conns", 50, True, slow)]
        for key, conns, close, which in scenarios:
            thr.update(b.load(servers, [(key, conns, close)], which, a.repeats, a.duration, "throughput"))
        b.say(f"[throughput] done at {time.time() - t_start:.0f} s")
    for name, sv in servers.items():
        sv["hwm_load"] = tree_kib(sv["proc"].pid, "VmHWM")
        sv["rss_load"] = tree_kib(sv["proc"].pid, "VmRSS")
        sv["threads_load"] = tree_kib(sv["proc"].pid, "Threads")

    scale_names = [n for n in names if not n.startswith(("naive", "nginx", "launcher-fast"))]
    if "scaling" in a.phases and scale_names:
        scale = b.load(servers, [(c, c, False) for c in (10, 100, 1000)], scale_names, a.scale_repeats,
                       a.scale_duration, "scaling")
        for name, sv in servers.items():
            sv["hwm_scale"] = tree_kib(sv["proc"].pid, "VmHWM")
            sv["threads_scale"] = tree_kib(sv["proc"].pid, "Threads")
    for name, sv in servers.items():
        if sv["proc"].poll() is None:
            sv["stop_load"], sv["code_load"] = b.term(sv["proc"])
        else:
            sv["stop_load"], sv["code_load"] = None, sv["proc"].returncode
    elapsed = time.time() - t_start
    foreign, total = cpu0.foreign()
    if foreign > 0.05 * elapsed * (os.cpu_count() or 1):
        b.note(f"other processes used {foreign:.0f} CPU-seconds during the run ({100 * foreign / total:.0f}% of "
               f"the CPU time used): numbers are noisier than on a quiet machine")
    busy_after = cpu_busy(0.5)

    sizes = {"launcher.jar": os.path.getsize(a.jar), "go binary": os.path.getsize(a.go_bin)}
    md = report(a, info, b, names, life, servers, thr, scale, scale_names, sizes, elapsed, busy, busy_after,
                (foreign, elapsed * (os.cpu_count() or 1)))
    print(md)
    if a.out:
        write_marked(a.out, md)
        b.say(f"written to {a.out}")


def report(a, info, b, names, life, servers, thr, scale, scale_names, sizes, elapsed, busy, busy_after, other):
    L = []
    w = L.append
    mode = "quick" if a.quick else "full"
    pin = {"wrk": "wrk pinned to CPU 1 (`taskset -c 1 wrk -t1`); servers unpinned (they see both CPUs, so JVM "
                  "ergonomics, GOMAXPROCS and nginx `worker_processes auto` are those of a 2-CPU machine) — the "
                  "load generator shares CPU 1 with whatever the server schedules there",
           "split": "servers pinned to CPU 0 (`taskset -c 0`: the JVM then sees 1 CPU and picks SerialGC, Go "
                    "runs GOMAXPROCS=1, nginx 1 worker), wrk pinned to CPU 1",
           "none": "nothing pinned"}[a.pin]
    w(f"Run: `{a.command}` ({mode} mode), {info['date']}, {elapsed / 60:.1f} min; source `{info['git']}`.")
    w("")
    w(f"Machine: {info['nproc']} CPUs, {info['cpu']}, {info['mem']} RAM, Linux {info['kernel']}. "
      f"Quietness: CPU {busy:.0f}% busy just before the run, {busy_after:.0f}% just after; other processes "
      f"used {other[0]:.0f} CPU-s during it ({100 * other[0] / max(1, other[1]):.1f}% of the machine's "
      f"{other[1]:.0f}).")
    w("")
    w(f"- JDK 17: {info['jdk17']}")
    w(f"- newer JDK: {info['jdknew']}")
    w(f"- {info['go']}; {info['nginx']}; {info['wrk']}")
    w(f"- Pinning: {pin}.")
    w(f"- Runs interleaved (A B C … A B C …, order rotated each round); every figure is a median. Lifecycle: "
      f"{a.rounds} fresh processes per system and mode. Load: `wrk -t1 --latency --timeout 2s -d{a.duration}s`, "
      f"{a.repeats} runs per system and scenario after a {a.warmup} s warm-up run; one long-lived process per "
      f"system across all load runs.")
    if a.launcher_java_opts:
        w(f"- Launcher JVM options: `{a.launcher_java_opts}`")
    if a.fast:
        w("- `launcher-fast-*`: the launcher through the project's `bin/launcher` (its JVM flags and class-data "
          "archive), trained by the harness on the benchmarked jar; measured in the lifecycle runs and under "
          "keep-alive 50 and 200 connections only.")
    w("")

    if life:
        lifecycle_table(a, w, names, life)
    if thr:
        throughput_table(a, w, names, thr)
    if scale:
        scaling_table(a, w, scale_names, thr, scale)
    if servers:
        memory_table(a, w, names, servers)
    w("Sizes: " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sizes.items()) + ".")
    if b.noisy:
        b.notes.append(f"{len(b.noisy)} load run(s) shared the machine with other processes using over 10% of its "
                       "CPU: " + "; ".join(b.noisy[:12]) + (" …" if len(b.noisy) > 12 else ""))
    if b.notes:
        w("")
        w("Harness notes from this run:")
        w("")
        for n in b.notes:
            w(f"- {n}")
    return "\n".join(L)


def lifecycle_table(a, w, names, life):
    w(f"### Start and stop (medians of {a.rounds})")
    w("")
    w("Start-up: spawn → first 200 on `GET /` (polled every 2 ms). RSS: VmRSS "
      f"{a.settle:g} s after that. Stop: SIGTERM → process exit, idle and with {a.idle_conns} idle keep-alive "
      "connections open (each after one request). × naive: start-up over the naive server's (lower is better). "
      f"Other processes used {life['_other']:.1f}% of the machine's CPU during these runs.")
    w("")
    naive = next((n for n in names if n.startswith("naive")), None)
    w(f"| system | start-up ms | × naive | RSS after start MiB | idle stop ms | stop, {a.idle_conns} idle conns ms "
      "| exit codes |")
    w("|---|---:|---:|---:|---:|---:|---|")
    for n in names:
        r = life[n]
        su = med(r["startup"])
        nsu = med(life[naive]["startup"]) if naive else None
        codes = ",".join(str(c) for c in sorted(r["codes"])) or "–"
        w(f"| {n} | {f_ms(su, 0)} | {f_ratio(su, nsu)} | {f_mib(med(r['rss']))} | {f_ms(med(r['stop_idle']))} "
          f"| {f_ms(med(r['stop_conns']))} | {codes} |")
    opened = {n: min(life[n]["open"]) for n in names if life[n]["open"]}
    shut = [f"{n} ({a.idle_conns - o} closed early)" for n, o in opened.items() if o < a.idle_conns]
    if shut:
        w("")
        w("Idle connections the server closed before SIGTERM: " + ", ".join(shut) + ".")
    w("")



def throughput_table(a, w, names, thr):
    w(f"### Throughput and latency on `GET /` (medians of {a.repeats} × {a.duration} s)")
    w("")
    w("errors = wrk socket errors per run (connect/read/write/timeout), median; non-2xx likewise. "
      "× Go and × nginx: req/s ratio in this run. other CPU: the largest share of the machine's CPU that other "
      "processes used during one of the row's runs (noise; above ~10% the row is suspect).")
    w("")
    w("| load | system | req/s | min–max req/s | p50 ms | p99 ms | errors (c/r/w/t) | non-2xx | × Go | × nginx "
      "| other CPU |")
    w("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|")
    for key, per in thr.items():
        go = med([x["rps"] for x in per.get("go", [])])
        ngx = med([x["rps"] for x in per.get("nginx", [])])
        for n in names:
            if n not in per:
                continue
            xs = per[n]
            if not xs:
                w(f"| {key} | {n} | – | – | – | – | – | – | – | – | – |")
                continue
            rps = med([x["rps"] for x in xs])
            errs = "/".join(str(int(med([x[k] for x in xs]))) for k in ("connect", "read", "write", "timeout"))
            w(f"| {key} | {n} | {f_rps(rps)} | {f_rps(min(x['rps'] for x in xs))}–{f_rps(max(x['rps'] for x in xs))} "
              f"| {f_ms(med([x['p50'] for x in xs]), 2)} | {f_ms(med([x['p99'] for x in xs]), 2)} "
              f"| {int(med([x['errors'] for x in xs]))} ({errs}) | {int(med([x['non2xx'] for x in xs]))} "
              f"| {f_ratio(rps, go)} | {f_ratio(rps, ngx)} | {max(x.get('other', 0) for x in xs):.0f}% |")
    w("")



def scaling_table(a, w, scale_names, thr, scale):
    w(f"### Scaling with connections (keep-alive GET /; req/s · p99 ms, and wrk socket errors when any; 1 conn "
      f"from the table above, the rest medians of {a.scale_repeats} × {a.scale_duration} s)")
    w("")
    levels = [(1, thr.get("keep-alive, 1 conn", {}))] + [(c, scale[c]) for c in (10, 100, 1000)]
    w("| system | " + " | ".join(f"{c} conn{'s' if c > 1 else ''}" for c, _ in levels) + " |")
    w("|---|" + "---:|" * len(levels))
    for n in scale_names:
        cells = []
        for c, per in levels:
            xs = per.get(n, [])
            if not xs:
                cells.append("–")
                continue
            cell = f"{f_rps(med([x['rps'] for x in xs]))} · {f_ms(med([x['p99'] for x in xs]), 1)}"
            errs = int(med([x["errors"] for x in xs]))
            if errs:
                cell += f" · {errs:,} err"
            cells.append(cell)
        w(f"| {n} | " + " | ".join(cells) + " |")
    w("")


def memory_table(a, w, names, servers):
    w("### Memory, threads and stop after load")
    w("")
    w("RSS = VmRSS, peak = VmHWM of the long-lived process (nginx: master + workers, summed), read after the "
      "throughput runs and again after the scaling runs; stop after load = SIGTERM → exit at the very end (the Go "
      "server's worker sleeps 500 ms in each job every 2 s and its stop waits for a job under way, so its figure "
      "is 0–500 ms by chance; the lifecycle runs above stop before its first tick).")
    w("")
    w("| system | RSS after start MiB | peak RSS, throughput MiB | peak RSS, + scaling MiB | RSS at end MiB "
      "| threads after load | stop after load ms | exit |")
    w("|---|---:|---:|---:|---:|---:|---:|---|")
    for n in names:
        sv = servers.get(n)
        if not sv:
            w(f"| {n} | – | – | – | – | – | – | – |")
            continue
        th = sv.get("threads_scale") or sv.get("threads_load")
        w(f"| {n} | {f_mib(sv.get('rss_start'))} | {f_mib(sv.get('hwm_load'))} | {f_mib(sv.get('hwm_scale'))} "
          f"| {f_mib(sv.get('rss_load'))} | {th if th else '–'} | {f_ms(sv.get('stop_load'))} "
          f"| {sv.get('code_load') if sv.get('code_load') is not None else 'killed'} |")
    w("")


BEGIN = "<!-- bench:begin (written by bench/run.sh; edit outside these markers) -->"
END = "<!-- bench:end -->"


def write_marked(path, md):
    block = f"{BEGIN}\n{md}\n{END}\n"
    try:
        with open(path) as f:
            old = f.read()
    except FileNotFoundError:
        old = None
    if old and BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        new = head + block + ("\n" + tail if tail else "")
    else:
        new = (HEADER + block) if old is None else (old.rstrip("\n") + "\n\n" + block)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(new)


HEADER = """# Performance

The launcher beside its baselines (issue 4): a naive plain-JDK `HttpServer` (bench/NaiveServer.java), the Go
errgroup reference server, and nginx as the ceiling of this machine. Re-run with `bench/run.sh` (full, ~10 min) or
`bench/run.sh --quick` (iteration; not written here); see bench/README.md. The block below is the last full run's
output, replaced by each run; notes outside it are kept.

"""


if __name__ == "__main__":
    main()
