"""Public side: each instansi's Akun Resmi page, the portal's check page and the verify API."""

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context
from rest_framework.throttling import ScopedRateThrottle

from tenants.registry import services
from tests.conftest import tenant_client
from tests.registry.factories import make_account, make_decree

VERIFY_API = "/api/v1/verify"
VERIFY_PAGE = "/verifikasi-akun/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registry(db):
    """humas: one official Instagram account and one retired Facebook account."""
    with schema_context("humas"):
        decree = make_decree(number="800/RESMI/2026")
        official = make_account(
            decree, url="https://instagram.com/humasresmi", display_name="Humas Resmi"
        )
        retired = make_account(decree, url="https://facebook.com/humaslama")
        ending = make_decree(number="800/AKHIR/2026")
        services.account_retire(actor=None, account=retired, decree=ending)
    return {"decree": decree, "official": official, "retired": retired}


def test_api_official_account(registry, portal_client):
    response = portal_client.get(VERIFY_API, {"url": "WWW.Instagram.com/HumasResmi/?igshid=a"})
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "resmi" and data["official"] is True
    assert data["instansi"] == {"slug": "humas", "name": "Bagian Humas dan Protokol Setda"}
    assert data["decree"] == {"number": "800/RESMI/2026", "date": "2026-01-05", "active": True}
    assert data["official_since"] == "2026-01-06"
    assert data["account"]["category"] == "berbagi_media"


def test_api_by_platform_and_handle(registry, portal_client):
    data = portal_client.get(VERIFY_API, {"platform": "instagram", "handle": "@HumasResmi"}).json()
    assert data["status"] == "resmi"
    assert data["account"]["url"] == "https://instagram.com/humasresmi"


def test_api_retired_account(registry, portal_client):
    data = portal_client.get(VERIFY_API, {"url": "https://m.facebook.com/humaslama"}).json()
    assert data["status"] == "dihentikan" and data["official"] is False
    assert data["retired_on"] is not None
    assert "800/AKHIR/2026" in data["message"]


def test_api_unknown_account_is_not_registered_not_404(registry, portal_client):
    response = portal_client.get(VERIFY_API, {"url": "https://instagram.com/humaspalsu"})
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "tidak_terdaftar" and data["instansi"] is None
    assert "tidak terdaftar" in data["message"]


@pytest.mark.parametrize(
    "params,fragment",
    [
        ({}, "Isi alamat"),
        ({"url": "bukan url"}, "spasi"),
        ({"url": "ftp://x.com/a"}, "http"),
        ({"platform": "myspace", "handle": "a"}, "tidak dikenal"),
        ({"platform": "instagram"}, "handle wajib"),
        ({"handle": "humas"}, "platform wajib"),
    ],
)
def test_api_bad_parameters_answer_400_with_message(db, portal_client, params, fragment):
    response = portal_client.get(VERIFY_API, params)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]


