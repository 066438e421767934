"""Throwaway processes for fault tests: a Redis, a PostgreSQL cluster, app servers, workers.

Everything listens on 127.0.0.1 on a free port, lives in a temporary folder and is stopped by
the context manager that started it, even when the test fails. The machine's own PostgreSQL
and Redis are never stopped or restarted: other engineers and their tests use them.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def own_demo_steps() -> list:
    """Demo content steps that fill only the instansi they are given. The other registered demo
    steps (core.steps.demo_steps) also write for humas, dinkes, disdik or Diskominfo (demo
    inquiries, console snapshots): run here they would leave committed rows in the shared test
    regency."""
    from core.steps import demo_steps

    return [step for step in demo_steps if step.own_instansi_only]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


def wait_for_port(port: int, proc: subprocess.Popen | None = None, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before opening {port}")
        if port_open(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {seconds} s")


def stop(proc: subprocess.Popen | None, *, sig: int = signal.SIGTERM, seconds: float = 10) -> None:
    """Stop a process we started (and its group), escalating to SIGKILL."""
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


def database_url(name: str, port: int = 5432, host: str = "127.0.0.1") -> str:
    return f"postgres://postgres@{host}:{port}/{name}"


def app_env(**extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="1",
        PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
        DJANGO_SETTINGS_MODULE="simpul.settings",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


@contextlib.contextmanager
def redis_server() -> Iterator["ThrowawayRedis"]:
    redis = ThrowawayRedis()
    try:
        redis.start()
        yield redis
    finally:
        redis.stop()


class ThrowawayRedis:
    """`redis-server` on a free loopback port, no persistence; stop and start at will."""

    def __init__(self):
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.port, self.proc, 20)

    def stop(self) -> None:
        stop(self.proc, sig=signal.SIGKILL)
        self.proc = None

    def pause(self) -> None:
        """Hang it: connections are still accepted (by the kernel), nothing is answered."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)


@contextlib.contextmanager
def postgres_cluster() -> Iterator["ThrowawayPostgres"]:
    cluster = ThrowawayPostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


