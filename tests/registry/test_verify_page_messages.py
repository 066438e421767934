"""The portal's account check speaks to citizens: no parameter names or API paths, a bare
@handle asks for its platform, each answer is one plain sentence, errors summarised on top."""

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from tests.registry.factories import make_account, make_decree

VERIFY_PAGE = "/verifikasi-akun/"
TECHNICAL = ("Parameter", "handle wajib", "/api/v1", "url=", "API")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tiktok(db):
    with schema_context("humas"):
        decree = make_decree(number="800/TIKTOK/2026")
        make_account(decree, url="https://www.tiktok.com/@humaskabsimpul")


def _text(response) -> str:
    return response.content.decode()


def _no_technical_words(html: str) -> None:
    main = html[html.index("<main") : html.index("</main>")]
    for word in TECHNICAL:
        assert word not in main, word


def test_bare_handle_asks_for_the_platform(portal_client):
    response = portal_client.get(VERIFY_PAGE, {"url": "@humaskabsimpul", "platform": ""})
    assert response.status_code == 400
    html = _text(response)
    assert "https://@humaskabsimpul" not in html
    assert "nama domain" not in html
    assert "Pilih platform akun @humaskabsimpul" in html
    # The summary links to the platform field, and the name moved to the name field.
    assert 'class="error-summary" role="alert"' in html
    assert '<a href="#id_platform">Pilih platform akun @humaskabsimpul' in html
    assert 'id="id_handle" name="handle"' in html and 'value="@humaskabsimpul"' in html
    _no_technical_words(html)


def test_bare_handle_with_a_platform_is_checked(tiktok, portal_client):
    response = portal_client.get(VERIFY_PAGE, {"url": "@humaskabsimpul", "platform": "tiktok"})
    assert response.status_code == 200
    assert 'data-status="resmi"' in _text(response)


def test_platform_without_a_name_and_nothing_at_all(portal_client):
    html = _text(portal_client.get(VERIFY_PAGE, {"platform": "tiktok", "handle": ""}))
    assert '<a href="#id_handle">Tulis nama akun TikTok yang ingin diperiksa.</a>' in html
    _no_technical_words(html)
    html = _text(portal_client.get(VERIFY_PAGE, {"url": "", "handle": ""}))
    assert '<a href="#id_url">Tempel alamat akun' in html
    _no_technical_words(html)
    html = _text(portal_client.get(VERIFY_PAGE, {"platform": "myspace", "handle": "a"}))
    assert "Pilih platform dari daftar." in html


def test_tiktok_video_answer_is_one_sentence(tiktok, portal_client):
    response = portal_client.get(
        VERIFY_PAGE, {"url": "https://www.tiktok.com/@humaskabsimpul/video/7300000000000000000"}
    )
    html = _text(response)
    assert 'data-status="resmi"' in html
    answer = html.split('data-status="resmi">')[1].split("<p>")[1].split("</p>")[0]
    assert answer.startswith("Alamat yang Anda periksa milik TikTok @humaskabsimpul, akun resmi")
    assert answer.count(". ") == 0 and answer.endswith(".")  # one sentence
    assert "800/TIKTOK/2026" in answer
    _no_technical_words(html)


def test_a_malformed_address_quotes_what_was_typed(portal_client):
    html = _text(portal_client.get(VERIFY_PAGE, {"url": "instagram"}))
    # A single word is a name, not an address: the platform is asked for.
    assert "Pilih platform akun @instagram" in html
    html = _text(portal_client.get(VERIFY_PAGE, {"url": "http://bukan_domain/"}))
    assert "«http://bukan_domain/» bukan alamat web yang lengkap" in html
    assert "'https://" not in html
