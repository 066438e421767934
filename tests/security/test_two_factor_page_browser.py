"""In headless Chromium: the two-factor enrolment page shows once, puts a wrong code's message
beside its field, and after enrolling sends the user where they were going (committed data on a
real server)."""

import pytest

from tests.conftest import TEST_PASSWORD, url_for

USERNAME = "evaluator_e2e_2fa"


@pytest.fixture
def evaluator(django_db_blocker):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context

    from evaluation.roles import EVALUATOR_GROUP
    from tenants.access import services
    from tenants.access.models import KnownClientAddress, LoginBudget

    def clean():
        with schema_context("diskominfo"):
            get_user_model().objects.filter(username=USERNAME).delete()
            LoginBudget.objects.filter(username=USERNAME).delete()
            KnownClientAddress.objects.filter(username=USERNAME).delete()

    with django_db_blocker.unblock():
        clean()
        with schema_context("diskominfo"):
            user = get_user_model().objects.create_user(
                USERNAME, password=TEST_PASSWORD, is_staff=True
            )
            user.groups.add(Group.objects.get(name=EVALUATOR_GROUP))
            code = services.enrolment_code_issue(user=user, actor=None)
    yield code
    with django_db_blocker.unblock():
        clean()


def _code_for(secret: str, offset: int = 0) -> str:
    from base64 import b32decode

    from django_otp.oath import TOTP

    totp = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
    totp.time = totp.time + offset * 30
    return f"{totp.token():06d}"


@pytest.mark.e2e
def test_enrolment_page_shows_once_errors_beside_the_field_and_lands_on_next(
    live_server_url, page, evaluator
):
    page.goto(url_for(live_server_url, "diskominfo", "/admin/login/?next=/console/"))
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/keamanan/2fa/**")
    assert page.locator("h1").count() == 1
    assert page.locator("form:has(#id_token)").count() == 1
    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()

    page.fill("#id_enrolment_code", evaluator)
    page.fill("#id_token", _code_for(secret, offset=40))  # a code of twenty minutes from now
    page.locator("form:has(#id_token) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1
    assert page.locator("form:has(#id_token)").count() == 1
    error = page.locator("#error_token")
    assert error.is_visible() and "salah" in error.inner_text()
    field = page.locator("#id_token").bounding_box()
    message = error.bounding_box()
    assert abs(field["y"] - message["y"]) < 120, (field, message)

    page.fill("#id_enrolment_code", evaluator)
    page.fill("#id_token", _code_for(secret))
    page.locator("form:has(#id_token) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/console/"), page.url
