"""Two app servers and two workers for real: deploy/local/stack.py against the test database.

nginx spreads requests over both gunicorn servers; when one server dies mid-load, nginx retries
the failed GETs on the other and no reader sees an error. A Celery worker killed mid-task
loses nothing: its unacknowledged task comes back and the other worker runs it, once. One beat
sends each scheduled job once and exactly one worker runs it.

The stack gets a throwaway Redis of its own (broker, results, cache) so no other worker takes
its tasks; everything listens on loopback and is stopped when the module ends.
"""

import sys
import threading
import time
import uuid

import pytest
import redis as redis_lib
import requests

from tests.conftest import ROOT, _test_database_url
from tests.faults import harness

sys.path.insert(0, str(ROOT / "deploy" / "local"))
import stack as stack_module  # noqa: E402

pytestmark = pytest.mark.worker

HOST = "humas.localhost"


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory):
    with harness.redis_server() as redis:
        env = harness.app_env(
            DATABASE_URL=_test_database_url(),
            REDIS_URL=redis.url,
            SIMPUL_CACHE_PREFIX=f"stack-{uuid.uuid4().hex[:6]}",
            SIMPUL_BASE_DOMAIN="localhost",
            # A dead worker's task comes back 3 s after it was taken (probe tasks take 1.5 s).
            CELERY_VISIBILITY_TIMEOUT="3",
            SIMPUL_STACK_RESTORE_SECONDS="1",
            SIMPUL_STACK_BEAT_PROBE_SECONDS="1",
        )
        with stack_module.Stack(env=env, folder=tmp_path_factory.mktemp("stack")) as running:
            running.redis = redis_lib.Redis.from_url(redis.url, decode_responses=True)
            running.broker_url = redis.url
            yield running


def _get(stack, path: str) -> requests.Response:
    return requests.get(f"{stack.url}{path}", headers={"Host": HOST}, timeout=30)


def _port_of(upstream: str) -> int:
    return int(upstream.rsplit(":", 1)[1])


def test_requests_are_spread_over_both_servers(stack):
    answered: dict[int, int] = {}
    for n in range(24):
        response = _get(stack, f"/?spread={n}" if n % 3 == 0 else "/healthz")
        assert response.status_code == 200, response.text[:300]
        port = _port_of(response.headers["X-Simpul-Upstream"])
        answered[port] = answered.get(port, 0) + 1
    ports = {server.port for server in stack.web}
    assert set(answered) == ports, answered
    assert min(answered.values()) >= 8, answered  # round robin, not one server and a straggler
    for server in stack.web:
        assert "GET /?spread=" in server.accesslog.read_text(), server.name


def _wait(predicate, seconds: float, what: str, log=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f"\n{log()}" if log else ""))


def test_beat_sends_each_job_once_and_one_worker_runs_it(stack):
    time.sleep(6)
    runs = {
        key: value
        for key, value in stack.redis.hgetall(stack_module.PROBE_KEY).items()
        if key.startswith("beat:")
    }
    sent = (stack.folder / "beat.log").read_text().count("Sending due task stack-beat-probe")
    assert sent >= 4, sent
    assert all("," not in workers for workers in runs.values()), runs  # one worker per run
    # Every job beat sent ran, except at most the one sent a moment ago.
    assert sent - 1 <= len(runs) <= sent, (sent, runs)


def test_a_killed_worker_s_task_finishes_on_the_other_worker_once(stack):
    from simpul.celery import app

    tokens = [f"t{n}-{uuid.uuid4().hex[:6]}" for n in range(6)]
    with app.connection_for_write(stack.broker_url) as broker:
        for token in tokens:
            app.send_task("stack.probe", args=[token, 1.5], connection=broker)

    def worker1_mid_task():
        runs = stack.redis.hgetall(stack_module.PROBE_KEY)
        return next(
            (
                token
                for token in tokens
                if runs.get(f"start:{token}", "").startswith("worker1@") and token not in runs
            ),
            None,
        )

    caught = _wait(worker1_mid_task, 30, "worker1 to start a probe task")
    stack.kill_worker("worker1")
    assert caught not in stack.redis.hgetall(stack_module.PROBE_KEY)  # it died before finishing

    def all_done():
        runs = stack.redis.hgetall(stack_module.PROBE_KEY)
        return all(token in runs for token in tokens) and runs

    runs = _wait(
        all_done,
        45,
        "every probe task to finish",
        log=lambda: (stack.folder / "worker2.log").read_text()[-2000:],
    )
    time.sleep(4)  # past another visibility timeout: a second run would show now
    runs = stack.redis.hgetall(stack_module.PROBE_KEY)
    for token in tokens:
        assert "," not in runs[token], (token, runs[token])  # finished exactly once
    assert runs[caught].startswith("worker2@"), runs[caught]


def test_a_killed_server_mid_load_costs_no_failed_read(stack):
    results: list[tuple[float, int, str]] = []
    stop = threading.Event()
    lock = threading.Lock()

    def reader(n: int) -> None:
        session = requests.Session()
        i = 0
        while not stop.is_set() and i < 300:
            i += 1
            path = f"/?reader={n}-{i}" if i % 4 == 0 else "/healthz"
            try:
                response = session.get(f"{stack.url}{path}", headers={"Host": HOST}, timeout=30)
                outcome = (response.status_code, response.headers.get("X-Simpul-Upstream", ""))
            except requests.RequestException as exc:
                outcome = (0, repr(exc))
            with lock:
                results.append((time.monotonic(), *outcome))

    def count(since: float) -> int:
        with lock:
            return sum(1 for r in results if r[0] > since)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        _wait(lambda: count(0) >= 12, 30, "reads before the kill")
        killed_at = time.monotonic()
        stack.kill_server("web1")
        _wait(lambda: count(killed_at + 0.5) >= 12, 30, "reads after the kill")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    failed = [r for r in results if r[1] != 200]
    assert not failed, failed[:5]
    before = [r for r in results if r[0] < killed_at]
    after = [r for r in results if r[0] > killed_at + 0.5]
    assert len(before) >= 12 and len(after) >= 12, (len(before), len(after))
    web1, web2 = (server.port for server in stack.web)
    assert any(_port_of(r[2].split(",")[0]) == web1 for r in before)
    # After the kill every answer comes from web2; those nginx first tried on web1 name both.
    assert all(_port_of(r[2].split(",")[-1].strip()) == web2 for r in after), after[:5]
    assert any("," in r[2] for r in results if r[0] > killed_at), "no request was retried"
