"""A local multi-server stack: nginx in front of two gunicorn servers, two Celery workers, one beat.

The production shape of deploy/README.md ("Scaling out") on one machine, against one PostgreSQL
and one Redis given by DATABASE_URL and REDIS_URL:

    python deploy/local/stack.py start    # runs until Ctrl-C or `stop`; prints the nginx URL
    python deploy/local/stack.py stop

Every process listens on 127.0.0.1 only, lives in its own process group, logs to the stack's
folder (var/stack/ by default) and is stopped by `Stack.stop()` or the context manager, even
when a test fails. Tests import `Stack` (tests/scale/test_multi_server.py).

nginx is deploy/nginx/simpul.conf rendered for loopback with both servers in its upstream,
`proxy_next_upstream` (a GET that fails on one server is retried on the other) and an
`X-Simpul-Upstream` response header naming the server(s) that answered.

The workers and beat run the real Celery app plus two probe tasks registered only in the stack
(`stack.probe`, `stack.beat_probe`): they record each run in Redis, so a test can tell which
worker ran a task and whether a task scheduled by beat ran exactly once.
"""

import argparse
import contextlib
import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PROBE_KEY = "simpul:stack:probe"  # Redis hash: run token → "worker,worker,…"
BEAT_PROBE_SECONDS = float(os.environ.get("SIMPUL_STACK_BEAT_PROBE_SECONDS", "2"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


def _wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:4]} exited with {proc.returncode} before port {port}")
        if _port_open(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {seconds} s")


def _stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, seconds: float = 10) -> None:
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=seconds)


# --- the Celery app of the stack's workers and beat -------------------------------------------


def _stack_celery_app():
    """simpul.celery.app with the probe tasks and a short beat probe added (`-A stack:app`)."""
    import redis
    from celery import shared_task
    from simpul.celery import app

    client = redis.Redis.from_url(os.environ["REDIS_URL"])

    def _record(token: str, hostname: str) -> None:
        # One round trip, atomic: the list of workers that completed this run.
        client.eval(
            "local v = redis.call('HGET', KEYS[1], ARGV[1]);"
            "if v then v = v .. ',' .. ARGV[2] else v = ARGV[2] end;"
            "redis.call('HSET', KEYS[1], ARGV[1], v); return v",
            1,
            PROBE_KEY,
            token,
            hostname,
        )

    @shared_task(bind=True, name="stack.probe", acks_late=True, reject_on_worker_lost=True)
    def probe(self, token: str, seconds: float = 0.0) -> str:
        _record(f"start:{token}", self.request.hostname)
        time.sleep(seconds)
        _record(token, self.request.hostname)
        return self.request.hostname

    @shared_task(bind=True, name="stack.beat_probe")
    def beat_probe(self) -> str:
        _record(f"beat:{self.request.id}", self.request.hostname)
        return self.request.hostname

    # A killed worker's unacknowledged task comes back after the visibility timeout, but the
    # surviving worker looks for such tasks only every ~100 s by default (kombu's
    # unacked_restore_interval × unacked_restore_throttle); a stack under test asks sooner.
    restore = os.environ.get("SIMPUL_STACK_RESTORE_SECONDS")
    if restore:
        app.conf.broker_transport_options = {
            **app.conf.broker_transport_options,
            "unacked_restore_interval": int(restore),
            "unacked_restore_throttle": 1,
        }
    app.conf.beat_schedule = {
        **app.conf.beat_schedule,
        "stack-beat-probe": {"task": "stack.beat_probe", "schedule": BEAT_PROBE_SECONDS},
    }
    return app


def __getattr__(name: str):
    if name == "app":  # `celery -A stack:app`, imported in the worker and beat processes only
        return _stack_celery_app()
    raise AttributeError(name)


# --- nginx ---------------------------------------------------------------------------------------


def render_nginx(folder: Path, *, listen_port: int, upstream_ports: list[int], base: str) -> Path:
    """deploy/nginx/simpul.conf for loopback: both servers upstream, retry on the other one."""
    site = (ROOT / "deploy" / "nginx" / "simpul.conf").read_text()
    for needle in (
        "server web:8000;",
        "listen 80 default_server;",
        "proxy_pass http://simpul_web;",
    ):
        assert needle in site, f"deploy/nginx/simpul.conf no longer has {needle!r}"
    servers = "\n    ".join(
        f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in upstream_ports
    )
    site = (
        site.replace("${SIMPUL_BASE_DOMAIN}", base)
        .replace("server web:8000;", servers)
        .replace("/var/cache/nginx/simpul", str(folder / "cache"))
        .replace("/app/var/", f"{ROOT / 'var'}/")
        .replace("listen 80 default_server;", f"listen 127.0.0.1:{listen_port};")
        .replace(
            "proxy_pass http://simpul_web;",
            "proxy_pass http://simpul_web;\n"
            # GETs (idempotent) go to the other server when one refuses, resets or answers
            # 502/503; a POST is never sent twice (nginx retries non-idempotent requests only
            # with `non_idempotent`).
            "        proxy_next_upstream error timeout http_502 http_503;\n"
            "        proxy_next_upstream_tries 2;\n"
            "        add_header X-Simpul-Upstream $upstream_addr always;",
        )
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        (f"user {getpass.getuser()};\n" if os.geteuid() == 0 else "")
        + f"pid {folder}/nginx.pid; error_log {folder}/nginx-error.log;\n"
        "worker_processes 1;\nevents { worker_connections 512; }\n"
        "http {\n"
        "log_format simpul '$remote_addr \"$request\" $status $upstream_addr $upstream_status';\n"
        f"access_log {folder}/nginx-access.log simpul;\n"
        f"client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi; "
        f"scgi_temp_path {folder}/scgi;\n{site}\n}}\n"
    )
    return conf


