"""The regency portal: instansi list, latest news from the public index, filters, counts."""

from datetime import UTC, date, datetime

import pytest
from django_tenants.utils import schema_context

from cms.portal.models import PortalNewsItem
from cms.portal.selectors import news_counts, portal_news_list
from cms.portal.services import NewsEntry, portal_news_upsert

from .factories import make_image, make_news

pytestmark = pytest.mark.django_db


def _entry(page_id: int, *, title: str, category: str, tagar: list[str], when: datetime):
    return NewsEntry(
        page_id=page_id,
        title=title,
        lead=f"Teras {title}",
        url_path=f"/berita/{page_id}/",
        category=category,
        tagar=tagar,
        image_path="",
        image_alt="",
        date=when.date(),
        first_published_at=when,
        last_published_at=when,
    )


@pytest.fixture
def indexed(instansi):
    rows = [
        (
            "humas",
            901,
            "Rapat koordinasi",
            "kegiatan",
            ["#Humas", "#Rapat"],
            datetime(2026, 1, 5, 3, tzinfo=UTC),
        ),
        (
            "humas",
            902,
            "Banjir di hulu",
            "isu",
            ["#SiagaBanjir"],
            datetime(2026, 1, 31, 18, tzinfo=UTC),
        ),
        (
            "humas",
            903,
            "Satu data",
            "kebijakan",
            ["#SatuData", "#humas"],
            datetime(2026, 3, 2, 3, tzinfo=UTC),
        ),
        ("humas", 904, "Tahun lalu", "isu", ["#Lama"], datetime(2025, 12, 31, 16, tzinfo=UTC)),
        (
            "dinkes",
            901,
            "Imunisasi anak",
            "kegiatan",
            ["#SiagaBanjir", "#Sehat"],
            datetime(2026, 2, 1, 3, tzinfo=UTC),
        ),
    ]
    for slug, pid, title, category, tagar, when in rows:
        portal_news_upsert(
            instansi=instansi[slug],
            entry=_entry(pid, title=title, category=category, tagar=tagar, when=when),
        )


def test_news_counts_shape_and_window(indexed, instansi):
    counts = news_counts(instansi=instansi["humas"], start=date(2026, 1, 1), end=date(2027, 1, 1))
    assert counts == {
        "total": 3,
        "by_category": {"kegiatan": 1, "isu": 1, "kebijakan": 1},
        "by_tagar": {"#Humas": 2, "#Rapat": 1, "#SatuData": 1, "#SiagaBanjir": 1},
        # 31 Jan 18:00 UTC is 1 Feb 01:00 in Asia/Jakarta: counted in the regency's February
        "by_month": {"2026-01": 1, "2026-02": 1, "2026-03": 1},
    }
    # 2025-12-31 16:00 UTC is 23:00 WIB, still 2025 in the regency
    last_year = news_counts(
        instansi=instansi["humas"], start=date(2025, 1, 1), end=date(2026, 1, 1)
    )
    assert last_year["total"] == 1 and last_year["by_month"] == {"2025-12": 1}
    empty = news_counts(instansi=instansi["disdik"], start=date(2026, 1, 1), end=date(2027, 1, 1))
    assert empty == {
        "total": 0,
        "by_category": {"kegiatan": 0, "isu": 0, "kebijakan": 0},
        "by_tagar": {},
        "by_month": {},
    }


def test_portal_list_filters(indexed):
    titles = lambda **kw: {i.title for i in portal_news_list(**kw)}  # noqa: E731
    assert titles(tagar="SiagaBanjir") == {"Banjir di hulu", "Imunisasi anak"}
    assert titles(tagar="#siagabanjir", instansi_slug="dinkes") == {"Imunisasi anak"}
    assert titles(category="kebijakan") == {"Satu data"}
    assert titles(query="banjir hulu") == {"Banjir di hulu"}
    assert titles(category="gosip") == set()
    assert titles(instansi_slug="tidakada") == set()


