"""Feeds the regency's search index from one instansi's pages and documents (its own schema).

Runs after the instansi's transaction commits (`cms.services.page_changed`, the document
receivers in `cms.signals`), and in the periodic reconcile that catches up what an on-commit
update missed. Only what an anonymous visitor may open is indexed: live pages with no view
restriction on them or an ancestor, documents outside collections with a view restriction.
"""

import hashlib
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django_tenants.utils import schema_context
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from tenants.models import Instansi

from ..models import NewsPage
from .models import PortalSearchEntry
from .services import (
    SearchEntry,
    portal_search_remove,
    portal_search_replace,
    portal_search_upsert,
)

PAGE_KINDS = (PortalSearchEntry.Kind.HALAMAN, PortalSearchEntry.Kind.BERITA)
SUMMARY_FIELDS = ("lead", "intro", "hero_intro")
BODY_FIELDS = ("hero_title", "body")


def _instansi(schema_name: str) -> Instansi | None:
    return Instansi.objects.filter(schema_name=schema_name, is_template=False).first()


def _fingerprint(*parts) -> str:
    return hashlib.md5("\x1f".join(str(p) for p in parts).encode()).hexdigest()  # noqa: S324


def _page_fingerprint(last_published_at, url_path: str) -> str:
    return _fingerprint(last_published_at.isoformat() if last_published_at else "", url_path)


def _stream_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "stream_block"):
        parts = value.stream_block.get_searchable_content(value)
        return " ".join(strip_tags(str(p)) for p in parts)
    return strip_tags(str(value))


def page_search_entry(page: Page) -> SearchEntry | None:
    """The entry of a live page (specific), or None when it has no public address."""
    parts = page.get_url_parts()
    if not parts or not parts[2]:
        return None
    summary = next((getattr(page, f) for f in SUMMARY_FIELDS if getattr(page, f, "")), "")
    summary = summary or page.search_description
    body = " ".join(_stream_text(getattr(page, f, None)) for f in BODY_FIELDS)
    is_news = isinstance(page, NewsPage)
    published = page.last_published_at or page.first_published_at
    day: date | None = (
        page.date if is_news else (timezone.localdate(published) if published else None)
    )
    return SearchEntry(
        kind=PortalSearchEntry.Kind.BERITA if is_news else PortalSearchEntry.Kind.HALAMAN,
        object_id=page.pk,
        title=page.title,
        summary=summary,
        body=body,
        url_path=parts[2],
        date=day,
        fingerprint=_page_fingerprint(page.last_published_at, page.url_path),
    )


def _restricted_collection_paths() -> list[str]:
    return list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))


def _public_documents():
    documents = get_document_model().objects.all()
    restricted = _restricted_collection_paths()
    if restricted:
        condition = Q()
        for path in restricted:
            condition |= Q(collection__path__startswith=path)
        documents = documents.exclude(condition)
    return documents


def _document_fingerprint(title: str, file_name: str, collection_id: int) -> str:
    return _fingerprint(title, file_name, collection_id)


def document_search_entry(document) -> SearchEntry:
    filename = document.filename
    return SearchEntry(
        kind=PortalSearchEntry.Kind.DOKUMEN,
        object_id=document.pk,
        title=document.title,
        summary=f"Dokumen {document.file_extension.upper()}" if document.file_extension else "",
        body="",
        url_path=reverse(
            "wagtaildocs_serve", args=(document.pk, filename), urlconf="simpul.urls_tenant"
        ),
        date=timezone.localdate(document.created_at) if document.created_at else None,
        fingerprint=_document_fingerprint(
            document.title, document.file.name, document.collection_id
        ),
    )


def _public_live_pages():
    """Live pages a visitor can reach: none under a view restriction, and none below a page
    that is not live (Wagtail keeps such a page live, but its address is a 404)."""
    pages = Page.objects.live().filter(depth__gt=1)
    if PageViewRestriction.objects.exists():
        pages = pages.public()
    hidden = Q()
    for path, depth in Page.objects.not_live().filter(numchild__gt=0).values_list("path", "depth"):
        hidden |= Q(path__startswith=path, depth__gt=depth)
    return pages.exclude(hidden) if hidden else pages


