"""HTTP plumbing for benchmarks: gunicorn and nginx as subprocesses, wrk runs parsed to figures.

Everything listens on 127.0.0.1 only, every run is bounded in time, and every process started
here is stopped when the `Stack` context exits.
"""

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import ROOT

# Shared with benchmark processes that sign sessions for gunicorn (console.py).
BENCH_SECRET_KEY = "benchmark-secret-key-not-for-production-0123456789"

WRK_SCRIPT = r"""
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  local bad, checked, hits = 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("bad") or 0)
    checked = checked + (thread:get("checked") or 0)
    hits = hits + (thread:get("hits") or 0)
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "status_errors": %d, "bad": %d, "checked": %d, "hits": %d, "p50": %.3f, "p95": %.3f, "p99": %.3f}\n',
    summary.requests, summary.duration / 1e6, errors, summary.errors.status, bad, checked, hits,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

# Every response checked: status 200 and the expected text in the body (counted per thread);
# answers from the Django page cache (X-Simpul-Cache: hit) counted apart.
CHECK_SCRIPT = r"""
bad, checked, hits = 0, 0, 0
response = function(status, headers, body)
  checked = checked + 1
  if status ~= 200 or not string.find(body, EXPECT, 1, true) then bad = bad + 1 end
  if headers["X-Simpul-Cache"] == "hit" then hits = hits + 1 end
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, host: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            get(url, host)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def get(url: str, host: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers={"Host": host, **(headers or {})})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


@dataclass
class WrkResult:
    label: str
    connections: int
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int
    requests: int
    hits: int = 0  # responses served from the Django page cache (counted with `expect`)

    def row(self, *baselines: float | None) -> str:
        ratios = " | ".join(f"{self.rps / b:.1%}" if b else "—" for b in baselines)
        return (
            f"| {self.label} | {self.connections} | {self.rps:,.0f} | {self.p50:.2f} | {self.p95:.2f} | "
            f"{self.p99:.2f} | {self.errors} | {ratios} |"
        )


# Requests a connection carries before it is closed and opened again, as nginx's upstream
# `keepalive_requests` in deploy/nginx/simpul.conf: gunicorn's workers race to accept new
# connections and keep the ones they took, so 16 connections opened at once can all land on one
# worker (one core busy, the other idle: half the throughput, by chance, for the whole run).
RECYCLE_REQUESTS = 100


def _rotating_hosts(hosts: list[str], headers: dict) -> str:
    """Lua `request` cycling the Host header over `hosts` (one tenant after another), every
    RECYCLE_REQUESTS-th request of a wrk thread asking for the connection to be closed.

    Each pass over the hosts starts one host later: a wrk thread sends its requests over its
    connections in turn, so with a host count divisible by the connection count a host would
    otherwise ride the same connection, and reach the same gunicorn worker, on every pass
    (the other worker never serving it: never warm for it)."""
    names = ", ".join(json.dumps(h) for h in hosts)
    extra = "".join(f"[{json.dumps(k)}] = {json.dumps(v)}, " for k, v in headers.items())
    return (
        f"local hosts = {{{names}}}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n"
        "  local i = (n + math.floor(n / #hosts)) % #hosts + 1\n"
        f'  local h = {{{extra}["Host"] = hosts[i]}}\n'
        f'  if n % {RECYCLE_REQUESTS} == 0 then h["Connection"] = "close" end\n'
        "  return wrk.format(nil, nil, h)\nend\n"
    )


def wrk(
    label: str,
    url: str,
    host: str,
    connections: int,
    seconds: int = 8,
    headers: dict | None = None,
    hosts: list[str] | None = None,
    expect: str | None = None,
) -> WrkResult:
    """Run wrk; with `hosts`, every request goes to the next host of the list in turn.

    With `expect`, every response must be a 200 whose body contains it; any other counts as
    an error (the Lua check costs the client a little, the same on every path measured).
    """
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    check = f"local EXPECT = {json.dumps(expect)}\n" + CHECK_SCRIPT if expect else ""
    script.write_text((_rotating_hosts(hosts, headers or {}) if hosts else "") + check + WRK_SCRIPT)
    threads = max(1, min(connections, 2))
    cmd = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        "-H",
        f"Host: {host}",
    ]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    script.unlink(missing_ok=True)
    data = json.loads(out.strip().splitlines()[-1])
    if expect and data["checked"] < data["requests"]:
        raise AssertionError(f"{label}: {data['checked']} of {data['requests']} responses checked")
    result = WrkResult(
        label,
        connections,
        data["requests"] / data["seconds"],
        data["p50"],
        data["p95"],
        data["p99"],
        data["errors"] + data["bad"],
        data["requests"],
        data.get("hits", 0),
    )
    print(
        f"  {label:<42} c={connections:<3} {result.rps:>10,.0f} req/s  p50 {result.p50:6.2f} ms  "
        f"p95 {result.p95:6.2f} ms  p99 {result.p99:6.2f} ms  errors {result.errors}",
        flush=True,
    )
    return result


