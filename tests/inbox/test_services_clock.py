"""The referral clock with a controlled time: reminder at 18 h, overdue at 24 h, each once."""

from datetime import timedelta

import pytest
from django.core import mail

from core.outbox import outbox_message_id
from core.tasks import deliver_outbox_message, sweep_outbox
from inbox import selectors, services
from inbox.models import InquiryEvent, Notification
from tenants.models import Instansi

pytestmark = pytest.mark.django_db


def _referral():
    humas = Instansi.objects.get(schema_name="humas")
    inquiry = services.inquiry_create(
        actor=None,
        instansi=humas,
        kind="pertanyaan",
        channel="telepon",
        body="Obat gratis di mana?",
    )
    referral = services.inquiry_refer(
        actor=None,
        instansi=humas,
        inquiry_id=inquiry.pk,
        to_instansi="dinkes",
        note="Mohon dijawab",
    )
    sweep_outbox.run(older_than_seconds=0)  # the new-referral notices
    mail.outbox.clear()
    return referral


def _kinds(referral):
    return sorted(
        Notification.objects.filter(referral=referral)
        .exclude(kind="rujukan_baru")
        .values_list("kind", flat=True)
    )


def test_due_is_requested_plus_sla_setting(settings):
    settings.SIMPUL_REFERRAL_SLA_HOURS = 24
    referral = _referral()
    assert referral.due_at - referral.requested_at == timedelta(hours=24)
    settings.SIMPUL_REFERRAL_SLA_HOURS = 12
    humas = Instansi.objects.get(schema_name="humas")
    other = services.inquiry_refer(
        actor=None, instansi=humas, inquiry_id=referral.inquiry_id, to_instansi="disdik"
    )
    assert other.due_at - other.requested_at == timedelta(hours=12)


def test_reminder_at_18h_and_overdue_at_24h_each_sent_exactly_once():
    referral = _referral()
    t0 = referral.requested_at

    assert services.referral_clock_tick(now=t0 + timedelta(hours=17, minutes=59)) == {
        "reminders": 0,
        "overdue": 0,
    }
    assert _kinds(referral) == []

    assert services.referral_clock_tick(now=t0 + timedelta(hours=18))["reminders"] == 1
    for _ in range(3):  # later ticks, retries, a second beat: nothing new
        assert services.referral_clock_tick(now=t0 + timedelta(hours=20)) == {
            "reminders": 0,
            "overdue": 0,
        }
    assert _kinds(referral) == ["pengingat"]
    assert sweep_outbox.run(older_than_seconds=0) == 1  # the kernel's one sweeper
    assert sweep_outbox.run(older_than_seconds=0) == 0
    assert len(mail.outbox) == 1 and "Pengingat" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["admin@dinkes.localhost"]

    assert services.referral_clock_tick(now=t0 + timedelta(hours=23, minutes=59))["overdue"] == 0
    assert services.referral_clock_tick(now=t0 + timedelta(hours=24))["overdue"] == 1
    assert services.referral_clock_tick(now=t0 + timedelta(hours=30)) == {
        "reminders": 0,
        "overdue": 0,
    }
    assert _kinds(referral) == ["eskalasi", "pengingat", "terlambat"]
    # delivering the same row twice (a retried task) sends it once
    overdue = Notification.objects.get(referral=referral, kind="terlambat")
    message_id = outbox_message_id(services.notice_outbox_key(overdue))
    assert deliver_outbox_message.run(message_id) is True
    assert deliver_outbox_message.run(message_id) is False
    sweep_outbox.run(older_than_seconds=0)
    subjects = [m.subject for m in mail.outbox]
    assert sum("Terlambat" in s for s in subjects) == 1
    assert sum("Eskalasi" in s for s in subjects) == 1
    escalation = next(m for m in mail.outbox if "Eskalasi" in m.subject)
    assert escalation.to == ["admin@diskominfo.localhost"]

    actions = list(InquiryEvent.objects.filter(referral=referral).values_list("action", flat=True))
    assert actions.count("pengingat") == 1 and actions.count("terlambat") == 1


