"""Reads for the public service-performance page (`/kinerja/`): how quickly instansi answer.

Figures over the last twelve regency months (this month included), per instansi and for the
whole regency, all computed in PostgreSQL (counts, shares and the median with
`percentile_cont`), a fixed number of queries whatever the number of instansi or inquiries:

- received: inquiries whose receiving instansi it is (`Inquiry.instansi`), by `created_at`;
- answered within the SLA (24 hours by default, `SIMPUL_REFERRAL_SLA_HOURS`): among the received
  inquiries that were answered or whose window has passed, the share with `answered_at` no later
  than `created_at` + SLA;
- median time to answer: of the answered inquiries, hours from `created_at` to `answered_at`;
- referrals made (`from_instansi`) and received (`to_instansi`), by `requested_at`.

Small numbers are never shown as they are (a handful of inquiries can point at a person): a
count of 1 to 4 is "< 5", and a share or a median needs a base of at least `MIN_BASE`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tenants.models import Instansi
from tenants.selectors import instansi_list_active

from .models import Inquiry, Referral

MONTHS = 12
MIN_COUNT = 5  # a count below this (but not zero) is shown as "< 5"
MIN_BASE = 10  # a share or a median needs at least this many inquiries behind it
MONTH_NAMES = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Jun",
    "Jul",
    "Agu",
    "Sep",
    "Okt",
    "Nov",
    "Des",
)
# A rating a citizen gives an answer, when the inbox records one: the column appears only when
# the model has this field and some inquiry carries a value.
RATING_FIELD = "rating"


class Median(Aggregate):
    """PostgreSQL's continuous median of an expression (an interval here)."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


@dataclass(frozen=True)
class Figure:
    """A count or measure as the public may see it: `shown` is the text, `value` the number
    behind it when it may be shown (None when suppressed or absent)."""

    shown: str
    value: float | None = None


@dataclass
class Performance:
    name: str
    slug: str
    received: Figure
    within_sla: Figure
    median_hours: Figure
    referrals_made: Figure
    referrals_received: Figure
    rating: Figure | None = None


@dataclass
class MonthRow:
    label: str
    key: str
    received: Figure
    within_sla: Figure
    bar: int = 0  # 0..100, the bar's length; 0 when the count is suppressed


@dataclass
class Report:
    start: datetime
    end: datetime
    sla_hours: int
    regency: Performance
    instansi: list[Performance] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)
    has_ratings: bool = False


def count_figure(n: int) -> Figure:
    if n == 0:
        return Figure("0", 0)
    if n < MIN_COUNT:
        return Figure(f"< {MIN_COUNT}")
    return Figure(f"{n:,}".replace(",", "."), n)


def share_figure(part: int, base: int) -> Figure:
    if base < MIN_BASE:
        return Figure("—")
    share = part / base
    return Figure(f"{round(share * 100)}%", share)


def hours_figure(interval: timedelta | None, base: int) -> Figure:
    if interval is None or base < MIN_BASE:
        return Figure("—")
    hours = interval.total_seconds() / 3600
    if hours < 1:
        return Figure(f"{max(1, round(hours * 60))} menit", hours)
    return Figure(f"{hours:.1f} jam".replace(".", ","), hours)


def rating_figure(average: float | None, base: int) -> Figure:
    if average is None or base < MIN_BASE:
        return Figure("—")
    return Figure(f"{average:.1f}".replace(".", ","), average)


def _has_rating_field() -> bool:
    return any(f.name == RATING_FIELD for f in Inquiry._meta.concrete_fields)


def _window(now: datetime) -> tuple[datetime, datetime, list[date]]:
    """The last `MONTHS` regency months, this one included: [start, end) and month starts."""
    tz = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(tz)
    year, month = local.year, local.month
    firsts = []
    for _ in range(MONTHS):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    start = datetime(firsts[0].year, firsts[0].month, 1, tzinfo=tz)
    return start, now, firsts


def _inquiry_aggregates(sla: timedelta, now: datetime, with_rating: bool) -> dict:
    answer_time = ExpressionWrapper(
        F("answered_at") - F("created_at"), output_field=DurationField()
    )
    judged = Q(answered_at__isnull=False) | Q(created_at__lte=now - sla)
    aggregates = {
        "received": Count("id"),
        "judged": Count("id", filter=judged),
        "within": Count(
            "id", filter=Q(answered_at__isnull=False, answered_at__lte=F("created_at") + sla)
        ),
        "answered": Count("id", filter=Q(answered_at__isnull=False)),
        "median": Median(answer_time, filter=Q(answered_at__isnull=False)),
    }
    if with_rating:
        aggregates["rated"] = Count(RATING_FIELD)
        aggregates["rating"] = Avg(RATING_FIELD)
    return aggregates


