"""Writes of the public website: after-publish effects, identity, building an instansi's site.

Publishing itself is Wagtail's (and the SOP workflow's); what follows it lives here: the tenant's
page cache is dropped and the regency portal's index is updated, once the publishing
transaction has committed (`cms.signals` queues these with `transaction.on_commit`).
"""

import logging

from django.db import connection, transaction
from django_tenants.utils import schema_context

from tenants.models import Instansi

from .caching.generation import invalidate as cache_invalidate
from .models import IdentitySettings, NewsPage
from .portal.indexing import search_rebuild, search_sync_document, search_sync_pages
from .portal.services import (
    NewsEntry,
    portal_news_remove,
    portal_news_upsert,
    portal_profile_update,
)
from .selectors import CARD_RENDITION

logger = logging.getLogger("simpul.cms")

LOGO_RENDITION = "max-240x240"


def _instansi(schema_name: str) -> Instansi | None:
    return Instansi.objects.filter(schema_name=schema_name, is_template=False).first()


def _rendition_path(image, spec: str) -> str:
    """A rendition's file inside the schema's media folder, made now if it does not exist."""
    if image is None:
        return ""
    try:
        return image.get_rendition(spec).file.name
    except Exception:  # noqa: BLE001 - a broken image file must not block the index
        logger.warning("rendition %s of image %s failed", spec, image.pk, exc_info=True)
        return ""


def news_entry(page: NewsPage) -> NewsEntry:
    """What the portal lists of a news page (read in the page's own schema)."""
    _, _, page_path = page.get_url_parts() or (None, None, page.url_path)
    return NewsEntry(
        page_id=page.pk,
        title=page.title,
        lead=page.lead,
        url_path=page_path or "/",
        category=page.category,
        tagar=page.tagar_list,
        image_path=_rendition_path(page.image, CARD_RENDITION),
        image_alt=page.image_alt if page.image_id else "",
        date=page.date,
        first_published_at=page.first_published_at or page.last_published_at,
        last_published_at=page.last_published_at or page.first_published_at,
    )


def page_changed(*, schema_name: str, page_id: int | None = None) -> None:
    """After a commit that published, unpublished, moved or deleted a page of `schema_name`.

    Drops the tenant's page cache and brings the portal's copy of a news page up to date:
    a live news page is upserted, anything else with that id is removed. Idempotent.
    """
    with schema_context(schema_name):
        cache_invalidate()
        if page_id is None:
            return
        instansi = _instansi(schema_name)
        if instansi is None:
            return
        page = NewsPage.objects.filter(pk=page_id).select_related("image").first()
        # a page under a view restriction is not public: never copied to the portal
        public = page is not None and page.live and not page.get_view_restrictions().exists()
        if public and page.first_published_at:
            portal_news_upsert(instansi=instansi, entry=news_entry(page))
        else:
            portal_news_remove(instansi=instansi, page_id=page_id)
        search_sync_pages(schema_name=schema_name, page_id=page_id)


def page_changed_on_commit(page_id: int | None = None) -> None:
    """Queue `page_changed` for the current schema once the current transaction commits.

    The page cache is also dropped at once, so later reads in this same transaction (and in
    tests, whose transactions never commit) see the change; the drop after commit removes
    anything a concurrent request cached from the old data in between.
    """
    schema_name = connection.schema_name
    if schema_name == "public":
        return
    cache_invalidate()
    # robust: a failure after commit is logged, never shown to the editor; the sweeper
    # (portal_reconcile) catches the portal up.
    transaction.on_commit(
        lambda: page_changed(schema_name=schema_name, page_id=page_id), robust=True
    )


def cache_invalidate_on_commit() -> None:
    """Drop the current schema's page cache once the current transaction commits."""
    schema_name = connection.schema_name
    if schema_name == "public":
        return

    def _invalidate() -> None:
        with schema_context(schema_name):
            cache_invalidate()

    cache_invalidate()
    transaction.on_commit(_invalidate, robust=True)


def identity_changed(*, schema_name: str) -> None:
    """After the identity settings changed: new colours/logo on every page and on the portal."""
    with schema_context(schema_name):
        cache_invalidate()
        instansi = _instansi(schema_name)
        identity = IdentitySettings.objects.select_related("logo").first()
        if instansi is None or identity is None:
            return
        portal_profile_update(
            instansi=instansi,
            name=identity.name or instansi.name,
            short_name=identity.short_name,
            tagline=identity.tagline,
            logo_path=_rendition_path(identity.logo, LOGO_RENDITION),
            primary_colour=identity.primary_colour,
        )


def identity_changed_on_commit() -> None:
    schema_name = connection.schema_name
    if schema_name == "public":
        return
    cache_invalidate()
    transaction.on_commit(lambda: identity_changed(schema_name=schema_name), robust=True)


def portal_reconcile(*, schema_name: str) -> dict[str, int]:
    """Bring the portal's copy of one instansi's news in line with its live pages.

    The sweeper behind the on-commit updates: a publish whose update was lost (a crash between
    commit and callback, a failing image) is caught up here. Costs two reads when nothing
    differs; idempotent.
    """
    from .portal.models import PortalNewsItem

    with schema_context(schema_name):
        instansi = _instansi(schema_name)
        if instansi is None:
            return {"upserted": 0, "removed": 0}
        live = dict(NewsPage.objects.live().public().values_list("pk", "last_published_at"))
        indexed = dict(
            PortalNewsItem.objects.filter(instansi=instansi).values_list(
                "page_id", "last_published_at"
            )
        )
        stale = [pk for pk, at in live.items() if indexed.get(pk) != at]
        gone = [pk for pk in indexed if pk not in live]
        for page in NewsPage.objects.filter(pk__in=stale).select_related("image"):
            portal_news_upsert(instansi=instansi, entry=news_entry(page))
        if gone:
            PortalNewsItem.objects.filter(instansi=instansi, page_id__in=gone).delete()
    return {"upserted": len(stale), "removed": len(gone)}


def portal_reindex(*, schema_name: str) -> dict[str, int]:
    """Reconcile one instansi's news and refresh its identity on the portal (repair command)."""
    counts = portal_reconcile(schema_name=schema_name)
    identity_changed(schema_name=schema_name)
    search_rebuild(schema_name=schema_name)
    return counts


def document_changed_on_commit(document_id: int) -> None:
    """Queue the search index update of a saved or deleted document for after the commit."""
    schema_name = connection.schema_name
    if schema_name == "public":
        return
    transaction.on_commit(
        lambda: search_sync_document(schema_name=schema_name, document_id=document_id),
        robust=True,
    )


def search_restrictions_changed_on_commit() -> None:
    """A page or collection became private or public again: reconcile the instansi's search
    entries after the commit (the reconcile compares what the public may see with the index)."""
    from .portal.indexing import search_reconcile

    schema_name = connection.schema_name
    if schema_name == "public":
        return
    transaction.on_commit(lambda: search_reconcile(schema_name=schema_name), robust=True)
