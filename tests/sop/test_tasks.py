"""Beat and outbox: the sweep fans out one task per instansi, and one failing instansi stops no
other; e-mails left unsent are sent once by the kernel's one sweeper."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
from celery import current_app
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

import core.fanout
from core.outbox import outbox_message_id
from core.tasks import deliver_outbox_message, sweep_outbox
from sop.models import Notification, SopStep
from sop.tasks import DEADLINES_SPREAD_SECONDS, sweep_deadlines, sweep_deadlines_instansi
from tenants.models import Instansi

from .factories import active_sintang_sop, sintang_people
from .test_services_flow import new_assignment


def test_sweeper_sends_what_the_broker_missed_once(sintang, people, clock):
    new_assignment(people)
    clock.advance(minutes=61)  # step 1 (60 min) ran over: the Kasubbag who assigned is told
    assert sweep_deadlines_instansi.run("humas") == 1  # what the fan-out runs for humas
    notice = Notification.objects.get(level=100)
    assert (notice.recipient, notice.level) == (people["kasubbag"], 100)
    assert notice.email_sent_at is None  # the queued send never ran (no broker in this test)
    clock.advance(minutes=5)
    # The deadline mail and the assignee's "your turn" mail of the penugasan, both left
    # unsent, are delivered by the kernel's one sweeper, once.
    assert sweep_outbox.run(older_than_seconds=120) == 2
    assert sweep_outbox.run(older_than_seconds=120) == 0
    late_task = deliver_outbox_message.run(outbox_message_id(notice.outbox_key))
    assert late_task is False  # a late delivery task does not send twice
    ours = [m for m in mail.outbox if "batas waktu" in m.subject]
    assert [m.to for m in ours] == [[people["kasubbag"].email]]
    notice.refresh_from_db()
    assert notice.email_sent_at == timezone.now() - timedelta(0)


def test_sweep_skips_steps_within_their_time(sintang, people, clock):
    new_assignment(people)
    clock.advance(minutes=47)  # 78 % of 60 minutes
    assert sweep_deadlines_instansi.run("humas") == 0
    clock.advance(minutes=1)  # 80 %
    assert sweep_deadlines_instansi.run("humas") == 1
    assert sweep_deadlines_instansi.run("humas") == 0  # a message run twice makes nothing new
    assert Notification.objects.exclude(level=0).get().level == 80


@pytest.fixture
def queue(monkeypatch):
    """The fan-out's messages go to a queue no worker listens to; the test reads them from
    Redis and runs each one as a worker would."""
    name = f"uji-sop-{uuid.uuid4().hex[:8]}"
    real_fan_out = core.fanout.fan_out

    def fan_out_to_queue(task, **kwargs):
        return real_fan_out(task, **kwargs, options={"queue": name})

    monkeypatch.setattr(core.fanout, "fan_out", fan_out_to_queue)
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    yield lambda: _messages(client, name)
    client.delete(name)


def _messages(client, name: str) -> list[dict]:
    sent = []
    for raw in reversed(client.lrange(name, 0, -1)):  # kombu pushes to the head
        message = json.loads(raw)
        args, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        sent.append({**message["headers"], "args": args, "kwargs": kwargs})
    return sent


def test_beat_sends_one_message_per_instansi_in_its_schema(queue, db):
    before = datetime.now(UTC)
    served = sorted(Instansi.objects.served().values_list("schema_name", flat=True))
    assert sweep_deadlines() == len(served)
    sent = queue()
    assert [m["task"] for m in sent] == ["sop.tasks.sweep_deadlines_instansi"] * len(served)
    assert [m["args"] for m in sent] == [[s] for s in served]
    assert [m["_schema_name"] for m in sent] == served  # each runs in its own schema
    # spread over half of the beat period, the first at once
    assert sent[0]["eta"] is None
    last = (datetime.fromisoformat(sent[-1]["eta"]) - before).total_seconds()
    assert 0 < last <= DEADLINES_SPREAD_SECONDS + 5


def test_one_failing_instansi_does_not_stop_the_others(queue, instansi, clock):
    # dinkes: a step whose standard time was set to 0 outside the forms breaks its sweep.
    connection.set_tenant(instansi["dinkes"])
    people = sintang_people()
    active_sintang_sop()
    new_assignment(people, event="Rapat kerja kesehatan")
    SopStep.objects.update(standard_minutes=0)
    connection.set_tenant(instansi["humas"])
    people = sintang_people()
    active_sintang_sop()
    new_assignment(people)
    clock.advance(minutes=61)

    assert sweep_deadlines() >= 2
    outcomes = {}
    for message in queue():  # in schema order: dinkes runs (and fails) before humas
        result = current_app.tasks[message["task"]].apply(args=message["args"])
        outcomes[message["args"][0]] = (result.state, result.result)
    state, error = outcomes["dinkes"]
    assert state == "FAILURE" and isinstance(error, ZeroDivisionError)
    assert outcomes["humas"] == ("SUCCESS", 1)
    assert {s for s, (state, _) in outcomes.items() if state != "SUCCESS"} == {"dinkes"}
    connection.set_tenant(instansi["humas"])
    assert Notification.objects.filter(level=100, recipient=people["kasubbag"]).count() == 1
