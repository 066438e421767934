#!/usr/bin/env python3
"""Bring up the PostgreSQL and Redis that DATABASE_URL and REDIS_URL name, on this machine.

Standard library only (it runs before the virtualenv exists). For a local address it starts an
installed server that is not running, or installs it with apt-get (as root) when it is missing,
then creates the database. A remote address is only checked: it is someone else's to run.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}


def say(message: str) -> None:
    print(f"[services] {message}", flush=True)


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host or "127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for(host: str, port: int, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if reachable(host, port):
            return True
        time.sleep(0.5)
    return False


def run(*cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=check, text=True, capture_output=True)  # noqa: S603


# dpkg's and apt's locks: on a fresh machine the system's own first updates (unattended-upgrades,
# cloud-init) hold them for minutes, and apt-get fails at once ("Could not get lock").
APT_LOCK_FILES = (
    "/var/lib/dpkg/lock-frontend",
    "/var/lib/dpkg/lock",
    "/var/lib/apt/lists/lock",
    "/var/cache/apt/archives/lock",
)
APT_LOCK_TIMEOUT = 600  # seconds


def lock_is_held(path: str) -> bool:
    """True when another process holds the fcntl lock apt and dpkg take on `path`."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except PermissionError:
        return False  # not ours to take: apt-get will say so itself
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def wait_for_apt_lock(
    lock_files=APT_LOCK_FILES, timeout: float = APT_LOCK_TIMEOUT, poll: float = 2.0
) -> bool:
    """Wait until no other process holds apt's or dpkg's locks; False after `timeout`."""
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        held = [path for path in lock_files if lock_is_held(path)]
        if not held:
            return True
        if time.monotonic() >= deadline:
            return False
        if not announced:
            say(f"waiting for another apt/dpkg process to finish ({', '.join(held)})")
            announced = True
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))


def apt_commands(*packages: str) -> list[list[str]]:
    """apt-get's update and install, each waiting up to APT_LOCK_TIMEOUT for the lock itself
    too (a process may take it between our check and the call)."""
    wait = f"DPkg::Lock::Timeout={APT_LOCK_TIMEOUT}"
    return [
        ["apt-get", "-o", wait, "update", "-qq"],
        ["apt-get", "-o", wait, "install", "-y", "-qq", *packages],
    ]


def apt_install(*packages: str, runner=subprocess.run, lock_files=APT_LOCK_FILES) -> None:
    if os.geteuid() != 0:
        sys.exit(
            f"[services] {', '.join(packages)} missing and not root: install them, then retry."
        )
    if not wait_for_apt_lock(lock_files):
        sys.exit(
            f"[services] apt/dpkg stayed locked by another process for {APT_LOCK_TIMEOUT} s; "
            "retry when it has finished."
        )
    say(f"installing {' '.join(packages)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in apt_commands(*packages):
        runner(command, check=True, env=env)


def ensure_postgres(url: str) -> None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 5432
    if not reachable(host, port):
        if host not in LOCAL_HOSTS:
            sys.exit(f"[services] PostgreSQL at {host}:{port} is not reachable.")
        if not Path("/etc/postgresql").is_dir() or not shutil.which("pg_ctlcluster"):
            apt_install("postgresql", "postgresql-contrib")
        versions = sorted(os.listdir("/etc/postgresql"))
        if not versions:
            sys.exit("[services] no PostgreSQL cluster found in /etc/postgresql.")
        say(f"starting PostgreSQL {versions[-1]}")
        run(
            "pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start", check=False
        )
        if not wait_for(host, port):
            sys.exit(f"[services] PostgreSQL did not come up on {host}:{port}.")
    say(f"PostgreSQL up at {host}:{port}")
    ensure_database(parsed)


def ensure_database(parsed) -> None:
    name = (parsed.path or "/simpul").lstrip("/") or "simpul"
    if not name.replace("_", "").isalnum():
        sys.exit(f"[services] database name {name!r} must be letters, digits and underscores.")
    user = parsed.username or "postgres"
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    base = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", user]
    if not shutil.which("psql"):
        apt_install("postgresql-client")
    exists = subprocess.run(  # noqa: S603
        [
            "psql",
            *base,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],  # noqa: S607,S608
        text=True,
        capture_output=True,
        env=env,
    )
    if exists.returncode != 0:
        sys.exit(f"[services] cannot query PostgreSQL as {user}: {exists.stderr.strip()}")
    if exists.stdout.strip() != "1":
        say(f"creating database {name}")
        made = subprocess.run(  # noqa: S603
            ["createdb", *base, name],  # noqa: S607
            text=True,
            capture_output=True,
            env=env,
        )
        # Another set-up (a demo starting beside the tests) may have made it meanwhile.
        if made.returncode != 0 and "already exists" not in made.stderr:
            sys.exit(f"[services] cannot create database {name}: {made.stderr.strip()}")


def ensure_redis(url: str) -> None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    if not reachable(host, port):
        if host not in LOCAL_HOSTS:
            sys.exit(f"[services] Redis at {host}:{port} is not reachable.")
        if not shutil.which("redis-server"):
            apt_install("redis-server")
        say("starting Redis")
        Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
        Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
        run(
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/simpul.log",
            check=False,
        )
        if not wait_for(host, port):
            sys.exit(f"[services] Redis did not come up on {host}:{port}.")
    say(f"Redis up at {host}:{port}")


def ensure_chromium() -> None:
    if shutil.which("chromium") and shutil.which("chromedriver"):
        say("Chromium present")
        return
    apt_install("chromium", "chromium-driver", "fonts-dejavu-core")


def ensure_tools() -> None:
    """What the tests and benchmarks drive besides the browser: nginx, wrk, docker-compose, and
    npm (the accessibility tests install the pinned axe-core with it)."""
    wanted = {
        "nginx": "nginx-light",
        "wrk": "wrk",
        "docker-compose": "docker-compose",
        "npm": "npm",
    }
    missing = [
        package
        for command, package in wanted.items()
        if not shutil.which(command) and not Path(f"/usr/sbin/{command}").exists()
    ]
    if missing:
        apt_install(*missing)
    say("nginx, wrk, docker-compose and npm present")


def main() -> None:
    ensure_postgres(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/simpul"))
    ensure_redis(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    if "--browser" in sys.argv:
        ensure_chromium()
    if "--tools" in sys.argv:
        ensure_tools()


if __name__ == "__main__":
    main()
