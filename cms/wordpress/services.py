"""Writes of the WordPress import: media, pages, news, redirects and the mapping report.

One import reads the whole export, plans where every item goes (slugs, parents, new
addresses), then writes the items fifty to a transaction, the rows they share (records,
revisions, history lines, redirects, the address report) in one statement each: when an item
fails, its batch is rolled back and written again one item per transaction, so a failure
part-way leaves whole items only. A re-run finds each item by its WordPress post ID
(`WordPressImportRecord`), skips what did not change and updates what did. Search indexing,
the page cache and the portal are brought up to date once, after the items.

Imported history does not go through the publication SOP: pages are written live directly
(no `page_published` signal, no workflow, no SOP assignment), their Wagtail history says
"Diimpor dari WordPress", and the SOP's figures (assignments) never count them.
"""

import copy
import csv
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import slugify
from modelsearch.backends import get_search_backends
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    COMMENTS_RELATION_NAME,
    Page,
    PageLogEntry,
    ReferenceIndex,
    Revision,
    Site,
    get_root_collection_id,
)
from wagtail.search import index as search_index
from wagtail.signal_handlers import disable_reference_index_auto_update

from core.actions import action, register
from core.audit import record_change
from core.errors import SimpulError
from core.queue import send_on_commit

from ..documents import check_document_content
from ..models import NewsCategory, NewsIndexPage, NewsPage, StandardPage
from ..validators import TAGAR_RE
from . import content as wp_content
from . import wxr
from .models import (
    WordPressCategoryMap,
    WordPressImportRecord,
    WordPressImportRun,
    WordPressUrl,
)

logger = logging.getLogger("simpul.cms.wordpress")

IMPORTED = register("cms.wordpress.import", "Impor WordPress", "Diimpor dari WordPress")
Outcome = WordPressUrl.Outcome
Kind = WordPressImportRecord.Kind

IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"}
UNCATEGORISED = {"uncategorized", "tak-berkategori", "tanpa-kategori", "umum"}
MAX_FILE_BYTES = 50 * 1024 * 1024
FETCH_TIMEOUT = 10
FETCH_GIVE_UP = 3  # connection failures in a row before the old site counts as gone
MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024
LEAD_MAX = 600
# Bump when the conversion changes what it makes of the same WordPress item: a re-run then
# rewrites every item instead of skipping it as unchanged.
CONVERSION_VERSION = 1
# Items written per transaction: their shared rows (records, redirects, the address report,
# history lines) go in one statement each; a failing item sends its batch back to one
# transaction per item.
ITEMS_PER_TRANSACTION = 50
BATCH_FILE_BYTES = 64 * 1024 * 1024  # a batch of attachments holds at most about this in memory
PAGE_ERRORS = (ValidationError, ValueError)
ATTACHMENT_ERRORS = (ValidationError, OSError, ValueError)
RECORD_FIELDS = [
    "guid",
    "source_hash",
    "file_hash",
    "author",
    "page",
    "image",
    "document",
    "last_run",
    "updated_at",
]

# Guesses of a Pasal 11 category from a WordPress category's slug or name; the operator's map
# (admin screen or --category-map) always wins, and the report says which were guessed.
CATEGORY_GUESSES = (
    (
        NewsCategory.KEBIJAKAN,
        r"kebijakan|regulasi|peraturan|perbup|perda|edaran|undang|kementerian|pusat|provinsi|"
        r"nasional|permen|pergub",
    ),
    (NewsCategory.ISU, r"isu|aktual|daerah|opini|artikel|hoa[kx]s|klarifikasi|wilayah"),
    (
        NewsCategory.KEGIATAN,
        r"kegiatan|agenda|acara|liputan|berita|pengumuman|galeri|kunjungan|rapat|pelatihan",
    ),
)


# --- category map ---------------------------------------------------------------------------------


def _parse_category(value: str) -> str | None:
    value = (value or "").strip().lower()
    for choice in NewsCategory:
        if value in (choice.value, choice.label.lower()):
            return choice.value
    aliases = {"a": "kegiatan", "b": "isu", "c": "kebijakan", "11a": "kegiatan", "11b": "isu"}
    return aliases.get(value.replace("pasal", "").replace(" ", "").replace("huruf", ""))


def category_map_parse_csv(text: str) -> dict[str, str]:
    """`slug_wordpress,kategori` lines (a header line is allowed) → {slug: Pasal 11 category}."""
    mapping: dict[str, str] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
            continue
        if len(row) < 2:
            raise SimpulError(
                f"Baris {number} peta kategori harus berisi dua kolom: slug kategori "
                "WordPress, lalu kategori Pasal 11 (kegiatan, isu, atau kebijakan).",
                field="category_map",
            )
        slug, category = row[0].strip(), _parse_category(row[1])
        if category is None:
            if number == 1:
                continue  # a header line
            raise SimpulError(
                f"Baris {number} peta kategori: “{row[1].strip()}” bukan kategori Pasal 11; "
                "pakai kegiatan, isu, atau kebijakan.",
                field="category_map",
            )
        mapping[slug] = category
    return mapping


@action(
    "cms.wordpress.category_map",
    "Ubah pemetaan kategori WordPress",
    permission="cms.change_wordpresscategorymap",
)
def category_map_update(*, actor, mapping: dict[str, str], names: dict[str, str] | None = None):
    """Save the operator's Pasal 11 category for each WordPress category slug."""
    names = names or {}
    saved = []
    for slug, category in mapping.items():
        row, _ = WordPressCategoryMap.objects.update_or_create(
            wp_slug=slug, defaults={"category": category, "wp_name": names.get(slug, "")[:200]}
        )
        saved.append(row)
    return saved


# --- starting an import from the admin ------------------------------------------------------------


