"""On a phone (390×844, headless Chromium): no public page scrolls sideways, forms work
without JavaScript, the error summary takes the focus, the tracking code stays on one line.

Screenshots of every page are kept in var/screenshots/public-mobile/ for a person to look at.
"""

import pytest

from tests.conftest import url_for
from tests.e2e import public_pages as shared

# The shared fixtures, bound to names here so pytest finds them for this module.
axe_script, phone, public_data = shared.axe_script, shared.phone, shared.public_data
public_pages, screenshot = shared.public_pages, shared.screenshot

pytestmark = pytest.mark.e2e


def test_no_public_page_is_wider_than_a_phone(public_data, live_server_url, phone):
    too_wide = {}
    for name, slug, path in public_pages(public_data):
        response = phone.goto(url_for(live_server_url, slug, path))
        assert response.status < 500, (name, response.status)
        assert phone.locator("html").get_attribute("lang") == "id", name
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            widest = phone.evaluate(
                """() => [...document.querySelectorAll('body *')]
                     .filter(e => e.getBoundingClientRect().right > 390)
                     .slice(-3).map(e => e.tagName + '.' + e.className)"""
            )
            too_wide[name] = (width, widest)
        screenshot(phone, name)
    assert too_wide == {}


def test_instansi_home_shows_the_long_email_inside_the_screen(public_data, live_server_url, phone):
    phone.goto(url_for(live_server_url, "humas", "/"))
    link = phone.locator(f"main a[href='mailto:{shared.LONG_EMAIL}']")
    assert link.count() >= 1
    box = link.first.bounding_box()
    assert box["x"] + box["width"] <= 390


def test_inquiry_form_without_javascript_shows_the_summary_and_focuses_it(
    public_data, live_server_url, browser
):
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(url_for(live_server_url, None, "/tanya/"))
        page.fill("#id_body", "Jalan di desa kami rusak.")
        page.get_by_role("button", name="Kirim pesan").click()
        page.wait_for_load_state()
        summary = page.locator(".error-summary")
        assert summary.get_attribute("role") == "alert"
        links = summary.locator("a")
        texts = links.all_inner_texts()
        assert texts == ["Pilih jenis pesan: pertanyaan, komentar, kritik, atau saran."]
        # The focus is on the summary on load (autofocus), and each link leads to its field.
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))"):
            assert page.locator(href).count() == 1, href
        # What was typed is kept.
        assert page.input_value("#id_body") == "Jalan di desa kami rusak."
        screenshot(page, "tanya-portal-errors")
    finally:
        context.close()


def test_tracking_code_stays_on_one_line(public_data, live_server_url, phone):
    phone.goto(url_for(live_server_url, None, f"/lacak/{public_data['tracking_code']}/"))
    code = phone.locator("h1 .inbox-code")
    line_height = code.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 0")
    box = code.bounding_box()
    assert box["height"] <= max(line_height, 40) * 1.2
    assert box["x"] + box["width"] <= 390


def test_news_photo_credit_is_not_doubled(public_data, live_server_url, phone):
    phone.goto(url_for(live_server_url, "humas", public_data["news_path"]))
    credit = phone.locator("figcaption .credit").inner_text()
    assert credit == "Foto: Humas Setda"
