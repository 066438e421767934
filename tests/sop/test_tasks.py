"""Beat and outbox: the sweep runs per instansi, e-mails left unsent are sent once by the sweeper."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from sop import services
from sop.models import Notification
from sop.tasks import send_notification_email, sweep_deadlines

from .test_services_flow import new_assignment


def test_sweeper_sends_what_the_broker_missed_once(sintang, people, clock):
    new_assignment(people)
    clock.advance(minutes=61)  # step 1 (60 min) ran over: the Kasubbag who assigned is told
    assert sweep_deadlines()["humas"] == 1
    notice = Notification.objects.get(level=100)
    assert (notice.recipient, notice.level) == (people["kasubbag"], 100)
    assert notice.email_sent_at is None  # the queued send never ran (no broker in this test)
    clock.advance(minutes=5)
    # The deadline mail and the assignee's "your turn" mail of the penugasan, both left unsent.
    assert services.notification_resend_unsent() == 2
    assert services.notification_resend_unsent() == 0
    assert send_notification_email.run(notice.pk) is False  # a late task does not send twice
    ours = [m for m in mail.outbox if "batas waktu" in m.subject]
    assert [m.to for m in ours] == [[people["kasubbag"].email]]
    notice.refresh_from_db()
    assert notice.email_sent_at == timezone.now() - timedelta(0)


def test_sweep_skips_steps_within_their_time(sintang, people, clock):
    new_assignment(people)
    clock.advance(minutes=47)  # 78 % of 60 minutes
    assert sweep_deadlines()["humas"] == 0
    clock.advance(minutes=1)  # 80 %
    assert sweep_deadlines()["humas"] == 1
    assert Notification.objects.exclude(level=0).get().level == 80
