"""deploy/local/ensure_services.py waits for apt's and dpkg's locks instead of failing when
another apt-get holds them (a fresh machine running its first updates). apt is never run:
the locks are temporary files held by a child process, apt-get a recording stand-in."""

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def services():
    spec = importlib.util.spec_from_file_location(
        "ensure_services", ROOT / "deploy" / "local" / "ensure_services.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _hold(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the lock on `path` for `seconds` (as apt-get would)."""
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_free_or_missing_lock_does_not_wait(services, tmp_path):
    free = tmp_path / "lock-frontend"
    free.touch()
    started = time.monotonic()
    assert services.wait_for_apt_lock([str(free), str(tmp_path / "absent")], timeout=5)
    assert time.monotonic() - started < 0.5


def test_waits_until_the_other_process_lets_go(services, tmp_path):
    lock = tmp_path / "lock-frontend"
    holder = _hold(lock, 1.5)
    try:
        assert services.lock_is_held(str(lock))
        started = time.monotonic()
        assert services.wait_for_apt_lock([str(lock)], timeout=20, poll=0.1)
        assert time.monotonic() - started >= 1.0
        assert not services.lock_is_held(str(lock))
    finally:
        holder.kill()
        holder.wait()


def test_gives_up_after_the_timeout(services, tmp_path):
    lock = tmp_path / "lock"
    holder = _hold(lock, 30)
    try:
        assert not services.wait_for_apt_lock([str(lock)], timeout=0.5, poll=0.1)
    finally:
        holder.kill()
        holder.wait()


def test_apt_install_runs_apt_get_only_after_the_lock_is_free_and_tells_it_to_wait(
    services, tmp_path, monkeypatch
):
    monkeypatch.setattr(services.os, "geteuid", lambda: 0)
    lock = tmp_path / "lock-frontend"
    holder = _hold(lock, 1.0)
    calls = []

    def fake_apt(command, **kwargs):
        calls.append((command, services.lock_is_held(str(lock)), kwargs["env"]))

    try:
        services.apt_install("redis-server", runner=fake_apt, lock_files=[str(lock)])
    finally:
        holder.kill()
        holder.wait()
    assert [c[0][3] for c in calls] == ["update", "install"]
    for command, held, env in calls:
        assert command[:3] == ["apt-get", "-o", "DPkg::Lock::Timeout=600"]
        assert held is False
        assert env["DEBIAN_FRONTEND"] == "noninteractive"
    assert calls[1][0][-1] == "redis-server"