def test_portal_page_filters_and_links(indexed, portal_client):
    html = portal_client.get("/?tagar=SiagaBanjir").content.decode()
    assert "Banjir di hulu" in html and "Imunisasi anak" in html and "Rapat koordinasi" not in html
    assert 'href="http://humas.localhost' in html and "/berita/902/" in html
    html = portal_client.get("/?instansi=dinkes&kategori=kegiatan").content.decode()
    assert "Imunisasi anak" in html and "Banjir di hulu" not in html
    html = portal_client.get("/?q=satu+data").content.decode()
    assert "Satu data" in html and "Rapat koordinasi" not in html
    assert "Tidak ada berita yang cocok" in portal_client.get("/?tagar=%3Cx%3E").content.decode()


@pytest.mark.parametrize("query", ["?halaman=99", "?halaman=x"])
def test_portal_bad_page_is_404(portal_client, query):
    assert portal_client.get(f"/{query}").status_code == 404


def test_portal_lists_active_instansi_with_links(portal_client, instansi):
    html = portal_client.get("/").content.decode()
    for slug in ("humas", "dinkes", "disdik", "diskominfo"):
        assert instansi[slug].name in html
        assert f"http://{slug}.localhost" in html


def test_portal_serves_logo_and_news_image_of_the_instansi(
    portal_client, instansi, django_capture_on_commit_callbacks
):
    from cms.models import IdentitySettings

    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        identity = IdentitySettings.objects.get()
        identity.logo = make_image("Logo humas")
        identity.save()
        page = make_news(title="Bergambar", image=make_image("Foto portal"))
    html = portal_client.get("/").content.decode()
    assert 'src="/berkas/logo/humas/"' in html
    response = portal_client.get("/berkas/logo/humas/")
    assert response.status_code == 200
    item = PortalNewsItem.objects.get(instansi=instansi["humas"], page_id=page.pk)
    assert f'src="/berkas/berita/{item.pk}/"' in html
    assert 'alt="Foto kegiatan uji"' in html
    assert portal_client.get(f"/berkas/berita/{item.pk}/").status_code == 200
    assert portal_client.get("/berkas/logo/dinkes/").status_code == 404
    assert portal_client.get("/berkas/berita/999999/").status_code == 404


def test_portal_item_is_removed_when_path_escapes_media(portal_client, instansi):
    item = portal_news_upsert(
        instansi=instansi["humas"],
        entry=_entry(
            990, title="Jalur", category="isu", tagar=["#X"], when=datetime(2026, 1, 1, tzinfo=UTC)
        ),
    )
    PortalNewsItem.objects.filter(pk=item.pk).update(image_path="../../etc/passwd")
    assert portal_client.get(f"/berkas/berita/{item.pk}/").status_code == 404


def test_reconcile_catches_up_lost_updates(instansi):
    from cms.services import portal_reconcile

    with schema_context("humas"):
        page = make_news(title="Terlewat oleh on_commit")  # callbacks never ran in this test
    stray = portal_news_upsert(
        instansi=instansi["humas"],
        entry=_entry(
            987654,
            title="Sudah dihapus",
            category="isu",
            tagar=["#X"],
            when=datetime(2026, 1, 1, tzinfo=UTC),
        ),
    )
    counts = portal_reconcile(schema_name="humas")
    assert counts["upserted"] >= 1 and counts["removed"] >= 1
    assert PortalNewsItem.objects.filter(instansi=instansi["humas"], page_id=page.pk).exists()
    assert not PortalNewsItem.objects.filter(pk=stray.pk).exists()
    assert portal_reconcile(schema_name="humas") == {"upserted": 0, "removed": 0}


def test_reconcile_task_and_command(instansi):
    from django.core.management import call_command

    from cms.tasks import portal_reconcile_instansi

    with schema_context("dinkes"):
        make_news(title="Lewat tugas berkala")
    # What the periodic fan-out (portal_reconcile_all) sends for each active instansi.
    results = {"dinkes": portal_reconcile_instansi("dinkes")}
    assert results["dinkes"]["upserted"] >= 1
    assert PortalNewsItem.objects.filter(
        instansi=instansi["dinkes"], title="Lewat tugas berkala"
    ).exists()
    call_command("portal_reindex", "--slug", "dinkes")


@pytest.mark.parametrize(
    "query", ["?q=%00", "?instansi=%00", "?tagar=%00", "?q=a%00b&kategori=%00"]
)
def test_portal_nul_characters_are_harmless(portal_client, query):
    assert portal_client.get(f"/{query}").status_code == 200
