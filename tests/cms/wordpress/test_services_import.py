"""The WordPress import (cms/wordpress/services.py) on a real WordPress's export and uploads."""

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from django_tenants.utils import schema_context
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry, WorkflowState

from cms.models import NewsPage, StandardPage
from cms.wordpress.models import WordPressImportRecord, WordPressUrl
from tests.conftest import tenant_client

from .conftest import EXPORT, UPLOADS, run_import


def _news(slug: str) -> NewsPage:
    return NewsPage.objects.get(slug=slug)


def _body(page) -> list[dict]:
    return list(page.body.raw_data)


def _body_text(page) -> str:
    return json.dumps(_body(page), ensure_ascii=False)


def test_posts_become_news_with_their_metadata(imported):
    with schema_context("dinkes"):
        news = _news("posyandu-serentak-sukamaju")
        assert news.live and not news.has_unpublished_changes
        assert news.get_parent().specific_class.__name__ == "NewsIndexPage"
        assert news.date == date(2024, 5, 14)
        assert news.author_name == "Siti Rahmawati"
        assert news.lead.startswith("Dinas Kesehatan menggelar posyandu serentak")
        assert news.tagar == "#KesehatanIbuDanAnak #Posyandu #Stunting"
        assert news.category == "kegiatan"
        assert news.image is not None and news.image.title == "Kader posyandu menimbang balita"
        assert news.image_alt == "Kader posyandu menimbang balita"
        assert news.image_caption == "Penimbangan balita di Desa Sukamaju"
        assert news.first_published_at.date() == date(2024, 5, 14)
        # Policy of the central government (child category "Kebijakan Pusat"), guessed.
        assert _news("surat-edaran-dbd").category == "kebijakan"
        # No excerpt: the lead is the start of the text; no tags: the category names the theme.
        layanan = _news("jam-layanan-ramadan")
        assert layanan.lead.startswith("Selama bulan Ramadan")
        assert layanan.tagar == "#Berita"


def test_drafts_and_private_posts_stay_unpublished(imported):
    with schema_context("dinkes"):
        draft = _news("rencana-vaksinasi-hpv")
        private = _news("catatan-rapat-anggaran")
        assert not draft.live and draft.has_unpublished_changes and draft.live_revision is None
        assert not private.live
        assert WordPressUrl.objects.get(old_path="/?p=20").outcome == "diarsipkan"
        page_draft = StandardPage.objects.get(slug="halaman-rancangan")
        assert not page_draft.live


def test_pages_keep_their_tree_and_the_existing_profile_section_takes_the_profile(imported):
    with schema_context("dinkes"):
        profil = StandardPage.objects.get(slug="profil")
        # The site's own empty "Profil" section received WordPress's profile page.
        assert profil.get_parent().specific_class.__name__ == "HomePage"
        assert "unsur pelaksana urusan pemerintahan" in _body_text(profil)
        children = {p.slug: p for p in profil.get_children()}
        assert set(children) == {"visi-misi", "struktur-organisasi"}
        grandchild = StandardPage.objects.get(slug="bidang-pelayanan")
        assert grandchild.get_parent().pk == children["struktur-organisasi"].pk
        assert grandchild.url_path.endswith("/profil/struktur-organisasi/bidang-pelayanan/")
        visi = StandardPage.objects.get(slug="visi-misi")
        html = _body(visi)[0]["value"]
        assert "<h3" in html and "<ol>" in html


def test_attachments_become_images_and_documents_once(imported):
    with schema_context("dinkes"):
        images = get_image_model().objects.all()
        # Five image attachments, one uploaded twice with the same bytes: four images.
        assert images.count() == 4
        assert imported.counts["deduplicated"] == 1
        records = {r.wp_id: r for r in WordPressImportRecord.objects.filter(kind="attachment")}
        assert records[5].image_id == records[14].image_id
        documents = get_document_model().objects.order_by("title")
        assert [d.title for d in documents] == ["Laporan Kinerja 2024", "Surat Edaran DBD"]
        assert all(d.file_hash and i.file_hash for d in documents for i in images)


