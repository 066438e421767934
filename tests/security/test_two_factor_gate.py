"""A user who must use two factors is, until verified, signed in for nothing but enrolment,
verification and sign-out — on every entry point, the API with a session included."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tests.conftest import tenant_client, verify_two_factor

pytestmark = pytest.mark.django_db

SUPER = "diskominfo"
API_READS = [
    "/api/v1/inquiries/",
    "/api/v1/referrals/",
    "/api/v1/registry/appointments/",
    "/api/v1/evaluation/reports/",
    "/api/v1/sop/",
]


def _evaluator(username: str = "evaluator_gate"):
    from evaluation.roles import EVALUATOR_GROUP
    from tests.evaluation.factories import make_user

    return make_user(SUPER, username, groups=[EVALUATOR_GROUP])


def _password_only(user, slug: str = SUPER):
    """A session that passed the password and nothing else (what the login form gives a user
    who has not enrolled yet, or a session opened before enrolment)."""
    client = tenant_client(slug)
    with schema_context(slug):
        client.force_login(user)
    return client


def _diskominfo_admin():
    with schema_context(SUPER):
        return get_user_model().objects.get(username="admin")


def _is_two_factor_redirect(response) -> bool:
    return response.status_code == 302 and urlparse(response["Location"]).path == (
        "/admin/keamanan/2fa/"
    )


@pytest.mark.parametrize("who", ["admin", "evaluator", "enrolled-before-this-session"])
def test_password_only_session_reads_and_writes_nothing_through_the_api(who):
    from inbox.models import Inquiry

    if who == "admin":
        user = _diskominfo_admin()
    else:
        user = _evaluator()
        if who == "enrolled-before-this-session":
            with schema_context(SUPER):
                TOTPDevice.objects.create(user=user, name="hp", confirmed=True)
    client = _password_only(user)
    for path in API_READS:
        response = client.get(path)
        assert response.status_code in (401, 403), (path, response.status_code)
        assert "dua faktor" in response.json()["detail"], path
    before = Inquiry.objects.count()
    response = client.post(
        "/api/v1/inquiries/",
        {"kind": "pertanyaan", "body": "Tulis tanpa faktor kedua"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert Inquiry.objects.count() == before


def test_password_only_session_is_sent_to_verification_from_admin_and_console():
    client = _password_only(_evaluator())
    for path in ("/admin/", "/console/", "/admin/users/", "/admin/token-api/"):
        response = client.get(path)
        assert _is_two_factor_redirect(response), (path, response.status_code)
    console = client.get("/console/")
    assert parse_qs(urlparse(console["Location"]).query)["next"] == ["/console/"]
    # a write to the admin is refused the same way, nothing is changed
    response = client.post("/admin/token-api/", {"name": "tanpa-2fa"})
    assert _is_two_factor_redirect(response) or response.status_code == 403
    # the login page itself sends a pending user on to verification
    assert _is_two_factor_redirect(client.get("/admin/login/?next=/console/"))


def _login_only_document(slug: str):
    """A document in a collection that only signed-in users may open."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction

    with schema_context(slug):
        collection = Collection.get_first_root_node().add_child(name="Internal 2FA")
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.LOGIN
        )
        document = get_document_model()(
            title="Catatan internal",
            collection=collection,
            file=ContentFile(b"CATATAN-INTERNAL-QZX", name="catatan.txt"),
        )
        document.save()
        return document.pk, document.filename


def test_private_documents_and_exports_need_the_second_factor_too():
    doc_id, filename = _login_only_document(SUPER)
    verified = _password_only(_diskominfo_admin())
    with schema_context(SUPER):
        verify_two_factor(verified, _diskominfo_admin())
    served = verified.get(f"/documents/{doc_id}/{filename}")
    assert served.status_code == 200  # control: the document is there for a verified admin
    client = _password_only(_diskominfo_admin())
    response = client.get(f"/documents/{doc_id}/{filename}")
    assert _is_two_factor_redirect(response), response.status_code
    export = client.get("/console/ekspor/2025/rekap.xlsx")
    assert _is_two_factor_redirect(export), export.status_code


def test_verification_page_and_sign_out_stay_open():
    client = _password_only(_evaluator())
    page = client.get("/admin/keamanan/2fa/")
    assert page.status_code == 200
    assert "Autentikasi dua faktor" in page.content.decode()
    assert client.post("/admin/logout/").status_code == 302
    assert client.get("/admin/keamanan/2fa/").status_code == 302  # signed out: to login


def test_verified_session_reaches_the_api_and_console():
    user = _evaluator()
    client = _password_only(user)
    with schema_context(SUPER):
        verify_two_factor(client, user)
    assert client.get("/api/v1/evaluation/reports/").status_code == 200
    assert client.get("/console/").status_code == 200


def test_users_without_two_factor_duty_are_unaffected():
    """An instansi's staff who never enrolled keep signing in with the password."""
    with schema_context("humas"):
        user = get_user_model().objects.get(username="admin")
    client = _password_only(user, "humas")
    assert client.get("/api/v1/inquiries/").status_code == 200
    assert client.get("/admin/").status_code == 200
