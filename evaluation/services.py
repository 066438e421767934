"""Writes of evaluation: the report lifecycle, corrections, rubrics, scores, snapshots, jobs.

Lifecycle: draft → submitted (numbers frozen) → under evaluation → evaluated, or → returned for
revision (editable again) → submitted … Every transition leaves a ReportEvent (with the figures
of that moment) and an audit record, in the same transaction.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.actions import action
from core.actors import actor_name
from core.audit import record_change
from core.errors import Conflict, SimpulError
from core.outbox import outbox_enqueue, staff_emails
from core.queue import send_on_commit
from tenants.models import Instansi

from . import figures as fig
from . import roles, tasks
from .models import (
    MAX_YEAR,
    MIN_YEAR,
    AnnualReport,
    ConsoleJob,
    CriterionScore,
    Evaluation,
    ExtensionRequest,
    InstansiSnapshot,
    Recommendation,
    ReportEvent,
    ReportingPeriod,
    ReportReminder,
    Rubric,
    RubricCriterion,
)
from .roles import EDIT, EVALUATE, SUBMIT
from .selectors import previous_recommendations, report_deadline

NARRATIVE_FIELDS = (
    "policy_overview",
    "audience_note",
    "content_discussion",
    "comments_discussion",
    "dissemination_note",
    "forwarded_note",
    "obstacles_internal",
    "obstacles_external",
    "recommendations_plan",
)
REQUIRED_NARRATIVE = {
    "policy_overview": "a. gambaran umum kebijakan",
    "content_discussion": "c. pembahasan materi pesan",
    "comments_discussion": "d. tanggapan atas materi pesan",
    "obstacles_internal": "g. kendala di dalam instansi",
    "obstacles_external": "g. kendala di luar instansi",
    "recommendations_plan": "h. rekomendasi dan rencana tindak lanjut",
}
MIN_REASON = 10

DEFAULT_BANDS = [
    {"min": 90, "label": "Sangat baik"},
    {"min": 75, "label": "Baik"},
    {"min": 60, "label": "Cukup"},
    {"min": 0, "label": "Kurang"},
]
# Derived from the regulation's principles and duties (KoBar Pasal 3, 9, 12, 16).
DEFAULT_CRITERIA = [
    (
        "responsif",
        "Layanan responsif",
        "Masukan masyarakat dijawab cepat dan tepat; rujukan antarinstansi dijawab paling lama "
        "24 jam (Pasal 3, Pasal 9 huruf f–i, Lampiran B).",
        25,
    ),
    (
        "akun_sk",
        "Akun resmi dan pengelola ditetapkan dengan SK",
        "Akun media sosial resmi serta pejabat dan petugas pengelolanya ditetapkan dengan "
        "Keputusan Kepala Instansi dan dijaga mutakhir (Pasal 9 huruf c–d, Pasal 10).",
        20,
    ),
    (
        "sop",
        "SOP diterapkan",
        "SOP pengelolaan ditetapkan dan langkah-langkahnya dijalankan sesuai standar waktu "
        "(Pasal 12).",
        20,
    ),
    (
        "konten",
        "Informasi faktual dan teratur",
        "Pesan faktual, teratur, bertagar, mencakup kegiatan instansi, isu terkini dan kebijakan "
        "pemerintah (Pasal 3, Pasal 9 huruf e, Pasal 11).",
        15,
    ),
    (
        "tepat_waktu",
        "Pelaporan tepat waktu",
        "Laporan tahunan disampaikan lengkap sebelum batas waktu (Pasal 16).",
        20,
    ),
]


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise SimpulError("Tahun tidak sah.", field="year") from exc
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise SimpulError(f"Tahun harus antara {MIN_YEAR} dan {MAX_YEAR}.", field="year")
    return year


def _event(report: AnnualReport, from_status: str, actor, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        from_status=from_status,
        to_status=report.status,
        actor_name=actor_name(actor),
        note=note,
        figures=report.figures,
        corrections=report.corrections,
    )


def _locked(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update().select_related("instansi").get(pk=report.pk)


def _require_editable(report: AnnualReport) -> None:
    if not report.is_editable:
        raise Conflict(
            f"Laporan berstatus '{report.get_status_display()}' terkunci dan tidak dapat diubah."
        )


# --- periods ----------------------------------------------------------------------------------


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


# --- reports ----------------------------------------------------------------------------------


def _compute(report: AnnualReport) -> None:
    raw = fig.collect(report.instansi, year=report.year)
    report.figures = fig.report_figures(raw, year=report.year)
    report.figures_computed_at = timezone.now()


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


# --- deadline extensions ------------------------------------------------------------------


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


# --- rubric -----------------------------------------------------------------------------------


def _validate_bands(bands: list[dict]) -> list[dict]:
    if not bands:
        raise SimpulError("Isi paling sedikit satu predikat.", field="bands")
    clean = []
    for band in bands:
        label = (band.get("label") or "").strip()
        try:
            low = float(band.get("min"))
        except (TypeError, ValueError) as exc:
            raise SimpulError("Batas bawah predikat harus angka.", field="bands") from exc
        if not label:
            raise SimpulError("Setiap predikat perlu nama.", field="bands")
        if not 0 <= low <= 100:
            raise SimpulError("Batas bawah predikat harus 0–100.", field="bands")
        clean.append({"min": low, "label": label[:60]})
    clean.sort(key=lambda b: b["min"], reverse=True)
    if len({b["min"] for b in clean}) != len(clean):
        raise SimpulError("Dua predikat tidak boleh memiliki batas bawah yang sama.", field="bands")
    if clean[-1]["min"] != 0:
        raise SimpulError("Predikat terendah harus dimulai dari 0.", field="bands")
    return clean


@action("evaluation.rubric_ensure", "Rubrik tahunan disiapkan")
def rubric_ensure(*, year: int) -> Rubric:
    """The year's rubric; the default one (regulation principles) the first time."""
    return _ensure_rubric(year=year)


