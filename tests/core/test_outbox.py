"""The one outbox: a message committed with its change, delivered once, retried until it is."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import OutboxMessage
from core.outbox import outbox_deliver, outbox_enqueue, outbox_message_id, outbox_sweep
from core.tasks import sweep_outbox
from evaluation import services, tasks
from tenants.models import Instansi
from tests.evaluation.factories import admin_user

YEAR = 2026
REFUSING = "tests.core.backends.RefusingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
pytestmark = pytest.mark.django_db


def _reminders_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to and "Pengingat: laporan" in m.subject]


def test_a_reminder_whose_mail_failed_arrives_once_when_the_server_is_back(instansi, settings):
    with schema_context("diskominfo"):  # the console's site, where evaluators act
        services.period_set(
            actor=admin_user("diskominfo"),
            year=YEAR,
            deadline=dt.date(YEAR + 1, 1, 31),
            reminder_days="7",
        )
    today = dt.date(YEAR + 1, 1, 24).isoformat()
    settings.EMAIL_BACKEND = REFUSING
    sent = tasks.send_deadline_reminders(today)
    assert sent == Instansi.objects.active().count()
    assert _reminders_to("admin@humas.localhost") == []
    pending = OutboxMessage.objects.filter(kind="evaluation.pengingat", sent_at=None)
    assert pending.count() == sent  # recorded with the reminder, not dropped
    assert all("SMTPServerDisconnected" in m.last_error for m in pending)

    settings.EMAIL_BACKEND = LOCMEM
    sweep_outbox.run(older_than_seconds=0)  # the one periodic sweeper of every app's mail
    assert not pending.all().exists()  # a fresh query (`pending` holds its first result)
    assert len(_reminders_to("admin@humas.localhost")) == 1
    # Neither a second sweep nor a second run of the daily task sends it again.
    sweep_outbox.run(older_than_seconds=0)
    assert tasks.send_deadline_reminders(today) == 0
    assert len(_reminders_to("admin@humas.localhost")) == 1


def test_one_message_per_key_and_one_delivery(db):
    first = outbox_enqueue(
        key="uji:satu", kind="uji", recipients=["a@contoh.id"], subject="Halo", body="Isi"
    )
    again = outbox_enqueue(
        key="uji:satu", kind="uji", recipients=["a@contoh.id"], subject="Halo", body="Isi"
    )
    assert first is not None and again is None
    assert outbox_deliver(message_id=first.pk) is True
    assert outbox_deliver(message_id=first.pk) is False
    assert outbox_sweep(older_than_seconds=0, kind="uji") == 0
    assert [m.subject for m in mail.outbox if m.subject == "Halo"] == ["Halo"]


def test_a_message_claimed_by_a_worker_is_not_sent_by_another(db):
    message = outbox_enqueue(
        key="uji:klaim", kind="uji", recipients=["a@contoh.id"], subject="Klaim", body="Isi"
    )
    # Another worker is sending it right now (its lease runs): no second send, no waiting.
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_until=timezone.now() + dt.timedelta(minutes=5)
    )
    assert outbox_deliver(message_id=message.pk) is False
    # The lease ran out (that worker died): the sweeper takes the message over.
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert outbox_sweep(older_than_seconds=0, kind="uji") == 1
    assert [m.subject for m in mail.outbox if m.subject == "Klaim"] == ["Klaim"]


def test_no_mail_is_sent_inside_a_transaction_or_under_a_row_lock(instansi, settings):
    """A hung mail server (up to EMAIL_TIMEOUT) must not hold a notice's row lock."""
    from django.db import connection

    from inbox import services as inbox
    from inbox.models import Notification
    from tests.core.backends import LockSpyBackend

    inquiry = inbox.inquiry_create(
        actor=None,
        instansi=instansi["humas"],
        kind="pertanyaan",
        channel="situs",
        body="Apakah kantor buka pada hari Sabtu?",
    )
    notice = Notification.objects.get(inquiry=inquiry)
    settings.EMAIL_BACKEND = "tests.core.backends.LockSpyBackend"
    LockSpyBackend.depths = []
    outside = len(connection.atomic_blocks)  # the test's own transaction only
    message_id = outbox_message_id(inbox.notice_outbox_key(notice))
    assert outbox_deliver(message_id=message_id) is True
    assert LockSpyBackend.depths == [outside]
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.attempts == 1
