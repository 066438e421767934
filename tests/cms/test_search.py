"""The regency-wide search: Indonesian stemming, ranking, snippets, filters, public only.

Entries are written after the instansi's transaction commits, as in production (the tests run
the on-commit callbacks), so publish and unpublish are shown to move the index.
"""

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.models import StandardPage
from cms.portal.indexing import search_rebuild, search_reconcile
from cms.portal.models import PortalSearchEntry
from cms.portal.selectors import portal_search
from cms.selectors import home_page

from .factories import make_news

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the code in `slug`'s schema and its on-commit callbacks (the index updates)."""

    def run(slug: str):
        class _Ctx:
            def __enter__(self):
                self.schema = schema_context(slug)
                self.schema.__enter__()
                self.callbacks = django_capture_on_commit_callbacks(execute=True)
                self.callbacks.__enter__()

            def __exit__(self, *exc):
                self.callbacks.__exit__(*exc)
                self.schema.__exit__(*exc)

        return _Ctx()

    return run


def _standard_page(title: str, intro: str, **fields) -> StandardPage:
    page = StandardPage(title=title, intro=intro, live=False, **fields)
    home_page().add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _titles(html: str, *titles: str) -> list[str]:
    return [t for t in titles if t in html]


def test_stemming_finds_pelayanan_for_layanan_and_ranks_titles_first(commit, portal_client):
    with commit("dinkes"):
        make_news(title="Jadwal pelayanan puskesmas", lead="Puskesmas buka setiap hari.")
    with commit("humas"):
        _standard_page(
            "Tentang kami",
            "Bagian humas memberi layanan informasi bagi warga.",
            slug="tentang-uji",
        )
    html = portal_client.get("/cari/?q=layanan").content.decode()
    # "pelayanan" and "layanan" both stem to "layan"; the title match ranks first.
    first, second = (
        html.index("Jadwal <mark>pelayanan</mark> puskesmas"),
        html.index("Tentang kami"),
    )
    assert first < second
    assert "Dinas Kesehatan" in html or "Dinkes" in html
    assert "<mark>layanan</mark>" in html  # the snippet of the humas page
    assert "http://humas.localhost" in html


def test_publish_adds_and_unpublish_removes(commit, portal_client, humas_client, instansi):
    with commit("humas"):
        page = make_news(title="Lomba perahu naga digelar", lead="Sungai ramai penonton.")
    assert PortalSearchEntry.objects.filter(
        instansi=instansi["humas"], kind="berita", object_id=page.pk
    ).exists()
    assert "<mark>perahu</mark> naga" in portal_client.get("/cari/?q=perahu").content.decode()
    assert "<mark>perahu</mark> naga" in humas_client.get("/cari/?q=perahu").content.decode()
    with commit("humas"):
        page.unpublish()
    assert "naga digelar" not in portal_client.get("/cari/?q=perahu").content.decode()
    assert "naga digelar" not in humas_client.get("/cari/?q=perahu").content.decode()


def test_drafts_private_pages_and_restricted_documents_are_not_found(
    commit, portal_client, instansi
):
    with commit("humas"):
        make_news(title="Draf rahasia anggaran", publish=False)
        private = _standard_page("Halaman internal anggaran", "Hanya pegawai.", slug="internal")
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="sandi"
        )
        root = Collection.get_first_root_node()
        hidden = root.add_child(name="Internal")
        CollectionViewRestriction.objects.create(
            collection=hidden, restriction_type=CollectionViewRestriction.LOGIN
        )
        Document.objects.create(
            title="Rencana anggaran internal",
            collection=hidden,
            file=ContentFile(b"%PDF-1.4 uji", name="internal.pdf"),
        )
        Document.objects.create(
            title="Laporan anggaran tahunan",
            collection=root,
            file=ContentFile(b"%PDF-1.4 uji", name="laporan.pdf"),
        )
    html = portal_client.get("/cari/?q=anggaran").content.decode()
    assert "Laporan <mark>anggaran</mark> tahunan" in html
    assert "/documents/" in html
    for hidden_title in ("Draf rahasia", "Halaman internal", "Rencana anggaran internal"):
        assert hidden_title not in html
    # The reconcile agrees: nothing to add, nothing to remove.
    assert search_reconcile(schema_name="humas") == {"upserted": 0, "removed": 0}


def test_filters_by_instansi_and_kind_and_instansi_search_is_scoped(
    commit, portal_client, humas_client
):
    with commit("humas"):
        make_news(title="Banjir di kecamatan utara")
        _standard_page("Siaga banjir", "Nomor darurat banjir.", slug="siaga-banjir")
    with commit("dinkes"):
        make_news(title="Posko kesehatan banjir dibuka")
    html = portal_client.get("/cari/?q=banjir&instansi=dinkes").content.decode()
    assert _titles(html, "Posko kesehatan", "kecamatan utara", "Siaga") == ["Posko kesehatan"]
    html = portal_client.get("/cari/?q=banjir&jenis=halaman").content.decode()
    assert _titles(html, "Posko kesehatan", "kecamatan utara", "Siaga") == ["Siaga"]
    html = humas_client.get("/cari/?q=banjir").content.decode()
    assert _titles(html, "Posko kesehatan", "kecamatan utara", "Siaga") == [
        "kecamatan utara",
        "Siaga",
    ]
    # The instansi's page links to the regency-wide search with the same words.
    from django.conf import settings

    port = f":{settings.SIMPUL_PUBLIC_PORT}" if settings.SIMPUL_PUBLIC_PORT else ""
    portal = f"//{settings.SIMPUL_BASE_DOMAIN}{port}/cari/?q=banjir"
    assert "Cari di seluruh situs" in html and portal in html
    assert portal_client.get("/cari/?q=banjir&jenis=bukan").status_code == 200
    assert "Tidak ada hasil" in portal_client.get("/cari/?q=banjir&jenis=bukan").content.decode()