def test_api_is_rate_limited(db, portal_client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"verify": "3/min"})
    statuses = [portal_client.get(VERIFY_API, {"url": "x.com/a"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    page = portal_client.get(VERIFY_PAGE, {"url": "x.com/a"})
    assert page.status_code == 429
    assert "Terlalu banyak" in page.content.decode()


def test_verify_api_is_not_served_on_instansi_hosts(db, humas_client):
    response = humas_client.get(VERIFY_API, {"url": "x.com/a"}, follow=True)
    assert response.status_code == 404


def test_verify_page_shows_each_answer(registry, portal_client):
    empty = portal_client.get(VERIFY_PAGE)
    assert empty.status_code == 200 and "Periksa Akun Resmi" in empty.content.decode()

    official = portal_client.get(VERIFY_PAGE, {"url": "instagram.com/humasresmi"}).content
    assert b'data-status="resmi"' in official and b"800/RESMI/2026" in official

    retired = portal_client.get(VERIFY_PAGE, {"platform": "facebook", "handle": "humaslama"})
    assert b'data-status="dihentikan"' in retired.content

    unknown = portal_client.get(VERIFY_PAGE, {"url": "instagram.com/tidakada"})
    assert b'data-status="tidak_terdaftar"' in unknown.content

    bad = portal_client.get(VERIFY_PAGE, {"url": "ht!tp://"})
    assert bad.status_code == 400 and b"verify-error" in bad.content


def test_the_index_follows_changes_as_seen_by_the_public(registry, portal_client):
    url = "https://instagram.com/humasresmi"
    assert portal_client.get(VERIFY_API, {"url": url}).json()["status"] == "resmi"
    with schema_context("humas"):
        services.account_retire(actor=None, account=registry["official"], decree=registry["decree"])
    assert portal_client.get(VERIFY_API, {"url": url}).json()["status"] == "dihentikan"
    with schema_context("humas"):
        services.account_reactivate(
            actor=None, account=registry["official"], decree=registry["decree"]
        )
    assert portal_client.get(VERIFY_API, {"url": url}).json()["status"] == "resmi"


def test_akun_resmi_page_lists_active_accounts_with_icons_and_sk(registry, humas_client):
    response = humas_client.get("/akun-resmi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Humas Resmi" in html and "@humasresmi" in html
    assert "registry/icons/instagram.svg" in html
    assert "800/RESMI/2026" in html
    assert "/media/humas/registri/sk/" in html  # the SK's PDF
    assert "humaslama" not in html  # retired accounts are not listed
    assert "/verifikasi-akun/" in html


def test_akun_resmi_page_is_per_instansi(registry, dinkes_client):
    html = dinkes_client.get("/akun-resmi/").content.decode()
    assert "humasresmi" not in html
    assert "Belum ada akun resmi" in html


def test_akun_resmi_page_query_count_is_constant(db, django_assert_max_num_queries):
    client = tenant_client("disdik")
    with schema_context("disdik"):
        decree = make_decree()
        make_account(decree, url="https://instagram.com/disdik1")
    client.get("/akun-resmi/")
    with django_assert_max_num_queries(20) as few:
        client.get("/akun-resmi/")
    with schema_context("disdik"):
        for i in range(2, 8):
            make_account(decree, url=f"https://instagram.com/disdik{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/akun-resmi/").content.count(b"akun-icon") == 7


def test_verify_api_query_count_is_constant(registry, portal_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        portal_client.get(VERIFY_API, {"url": "instagram.com/humasresmi"})


# --- an address that is not the account's own: a post, or another spelling of the profile -----


@pytest.fixture
def channels(registry):
    """humas also runs a YouTube channel (youtube.com/@humaskobar) and an X account."""
    with schema_context("humas"):
        youtube = make_account(registry["decree"], url="https://youtube.com/@HumasKobar")
        x = make_account(registry["decree"], url="https://twitter.com/HumasX")
    return {**registry, "youtube": youtube, "x": x}


@pytest.mark.parametrize(
    "url,account_url",
    [
        ("https://www.youtube.com/c/HumasKobar", "https://youtube.com/@humaskobar"),
        ("https://m.youtube.com/user/humaskobar/videos", "https://youtube.com/@humaskobar"),
        ("https://x.com/humas_x/status/1", None),  # another handle: not the account
        ("https://x.com/HumasX/status/1", "https://x.com/humasx"),
        ("https://twitter.com/humasx/status/17?s=20", "https://x.com/humasx"),
        ("instagram.com/humasresmi/reels", "https://instagram.com/humasresmi"),
    ],
)
def test_api_matches_a_post_or_variant_address_by_its_handle(
    channels, portal_client, url, account_url
):
    response = portal_client.get(VERIFY_API, {"url": url})
    assert response.status_code == 200
    data = response.json()
    if account_url is None:
        assert data["status"] == "tidak_terdaftar" and data["account"] is None
        return
    assert data["status"] == "resmi" and data["official"] is True
    assert data["account"]["url"] == account_url  # the answer names the account that matched
    assert data["instansi"]["slug"] == "humas"
    assert data["decree"]["number"] == "800/RESMI/2026"
    assert data["query"].startswith("https://") and data["query"] != account_url
    assert f"menunjuk akun {data['account']['platform_label']} @" in data["message"]
    exact = portal_client.get(VERIFY_API, {"url": account_url}).json()
    assert set(data) == set(exact) and set(data["account"]) == set(exact["account"])
    assert data["account"] == exact["account"] and "menunjuk" not in exact["message"]


def test_api_post_of_a_retired_account_says_it_is_retired(registry, portal_client):
    data = portal_client.get(VERIFY_API, {"url": "https://facebook.com/humaslama/posts/9"}).json()
    assert data["status"] == "dihentikan" and data["official"] is False
    assert data["account"]["url"] == "https://facebook.com/humaslama"
    assert "800/AKHIR/2026" in data["message"]


@pytest.mark.parametrize(
    "url",
    [
        "https://instagram.com/p/CxYz123",  # a post address that names no account
        "https://x.com.tiruan.id/humasx/status/1",  # not the platform's host
        "https://youtube.com/watch?v=abc",
    ],
)
def test_api_handle_fallback_only_for_addresses_naming_an_account(channels, portal_client, url):
    data = portal_client.get(VERIFY_API, {"url": url}).json()
    assert data["status"] == "tidak_terdaftar" and data["instansi"] is None


def test_verify_page_matches_a_post_by_its_handle(channels, portal_client):
    response = portal_client.get(VERIFY_PAGE, {"url": "https://x.com/humasx/status/1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="resmi"' in html
    assert "@humasx" in html and "800/RESMI/2026" in html
    # One sentence: the address belongs to the account, which is official.
    assert "Alamat yang Anda periksa milik X (Twitter) @humasx, akun resmi" in html
