"""In headless Chromium: a humas editor publishes a news page; a visitor finds it on the
instansi's site and on the regency portal.

The page is made through the admin (committed by the live server) with a unique title, and
deleted at the end so other tests find humas's news section as it was.
"""

import re
import uuid

import pytest
from django_tenants.utils import schema_context

from tests.conftest import TEST_PASSWORD, url_for


@pytest.fixture
def news_title(django_db_blocker):
    """A unique title; the page is deleted (committed) after the test's own transaction ends."""
    title = f"Pekan imunisasi {uuid.uuid4().hex[:6]}"
    yield title
    with django_db_blocker.unblock(), schema_context("humas"):
        from cms.models import NewsPage

        for page in NewsPage.objects.filter(title=title):
            page.delete()


def _footer_action(page, selector: str) -> None:
    button = page.locator(selector).first
    if not button.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    button.click()


@pytest.mark.e2e
def test_editor_publishes_news_and_visitor_sees_it_on_site_and_portal(
    news_title, db, live_server_url, browser, page
):
    # `news_title` comes before `db`: its clean-up runs after the test transaction is gone.
    from cms.selectors import news_index_page

    with schema_context("humas"):
        index_id = news_index_page().pk

    # The editor signs in on humas's own host and writes the news.
    page.goto(url_for(live_server_url, "humas", "/admin/login/"))
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/$"))

    page.goto(url_for(live_server_url, "humas", f"/admin/pages/add/cms/newspage/{index_id}/"))
    page.fill("#id_title", news_title)
    page.select_option("#id_category", "kegiatan")
    page.fill("#id_tagar", "#SintangSehat #Imunisasi")
    page.fill("#id_lead", "Dinas Kesehatan membuka pekan imunisasi anak di seluruh puskesmas.")

    # Without a valid hashtag nothing is published and the message says why.
    page.fill("#id_tagar", "Sintang Sehat")
    _footer_action(page, "button[name='action-publish']")
    page.wait_for_load_state()
    assert "Tagar tidak sah" in page.content()
    page.fill("#id_tagar", "#SintangSehat #Imunisasi")
    _footer_action(page, "button[name='action-publish']")
    page.wait_for_url(re.compile(rf".*/admin/pages/{index_id}/$"))

    # A visitor (no session) reads it on the instansi's site, filtered by its hashtag...
    visitor = browser.new_context(locale="id-ID").new_page()
    visitor.goto(url_for(live_server_url, "humas", "/berita/?tagar=SintangSehat"))
    visitor.get_by_role("link", name=news_title).click()
    visitor.wait_for_load_state()
    assert visitor.locator("h1").inner_text() == news_title
    assert "Kegiatan instansi" in visitor.content()
    assert "#Imunisasi" in visitor.locator(".tagar-list").inner_text()
    article_url = visitor.url

    # ...and on the regency portal, whose link leads to the page on humas's host.
    visitor.goto(url_for(live_server_url, None, "/?tagar=SintangSehat"))
    link = visitor.get_by_role("link", name=news_title)
    assert link.count() == 1
    link.click()
    visitor.wait_for_load_state()
    assert visitor.url == article_url
    assert visitor.url.startswith(url_for(live_server_url, "humas", "/berita/"))
    visitor.context.close()
