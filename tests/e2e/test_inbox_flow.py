"""In headless Chromium, Lampiran B through the admin: a citizen asks on humas's site, humas
refers to dinkes and disdik, dinkes answers, disdik declines, humas replies and closes, and
the citizen reads the reply on the tracking page.

Everything is made through the UI (committed by the live server) with a unique marker; only
the form page is ensured by committed setup (idempotent, the provisioning step's own code).
"""

import re
import uuid

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD, url_for


@pytest.fixture
def form_path(django_db_blocker) -> str:
    from inbox.provisioning import create_inquiry_form_page
    from tenants.models import Instansi

    with django_db_blocker.unblock(), schema_context("humas"):
        page = create_inquiry_form_page(Instansi.objects.get(schema_name="humas"))
        return page.relative_url(page.get_site())


def _login(page, live_server_url, slug: str) -> None:
    page.goto(url_for(live_server_url, slug, "/admin/login/"))
    if "/admin/login/" not in page.url:
        return  # already signed in on this host
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def _open_inquiry(page, live_server_url, slug: str, box: str, marker: str) -> None:
    page.goto(url_for(live_server_url, slug, box))
    page.get_by_role("link", name=re.compile(re.escape(marker))).first.click()
    page.wait_for_url(re.compile(r".*/admin/kotak-masuk/pesan/\d+/$"))


@pytest.mark.e2e
def test_lampiran_b_through_the_admin_ui(form_path, live_server_url, page):
    marker = f"Vaksin-{uuid.uuid4().hex[:6]}"
    body = f"{marker}: kapan jadwal vaksinasi anak sekolah di Puskesmas Kota?"

    # 1. The citizen asks on humas's site and gets a receipt with a tracking code.
    page.goto(url_for(live_server_url, "humas", form_path))
    page.get_by_label("Pertanyaan").check()
    page.fill("textarea[name=body]", body)
    page.fill("input[name=citizen_name]", "Siti Warga")
    page.fill("input[name=citizen_contact]", "siti.warga@example.org")
    page.get_by_role("button", name="Kirim pesan").click()
    page.wait_for_url(re.compile(r".*/lacak/[A-Z0-9-]+/\?baru=1$"))
    expect(page.get_by_role("heading", name="Tanda terima")).to_be_visible()
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    # 2. Humas sees it in the received box and refers it to dinkes and disdik.
    _login(page, live_server_url, "humas")
    page.goto(url_for(live_server_url, "humas", "/admin/"))
    page.get_by_text("Kotak Masuk").first.click()
    page.get_by_role("link", name="Pesan diterima").first.click()
    _open_inquiry(page, live_server_url, "humas", "/admin/kotak-masuk/", marker)
    expect(page.get_by_text("siti.warga@example.org")).to_be_visible()
    page.select_option("select[name=to_instansi]", "dinkes")
    page.fill("textarea[name=note]", "Mohon jadwal vaksinasi.")
    page.get_by_role("button", name="Rujuk").click()
    expect(page.get_by_text("Pesan dirujuk")).to_be_visible()
    page.select_option("select[name=to_instansi]", "disdik")
    page.get_by_role("button", name="Rujuk").click()
    expect(page.get_by_test_id("referral-disdik")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Dirujuk ke instansi terkait")
    expect(page.get_by_test_id("referral-dinkes").get_by_text(re.compile("Sisa"))).to_be_visible()

    # 3. Dinkes answers from its referred box, without seeing the citizen's contact.
    _login(page, live_server_url, "dinkes")
    _open_inquiry(page, live_server_url, "dinkes", "/admin/kotak-masuk/dirujuk/", marker)
    assert "siti.warga@example.org" not in page.content()
    assert code not in page.content()
    page.fill("textarea[name=answer]", "Vaksinasi anak sekolah setiap Selasa pukul 08.00.")
    page.fill("input[name=answered_by_name]", "dr. Budi")
    page.get_by_role("button", name="Kirim jawaban rujukan").click()
    expect(page.get_by_text("Jawaban rujukan terkirim")).to_be_visible()

    # 4. Disdik declines: not its authority.
    _login(page, live_server_url, "disdik")
    _open_inquiry(page, live_server_url, "disdik", "/admin/kotak-masuk/dirujuk/", marker)
    page.get_by_text("Bukan kewenangan kami").first.click()
    page.fill("textarea[name=reason]", "Jadwal vaksinasi diatur Dinas Kesehatan.")
    page.select_option("select[name=suggested_instansi]", "dinkes")
    page.get_by_role("button", name="Tolak rujukan").click()
    expect(page.get_by_text("Rujukan dikembalikan ke instansi pengirim")).to_be_visible()

    # 5. Humas replies to the citizen from dinkes's answer, then closes.
    _open_inquiry(
        page, live_server_url, "humas", "/admin/kotak-masuk/?status=dijawab_terkait", marker
    )
    reply = page.locator("textarea[name=reply]")
    assert "Selasa pukul 08.00" in reply.input_value()
    reply.fill("Vaksinasi anak sekolah setiap Selasa pukul 08.00 di Puskesmas Kota.")
    page.get_by_role("button", name="Kirim balasan").click()
    expect(page.get_by_test_id("status")).to_have_text("Dibalas ke masyarakat")
    page.get_by_role("button", name="Tutup pesan").click()
    expect(page.get_by_test_id("status")).to_have_text("Ditutup")
    timeline = page.get_by_test_id("timeline").inner_text()
    for step in (
        "Diterima",
        "Dirujuk",
        "Rujukan dijawab",
        "Rujukan ditolak",
        "Dibalas ke masyarakat",
        "Ditutup",
    ):
        assert step in timeline

    # 6. The citizen tracks the code on the portal and reads the reply.
    page.goto(url_for(live_server_url, None, "/lacak/"))
    page.fill("input[name=code]", code.lower().replace("-", ""))
    page.get_by_role("button", name="Lacak").click()
    page.wait_for_url(re.compile(rf".*/lacak/{code}/$"))
    expect(page.get_by_test_id("status")).to_have_text("Ditutup")
    assert "Selasa pukul 08.00 di Puskesmas Kota" in page.get_by_test_id("reply").inner_text()
    assert "siti.warga@example.org" not in page.content()
