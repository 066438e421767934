"""Shared fixtures: a test regency provisioned once per run, host-bound clients, real services.

The test database is created and migrated by pytest-django; the session fixture below then
provisions four instansi (committed, by cloning the template) that every test can use. Tests
that write run inside a transaction rolled back at the end, schema DDL included.

Tests that need a real server (browser) or a real Celery worker get one as a subprocess
against the same test database: `live_server_url` and `celery_worker`.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[1]
TEST_PASSWORD = "uji-sandi-kuat-2026"
TEST_INSTANSI = [
    ("humas", "Bagian Humas dan Protokol Setda", "Humas", "instansi"),
    ("dinkes", "Dinas Kesehatan", "Dinkes", "instansi"),
    ("disdik", "Dinas Pendidikan dan Kebudayaan", "Disdikbud", "instansi"),
    ("diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo", "super"),
]


def _forget_cache_of_earlier_runs() -> None:
    """Delete what an earlier run left in this run's Redis under its cache prefix.

    A new test database numbers its rows from 1 again, so an earlier run's entries would be
    read as this run's: Wagtail's cached rendition of image 1 names a file of the earlier
    run's media (gone with its checkout: a 404), a page cached under an instansi's old
    generation shows the earlier run's pages. Keys are `<schema>:<prefix>:<version>:<key>`
    (django-tenants) and `<regency prefix>:<version>:<key>`; Celery's keys are left alone."""
    from django.conf import settings
    from django.core.cache import caches

    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    regency_prefix = settings.CACHES["regency"]["KEY_PREFIX"]
    client = caches["default"].client.get_client(write=True)
    for pattern in (f"*:{prefix}:*", f"{regency_prefix}:*"):
        stale = list(client.scan_iter(match=pattern, count=1000))
        for start in range(0, len(stale), 1000):
            client.delete(*stale[start : start + 1000])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Provision the test regency once; idempotent so `--reuse-db` also works."""
    from django.db import connection

    from tenants.selectors import instansi_get
    from tenants.services import instansi_provision

    _forget_cache_of_earlier_runs()
    with django_db_blocker.unblock():
        if not connection.settings_dict["NAME"].startswith("test_"):
            # pytest-django sets up the test database only when a collected test asks for
            # `db`; a run of browser/worker tests alone must not fall through to the dev DB.
            from django.test.utils import setup_databases

            setup_databases(verbosity=0, interactive=False, aliases={"default"}, keepdb=True)
        for slug, name, short_name, kind in TEST_INSTANSI:
            if instansi_get(slug) is None:
                instansi_provision(
                    slug=slug,
                    name=name,
                    short_name=short_name,
                    kind=kind,
                    admin_email=f"admin@{slug}.localhost",
                    admin_password=TEST_PASSWORD,
                )
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    """Every test starts and ends in the public schema with a fresh host cache."""
    from django.db import connection

    from tenants.hosts import forget_hosts

    forget_hosts()
    yield
    connection.set_schema_to_public()
    forget_hosts()


def host_of(slug: str | None) -> str:
    from django.conf import settings

    return settings.SIMPUL_BASE_DOMAIN if slug is None else f"{slug}.{settings.SIMPUL_BASE_DOMAIN}"


def tenant_client(slug: str | None):
    """A Django test client whose requests go to `slug`'s host (None: the portal)."""
    from django.test import Client

    return Client(HTTP_HOST=host_of(slug))


@pytest.fixture
def instansi(db):
    """Instansi rows of the test regency by slug: `instansi['humas']`."""
    from tenants.models import Instansi

    return {i.schema_name: i for i in Instansi.objects.served()}


@pytest.fixture
def portal_client(db):
    return tenant_client(None)


@pytest.fixture
def humas_client(db):
    return tenant_client("humas")


@pytest.fixture
def dinkes_client(db):
    return tenant_client("dinkes")


