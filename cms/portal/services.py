"""Writes on the portal's public-schema indexes: news items, search entries, instansi profiles.

Called by `cms.services` after a tenant's transaction commits; each write is an idempotent
upsert or delete keyed by (instansi, page id), so a repeated or late call does no harm.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.postgres.search import SearchVector
from django.db import transaction
from django.utils import timezone

from tenants.models import Instansi

from .models import PortalInstansiProfile, PortalNewsItem, PortalSearchEntry


@dataclass(frozen=True)
class NewsEntry:
    """What the portal keeps of one published news page."""

    page_id: int
    title: str
    lead: str
    url_path: str
    category: str
    tagar: list[str]
    image_path: str
    image_alt: str
    date: date
    first_published_at: datetime
    last_published_at: datetime


@transaction.atomic
def portal_news_upsert(*, instansi: Instansi, entry: NewsEntry) -> PortalNewsItem:
    item = (
        PortalNewsItem.objects.select_for_update()
        .filter(instansi=instansi, page_id=entry.page_id)
        .first()
    ) or PortalNewsItem(instansi=instansi, page_id=entry.page_id)
    item.title = entry.title[:255]
    item.lead = entry.lead
    item.url_path = entry.url_path[:500]
    item.category = entry.category
    item.tagar = list(entry.tagar)
    item.tagar_keys = [t.lower() for t in entry.tagar]
    item.image_path = entry.image_path[:500]
    item.image_alt = entry.image_alt[:250]
    item.date = entry.date
    item.first_published_at = entry.first_published_at
    item.last_published_at = entry.last_published_at
    item.search_text = " ".join([entry.title, entry.lead, " ".join(entry.tagar)]).lower()
    item.full_clean(validate_unique=False)
    item.save()
    return item


@transaction.atomic
def portal_news_remove(*, instansi: Instansi, page_id: int) -> int:
    deleted, _ = PortalNewsItem.objects.filter(instansi=instansi, page_id=page_id).delete()
    return deleted


@transaction.atomic
def portal_profile_update(
    *,
    instansi: Instansi,
    name: str,
    short_name: str = "",
    tagline: str = "",
    logo_path: str = "",
    primary_colour: str = "#0B5CAB",
) -> PortalInstansiProfile:
    profile, _ = PortalInstansiProfile.objects.select_for_update().get_or_create(
        instansi=instansi, defaults={"name": name}
    )
    profile.name = name[:200]
    profile.short_name = short_name[:60]
    profile.tagline = tagline[:200]
    profile.logo_path = logo_path[:500]
    profile.primary_colour = primary_colour
    profile.updated_at = timezone.now()
    profile.full_clean(validate_unique=False)
    profile.save()
    return profile


# The highlighted words of a search snippet are marked by PostgreSQL with these two
# private-use characters, never with HTML: the snippet is escaped as text and only then are the
# marks turned into <mark> (`cms.portal.selectors`). They are removed from indexed text.
MARK_START = "\ue000"
MARK_STOP = "\ue001"
SEARCH_BODY_MAX = 20_000
SEARCH_CONFIG = "indonesian"
SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    + SearchVector("body", weight="C", config=SEARCH_CONFIG)
)


@dataclass(frozen=True)
class SearchEntry:
    """What the regency's search keeps of one public page, news page or document."""

    kind: str
    object_id: int
    title: str
    summary: str
    body: str
    url_path: str
    date: date | None
    fingerprint: str


def _plain(text: str, limit: int) -> str:
    return " ".join(text.replace(MARK_START, "").replace(MARK_STOP, "").split())[:limit]


@transaction.atomic
def portal_search_upsert(*, instansi: Instansi, entries: Iterable[SearchEntry]) -> int:
    """Insert or update these entries of `instansi` and compute their search vectors.

    Two statements whatever the number of entries: one upsert, one vector update.
    """
    rows = [
        PortalSearchEntry(
            instansi=instansi,
            kind=entry.kind,
            object_id=entry.object_id,
            title=_plain(entry.title, 255),
            summary=_plain(entry.summary, 2000),
            body=_plain(entry.body, SEARCH_BODY_MAX),
            url_path=entry.url_path[:500],
            date=entry.date,
            fingerprint=entry.fingerprint[:64],
        )
        for entry in entries
    ]
    if not rows:
        return 0
    saved = PortalSearchEntry.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["instansi", "kind", "object_id"],
        update_fields=["title", "summary", "body", "url_path", "date", "fingerprint"],
    )
    PortalSearchEntry.objects.filter(pk__in=[row.pk for row in saved]).update(
        search_vector=SEARCH_VECTOR
    )
    return len(rows)


@transaction.atomic
def portal_search_remove(*, instansi: Instansi, kind: str, object_ids: Iterable[int]) -> int:
    """Remove entries of `instansi` (e.g. unpublished, deleted, made private). Idempotent."""
    ids = list(object_ids)
    if not ids:
        return 0
    deleted, _ = PortalSearchEntry.objects.filter(
        instansi=instansi, kind=kind, object_id__in=ids
    ).delete()
    return deleted


@transaction.atomic
def portal_search_replace(*, instansi: Instansi, entries: Iterable[SearchEntry]) -> int:
    """Make `instansi`'s entries exactly `entries` (the rebuild of `portal_reindex`)."""
    entries = list(entries)
    PortalSearchEntry.objects.filter(instansi=instansi).delete()
    return portal_search_upsert(instansi=instansi, entries=entries)
