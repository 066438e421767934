"""/healthz reports database, Redis and Celery reachability."""

import pytest

from tests.conftest import tenant_client

pytestmark = pytest.mark.django_db


def test_healthz_on_the_portal_reports_each_service():
    response = tenant_client(None).get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert "workers" in body["checks"]["celery"]


@pytest.mark.worker
def test_healthz_sees_a_running_worker(celery_worker):
    body = tenant_client("humas").get("/healthz").json()
    assert body["checks"]["celery"]["ok"] is True, body
    assert body["checks"]["celery"]["workers"] >= 1
    assert body["status"] == "ok"


def test_healthz_reports_redis_down(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    body = tenant_client(None).get("/healthz").json()
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["celery"]["ok"] is False
    assert body["status"] == "degraded"