def test_answered_referral_gets_no_reminder():
    referral = _referral()
    dinkes = Instansi.objects.get(schema_name="dinkes")
    services.referral_answer(actor=None, instansi=dinkes, referral_id=referral.pk, answer="Ada")
    t0 = referral.requested_at
    services.referral_clock_tick(now=t0 + timedelta(hours=30))
    assert _kinds(referral) == ["rujukan_dijawab"]


def test_inquiry_stats_response_times_and_sla_share():
    humas = Instansi.objects.get(schema_name="humas")
    dinkes = Instansi.objects.get(schema_name="dinkes")
    from inbox.models import Referral

    answered_hours = [2, 4, 30]
    made = []
    for hours in answered_hours:
        referral = _referral()
        made.append(referral.inquiry_id)
        services.referral_answer(
            actor=None, instansi=dinkes, referral_id=referral.pk, answer="Jawab"
        )
        Referral.objects.filter(pk=referral.pk).update(
            answered_at=referral.requested_at + timedelta(hours=hours)
        )
    late_open = _referral()
    made.append(late_open.inquiry_id)
    Referral.objects.filter(pk=late_open.pk).update(
        due_at=late_open.requested_at - timedelta(hours=1)
    )
    comment = services.inquiry_create(
        actor=None, instansi=dinkes, kind="komentar", channel="email", body="Komentar"
    )
    made.append(comment.pk)
    # Move everything made here six years back, away from data other tests committed.
    from django.utils import timezone

    from inbox.models import Inquiry

    shift = timedelta(days=6 * 365)
    mine = Inquiry.objects.filter(pk__in=made)
    for referral in Referral.objects.filter(inquiry__in=mine):
        Referral.objects.filter(pk=referral.pk).update(
            requested_at=referral.requested_at - shift,
            due_at=referral.due_at - shift,
            answered_at=referral.answered_at - shift if referral.answered_at else None,
        )
    for inquiry in mine:
        Inquiry.objects.filter(pk=inquiry.pk).update(created_at=inquiry.created_at - shift)
    start = timezone.now() - shift - timedelta(days=1)
    end = timezone.now() - shift + timedelta(days=1)
    stats = selectors.inquiry_stats(instansi=dinkes, start=start, end=end)
    assert stats["referrals_received"] == 4
    assert stats["referrals_answered"] == 3
    assert stats["overdue_open"] == 1
    assert stats["answered_within_sla_share"] == pytest.approx(2 / 4)
    assert stats["median_response_hours"] == pytest.approx(4)
    assert stats["p90_response_hours"] == pytest.approx(4 + (30 - 4) * 0.8)
    assert stats["received"] == 1 and stats["comments"] == 1
    assert stats["by_kind"] == {"pertanyaan": 0, "komentar": 1, "kritik": 0, "saran": 0}
    humas_stats = selectors.inquiry_stats(instansi=humas, start=start, end=end)
    assert humas_stats["referrals_sent"] == 4 and humas_stats["received"] == 4
    assert humas_stats["median_response_hours"] is None
    assert set(humas_stats) == {
        "received",
        "by_kind",
        "comments",
        "referrals_sent",
        "referrals_received",
        "referrals_answered",
        "answered_within_sla_share",
        "median_response_hours",
        "p90_response_hours",
        "overdue_open",
    }


def test_timeline_rows_cannot_be_rewritten():
    from django.core.exceptions import ValidationError
    from django.db import DatabaseError, transaction

    referral = _referral()
    event = InquiryEvent.objects.filter(inquiry_id=referral.inquiry_id).first()
    event.text = "diubah"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        InquiryEvent.objects.filter(pk=event.pk).update(text="diubah")
    event.refresh_from_db()
    assert event.text != "diubah"
