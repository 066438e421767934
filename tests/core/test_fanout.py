"""Periodic work that spans tenants fans out one task per instansi (core.fanout): spread over
the period, each in its own schema, and one failing instansi does not stop the others."""

import base64
import json
import uuid
from datetime import UTC, datetime

import pytest
import redis
from django.conf import settings

from cms.tasks import page_cache_reconcile, page_cache_reconcile_all
from core.fanout import fan_out
from core.tasks import run_for_schemas
from tenants.registry.tasks import registry_reminders

pytestmark = pytest.mark.django_db

SCHEMAS = ["humas", "dinkes", "disdik", "diskominfo"]


@pytest.fixture
def queue():
    """A queue no worker listens to: the test reads the sent messages straight from Redis."""
    name = f"uji-fanout-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    yield name, client
    client.delete(name)


def _messages(client, name: str) -> list[dict]:
    sent = []
    for raw in reversed(client.lrange(name, 0, -1)):  # kombu pushes to the head
        message = json.loads(raw)
        args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        sent.append({**message["headers"], "args": args, "kwargs": kwargs})
    return sent


def test_one_message_per_instansi_in_its_schema_spread_over_the_period(queue):
    name, client = queue
    before = datetime.now(UTC)
    result = fan_out(
        registry_reminders,
        schemas=[*SCHEMAS, "humas"],  # listed twice, sent once
        spread_seconds=40,
        options={"queue": name},
    )
    assert len(result.results) == 4
    sent = _messages(client, name)
    assert [m["task"] for m in sent] == ["tenants.registry.tasks.registry_reminders"] * 4
    assert [m["args"] for m in sent] == [[s] for s in SCHEMAS]
    # tenant-schemas-celery runs each one in the schema it names
    assert [m["_schema_name"] for m in sent] == SCHEMAS
    # 40 s spread over 4 messages: the first starts at once, the others 10 s apart
    assert sent[0]["eta"] is None
    etas = [datetime.fromisoformat(m["eta"]) for m in sent[1:]]
    waits = [(eta - before).total_seconds() for eta in etas]
    assert all(10 * i <= wait <= 10 * i + 5 for i, wait in enumerate(waits, 1)), waits


def test_chunks_share_a_message(queue):
    name, client = queue
    result = fan_out(
        page_cache_reconcile, schemas=SCHEMAS + ["bappeda"], chunk=2, options={"queue": name}
    )
    assert len(result.results) == 3
    sent = _messages(client, name)
    assert {m["task"] for m in sent} == {"core.tasks.run_for_schemas"}
    assert [m["args"][1] for m in sent] == [
        ["humas", "dinkes"],
        ["disdik", "diskominfo"],
        ["bappeda"],
    ]
    assert {m["args"][0] for m in sent} == {"cms.tasks.page_cache_reconcile"}


def test_no_instansi_sends_nothing(queue):
    name, client = queue
    assert fan_out(registry_reminders, schemas=[], options={"queue": name}).results == []
    assert client.llen(name) == 0


def test_a_failing_instansi_in_a_chunk_does_not_stop_the_others():
    outcomes = run_for_schemas.apply(
        args=("tenants.registry.tasks.registry_reminders", ["humas", "tidak-ada", "dinkes"])
    ).get()
    assert outcomes == {"humas": "ok", "tidak-ada": "gagal", "dinkes": "ok"}


@pytest.mark.worker
def test_a_real_worker_runs_each_instansi_and_a_failing_one_stops_no_other(celery_worker):
    result = fan_out(
        page_cache_reconcile, schemas=["humas", "tidak_ada", "dinkes"], spread_seconds=2
    )
    values = result.join(timeout=60, propagate=False)
    assert values[0] is False and values[2] is False  # nothing stale to drop, but it ran
    assert isinstance(values[1], Exception)  # no such instansi: that message alone fails
    assert [r.state for r in result.results] == ["SUCCESS", "FAILURE", "SUCCESS"]


@pytest.mark.worker
def test_the_periodic_task_fans_out_through_the_worker(celery_worker):
    assert page_cache_reconcile_all.apply_async().get(timeout=60) >= 1
