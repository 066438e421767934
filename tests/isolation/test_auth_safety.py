"""Sign-in safety: lockout per instansi host, TOTP two-factor, CSRF, host-only cookies, headers."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tests.conftest import TEST_PASSWORD, tenant_client

pytestmark = pytest.mark.django_db


def _make_user(slug: str, username: str, password: str = "sandi-kuat-petugas-1", **extra):
    from django.contrib.auth.models import Permission

    with schema_context(slug):
        user = get_user_model().objects.create_user(username, password=password, **extra)
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        return user


def _login(client, username, password, **extra):
    return client.post("/admin/login/", {"username": username, "password": password, **extra})


def test_repeated_wrong_passwords_lock_the_account_on_that_host_only(settings):
    settings.SIMPUL_LOGIN_MAX_FAILURES = 3
    _make_user("humas", "petugas1")
    _make_user("dinkes", "petugas1")
    humas = tenant_client("humas")
    for _ in range(3):
        response = _login(humas, "petugas1", "salah-salah-salah")
        assert response.status_code == 200
    # Now even the right password is refused, with a clear message, on humas.
    response = _login(humas, "petugas1", "sandi-kuat-petugas-1")
    assert response.status_code == 200
    assert "dikunci sementara" in response.content.decode()
    # The namesake account on dinkes is not affected.
    assert _login(tenant_client("dinkes"), "petugas1", "sandi-kuat-petugas-1").status_code == 302


def test_lock_expires_and_success_resets_the_count(settings):
    from datetime import timedelta

    from django.utils import timezone

    from tenants.access.models import LoginThrottle

    settings.SIMPUL_LOGIN_MAX_FAILURES = 2
    _make_user("humas", "petugas2")
    humas = tenant_client("humas")
    _login(humas, "petugas2", "salah-1")
    _login(humas, "petugas2", "salah-2")
    with schema_context("humas"):
        LoginThrottle.objects.filter(username="petugas2").update(
            locked_until=timezone.now() - timedelta(seconds=1)
        )
    assert _login(humas, "petugas2", "sandi-kuat-petugas-1").status_code == 302
    with schema_context("humas"):
        assert not LoginThrottle.objects.filter(username="petugas2").exists()


def test_wrong_password_message_is_indonesian():
    response = _login(tenant_client("humas"), "admin", "bukan-sandinya")
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_user_with_totp_must_give_a_valid_code():
    user = _make_user("humas", "pejabat2fa")
    with schema_context("humas"):
        device = TOTPDevice.objects.create(user=user, name="hp", confirmed=True)
    humas = tenant_client("humas")
    response = _login(humas, "pejabat2fa", "sandi-kuat-petugas-1")
    assert response.status_code == 200
    assert "kode 6 angka" in response.content.decode()
    good = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits).token()
    response = _login(
        humas, "pejabat2fa", "sandi-kuat-petugas-1", otp_token=f"{(good + 1) % 1000000:06d}"
    )
    assert response.status_code == 200
    assert "Kode autentikator salah" in response.content.decode()
    with schema_context("humas"):
        device.refresh_from_db()
        device.throttle_reset()  # django-otp slows down guessing after a wrong code
    code = (
        f"{TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits).token():06d}"
    )
    response = _login(humas, "pejabat2fa", "sandi-kuat-petugas-1", otp_token=code)
    assert response.status_code == 302
    assert humas.get("/admin/").status_code == 200


def test_enrolling_totp_from_the_admin():
    _make_user("humas", "editor2fa")
    client = tenant_client("humas")
    assert _login(client, "editor2fa", "sandi-kuat-petugas-1").status_code == 302
    page = client.get("/admin/keamanan/2fa/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body and "Kunci rahasia" in body
    bad = client.post("/admin/keamanan/2fa/", {"action": "confirm", "token": "12345x"})
    assert bad.status_code == 400 and "salah" in bad.content.decode()
    with schema_context("humas"):
        device = TOTPDevice.objects.get(user__username="editor2fa", confirmed=False)
    code = f"{TOTP(device.bin_key).token():06d}"
    ok = client.post("/admin/keamanan/2fa/", {"action": "confirm", "token": code})
    assert ok.status_code == 302
    with schema_context("humas"):
        assert TOTPDevice.objects.filter(user__username="editor2fa", confirmed=True).count() == 1


def test_csrf_is_enforced_on_admin_login():
    client = Client(HTTP_HOST="humas.localhost", enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "admin", "password": TEST_PASSWORD})
    assert response.status_code == 403


def test_production_like_headers_on_admin_and_public():
    public = tenant_client("humas").get("/")
    assert "script-src 'self'" in public["Content-Security-Policy"]
    assert "unsafe-inline" not in public["Content-Security-Policy"]
    assert public["X-Frame-Options"] == "DENY"
    admin = tenant_client("humas").get("/admin/login/")
    assert "Content-Security-Policy" in admin
