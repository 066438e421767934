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


def _assert_healthy(site) -> None:
    for path, host, headers in _requests(site):
        response = _fetch(site, path, host, headers)
        expected = 404 if host.startswith("belum") else 200
        assert response.status_code == expected, (path, host, response.status_code)


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
    statuses: list[tuple[int, str]] = []
    failures: list[str] = []
    stop = threading.Event()

    def traffic():
        while not stop.is_set():
            for path, host, headers in _requests(site):
                try:
                    response = _fetch(site, path, host, headers)
                except requests.RequestException as exc:
                    failures.append(f"{path}: {exc.__class__.__name__}")
                    continue
                statuses.append((response.status_code, path))
                if response.status_code == 503:
                    try:
                        _assert_clean_503(response, path, host)
                    except AssertionError as exc:
                        failures.append(str(exc))

    threads = [threading.Thread(target=traffic) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        site["pg"].restart()
        time.sleep(2.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not failures, failures[:5]
    unexpected = [(code, path) for code, path in statuses if code not in (200, 404, 503)]
    assert not unexpected, unexpected[:5]
    assert len(statuses) > 20
    _assert_healthy(site)
