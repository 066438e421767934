"""Reporting periods: the year's deadline Diskominfo sets."""

import datetime

from core.actions import action
from core.audit import record_change
from core.errors import SimpulError

from ..models import (
    ReportingPeriod,
)
from ..roles import EVALUATE
from ._common import (
    _check_year,
)


@action("evaluation.period_set", "Periode pelaporan ditetapkan", permission=EVALUATE)
def period_set(
    *,
    actor,
    year: int,
    deadline: datetime.date,
    reminder_days: str = "14,7,1",
    signer_name: str = "",
    signer_title: str = "",
    signer_nip: str = "",
) -> ReportingPeriod:
    year = _check_year(year)
    if not isinstance(deadline, datetime.date):
        raise SimpulError("Batas waktu harus berupa tanggal.", field="deadline")
    if deadline.year < year:
        raise SimpulError("Batas waktu tidak boleh sebelum tahun laporan.", field="deadline")
    parts = [p.strip() for p in (reminder_days or "").split(",") if p.strip()]
    if any(not p.isdigit() or int(p) > 365 for p in parts):
        raise SimpulError(
            "Pengingat harus berupa angka hari (0–365) dipisah koma, mis. 14,7,1.",
            field="reminder_days",
        )
    period = ReportingPeriod.objects.filter(year=year).first() or ReportingPeriod(year=year)
    period.deadline = deadline
    period.reminder_days = ",".join(parts)
    period.signer_name = signer_name.strip()
    period.signer_title = signer_title.strip() or period.signer_title or "Kepala Dinas"
    period.signer_nip = signer_nip.strip()
    period.full_clean()
    period.save()
    record_change(
        actor=actor,
        action="evaluation.period_set",
        obj=period,
        summary=f"Batas waktu laporan {year}: {deadline:%d-%m-%Y}",
        after={"deadline": deadline.isoformat(), "reminder_days": period.reminder_days},
    )
    return period
