"""Wagtail's `/_util/` routes answer before the site's page route: a login-restricted document
leads to the sign-in form and back to the file, a password-protected page can be unlocked."""

from urllib.parse import urlparse

import pytest
from django_tenants.utils import schema_context

from tests.conftest import TEST_PASSWORD, tenant_client

from .test_media import PDF, media_root, private_document  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


@pytest.fixture
def fresh_page_cache():
    from cms.caching import generation, memo

    with schema_context("humas"):
        generation.invalidate()
    memo.forget_memo()
    yield
    with schema_context("humas"):
        generation.invalidate()
    memo.forget_memo()


def test_a_login_restricted_document_leads_through_sign_in_to_the_file(private_document):  # noqa: F811
    client = tenant_client("humas")
    file_name = private_document.file.name.rsplit("/", 1)[-1]
    document_url = f"/documents/{private_document.pk}/{file_name}"

    to_login = client.get(document_url)
    assert to_login.status_code == 302
    login = client.get(_path(to_login["Location"]), follow=True)
    assert login.status_code == 200
    login_path = login.request["PATH_INFO"]
    assert login_path == "/admin/login/"  # one sign-in form, with its lockout and 2FA step
    assert login.context["next"] == document_url

    signed_in = client.post(
        f"{login_path}?next={document_url}",
        {"username": "admin", "password": TEST_PASSWORD, "next": document_url},
    )
    assert signed_in.status_code == 302, signed_in.content[:300]
    assert _path(signed_in["Location"]) == document_url
    served = client.get(document_url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF


def test_a_password_protected_page_can_be_unlocked(fresh_page_cache):
    from wagtail.models import Page, PageViewRestriction

    from cms.models import StandardPage

    with schema_context("humas"):
        home = Page.objects.get(depth=2).specific
        page = home.add_child(
            instance=StandardPage(title="Rapat internal", slug="rapat-internal", intro="Agenda X")
        )
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="sandi-rapat"
        )
    from cms.caching import generation, memo

    with schema_context("humas"):
        generation.invalidate()
    memo.forget_memo()

    client = tenant_client("humas")
    form = client.get("/rapat-internal/")
    assert form.status_code == 200
    assert b"Agenda X" not in form.content
    action = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    assert action.encode() in form.content

    wrong = client.post(action, {"password": "salah", "return_url": "/rapat-internal/"})
    assert wrong.status_code == 200
    assert b"Agenda X" not in wrong.content

    unlocked = client.post(action, {"password": "sandi-rapat", "return_url": "/rapat-internal/"})
    assert unlocked.status_code == 302
    assert _path(unlocked["Location"]) == "/rapat-internal/"
    page_response = client.get("/rapat-internal/")
    assert page_response.status_code == 200
    assert b"Agenda X" in page_response.content

    # Another visitor still gets the form, not the unlocked page from a cache.
    assert b"Agenda X" not in tenant_client("humas").get("/rapat-internal/").content


def test_the_front_end_login_route_is_the_admins_sign_in():
    response = tenant_client("humas").get("/_util/login/?next=/documents/1/a.pdf")
    assert response.status_code == 302
    assert _path(response["Location"]) == "/admin/login/?next=/documents/1/a.pdf"


def test_the_password_form_works_in_a_browser_with_csrf_checks(fresh_page_cache):
    """Two visitors in turn, CSRF enforced: neither gets a copy of the other's form."""
    import re

    from django.test import Client
    from wagtail.models import Page, PageViewRestriction

    from cms.caching import generation, memo
    from cms.models import StandardPage
    from tests.conftest import host_of

    with schema_context("humas"):
        home = Page.objects.get(depth=2).specific
        page = home.add_child(
            instance=StandardPage(title="Rapat dinas", slug="rapat-dinas", intro="Agenda Y")
        )
        PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="sandi-dinas"
        )
        generation.invalidate()
    memo.forget_memo()

    for _ in range(2):
        browser = Client(HTTP_HOST=host_of("humas"), enforce_csrf_checks=True)
        form = browser.get("/rapat-dinas/")
        assert form.status_code == 200
        html = form.content.decode()
        action = re.search(r'action="([^"]*authenticate_with_password[^"]*)"', html).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        unlocked = browser.post(
            action,
            {
                "csrfmiddlewaretoken": token,
                "password": "sandi-dinas",
                "return_url": "/rapat-dinas/",
            },
        )
        assert unlocked.status_code == 302, unlocked.status_code
        assert b"Agenda Y" in browser.get("/rapat-dinas/").content
