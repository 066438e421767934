"""The referral clock: reminders at 75 % of the window, overdue notices and escalation at 100 %."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tenants.models import Instansi
from tenants.services import instansi_url

from ..models import (
    Referral,
)
from ._common import (
    A,
    N,
    _admin_link,
    _event,
    _notify,
    referral_sla,
    super_instansi,
)


def referral_clock_candidates(*, now: datetime):
    """(id, requested_at, due_at) of every pending referral whose reminder point can have
    passed and that has no overdue notice yet, by deadline.

    Only what decides the action is read, so PostgreSQL answers the range from the partial
    index `inbox_referral_clock` alone (an index-only scan); whole rows are loaded just for
    the referrals that get a notice.
    """
    return (
        Referral.objects.filter(
            status=Referral.Status.PENDING, due_at__lte=now + referral_sla() * 0.25
        )
        .exclude(notifications__kind=N.OVERDUE)
        .order_by("due_at")
        .values_list("pk", "requested_at", "due_at")
    )


def referral_clock_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Remind at 75 % of each pending referral's window, notify and escalate at 100 %.

    Safe to run as often as wanted and concurrently: each notice has a unique key, so it is
    made (and its timeline event written) exactly once.
    """
    now = now or timezone.now()
    counts = {"reminders": 0, "overdue": 0}
    due_now = []
    for pk, requested_at, due_at in referral_clock_candidates(now=now):
        if now >= due_at:
            due_now.append((pk, "overdue"))
        elif now >= requested_at + (due_at - requested_at) * 0.75:
            due_now.append((pk, "reminders"))
    if not due_now:
        return counts
    referrals = Referral.objects.select_related("inquiry", "from_instansi", "to_instansi").in_bulk(
        [pk for pk, _ in due_now]
    )
    diskominfo = super_instansi()
    for pk, action in due_now:
        referral = referrals.get(pk)
        if referral is None:  # deleted meanwhile
            continue
        if action == "overdue":
            made = _referral_overdue(referral, now=now, diskominfo=diskominfo)
        else:
            made = _referral_remind(referral, now=now)
        counts[action] += int(bool(made))
    return counts


@transaction.atomic
def _referral_remind(referral: Referral, *, now: datetime) -> bool:
    inquiry = referral.inquiry
    due_local = timezone.localtime(referral.due_at)
    made = _notify(
        key=f"rujukan:{referral.pk}:pengingat",
        kind=N.REMINDER,
        instansi=referral.to_instansi,
        inquiry=inquiry,
        referral=referral,
        subject=f"Pengingat: rujukan {inquiry.tracking_code} jatuh tempo {due_local:%d-%m %H:%M}",
        message=(
            f"Rujukan dari {referral.from_instansi.name} belum dijawab. Tenggat "
            f"{due_local:%d-%m-%Y %H:%M}.\n\n{inquiry.body[:500]}\n\n"
            f"Jawab di {_admin_link(referral.to_instansi, inquiry)}"
        ),
    )
    if made is None:
        return False
    _event(
        inquiry=inquiry,
        instansi=referral.to_instansi,
        action=A.REMINDER,
        actor=None,
        referral=referral,
        text=f"Pengingat dikirim ke {referral.to_instansi.name}.",
        at=now,
    )
    return True


@transaction.atomic
def _referral_overdue(referral: Referral, *, now: datetime, diskominfo: Instansi | None) -> bool:
    inquiry = referral.inquiry
    made = _notify(
        key=f"rujukan:{referral.pk}:terlambat",
        kind=N.OVERDUE,
        instansi=referral.to_instansi,
        inquiry=inquiry,
        referral=referral,
        subject=f"Terlambat: rujukan {inquiry.tracking_code} melewati tenggat",
        message=(
            f"Rujukan dari {referral.from_instansi.name} melewati tenggat "
            f"{settings.SIMPUL_REFERRAL_SLA_HOURS} jam dan dilaporkan ke Diskominfo.\n\n"
            f"Jawab segera di {_admin_link(referral.to_instansi, inquiry)}"
        ),
    )
    if made is None:
        return False
    if diskominfo is not None:
        _notify(
            key=f"rujukan:{referral.pk}:eskalasi",
            kind=N.ESCALATION,
            instansi=diskominfo,
            inquiry=inquiry,
            referral=referral,
            subject=(
                f"Eskalasi: {referral.to_instansi.display_name} belum menjawab rujukan "
                f"{referral.from_instansi.display_name}"
            ),
            message=(
                f"Rujukan #{referral.pk} dari {referral.from_instansi.name} kepada "
                f"{referral.to_instansi.name} melewati tenggat "
                f"{timezone.localtime(referral.due_at):%d-%m-%Y %H:%M}.\n"
                f"Pantau di {instansi_url(diskominfo, '/admin/kotak-masuk/terlambat/')}"
            ),
        )
    _event(
        inquiry=inquiry,
        instansi=referral.to_instansi,
        action=A.OVERDUE,
        actor=None,
        referral=referral,
        text=f"{referral.to_instansi.name} melewati tenggat; dilaporkan ke Diskominfo.",
        at=now,
    )
    return True


def referral_filter_overdue(now: datetime | None = None) -> Q:
    return Q(status=Referral.Status.PENDING, due_at__lte=now or timezone.now())
