"""What the evaluation services share: report fields and defaults, the year check, events, locks."""

from django.utils import timezone

from core.actors import actor_name
from core.errors import Conflict, SimpulError

from .. import figures as fig
from ..models import (
    MAX_YEAR,
    MIN_YEAR,
    AnnualReport,
    ReportEvent,
)

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


def _compute(report: AnnualReport) -> None:
    raw = fig.collect(report.instansi, year=report.year)
    report.figures = fig.report_figures(raw, year=report.year)
    report.figures_computed_at = timezone.now()
