"""Reads of evaluation: reports of one instansi, the console's table, rubrics, periods, jobs.

Every read of a report or evaluation takes the instansi explicitly; only console selectors
(Diskominfo) read across instansi, and they read snapshots, never tenant schemas.
"""

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Round
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


# --- console at a thousand instansi: one page of rows, the summary in SQL ----------------------

PAGE_SIZES = (25, 50, 100)
PAGE_SIZE = 50


def _is_object(section: str, prefix: str = "") -> Q:
    """The snapshot has `section` as a JSON object (else that source is "belum tersedia")."""
    return Q(**{f"{prefix}data__{section}__isnull": False}) & ~Q(
        **{f"{prefix}data__{section}": None}
    )


def _number(path: str, prefix: str = "", *, default=None, decimal: bool = False):
    """A snapshot number at `path` (data__section__key...), cast; `default` when absent."""
    field = DecimalField(max_digits=24, decimal_places=8) if decimal else FloatField()
    value = Cast(KT(f"{prefix}data__{path}"), field)
    return Coalesce(value, Value(default), output_field=field) if default is not None else value


def _when(section: str, value, prefix: str = "", output_field=None):
    return Case(
        When(_is_object(section, prefix), then=value),
        default=None,
        output_field=output_field or FloatField(),
    )


def _sort_expression(key: str, prefix: str = ""):
    """The SQL of a console column over a snapshot (the same order as figures.console_row)."""
    reg, sop, news, inbox = "registry", "sop", "news", "inbox"
    if key == "active_decree":
        return _when(
            reg,
            Case(
                When(**{f"{prefix}data__{reg}__active_decree": True}, then=Value(1)),
                default=Value(0),
            ),
            prefix,
            IntegerField(),
        )
    if key in ("accounts_active", "officers_active"):
        return _when(reg, _number(f"{reg}__{key}", prefix), prefix)
    if key == "stale_items":
        parts = [
            _number(f"{reg}__{k}", prefix, default=0)
            for k in (
                "accounts_without_active_decree",
                "appointments_expired",
                "accounts_missing_audience_last_month",
            )
        ]
        return _when(reg, parts[0] + parts[1] + parts[2], prefix)
    if key == "sop_active":
        return _when(
            sop,
            Case(
                When(**{f"{prefix}data__{sop}__sop_active": True}, then=Value(1)),
                default=Value(0),
            ),
            prefix,
            IntegerField(),
        )
    if key == "sop_share":
        return _when(sop, _number(f"{sop}__share_within_standard", prefix), prefix)
    if key == "news_total":
        return _when(news, _number(f"{news}__total", prefix, default=0), prefix)
    if key.startswith("news_"):
        category = key.removeprefix("news_")
        return _when(news, _number(f"{news}__by_category__{category}", prefix, default=0), prefix)
    if key == "sla_share":
        return _when(inbox, _number(f"{inbox}__answered_within_sla_share", prefix), prefix)
    if key == "median_hours":
        return _when(inbox, _number(f"{inbox}__median_response_hours", prefix), prefix)
    raise ValueError(key)


def console_queryset(*, year: int, q: str = "", status: str = "", include_archived: bool = False):
    """Served instansi matching the console's filters, with the year's report and evaluation."""
    reports = AnnualReport.objects.filter(instansi=OuterRef("pk"), year=year)
    evaluations = Evaluation.objects.filter(report__instansi=OuterRef("pk"), report__year=year)
    qs = Instansi.objects.served().annotate(
        report_status=Subquery(reports.values("status")[:1]),
        report_id=Subquery(reports.values("pk")[:1]),
        eval_total=Subquery(evaluations.values("total")[:1]),
        eval_predicate=Subquery(evaluations.values("predicate")[:1]),
        status_key=Coalesce(Subquery(reports.values("status")[:1]), Value("none")),
    )
    if not include_archived:
        qs = qs.filter(is_active=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(schema_name__icontains=q))
    if status:
        qs = qs.filter(status_key=status)
    return qs


def _ordered(qs, *, year: int, sort: str, descending: bool):
    """Sorted in SQL: the column's value, then the name; "belum tersedia" (NULL) always last."""
    if sort not in SORT_KEYS:
        sort = "name"
    if sort == "name":
        return qs.order_by(F("name").desc() if descending else F("name").asc(), "pk")
    if sort == "status":
        value = F("status_key")
    elif sort == "total":
        value = F("eval_total")
    else:
        snapshot = InstansiSnapshot.objects.filter(instansi=OuterRef("pk"), year=year)
        expression = _sort_expression(sort)
        qs = qs.annotate(
            sort_value=Subquery(
                snapshot.annotate(v=expression).values("v")[:1],
                output_field=expression.output_field,
            )
        )
        value = F("sort_value")
    name = F("name").desc() if descending else F("name").asc()
    first = value.desc(nulls_last=True) if descending else value.asc(nulls_last=True)
    return qs.order_by(first, name, "pk")