def _performance(name: str, slug: str, row: dict, made: int, received_refs: int) -> Performance:
    return Performance(
        name=name,
        slug=slug,
        received=count_figure(row.get("received", 0)),
        within_sla=share_figure(row.get("within", 0), row.get("judged", 0)),
        median_hours=hours_figure(row.get("median"), row.get("answered", 0)),
        referrals_made=count_figure(made),
        referrals_received=count_figure(received_refs),
        rating=rating_figure(row.get("rating"), row.get("rated", 0)) if "rated" in row else None,
    )


def _months(inquiries: QuerySet, firsts: list[date], sla: timedelta, now: datetime) -> list:
    tz = ZoneInfo(settings.TIME_ZONE)
    aggregates = _inquiry_aggregates(sla, now, with_rating=False)
    del aggregates["median"]
    by_month = {
        row["month"].astimezone(tz).date().replace(day=1): row
        for row in inquiries.annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values("month")
        .annotate(**aggregates)
        .order_by("month")
    }
    top = max((row["received"] for row in by_month.values()), default=0)
    months = []
    for first in firsts:
        row = by_month.get(first, {})
        received = row.get("received", 0)
        shown = count_figure(received)
        months.append(
            MonthRow(
                label=f"{MONTH_NAMES[first.month - 1]} {first.year}",
                key=first.strftime("%Y-%m"),
                received=shown,
                within_sla=share_figure(row.get("within", 0), row.get("judged", 0)),
                bar=round(100 * received / top) if top and shown.value else 0,
            )
        )
    return months


def service_performance(*, instansi: Instansi | None = None, now: datetime | None = None) -> Report:
    """The performance report of the regency (every active instansi listed) or of one instansi.

    Regency: 6 queries (instansi, inquiries by instansi, regency totals, referrals made,
    referrals received, months); one instansi: 5 (no list). Inactive and template instansi are
    left out.
    """
    now = now or timezone.now()
    sla = timedelta(hours=settings.SIMPUL_REFERRAL_SLA_HOURS)
    start, end, firsts = _window(now)
    with_rating = _has_rating_field()
    served = instansi_list_active()
    inquiries = Inquiry.objects.filter(
        created_at__gte=start, created_at__lt=end, instansi__in=served
    )
    referrals = Referral.objects.filter(requested_at__gte=start, requested_at__lt=end)
    aggregates = _inquiry_aggregates(sla, now, with_rating)
    if instansi is not None:
        inquiries = inquiries.filter(instansi=instansi)
        totals = inquiries.aggregate(**aggregates)
        made = referrals.filter(from_instansi=instansi).count()
        got = referrals.filter(to_instansi=instansi).count()
        own = _performance(instansi.name, instansi.schema_name, totals, made, got)
        return Report(
            start=start,
            end=end,
            sla_hours=settings.SIMPUL_REFERRAL_SLA_HOURS,
            regency=own,
            months=_months(inquiries, firsts, sla, now),
            has_ratings=with_rating and bool(totals.get("rated")),
        )
    listed = list(served.order_by("name").values_list("pk", "name", "schema_name"))
    rows = {
        row["instansi"]: row
        for row in inquiries.values("instansi").annotate(**aggregates).order_by()
    }
    made = dict(
        referrals.values_list("from_instansi")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("from_instansi", "n")
    )
    got = dict(
        referrals.values_list("to_instansi")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("to_instansi", "n")
    )
    totals = inquiries.aggregate(**aggregates)
    report = Report(
        start=start,
        end=end,
        sla_hours=settings.SIMPUL_REFERRAL_SLA_HOURS,
        regency=_performance(
            "Seluruh kabupaten", "", totals, sum(made.values()), sum(got.values())
        ),
        instansi=[
            _performance(name, slug, rows.get(pk, {}), made.get(pk, 0), got.get(pk, 0))
            for pk, name, slug in listed
        ],
        months=_months(inquiries, firsts, sla, now),
        has_ratings=with_rating and bool(totals.get("rated")),
    )
    return report
