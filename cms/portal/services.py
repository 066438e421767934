"""Writes on the portal's public-schema indexes: news items and instansi profiles.

Called by `cms.services` after a tenant's transaction commits; each write is an idempotent
upsert or delete keyed by (instansi, page id), so a repeated or late call does no harm.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from tenants.models import Instansi

from .models import PortalInstansiProfile, PortalNewsItem


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
