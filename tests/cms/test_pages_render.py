"""Each page type renders on its own instansi's host, in Indonesian, and only there."""

import re
from datetime import date

import pytest
from django_tenants.utils import schema_context

from cms.models import ContactPage, HomePage, NewsIndexPage, StandardPage
from tests.conftest import tenant_client

from .factories import make_image, make_news

pytestmark = pytest.mark.django_db


def test_provisioned_site_has_home_berita_profil_kontak(instansi):
    with schema_context("humas"):
        home = HomePage.objects.get()
        assert home.title == instansi["humas"].name
        children = {p.slug: p.specific_class for p in home.get_children()}
    assert children["berita"] is NewsIndexPage
    assert children["profil"] is StandardPage
    assert children["kontak"] is ContactPage


@pytest.mark.parametrize("path", ["/", "/berita/", "/profil/", "/kontak/"])
def test_each_section_renders_with_landmarks_and_open_graph(path, humas_client, instansi):
    response = humas_client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert 'class="skip-link" href="#konten"' in html
    assert '<main id="konten"' in html and "<header" in html and "<footer" in html
    assert 'property="og:title"' in html and 'property="og:url"' in html
    assert instansi["humas"].name in html
    assert 'href="/identitas.css?v=' in html
    # the public CSP forbids inline styles and scripts
    assert "style=" not in html and "<style" not in html and "<script" not in html


def test_news_page_renders_category_hashtags_image_and_indonesian_date(humas_client):
    with schema_context("humas"):
        page = make_news(
            title="Vaksinasi massal di Sintang",
            tagar="#SintangSehat #Imunisasi",
            category="isu",
            date=date(2026, 3, 12),
            image=make_image(),
        )
        url = page.url
    response = humas_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vaksinasi massal di Sintang" in html
    assert "Isu aktual daerah" in html
    assert "#SintangSehat" in html and "?tagar=Imunisasi" in html
    assert "Kamis, 12 Maret 2026" in html
    assert re.search(r"Terbit \d{1,2} [A-Z][a-z]+ \d{4} \d{2}\.\d{2} WIB", html)
    assert 'alt="Foto kegiatan uji"' in html
    assert 'property="og:type" content="article"' in html
    assert 'property="og:image"' in html


def test_home_page_lists_latest_news_and_contact(humas_client):
    with schema_context("humas"):
        make_news(title="Berita beranda terbaru")
    html = humas_client.get("/").content.decode()
    assert "Berita beranda terbaru" in html
    assert "Akun media sosial resmi" in html
    assert "info@humas.localhost" in html


def test_page_of_humas_is_not_reachable_on_dinkes_host(humas_client, dinkes_client):
    with schema_context("humas"):
        page = make_news(title="Hanya milik humas", slug="hanya-milik-humas")
        url = page.url
    assert humas_client.get(url).status_code == 200
    response = dinkes_client.get(url)
    assert response.status_code == 404
    assert "Hanya milik humas" not in response.content.decode()
    assert "Hanya milik humas" not in dinkes_client.get("/berita/").content.decode()


def test_tagar_and_category_filters(humas_client):
    with schema_context("humas"):
        make_news(title="Tentang banjir", tagar="#SiagaBanjir", category="isu")
        make_news(title="Tentang sekolah", tagar="#Sekolah", category="kebijakan")
    html = humas_client.get("/berita/?tagar=SiagaBanjir").content.decode()
    assert "Tentang banjir" in html and "Tentang sekolah" not in html
    html = humas_client.get("/berita/?tagar=%23siagabanjir").content.decode()
    assert "Tentang banjir" in html
    html = humas_client.get("/berita/?kategori=kebijakan").content.decode()
    assert "Tentang sekolah" in html and "Tentang banjir" not in html


@pytest.mark.parametrize(
    "query", ["?tagar=TidakAda", "?tagar=%3Cscript%3E", "?tagar=a%20b'", "?kategori=gosip"]
)
def test_unknown_filters_give_an_empty_list(humas_client, query):
    with schema_context("humas"):
        make_news(title="Berita yang ada")
    response = humas_client.get(f"/berita/{query}")
    assert response.status_code == 200
    assert "Berita yang ada" not in response.content.decode()
    assert "Tidak ada berita" in response.content.decode()


@pytest.mark.parametrize("number", ["99", "abc", "-1", "0"])
def test_bad_page_numbers_are_404(humas_client, number):
    assert humas_client.get(f"/berita/?halaman={number}").status_code == 404


def test_search_finds_news_of_this_instansi_only(
    humas_client, dinkes_client, django_capture_on_commit_callbacks
):
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        make_news(title="Peresmian jembatan gantung", lead="Jembatan baru menghubungkan desa.")
    html = humas_client.get("/cari/?q=jembatan").content.decode()
    assert "Peresmian <mark>jembatan</mark> gantung" in html
    assert "gantung" not in dinkes_client.get("/cari/?q=jembatan").content.decode()
    assert humas_client.get("/cari/?q=").status_code == 200


def test_identity_stylesheet_carries_the_colours(humas_client):
    from cms.models import IdentitySettings

    with schema_context("humas"):
        identity = IdentitySettings.objects.get()
        identity.primary_colour = "#00695C"
        identity.save()
    response = humas_client.get("/identitas.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "--brand: #00695C" in response.content.decode()


def test_robots_txt_points_to_sitemap(humas_client):
    body = humas_client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert re.search(r"Sitemap: http://humas\.localhost(:\d+)?/sitemap\.xml", body)


def test_portal_renders_without_tenant_tables(portal_client):
    response = portal_client.get("/")
    assert response.status_code == 200
    assert "Daftar instansi" in response.content.decode()
    assert tenant_client  # fixtures module imported


def test_home_page_shows_the_official_accounts_of_this_instansi(humas_client, dinkes_client):
    from tests.registry.factories import make_account, make_decree

    with schema_context("humas"):
        decree = make_decree()
        make_account(decree, url="https://instagram.com/humas_resmi", display_name="Humas Resmi")
    html = humas_client.get("/").content.decode()
    assert "Humas Resmi" in html and "https://instagram.com/humas_resmi" in html
    assert "Instagram" in html
    assert "Humas Resmi" not in dinkes_client.get("/").content.decode()


def test_dates_stay_indonesian_for_an_english_browser():
    from django.test import Client

    with schema_context("humas"):
        page = make_news(title="Tanggal tetap Indonesia", date=date(2026, 8, 17))
        url = page.url
    client = Client(HTTP_HOST="humas.localhost", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = client.get(url).content.decode()
    assert "Senin, 17 Agustus 2026" in html


@pytest.mark.parametrize(
    "path", ["/cari/?q=%00", "/cari/?q=a%00b", "/berita/?tagar=%00", "/berita/?kategori=%00"]
)
def test_nul_characters_in_queries_are_harmless(humas_client, path):
    assert humas_client.get(path).status_code == 200


def test_tanggal_is_indonesian_whatever_language_is_active():
    from django.utils import translation

    from cms.templatetags.cms_tags import tanggal

    for language in ("id", "en"):
        with translation.override(language):
            assert tanggal(date(2026, 3, 12), "l, j F Y") == "Kamis, 12 Maret 2026"
            assert translation.get_language() == language  # left as it was
