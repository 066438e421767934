"""In headless Chromium, at desktop and phone size: an instansi's administrator finds a
colleague limited after wrong passwords under Pengaturan → Pembatasan masuk, opens it, and is
told so in Indonesian; the colleague's row and budget are gone. Screenshots land in
var/screenshots/sign-in-limits/."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.conftest import ROOT, browser_login, url_for

SHOTS = ROOT / "var" / "screenshots" / "sign-in-limits"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
USERNAME = "terbatas_e2e"


@pytest.fixture
def limited_colleague(django_db_blocker):
    from tenants.access.models import LoginBudget

    def clean():
        from tenants.models import AuditEntry

        with schema_context("humas"):
            LoginBudget.objects.filter(username=USERNAME).delete()
        AuditEntry.objects.filter(object_id=USERNAME).delete()  # committed for the live server

    with django_db_blocker.unblock():
        clean()
        with schema_context("humas"):
            LoginBudget.objects.create(
                username=USERNAME, client="", attempts=6, window_start=timezone.now()
            )
    yield
    with django_db_blocker.unblock():
        clean()


@pytest.mark.e2e
@pytest.mark.parametrize("size", SIZES)
def test_an_administrator_opens_a_colleagues_sign_in_limit(
    live_server_url, browser, limited_colleague, django_db_blocker, size
):
    from tenants.access.models import LoginBudget

    width, height = SIZES[size]
    context = browser.new_context(locale="id-ID", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    browser_login(page, live_server_url, "humas", django_db_blocker=django_db_blocker)
    page.goto(url_for(live_server_url, "humas", "/admin/keamanan/pembatasan-masuk/"))
    assert page.locator("h1").first.inner_text().strip() == "Pembatasan masuk"
    row = page.locator("[data-testid=sign-in-limits] tr", has_text=USERNAME)
    assert "perangkat tak dikenal" in row.inner_text()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{size}: the page scrolls sideways ({widths})"
    button = row.get_by_role("button", name=f"Buka pembatasan untuk {USERNAME}")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{size}: button cut off ({box})"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"limited-{size}.png"), full_page=True)

    button.click()
    page.wait_for_load_state()
    body = page.locator("body").inner_text()
    assert f"Pembatasan masuk untuk {USERNAME} dibuka" in body
    assert page.locator("[data-testid=sign-in-limits] tr", has_text=USERNAME).count() == 0
    page.screenshot(path=str(SHOTS / f"opened-{size}.png"), full_page=True)
    with django_db_blocker.unblock(), schema_context("humas"):
        assert not LoginBudget.objects.filter(username=USERNAME).exists()
    context.close()
