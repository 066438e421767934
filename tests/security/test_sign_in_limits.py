"""The instansi's user administrators see who is kept from signing in after wrong passwords
and open it for a user they know; rows that no longer decide anything are pruned daily."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.access.models import KnownClientAddress, LoginBudget, TwoFactorEnrolmentCode
from tenants.models import AuditEntry
from tests.conftest import host_of, login_client

pytestmark = pytest.mark.django_db

PASSWORD = "sandi-kuat-pegawai-2026"
SCREEN = "/admin/keamanan/pembatasan-masuk/"
LOCKED = "dikunci sementara"


def _user(slug: str, username: str, *, can_manage_users: bool = False):
    with schema_context(slug):
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        codenames = ["access_admin"] + (["change_user"] if can_manage_users else [])
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        return user


def _sign_in(slug: str, username: str, password: str, address: str = "10.40.0.9"):
    client = Client(HTTP_HOST=host_of(slug), REMOTE_ADDR=address)
    return client.post("/admin/login/", {"username": username, "password": password})


def _exhaust(slug: str, username: str) -> None:
    for attempt in range(5):
        _sign_in(slug, username, "tebakan-salah", address=f"10.41.0.{attempt + 1}")


def test_an_administrator_sees_the_limit_and_opens_it(settings):
    settings.SIMPUL_LOGIN_MAX_FAILURES = 5
    _user("humas", "pegawai1")
    _exhaust("humas", "pegawai1")
    refused = _sign_in("humas", "pegawai1", PASSWORD)
    assert refused.status_code == 200 and LOCKED in refused.content.decode()

    admin = login_client("humas")
    screen = admin.get(SCREEN)
    assert screen.status_code == 200
    html = screen.content.decode()
    assert "pegawai1" in html and "perangkat tak dikenal" in html and "Buka pembatasan" in html

    opened = admin.post(SCREEN, {"username": "Pegawai1"}, follow=True)
    assert opened.status_code == 200
    assert "Pembatasan masuk untuk pegawai1 dibuka" in opened.content.decode()
    assert "Tidak ada pengguna yang sedang dibatasi" in opened.content.decode()
    assert _sign_in("humas", "pegawai1", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(
        action="login.unlock", instansi__schema_name="humas", object_id="pegawai1"
    )
    assert entry.actor_name


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "Isi nama pengguna yang pembatasannya dibuka."),
        ("tidak-dibatasi", "Tidak ada pembatasan masuk untuk tidak-dibatasi"),
    ],
)
def test_nothing_to_open_is_said_plainly(username, message):
    response = login_client("humas").post(SCREEN, {"username": username})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(action="login.unlock", object_id=username).exists()


def test_only_user_administrators_have_the_screen_and_its_menu_item(settings):
    settings.SIMPUL_LOGIN_MAX_FAILURES = 5
    _user("humas", "penulis", can_manage_users=False)
    _user("humas", "pengelola", can_manage_users=True)
    _user("humas", "rekan")
    _exhaust("humas", "rekan")
    writer = login_client("humas", "penulis", PASSWORD)
    for refused in (writer.get(SCREEN), writer.post(SCREEN, {"username": "rekan"})):
        # Wagtail's answer to PermissionDenied in its admin: back to the dashboard
        assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert not AuditEntry.objects.filter(action="login.unlock", object_id="rekan").exists()
    assert SCREEN not in writer.get("/admin/").content.decode()
    manager = login_client("humas", "pengelola", PASSWORD)
    assert manager.get(SCREEN).status_code == 200
    assert LOCKED in _sign_in("humas", "rekan", PASSWORD).content.decode()  # still limited
    assert SCREEN in manager.get("/admin/").content.decode()
    assert Client(HTTP_HOST=host_of("humas")).get(SCREEN).status_code == 302  # to sign-in


def test_each_instansi_sees_and_opens_only_its_own_limits(settings):
    settings.SIMPUL_LOGIN_MAX_FAILURES = 5
    _user("humas", "kembar")
    _user("dinkes", "kembar")
    _exhaust("humas", "kembar")
    assert "kembar" not in login_client("dinkes").get(SCREEN).content.decode()
    # opening "kembar" on dinkes has nothing to open and leaves humas' limit in place
    assert login_client("dinkes").post(SCREEN, {"username": "kembar"}).status_code == 400
    assert LOCKED in _sign_in("humas", "kembar", PASSWORD).content.decode()


def test_prune_deletes_only_rows_that_no_longer_decide_anything(settings):
    from tenants.access.services import KNOWN_ADDRESS_DAYS
    from tenants.access.tasks import prune_sign_in_rows

    settings.SIMPUL_LOGIN_LOCK_MINUTES = 15
    prune_sign_in_rows.run("humas")  # what earlier tests left (the browser tests commit theirs)
    now = timezone.now()
    user = _user("humas", "lama")
    with schema_context("humas"):
        LoginBudget.objects.create(username="lama", client="", attempts=9, window_start=now)
        LoginBudget.objects.create(
            username="lama",
            client="ip:10.0.0.1",
            attempts=9,
            window_start=now - timedelta(minutes=16),
        )
        KnownClientAddress.objects.create(username="lama", address="10.0.0.2", last_success_at=now)
        KnownClientAddress.objects.create(
            username="lama",
            address="10.0.0.3",
            last_success_at=now - timedelta(days=KNOWN_ADDRESS_DAYS + 1),
        )
        for code, expired in (("a" * 64, 1), ("b" * 64, 31)):
            TwoFactorEnrolmentCode.objects.create(
                user=user, code_hash=code, expires_at=now - timedelta(days=expired)
            )
    with schema_context("dinkes"):
        LoginBudget.objects.create(
            username="lama", client="", attempts=1, window_start=now - timedelta(hours=2)
        )

    assert prune_sign_in_rows.run("humas") == {"budgets": 1, "addresses": 1, "codes": 1}
    assert prune_sign_in_rows.run("humas") == {"budgets": 0, "addresses": 0, "codes": 0}
    with schema_context("humas"):
        assert list(
            LoginBudget.objects.filter(username="lama").values_list("client", flat=True)
        ) == [""]
        assert list(
            KnownClientAddress.objects.filter(username="lama").values_list("address", flat=True)
        ) == ["10.0.0.2"]
        assert list(
            TwoFactorEnrolmentCode.objects.filter(user=user).values_list("code_hash", flat=True)
        ) == ["a" * 64]
    with schema_context("dinkes"):  # another instansi's rows wait for its own message
        assert LoginBudget.objects.filter(username="lama").count() == 1


def test_the_daily_prune_fans_out_over_every_active_instansi(monkeypatch):
    import core.fanout
    from tenants.access.tasks import PRUNE_CHUNK, prune_sign_in_rows, prune_sign_in_rows_all
    from tenants.models import Instansi

    sent = {}

    def capture(task, *, schemas, **options):
        sent.update(task=task, schemas=list(schemas), **options)
        return core.fanout.GroupResult(results=[])

    monkeypatch.setattr(core.fanout, "fan_out", capture)
    prune_sign_in_rows_all.run()
    assert sent["task"] is prune_sign_in_rows and sent["chunk"] == PRUNE_CHUNK
    assert sorted(sent["schemas"]) == sorted(
        Instansi.objects.active().values_list("schema_name", flat=True)
    )
    entry = settings_entry()
    assert entry == {"task": "tenants.access.tasks.prune_sign_in_rows_all", "schedule": 86400.0}


def settings_entry() -> dict:
    from django.conf import settings

    return settings.CELERY_BEAT_SCHEDULE["access-prune-sign-in-rows"]
