"""Reads of evaluation: reports of one instansi, the console's table, rubrics, periods, jobs.

Every read of a report or evaluation takes the instansi explicitly; only console selectors
(Diskominfo) read across instansi, and they read snapshots, never tenant schemas.
"""

import datetime

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from tenants.models import Instansi

from . import figures as fig
from .models import (
    AnnualReport,
    ConsoleJob,
    Evaluation,
    ExtensionRequest,
    InstansiSnapshot,
    Recommendation,
    ReportingPeriod,
    Rubric,
    default_deadline,
)


def period_for(year: int) -> ReportingPeriod:
    """The year's settings, or unsaved defaults (deadline end of next January)."""
    period = ReportingPeriod.objects.filter(year=year).first()
    return period or ReportingPeriod(year=year, deadline=default_deadline(year))


def report_deadline(report: AnnualReport, period: ReportingPeriod | None = None) -> datetime.date:
    period = period or period_for(report.year)
    if report.extended_until and report.extended_until > period.deadline:
        return report.extended_until
    return period.deadline


def open_reporting_year(today: datetime.date | None = None) -> int:
    """The year whose report can still be sent and is due soonest (the one to write now).

    In January the previous year's report is still open (due end of January); once its
    deadline has passed, the current year is the one being reported on."""
    today = today or timezone.localdate()
    for year in (today.year - 1, today.year):
        if period_for(year).deadline >= today:
            return year
    return today.year


def report_list(*, instansi: Instansi) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(instansi=instansi).select_related("evaluation")


def report_get(*, instansi: Instansi, year: int) -> AnnualReport | None:
    return (
        AnnualReport.objects.filter(instansi=instansi, year=year).select_related("instansi").first()
    )


def report_get_by_id(*, report_id: int) -> AnnualReport | None:
    """Console only (Diskominfo reads every instansi's report)."""
    return AnnualReport.objects.select_related("instansi").filter(pk=report_id).first()


def released_evaluation(*, report: AnnualReport) -> Evaluation | None:
    """The evaluation the instansi may see: only once released."""
    return (
        Evaluation.objects.filter(
            report=report, released_at__isnull=False, instansi=report.instansi
        )
        .prefetch_related("scores__criterion", "recommendations")
        .first()
    )


def evaluation_for(*, report: AnnualReport) -> Evaluation | None:
    return (
        Evaluation.objects.filter(report=report)
        .select_related("rubric")
        .prefetch_related("scores__criterion", "recommendations")
        .first()
    )


def previous_recommendations(*, instansi: Instansi, year: int) -> list[Recommendation]:
    """Last year's released recommendations that this year's report must answer (Pasal 17(2))."""
    return list(
        Recommendation.objects.filter(
            instansi=instansi, year=year - 1, evaluation__released_at__isnull=False
        ).order_by("order", "id")
    )


def report_rows(report: AnnualReport) -> list[dict]:
    """The report's numbers as rows: computed value, correction, value stated, how computed."""
    rows = []
    for key in fig.REPORT_FIGURE_KEYS:
        computed = report.figures.get(key) or {}
        correction = report.corrections.get(key)
        rows.append(
            {
                "key": key,
                "item": computed.get("item", ""),
                "label": fig.FIGURE_LABELS[key],
                "computed": computed.get("value"),
                "available": computed.get("value") is not None,
                "how": computed.get("how", ""),
                "correction": correction,
                "value": report.figure_value(key),
            }
        )
    return rows


def extension_requests(*, report: AnnualReport) -> list[ExtensionRequest]:
    """The report's extension requests, newest first (its own instansi only)."""
    return list(ExtensionRequest.objects.filter(report=report, instansi=report.instansi))


def open_extension_requests() -> list[ExtensionRequest]:
    """Console only: requests awaiting Diskominfo's decision, oldest first."""
    return list(
        ExtensionRequest.objects.filter(status=ExtensionRequest.Status.OPEN)
        .select_related("instansi", "report")
        .order_by("created_at", "id")
    )