@action(
    "cms.wordpress.import_start",
    "Mulai impor WordPress",
    "Impor WordPress dimulai",
    permission="cms.add_wordpressimportrun",
)
def wordpress_import_start(
    *,
    actor,
    export_file,
    media_archive=None,
    default_category: str = NewsCategory.KEGIATAN,
    category_csv: str = "",
    dry_run: bool = False,
) -> WordPressImportRun:
    """Store the uploaded export (and uploads archive) and queue the import as a Celery job."""
    from . import tasks

    if _parse_category(default_category) is None:
        raise SimpulError("Pilih kategori bawaan Pasal 11.", field="default_category")
    head = export_file.read(4096)
    export_file.seek(0)
    if b"<rss" not in head and b"wordpress.org/export" not in head:
        raise SimpulError(
            "Berkas ini bukan ekspor WordPress (WXR). Buat ekspor di WordPress lewat "
            "Alat › Ekspor › Semua konten, lalu unggah berkas .xml-nya.",
            field="export_file",
        )
    if media_archive is not None and not zipfile.is_zipfile(media_archive):
        raise SimpulError(
            "Arsip unggahan harus berupa berkas ZIP dari folder wp-content/uploads.",
            field="media_archive",
        )
    if category_csv.strip():
        mapping = category_map_parse_csv(category_csv)
        for slug, category in mapping.items():
            WordPressCategoryMap.objects.update_or_create(
                wp_slug=slug, defaults={"category": category}
            )
    run = WordPressImportRun(
        requested_by=actor if getattr(actor, "pk", None) else None,
        source_name=os.path.basename(export_file.name)[:255],
        default_category=_parse_category(default_category),
        dry_run=dry_run,
    )
    run.export_file.save(f"ekspor-{timezone.now():%Y%m%d%H%M%S}.xml", export_file, save=False)
    if media_archive is not None:
        media_archive.seek(0)
        run.media_archive.save(
            f"unggahan-{timezone.now():%Y%m%d%H%M%S}.zip", media_archive, save=False
        )
    run.save()
    record_change(
        actor=actor,
        action="cms.wordpress.import_start",
        obj=run,
        summary=f"Impor WordPress dari {run.source_name}",
    )
    send_on_commit(tasks.wordpress_import_run, run.pk)
    return run


# --- the import -------------------------------------------------------------------------------------


@dataclass
class Planned:
    item: wxr.Item
    kind: str
    slug: str = ""
    path: str = ""  # the new address (pages and news)
    parent_key: int | None = None  # a page's WordPress parent, when imported
    adopt: Page | None = None  # an existing empty section page taking this page's place
    live: bool = False
    archived_reason: str = ""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    archived: int = 0
    dropped: int = 0
    failed: int = 0
    images: int = 0
    documents: int = 0
    deduplicated: int = 0
    redirects: int = 0
    warnings: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Options:
    media_dir: str | None = None
    fetch_remote: bool = True
    dry_run: bool = False
    default_category: str = NewsCategory.KEGIATAN
    category_map: dict[str, str] = field(default_factory=dict)


@dataclass
class _Pending:
    """Rows of the items written in one transaction, written together at its end."""

    records: dict[tuple, WordPressImportRecord] = field(default_factory=dict)
    revised: list[tuple] = field(default_factory=list)  # (page, its new revision, live)
    history: list[PageLogEntry] = field(default_factory=list)
    children: dict[int, int] = field(default_factory=dict)  # parent page → pages added
    redirects: dict[str, Redirect] = field(default_factory=dict)  # by old path: the last wins
    addresses: dict[str, WordPressUrl] = field(default_factory=dict)  # the report, likewise
    files: list = field(default_factory=list)  # files stored for new images and documents


def _sha(*parts) -> str:
    return hashlib.sha1(
        json.dumps(parts, sort_keys=True, default=str).encode(), usedforsecurity=False
    ).hexdigest()


def _hashtag(name: str) -> str:
    words = re.findall(r"[^\W_]+", name)
    tag = "".join(w[:1].upper() + w[1:] for w in words)[:50]
    return f"#{tag}" if tag else ""


def _path(url: str) -> str:
    parsed = urlparse(url)
    path = parsed.path or "/"
    return path + (f"?{parsed.query}" if parsed.query else "")


def _norm(path: str) -> str:
    return Redirect.normalise_path(path)


