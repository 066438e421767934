"""The inbox's periodic work and its mail: notices go only through the kernel's outbox, and the
API's stored Idempotency-Key answers are forgotten by their own periodic task."""

from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings
from django.utils import timezone

from core.models import OutboxMessage
from core.tasks import deliver_outbox_message
from inbox import services
from inbox.models import IdempotencyRecord, Notification
from inbox.tasks import delete_expired_idempotency_keys
from tenants.models import Instansi

pytestmark = pytest.mark.django_db


def _record(instansi: Instansi, key: str, age: timedelta) -> IdempotencyRecord:
    return IdempotencyRecord.objects.create(
        instansi=instansi,
        key=key,
        method="POST",
        path="/api/v1/inquiries/",
        body_hash="0" * 64,
        response_status=201,
        response_body={"id": 1},
        created_at=timezone.now() - age,
    )


def test_expired_idempotency_keys_are_forgotten_and_recent_ones_kept():
    humas = Instansi.objects.get(schema_name="humas")
    keep = services.IDEMPOTENCY_KEEP_DAYS
    _record(humas, "lama", timedelta(days=keep, minutes=1))
    _record(humas, "lama-sekali", timedelta(days=90))
    _record(humas, "baru", timedelta(days=keep) - timedelta(minutes=1))
    assert delete_expired_idempotency_keys.run() == 2
    assert set(IdempotencyRecord.objects.values_list("key", flat=True)) >= {"baru"}
    assert not IdempotencyRecord.objects.filter(key__startswith="lama").exists()
    assert delete_expired_idempotency_keys.run() == 0  # nothing left to forget


def test_beat_runs_the_clean_up_and_mail_has_one_sender_and_one_sweeper():
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "inbox.tasks.delete_expired_idempotency_keys" in beat
    assert "core.tasks.sweep_outbox" in beat  # the one sweeper of every app's mail
    mail_tasks = {name for name in current_app.tasks if "notification" in name or "outbox" in name}
    assert mail_tasks == {"core.tasks.deliver_outbox_message", "core.tasks.sweep_outbox"}


def test_a_notice_is_queued_for_the_kernels_delivery_task(monkeypatch, instansi):
    queued = []
    monkeypatch.setattr(
        "core.outbox.send_on_commit", lambda task, *args: queued.append((task, args))
    )
    inquiry = services.inquiry_create(
        actor=None,
        instansi=instansi["humas"],
        kind="pertanyaan",
        channel="situs",
        body="Kapan pendaftaran beasiswa dibuka?",
    )
    notice = Notification.objects.get(inquiry=inquiry)
    message = OutboxMessage.objects.get(key=services.notice_outbox_key(notice))
    assert queued == [(deliver_outbox_message, (message.pk,))]
    assert (message.subject, message.body) == (notice.subject, notice.message)

    # Delivered by the kernel's task, the notice shows it (the outbox's hook), once.
    assert deliver_outbox_message.run(message.pk) is True
    assert deliver_outbox_message.run(message.pk) is False
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.attempts == 1
    assert notice.recipients == "admin@humas.localhost"
