"""The demo is served as production is: gunicorn with deploy/gunicorn.conf.py (started by
deploy/local/web.sh, which serve.sh runs), so many concurrent clients leave at most one
database connection per worker thread; Django's development server kept one per client
thread."""

import http.client
import secrets
import subprocess
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest

from tests.conftest import ROOT, _test_database_url, subprocess_env
from tests.faults.harness import free_port, wait_for_port

WORKERS = 2
THREADS = 4  # web.sh's default
CLIENTS = 64


def _connections(database_url: str, application_name: str) -> int:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [application_name],
        )
        return cursor.fetchone()[0]


def _get(port: int, path: str, host: str = "localhost") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.fixture
def demo_web(django_db_setup, tmp_path):
    """(port, database URL, application name) of deploy/local/web.sh on the test database."""
    port = free_port()
    name = f"simpul-demo-test-{secrets.token_hex(4)}"
    database_url = _test_database_url()
    proc = subprocess.Popen(  # noqa: S603
        ["bash", str(ROOT / "deploy" / "local" / "web.sh")],
        env=subprocess_env(
            DATABASE_URL=f"{database_url}?application_name={name}",
            PORT=str(port),
            SIMPUL_PUBLIC_PORT=str(port),
            WEB_CONCURRENCY=str(WORKERS),
            GUNICORN_ACCESSLOG=str(tmp_path / "access.log"),
            CONN_MAX_AGE="60",
        ),
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "web.log", "w"),  # noqa: SIM115 - closed with the process
    )
    try:
        wait_for_port(port, proc, seconds=90)  # a busy machine boots it slowly
        yield port, database_url, name
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_sh_runs_gunicorn_with_the_production_config():
    serve = (ROOT / "deploy" / "local" / "serve.sh").read_text()
    web = (ROOT / "deploy" / "local" / "web.sh").read_text()
    assert "deploy/local/web.sh" in serve and "runserver" not in serve
    assert "gunicorn --config deploy/gunicorn.conf.py" in web
    assert "simpul.wsgi:application" in web
    makefile = (ROOT / "Makefile").read_text()
    demo = makefile[makefile.index("\ndemo:") :].split("\n\n")[0]
    assert "collectstatic" in demo and "serve.sh" in demo


def test_many_clients_leave_at_most_one_connection_per_worker_thread(demo_web):
    port, database_url, name = demo_web
    # Each request reads the instansi list (a query on every call).
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(
            pool.map(lambda _: _get(port, "/open311/v2/services.json"), range(CLIENTS * 3))
        )
    assert set(statuses) == {200}
    assert _get(port, "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css") == 200
    held = _connections(database_url, name)
    assert 1 <= held <= WORKERS * THREADS < CLIENTS, held
