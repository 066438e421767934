"""The annual report's lifecycle on the instansi's side: start, figures, narrative, corrections, submission."""

import datetime

from django.utils import timezone

from core.actions import action
from core.actors import actor_name
from core.audit import record_change
from core.errors import Conflict, SimpulError
from tenants.models import Instansi

from .. import figures as fig
from ..models import (
    AnnualReport,
)
from ..roles import EDIT, EVALUATE, SUBMIT
from ..selectors import previous_recommendations, report_deadline
from ._common import (
    MIN_REASON,
    NARRATIVE_FIELDS,
    REQUIRED_NARRATIVE,
    _check_year,
    _compute,
    _event,
    _locked,
    _require_editable,
)


@action("report.create", "Laporan tahunan dimulai", permission=EDIT)
def report_start(*, instansi: Instansi, year, actor) -> AnnualReport:
    """The instansi's report for `year`, created as a draft with pre-filled numbers."""
    year = _check_year(year)
    if year > timezone.localdate().year:
        raise SimpulError("Laporan hanya dapat dibuat untuk tahun berjalan atau sebelumnya.")
    report = AnnualReport.objects.filter(instansi=instansi, year=year).first()
    if report is not None:
        return report
    report = AnnualReport(instansi=instansi, year=year)
    _compute(report)
    report.full_clean()
    report.save()
    _event(report, "", actor, "Laporan dibuat")
    record_change(
        actor=actor,
        action="report.create",
        obj=report,
        instansi=instansi,
        summary=f"Laporan tahunan {year} dibuat",
    )
    return report


@action("report.refresh_figures", "Angka laporan diperbarui", permission=EDIT)
def report_refresh_figures(*, report: AnnualReport, actor) -> AnnualReport:
    """Recompute the pre-filled numbers (only while the report is editable)."""
    report = _locked(report)
    _require_editable(report)
    _compute(report)
    report.updated_at = timezone.now()
    report.save(update_fields=["figures", "figures_computed_at", "updated_at"])
    return report


@action("report.update", "Laporan tahunan diubah", permission=EDIT)
def report_update(
    *, report: AnnualReport, actor, data: dict, followups: dict | None = None
) -> AnnualReport:
    """Save the narrative items (a)–(h) and the answers to last year's recommendations."""
    report = _locked(report)
    _require_editable(report)
    before = {f: getattr(report, f) for f in NARRATIVE_FIELDS}
    for field in NARRATIVE_FIELDS:
        if field in data:
            value = data[field]
            if value is not None and not isinstance(value, str):
                raise SimpulError("Isian harus berupa teks.", field=field)
            if value and len(value) > 20000:
                raise SimpulError("Isian paling panjang 20.000 karakter.", field=field)
            setattr(report, field, (value or "").strip())
    if followups is not None:
        valid = {
            str(r.pk) for r in previous_recommendations(instansi=report.instansi, year=report.year)
        }
        clean = {}
        for key, text in followups.items():
            if str(key) not in valid:
                raise SimpulError(
                    "Rekomendasi yang ditindaklanjuti tidak dikenal.", field="followups"
                )
            clean[str(key)] = (text or "").strip()
        report.followups = {**report.followups, **clean}
    report.updated_at = timezone.now()
    report.full_clean()
    report.save()
    after = {f: getattr(report, f) for f in NARRATIVE_FIELDS}
    changed_fields = [f for f in NARRATIVE_FIELDS if before[f] != after[f]]
    record_change(
        actor=actor,
        action="report.update",
        obj=report,
        instansi=report.instansi,
        summary="Isian laporan diubah: " + (", ".join(changed_fields) or "tindak lanjut"),
    )
    return report


