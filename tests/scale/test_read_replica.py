"""Anonymous public reads from a streaming standby; everything else, and a lost standby, on the
primary.

A throwaway primary holds a copy of the test regency; `pg_basebackup -R` makes a hot standby of
it. One gunicorn server runs with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the
standby. Where a read ran is seen in each cluster's pg_stat_activity: the app's connection to
a cluster shows the last statement it sent there.
"""

import re
import time
import uuid

import pytest
import requests

from tests.conftest import _test_database_url
from tests.faults import harness

pytestmark = pytest.mark.worker

DB = "simpul_replika"
VERIFY = "/api/v1/verify?platform=instagram&handle=akunujireplika"


@pytest.fixture(scope="module")
def clusters(django_db_setup):
    with harness.postgres_cluster() as primary:
        primary.copy_database(_test_database_url(), DB)
        standby = primary.standby()
        try:
            yield primary, standby
        finally:
            standby.destroy()


@pytest.fixture(scope="module")
def server(clusters, tmp_path_factory):
    primary, standby = clusters
    with harness.redis_server() as redis:
        env = harness.app_env(
            DATABASE_URL=primary.url(DB),
            DATABASE_REPLICA_URL=standby.url(DB),
            REDIS_URL=redis.url,
            SIMPUL_CACHE_PREFIX=f"rep-{uuid.uuid4().hex[:6]}",
            SIMPUL_REPLICA_RETRY_SECONDS="1",
            SIMPUL_THROTTLE_VERIFY="1000/min",
        )
        log = tmp_path_factory.mktemp("replica") / "server.log"
        # One worker, one thread: one connection per cluster to look at.
        with harness.app_server(env, log, gunicorn=True, workers=1) as app:
            app.log = log
            yield app


def _app_statements(cluster) -> list[str]:
    """The last statement of each of the app's connections to `DB` on `cluster`."""
    assert DB == "simpul_replika"
    out = cluster.sql(
        "SELECT query_start || ' ' || query FROM pg_stat_activity "
        "WHERE datname = 'simpul_replika' AND backend_type = 'client backend'"
    )
    return out.splitlines() if out else []


def _get(server, host: str, path: str, **headers) -> requests.Response:
    return requests.get(f"{server.url}{path}", headers={"Host": host, **headers}, timeout=30)


def test_anonymous_public_reads_run_on_the_standby_in_the_request_s_schema(clusters, server):
    primary, standby = clusters
    response = _get(server, "localhost", VERIFY)
    assert response.status_code == 200, response.text[:500]
    assert response.json()["status"] == "tidak_terdaftar"
    assert any("tenants_accountdirectoryentry" in s for s in _app_statements(standby))
    assert not any("tenants_accountdirectoryentry" in s for s in _app_statements(primary))

    # An instansi's public page reads its own schema's tables on the standby: the replica
    # connection got the instansi's search_path (in `public` alone the table does not exist).
    response = _get(server, "humas.localhost", "/akun-resmi/")
    assert response.status_code == 200, response.text[:500]
    assert "Akun Resmi" in response.text or "akun resmi" in response.text.lower()
    # The connection's last statement read a table that exists only in instansi schemas.
    statements = _app_statements(standby)
    assert any(re.search(r'FROM "(cms|registry|wagtail[a-z]*)_', s) for s in statements), statements


def test_requests_with_a_session_or_credentials_and_writes_stay_on_the_primary(clusters, server):
    primary, standby = clusters
    _get(server, "localhost", VERIFY)  # the standby connection's last statement, as a mark
    mark = _app_statements(standby)
    for headers in ({"Cookie": "sessionid=bukan-sesi-sah"}, {"Authorization": "Token salah"}):
        response = _get(server, "localhost", VERIFY + "x", **headers)
        assert response.status_code in (200, 401), response.text[:300]
        assert _app_statements(standby) == mark, headers
    response = _get(server, "localhost", VERIFY + "x", Cookie="sessionid=bukan-sesi-sah")
    assert any("tenants_accountdirectoryentry" in s for s in _app_statements(primary))
    # A form post (a write) never reaches the standby (read-only: it would fail there).
    response = requests.post(
        f"{server.url}/api/v1/verify", headers={"Host": "localhost"}, timeout=30
    )
    assert response.status_code in (403, 405), response.status_code
    assert _app_statements(standby) == mark


def test_a_lost_standby_falls_back_to_the_primary_without_an_error(clusters, server):
    primary, standby = clusters
    assert _get(server, "localhost", VERIFY).status_code == 200
    standby.stop()
    statuses = [_get(server, "localhost", VERIFY).status_code for _ in range(10)]
    assert any("tenants_accountdirectoryentry" in s for s in _app_statements(primary))
    statuses += [_get(server, "humas.localhost", "/akun-resmi/").status_code for _ in range(5)]
    assert statuses == [200] * 15, (statuses, server.log.read_text()[-3000:])
    # Back again: after the retry pause the standby takes the anonymous reads once more.
    standby.start()
    time.sleep(1.5)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert _get(server, "localhost", VERIFY + "y").status_code == 200
        # Restarted, the standby has no connection of the app until a read is routed there.
        if any("tenants_accountdirectoryentry" in s for s in _app_statements(standby)):
            break
        time.sleep(0.5)
    else:
        raise AssertionError(
            "the standby did not take reads again after it came back: "
            f"{_app_statements(standby)}\n{server.log.read_text()[-3000:]}"
        )
