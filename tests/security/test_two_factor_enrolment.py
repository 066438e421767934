"""Enrolling an authenticator for a role that requires two factors needs a one-time enrolment
code from a Diskominfo superuser or the operator command: a password alone is not enough."""

import re
from base64 import b32decode
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tests.conftest import login_client, tenant_client

pytestmark = pytest.mark.django_db

SUPER = "diskominfo"


def _pending_evaluator(username: str):
    from evaluation.roles import EVALUATOR_GROUP
    from tests.evaluation.factories import make_user

    user = make_user(SUPER, username, groups=[EVALUATOR_GROUP])
    client = tenant_client(SUPER)
    with schema_context(SUPER):
        client.force_login(user)
    return user, client


def _current_code(client) -> str:
    page = client.get("/admin/keamanan/2fa/").content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    return f"{TOTP(b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"


def _command_code(username: str) -> str:
    out = StringIO()
    call_command("twofactor_enrolment_code", username, instansi=SUPER, stdout=out)
    return re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", out.getvalue()).group(1)


def _confirmed(user) -> bool:
    with schema_context(SUPER):
        return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_password_alone_cannot_enrol_a_required_user():
    user, client = _pending_evaluator("evaluator_tofu")
    page = client.get("/admin/keamanan/2fa/").content.decode()
    assert 'name="enrolment_code"' in page and "Kode pendaftaran" in page
    response = client.post(
        "/admin/keamanan/2fa/", {"action": "confirm", "token": _current_code(client)}
    )
    assert response.status_code == 400
    body = response.content.decode()
    # the message is Indonesian and sits beside its field
    assert 'id="error_enrolment_code"' in body and "kode pendaftaran" in body.lower()
    assert body.count("<h1") == 1
    wrong = client.post(
        "/admin/keamanan/2fa/",
        {"action": "confirm", "token": _current_code(client), "enrolment_code": "AAAA-BBBB-CCCC"},
    )
    assert wrong.status_code == 400 and "Kode pendaftaran salah" in wrong.content.decode()
    assert not _confirmed(user)


def test_the_operator_code_enrols_once_and_lands_on_next():
    user, client = _pending_evaluator("evaluator_code")
    code = _command_code("evaluator_code")
    from tenants.access.models import TwoFactorEnrolmentCode

    with schema_context(SUPER):
        stored = TwoFactorEnrolmentCode.objects.get(user=user)
        assert code not in stored.code_hash and code.replace("-", "") not in stored.code_hash
    response = client.post(
        "/admin/keamanan/2fa/?next=/console/",
        {"action": "confirm", "token": _current_code(client), "enrolment_code": code},
    )
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert _confirmed(user)
    assert client.get("/console/").status_code == 200
    # single use: the same code does not enrol again (a second user session, a new phone)
    with schema_context(SUPER):
        TOTPDevice.objects.filter(user=user).delete()
    again = client.post(
        "/admin/keamanan/2fa/",
        {"action": "confirm", "token": _current_code(client), "enrolment_code": code},
    )
    assert again.status_code == 400 and not _confirmed(user)


def test_an_expired_code_is_refused():
    user, client = _pending_evaluator("evaluator_late")
    from tenants.access.models import TwoFactorEnrolmentCode

    code = _command_code("evaluator_late")
    with schema_context(SUPER):
        TwoFactorEnrolmentCode.objects.filter(user=user).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    response = client.post(
        "/admin/keamanan/2fa/",
        {"action": "confirm", "token": _current_code(client), "enrolment_code": code},
    )
    assert response.status_code == 400 and not _confirmed(user)


def test_a_diskominfo_superuser_hands_out_codes_from_the_admin():
    user, client = _pending_evaluator("evaluator_screen")
    admin = login_client(SUPER)  # Diskominfo's superuser, verified
    users = admin.get("/admin/users/").content.decode()
    assert "/admin/keamanan/2fa/kode-pendaftaran/?username=evaluator_screen" in users
    page = admin.post("/admin/keamanan/2fa/kode-pendaftaran/", {"username": "evaluator_screen"})
    assert page.status_code == 200
    code = re.search(r'data-testid="enrolment-code">([^<]+)<', page.content.decode()).group(1)
    response = client.post(
        "/admin/keamanan/2fa/",
        {"action": "confirm", "token": _current_code(client), "enrolment_code": code},
    )
    assert response.status_code == 302 and _confirmed(user)
    unknown = admin.post("/admin/keamanan/2fa/kode-pendaftaran/", {"username": "tidak-ada"})
    assert unknown.status_code == 400 and "tidak ditemukan" in unknown.content.decode()


def test_only_diskominfo_superusers_may_hand_out_codes():
    from evaluation.roles import EVALUATOR_GROUP
    from tests.evaluation.factories import logged_in, make_user

    evaluator = make_user(SUPER, "evaluator_nocode", groups=[EVALUATOR_GROUP])
    client = logged_in(SUPER, evaluator)
    response = client.post("/admin/keamanan/2fa/kode-pendaftaran/", {"username": "admin"})
    # Wagtail's admin answers a refused permission with a message on its dashboard
    assert (response.status_code, response.get("Location")) in {(403, None), (302, "/admin/")}
    assert "enrolment-code" not in response.content.decode()
    from tenants.access.models import TwoFactorEnrolmentCode

    humas = login_client("humas")  # a superuser, but of an ordinary instansi
    refused = humas.get("/admin/keamanan/2fa/kode-pendaftaran/")
    assert (refused.status_code, refused.get("Location")) in {(403, None), (302, "/admin/")}
    with schema_context(SUPER):
        assert not TwoFactorEnrolmentCode.objects.filter(issued_by="evaluator_nocode").exists()


def test_users_without_the_duty_enrol_without_a_code():
    """Any staff member may turn 2FA on for themselves; no code is asked the first time."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    with schema_context("humas"):
        user = get_user_model().objects.create_user("editor_sukarela", password="sandi-kuat-1x")
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = tenant_client("humas")
    with schema_context("humas"):
        client.force_login(user)
    page = client.get("/admin/keamanan/2fa/").content.decode()
    assert 'name="enrolment_code"' not in page
    response = client.post(
        "/admin/keamanan/2fa/", {"action": "confirm", "token": _current_code(client)}
    )
    assert response.status_code == 302