@action("report.correct", "Angka laporan dikoreksi", permission=EDIT)
def report_correct_figure(
    *, report: AnnualReport, actor, key: str, value, reason: str
) -> AnnualReport:
    """State a different number than the computed one; a written reason is required.

    `value` None removes the correction (back to the computed number).
    """
    report = _locked(report)
    _require_editable(report)
    if key not in fig.REPORT_FIGURE_KEYS:
        raise SimpulError(f"Angka {key!r} tidak dikenal.", field="key")
    before = dict(report.corrections)
    if value in (None, ""):
        report.corrections.pop(key, None)
    else:
        try:
            number = int(str(value).strip())
        except ValueError as exc:
            raise SimpulError("Koreksi harus berupa bilangan bulat.", field="value") from exc
        if number < 0:
            raise SimpulError("Koreksi tidak boleh negatif.", field="value")
        reason = (reason or "").strip()
        if len(reason) < MIN_REASON:
            raise SimpulError(
                f"Tuliskan alasan koreksi (paling sedikit {MIN_REASON} karakter).", field="reason"
            )
        report.corrections[key] = {
            "value": number,
            "reason": reason[:2000],
            "computed": (report.figures.get(key) or {}).get("value"),
            "by": actor_name(actor),
            "at": timezone.now().isoformat(),
        }
    report.updated_at = timezone.now()
    report.save(update_fields=["corrections", "updated_at"])
    record_change(
        actor=actor,
        action="report.correct",
        obj=report,
        instansi=report.instansi,
        summary=f"Koreksi angka {fig.FIGURE_LABELS[key]}",
        before={key: before.get(key)},
        after={key: report.corrections.get(key)},
    )
    return report


def report_missing_items(report: AnnualReport) -> list[str]:
    missing = [label for f, label in REQUIRED_NARRATIVE.items() if not getattr(report, f).strip()]
    for rec in previous_recommendations(instansi=report.instansi, year=report.year):
        if not (report.followups.get(str(rec.pk)) or "").strip():
            missing.append(f"tindak lanjut rekomendasi {report.year - 1}: {rec.text[:60]}")
    return missing


@action("report.submit", "Laporan tahunan disampaikan", permission=SUBMIT)
def report_submit(
    *, report: AnnualReport, actor, today: datetime.date | None = None
) -> AnnualReport:
    """Submit to the Bupati through Diskominfo: numbers are recomputed once, then frozen."""
    report = _locked(report)
    if report.status in (
        AnnualReport.Status.SUBMITTED,
        AnnualReport.Status.UNDER_EVALUATION,
        AnnualReport.Status.EVALUATED,
    ):
        raise Conflict("Laporan ini sudah disampaikan.")
    missing = report_missing_items(report)
    if missing:
        raise SimpulError("Laporan belum lengkap: " + "; ".join(missing) + ".")
    today = today or timezone.localdate()
    deadline = report_deadline(report)
    if today > deadline:
        raise Conflict(
            f"Batas waktu penyampaian laporan {report.year} ({deadline:%d-%m-%Y}) telah lewat; "
            "mintalah perpanjangan kepada Diskominfo."
        )
    from_status = report.status
    _compute(report)
    report.status = AnnualReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by_name = actor_name(actor)
    report.updated_at = report.submitted_at
    report.save()
    _event(report, from_status, actor, "Laporan disampaikan; angka dibekukan")
    record_change(
        actor=actor,
        action="report.submit",
        obj=report,
        instansi=report.instansi,
        summary=f"Laporan tahunan {report.year} disampaikan",
        before={"status": from_status},
        after={"status": report.status},
    )
    return report


@action("report.extend", "Batas waktu laporan diperpanjang", permission=EVALUATE)
def report_extend_deadline(
    *, report: AnnualReport, actor, until: datetime.date, note: str = ""
) -> AnnualReport:
    report = _locked(report)
    if not isinstance(until, datetime.date):
        raise SimpulError("Tanggal perpanjangan tidak sah.", field="until")
    if until < timezone.localdate():
        raise SimpulError("Perpanjangan harus sampai hari ini atau sesudahnya.", field="until")
    report.extended_until = until
    report.save(update_fields=["extended_until"])
    record_change(
        actor=actor,
        action="report.extend",
        obj=report,
        instansi=report.instansi,
        summary=f"Batas waktu diperpanjang sampai {until:%d-%m-%Y}. {note}".strip(),
    )
    return report
