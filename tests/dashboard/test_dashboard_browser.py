"""In headless Chromium: the humas admin's dashboard at desktop width and on a 390 px phone,
with its work panels in view and nothing wider than the screen. Screenshots land in var/."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from tests.conftest import ROOT, browser_login


@pytest.fixture
def waiting_inquiry(live_server_url, django_db_blocker):
    """One message waiting at humas, long enough to test wrapping (committed for the server)."""
    from inbox.models import Inquiry
    from tenants.models import Instansi

    with django_db_blocker.unblock():
        inquiry = Inquiry.objects.create(
            instansi=Instansi.objects.get(schema_name="humas"),
            kind=Inquiry.Kind.KRITIK,
            channel=Inquiry.Channel.AKUN_RESMI,
            body="Antrean pelayanan administrasi kependudukan di kecamatan sangat panjang sekali"
            "-dan-tidak-ada-pemberitahuan-jadwal-yang-jelas-bagi-warga-yang-datang-dari-jauh",
            tracking_code=f"LAYAR{uuid.uuid4().hex[:8].upper()}",
            created_at=timezone.now() - dt.timedelta(hours=20),
        )
    yield inquiry
    with django_db_blocker.unblock():
        inquiry.delete()


@pytest.mark.e2e
@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_dashboard_fits_desktop_and_phone(
    browser, live_server_url, waiting_inquiry, django_db_blocker, width, height
):
    context = browser.new_context(locale="id-ID", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        browser_login(
            page, live_server_url, "humas", "/admin/", django_db_blocker=django_db_blocker
        )
        panel = page.locator("[data-panel=pesan-menunggu]")
        assert waiting_inquiry.tracking_code in panel.inner_text()
        assert "Sisa 3 jam" in panel.inner_text() or "Sisa 4 jam" in panel.inner_text()
        assert page.locator("h1").first.inner_text().strip() == "Bagian Humas dan Protokol Setda"
        assert page.locator("[data-panel=laporan-tahunan]").is_visible()
        # The avatar is Wagtail's local image and it loaded.
        avatar = page.locator("img.avatar, .avatar img").first
        assert avatar.evaluate("img => img.complete && img.naturalWidth > 0")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{overflow}px of horizontal scroll at {width}px"
        (ROOT / "var").mkdir(exist_ok=True)
        page.screenshot(path=str(ROOT / "var" / f"dashboard-{width}.png"), full_page=True)
    finally:
        context.close()
