"""Registry reminders: the problems Diskominfo sees (no active SK, expired appointment, a month
without audience figures), flagged and resolved per instansi."""

import datetime as dt

from django.utils import timezone

from core.actions import action

from ...models import Instansi, RegistryReminder
from ..selectors import (
    accounts_missing_audience,
    accounts_without_active_decree,
    appointments_expired,
    last_month,
)
from ._common import _today


@action("registry.reminders.refresh", "Pengingat registri diperbarui")
def reminders_refresh(*, instansi: Instansi, today: dt.date | None = None) -> dict[str, int]:
    """Flag the registry's problems to `instansi` (public rows Diskominfo reads); idempotent.

    Runs in `instansi`'s schema. Opens a reminder per problem not yet flagged, touches those
    still open, resolves those fixed. Returns the open count per kind.
    """
    today = today or _today()
    now = timezone.now()
    month = last_month(today)
    Kind = RegistryReminder.Kind
    found: dict[str, dict[str, str]] = {kind: {} for kind in Kind.values}
    for account in accounts_without_active_decree():
        found[Kind.ACCOUNT_WITHOUT_DECREE][f"akun:{account.pk}"] = (
            f"Akun {account} masih aktif, tetapi SK {account.decree.number} "
            f"sudah {account.decree.get_status_display().lower()}."
        )
    for appointment in appointments_expired(today=today):
        found[Kind.APPOINTMENT_EXPIRED][f"penunjukan:{appointment.pk}"] = (
            f"Penunjukan {appointment} berakhir {appointment.end_date:%d-%m-%Y} "
            "tetapi belum ditutup atau diperpanjang."
        )
    for account in accounts_missing_audience(month=month).select_related(None):
        found[Kind.AUDIENCE_MISSING][f"akun:{account.pk}:{month:%Y-%m}"] = (
            f"Jumlah pengikut {account} untuk {month:%m/%Y} belum dicatat."
        )
    open_rows = {
        (r.kind, r.object_key): r
        for r in RegistryReminder.objects.select_for_update().filter(
            instansi=instansi, resolved_at__isnull=True
        )
    }
    for kind, problems in found.items():
        for key, message in problems.items():
            row = open_rows.pop((kind, key), None)
            if row is None:
                RegistryReminder.objects.create(
                    instansi=instansi,
                    kind=kind,
                    object_key=key,
                    message=message[:500],
                    first_seen_at=now,
                    last_seen_at=now,
                )
            else:
                row.message = message[:500]
                row.last_seen_at = now
                row.save(update_fields=["message", "last_seen_at"])
    for row in open_rows.values():
        row.resolved_at = now
        row.save(update_fields=["resolved_at"])
    return {kind: len(problems) for kind, problems in found.items()}