def open_extension_request(*, report: AnnualReport) -> ExtensionRequest | None:
    """The report's request awaiting a decision (at most one, by a constraint)."""
    return ExtensionRequest.objects.filter(
        report=report, instansi=report.instansi, status=ExtensionRequest.Status.OPEN
    ).first()


def _number(value) -> str:
    return f"{int(value):,}".replace(",", ".")


def report_auto_texts(report: AnnualReport) -> dict[str, str]:
    """Items b–f written from the report's figures, in Indonesian, for the empty text boxes.

    {"audience_note": "...", ...}: one sentence per item; a figure not available yet says so."""
    year = report.year

    def value(key):
        return report.figure_value(key)

    def n(key, unit):
        v = value(key)
        return "belum tersedia" if v is None else f"{_number(v)} {unit}"

    texts = {
        "audience_note": (
            f"Pada tahun {year}, jumlah khalayak akun media sosial resmi instansi tercatat "
            f"{n('audience_total', 'pengikut')}."
        ),
        "content_discussion": (
            f"Sepanjang tahun {year} instansi mempublikasikan {n('news_total', 'berita')}, "
            f"terdiri atas {n('news_kegiatan', 'berita kegiatan instansi')}, "
            f"{n('news_isu', 'berita isu terkini daerah')} dan "
            f"{n('news_kebijakan', 'berita kebijakan pemerintah pusat/provinsi')}."
        ),
        "comments_discussion": (
            f"Pada tahun {year} instansi menerima {n('inquiries_received', 'masukan masyarakat')}"
            f", di antaranya {n('comments_received', 'komentar atas materi pesan')}."
        ),
        "dissemination_note": (
            f"Pada tahun {year} instansi menyebarluaskan "
            f"{n('items_published', 'informasi dan pesan')}, termasuk "
            f"{n('shares_recorded', 'pesan yang dikirim ke akun media sosial resmi')}."
        ),
        "forwarded_note": (
            f"Pada tahun {year} sebanyak {n('referrals_sent', 'pesan')} diteruskan kepada "
            "instansi lain yang berwenang melalui kotak masuk bersama."
            if value("referrals_sent") is not None
            else f"Jumlah pesan yang diteruskan pada tahun {year} belum tersedia."
        ),
    }
    return texts


def report_feedback(report: AnnualReport) -> dict:
    """The feedback analysis frozen with the report: item d's breakdowns, item h's advice.

    {"d": [figure + "key" + "pairs" (name, count)], "h": figure + "key" or None}; a report
    computed before the analysis was read has neither.
    """
    shown = {
        key: {**report.figures[key], "key": key}
        for key in fig.FEEDBACK_FIGURE_KEYS
        if key in report.figures
    }
    breakdowns = [
        {**f, "pairs": list((f.get("value") or {}).items())}
        for key, f in shown.items()
        if f["item"] == "d"
    ]
    return {"d": breakdowns, "h": shown.get("feedback_recommendations")}


def rubric_get(year: int) -> Rubric | None:
    return Rubric.objects.filter(year=year).prefetch_related("criteria").first()


# --- console ----------------------------------------------------------------------------------

SORT_KEYS = {
    "name",
    "status",
    "active_decree",
    "accounts_active",
    "officers_active",
    "stale_items",
    "sop_active",
    "sop_share",
    "news_total",
    "news_kegiatan",
    "news_isu",
    "news_kebijakan",
    "sla_share",
    "median_hours",
    "total",
}


# A snapshot older than this is marked on the console (the beat refreshes changed ones each
# minute; older means nothing changed, or the worker is behind).
STALE_AFTER = datetime.timedelta(minutes=10)