def search_sync_pages(*, schema_name: str, page_id: int) -> None:
    """Bring the entries of a page and the pages below it in line (publish, unpublish, move,
    delete, slug change: a page's address is part of its descendants')."""
    with schema_context(schema_name):
        instansi = _instansi(schema_name)
        if instansi is None:
            return
        page = Page.objects.filter(pk=page_id).first()
        if page is None:
            for kind in PAGE_KINDS:
                portal_search_remove(instansi=instansi, kind=kind, object_ids=[page_id])
            return
        subtree = Page.objects.filter(path__startswith=page.path, depth__gte=page.depth)
        subtree_ids = set(subtree.values_list("pk", flat=True))
        entries = [
            entry
            for p in _public_live_pages().filter(pk__in=subtree_ids).specific()
            if (entry := page_search_entry(p)) is not None
        ]
        shown = {(e.kind, e.object_id) for e in entries}
        for kind in PAGE_KINDS:
            # A news page is never also listed as a page, nor a page left in after it went.
            portal_search_remove(
                instansi=instansi,
                kind=kind,
                object_ids=[pk for pk in subtree_ids if (kind, pk) not in shown],
            )
        portal_search_upsert(instansi=instansi, entries=entries)


def search_sync_document(*, schema_name: str, document_id: int) -> None:
    """After a document was saved or deleted: index it if the public may open it, else drop."""
    with schema_context(schema_name):
        instansi = _instansi(schema_name)
        if instansi is None:
            return
        document = _public_documents().filter(pk=document_id).first()
        if document is None:
            portal_search_remove(
                instansi=instansi, kind=PortalSearchEntry.Kind.DOKUMEN, object_ids=[document_id]
            )
        else:
            portal_search_upsert(instansi=instansi, entries=[document_search_entry(document)])


def _expected_fingerprints() -> dict[tuple[str, int], str]:
    expected = {}
    news_ids = set(NewsPage.objects.values_list("pk", flat=True))
    for pk, published, url_path in _public_live_pages().values_list(
        "pk", "last_published_at", "url_path"
    ):
        kind = PortalSearchEntry.Kind.BERITA if pk in news_ids else PortalSearchEntry.Kind.HALAMAN
        expected[(kind, pk)] = _page_fingerprint(published, url_path)
    for pk, title, file_name, collection_id in _public_documents().values_list(
        "pk", "title", "file", "collection_id"
    ):
        expected[(PortalSearchEntry.Kind.DOKUMEN, pk)] = _document_fingerprint(
            title, file_name, collection_id
        )
    return expected


def search_reconcile(*, schema_name: str) -> dict[str, int]:
    """Catch the index of one instansi up with its public pages and documents.

    Reads fingerprints only (a few queries) when nothing differs; loads and indexes the
    stale ones, removes what the public may no longer see. Idempotent.
    """
    with schema_context(schema_name):
        instansi = _instansi(schema_name)
        if instansi is None:
            return {"upserted": 0, "removed": 0}
        expected = _expected_fingerprints()
        indexed = {
            (kind, pk): fp
            for kind, pk, fp in PortalSearchEntry.objects.filter(instansi=instansi).values_list(
                "kind", "object_id", "fingerprint"
            )
        }
        stale = [key for key, fp in expected.items() if indexed.get(key) != fp]
        gone = [key for key in indexed if key not in expected]
        for kind in PortalSearchEntry.Kind.values:
            portal_search_remove(
                instansi=instansi, kind=kind, object_ids=[pk for k, pk in gone if k == kind]
            )
        entries = _entries_for(stale)
        portal_search_upsert(instansi=instansi, entries=entries)
    return {"upserted": len(entries), "removed": len(gone)}


def _entries_for(keys: list[tuple[str, int]]) -> list[SearchEntry]:
    page_ids = [pk for kind, pk in keys if kind in PAGE_KINDS]
    document_ids = [pk for kind, pk in keys if kind == PortalSearchEntry.Kind.DOKUMEN]
    entries = []
    if page_ids:
        for page in Page.objects.filter(pk__in=page_ids).specific():
            entry = page_search_entry(page)
            if entry is not None:
                entries.append(entry)
    if document_ids:
        for document in get_document_model().objects.filter(pk__in=document_ids):
            entries.append(document_search_entry(document))
    return entries


def search_rebuild(*, schema_name: str) -> int:
    """Rebuild the whole index of one instansi from its schema (the repair command)."""
    with schema_context(schema_name):
        instansi = _instansi(schema_name)
        if instansi is None:
            return 0
        keys = list(_expected_fingerprints())
        return portal_search_replace(instansi=instansi, entries=_entries_for(keys))
