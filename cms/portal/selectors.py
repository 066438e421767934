"""Reads for the regency portal (public schema only): instansi, latest news, news counts, search."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Count, F, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Concat, TruncMonth
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.freshness import newest_by_instansi
from tenants.models import Instansi
from tenants.selectors import instansi_list_active

from .models import PortalNewsItem, PortalSearchEntry
from .services import MARK_START, MARK_STOP, SEARCH_CONFIG

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


SEARCH_QUERY_MAX = 200
MAX_RANKED = 1000


def search_query(text: str) -> SearchQuery | None:
    """The citizen's words as a PostgreSQL query (web-search syntax: "phrase", -word, or),
    stemmed with the `indonesian` configuration; None for blank input."""
    text = " ".join((text or "").split())[:SEARCH_QUERY_MAX]
    if not text:
        return None
    return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")


def _matching(
    search: SearchQuery, *, instansi_slug: str = "", kind: str = ""
) -> QuerySet[PortalSearchEntry]:
    # The served instansi as a list of ids, read first: joined or as a subquery, PostgreSQL
    # ran the text index once per instansi (50 times for a phrase: 0.9-2.4 s against 0.65 s).
    served = Instansi.objects.filter(is_active=True, is_template=False)
    if instansi_slug:
        served = served.filter(schema_name=instansi_slug)
    entries = PortalSearchEntry.objects.filter(
        instansi_id__in=list(served.values_list("pk", flat=True)), search_vector=search
    )
    if kind:
        entries = entries.filter(kind=kind)
    return entries


def _newest_first(query: str):
    """Newest first, in a form that lets PostgreSQL choose its plan well.

    For a "phrase" the planner counts the pages holding all its words, not the far fewer that
    hold them side by side, and walks the newest-first index expecting to stop early, reading
    most of the table instead (1.6 s at 100,000 entries). Ordered by an expression that index
    cannot serve, it finds the phrase through the text index and sorts the few matches
    (0.5 s). Every entry has a date, so both orders agree.
    """
    if '"' in query:
        return Coalesce(F("date"), Value(date.min)).desc()
    return F("date").desc(nulls_last=True)


def portal_search(
    *, query: str, instansi_slug: str = "", kind: str = ""
) -> QuerySet[PortalSearchEntry]:
    """Public pages, news and documents of active instansi matching `query`, best first.

    Ranked by PostgreSQL's ts_rank over the weighted vector (title above summary above body),
    then newest first. The ranking runs over the newest `MAX_RANKED` matches only: checking
    and ranking every match of a word found on most pages (50,000 of 100,000 in
    benchmarks/search.py) took 2.5 s, the newest thousand about 70 ms, so a very common word
    ranks recent pages (`portal_search_has_more` tells the page to suggest more words).
    An unknown filter or a blank query gives an empty list.
    """
    search = search_query(query)
    if search is None or (kind and kind not in PortalSearchEntry.Kind.values):
        return PortalSearchEntry.objects.none()
    candidates = (
        _matching(search, instansi_slug=instansi_slug, kind=kind)
        .order_by(_newest_first(query), "-id")
        .values("pk")[:MAX_RANKED]
    )
    return (
        PortalSearchEntry.objects.filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("search_vector"), search))
        .select_related("instansi")
        .defer("body", "search_vector")
        .order_by("-rank", F("date").desc(nulls_last=True), "-id")
    )


def portal_search_has_more(*, query: str, instansi_slug: str = "", kind: str = "") -> bool:
    """Whether `query` matches more than the `MAX_RANKED` entries that are ranked."""
    search = search_query(query)
    if search is None or (kind and kind not in PortalSearchEntry.Kind.values):
        return False
    # In the order of the newest index: the scan stops after MAX_RANKED + 1 matches (without
    # an order PostgreSQL reads every match through the text index first: 1.1 s against 40 ms
    # for a word on half of 100,000 entries).
    return (
        _matching(search, instansi_slug=instansi_slug, kind=kind)
        .order_by(F("date").desc(nulls_last=True), "-id")
        .values("pk")[MAX_RANKED : MAX_RANKED + 1]
        .exists()
    )


def _marked(text: str) -> SafeString:
    """A headline escaped as text, then its highlight marks made <mark> elements."""
    return mark_safe(  # noqa: S308 - escaped just before; only our own tags are added
        escape(text).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )


def portal_search_snippets(
    *, query: str, entry_ids: list[int]
) -> dict[int, tuple[SafeString, SafeString]]:
    """Highlighted (title, snippet) pairs (safe HTML) of the given entries, by id: one query for a page of
    results, so the costly ts_headline runs on those rows only."""
    search = search_query(query)
    if search is None or not entry_ids:
        return {}
    rows = (
        PortalSearchEntry.objects.filter(pk__in=entry_ids)
        .annotate(
            snippet=SearchHeadline(
                Concat("summary", Value(" "), "body", output_field=TextField()),
                search,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
            title_marked=SearchHeadline(
                "title",
                search,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                highlight_all=True,
            ),
        )
        .values_list("pk", "snippet", "title_marked")
    )
    return {pk: (_marked(title), _marked(snippet)) for pk, snippet, title in rows}


def portal_search_instansi_choices() -> list[tuple[str, str]]:
    """Active instansi for the search form's filter."""
    return list(instansi_list_active().values_list("schema_name", "name"))


def news_last_changes(*, instansi_ids: list[int]) -> dict[int, datetime | None]:
    """{instansi id: newest publication in the portal's news index} (None: no news)."""
    return newest_by_instansi(
        [(PortalNewsItem, "instansi", ("first_published_at", "last_published_at"))], instansi_ids
    )
