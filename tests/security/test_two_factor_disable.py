"""Turning two-factor sign-in off needs a session that passed it and the password again."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tests.conftest import tenant_client, verify_two_factor

pytestmark = pytest.mark.django_db

PASSWORD = "sandi-kuat-petugas-2fa"


def _enrolled(username: str):
    with schema_context("humas"):
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        TOTPDevice.objects.create(user=user, name="hp", confirmed=True)
    return user


def _devices(user) -> int:
    with schema_context("humas"):
        return TOTPDevice.objects.filter(user=user).count()


def test_a_password_only_session_cannot_turn_two_factor_off():
    user = _enrolled("pejabat_off1")
    client = tenant_client("humas")
    with schema_context("humas"):
        client.force_login(user)  # password passed, code not
    response = client.post("/admin/keamanan/2fa/", {"action": "disable", "password": PASSWORD})
    assert response.status_code in (400, 403)
    assert _devices(user) == 1


def test_a_verified_session_needs_the_password_too():
    user = _enrolled("pejabat_off2")
    client = tenant_client("humas")
    with schema_context("humas"):
        client.force_login(user)
        verify_two_factor(client, user)
    missing = client.post("/admin/keamanan/2fa/", {"action": "disable"})
    assert missing.status_code == 400 and _devices(user) == 1
    wrong = client.post("/admin/keamanan/2fa/", {"action": "disable", "password": "bukan"})
    assert wrong.status_code == 400 and _devices(user) == 1
    assert "Kata sandi salah" in wrong.content.decode()
    ok = client.post("/admin/keamanan/2fa/", {"action": "disable", "password": PASSWORD})
    assert ok.status_code == 302 and _devices(user) == 0