def test_bodies_have_blocks_not_shortcodes_scripts_or_styles(imported):
    with schema_context("dinkes"):
        for page in [*NewsPage.objects.all(), *StandardPage.objects.all()]:
            text = _body_text(page)
            for raw in ("[gallery", "[caption", "[embed", "[video", "[audio", "<!-- wp:"):
                assert raw not in text, (page.title, raw)
            for bad in ("<script", "style=", "document.write", "iframe", "class="):
                assert bad not in text, (page.title, bad)

        classic = _body(_news("posyandu-serentak-sukamaju"))
        kinds = [b["type"] for b in classic]
        assert kinds == ["paragraph", "image", "paragraph", "image", "paragraph"]
        caption = classic[1]["value"]
        assert caption["alt"] == "Kader posyandu menimbang balita"
        assert caption["caption"] == "Penimbangan balita oleh kader posyandu"
        assert "<b>120 balita</b>" in classic[0]["value"]

        shortcodes = _body(_news("pekan-imunisasi-nasional"))
        kinds = [b["type"] for b in shortcodes]
        assert kinds.count("image") == 3  # [gallery ids="6,14,9"]
        videos = [b["value"]["video"] for b in shortcodes if b["type"] == "video"]
        assert videos == ["https://www.youtube.com/watch?v=aqz-KE-bpKQ"]
        # An internal link by ?p=ID points at the imported news page now.
        html = "".join(b["value"] for b in shortcodes if b["type"] == "paragraph")
        assert '<a href="/berita/posyandu-serentak-sukamaju/">' in html


def test_gutenberg_blocks_become_stream_blocks(imported):
    with schema_context("dinkes"):
        page = _news("laporan-kinerja-2024")
        body = _body(page)
        kinds = [b["type"] for b in body]
        assert kinds == [
            "paragraph",
            "image",
            "quote",
            "image",
            "image",
            "document",
            "video",
            "paragraph",
        ]
        first = body[0]["value"]
        pdf = get_document_model().objects.get(title="Laporan Kinerja 2024")
        # The PDF link in the text is a Wagtail document link; heading and list kept.
        assert f'<a linktype="document" id="{pdf.pk}">' in first
        assert "<h2" in first and "<ul>" in first
        assert body[2]["value"] == {
            "quote": "Kesehatan masyarakat adalah tanggung jawab bersama.",
            "source": "Kepala Dinas Kesehatan",
        }
        assert body[1]["value"]["caption"] == "Rapat koordinasi penyusunan laporan"
        assert body[5]["value"]["document"] == pdf.pk
        assert body[6]["value"] == {
            "video": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "caption": "Video kegiatan imunisasi",
        }


def test_gambling_links_are_reported_not_imported(imported):
    with schema_context("dinkes"):
        text = _body_text(_news("pekan-imunisasi-nasional"))
        assert "gacor" not in text.lower() and "togel" not in text.lower()
    spam = [w["message"] for w in imported.warnings if "judi/spam" in w["message"]]
    assert len(spam) == 2
    assert any("slot-gacor88.example" in m for m in spam)


def test_imported_history_does_not_go_through_the_sop(imported):
    from sop.models import Assignment
    from sop.selectors import sop_stats

    with schema_context("dinkes"):
        pages = NewsPage.objects.live()
        assert not WorkflowState.objects.filter(object_id__in=[str(p.pk) for p in pages]).exists()
        assert not Assignment.objects.exists()
        stats = sop_stats(
            start=pages.order_by("first_published_at").first().first_published_at,
            end=pages.order_by("-first_published_at").first().first_published_at,
        )
        assert stats["items_published"] == 0
        actions = set(PageLogEntry.objects.filter(page__in=pages).values_list("action", flat=True))
        # Imported: never "published" through Wagtail's publish action or a workflow.
        assert actions == {"cms.wordpress.import"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/2024/05/14/posyandu-serentak-sukamaju/", "/berita/posyandu-serentak-sukamaju/"),
        ("/2024/05/posyandu-serentak-sukamaju/", "/berita/posyandu-serentak-sukamaju/"),
        ("/posyandu-serentak-sukamaju/", "/berita/posyandu-serentak-sukamaju/"),
        ("/archives/4/", "/berita/posyandu-serentak-sukamaju/"),
        ("/?p=4", "/berita/posyandu-serentak-sukamaju/"),
        ("/?p=4&utm_source=wa", "/berita/posyandu-serentak-sukamaju/"),
        ("/?page_id=25", "/profil/struktur-organisasi/bidang-pelayanan/"),
        ("/category/kebijakan/kebijakan-pusat/", "/berita/?kategori=kebijakan"),
        ("/category/kegiatan/", "/berita/?kategori=kegiatan"),
        ("/tag/kesehatan-ibu-dan-anak/", "/berita/?tagar=KesehatanIbuDanAnak"),
        ("/feed/", "/berita/rss/"),
    ],
)
def test_old_addresses_redirect_permanently(imported, old, new):
    response = tenant_client("dinkes").get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new