def freshness(refreshed_at: datetime.datetime | None, *, now: datetime.datetime) -> str:
    """'diperbarui 3 menit lalu' for a console row; 'belum pernah diperbarui' without one."""
    if refreshed_at is None:
        return "belum pernah diperbarui"
    seconds = max(int((now - refreshed_at).total_seconds()), 0)
    if seconds < 60:
        return "diperbarui baru saja"
    if seconds < 3600:
        return f"diperbarui {seconds // 60} menit lalu"
    if seconds < 86400:
        return f"diperbarui {seconds // 3600} jam lalu"
    return f"diperbarui {seconds // 86400} hari lalu"


def console_table(
    *,
    year: int,
    q: str = "",
    status: str = "",
    sort: str = "name",
    descending: bool = False,
    include_archived: bool = False,
) -> list[dict]:
    """One row per instansi for `year`, from snapshots: 2 queries whatever the number of instansi."""
    reports = AnnualReport.objects.filter(instansi=OuterRef("pk"), year=year)
    instansi_qs = Instansi.objects.served().annotate(
        report_status=Subquery(reports.values("status")[:1]),
        report_id=Subquery(reports.values("pk")[:1]),
        eval_total=Subquery(
            Evaluation.objects.filter(report__instansi=OuterRef("pk"), report__year=year).values(
                "total"
            )[:1]
        ),
        eval_predicate=Subquery(
            Evaluation.objects.filter(report__instansi=OuterRef("pk"), report__year=year).values(
                "predicate"
            )[:1]
        ),
    )
    if not include_archived:
        instansi_qs = instansi_qs.filter(is_active=True)
    if q:
        instansi_qs = instansi_qs.filter(name__icontains=q) | instansi_qs.filter(
            schema_name__icontains=q
        )
    instansi_qs = instansi_qs.prefetch_related(
        Prefetch(
            "evaluation_snapshots",
            queryset=InstansiSnapshot.objects.filter(year=year),
            to_attr="year_snapshots",
        )
    )
    status_labels = dict(AnnualReport.Status.choices)
    now = timezone.now()
    rows = []
    for inst in instansi_qs:
        snap = inst.year_snapshots[0] if inst.year_snapshots else None
        row = fig.console_row(snap.data if snap else None)
        report_status = inst.report_status or "none"
        if status and report_status != status:
            continue
        row.update(
            instansi=inst,
            name=inst.name,
            slug=inst.schema_name,
            status=report_status,
            status_label=status_labels.get(inst.report_status, "Belum dibuat"),
            report_id=inst.report_id,
            total=float(inst.eval_total) if inst.eval_total is not None else None,
            predicate=inst.eval_predicate or "",
            refreshed_at=snap.refreshed_at if snap else None,
            freshness=freshness(snap.refreshed_at if snap else None, now=now),
            stale=snap is None or now - snap.refreshed_at > STALE_AFTER,
            has_snapshot=snap is not None,
        )
        rows.append(row)
    if sort not in SORT_KEYS:
        sort = "name"
    present = [r for r in rows if r[sort] is not None]
    missing = [r for r in rows if r[sort] is None]
    present.sort(key=lambda r: (r[sort], r["name"]), reverse=descending)
    return present + missing  # "belum tersedia" always last


def snapshot_get(*, instansi: Instansi, year: int) -> InstansiSnapshot | None:
    return InstansiSnapshot.objects.filter(instansi=instansi, year=year).first()


def job_list(limit: int = 10) -> list[ConsoleJob]:
    return list(ConsoleJob.objects.all()[:limit])


def job_get(job_id: int) -> ConsoleJob | None:
    return ConsoleJob.objects.filter(pk=job_id).first()


def evaluated_reports(*, year: int) -> QuerySet[AnnualReport]:
    """Reports of `year` with a released evaluation (PDFs, recap)."""
    return (
        AnnualReport.objects.filter(year=year, evaluation__released_at__isnull=False)
        .select_related("instansi", "evaluation")
        .order_by("instansi__name")
    )