def test_snippets_are_escaped(commit, portal_client):
    with commit("humas"):
        make_news(
            title="Uji <script>alert(1)</script> keamanan",
            lead="Teks <b>tebal</b> & sirene keamanan berbunyi.",
        )
    html = portal_client.get("/cari/?q=keamanan").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<b>tebal</b>" not in html
    assert "&amp; sirene" in html  # PostgreSQL drops tags from a headline; the rest is escaped
    assert "<mark>keamanan</mark>" in html


def test_pagination_and_bad_pages(commit, portal_client):
    with commit("humas"):
        for n in range(12):
            make_news(title=f"Pengumuman lelang nomor {n}")
    first = portal_client.get("/cari/?q=lelang").content.decode()
    assert "12 hasil" in first and 'rel="next"' in first
    second = portal_client.get("/cari/?q=lelang&halaman=2").content.decode()
    assert second.count('class="search-result"') == 2
    assert portal_client.get("/cari/?q=lelang&halaman=9").status_code == 404
    assert portal_client.get("/cari/?q=%00").status_code == 200
    assert portal_client.get('/cari/?q="&jenis=berita').status_code == 200
    assert portal_client.get("/cari/?q=dan yang").status_code == 200  # stop words only


def test_query_count_does_not_grow_with_results(commit, portal_client):
    with commit("humas"):
        for n in range(8):
            make_news(title=f"Vaksinasi anak tahap {n}")
    portal_client.get("/cari/?q=vaksinasi")
    with CaptureQueriesContext(connection) as queries:
        assert portal_client.get("/cari/?q=vaksinasi").status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET ")]
    # count, one page of ranked entries (with their instansi), snippets, the instansi filter
    assert len(reads) <= 5, reads


def test_rebuild_and_reconcile_catch_up_a_lost_update(instansi):
    with schema_context("humas"):  # no on-commit callbacks: the index misses this publish
        page = make_news(title="Pameran kerajinan rotan")
    assert not portal_search(query="rotan").exists()
    assert search_reconcile(schema_name="humas")["upserted"] >= 1
    assert portal_search(query="rotan").filter(object_id=page.pk).exists()
    PortalSearchEntry.objects.filter(instansi=instansi["humas"]).delete()
    assert search_rebuild(schema_name="humas") >= 1
    assert [e.title for e in portal_search(query="kerajinan")] == ["Pameran kerajinan rotan"]


def test_indonesian_configuration_stems():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('indonesian', 'pelayanan')::text")
        assert cursor.fetchone()[0] == "'layan':1"


def test_a_very_common_word_ranks_the_newest_matches(commit, portal_client, monkeypatch):
    from cms.portal import selectors, views

    monkeypatch.setattr(selectors, "MAX_RANKED", 5)
    monkeypatch.setattr(views, "MAX_RANKED", 5)
    with commit("humas"):
        for n in range(7):
            make_news(title=f"Musyawarah desa ke-{n}", date=date(2026, 1, 1 + n))
    html = portal_client.get("/cari/?q=musyawarah").content.decode()
    assert "Lebih dari 5 hasil" in html and "Tambahkan kata lain" in html
    assert html.count('class="search-result"') == 5
    assert "ke-0" not in html and "ke-1" not in html  # the two oldest are left out
    html = portal_client.get("/cari/?q=musyawarah desa ke-6").content.decode()
    assert "Lebih dari" not in html


def test_a_moved_page_is_found_at_its_new_address(commit, portal_client):
    with commit("humas"):
        parent = _standard_page("Layanan publik", "Daftar layanan.", slug="layanan-publik")
        child = _standard_page("Jadwal sidang keliling", "Sidang di kecamatan.", slug="sidang")
    assert "/sidang/" in portal_client.get("/cari/?q=sidang").content.decode()
    with commit("humas"):
        child.move(parent, pos="last-child")
    html = portal_client.get("/cari/?q=sidang").content.decode()
    assert "/layanan-publik/sidang/" in html


def test_portal_reindex_command_rebuilds_the_search_index(instansi):
    from django.core.management import call_command

    with schema_context("humas"):
        make_news(title="Lomba layang-layang pantai")  # the on-commit update never runs here
    PortalSearchEntry.objects.filter(instansi=instansi["humas"]).delete()
    call_command("portal_reindex", "--slug", "humas", stdout=io.StringIO())
    assert [e.title for e in portal_search(query="layang")] == ["Lomba layang-layang pantai"]


def test_pages_below_an_unpublished_page_leave_the_index(commit, portal_client):
    search_reconcile(schema_name="humas")  # the provisioned pages, made without publishing
    with commit("humas"):
        parent = _standard_page("Informasi publik", "Daftar informasi.", slug="info-publik")
        _standard_page("Daftar informasi berkala", "Laporan berkala.", slug="berkala")
        child = StandardPage.objects.get(slug="berkala")
        child.move(parent, pos="last-child")
    assert "berkala" in portal_client.get("/cari/?q=berkala").content.decode()
    with commit("humas"):
        parent.refresh_from_db()
        parent.unpublish()
    assert "Tidak ada hasil" in portal_client.get("/cari/?q=berkala").content.decode()
    assert search_reconcile(schema_name="humas") == {"upserted": 0, "removed": 0}
    with commit("humas"):
        parent.save_revision().publish()
    assert "/info-publik/berkala/" in portal_client.get("/cari/?q=berkala").content.decode()