def _ensure_rubric(*, year: int) -> Rubric:
    year = _check_year(year)
    rubric = Rubric.objects.filter(year=year).first()
    if rubric is not None:
        return rubric
    previous = Rubric.objects.filter(year__lt=year).order_by("-year").first()
    rubric = Rubric.objects.create(year=year, bands=previous.bands if previous else DEFAULT_BANDS)
    if previous is not None:
        criteria = [
            (c.code, c.name, c.description, c.weight, c.max_score) for c in previous.criteria.all()
        ]
    else:
        criteria = [(*c, 100) for c in DEFAULT_CRITERIA]
    RubricCriterion.objects.bulk_create(
        RubricCriterion(
            rubric=rubric,
            order=i,
            code=code,
            name=name,
            description=desc,
            weight=weight,
            max_score=max_score,
        )
        for i, (code, name, desc, weight, max_score) in enumerate(criteria)
    )
    return rubric


@action("evaluation.rubric_update", "Rubrik evaluasi diubah", permission=EVALUATE)
def rubric_update(*, actor, year: int, criteria: list[dict], bands: list[dict]) -> Rubric:
    """Replace the criteria and bands of `year`; weights must sum to 100.

    `criteria`: [{"id" (optional), "code", "name", "description", "weight", "max_score"}].
    Criteria already scored in an evaluation cannot be removed.
    """
    rubric = _ensure_rubric(year=year)
    bands = _validate_bands(bands)
    if not criteria:
        raise SimpulError("Rubrik memerlukan paling sedikit satu kriteria.", field="criteria")
    total = 0
    seen = set()
    clean = []
    for i, row in enumerate(criteria):
        name = (row.get("name") or "").strip()
        if not name:
            raise SimpulError(f"Kriteria ke-{i + 1} perlu nama.", field="criteria")
        try:
            weight = int(row.get("weight"))
            max_score = int(row.get("max_score") or 100)
        except (TypeError, ValueError) as exc:
            raise SimpulError(
                f"Bobot dan skor maksimum kriteria '{name}' harus bilangan bulat.",
                field="criteria",
            ) from exc
        if weight < 0 or max_score <= 0:
            raise SimpulError(f"Bobot/skor maksimum kriteria '{name}' tidak sah.", field="criteria")
        code = (row.get("code") or "").strip() or f"k{i + 1}"
        if code in seen:
            raise SimpulError(f"Kode kriteria {code!r} dipakai dua kali.", field="criteria")
        seen.add(code)
        total += weight
        clean.append(
            (row.get("id"), code, name, (row.get("description") or "").strip(), weight, max_score)
        )
    if total != 100:
        raise SimpulError(f"Jumlah bobot harus 100 (sekarang {total}).", field="criteria")
    existing = {c.pk: c for c in rubric.criteria.all()}
    kept = set()
    for order, (cid, code, name, desc, weight, max_score) in enumerate(clean):
        criterion = existing.get(int(cid)) if cid and str(cid).isdigit() else None
        if criterion is None:
            by_code = next((c for c in existing.values() if c.code == code), None)
            criterion = by_code or RubricCriterion(rubric=rubric)
        criterion.order, criterion.code, criterion.name = order, code, name[:200]
        criterion.description, criterion.weight, criterion.max_score = desc, weight, max_score
        criterion.full_clean()
        criterion.save()
        kept.add(criterion.pk)
    removed = [c for pk, c in existing.items() if pk not in kept]
    for criterion in removed:
        if CriterionScore.objects.filter(criterion=criterion, score__isnull=False).exists():
            raise Conflict(
                f"Kriteria '{criterion.name}' sudah dipakai dalam penilaian dan tidak dapat dihapus."
            )
        CriterionScore.objects.filter(criterion=criterion).delete()
        criterion.delete()
    rubric.bands = bands
    rubric.updated_at = timezone.now()
    rubric.save()
    record_change(
        actor=actor,
        action="evaluation.rubric_update",
        obj=rubric,
        summary=f"Rubrik {year} diubah",
        after={"criteria": [c[1:5] for c in clean], "bands": bands},
    )
    return rubric


