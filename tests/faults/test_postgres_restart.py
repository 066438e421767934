"""PostgreSQL restarted mid-traffic: clean 503 pages while it is away, 200 again by themselves.

A throwaway cluster (never the machine's PostgreSQL) is migrated and gets one instansi; a
gunicorn server (persistent connections, as in production) serves it. The cluster is stopped
and restarted while requests run; the server itself is never restarted.
"""

import threading
import time
import uuid

import pytest
import requests

from tests.conftest import TEST_PASSWORD

from . import harness

OUTAGE_TEXT = "Layanan sementara tidak tersedia"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from django.conf import settings

    log_dir = tmp_path_factory.mktemp("pg-restart")
    with harness.postgres_cluster() as pg:
        env = harness.app_env(
            DATABASE_URL=pg.createdb("simpul"),
            REDIS_URL=settings.REDIS_URL,
            SIMPUL_CACHE_PREFIX=f"pgfault-{uuid.uuid4().hex[:8]}",
            DATABASE_CONNECT_TIMEOUT="2",
        )
        harness.manage("migrate_schemas", "--noinput", env=env)
        harness.manage(
            "provision_instansi",
            "--slug=humas",
            "--name=Bagian Humas dan Protokol Setda",
            f"--admin-password={TEST_PASSWORD}",
            env=env,
        )
        token = harness.manage("create_api_token", "--instansi=humas", env=env).stdout.split()[-1]
        with harness.app_server(env, log_dir / "gunicorn.log", gunicorn=True, workers=2) as server:
            created = requests.post(
                f"{server.url}/api/v1/inquiries/",
                headers={"Host": "humas.localhost", "Authorization": f"Token {token}"},
                json={"kind": "pertanyaan", "body": "Kapan jadwal layanan keliling?"},
                timeout=30,
            )
            assert created.status_code == 201, created.text
            yield {
                "pg": pg,
                "url": server.url,
                "token": token,
                "code": created.json()["tracking_code"],
                "log": log_dir / "gunicorn.log",
            }


def _requests(site) -> list[tuple[str, str, dict]]:
    """(path, host, headers): pages and API calls that all need the database."""
    api = {"Authorization": f"Token {site['token']}"}
    return [
        ("/", "humas.localhost", {}),
        (f"/lacak/{site['code']}/", "humas.localhost", {}),
        ("/api/v1/inquiries/", "humas.localhost", api),
        ("/", "localhost", {}),
        # a host the server has not looked up yet: the lookup itself meets the outage
        ("/", f"belum{uuid.uuid4().hex[:6]}.localhost", {}),
    ]


def _fetch(site, path, host, headers) -> requests.Response:
    return requests.get(
        site["url"] + path, headers={"Host": host, **headers}, timeout=30, allow_redirects=False
    )


def _assert_clean_503(response: requests.Response, path: str, host: str) -> None:
    if response.status_code == 200 and path == "/" and not host.startswith("belum"):
        # a page kept in the (Redis) page cache is still served: fine, it needs no database
        assert response.headers.get("X-Simpul-Cache") == "hit", response.headers
        return
    assert response.status_code == 503, (path, response.status_code, response.text[:300])
    assert response.headers.get("Retry-After")
    if path.startswith("/api/"):
        assert OUTAGE_TEXT in response.json()["detail"]
    else:
        assert OUTAGE_TEXT in response.text
        assert "Traceback" not in response.text


def _healthy_status(host: str) -> int:
    """What each request answers while the database is up: a host nobody serves is a 404."""
    return 404 if host.startswith("belum") else 200


def _assert_healthy(site) -> None:
    for path, host, headers in _requests(site):
        response = _fetch(site, path, host, headers)
        assert response.status_code == _healthy_status(host), (path, host, response.status_code)


def _wait_healthy(site, seconds: float = 20) -> float:
    """Seconds until every request is served as before again (the server is not restarted)."""
    started = time.monotonic()
    while True:
        try:
            _assert_healthy(site)
            return time.monotonic() - started
        except (AssertionError, requests.RequestException):
            if time.monotonic() - started > seconds:
                raise
            time.sleep(0.2)


def test_requests_during_an_outage_get_a_503_page_and_recover_by_themselves(site):
    _assert_healthy(site)
    site["pg"].stop()
    try:
        time.sleep(0.5)
        for path, host, headers in _requests(site):
            for _ in range(3):  # both workers, with and without a broken persistent connection
                _assert_clean_503(_fetch(site, path, host, headers), path, host)
    finally:
        site["pg"].start()
    # no server restart: the very next requests are served again
    _assert_healthy(site)


def test_restart_mid_traffic_never_gives_a_500(site):
    """Traffic runs while PostgreSQL goes away for a while and comes back: every answer is the
    usual one or a clean 503 page with Retry-After, at least one 503 is seen while it is away,
    none is a 500 or a broken connection, and all is served again afterwards."""
    # (started, finished, status, path, host, cache): a request is judged by when it ran, so
    # one sent just before recovery that finishes after it is not counted as "after".
    seen: list[tuple[float, float, int, str, str, str]] = []
    failures: list[str] = []
    stop = threading.Event()

    def traffic():
        while not stop.is_set():
            for path, host, headers in _requests(site):
                started = time.monotonic()
                try:
                    response = _fetch(site, path, host, headers)
                except requests.RequestException as exc:
                    failures.append(f"{path} on {host}: {exc.__class__.__name__}")
                    continue
                cache = response.headers.get("X-Simpul-Cache", "")
                seen.append((started, time.monotonic(), response.status_code, path, host, cache))
                if response.status_code == _healthy_status(host):
                    continue
                try:
                    _assert_clean_503(response, path, host)
                except AssertionError as exc:
                    failures.append(f"{path} on {host}: {exc}")

    threads = [threading.Thread(target=traffic) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        site["pg"].stop()
        down_at = time.monotonic()
        time.sleep(2.0)  # long enough for every worker and path to meet the outage
        up_at = time.monotonic()
        site["pg"].start()
        recovered_after = _wait_healthy(site)
        time.sleep(1.0)  # traffic continues on the recovered database
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not failures, failures[:5]
    server_errors = [(s[2], s[3]) for s in seen if s[2] >= 500 and s[2] != 503]
    assert not server_errors, server_errors[:5]
    # while it is down (past the requests already in flight), every request that needs the
    # database gets the 503 page; only a page kept in the Redis page cache may still be a 200
    during = [s[2:] for s in seen if down_at + 0.3 < s[0] and s[1] < up_at]
    assert any(code == 503 for code, _, _, _ in during), f"no 503 while down: {during[:10]}"
    unexpected = [
        d for d in during if d[0] != 503 and not (d[0] == 200 and d[1] == "/" and d[3] == "hit")
    ]
    assert not unexpected, unexpected[:10]
    after = [s[2:] for s in seen if s[0] > up_at + recovered_after]
    assert after and all(code == _healthy_status(host) for code, _, host, _ in after), after[:10]
    assert len(seen) > 20
    _assert_healthy(site)
