"""Deadline extensions: an instansi asks, Diskominfo grants or refuses; reports returned for revision."""

import datetime

from django.utils import timezone

from core.actions import action
from core.actors import actor_name
from core.audit import record_change
from core.errors import Conflict, SimpulError
from core.outbox import outbox_enqueue, staff_emails

from .. import roles
from ..models import (
    AnnualReport,
    ExtensionRequest,
)
from ..roles import EDIT, EVALUATE
from ..selectors import report_deadline
from ._common import (
    MIN_REASON,
    _event,
    _locked,
    _require_editable,
)

MAX_EXTENSION_DAYS = 90


@action("report.extension_request", "Perpanjangan batas waktu diminta", permission=EDIT)
def extension_request(
    *, report: AnnualReport, actor, reason: str, until, today: datetime.date | None = None
) -> ExtensionRequest:
    """The instansi asks Diskominfo for a later deadline of its report; one open request."""
    report = _locked(report)
    _require_editable(report)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise SimpulError(
            f"Tuliskan alasan permintaan (paling sedikit {MIN_REASON} karakter).", field="reason"
        )
    if isinstance(until, str):
        try:
            until = datetime.date.fromisoformat(until.strip())
        except ValueError as exc:
            raise SimpulError(
                "Tanggal yang diminta tidak sah (gunakan format tanggal).", field="until"
            ) from exc
    if not isinstance(until, datetime.date):
        raise SimpulError("Tanggal yang diminta tidak sah.", field="until")
    deadline = report_deadline(report)
    if until <= max(deadline, today):
        raise SimpulError(
            "Tanggal yang diminta harus sesudah batas waktu sekarang "
            f"({deadline:%d-%m-%Y}) dan sesudah hari ini.",
            field="until",
        )
    if until > today + datetime.timedelta(days=MAX_EXTENSION_DAYS):
        raise SimpulError(
            f"Perpanjangan paling lama {MAX_EXTENSION_DAYS} hari dari hari ini.", field="until"
        )
    if ExtensionRequest.objects.filter(report=report, status=ExtensionRequest.Status.OPEN).exists():
        raise Conflict("Masih ada permintaan perpanjangan yang menunggu keputusan Diskominfo.")
    request = ExtensionRequest.objects.create(
        report=report,
        instansi=report.instansi,
        reason=reason[:4000],
        requested_until=until,
        requested_by_name=actor_name(actor),
    )
    record_change(
        actor=actor,
        action="report.extension_request",
        obj=report,
        instansi=report.instansi,
        summary=f"Perpanjangan batas waktu laporan {report.year} diminta sampai {until:%d-%m-%Y}",
        after={"until": until.isoformat(), "reason": request.reason},
    )
    return request


def _locked_open_request(request: ExtensionRequest) -> ExtensionRequest:
    request = (
        ExtensionRequest.objects.select_for_update()
        .select_related("report", "instansi")
        .get(pk=request.pk)
    )
    if request.status != ExtensionRequest.Status.OPEN:
        raise Conflict(f"Permintaan ini sudah diputuskan ({request.get_status_display().lower()}).")
    return request


def _tell_instansi(request: ExtensionRequest, *, subject: str, body: str) -> None:
    instansi = request.instansi
    outbox_enqueue(
        key=f"perpanjangan:{request.pk}:{request.status}",
        kind="evaluation.perpanjangan",
        recipients=staff_emails(
            instansi.schema_name, groups=roles.REPORT_SUBMITTER_GROUPS, superusers="always"
        ),
        subject=subject,
        body=body,
    )