# --- evaluation -------------------------------------------------------------------------------


def _snapshot_raw(report: AnnualReport) -> dict | None:
    """The instansi's snapshot for the year; made now (one instansi, once) when none exists yet."""
    snap = InstansiSnapshot.objects.filter(instansi=report.instansi, year=report.year).first()
    if snap is None:
        snap = snapshot_refresh(instansi=report.instansi, year=report.year)
    return snap.data


def _refresh_suggestions(evaluation: Evaluation, report: AnnualReport) -> None:
    raw = _snapshot_raw(report)
    deadline = report_deadline(report)
    existing = {s.criterion_id: s for s in evaluation.scores.all()}
    for criterion in evaluation.rubric.criteria.all():
        suggestion = fig.suggested_score(criterion.code, raw, report, deadline)
        value = (
            None
            if suggestion is None
            else Decimal(str(round(suggestion * criterion.max_score / 100, 2)))
        )
        score = existing.get(criterion.pk) or CriterionScore(
            evaluation=evaluation, criterion=criterion
        )
        score.suggested = value
        score.save()


@action("report.evaluate_start", "Evaluasi dimulai", permission=EVALUATE)
def evaluation_start(*, report: AnnualReport, actor) -> Evaluation:
    """Take a submitted report into evaluation, with scores suggested from the figures."""
    report = _locked(report)
    if report.status == AnnualReport.Status.UNDER_EVALUATION:
        return report.evaluation
    if report.status != AnnualReport.Status.SUBMITTED:
        raise Conflict("Hanya laporan yang sudah disampaikan yang dapat dievaluasi.")
    rubric = _ensure_rubric(year=report.year)
    evaluation = Evaluation.objects.filter(report=report).first() or Evaluation.objects.create(
        report=report, instansi=report.instansi, rubric=rubric
    )
    evaluation.evaluator_name = actor_name(actor)
    evaluation.rubric = rubric
    evaluation.save()
    _refresh_suggestions(evaluation, report)
    from_status = report.status
    report.status = AnnualReport.Status.UNDER_EVALUATION
    report.save(update_fields=["status"])
    _event(report, from_status, actor, "Evaluasi dimulai")
    record_change(
        actor=actor,
        action="report.evaluate_start",
        obj=report,
        instansi=report.instansi,
        summary=f"Evaluasi laporan {report.year} dimulai",
    )
    return evaluation


