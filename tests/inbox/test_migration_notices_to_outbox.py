"""Migration inbox 0007: notices made before the outbox and never sent get their outbox message,
once, with the recipients, subject and body the inbox gives a notice; the kernel's sweeper then
delivers each once."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone

from core.models import OutboxMessage
from core.tasks import sweep_outbox
from inbox import services
from inbox.models import Notification

pytestmark = pytest.mark.django_db

migration = importlib.import_module("inbox.migrations.0007_notices_to_outbox")


def _inquiry(instansi, body: str):
    return services.inquiry_create(
        actor=None, instansi=instansi["humas"], kind="pertanyaan", channel="situs", body=body
    )


def _forget_messages(notices) -> None:
    """As before the outbox existed: the notices, and no outbox message for them."""
    keys = [services.notice_outbox_key(n) for n in notices]
    OutboxMessage.objects.filter(key__in=keys).delete()


def test_unsent_notices_get_one_message_each_and_none_twice(instansi):
    inquiry = _inquiry(instansi, "Di mana jadwal posyandu bulan ini?")
    services.inquiry_refer(
        actor=None, instansi=instansi["humas"], inquiry_id=inquiry.pk, to_instansi="dinkes"
    )
    unsent = list(Notification.objects.filter(inquiry=inquiry).order_by("pk"))
    assert [(n.kind, n.instansi.schema_name) for n in unsent] == [
        ("pesan_baru", "humas"),
        ("rujukan_baru", "dinkes"),
    ]
    # What the inbox gives a notice's mail today: the migration must give the same.
    today = {
        m.key: (m.recipients, m.subject, m.body)
        for m in OutboxMessage.objects.filter(
            key__in=[services.notice_outbox_key(n) for n in unsent]
        )
    }
    sent_before = Notification.objects.get(inquiry=_inquiry(instansi, "Kapan pasar murah?"))
    _forget_messages([*unsent, sent_before])
    Notification.objects.filter(pk=sent_before.pk).update(sent_at=timezone.now(), attempts=1)

    assert migration.notices_to_outbox(apps, None) == 2
    assert migration.notices_to_outbox(apps, None) == 0  # run again: nothing added
    for notice in unsent:
        key = services.notice_outbox_key(notice)
        (message,) = OutboxMessage.objects.filter(key=key)  # exactly one per notice
        assert (message.recipients, message.subject, message.body) == today[key]
        assert message.kind == "inbox" and message.schema_name == notice.instansi.schema_name
        assert message.created_at == notice.created_at and message.sent_at is None
    assert [today[services.notice_outbox_key(n)][0] for n in unsent] == [
        "admin@humas.localhost",
        "admin@dinkes.localhost",
    ]
    # A notice the old path had sent is not sent again.
    assert not OutboxMessage.objects.filter(key=services.notice_outbox_key(sent_before)).exists()

    # The kernel's one sweeper delivers each once, and the notices show it.
    mail.outbox.clear()
    sweep_outbox.run(older_than_seconds=0)
    sweep_outbox.run(older_than_seconds=0)
    subjects = {n.subject for n in unsent}
    assert sorted(m.to[0] for m in mail.outbox if m.subject in subjects) == [
        "admin@dinkes.localhost",
        "admin@humas.localhost",
    ]
    for notice in unsent:
        notice.refresh_from_db()
        assert notice.sent_at is not None and notice.attempts == 1
    assert migration.notices_to_outbox(apps, None) == 0  # sent: never enqueued again
