"""On a phone (390×844, headless Chromium, no JavaScript): one citizen asks on the portal,
follows the inquiry while it is referred, reads the related instansi's answer, rates it and
asks a follow-up. The instansi's side is done by the services (committed), as staff would.

Screenshots of each step are kept under var/screenshots/citizen-phone/.
"""

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, url_for
from tests.e2e import public_pages as shared

# The shared axe-core fixtures, bound to names here so pytest finds them for this module.
axe_script, axe_phone = shared.axe_script, shared.axe_phone

SCREENSHOTS = ROOT / "var" / "screenshots" / "citizen-phone"


def _shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    # Nothing scrolls sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    return path


def _serious_violations(page, script: str) -> list[dict]:
    page.add_script_tag(content=script)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.mark.e2e
def test_citizen_follows_the_inquiry_to_a_rated_answer(
    live_server_url, phone, django_db_blocker, axe_phone, axe_script
):
    from django.core.cache import caches

    from inbox import services
    from inbox.models import Inquiry
    from tenants.models import Instansi

    with django_db_blocker.unblock():
        for scope in ("form", "tracking"):  # earlier runs from this address do not count
            caches["regency"].delete(f"inbox:ratelimit:{scope}:127.0.0.1")
    marker = f"Imunisasi-{uuid.uuid4().hex[:6]}"
    page = phone

    # 1. The citizen asks on the portal and gets the receipt with the tracking code.
    page.goto(url_for(live_server_url, None, "/tanya/"))
    page.select_option("select[name=instansi]", "humas")
    page.get_by_label("Pertanyaan").check()
    page.fill("textarea[name=body]", f"{marker}: kapan jadwal imunisasi anak di puskesmas?")
    page.fill("input[name=citizen_contact]", "warga.hp@example.org")
    page.get_by_role("button", name="Kirim pesan").click()
    page.wait_for_url(re.compile(r".*/lacak/[A-Z0-9-]+/\?baru=1$"))
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    expect(page.get_by_test_id("status")).to_have_text("Sedang ditelaah")
    expect(page.get_by_test_id("next-step")).to_contain_text("paling lambat")
    _shot(page, "1-tanda-terima")

    # 2. Humas refers it to dinkes: the page names both and the 24-hour deadline.
    with django_db_blocker.unblock():
        inquiry = Inquiry.objects.get(tracking_code=code)
        humas = Instansi.objects.get(schema_name="humas")
        dinkes = Instansi.objects.get(schema_name="dinkes")
        referral = services.inquiry_refer(
            actor=None, instansi=humas, inquiry_id=inquiry.pk, to_instansi="dinkes"
        )
    track = url_for(live_server_url, None, f"/lacak/{code}/")
    page.goto(track)
    expect(page.get_by_test_id("status")).to_have_text("Diteruskan ke instansi yang berwenang")
    expect(page.get_by_test_id("related")).to_have_text("Dinas Kesehatan")
    expect(page.get_by_test_id("receiving")).to_have_text("Bagian Humas dan Protokol Setda")
    expect(page.get_by_test_id("next-step")).to_contain_text("wajib menjawab dalam 24 jam")
    _shot(page, "2-dirujuk")

    # 3. Dinkes answers: the citizen reads the answer at once, before humas relays it.
    with django_db_blocker.unblock():
        services.referral_answer(
            actor=None,
            instansi=dinkes,
            referral_id=referral.pk,
            answer="Imunisasi anak setiap Selasa pukul 08.00 di semua puskesmas.",
            answered_by_name="Petugas Dinkes",
        )
    page.goto(track)
    expect(page.get_by_test_id("status")).to_have_text("Sudah dijawab")
    expect(page.get_by_test_id("related-answer")).to_contain_text("setiap Selasa pukul 08.00")
    _shot(page, "3-dijawab")
    # axe-core finds nothing serious on the answered page, its forms' errors shown too.
    axe_phone.goto(track)
    assert _serious_violations(axe_phone, axe_script) == []
    axe_phone.get_by_role("button", name="Kirim pertanyaan lanjutan").click()
    axe_phone.wait_for_load_state()
    expect(axe_phone.locator(".error-summary")).to_contain_text("wajib diisi")
    assert _serious_violations(axe_phone, axe_script) == []

    # 4. A rating without a choice gets a message in Indonesian; then the citizen rates 5.
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.locator(".error-summary")).to_contain_text("Pilih nilai 1 sampai 5.")
    _shot(page, "4-nilai-kosong")
    page.locator("input[name=nilai-rating][value='5']").check()
    page.fill("textarea[name=nilai-comment]", "Jelas dan cepat.")
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.get_by_text("Terima kasih atas penilaian Anda.")).to_be_visible()
    expect(page.get_by_test_id("rating")).to_have_text("Penilaian Anda: 5 dari 5.")

    # 5. One follow-up question reopens the inquiry to dinkes with a fresh deadline.
    page.fill("textarea[name=lanjutan-question]", "Apakah perlu membawa buku KIA?")
    page.get_by_role("button", name="Kirim pertanyaan lanjutan").click()
    expect(page.get_by_text("Pertanyaan lanjutan Anda telah kami terima")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Diteruskan ke instansi yang berwenang")
    expect(page.get_by_test_id("follow-up")).to_have_text("Apakah perlu membawa buku KIA?")
    expect(page.get_by_role("button", name="Kirim pertanyaan lanjutan")).to_have_count(0)
    _shot(page, "5-pertanyaan-lanjutan")

    with django_db_blocker.unblock():
        inquiry.refresh_from_db()
        assert inquiry.rating == 5 and inquiry.status == Inquiry.Status.REFERRED


@pytest.fixture(autouse=True)
def _forget_the_inquiry(django_db_blocker):
    """The inquiry was committed by the live server: delete it (its timeline, referrals and
    notices go with it), so the figures other tests count stay theirs."""
    yield
    from inbox.models import Inquiry

    with django_db_blocker.unblock():
        Inquiry.objects.filter(body__startswith="Imunisasi-", channel="portal").delete()