class Importer:
    """One run of the import over one parsed export."""

    def __init__(
        self,
        *,
        run: WordPressImportRun,
        export: wxr.Export,
        options: Options,
        progress: Callable[[int, int], None] | None = None,
    ):
        self.run = run
        self.export = export
        self.options = options
        self.progress = progress
        self.counts = Counts()
        self.warnings: list[dict] = []
        self.site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if self.site is None:
            raise SimpulError("Situs instansi belum dibuat; impor tidak dapat dijalankan.")
        self.home = self.site.root_page.specific
        self.news_index = NewsIndexPage.objects.order_by("depth", "path").first()
        if self.news_index is None:
            raise SimpulError("Halaman indeks berita belum ada; impor tidak dapat dijalankan.")
        self.news_path = self.news_index.relative_url(self.site) or "/berita/"
        self.records = {
            (r.kind, r.wp_id): r
            for r in WordPressImportRecord.objects.select_related("page", "image", "document")
        }
        self.hosts = {export.host, export.host.removeprefix("www."), "www." + export.host}
        self.planned: dict[int, Planned] = {}
        self.old_to_new: dict[str, str] = {}
        self.media: dict[int, SimpleNamespace] = {}  # WordPress attachment ID → image/document
        self.media_by_path: dict[str, SimpleNamespace] = {}
        self.processed = 0
        self.fetch_failures = 0
        self.total = 0
        self._last_progress = 0.0
        self.category_report: dict[str, dict] = {}
        self.one_site = Site.objects.count() == 1
        self.collection_id = get_root_collection_id()
        # Images and documents by content hash (deduplication), filled as files are read.
        self.by_hash: dict[str, dict[str, object]] = {"image": {}, "document": {}}
        self.last_child_path: dict[int, str] = {}  # parent page → its last child's tree path
        self.pending: _Pending | None = None  # rows of the open transaction, see `_writes`

    # -- reporting
    def warn(self, item: wxr.Item | None, message: str) -> None:
        self.counts.warnings += 1
        if len(self.warnings) < 2000:
            self.warnings.append(
                {
                    "wp_id": item.wp_id if item else None,
                    "title": (item.title if item else "")[:120],
                    "message": message,
                }
            )

    def tick(self) -> None:
        self.processed += 1
        if self.progress:
            self.progress(self.processed, self.total)
        now = time.monotonic()
        if now - self._last_progress > 1 or self.processed == self.total:
            self._last_progress = now
            WordPressImportRun.objects.filter(pk=self.run.pk).update(
                processed=self.processed, total=self.total
            )

    # -- categories and hashtags
    def _plan_categories(self) -> None:
        by_slug = {t.slug: t for t in self.export.categories}
        mapping = (
            dict(WordPressCategoryMap.objects.values_list("wp_slug", "category"))
            | self.options.category_map
        )
        for term in self.export.categories:
            how, category = "bawaan", self.options.default_category
            seen, current = set(), term
            while current is not None and current.slug not in seen:
                seen.add(current.slug)
                if current.slug in mapping:
                    how = "peta" if current is term else f"peta induk ({current.slug})"
                    category = mapping[current.slug]
                    break
                current = by_slug.get(current.parent) if current.parent else None
            if how == "bawaan" and term.slug not in UNCATEGORISED:
                text = f"{term.slug} {term.name}".lower()
                for choice, pattern in CATEGORY_GUESSES:
                    if re.search(pattern, text):
                        how, category = "tebakan", choice
                        break
            self.category_report[term.slug] = {
                "slug": term.slug,
                "name": term.name,
                "category": str(category),
                "how": how,
                "posts": 0,
            }

    def _category_of(self, item: wxr.Item) -> str:
        ranked = {"peta": 0, "tebakan": 2, "bawaan": 3}
        best = None
        for term in item.categories:
            entry = self.category_report.get(term.slug)
            if entry is None:
                continue
            rank = ranked.get(entry["how"], 1)
            if best is None or rank < best[0]:
                best = (rank, entry)
        if best is None:
            return self.options.default_category
        best[1]["posts"] += 1
        return best[1]["category"]

    def _tagar_of(self, item: wxr.Item) -> str:
        tags, seen = [], set()
        terms = item.tags or [t for t in item.categories if t.slug not in UNCATEGORISED]
        for term in terms:
            tag = _hashtag(term.name or term.slug)
            if tag and TAGAR_RE.match(tag) and tag.lower() not in seen:
                seen.add(tag.lower())
                tags.append(tag)
        if not tags:
            self.warn(item, "Tidak ada tag atau kategori: tagar diisi #Berita.")
            tags = ["#Berita"]
        return " ".join(tags[:10])

    # -- planning
    def _plan(self) -> None:
        taken_news = set(self.news_index.get_children().values_list("slug", flat=True))
        own = {
            r.page_id
            for r in self.records.values()
            if r.page_id and r.kind in (Kind.POST, Kind.PAGE)
        }
        home_children = {p.slug: p for p in self.home.get_children().specific()}
        for key, record in self.records.items():
            if record.page is not None and key[0] == Kind.POST:
                taken_news.discard(record.page.slug)
        pages = self.export.of_type("page")
        ids = {p.wp_id for p in pages}
        depth: dict[int, int] = {}

        def depth_of(item: wxr.Item, guard: int = 0) -> int:
            if item.wp_id in depth:
                return depth[item.wp_id]
            parent = next((p for p in pages if p.wp_id == item.parent), None)
            value = 0 if parent is None or guard > 50 else depth_of(parent, guard + 1) + 1
            depth[item.wp_id] = value
            return value

        by_parent_slugs: dict[int | None, set[str]] = {}
        for item in sorted(pages, key=lambda p: (depth_of(p), p.menu_order, p.wp_id)):
            plan = self._planned(item, Kind.PAGE)
            if plan is None:
                continue
            parent_key = item.parent if item.parent in ids and item.parent in self.planned else None
            plan.parent_key = parent_key
            base = self._slug(item)
            record = self.records.get((Kind.PAGE, item.wp_id))
            siblings = by_parent_slugs.setdefault(parent_key, set())
            slug = base
            if parent_key is None:
                existing = home_children.get(slug)
                mine = (
                    record is not None
                    and record.page_id
                    and existing is not None
                    and (existing.pk == record.page_id)
                )
                if existing is not None and not mine:
                    if (
                        isinstance(existing, StandardPage)
                        and not existing.body
                        and existing.pk not in own
                        and slug not in siblings
                    ):
                        plan.adopt = existing
                    else:
                        slug = self._unique(base, siblings | set(home_children))
            if slug in siblings:
                slug = self._unique(base, siblings)
            siblings.add(slug)
            plan.slug = slug
            parent_path = self.planned[parent_key].path if parent_key else "/"
            plan.path = f"{parent_path}{slug}/"
        for item in sorted(self.export.of_type("post"), key=lambda p: p.wp_id):
            plan = self._planned(item, Kind.POST)
            if plan is None:
                continue
            record = self.records.get((Kind.POST, item.wp_id))
            base = self._slug(item)
            slug = base
            if record is None or record.page is None or record.page.slug != base:
                slug = self._unique(base, taken_news)
            elif record.page.slug == base:
                slug = base
            taken_news.add(slug)
            plan.slug = slug
            plan.path = f"{self.news_path}{slug}/"
        for plan in self.planned.values():
            if plan.path:
                for old in self._old_paths(plan):
                    self.old_to_new.setdefault(_norm(old), plan.path)

    def _planned(self, item: wxr.Item, kind: str) -> Planned | None:
        if item.status in ("trash", "auto-draft", "inherit"):
            return None
        plan = Planned(item=item, kind=kind)
        if item.status == "publish" and not item.password:
            plan.live = True
        elif item.status == "publish":
            plan.archived_reason = "Dilindungi kata sandi di WordPress: diimpor tanpa ditayangkan."
        elif item.status == "private":
            plan.archived_reason = "Privat di WordPress: diimpor tanpa ditayangkan."
        elif item.status == "future":
            plan.archived_reason = "Terjadwal di WordPress: diimpor sebagai draf."
        else:
            plan.archived_reason = "Draf di WordPress: diimpor sebagai draf."
        self.planned[item.wp_id] = plan
        return plan

    def _slug(self, item: wxr.Item) -> str:
        slug = slugify(unquote(item.slug), allow_unicode=True) or slugify(
            item.title, allow_unicode=True
        )
        return (slug or f"wp-{item.wp_id}")[:200]

    @staticmethod
    def _unique(base: str, taken: set[str]) -> str:
        if base not in taken:
            return base
        n = 2
        while f"{base}-{n}" in taken:
            n += 1
        return f"{base}-{n}"

    def _old_paths(self, plan: Planned) -> list[str]:
        """Every address the item had on the old site, its permalink first."""
        item = plan.item
        paths = []
        if item.link and self.on_site(item.link):
            paths.append(_path(item.link))
        if plan.kind == Kind.PAGE:
            paths.append(f"/?page_id={item.wp_id}")
        else:
            paths.append(f"/?p={item.wp_id}")
            slug = unquote(item.slug)
            if slug and item.date and plan.live:
                d = item.date
                paths += [
                    f"/{d:%Y/%m/%d}/{slug}/",
                    f"/{d:%Y/%m}/{slug}/",
                    f"/{slug}/",
                    f"/archives/{item.wp_id}/",
                ]
        if item.guid and self.on_site(item.guid):
            paths.append(_path(item.guid))
        seen, out = set(), []
        for path in paths:
            key = _norm(path)
            if key not in seen:
                seen.add(key)
                out.append(path)
        return out

    # -- the resolver the content converter uses
    def on_site(self, url: str) -> bool:
        if url.startswith("/") and not url.startswith("//"):
            return True
        return urlparse(url).netloc.lower() in self.hosts

    def image(self, *, wp_id: int | None, url: str):
        found = self.media.get(wp_id) if wp_id else None
        if (found is None or found.kind != "image") and url:
            found = self._media_for_url(url)
        return found if found is not None and found.kind == "image" else None

    def document(self, *, wp_id: int | None, url: str):
        found = self.media.get(wp_id) if wp_id else None
        if (found is None or found.kind != "document") and url:
            found = self._media_for_url(url)
        return found if found is not None and found.kind == "document" else None

    def file_url(self, url: str) -> str | None:
        found = self._media_for_url(url)
        return found.url if found is not None else None

    def internal(self, url: str) -> str | None:
        return self.old_to_new.get(_norm(_path(url)))

    def _media_for_url(self, url: str):
        rel = wxr.uploads_path(url)
        if not rel:
            return None
        return self.media_by_path.get(rel) or self.media_by_path.get(wxr.original_upload(rel))

    # -- attachments
    def _read_file(self, item: wxr.Item, rel: str) -> bytes | None:
        if self.options.media_dir:
            base = Path(self.options.media_dir)
            for candidate in (
                base / rel,
                base / "uploads" / rel,
                base / "wp-content/uploads" / rel,
            ):
                try:
                    resolved = candidate.resolve()
                    if base.resolve() in resolved.parents and resolved.is_file():
                        if resolved.stat().st_size > MAX_FILE_BYTES:
                            self.warn(item, f"Berkas lebih dari 50 MB dilewati: {rel}")
                            return None
                        return resolved.read_bytes()
                except OSError:
                    continue
        if self.options.fetch_remote and self.fetch_failures < FETCH_GIVE_UP:
            data = self._fetch(item)
            if data is not None:
                return data
        return None

    def _fetch(self, item: wxr.Item) -> bytes | None:
        """The file from the old site itself, only there, and never from an internal address
        (the export names the addresses: it must not make the server call its neighbours)."""
        import requests

        url = item.attachment_url
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or parsed.netloc.lower() not in self.hosts:
            return None
        if not _public_host(parsed.hostname or ""):
            self.fetch_failures = FETCH_GIVE_UP
            self.warn(
                None, f"Situs lama {parsed.hostname} beralamat internal: berkas tidak diunduh."
            )
            return None
        try:
            response = requests.get(url, timeout=FETCH_TIMEOUT, stream=True, allow_redirects=False)
            if response.status_code == 200:
                data = response.raw.read(MAX_FILE_BYTES + 1, decode_content=True)
                if len(data) <= MAX_FILE_BYTES:
                    self.fetch_failures = 0
                    return data
            return None
        except requests.RequestException:
            self.fetch_failures += 1
            if self.fetch_failures == FETCH_GIVE_UP:
                self.warn(
                    None,
                    "Situs lama tidak dapat dijangkau: berkas berikutnya tidak diunduh lagi. "
                    "Unggah arsip folder wp-content/uploads lalu jalankan impor lagi.",
                )
            return None

    def _attachments(self) -> None:
        jobs: list[SimpleNamespace] = []
        held = 0  # bytes of the files read for the batch
        for item in self.export.of_type("attachment"):
            job = self._attachment_job(item)
            if job is None:
                continue
            jobs.append(job)
            held += len(job.data)
            if len(jobs) == ITEMS_PER_TRANSACTION or held >= BATCH_FILE_BYTES:
                self._write_attachments(jobs)
                jobs, held = [], 0
        self._write_attachments(jobs)

    def _write_attachments(self, jobs: list[SimpleNamespace]) -> None:
        self._known_files(jobs)
        self._write_together(
            jobs, self._write_attachment, self._attachment_failed, ATTACHMENT_ERRORS
        )

    def _attachment_job(self, item: wxr.Item) -> SimpleNamespace | None:
        """What one attachment needs written (its file read and hashed), or None when it is
        skipped, left out or (in a dry run) only counted."""
        rel = wxr.uploads_path(item.attachment_url or item.guid) or item.meta.get(
            "_wp_attached_file", ""
        )
        record = self.records.get((Kind.ATTACHMENT, item.wp_id))
        extension = rel.rsplit(".", 1)[-1].lower() if "." in rel else ""
        kind = (
            "image"
            if extension in IMAGE_EXTENSIONS
            else ("document" if extension in settings.WAGTAILDOCS_EXTENSIONS else "")
        )
        source_hash = _sha(
            item.attachment_url,
            item.title,
            item.meta.get("_wp_attachment_image_alt"),
            item.excerpt,
        )
        if (
            record is not None
            and record.source_hash == source_hash
            and (record.image_id or record.document_id)
        ):
            self._remember_record(item, rel, record)
            self.counts.skipped += 1
            self.tick()
            return None
        if not kind:
            with self._writes():
                self._drop_paths(
                    item,
                    [_path(item.attachment_url)] if item.attachment_url else [],
                    f"Jenis berkas .{extension or '?'} tidak didukung (hanya gambar dan dokumen).",
                    "attachment",
                )
            self.tick()
            return None
        data = self._read_file(item, rel)
        if data is None:
            self.warn(
                item,
                f"Berkas lampiran tidak ditemukan di folder unggahan maupun di situs lama: {rel}",
            )
            with self._writes():
                self._drop_paths(
                    item, [_path(item.attachment_url)], "Berkas tidak ditemukan.", "attachment"
                )
            self.tick()
            return None
        name = os.path.basename(rel) or f"wp-{item.wp_id}.{extension}"
        title = (item.title or name)[:255]
        if self.options.dry_run:
            self.counts.created += 1
            self.media[item.wp_id] = SimpleNamespace(pk=0, kind=kind, title=title, url="", obj=None)
            self.tick()
            return None
        return SimpleNamespace(
            item=item,
            rel=rel,
            kind=kind,
            record=record,
            source_hash=source_hash,
            data=data,
            file_hash=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
            name=name,
            title=title,
        )

    def _known_files(self, jobs: list[SimpleNamespace]) -> None:
        """The images and documents already stored with these files' contents, in one query
        per kind (deduplication by content hash)."""
        for kind, model in (("image", get_image_model()), ("document", get_document_model())):
            known = self.by_hash[kind]
            wanted = {job.file_hash for job in jobs if job.kind == kind} - set(known)
            if wanted:
                for obj in model.objects.filter(file_hash__in=wanted).order_by("pk"):
                    known.setdefault(obj.file_hash, obj)

    def _write_attachment(self, job: SimpleNamespace) -> None:
        item, kind, record = job.item, job.kind, job.record
        obj = self.by_hash[kind].get(job.file_hash)
        created = deduplicated = False
        if obj is None:
            if kind == "image":
                obj = get_image_model()(
                    title=job.title,
                    file_size=len(job.data),
                    file_hash=job.file_hash,
                    collection_id=self.collection_id,
                )
                obj.file = ImageFile(io.BytesIO(job.data), name=job.name)
                obj.save()
                self.pending.files.append(obj.file)
                self.counts.images += 1
            else:
                upload = ContentFile(job.data, name=job.name)
                check_document_content(upload)
                obj = get_document_model()(
                    title=job.title,
                    file_size=len(job.data),
                    file_hash=job.file_hash,
                    collection_id=self.collection_id,
                )
                obj.file = upload
                obj.save()
                self.pending.files.append(obj.file)
                self.counts.documents += 1
            created = True
            self.by_hash[kind][job.file_hash] = obj
            self.to_index.setdefault(type(obj), []).append(obj)
        if not created and (record is None or record.file_hash != job.file_hash):
            deduplicated = True
            self.counts.deduplicated += 1
        record = self._record(
            Kind.ATTACHMENT,
            item,
            job.source_hash,
            file_hash=job.file_hash,
            image=obj if kind == "image" else None,
            document=obj if kind == "document" else None,
        )
        entry = self._remember_record(item, job.rel, record, obj=obj)
        self._attachment_redirects(item, job.rel, entry.url)
        if created or deduplicated:
            self.counts.created += 1
        else:
            self.counts.updated += 1

    def _attachment_failed(self, job: SimpleNamespace, exc: Exception) -> None:
        self.counts.failed += 1
        self.warn(job.item, f"Lampiran gagal diimpor: {_message(exc)}")
        self._drop_paths(
            job.item, [_path(job.item.attachment_url)], "Berkas tidak sah.", "attachment"
        )

    def _remember_record(self, item, rel, record, obj=None) -> SimpleNamespace:
        obj = obj or record.image or record.document
        kind = "image" if record.image_id else "document"
        url = obj.file.url if kind == "image" else obj.url
        entry = SimpleNamespace(pk=obj.pk, kind=kind, title=obj.title, url=url, obj=obj)
        self.media[item.wp_id] = entry
        if rel:
            self.media_by_path[rel] = entry
            folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
            for size in wxr.attachment_sizes(item):
                self.media_by_path[folder + size] = entry
        return entry

    def _attachment_redirects(self, item: wxr.Item, rel: str, url: str) -> None:
        folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
        paths = [_path(item.attachment_url)] if item.attachment_url else []
        paths += [f"/wp-content/uploads/{folder}{size}" for size in wxr.attachment_sizes(item)]
        if item.link and self.on_site(item.link):
            paths.append(_path(item.link))
        paths.append(f"/?attachment_id={item.wp_id}")
        self._redirect(item, "attachment", paths, link=url)

    # -- pages and news
    def _items(self) -> None:
        plans = [p for p in self.planned.values() if p.kind == Kind.PAGE]
        plans += [p for p in self.planned.values() if p.kind == Kind.POST]
        for start in range(0, len(plans), ITEMS_PER_TRANSACTION):
            jobs = [
                job
                for plan in plans[start : start + ITEMS_PER_TRANSACTION]
                if (job := self._page_job(plan))
            ]
            self._write_together(jobs, self._write_page, self._page_failed, PAGE_ERRORS)

    def _page_job(self, plan: Planned) -> SimpleNamespace | None:
        """What one page or post needs written (its content converted), or None when it is
        unchanged or (in a dry run) only counted."""
        item = plan.item
        record = self.records.get((plan.kind, item.wp_id))
        taxonomy = (
            {"category": self._category_of(item), "tagar": self._tagar_of(item)}
            if plan.kind == Kind.POST
            else {}
        )
        # What the page is made from: when none of it changed, the item is skipped before its
        # content is converted (a re-run of an unchanged site reads, hashes and compares).
        source_hash = _sha(
            CONVERSION_VERSION,
            item.title,
            item.slug,
            item.status,
            bool(item.password),
            item.content,
            item.excerpt,
            item.date,
            item.date_gmt,
            self.export.authors.get(item.creator, item.creator),
            item.thumbnail_id,
            plan.live,
            plan.slug,
            plan.parent_key,
            taxonomy,
            self.media_token,
        )
        page = record.page if record is not None and record.page_id else None
        if page is not None and record.source_hash == source_hash:
            self.counts.skipped += 1
            self.tick()
            return None
        page = page.specific if page is not None else None
        converted = wp_content.convert(item.content, self)
        for message in converted.warnings:
            self.warn(item, message)
        fields = self._fields(plan, converted) | taxonomy
        if self.options.dry_run:
            if plan.archived_reason:
                self.counts.archived += 1
            self.counts.created += page is None
            self.counts.updated += page is not None
            self.tick()
            return None
        return SimpleNamespace(
            plan=plan, page=page, source_hash=source_hash, fields=fields, converted=converted
        )

    def _write_page(self, job: SimpleNamespace) -> None:
        plan, item = job.plan, job.plan.item
        created = job.page is None
        page = self._save_page(plan, job.page, job.fields, job.converted)
        self._record(
            plan.kind,
            item,
            job.source_hash,
            page=page,
            author=self.export.authors.get(item.creator, item.creator),
        )
        self._page_addresses(plan, page)
        if plan.archived_reason:
            self.counts.archived += 1
        self.counts.created += created
        self.counts.updated += not created

    def _page_failed(self, job: SimpleNamespace, exc: Exception) -> None:
        self.counts.failed += 1
        self.warn(job.plan.item, f"Tidak diimpor: {_message(exc)}")

    # -- writing many items in one transaction
    def _write_together(
        self,
        jobs: list[SimpleNamespace],
        write: Callable[[SimpleNamespace], None],
        failed: Callable[[SimpleNamespace, Exception], None],
        errors: tuple[type[Exception], ...],
    ) -> None:
        """Write these items in one transaction; when one of them fails, the transaction is
        rolled back and each item is written again in a transaction of its own, so a failure
        leaves whole items only (the failing one reported, the others imported)."""
        if not jobs:
            return
        state = self._state()
        try:
            with self._writes():
                for job in jobs:
                    write(job)
        except (*errors, DatabaseError):
            self._restore(state)
            for job in jobs:
                state = self._state()
                try:
                    with self._writes():
                        write(job)
                except errors as exc:
                    self._restore(state)
                    with self._writes():
                        failed(job, exc)
        for _ in jobs:
            self.tick()

    def _state(self) -> tuple:
        """What the import keeps in memory about written items, to forget what a rolled-back
        transaction wrote."""
        return (
            replace(self.counts),
            dict(self.records),
            dict(self.claimed),
            {model: list(objects) for model, objects in self.to_index.items()},
            dict(self.media),
            dict(self.media_by_path),
            {kind: dict(known) for kind, known in self.by_hash.items()},
            len(self.warnings),
        )

    def _restore(self, state: tuple) -> None:
        (
            self.counts,
            self.records,
            self.claimed,
            self.to_index,
            self.media,
            self.media_by_path,
            self.by_hash,
            warnings,
        ) = state
        del self.warnings[warnings:]
        self.last_child_path.clear()

    @contextmanager
    def _writes(self):
        """One transaction whose rows common to many items (records, history lines, redirects,
        the address report, the tree's child counts) are written together at its end."""
        self.pending = _Pending()
        try:
            with _item_transaction():
                yield
                self._flush()
        except BaseException:
            # The files of images and documents the rolled-back rows pointed to.
            for stored in self.pending.files:
                stored.storage.delete(stored.name)
            raise
        finally:
            self.pending = None

    def _flush(self) -> None:
        pending = self.pending
        if pending.revised:
            Revision.objects.bulk_create([revision for _, revision, _ in pending.revised])
            # Written from stand-ins, not the pages themselves: a page kept in memory for a
            # second attempt must not point at a revision that a rollback took away.
            Page.objects.bulk_update(
                [
                    Page(
                        pk=page.pk,
                        latest_revision=revision,
                        latest_revision_created_at=revision.created_at,
                        draft_title=page.title,
                        live_revision=revision if live else None,
                        has_unpublished_changes=not live,
                    )
                    for page, revision, live in pending.revised
                ],
                [
                    "latest_revision",
                    "latest_revision_created_at",
                    "draft_title",
                    "live_revision",
                    "has_unpublished_changes",
                ],
            )
        for parent_pk, added in pending.children.items():
            Page.objects.filter(pk=parent_pk).update(numchild=F("numchild") + added)
        if pending.history:
            PageLogEntry.objects.bulk_create(pending.history)
        new = [r for r in pending.records.values() if r.pk is None]
        known = [r for r in pending.records.values() if r.pk is not None]
        if new:
            WordPressImportRecord.objects.bulk_create(new)
        if known:
            WordPressImportRecord.objects.bulk_update(known, RECORD_FIELDS)
        if pending.redirects:
            # One upsert: new addresses are added, known ones pointed at the new place.
            Redirect.objects.bulk_create(
                list(pending.redirects.values()),
                update_conflicts=True,
                unique_fields=["old_path", "site"],
                update_fields=["is_permanent", "redirect_page", "redirect_link"],
            )
        if pending.addresses:
            WordPressUrl.objects.bulk_create(
                list(pending.addresses.values()),
                update_conflicts=True,
                unique_fields=["old_path"],
                update_fields=["kind", "wp_id", "outcome", "target", "reason", "run"],
            )

    def _fields(self, plan: Planned, converted: wp_content.Converted) -> dict:
        item = plan.item
        excerpt = wp_content.plain_text(item.excerpt)
        fields: dict = {"title": (item.title or plan.slug)[:255], "slug": plan.slug}
        if plan.kind == Kind.POST:
            lead = excerpt or _lead_from(converted.text)
            image = self.image(wp_id=item.thumbnail_id, url="") if item.thumbnail_id else None
            attachment = self._attachment_item(item.thumbnail_id)
            fields |= {
                "date": (item.date or timezone.now()).date(),
                "lead": lead[:LEAD_MAX] or fields["title"],
                "author_name": self.export.authors.get(item.creator, item.creator)[:120],
                "image": image.obj if image else None,
                "image_alt": (
                    (attachment.meta.get("_wp_attachment_image_alt") if attachment else "")
                    or (image.title if image else "")
                )[:250],
                "image_caption": wp_content.plain_text(attachment.excerpt)[:300]
                if attachment and image
                else "",
            }
        else:
            fields["intro"] = excerpt
        return fields

    def _attachment_item(self, wp_id: int | None) -> wxr.Item | None:
        if not wp_id:
            return None
        if not hasattr(self, "_attachment_index"):
            self._attachment_index = {i.wp_id: i for i in self.export.of_type("attachment")}
        return self._attachment_index.get(wp_id)

    def _parent_page(self, plan: Planned) -> Page:
        if plan.kind == Kind.POST:
            return self.news_index
        if plan.parent_key:
            parent_record = self.records.get((Kind.PAGE, plan.parent_key))
            if parent_record is not None and parent_record.page_id:
                return Page.objects.get(pk=parent_record.page_id)
        return self.home

    def _add_child(self, parent: Page, page: Page) -> None:
        """treebeard's add_child (the next path under the parent), with `_validate`'s checks;
        the parent's last child path is read once and then counted on in memory, its child
        count written once per transaction."""
        page.depth = parent.depth + 1
        last = self.last_child_path.get(parent.pk)
        if last is None:
            last = (
                Page.objects.filter(path__startswith=parent.path, depth=page.depth)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
        page.path = (
            Page(path=last)._inc_path() if last else Page._get_path(parent.path, page.depth, 1)
        )
        page._cached_parent_obj = parent
        # A page just added below another is the root of no site: `save` need not ask (the
        # attribute Wagtail's `annotate_site_root_state` sets for the same purpose).
        page._is_site_root = False
        page.locale_id = parent.locale_id
        _validate(page)
        page.save(clean=False, log_action=None)
        self.last_child_path[parent.pk] = page.path
        self.pending.children[parent.pk] = self.pending.children.get(parent.pk, 0) + 1

    def _save_page(self, plan: Planned, page, fields: dict, converted) -> Page:
        item = plan.item
        published_at = item.date_gmt or (
            timezone.make_aware(item.date) if item.date else timezone.now()
        )
        if page is None and plan.adopt is not None:
            page = plan.adopt
        created = page is None
        if created:
            model = NewsPage if plan.kind == Kind.POST else StandardPage
            page = model(live=plan.live, has_unpublished_changes=not plan.live)
        for name, value in fields.items():
            setattr(page, name, value)
        page.body = converted.as_json()
        page.live = plan.live
        page.has_unpublished_changes = not plan.live
        if plan.live:
            page.first_published_at = page.first_published_at or published_at
            page.last_published_at = _latest(page.last_published_at, published_at)
        elif created:
            page.first_published_at = page.last_published_at = None
        if created:
            self._add_child(self._parent_page(plan), page)
            # A page just added has no comments: the revision and the reference index read
            # that from memory instead of asking the table, once each.
            setattr(page, COMMENTS_RELATION_NAME, [])
        else:
            _validate(page)
            page.save(clean=False, log_action=None)
        # The revision as save_revision() writes it, without saving the page a second time
        # (each save re-indexes it and drops the page cache); written, and the page's pointers
        # to it, with the other pages of the transaction (see `_flush`).
        revision = Revision(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            content=page.serializable_data(),
            object_str=str(page)[:255],
            created_at=timezone.now(),
        )
        self.pending.revised.append((page, revision, plan.live))
        page.latest_revision_created_at = revision.created_at  # as `_flush` writes it
        page.draft_title = page.title
        # The page's one history line: "Diimpor dari WordPress" (not "created", not "published").
        self.pending.history.append(
            PageLogEntry(
                content_type_id=page.content_type_id,
                page=page,
                label=page.get_admin_display_title()[:255],
                action=IMPORTED,
                revision=revision,
                content_changed=True,
                data={"wordpress_id": plan.item.wp_id},
                timestamp=timezone.now(),
            )
        )
        # Indexed with its final content: references here, search in bulk after the items
        # (automatic indexing is paused, see `_indexing_paused`).
        ReferenceIndex.create_or_update_for_object(page)
        self.to_index.setdefault(type(page), []).append(page)
        return page

    def _page_addresses(self, plan: Planned, page: Page) -> None:
        new_path = self._address_of(page) or plan.path
        paths = self._old_paths(plan)
        if not plan.live:
            self._report(
                plan.item,
                plan.kind,
                paths[:2],
                Outcome.ARSIP,
                target="",
                reason=plan.archived_reason,
            )
            return
        self._redirect(plan.item, plan.kind, paths, page=page, new_path=new_path)

    def _address_of(self, page: Page) -> str | None:
        """The page's address on the site: its path below the site's root page when the
        instansi has one site (as `relative_url` would say, without reading the sites again)."""
        root = self.home.url_path
        if self.one_site and page.url_path and page.url_path.startswith(root):
            return page.url_path[len(root) - 1 :]
        return page.relative_url(self.site)

    # -- redirects and the mapping report
    def _redirect(
        self,
        item: wxr.Item | None,
        kind: str,
        paths: list[str],
        *,
        page: Page | None = None,
        link: str = "",
        new_path: str = "",
    ) -> None:
        target = new_path or link
        wanted: dict[str, str] = {}
        same: list[str] = []
        for path in paths:
            key = _norm(path)
            if _norm(target) == key:
                same.append(path)
            elif key not in self.claimed or self.claimed[key] == (
                kind,
                item.wp_id if item else None,
            ):
                wanted[key] = path
                self.claimed[key] = (kind, item.wp_id if item else None)
        if wanted and not self.options.dry_run:
            for key in wanted:
                self.pending.redirects[key] = Redirect(
                    old_path=key,
                    site=self.site,
                    is_permanent=True,
                    redirect_page=page,
                    redirect_link="" if page else link,
                )
            self.counts.redirects += len(wanted)
        if same:
            self._report(
                item, kind, same, Outcome.TETAP, target=target, reason="Alamat tidak berubah."
            )
        self._report(item, kind, list(wanted.values()), Outcome.ALIH, target=target)

    def _drop_paths(self, item: wxr.Item | None, paths: list[str], reason: str, kind: str) -> None:
        self.counts.dropped += 1
        self._report(item, kind, [p for p in paths if p], Outcome.BUANG, target="", reason=reason)

    def _report(self, item, kind, paths, outcome, *, target, reason="") -> None:
        if not paths or self.options.dry_run:
            for path in paths:
                self.dry_rows.append((_norm(path), kind, outcome, target, reason))
            return
        values = {
            "kind": kind,
            "wp_id": item.wp_id if item else None,
            "outcome": outcome,
            "target": target[:500],
            "reason": reason[:300],
            "run": self.run,
        }
        for key in {_norm(p)[:255] for p in paths}:
            self.pending.addresses[key] = WordPressUrl(old_path=key, **values)

    def _record(self, kind, item, source_hash, **values) -> WordPressImportRecord:
        values |= {"guid": item.guid[:500], "source_hash": source_hash, "last_run": self.run}
        known = self.records.get((kind, item.wp_id))
        # A copy: a rolled-back transaction leaves the record the import knew (see `_restore`).
        record = (
            copy.copy(known)
            if known is not None
            else WordPressImportRecord(kind=kind, wp_id=item.wp_id)
        )
        for name, value in values.items():
            setattr(record, name, value)
        record.updated_at = timezone.now()
        self.pending.records[(kind, item.wp_id)] = record
        self.records[(kind, item.wp_id)] = record
        return record

    # -- categories, tags and what is not imported
    def _taxonomies(self) -> None:
        by_slug = {t.slug: t for t in self.export.categories}
        for term in self.export.categories:
            chain, current, guard = [term.slug], term, 0
            while current.parent and current.parent in by_slug and guard < 20:
                current = by_slug[current.parent]
                chain.insert(0, current.slug)
                guard += 1
            category = self.category_report[term.slug]["category"]
            paths = [f"/category/{'/'.join(chain)}/", f"/category/{term.slug}/"]
            self._redirect(None, "category", paths, link=f"{self.news_path}?kategori={category}")
        for term in self.export.tags:
            tag = _hashtag(term.name or term.slug)
            if tag:
                self._redirect(
                    None, "tag", [f"/tag/{term.slug}/"], link=f"{self.news_path}?tagar={tag[1:]}"
                )
        self._redirect(None, "feed", ["/feed/"], link=f"{self.news_path}rss/")

    def _others(self) -> None:
        skipped_types: dict[str, int] = {}
        for item in self.export.items:
            if item.post_type in ("post", "page", "attachment"):
                if item.post_type != "attachment" and item.status in ("trash", "auto-draft"):
                    self._drop_paths(
                        item,
                        [f"/?p={item.wp_id}"],
                        f"Berstatus {item.status} di WordPress.",
                        item.post_type,
                    )
                    self.tick()
                continue
            skipped_types[item.post_type] = skipped_types.get(item.post_type, 0) + 1
            reason = {
                "nav_menu_item": "Butir menu navigasi: menu Simpul disusun dari halaman.",
                "revision": "Revisi lama WordPress.",
                "wp_block": "Blok pakai ulang WordPress.",
            }.get(item.post_type, f"Jenis konten “{item.post_type}” tidak diimpor.")
            self._drop_paths(item, [f"/?p={item.wp_id}"], reason, item.post_type)
            self.tick()
        for post_type, count in sorted(skipped_types.items()):
            self.warn(None, f"{count} butir berjenis “{post_type}” tidak diimpor.")
        comments = sum(item.comments for item in self.export.items)
        if comments:
            self.warn(
                None, f"{comments} komentar tidak diimpor (situs Simpul tidak memuat komentar)."
            )

    # -- the run
    def execute(self) -> Counts:
        self.claimed: dict[str, tuple] = {}
        self.dry_rows: list[tuple] = []
        self.total = len(self.export.items)
        self._plan_categories()
        self._plan()
        self.to_index: dict[type, list] = {}  # what was written, for the search index
        with _indexing_paused(), _commits_without_waiting_for_disk():
            try:
                self._attachments()
                self.media_token = _sha(sorted((k, v.kind, v.pk) for k, v in self.media.items()))
                self._items()
            finally:
                _index_written(self.to_index)
        with self._writes():
            self._taxonomies()
        with self._writes():
            self._others()
        return self.counts


def _public_host(hostname: str) -> bool:
    import ipaddress
    import socket

    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(hostname, None)}
    except OSError:
        return True  # unresolvable: the request fails on its own
    return all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses)