def login_client(slug: str, username: str = "admin", password: str = TEST_PASSWORD):
    """A client logged in on `slug`'s host as one of `slug`'s users (session in its schema)."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    client = tenant_client(slug)
    with schema_context(slug):
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password)
        client.force_login(user)
        verify_two_factor(client, user)
    return client


def verify_two_factor(client, user) -> None:
    """Mark the session as having passed TOTP, as the login form does for enrolled users.

    Diskominfo evaluators (and the super-tenant's admins) must use two-factor sign-in; tests
    that are not about sign-in start from a verified session.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tenants.access.services import two_factor_required

    if not (
        two_factor_required(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    ):
        return
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="uji", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def totp_code(device) -> str:
    """A TOTP code the device has not accepted yet (django-otp refuses a code used twice)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    if hasattr(device, "refresh_from_db"):  # a saved device: its last used step is in the row
        device.refresh_from_db()
    deadline = time.monotonic() + 3 * device.step
    while time.monotonic() < deadline:
        now_step = int((time.time() - device.t0) // device.step)
        for step in (now_step, now_step + 1):
            if device.last_t is None or step > device.last_t:
                totp.time = device.t0 + step * device.step
                return f"{totp.token():0{device.digits}d}"
        # Both codes in tolerance were used by sign-ins just before: wait for the next step.
        time.sleep(1)
    raise AssertionError("no fresh TOTP code within tolerance")


def browser_login(
    page,
    live_server_url: str,
    slug: str,
    next_path: str = "/admin/",
    username: str = "admin",
    password: str = TEST_PASSWORD,
    django_db_blocker=None,
) -> None:
    """Sign in through the admin login page in the browser, passing two-factor when asked:
    with the enrolled device's current code, or by enrolling from the secret on the page.
    Pass `django_db_blocker` from a test that has no `db` fixture (the device is looked up)."""
    from base64 import b32decode
    from contextlib import nullcontext

    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import schema_context

    page.goto(url_for(live_server_url, slug, f"/admin/login/?next={next_path}"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with django_db_blocker.unblock() if django_db_blocker else nullcontext(), schema_context(slug):
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is not None:
            page.fill("input[name=otp_token]", totp_code(device))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/admin/keamanan/2fa/" in page.url:
        secret = page.locator("[data-testid=totp-secret]").first.inner_text().strip()
        padded = secret + "=" * (-len(secret) % 8)

        class _Fresh:
            bin_key, step, t0, digits, last_t = b32decode(padded), 30, 0, 6, None

        form = page.locator("form:has(#id_token)").first
        if form.locator("#id_enrolment_code").count():
            # roles that must use two factors enrol with a code a Diskominfo superuser issues
            from django.contrib.auth import get_user_model

            from tenants.access.services import enrolment_code_issue

            with (
                django_db_blocker.unblock() if django_db_blocker else nullcontext(),
                schema_context(slug),
            ):
                user = get_user_model().objects.get(username=username)
                form.locator("#id_enrolment_code").fill(enrolment_code_issue(user=user, actor=None))
        form.locator("#id_token").fill(totp_code(_Fresh))
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        if next_path and next_path not in page.url:
            page.goto(url_for(live_server_url, slug, next_path))


@pytest.fixture
def humas_admin(db):
    return login_client("humas")


# --- real processes against the test database -------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _test_database_url() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def subprocess_env(**extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_test_database_url(),
        DEBUG="1",
        PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
        DJANGO_SETTINGS_MODULE="simpul.settings",
    )
    env.update(extra)
    return env


def _wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker) -> Iterator[str]:
    """A real Django server on a free port serving the test database (data must be committed).

    Use `http://<slug>.localhost:<port>/`: Chromium and curl resolve *.localhost to loopback.
    """
    port = _free_port()
    (ROOT / "var").mkdir(exist_ok=True)
    with open(ROOT / "var" / "live-server.log", "w") as log:
        proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "runserver",
                f"127.0.0.1:{port}",
                "--noreload",
            ],
            env=subprocess_env(SIMPUL_PUBLIC_PORT=str(port)),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_port(port, proc)
            yield f"http://localhost:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def url_for(live_server_url: str, slug: str | None, path: str = "/") -> str:
    port = urlparse(live_server_url).port
    return f"http://{host_of(slug)}:{port}{path}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup) -> Iterator[subprocess.Popen]:
    """A real Celery worker (solo pool) on the test Redis, against the test database.

    The queue is emptied first: what earlier tests (or runs) left there belongs to rows that
    were rolled back, and a solo worker chewing through it would make the first test that
    waits for a task time out.
    """
    from simpul.celery import app

    app.control.purge()
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "simpul",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        env=subprocess_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("celery worker exited")
        if app.control.ping(timeout=0.5):
            break
    else:
        proc.terminate()
        raise RuntimeError("celery worker did not answer ping")
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()