def test_old_upload_addresses_redirect_to_the_imported_files(imported):
    client = tenant_client("dinkes")
    with schema_context("dinkes"):
        image = _news("posyandu-serentak-sukamaju").image
        pdf = get_document_model().objects.get(title="Laporan Kinerja 2024")
    for old in (
        "/wp-content/uploads/2024/05/foto-posyandu.jpg",
        "/wp-content/uploads/2024/05/foto-posyandu-300x200.jpg",
        "/?attachment_id=5",
        "/2024/05/14/posyandu-serentak-sukamaju/kader-posyandu-menimbang-balita/",
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == image.file.url
    response = client.get("/wp-content/uploads/2025/01/laporan-kinerja-2024.pdf")
    assert response.status_code == 301
    assert response["Location"] == pdf.url
    assert client.get(pdf.url).status_code == 200


def test_same_addresses_serve_and_unknown_ones_stay_404(imported):
    client = tenant_client("dinkes")
    assert client.get("/profil/visi-misi/").status_code == 200
    assert client.get("/berita/posyandu-serentak-sukamaju/").status_code == 200
    assert client.get("/2019/01/01/tidak-pernah-ada/").status_code == 404
    assert client.get("/?p=999999").status_code == 200  # the home page, as before
    assert client.get("/?p=20").status_code == 200  # a draft had no public address
    with schema_context("dinkes"):
        assert WordPressUrl.objects.get(old_path="/profil/visi-misi").outcome == "tetap"
        site_ids = set(Redirect.objects.values_list("site_id", flat=True))
        assert len(site_ids) == 1 and None not in site_ids


def test_mapping_report_lists_every_old_address(imported):
    with schema_context("dinkes"):
        outcomes = dict(WordPressUrl.objects.values_list("old_path", "outcome"))
        assert outcomes["/2024/05/14/posyandu-serentak-sukamaju"] == "dialihkan"
        assert outcomes["/?p=21"] == "diarsipkan"  # private
        assert outcomes["/?p=28"] == "dibuang"  # the menu item
        reason = WordPressUrl.objects.get(old_path="/?p=28").reason
        assert "menu" in reason


def test_rerun_imports_nothing_twice_and_updates_what_changed(imported, tmp_path):
    with schema_context("dinkes"):
        pages = Page.objects.count()
        images = get_image_model().objects.count()
        redirects = Redirect.objects.count()
        news_pk = _news("posyandu-serentak-sukamaju").pk
    again = run_import()
    assert again.counts["created"] == 0
    assert again.counts["updated"] == 0
    assert again.counts["skipped"] == imported.counts["created"]
    with schema_context("dinkes"):
        assert Page.objects.count() == pages
        assert get_image_model().objects.count() == images
        assert Redirect.objects.count() == redirects

    changed = tmp_path / "ubah.xml"
    changed.write_text(
        EXPORT.read_text().replace(
            "Posyandu Serentak di Desa Sukamaju]]></title>",
            "Posyandu Serentak di Desa Sukamaju (Diperbarui)]]></title>",
        )
    )
    third = run_import(export_path=str(changed))
    assert third.counts["updated"] == 1 and third.counts["created"] == 0
    with schema_context("dinkes"):
        news = NewsPage.objects.get(pk=news_pk)
        assert news.title.endswith("(Diperbarui)")
        assert news.live and news.live_revision_id == news.latest_revision_id


def test_a_failing_item_leaves_nothing_half_imported(db, monkeypatch):
    from cms.wordpress import services

    original = services.Importer._record

    def failing(self, kind, item, *args, **kwargs):
        if item.wp_id == 13:
            raise ValueError("disk penuh")
        return original(self, kind, item, *args, **kwargs)

    monkeypatch.setattr(services.Importer, "_record", failing)
    run = run_import()
    assert run.status == "selesai" and run.counts["failed"] == 1
    assert any("disk penuh" in w["message"] for w in run.warnings)
    with schema_context("dinkes"):
        assert not NewsPage.objects.filter(slug="pekan-imunisasi-nasional").exists()
        assert not Redirect.objects.filter(old_path="/2024/05/20/pekan-imunisasi-nasional").exists()
        assert NewsPage.objects.filter(slug="posyandu-serentak-sukamaju").exists()
    monkeypatch.setattr(services.Importer, "_record", original)
    retry = run_import()
    assert retry.counts["created"] == 1
    with schema_context("dinkes"):
        assert NewsPage.objects.filter(slug="pekan-imunisasi-nasional").exists()


def test_dry_run_writes_nothing(db):
    with schema_context("dinkes"):
        pages = Page.objects.count()
    run = run_import(dry_run=True)
    assert run.status == "selesai" and run.dry_run
    assert run.counts["created"] > 0
    with schema_context("dinkes"):
        assert Page.objects.count() == pages
        assert not Redirect.objects.exists()
        assert not WordPressImportRecord.objects.exists()
        assert not get_image_model().objects.exists()


def test_category_map_wins_over_guesses(db):
    run = run_import(category_map={"pengumuman": "kebijakan", "berita-daerah": "isu"})
    with schema_context("dinkes"):
        assert _news("laporan-kinerja-2024").category == "kebijakan"
        # Two categories: the mapped one decides.
        assert _news("pekan-imunisasi-nasional").category == "isu"
    report = {c["slug"]: c for c in run.categories}
    assert report["pengumuman"]["how"] == "peta"
    assert report["kegiatan"]["how"] == "tebakan"
    assert report["tak-berkategori"]["how"] == "bawaan"


def _serve(folder):
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _export_on(tmp_path, host: str):
    moved = tmp_path / "pindah.xml"
    moved.write_text(
        EXPORT.read_text()
        .replace("https://dinkes.contoh.go.id/wp-content/", f"http://{host}/wp-content/")
        .replace(
            "<wp:base_site_url>https://dinkes.contoh.go.id", f"<wp:base_site_url>http://{host}"
        )
    )
    return moved


def test_attachments_are_fetched_from_the_old_site_when_no_folder_is_given(
    db, tmp_path, monkeypatch
):
    from cms.wordpress import services

    root = tmp_path / "situs"
    (root / "wp-content").mkdir(parents=True)
    shutil.copytree(UPLOADS, root / "wp-content" / "uploads")
    server = _serve(root)
    try:
        host = f"127.0.0.1:{server.server_port}"
        # The test's stand-in for the old site is on loopback, which the import refuses.
        monkeypatch.setattr(services, "_public_host", lambda hostname: True)
        run = run_import(
            export_path=str(_export_on(tmp_path, host)), media_dir=None, fetch_remote=True
        )
    finally:
        server.shutdown()
    assert run.counts["images"] == 4 and run.counts["documents"] == 2


def test_attachments_are_never_fetched_from_an_internal_address(db, tmp_path):
    server = _serve(UPLOADS)
    try:
        host = f"127.0.0.1:{server.server_port}"
        run = run_import(
            export_path=str(_export_on(tmp_path, host)), media_dir=None, fetch_remote=True
        )
    finally:
        server.shutdown()
    assert run.counts["images"] == 0
    assert any("beralamat internal" in w["message"] for w in run.warnings)


def _stored_files() -> set[str]:
    """The files in the current instansi's media folder (images and documents)."""
    from django.core.files.storage import default_storage

    root = default_storage.path("")
    found = set()
    for folder in ("original_images", "documents"):
        for path in (Path(root) / folder).rglob("*"):
            if path.is_file():
                found.add(str(path.relative_to(root)))
    return found


def test_a_failing_image_leaves_no_half_imported_image_and_the_others_are_imported(db, monkeypatch):
    from cms.wordpress import services

    original = services.Importer._record

    def failing(self, kind, item, *args, **kwargs):
        if kind == "attachment" and item.wp_id == 9:
            raise OSError("disk penuh")
        return original(self, kind, item, *args, **kwargs)

    monkeypatch.setattr(services.Importer, "_record", failing)
    with schema_context("dinkes"):
        before = _stored_files()
    run = run_import()
    assert run.status == "selesai" and run.counts["failed"] == 1
    # The images written in the same transaction as the failing one are imported all the same.
    assert run.counts["images"] == 3 and run.counts["documents"] == 2
    assert any("disk penuh" in w["message"] for w in run.warnings)
    old = "/wp-content/uploads/2025/01/rapat-koordinasi.jpg"
    with schema_context("dinkes"):
        images = get_image_model().objects.all()
        assert not any("rapat-koordinasi" in image.file.name for image in images)
        assert not WordPressImportRecord.objects.filter(kind="attachment", wp_id=9).exists()
        assert WordPressImportRecord.objects.filter(kind="attachment").count() == 6
        assert not Redirect.objects.filter(old_path=old).exists()
        assert WordPressUrl.objects.get(old_path=old).outcome == "dibuang"
        # No file is left behind without its image: the failed one's went with the rollback.
        kept = {image.file.name for image in images} | {
            document.file.name for document in get_document_model().objects.all()
        }
        assert _stored_files() - before <= kept
    monkeypatch.setattr(services.Importer, "_record", original)
    retry = run_import()
    assert retry.counts["images"] == 1 and retry.counts["failed"] == 0
    with schema_context("dinkes"):
        assert Redirect.objects.filter(old_path=old).exists()


def test_imported_news_is_shown_on_the_site_the_portal_and_in_search(db, monkeypatch):
    import core.queue
    from cms.portal.models import PortalNewsItem
    from cms.portal.selectors import portal_search

    sent = []

    def send_now(task, *args, **kwargs):  # a worker that runs the job as soon as it is sent
        sent.append(task.name)
        task.apply(args=args, kwargs=kwargs)
        return True

    monkeypatch.setattr(core.queue, "send_task_safely", send_now)
    client = tenant_client("dinkes")
    title = "Posyandu Serentak di Desa Sukamaju"
    assert title not in client.get("/berita/").content.decode()  # the list, now in the cache
    run_import()
    assert sent == ["cms.wordpress_portal_catch_up"]
    assert title in client.get("/berita/").content.decode()
    with schema_context("dinkes"):
        news = _news("posyandu-serentak-sukamaju")
        assert news.pk in {p.pk for p in NewsPage.objects.live().search("posyandu sukamaju")}
        image = news.image
        assert image.pk in {i.pk for i in get_image_model().objects.search(image.title)}
    assert PortalNewsItem.objects.filter(instansi__schema_name="dinkes", page_id=news.pk).exists()
    found = portal_search(query="posyandu sukamaju", instansi_slug="dinkes")
    assert found.filter(kind="berita", object_id=news.pk).exists()


def test_attachments_are_written_in_batches_that_hold_few_files_in_memory(db, monkeypatch):
    from cms.wordpress import services

    batches = []
    original = services.Importer._write_attachments

    def spy(self, jobs):
        batches.append([len(job.data) for job in jobs])
        return original(self, jobs)

    monkeypatch.setattr(services, "BATCH_FILE_BYTES", 10_000)
    monkeypatch.setattr(services.Importer, "_write_attachments", spy)
    run = run_import()
    assert run.counts["images"] == 4 and run.counts["documents"] == 2
    assert len([b for b in batches if b]) > 1
    # A batch is closed by the file that takes it past the limit.
    assert all(sum(sizes[:-1]) < 10_000 for sizes in batches if sizes)
