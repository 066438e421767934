"""Reads for the regency portal (public schema only): instansi, latest news, news counts."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tenants.models import Instansi
from tenants.selectors import instansi_list_active

from .models import PortalNewsItem

CATEGORIES = ("kegiatan", "isu", "kebijakan")


def portal_instansi_list() -> QuerySet[Instansi]:
    """Active instansi with their portal identity (logo, colour) in one query."""
    return instansi_list_active().select_related("portal_profile")


def portal_news_list(
    *, query: str = "", instansi_slug: str = "", category: str = "", tagar: str = ""
) -> QuerySet[PortalNewsItem]:
    """Latest news of every active instansi, newest first, searchable and filterable.

    Unknown filters give an empty list; the instansi of each item comes in the same query.
    """
    items = PortalNewsItem.objects.filter(instansi__is_active=True, instansi__is_template=False)
    if instansi_slug:
        items = items.filter(instansi__schema_name=instansi_slug)
    if category:
        if category not in CATEGORIES:
            return PortalNewsItem.objects.none()
        items = items.filter(category=category)
    if tagar:
        tag = tagar if tagar.startswith("#") else f"#{tagar}"
        items = items.filter(tagar_keys__contains=[tag.lower()])
    for word in (query or "").lower().split()[:8]:
        items = items.filter(search_text__contains=word)
    return items.select_related("instansi").order_by("-date", "-first_published_at", "-id")


def portal_news_get(pk: int) -> PortalNewsItem | None:
    return PortalNewsItem.objects.select_related("instansi").filter(pk=pk).first()


def _as_datetime(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, time.min))


def news_counts(*, instansi: Instansi, start: date | datetime, end: date | datetime) -> dict:
    """Published news of `instansi` whose first publication falls in [start, end).

    Dates are read as midnight in the regency's time zone; months are regency months.
    Returns {"total", "by_category": {kegiatan, isu, kebijakan}, "by_tagar": {"#tagar": n},
    "by_month": {"YYYY-MM": n}}.
    """
    items = PortalNewsItem.objects.filter(
        instansi=instansi,
        first_published_at__gte=_as_datetime(start),
        first_published_at__lt=_as_datetime(end),
    )
    by_category = dict.fromkeys(CATEGORIES, 0)
    for row in items.values("category").annotate(n=Count("id")):
        by_category[row["category"]] = row["n"]
    by_tagar: dict[str, int] = {}
    display: dict[str, str] = {}
    # Hashtags count case-insensitively, shown as first written (the earliest item's spelling).
    for tags in items.order_by("first_published_at", "id").values_list("tagar", flat=True):
        for tag in tags:
            key = tag.lower()
            display.setdefault(key, tag)
            by_tagar[display[key]] = by_tagar.get(display[key], 0) + 1
    tz = ZoneInfo(settings.TIME_ZONE)
    by_month = {
        row["month"].astimezone(tz).strftime("%Y-%m"): row["n"]
        for row in items.annotate(month=TruncMonth("first_published_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    }
    return {
        "total": sum(by_category.values()),
        "by_category": by_category,
        "by_tagar": dict(sorted(by_tagar.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_month": by_month,
    }


def portal_filter_choices() -> dict:
    """Choices of the portal's filter form: active instansi that have published news."""
    return {
        "instansi": list(
            instansi_list_active()
            .filter(portal_news__isnull=False)
            .distinct()
            .values_list("schema_name", "name")
        ),
    }
