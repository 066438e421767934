"""Nobody can lock a user out by guessing: guesses from unrecognised clients share one small
budget per username, while the owner's own browser (device cookie) and usual address keep
theirs. Guessing stays at about 5 per 15 minutes per username, whatever the addresses."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django_tenants.utils import schema_context

from tests.conftest import host_of

pytestmark = pytest.mark.django_db

PASSWORD = "sandi-kuat-pemilik-2026"
LOCKED = "dikunci sementara"
WRONG = "Nama pengguna atau kata sandi salah"
OWNER_ADDRESS = "10.20.0.7"
_attacker_addresses = (f"10.66.{i // 250}.{i % 250 + 1}" for i in itertools.count())


def _user(username: str):
    with schema_context("humas"):
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        return user


def _browser(address: str) -> Client:
    return Client(HTTP_HOST=host_of("humas"), REMOTE_ADDR=address)


def _login(client: Client, username: str, password: str, **extra):
    return client.post("/admin/login/", {"username": username, "password": password}, **extra)


def _attack(username: str, guesses: int) -> list[str]:
    outcomes = []
    for _ in range(guesses):
        body = _login(_browser(next(_attacker_addresses)), username, "tebakan").content.decode()
        outcomes.append("locked" if LOCKED in body else "checked" if WRONG in body else "?")
    return outcomes


def test_guessing_from_rotating_addresses_does_not_lock_out_the_owner(settings):
    settings.SIMPUL_LOGIN_MAX_FAILURES = 5
    _user("pemilik1")
    owner = _browser(OWNER_ADDRESS)
    assert _login(owner, "pemilik1", PASSWORD).status_code == 302  # her usual browser
    owner.post("/admin/logout/")

    outcomes = _attack("pemilik1", 15)
    assert outcomes.count("checked") == 5, outcomes  # guessing stays bounded
    assert outcomes[5:] == ["locked"] * 10

    # the owner signs in from her browser, and from her usual address on a new browser
    assert _login(owner, "pemilik1", PASSWORD).status_code == 302
    assert _login(_browser(OWNER_ADDRESS), "pemilik1", PASSWORD).status_code == 302
    # an unrecognised client is slowed down: it would be the attacker's next guess
    stranger = _login(_browser("10.99.0.1"), "pemilik1", PASSWORD)
    assert stranger.status_code == 200 and LOCKED in stranger.content.decode()


def test_a_forwarded_for_header_does_not_borrow_the_owners_address(settings):
    settings.SIMPUL_LOGIN_MAX_FAILURES = 5
    _user("pemilik2")
    assert _login(_browser(OWNER_ADDRESS), "pemilik2", PASSWORD).status_code == 302
    _attack("pemilik2", 5)
    spoofed = _login(
        _browser("10.66.200.1"), "pemilik2", "tebakan", HTTP_X_FORWARDED_FOR=OWNER_ADDRESS
    )
    assert LOCKED in spoofed.content.decode()


def test_a_device_cookie_counts_only_for_its_own_username(settings):
    settings.SIMPUL_LOGIN_MAX_FAILURES = 5
    _user("pemilik3")
    _user("korban3")
    attacker = _browser("10.66.201.1")
    assert _login(attacker, "pemilik3", PASSWORD).status_code == 302  # his own account
    _attack("korban3", 5)
    response = _login(attacker, "korban3", "tebakan")
    assert LOCKED in response.content.decode()


def test_the_owners_browser_has_its_own_limit_too(settings):
    settings.SIMPUL_LOGIN_MAX_FAILURES = 3
    _user("pemilik4")
    owner = _browser(OWNER_ADDRESS)
    assert _login(owner, "pemilik4", PASSWORD).status_code == 302
    owner.post("/admin/logout/")
    for _ in range(3):
        assert WRONG in _login(owner, "pemilik4", "typo").content.decode()
    assert LOCKED in _login(owner, "pemilik4", PASSWORD).content.decode()


def test_diskominfos_two_factor_admin_is_not_locked_out_either(settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import TEST_PASSWORD, totp_code

    settings.SIMPUL_LOGIN_MAX_FAILURES = 5
    with schema_context("diskominfo"):
        admin = get_user_model().objects.get(username="admin")
        device = TOTPDevice.objects.create(user=admin, name="hp", confirmed=True)
    owner = Client(HTTP_HOST=host_of("diskominfo"), REMOTE_ADDR=OWNER_ADDRESS)

    def sign_in(client):
        with schema_context("diskominfo"):
            device.refresh_from_db()
            code = totp_code(device)
        return client.post(
            "/admin/login/", {"username": "admin", "password": TEST_PASSWORD, "otp_token": code}
        )

    assert sign_in(owner).status_code == 302
    owner.post("/admin/logout/")
    for i in range(8):
        attacker = Client(HTTP_HOST=host_of("diskominfo"), REMOTE_ADDR=f"10.67.0.{i + 1}")
        attacker.post("/admin/login/", {"username": "admin", "password": "tebakan"})
    refused = Client(HTTP_HOST=host_of("diskominfo"), REMOTE_ADDR="10.67.1.1").post(
        "/admin/login/", {"username": "admin", "password": "tebakan"}
    )
    assert LOCKED in refused.content.decode()
    assert sign_in(owner).status_code == 302