@action("report.extension_grant", "Perpanjangan batas waktu dikabulkan", permission=EVALUATE)
def extension_grant(
    *, request: ExtensionRequest, actor, until=None, note: str = ""
) -> ExtensionRequest:
    """Diskominfo grants a request: the report's deadline moves to `until` (default: asked)."""
    request = _locked_open_request(request)
    if until in (None, ""):
        until = request.requested_until
    if isinstance(until, str):
        try:
            until = datetime.date.fromisoformat(until.strip())
        except ValueError as exc:
            raise SimpulError("Tanggal perpanjangan tidak sah.", field="until") from exc
    if until < timezone.localdate():
        raise SimpulError("Perpanjangan harus sampai hari ini atau sesudahnya.", field="until")
    report = _locked(request.report)
    report.extended_until = until
    report.save(update_fields=["extended_until"])
    request.status = ExtensionRequest.Status.GRANTED
    request.granted_until = until
    request.decision_note = (note or "").strip()[:4000]
    request.decided_by_name = actor_name(actor)
    request.decided_at = timezone.now()
    request.save()
    record_change(
        actor=actor,
        action="report.extension_grant",
        obj=report,
        instansi=report.instansi,
        summary=f"Perpanjangan laporan {report.year} dikabulkan sampai {until:%d-%m-%Y}",
        after={"until": until.isoformat(), "note": request.decision_note},
    )
    _tell_instansi(
        request,
        subject=f"Perpanjangan batas waktu laporan tahunan {report.year} dikabulkan",
        body=(
            f"Diskominfo mengabulkan permintaan perpanjangan batas waktu laporan tahunan "
            f"{report.year} {report.instansi.name}. Batas waktu baru: {until:%d-%m-%Y}."
            + (f"\n\nCatatan: {request.decision_note}" if request.decision_note else "")
        ),
    )
    return request


@action("report.extension_refuse", "Perpanjangan batas waktu ditolak", permission=EVALUATE)
def extension_refuse(*, request: ExtensionRequest, actor, note: str) -> ExtensionRequest:
    """Diskominfo refuses a request, with the reason the instansi reads."""
    request = _locked_open_request(request)
    note = (note or "").strip()
    if len(note) < MIN_REASON:
        raise SimpulError(
            f"Tuliskan alasan penolakan (paling sedikit {MIN_REASON} karakter).", field="note"
        )
    request.status = ExtensionRequest.Status.REFUSED
    request.decision_note = note[:4000]
    request.decided_by_name = actor_name(actor)
    request.decided_at = timezone.now()
    request.save()
    report = request.report
    record_change(
        actor=actor,
        action="report.extension_refuse",
        obj=report,
        instansi=report.instansi,
        summary=f"Perpanjangan laporan {report.year} ditolak",
        after={"note": note},
    )
    _tell_instansi(
        request,
        subject=f"Perpanjangan batas waktu laporan tahunan {report.year} ditolak",
        body=(
            f"Diskominfo menolak permintaan perpanjangan batas waktu laporan tahunan "
            f"{report.year} {report.instansi.name}.\n\nAlasan: {note}"
        ),
    )
    return request


@action("report.return", "Laporan dikembalikan untuk diperbaiki", permission=EVALUATE)
def report_return(*, report: AnnualReport, actor, note: str) -> AnnualReport:
    """Send a submitted report back for revision, with the reason; history keeps the old one."""
    report = _locked(report)
    if report.status not in (AnnualReport.Status.SUBMITTED, AnnualReport.Status.UNDER_EVALUATION):
        raise Conflict("Hanya laporan yang sudah disampaikan yang dapat dikembalikan.")
    note = (note or "").strip()
    if len(note) < MIN_REASON:
        raise SimpulError(
            f"Tuliskan alasan pengembalian (paling sedikit {MIN_REASON} karakter).", field="note"
        )
    from_status = report.status
    report.status = AnnualReport.Status.RETURNED
    report.updated_at = timezone.now()
    report.save(update_fields=["status", "updated_at"])
    _event(report, from_status, actor, note)
    record_change(
        actor=actor,
        action="report.return",
        obj=report,
        instansi=report.instansi,
        summary=f"Laporan {report.year} dikembalikan untuk perbaikan",
        before={"status": from_status},
        after={"status": report.status},
    )
    return report
