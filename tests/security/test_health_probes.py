"""/livez is the cheap public liveness probe; /healthz's readiness checks run at most once per
HEALTH_CACHE_SECONDS whatever the rate of requests, and only a probe on the machine itself (or
one with the health token) sees their details."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from simpul import views

from tests.conftest import tenant_client

pytestmark = pytest.mark.django_db

PUBLIC_ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def _no_cached_result():
    views.forget_readiness()
    yield
    views.forget_readiness()


def _get(path: str = "/healthz", slug: str | None = None, **extra):
    return tenant_client(slug).get(path, **extra)


def test_livez_is_public_and_checks_nothing(monkeypatch):
    def no_checks():
        raise AssertionError("/livez ran the readiness checks")

    monkeypatch.setattr(views, "_run_checks", no_checks)
    response = _get("/livez", REMOTE_ADDR=PUBLIC_ADDRESS)
    assert response.status_code == 200 and response.content == b"ok"


def test_the_internet_gets_the_status_only():
    body = _get(REMOTE_ADDR=PUBLIC_ADDRESS).json()
    assert set(body) == {"status"} and body["status"] in ("ok", "degraded")
    # Relayed by a proxy on the same machine: the client is not local, whatever the socket says.
    relayed = _get(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=PUBLIC_ADDRESS).json()
    assert set(relayed) == {"status"}


def test_a_local_probe_or_the_token_gets_the_details(settings):
    local = _get(REMOTE_ADDR="127.0.0.1").json()
    assert local["checks"]["database"]["ok"] is True and "celery" in local["checks"]
    settings.SIMPUL_HEALTH_TOKEN = "rahasia-probe"
    with_token = _get(REMOTE_ADDR=PUBLIC_ADDRESS, HTTP_X_HEALTH_TOKEN="rahasia-probe").json()
    assert "checks" in with_token
    wrong = _get(REMOTE_ADDR=PUBLIC_ADDRESS, HTTP_X_HEALTH_TOKEN="tebakan").json()
    assert set(wrong) == {"status"}


def test_a_burst_of_requests_runs_the_checks_once_and_answers_at_once():
    """No Celery worker runs in this test: each check waits out the ping's timeout (it took
    ~1.1 s a call). Forty public requests from eight threads cost one check in all."""
    calls = []
    original = views._run_checks

    def counted():
        calls.append(1)
        return original()

    views._run_checks = counted
    try:
        _get(REMOTE_ADDR=PUBLIC_ADDRESS)  # the first result
        with ThreadPoolExecutor(8) as pool:
            statuses = list(
                pool.map(lambda _: _get(REMOTE_ADDR=PUBLIC_ADDRESS).status_code, range(40))
            )
    finally:
        views._run_checks = original
    assert set(statuses) == {200}
    # Before, each request ran the checks (~1.1 s each): forty on eight threads took over 5 s.
    assert len(calls) == 1


def test_a_cold_burst_waits_for_one_check_not_one_each():
    calls = []
    original = views._run_checks

    def counted():
        calls.append(1)
        return original()

    views._run_checks = counted
    try:
        with ThreadPoolExecutor(8) as pool:
            statuses = list(
                pool.map(lambda _: _get(REMOTE_ADDR=PUBLIC_ADDRESS).status_code, range(16))
            )
    finally:
        views._run_checks = original
    assert set(statuses) == {200}
    assert len(calls) == 1


def test_one_check_is_short_even_with_no_worker(monkeypatch):
    """With no worker the Celery ping waits out its timeout: the probe's half second, not
    Celery's default second, and the first reply ends the wait. Asserted on the call, not on
    the clock (a busy machine's wall time says nothing about the code)."""
    import simpul.celery
    from celery import Celery
    from django.conf import settings

    # A worker that another test of the run started may still listen on the broker: ping on
    # a control exchange no worker listens to, so "no worker" holds whatever ran before.
    nobody = Celery("simpul-probe-test", broker=settings.CELERY_BROKER_URL, set_as_current=False)
    nobody.conf.control_exchange = "simpul-probe-test-nobody"
    monkeypatch.setattr(simpul.celery, "app", nobody)
    pings = []
    real_ping = nobody.control.ping

    def ping(*args, **kwargs):
        pings.append(kwargs)
        return real_ping(*args, **kwargs)

    monkeypatch.setattr(nobody.control, "ping", ping)

    assert views.PROBE_TIMEOUT_SECONDS <= 0.5
    assert views._check_celery() == {"ok": False, "workers": 0}  # no worker answered
    assert pings == [{"timeout": views.PROBE_TIMEOUT_SECONDS, "limit": 1}]


def test_the_deploy_health_checks_point_at_a_working_probe():
    """docker-compose's web healthcheck and nginx's never-cached paths name the probes."""
    import re

    from tests.conftest import ROOT

    compose = (ROOT / "deploy" / "docker-compose.yml").read_text()
    paths = re.findall(r"127\.0\.0\.1:8000(/[a-z]+)", compose)
    assert paths
    for path in paths:
        assert _get(path, REMOTE_ADDR="127.0.0.1").status_code == 200, path
    nginx = (ROOT / "deploy" / "nginx" / "simpul.conf").read_text()
    assert "healthz|livez" in nginx