# --- the stack -----------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    accesslog: Path


@dataclass
class Stack:
    """nginx + `servers` gunicorn servers + `workers` Celery workers + one beat."""

    env: dict = field(default_factory=lambda: dict(os.environ))
    folder: Path = ROOT / "var" / "stack"
    servers: int = 2
    workers: int = 2
    web_concurrency: int = 2
    base_domain: str = ""
    port: int = 0

    def __post_init__(self):
        self.folder = Path(self.folder)
        self.web: list[Server] = []
        self.celery: dict[str, subprocess.Popen] = {}
        self.beat: subprocess.Popen | None = None
        self.nginx: subprocess.Popen | None = None
        self.base_domain = self.base_domain or self.env.get("SIMPUL_BASE_DOMAIN", "localhost")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _env(self, **extra: str) -> dict:
        env = dict(self.env)
        env.setdefault("DEBUG", "1")
        env.update(
            PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}:{ROOT / 'deploy' / 'local'}",
            DJANGO_SETTINGS_MODULE="simpul.settings",
            PYTHONUNBUFFERED="1",
            SIMPUL_BASE_DOMAIN=self.base_domain,
            SIMPUL_NUM_PROXIES="1",
        )
        env.update(extra)
        return env

    def _spawn(self, args: list[str], log: Path, **extra: str) -> subprocess.Popen:
        with open(log, "a") as out:
            return subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                args,
                env=self._env(**extra),
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_server(self, name: str) -> Server:
        port = free_port()
        accesslog = self.folder / f"{name}-access.log"
        proc = self._spawn(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                f"--bind=127.0.0.1:{port}",  # the command line wins over the config file
                "--no-control-socket",
                f"--name={name}",
                "simpul.wsgi:application",
            ],
            self.folder / f"{name}.log",
            WEB_CONCURRENCY=str(self.web_concurrency),
            GUNICORN_ACCESSLOG=str(accesslog),
            PORT=str(port),
        )
        server = Server(name, port, proc, accesslog)
        self.web.append(server)
        return server

    def start_worker(self, name: str) -> subprocess.Popen:
        proc = self._spawn(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "stack:app",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=info",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{name}@%h",
            ],
            self.folder / f"{name}.log",
        )
        self.celery[name] = proc
        return proc

    def start(self) -> "Stack":
        self.folder.mkdir(parents=True, exist_ok=True)
        for sub in ("cache", "body", "proxy", "fcgi", "uwsgi", "scgi"):
            (self.folder / sub).mkdir(exist_ok=True)
        try:
            for i in range(1, self.servers + 1):
                self.start_server(f"web{i}")
            for i in range(1, self.workers + 1):
                self.start_worker(f"worker{i}")
            self.beat = self._spawn(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "stack:app",
                    "beat",
                    "--loglevel=info",
                    f"--schedule={self.folder / 'beat-schedule'}",
                    f"--pidfile={self.folder / 'beat.pid'}",
                ],
                self.folder / "beat.log",
            )
            self.port = self.port or free_port()
            conf = render_nginx(
                self.folder,
                listen_port=self.port,
                upstream_ports=[server.port for server in self.web],
                base=self.base_domain,
            )
            self.nginx = subprocess.Popen(  # noqa: S603
                [NGINX, "-c", str(conf), "-p", str(self.folder), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=open(self.folder / "nginx-stderr.log", "a"),  # noqa: SIM115
                start_new_session=True,
            )
            for server in self.web:
                _wait_for_port(server.port, server.proc, 90)
            _wait_for_port(self.port, self.nginx, 20)
        except BaseException:
            self.stop()
            raise
        return self

    def kill_server(self, name: str) -> None:
        """SIGKILL a whole gunicorn server (master and workers), as a crashed machine."""
        server = next(s for s in self.web if s.name == name)
        _stop(server.proc, sig=signal.SIGKILL)

    def kill_worker(self, name: str) -> None:
        _stop(self.celery[name], sig=signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.nginx, sig=signal.SIGQUIT)
        _stop(self.beat)
        for proc in self.celery.values():
            _stop(proc, seconds=5)
        for server in self.web:
            _stop(server.proc)

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("STACK_PORT", "8080")))
    parser.add_argument("--folder", default=str(ROOT / "var" / "stack"))
    args = parser.parse_args()
    pidfile = Path(args.folder) / "stack.pid"
    if args.action == "stop":
        if not pidfile.exists():
            sys.exit("no stack running (no stack.pid)")
        os.kill(int(pidfile.read_text()), signal.SIGTERM)
        return
    stack = Stack(folder=Path(args.folder), port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with stack:
        pidfile.write_text(str(os.getpid()))
        print(f"stack up: {stack.url} (Host: <slug>.{stack.base_domain}); logs in {stack.folder}")
        try:
            while all(p.poll() is None for p in [stack.nginx, stack.beat]):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            pidfile.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
