"""Inbox panels of the admin home: messages waiting for the instansi, referrals it must answer
within the 24-hour SLA, and (Diskominfo) every late referral of the regency."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from tenants.dashboard import WorkItem, WorkPanel, countdown, duration_label

from . import selectors
from .models import Inquiry, Referral

# Messages that still need the instansi: answer or refer, or reply once the other instansi
# answered. Referred ones wait on the other instansi and show its clock.
WAITING = (Inquiry.Status.RECEIVED, Inquiry.Status.REFERRED, Inquiry.Status.RELATED_ANSWERED)


def _sla() -> timedelta:
    return timedelta(hours=settings.SIMPUL_REFERRAL_SLA_HOURS)


def _summary(inquiry: Inquiry) -> str:
    return Truncator(" ".join(inquiry.body.split())).chars(90)


class InquiriesPanel(WorkPanel):
    name = "pesan-menunggu"
    title = "Pesan masyarakat yang menunggu"
    empty_text = "Tidak ada pesan yang menunggu jawaban."
    order = 10

    @classmethod
    def shown_to(cls, request) -> bool:
        return getattr(request, "tenant", None) is not None

    def more_url(self) -> str:
        return reverse("inbox_admin:received")

    def get_items(self) -> list[WorkItem]:
        now = timezone.now()
        inquiries = selectors.inquiry_list_received(instansi=self.request.tenant).filter(
            status__in=WAITING
        )[: self.limit + 1]
        items = []
        for inquiry in inquiries:
            details = [
                f"{inquiry.get_kind_display()} · {inquiry.get_channel_display()}",
                f"Diterima {duration_label(now - inquiry.created_at)} lalu",
            ]
            if inquiry.status == Inquiry.Status.RELATED_ANSWERED:
                badge, tone = "Jawaban instansi terkait masuk: balas ke masyarakat", "warning"
            elif inquiry.status == Inquiry.Status.REFERRED:
                referral = selectors.inquiry_clock_referral(inquiry)
                if referral is None:
                    badge, tone = inquiry.get_status_display(), "info"
                else:
                    sla = selectors.sla_badge(referral, now)
                    badge, tone = f"{referral.to_instansi.name}: {sla['label']}", sla["tone"]
            else:
                badge, tone = countdown(inquiry.created_at + _sla(), window=_sla(), now=now)
            items.append(
                WorkItem(
                    title=f"{inquiry.tracking_code} · {_summary(inquiry)}",
                    url=reverse("inbox_admin:detail", args=[inquiry.pk]),
                    details=details,
                    badge=badge,
                    tone=tone,
                )
            )
        return items


class ReferralsPanel(WorkPanel):
    name = "rujukan-menunggu"
    title = "Rujukan yang harus kami jawab"
    empty_text = "Tidak ada rujukan dari instansi lain yang menunggu jawaban."
    order = 11

    @classmethod
    def shown_to(cls, request) -> bool:
        return getattr(request, "tenant", None) is not None

    def more_url(self) -> str:
        return reverse("inbox_admin:referred")

    def get_items(self) -> list[WorkItem]:
        now = timezone.now()
        referrals = selectors.referral_list_received(
            instansi=self.request.tenant, status=Referral.Status.PENDING
        )[: self.limit + 1]
        items = []
        for referral in referrals:
            sla = selectors.sla_badge(referral, now)
            items.append(
                WorkItem(
                    title=f"{referral.inquiry.tracking_code} · {_summary(referral.inquiry)}",
                    url=reverse("inbox_admin:detail", args=[referral.inquiry_id]),
                    details=[
                        f"Dari {referral.from_instansi.name}",
                        f"Tenggat {timezone.localtime(referral.due_at):%d-%m-%Y %H.%M}",
                    ],
                    badge=sla["label"],
                    tone=sla["tone"],
                )
            )
        return items


class LateReferralsPanel(WorkPanel):
    """Diskominfo's view: every pending referral past its 24 hours, whichever instansi owes it."""

    name = "rujukan-terlambat"
    title = "Rujukan terlambat semua instansi"
    empty_text = "Tidak ada rujukan yang melewati tenggat."
    order = 5

    @classmethod
    def shown_to(cls, request) -> bool:
        return bool(getattr(getattr(request, "tenant", None), "is_super", False))

    def more_url(self) -> str:
        return reverse("inbox_admin:overdue")

    def get_items(self) -> list[WorkItem]:
        now = timezone.now()
        referrals = selectors.referral_list_overdue_all(now=now)[: self.limit + 1]
        return [
            WorkItem(
                title=f"{referral.to_instansi.name} · {referral.inquiry.tracking_code}",
                url=reverse("inbox_admin:overdue"),
                details=[
                    f"Dirujuk oleh {referral.from_instansi.name}",
                    f"Tenggat {timezone.localtime(referral.due_at):%d-%m-%Y %H.%M}",
                ],
                badge=f"Terlambat {duration_label(now - referral.due_at)}",
                tone="critical",
            )
            for referral in referrals
        ]