class ThrowawayPostgres:
    """A PostgreSQL 15 cluster of our own (trust auth, loopback, temp dir): safe to restart."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="simpul-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"

    def _run(self, *cmd: str, timeout: float = 60) -> None:
        # initdb and pg_ctl refuse to run as root: run them as the postgres user then.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run(  # noqa: S603
            [*prefix, *cmd], capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {done.stdout}\n{done.stderr}")

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )

    def _ctl(self, action: str, *extra: str) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "30",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            *extra,
        )

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self._run(str(PG_BIN / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name: str = "postgres") -> str:
        return database_url(name, self.port)

    def createdb(self, name: str) -> str:
        subprocess.run(  # noqa: S603
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
            check=True,
            capture_output=True,
        )
        return self.url(name)

    def copy_database(self, source_url: str, name: str) -> str:
        """`name` on this cluster as a copy of the database at `source_url` (pg_dump | psql)."""
        self.createdb(name)
        dump = subprocess.Popen(  # noqa: S603
            ["pg_dump", "--no-owner", "--no-privileges", source_url],
            stdout=subprocess.PIPE,
        )
        restore = subprocess.run(  # noqa: S603
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", self.url(name)],
            stdin=dump.stdout,
            capture_output=True,
            text=True,
            timeout=300,
        )
        dump.stdout.close()
        if dump.wait(timeout=60) != 0 or restore.returncode != 0:
            raise RuntimeError(f"copying {source_url} failed: {restore.stderr[-2000:]}")
        return self.url(name)

    def standby(self) -> "ThrowawayPostgres":
        """A streaming standby of this cluster (pg_basebackup -R), started, hot (read-only)."""
        replica = ThrowawayPostgres()
        if os.geteuid() == 0:
            shutil.chown(replica.dir, "postgres", "postgres")
        replica._run(
            str(PG_BIN / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-D",
            str(replica.data),
            "-X",
            "stream",
            "-R",
            "--checkpoint=fast",
            timeout=300,
        )
        replica.start()
        return replica

    def sql(self, query: str, name: str = "postgres") -> str:
        """One query's result as psql prints it unaligned (`-At`)."""
        done = subprocess.run(  # noqa: S603
            ["psql", "-At", "-c", query, self.url(name)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr}")
        return done.stdout.strip()


@dataclass
class AppServer:
    url: str
    proc: subprocess.Popen


@contextlib.contextmanager
def app_server(
    env: dict, log_path: Path, *, gunicorn: bool = False, workers: int = 2, threads: int = 1
) -> Iterator[AppServer]:
    """An app server on a free port with `env` (its own process group).

    `manage.py runserver` by default; gunicorn (persistent database connections per worker,
    as in production) with `gunicorn=True`.
    """
    port = free_port()
    if gunicorn:
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "simpul.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            f"--worker-class={'gthread' if threads > 1 else 'sync'}",
            "--timeout=60",
            "--graceful-timeout=5",
            "--keep-alive=5",  # as deploy/gunicorn.conf.py
            "--no-control-socket",  # one shared default path would collide between servers
        ]
    else:
        args = [
            sys.executable,
            str(ROOT / "manage.py"),
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
        ]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(  # noqa: S603
            args,
            env={**env, "SIMPUL_PUBLIC_PORT": str(port)},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_port(port, proc, 60)
            yield AppServer(f"http://127.0.0.1:{port}", proc)
        finally:
            stop(proc)


@contextlib.contextmanager
def celery_worker(env: dict, log_path: Path, name: str) -> Iterator[subprocess.Popen]:
    """A Celery worker (prefork, one child) in its own process group; yields the Popen."""
    with open(log_path, "a") as log:
        proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "simpul",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            stop(proc, sig=signal.SIGKILL)


def get(url: str, host: str, **kwargs) -> requests.Response:
    return requests.get(
        url, headers={"Host": host, **kwargs.pop("headers", {})}, timeout=30, **kwargs
    )


def admin_session(base: str, host: str, username: str, password: str) -> requests.Session:
    """A requests session signed in to the Wagtail admin of `host` (CSRF as a browser does)."""
    session = requests.Session()
    session.headers["Host"] = host
    session.get(f"{base}/admin/login/", timeout=30)
    response = session.post(
        f"{base}/admin/login/",
        headers={"Referer": f"http://{host}/admin/login/"},
        data={
            "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
            "username": username,
            "password": password,
            "next": "/admin/",
        },
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise RuntimeError(f"admin login on {host} failed: {response.status_code}")
    return session


def publish_news(session: requests.Session, base: str, parent_id: int, title: str, slug: str):
    """Create and publish a NewsPage through the admin's own form, as an editor does."""
    from bs4 import BeautifulSoup

    host = session.headers["Host"]
    url = f"{base}/admin/pages/add/cms/newspage/{parent_id}/"
    form_page = session.get(url, timeout=30)
    form_page.raise_for_status()
    form = BeautifulSoup(form_page.text, "html.parser").find("form", id="page-edit-form")
    data: dict[str, str] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or (
            element.get("type") in ("checkbox", "radio") and not element.has_attr("checked")
        ):
            continue
        if element.name == "select":
            option = element.find("option", selected=True)
            data[name] = option.get("value", "") if option else ""
        elif element.name == "textarea":
            data[name] = element.text.strip()
        else:
            data[name] = element.get("value", "")
    data.update(
        title=title,
        slug=slug,
        category="kegiatan",
        tagar="#ujiketahanan",
        lead=f"Ringkasan {title}.",
        **{"body-count": "0", "action-publish": "action-publish"},
    )
    return session.post(
        url,
        data=data,
        headers={"Referer": f"http://{host}{url[len(base) :]}"},
        allow_redirects=False,
        timeout=60,
    )


class FakeSmtp:
    """A loopback SMTP server: `stall` holds connections without a greeting (a hung mail
    server, so a sending task is caught mid-flight); otherwise it accepts and keeps mails."""

    def __init__(self):
        self.port = free_port()
        self.stall = True
        self.connections = 0
        self.messages: list[str] = []
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", self.port))
        self._server.listen(16)
        self._server.settimeout(0.2)
        self._closing = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._closing.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            with contextlib.suppress(OSError):
                conn.close()
        self._server.close()

    def _serve(self) -> None:
        while not self._closing.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                continue
            with self._lock:
                self.connections += 1
            if self.stall:
                self._held.append(conn)
                continue
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        reader = conn.makefile("rb")

        def say(line: str) -> None:
            conn.sendall(line.encode() + b"\r\n")

        try:
            say("220 simpul-uji ESMTP")
            while True:
                line = reader.readline().decode(errors="replace").strip()
                if not line:
                    return
                verb = line.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    say("250 simpul-uji")
                elif verb == "DATA":
                    say("354 akhiri dengan <CRLF>.<CRLF>")
                    body = []
                    while (data := reader.readline()) not in (b".\r\n", b".\n", b""):
                        body.append(data.decode(errors="replace"))
                    with self._lock:
                        self.messages.append("".join(body))
                    say("250 diterima")
                elif verb == "QUIT":
                    say("221 sampai jumpa")
                    return
                else:
                    say("250 OK")
        except OSError:
            return
        finally:
            conn.close()


def purge_instansi(slugs: list[str]) -> None:
    """Remove committed test instansi completely: shared rows, schema, media."""
    from django.db import connection

    from tenants.backup import _dependency_order, _owned_rows, media_root_of
    from tenants.models import Instansi

    connection.set_schema_to_public()
    instansi = list(Instansi.objects.filter(schema_name__in=slugs))
    owned: dict = {}
    for one in instansi:
        for model, pks in _owned_rows(one).items():
            owned.setdefault(model, set()).update(pks)
    for model in reversed(_dependency_order(list(owned))):
        if model is not Instansi:
            model._base_manager.filter(pk__in=owned[model]).delete()
    Instansi.objects.filter(pk__in=[i.pk for i in instansi]).delete()
    with connection.cursor() as cursor:
        for slug in slugs:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{slug}" CASCADE')
    for slug in slugs:
        shutil.rmtree(media_root_of(slug), ignore_errors=True)
    from tenants.hosts import forget_hosts

    forget_hosts()