def _decimal(value, criterion: RubricCriterion) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation as exc:
        raise SimpulError(f"Skor '{criterion.name}' harus angka.", field="scores") from exc
    if not number.is_finite() or number < 0 or number > criterion.max_score:
        raise SimpulError(
            f"Skor '{criterion.name}' harus antara 0 dan {criterion.max_score}.", field="scores"
        )
    return number.quantize(Decimal("0.01"))


def evaluation_total(evaluation: Evaluation) -> Decimal | None:
    scores = list(evaluation.scores.select_related("criterion"))
    if not scores or any(s.score is None for s in scores):
        return None
    total = sum(
        (s.score / s.criterion.max_score * s.criterion.weight for s in scores), Decimal("0")
    )
    return total.quantize(Decimal("0.01"))


@action("evaluation.save", "Nilai evaluasi disimpan", permission=EVALUATE)
def evaluation_save(
    *,
    report: AnnualReport,
    actor,
    scores: dict,
    notes: dict | None = None,
    summary: str = "",
    recommendations: list[str] | None = None,
) -> Evaluation:
    """Save scores ({criterion id: value}), notes, the summary and the recommendations."""
    report = _locked(report)
    if report.status != AnnualReport.Status.UNDER_EVALUATION:
        raise Conflict("Penilaian hanya dapat diubah selama laporan sedang dievaluasi.")
    evaluation = Evaluation.objects.select_for_update().get(report=report)
    criteria = {c.pk: c for c in evaluation.rubric.criteria.all()}
    parsed = {}
    for key, value in scores.items():
        criterion = criteria.get(int(key)) if str(key).isdigit() else None
        if criterion is None:
            raise SimpulError("Kriteria tidak dikenal dalam rubrik tahun ini.", field="scores")
        parsed[criterion.pk] = _decimal(value, criterion)
    recs = [r.strip() for r in (recommendations or []) if r and r.strip()]
    if any(len(r) > 4000 for r in recs):
        raise SimpulError(
            "Setiap rekomendasi paling panjang 4.000 karakter.", field="recommendations"
        )
    existing = {s.criterion_id: s for s in evaluation.scores.all()}
    for cid, value in parsed.items():
        score = existing.get(cid) or CriterionScore(evaluation=evaluation, criterion=criteria[cid])
        score.score = value
        if notes and str(cid) in notes:
            score.note = (notes[str(cid)] or "").strip()
        score.save()
    evaluation.summary = (summary or "").strip()
    evaluation.total = evaluation_total(evaluation)
    evaluation.predicate = evaluation.rubric.predicate_for(
        float(evaluation.total) if evaluation.total is not None else None
    )
    evaluation.evaluator_name = actor_name(actor)
    evaluation.updated_at = timezone.now()
    evaluation.save()
    if recommendations is not None:
        evaluation.recommendations.all().delete()
        Recommendation.objects.bulk_create(
            Recommendation(
                evaluation=evaluation,
                instansi=report.instansi,
                year=report.year,
                order=i,
                text=text,
            )
            for i, text in enumerate(recs)
        )
    record_change(
        actor=actor,
        action="evaluation.save",
        obj=evaluation,
        instansi=report.instansi,
        summary=f"Penilaian laporan {report.year} disimpan",
        after={"total": str(evaluation.total), "predicate": evaluation.predicate},
    )
    return evaluation


