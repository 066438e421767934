"""Sign-in safety: lockout per instansi host, TOTP two-factor, CSRF, host-only cookies, headers."""

import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tests.conftest import TEST_PASSWORD, host_of, tenant_client

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


def test_lock_expires_and_a_success_gives_its_attempt_back(settings):
    from datetime import timedelta

    from django.utils import timezone

    from tenants.access.models import LoginBudget

    settings.SIMPUL_LOGIN_MAX_FAILURES = 2
    _make_user("humas", "petugas2")
    humas = tenant_client("humas")
    _login(humas, "petugas2", "salah-1")
    _login(humas, "petugas2", "salah-2")
    assert "dikunci sementara" in _login(humas, "petugas2", "sandi-kuat-petugas-1").content.decode()
    with schema_context("humas"):
        LoginBudget.objects.filter(username="petugas2").update(
            window_start=timezone.now() - timedelta(minutes=16)
        )
    assert _login(humas, "petugas2", "sandi-kuat-petugas-1").status_code == 302
    with schema_context("humas"):
        # the window started anew with this sign-in, whose attempt was given back
        assert LoginBudget.objects.get(username="petugas2", client="").attempts == 0


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


# --- CSRF: every form that POSTs refuses a request without the token ------------------------

CSRF_PAGE_TEXT = "Formulir tidak dapat diproses"
_csrf_ips = (f"10.77.{i // 250}.{i % 250 + 1}" for i in itertools.count())


def _csrf_client(slug: str | None) -> Client:
    return Client(HTTP_HOST=host_of(slug), enforce_csrf_checks=True, REMOTE_ADDR=next(_csrf_ips))


def _assert_csrf_refused(response) -> None:
    assert response.status_code == 403, response.status_code
    assert CSRF_PAGE_TEXT in response.content.decode()  # the Indonesian page, not Django's


@pytest.fixture
def site_form_path(db):
    from inbox.provisioning import create_inquiry_form_page
    from tenants.models import Instansi

    with schema_context("humas"):
        page = create_inquiry_form_page(Instansi.objects.get(schema_name="humas"))
        return page.relative_url(page.get_site())


INQUIRY = {
    "kind": "pertanyaan",
    "body": "Apakah formulir ini terlindung CSRF?",
    "citizen_name": "Uji CSRF",
    "citizen_contact": "",
    "situs_web": "",
}


def _form_then_post(client, path: str, data: dict):
    """The form as a browser gets it (cookie + hidden token), then posted back with the token."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token, f"{path}: the form carries no CSRF token"
    return client.post(path, {**data, "csrfmiddlewaretoken": token.group(1)})


@pytest.mark.parametrize(
    "where",
    ["admin login (instansi)", "console login (Diskominfo)", "portal inquiry form", "site form"],
)
def test_every_posting_form_refuses_a_request_without_csrf_token(where, request):
    from inbox.models import Inquiry

    if where == "admin login (instansi)":
        slug, path, data = (
            "humas",
            "/admin/login/",
            {"username": "admin", "password": TEST_PASSWORD},
        )
    elif where == "console login (Diskominfo)":
        # the console sends anonymous visitors to this host's sign-in page
        assert (
            Client(HTTP_HOST=host_of("diskominfo")).get("/console/")["Location"]
            == "/admin/login/?next=/console/"
        )
        slug, path = "diskominfo", "/admin/login/?next=/console/"
        data = {"username": "admin", "password": TEST_PASSWORD}
    elif where == "portal inquiry form":
        slug, path, data = None, "/tanya/", {**INQUIRY, "instansi": "humas"}
    else:
        slug, path, data = "humas", request.getfixturevalue("site_form_path"), INQUIRY
    before = Inquiry.objects.count()
    _assert_csrf_refused(_csrf_client(slug).post(path, data))
    # a forged token is refused the same way
    _assert_csrf_refused(_csrf_client(slug).post(path, {**data, "csrfmiddlewaretoken": "x" * 64}))
    assert Inquiry.objects.count() == before
    # control: the same request with the form's token passes the CSRF check
    accepted = _form_then_post(_csrf_client(slug), path, data)
    assert accepted.status_code in (200, 302), accepted.status_code
    assert CSRF_PAGE_TEXT not in accepted.content.decode()


def test_forms_that_only_read_use_get_and_need_no_token():
    """Tracking and account verification change nothing: GET forms (so no CSRF token), and a
    POST to them is still refused by the CSRF check."""
    for slug, path in ((None, "/lacak/"), ("humas", "/lacak/"), (None, "/verifikasi-akun/")):
        page = _csrf_client(slug).get(path)
        assert page.status_code == 200
        forms = re.findall(r"<form[^>]*>", page.content.decode())
        assert forms and all('method="get"' in f for f in forms), (path, forms)
        _assert_csrf_refused(_csrf_client(slug).post(path, {"code": "ABCD-EFGH-JKMN"}))


def test_production_like_headers_on_admin_and_public():
    public = tenant_client("humas").get("/")
    assert "script-src 'self'" in public["Content-Security-Policy"]
    assert "unsafe-inline" not in public["Content-Security-Policy"]
    assert public["X-Frame-Options"] == "DENY"
    admin = tenant_client("humas").get("/admin/login/")
    assert "Content-Security-Policy" in admin


def test_production_settings_send_hsts_and_redirect_plain_http(tmp_path):
    """The app as deployed (DEBUG off, behind a TLS proxy): HSTS on every HTTPS answer, plain
    HTTP sent to HTTPS (the health probe excepted). A real server process; JSON routes only,
    as HTML pages need the collected static manifest of a built image."""
    import uuid

    import requests
    from django.conf import settings
    from django.db import connection

    from tests.faults import harness

    env = harness.app_env(
        DEBUG="0",
        SECRET_KEY="uji-produksi-" + uuid.uuid4().hex * 2,
        DATABASE_URL=harness.database_url(connection.settings_dict["NAME"]),
        REDIS_URL=settings.REDIS_URL,
        SIMPUL_CACHE_PREFIX=f"hsts-{uuid.uuid4().hex[:8]}",
    )
    env.pop("SECURE_SSL_REDIRECT", None)
    env.pop("SECURE_HSTS_SECONDS", None)
    with harness.app_server(env, tmp_path / "server.log") as server:

        def get(path, host="humas.localhost", **headers):
            return requests.get(
                server.url + path,
                headers={"Host": host, **headers},
                timeout=30,
                allow_redirects=False,
            )

        for path, host in (("/api/v1/", "humas.localhost"), ("/healthz", "localhost")):
            secure = get(path, host, **{"X-Forwarded-Proto": "https"})
            assert secure.status_code == 200, (path, secure.status_code)
            assert secure.headers["Strict-Transport-Security"] == (
                "max-age=31536000; includeSubDomains"
            )
        plain = get("/api/v1/")
        assert plain.status_code == 301
        assert plain.headers["Location"] == "https://humas.localhost/api/v1/"
        assert "Strict-Transport-Security" not in plain.headers  # only over HTTPS (RFC 6797)
        # the health probe answers over plain HTTP (load balancers speak HTTP to it)
        assert get("/healthz", "localhost").status_code == 200