def _validate(page: Page) -> None:
    """The page's own rules (fields, validators, `clean`, a free slug among its siblings)
    without re-reading every row its foreign keys point to: those rows were just written or
    read by the import."""
    relations = [f.name for f in page._meta.concrete_fields if f.is_relation]
    page.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def _index_written(written: dict[type, list]) -> None:
    """Add the imported pages, images and documents to the search index, many per statement.

    Pages are indexed as the import holds them (their bodies' images already loaded: read
    again, each page cost a query for them); a model whose index shows related rows (an
    image's tags) is read again with those rows, in one query per chunk.
    """
    for model, objects in written.items():
        related = any(isinstance(f, search_index.RelatedFields) for f in model.get_search_fields())
        for start in range(0, len(objects), 200):
            chunk = objects[start : start + 200]
            if related:
                pks = [obj.pk for obj in chunk]
                chunk = list(model.get_indexed_objects().filter(pk__in=pks))
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(model, chunk)


def _item_transaction():
    """The transaction of a batch of items, or of one item (see `Importer._write_together`)."""
    return transaction.atomic()


@contextmanager
def _commits_without_waiting_for_disk():
    """During the import, a commit does not wait for the disk (PostgreSQL's
    synchronous_commit off, for this connection and until the import ends): a crash may lose
    the last items committed, and a re-run imports them again, as it would any item not yet
    imported. The import runs alone on its connection (worker or command)."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


@contextmanager
def _indexing_paused():
    """Wagtail indexes a page for search and references on every save, and an import saves
    each page twice (created, then its revision): pages are indexed for references by
    `_save_page`, and pages, images and documents for search in bulk after the items
    (`_index_written`; one image indexed by the signal cost ~0.1 s, most of an image's
    import, because the index recomputes its title lengths on every write).

    The signal is disconnected for the process: the import runs alone in its process (the
    Celery worker's child or the management command), never in a web server's.
    """
    from modelsearch.signal_handlers import post_save_signal_handler

    from .. import signals as cms_signals

    Image = get_image_model()
    image_uid = f"cms_{Image._meta.label_lower}_saved"
    models = [
        m
        for m in (NewsPage, StandardPage, Image, get_document_model())
        if search_index.class_is_indexed(m)
    ]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    # The website's own receivers drop the page cache on every page and image saved (and
    # switch schema to do so after commit): once, after the import, is enough.
    post_save.disconnect(dispatch_uid="cms_page_saved")
    post_save.disconnect(sender=Image, dispatch_uid=image_uid)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
        post_save.connect(cms_signals._page_saved, dispatch_uid="cms_page_saved")
        post_save.connect(cms_signals._shown_data_changed, sender=Image, dispatch_uid=image_uid)


def _latest(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a


def _lead_from(text: str) -> str:
    text = text.strip()
    if len(text) <= 300:
        return text
    cut = text[:300]
    sentence = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if sentence > 80:
        return cut[: sentence + 1]
    return cut.rsplit(" ", 1)[0] + "…"


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    return str(exc)


def _extract_archive(run: WordPressImportRun) -> tuple[str, str]:
    """Unpack the uploads ZIP into a temporary folder (no path leaves it, no bomb fills the
    disk); returns the folder and the one inside it that holds the year folders."""
    target = tempfile.mkdtemp(prefix="simpul-wp-")
    root = Path(target).resolve()
    written = 0
    with run.media_archive.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            destination = (root / info.filename).resolve()
            if root not in destination.parents or info.is_dir():
                continue
            if info.file_size > MAX_FILE_BYTES or written + info.file_size > MAX_ARCHIVE_BYTES:
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out)
            written += info.file_size
    for path in sorted(root.rglob("*")):
        # The folder that holds the year folders (2024/05/…), wherever it is in the archive.
        if path.is_dir() and re.fullmatch(r"(19|20)\d\d", path.name):
            return target, str(path.parent)
    return target, target


def wordpress_import_execute(
    *,
    run_id: int,
    export_path: str | None = None,
    media_dir: str | None = None,
    fetch_remote: bool = True,
    category_map: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> WordPressImportRun:
    """Run the import of one run (from the Celery task or the command). Idempotent."""
    run = WordPressImportRun.objects.get(pk=run_id)
    if run.status == WordPressImportRun.Status.SELESAI:
        return run
    WordPressImportRun.objects.filter(pk=run.pk).update(
        status=WordPressImportRun.Status.BERJALAN, started_at=timezone.now(), error=""
    )
    extracted = None
    try:
        if media_dir is None and run.media_archive:
            extracted, media_dir = _extract_archive(run)
        if export_path is not None:
            with open(export_path, "rb") as handle:
                export = wxr.parse(handle)
        else:
            with run.export_file.open("rb") as handle:
                export = wxr.parse(handle)
        importer = Importer(
            run=run,
            export=export,
            options=Options(
                media_dir=media_dir or run.media_dir or None,
                fetch_remote=fetch_remote,
                dry_run=run.dry_run,
                default_category=run.default_category,
                category_map=category_map or {},
            ),
            progress=progress,
        )
        counts = importer.execute()
    except SimpulError as exc:
        _finish(run, status=WordPressImportRun.Status.GAGAL, error=exc.message)
        raise
    except Exception as exc:
        logger.exception("WordPress import %s failed", run.pk)
        _finish(run, status=WordPressImportRun.Status.GAGAL, error=f"Impor terhenti: {exc}")
        raise
    finally:
        if extracted:
            shutil.rmtree(extracted, ignore_errors=True)
    _finish(
        run,
        status=WordPressImportRun.Status.SELESAI,
        counts=counts.as_dict(),
        warnings=importer.warnings,
        categories=sorted(importer.category_report.values(), key=lambda c: c["slug"]),
        site_title=export.title[:255],
        site_url=export.site_url[:255],
        total=importer.total,
        processed=importer.processed,
    )
    run.refresh_from_db()
    if not run.dry_run:
        _after_import()
    return run


def _finish(run: WordPressImportRun, **values) -> None:
    WordPressImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **values)


def _after_import() -> None:
    """The page cache is dropped once, and the portal's news index catches up in a job of its
    own (thousands of entries, each with an image rendition: not the import's time to spend;
    the periodic reconcile does it too if the broker is down)."""
    from core.queue import send_task_safely

    from ..services import cache_invalidate_on_commit
    from . import tasks

    cache_invalidate_on_commit()
    send_task_safely(tasks.wordpress_portal_catch_up)


def wordpress_import_file(
    *,
    export_path: str,
    media_dir: str | None = None,
    dry_run: bool = False,
    default_category: str = NewsCategory.KEGIATAN,
    category_map: dict[str, str] | None = None,
    fetch_remote: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> WordPressImportRun:
    """The operator's import of a file on disk (the `import_wordpress` command)."""
    run = WordPressImportRun.objects.create(
        source_name=os.path.basename(export_path)[:255],
        media_dir=(media_dir or "")[:500],
        dry_run=dry_run,
        default_category=default_category,
    )
    return wordpress_import_execute(
        run_id=run.pk,
        export_path=export_path,
        media_dir=media_dir,
        fetch_remote=fetch_remote,
        category_map=category_map,
        progress=progress,
    )