def _rows(instansi: list[Instansi], *, year: int) -> list[dict]:
    """The table rows of one page (one query for their snapshots)."""
    snapshots = {
        s.instansi_id: s for s in InstansiSnapshot.objects.filter(instansi__in=instansi, year=year)
    }
    status_labels = dict(AnnualReport.Status.choices)
    now = timezone.now()
    rows = []
    for inst in instansi:
        snap = snapshots.get(inst.pk)
        row = fig.console_row(snap.data if snap else None)
        row.update(
            instansi=inst,
            name=inst.name,
            slug=inst.schema_name,
            status=inst.report_status or "none",
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
    return rows


def console_page(
    *,
    year: int,
    q: str = "",
    status: str = "",
    sort: str = "name",
    descending: bool = False,
    page: int | str | None = 1,
    per_page: int = PAGE_SIZE,
) -> tuple[Page, list[dict]]:
    """One page of the console's table: (the Paginator page, its rows).

    A page number past the end gives the last page, one that is not a number the first
    (Paginator.get_page). Queries: a count, the page, its snapshots, whatever the count."""
    qs = _ordered(
        console_queryset(year=year, q=q, status=status), year=year, sort=sort, descending=descending
    )
    per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZE
    current = Paginator(qs, per_page).get_page(page)
    return current, _rows(list(current.object_list), year=year)


SLA_BUCKETS = (("0–49%", None, 50), ("50–79%", 50, 80), ("80–94%", 80, 95), ("95–100%", 95, None))


def console_summary(*, year: int, q: str = "", status: str = "") -> dict:
    """Every instansi matching the filters at a glance, as SQL aggregates (no row is loaded).

    {"count", "refreshed_at", "oldest_refreshed_at", "stale_rows", "trend": [(month, sum or
    None)], "sla": [(bucket, n)], "statuses": [(label, n)], "top_news": [(name, n)]}."""
    instansi = console_queryset(year=year, q=q, status=status)
    snapshots = InstansiSnapshot.objects.filter(
        year=year, instansi__in=instansi.order_by().values("pk")
    )
    now = timezone.now()
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    pct = Round(_number("inbox__answered_within_sla_share", decimal=True) * 100, 1)
    has_inbox = _is_object("inbox")
    buckets = {}
    for label, low, high in SLA_BUCKETS:
        condition = has_inbox & Q(sla_pct__isnull=False)
        if low is not None:
            condition &= Q(sla_pct__gte=low)
        if high is not None:
            condition &= Q(sla_pct__lt=high)
        buckets[label] = Count("pk", filter=condition)
    aggregates = snapshots.annotate(sla_pct=pct).aggregate(
        snapshots=Count("pk"),
        fresh=Count("pk", filter=Q(refreshed_at__gte=now - STALE_AFTER)),
        newest=Max("refreshed_at"),
        oldest=Min("refreshed_at"),
        with_news=Count("pk", filter=_is_object("news")),
        **{
            f"month_{i}": Sum(_number(f"news__by_month__{m}", default=0), filter=_is_object("news"))
            for i, m in enumerate(months)
        },
        **{f"sla_{i}": agg for i, agg in enumerate(buckets.values())},
    )
    count = instansi.order_by().count()
    sla = [(label, aggregates[f"sla_{i}"]) for i, label in enumerate(buckets)]
    sla.append(("belum tersedia", count - sum(n for _, n in sla)))
    status_labels = dict(AnnualReport.Status.choices)
    statuses = sorted(
        (
            status_labels.get(row["status_key"], "Belum dibuat"),
            row["n"],
        )
        for row in instansi.order_by().values("status_key").annotate(n=Count("pk"))
    )
    news_total = _sort_expression("news_total")
    top = (
        snapshots.annotate(news_count=news_total)
        .filter(news_count__isnull=False)
        .order_by("-news_count", "instansi__name", "pk")
        .values_list("instansi__name", "news_count")[:15]
    )
    return {
        "count": count,
        "refreshed_at": aggregates["newest"],
        "oldest_refreshed_at": aggregates["oldest"],
        "stale_rows": count - aggregates["fresh"],
        "trend": [
            (m, int(aggregates[f"month_{i}"] or 0) if aggregates["with_news"] else None)
            for i, m in enumerate(months)
        ],
        "sla": sla,
        "statuses": statuses,
        "top_news": [(name, int(n)) for name, n in top],
    }


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