def gunicorn_workers(workers: int) -> str:
    """How the benchmark's gunicorn runs, read from deploy/gunicorn.conf.py as it starts it:
    `4 gthread workers × 1 thread`."""
    namespace: dict = {}
    config = ROOT / "deploy" / "gunicorn.conf.py"
    exec(compile(config.read_text(), str(config), "exec"), namespace)  # noqa: S102 - our file
    threads = namespace.get("threads", 1)
    return (
        f"{workers} {namespace.get('worker_class', 'sync')} workers × {threads} "
        f"thread{'s' if threads != 1 else ''}"
    )


class Stack:
    """gunicorn (production settings) + nginx with the deploy config, on loopback ports."""

    def __init__(self, database_url: str, *, workers: int = 4, extra_env: dict | None = None):
        self.database_url = database_url
        self.workers = workers
        self.extra_env = extra_env or {}
        self.tmp = Path(tempfile.mkdtemp(prefix="simpul-bench-"))
        self.app_port = free_port()
        self.nginx_port = free_port()
        self.static_port = free_port()
        self.procs: list[subprocess.Popen] = []

    def env(self, **extra: str) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            DEBUG="0",
            SECRET_KEY=BENCH_SECRET_KEY,
            SECURE_SSL_REDIRECT="false",
            SIMPUL_PUBLIC_SCHEME="http",
            SIMPUL_PUBLIC_PORT="",
            PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
            DJANGO_SETTINGS_MODULE="simpul.settings",
            LOG_LEVEL="ERROR",
            GUNICORN_ACCESSLOG="/dev/null",
            STATIC_ROOT=str(self.tmp / "static"),
        )
        env.update(self.extra_env)
        env.update(extra)
        return env

    def start_gunicorn(self, port: int, **env: str) -> subprocess.Popen:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
            env=self.env(**env),
            check=True,
        )
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(self.workers),
                # deploy/gunicorn.conf.py recycles workers every ~2000 requests; at benchmark
                # rates all of them restart within a second of each other every few seconds,
                # which measures worker boot time rather than the path under test.
                "--max-requests",
                "0",
                "simpul.wsgi:application",
            ],
            env=self.env(**env),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / f"gunicorn-{port}.log", "w"),  # noqa: SIM115
        )
        self.procs.append(proc)
        return proc

    def start_nginx(self, static_html: bytes) -> None:
        template = (ROOT / "deploy" / "nginx" / "simpul.conf").read_text()
        from django.conf import settings

        site = (
            template.replace("${SIMPUL_BASE_DOMAIN}", settings.SIMPUL_BASE_DOMAIN)
            .replace("server web:8000;", f"server 127.0.0.1:{self.app_port};")
            .replace("/var/cache/nginx/simpul", str(self.tmp / "cache"))
            .replace("listen 80 default_server;", f"listen 127.0.0.1:{self.nginx_port};")
            .replace("/app/var/static/", f"{self.tmp / 'static'}/")
            .replace("/app/var/media/", f"{settings.MEDIA_ROOT}/")
        )
        (self.tmp / "static-site").mkdir(exist_ok=True)
        (self.tmp / "static-site" / "index.html").write_bytes(static_html)
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            # As root, nginx's workers would drop to `nobody` and could not write the cache here.
            (f"user {getpass.getuser()};\n" if os.geteuid() == 0 else "")
            + f"worker_processes auto; pid {self.tmp}/nginx.pid; error_log {self.tmp}/nginx-error.log;\n"
            "events { worker_connections 4096; }\n"
            f"http {{ access_log off; client_body_temp_path {self.tmp}/body; proxy_temp_path {self.tmp}/proxy;\n"
            f"fastcgi_temp_path {self.tmp}/fcgi; uwsgi_temp_path {self.tmp}/uwsgi; scgi_temp_path {self.tmp}/scgi;\n"
            "include /etc/nginx/mime.types; sendfile on; tcp_nopush on; keepalive_requests 100000;\n"
            f"server {{ listen 127.0.0.1:{self.static_port}; root {self.tmp / 'static-site'}; "
            "location / { try_files /index.html =404; } }\n"
            f"{site}\n}}\n"
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        proc = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(self.tmp), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.procs.append(proc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:  # a failed benchmark shows what the servers said
            for log in sorted(self.tmp.glob("*.log")):
                lines = log.read_text(errors="replace").splitlines()[-150:]
                if lines:
                    print(f"--- last lines of {log.name}:\n" + "\n".join(lines), flush=True)
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)