@action("report.evaluated", "Hasil evaluasi diumumkan", permission=EVALUATE)
def evaluation_release(*, report: AnnualReport, actor) -> Evaluation:
    """Finish the evaluation: the instansi now sees scores, predicate and recommendations."""
    report = _locked(report)
    if report.status != AnnualReport.Status.UNDER_EVALUATION:
        raise Conflict("Hanya laporan yang sedang dievaluasi yang dapat diselesaikan.")
    evaluation = Evaluation.objects.select_for_update().get(report=report)
    if evaluation.total is None:
        raise SimpulError("Isi skor semua kriteria sebelum menyelesaikan evaluasi.")
    if not evaluation.recommendations.exists():
        raise SimpulError("Tuliskan paling sedikit satu rekomendasi.")
    evaluation.released_at = timezone.now()
    evaluation.save(update_fields=["released_at"])
    from_status = report.status
    report.status = AnnualReport.Status.EVALUATED
    report.save(update_fields=["status"])
    _event(report, from_status, actor, f"Nilai {evaluation.total} ({evaluation.predicate})")
    record_change(
        actor=actor,
        action="report.evaluated",
        obj=report,
        instansi=report.instansi,
        summary=f"Hasil evaluasi {report.year} disampaikan",
        after={"total": str(evaluation.total), "predicate": evaluation.predicate},
    )
    return evaluation


# --- snapshots and jobs -----------------------------------------------------------------------


def snapshot_refresh(*, instansi: Instansi, year: int, today=None) -> InstansiSnapshot:
    """Recompute one instansi's console figures (Celery: runs the sources in its schema)."""
    # Stamped with the time the reading started: a change made while the sources are read is
    # newer than the snapshot, so the next freshness check refreshes it again.
    started = timezone.now()
    raw = fig.collect(instansi, year=year, today=today)
    snapshot, _ = InstansiSnapshot.objects.update_or_create(
        instansi=instansi, year=year, defaults={"data": raw, "refreshed_at": started}
    )
    return snapshot


@action("evaluation.job_create", "Pekerjaan konsol dibuat", permission=EVALUATE)
def job_create(
    *, actor, kind: str, year: int | None = None, params: dict | None = None
) -> ConsoleJob:
    if kind not in ConsoleJob.Kind.values:
        raise SimpulError("Jenis pekerjaan tidak dikenal.")
    job = ConsoleJob.objects.create(
        kind=kind, year=year, params=params or {}, created_by_name=actor_name(actor)
    )
    send_on_commit(tasks.run_console_job, job.pk)
    return job


# --- deadline reminders -----------------------------------------------------------------------


@action("report.remind", "Pengingat laporan tahunan dikirim")
def report_reminder_create(
    *, instansi: Instansi, year: int, deadline: datetime.date, days_left: int
) -> int | None:
    """Record one deadline reminder and put its mail in the outbox, in one transaction.

    Returns the outbox message's id, or None when this reminder was made before (the reminder
    row is unique per instansi, year and day)."""
    try:
        with transaction.atomic():
            reminder = ReportReminder.objects.create(
                instansi=instansi, year=year, days_before=days_left
            )
    except IntegrityError:
        return None  # already reminded
    recipients = staff_emails(
        instansi.schema_name, groups=roles.REPORT_SUBMITTER_GROUPS, superusers="always"
    )
    ReportReminder.objects.filter(pk=reminder.pk).update(recipients=len(recipients))
    message = outbox_enqueue(
        key=f"laporan:{instansi.pk}:{year}:{days_left}",
        kind="evaluation.pengingat",
        recipients=recipients,
        subject=f"Pengingat: laporan tahunan {year} jatuh tempo {deadline:%d-%m-%Y}",
        body=(
            f"Laporan tahunan layanan informasi melalui media sosial {instansi.name} tahun "
            f"{year} wajib disampaikan kepada Bupati melalui Diskominfo paling lambat "
            f"{deadline:%d-%m-%Y} ({days_left} hari lagi). Susun dan sampaikan "
            "laporan melalui menu 'Laporan Tahunan' di admin situs instansi Anda."
        ),
    )
    return message.pk if message is not None else None
