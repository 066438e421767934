"""The pejabat's recommendations on the year's feedback (Pasal 9h-i)."""

from datetime import date
from typing import Any

from django.utils import timezone

from core.actions import action
from core.actors import actor_name
from core.audit import record_change
from core.errors import SimpulError
from tenants.models import Instansi

from ..models import (
    TEXT_MAX_LENGTH,
    FeedbackRecommendation,
)
from ..permissions import RECOMMEND
from ._common import (
    _clean_text,
    _full_clean,
)


@action("feedback.recommendation", "Rekomendasi tindak lanjut disimpan", permission=RECOMMEND)
def feedback_recommendation_save(
    *,
    actor: Any,
    instansi: Instansi,
    period_start: date,
    period_end: date,
    recommendations: str,
    findings: str = "",
    follow_up: str = "",
) -> FeedbackRecommendation:
    """Pasal 9i: the pejabat records recommendations for policy follow-up for one period."""
    if not period_start or not period_end or period_end <= period_start:
        raise SimpulError("Akhir periode harus sesudah awal periode.", field="period_end")
    values = {
        "findings": _clean_text(
            findings, field="findings", label="Temuan", max_length=TEXT_MAX_LENGTH, required=False
        ),
        "recommendations": _clean_text(
            recommendations,
            field="recommendations",
            label="Rekomendasi",
            max_length=TEXT_MAX_LENGTH,
            required=True,
        ),
        "follow_up": _clean_text(
            follow_up,
            field="follow_up",
            label="Rencana tindak lanjut",
            max_length=TEXT_MAX_LENGTH,
            required=False,
        ),
        "recorded_by_name": actor_name(actor),
        "recorded_at": timezone.now(),
    }
    record = (
        FeedbackRecommendation.objects.select_for_update()
        .filter(instansi=instansi, period_start=period_start, period_end=period_end)
        .first()
    )
    kept = ("findings", "recommendations", "follow_up")
    before = {}
    if record is None:
        record = FeedbackRecommendation(
            instansi=instansi, period_start=period_start, period_end=period_end, **values
        )
    else:
        before = {k: getattr(record, k)[:200] for k in kept}
        for name, value in values.items():
            setattr(record, name, value)
    _full_clean(record)
    record.save()
    record_change(
        actor=actor,
        action="feedback.recommendation",
        obj=record,
        instansi=instansi,
        summary=f"Rekomendasi masukan {period_start:%d-%m-%Y}–{period_end:%d-%m-%Y}",
        before=before,
        after={k: getattr(record, k)[:200] for k in kept},
    )
    return record
